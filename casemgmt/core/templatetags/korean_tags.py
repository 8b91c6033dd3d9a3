"""{{ name|josa:"은/는" }} → 박영호는, 김하늘은 (the word alone on an English page)."""

from django import template

from casemgmt.core.korean import with_particle

register = template.Library()


@register.filter
def josa(word, pair):
    return with_particle(word, pair)
