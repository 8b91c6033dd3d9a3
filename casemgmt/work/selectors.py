"""Reads of the working day, composed from the apps' own querysets (one door for scope)."""

from cases.models import Case, Stage

MY_CASES_LIMIT = 30


def my_open_cases(*, user, limit=MY_CASES_LIMIT):
    """The user's open cases as case manager, the oldest first: one query, bounded. (Sorting by
    what is due next comes with the stored due dates.)"""
    qs = (
        Case.objects.for_user(user)
        .filter(primary_manager=user, stage__in=Stage.open_stages())
        .select_related("client")
        .order_by("opened_on", "id")
    )
    return list(qs[:limit])
