"""Template tags of the registry, for pages of other apps that show a piece of it."""

from django import template

from resources.selectors import referrals_for_case

register = template.Library()


@register.simple_tag
def case_referrals(case):
    """The case's referrals (``referrals_for_case``), for ``resources/_case_referrals.html``."""
    return list(referrals_for_case(case=case))
