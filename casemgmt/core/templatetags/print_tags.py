"""Filters for printed forms.

WeasyPrint 70 ignores ``word-break: keep-all``, so a Korean word at the end of a line would be cut
between two syllables. ``keepall`` keeps each word whole: every Korean word becomes a no-wrap span
(``<span class="kw">``, white-space: nowrap in print.css), and lines break only between words. ``box`` prints the form's check box: ■ ticked, □ not.
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_WORD = re.compile(r"\S+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: print.css: .kw { white-space: nowrap }. A class, not a style attribute: WeasyPrint parses every
#: style attribute on its own, which made a 40-item plan 0.25 s slower.
NOWRAP = '<span class="kw">{}</span>'
TICKED, EMPTY = "■", "□"


def _keep_words(line):
    # Only a word with two or more Hangul syllables can be cut between them (Latin words and
    # numbers already break only at spaces): fewer spans, faster layout.
    return _WORD.sub(
        lambda m: NOWRAP.format(m.group(0)) if len(_HANGUL.findall(m.group(0))) > 1 else m.group(0),
        line,
    )


@register.filter(needs_autoescape=True)
def keepall(value, autoescape=True):
    """Escape first, then wrap each word in a no-wrap span; newlines become <br>."""
    if value is None or value == "":
        return ""
    text = conditional_escape(str(value)) if autoescape else str(value)
    lines = str(text).splitlines()
    return mark_safe("<br>".join(_keep_words(line) for line in lines))  # noqa: S308 (escaped above)


@register.simple_tag
def box(ticked, label=""):
    """``{% box item.status == "achieved" _("Achieved") %}`` → ■달성 or □달성."""
    mark = TICKED if ticked else EMPTY
    if not label:
        return mark
    return f"{mark}{label}"  # simple_tag escapes it


@register.simple_tag
def box_for(value, choice, label=""):
    """A check box ticked when ``value`` equals ``choice`` (a choice field's current value)."""
    return box(str(value) == str(choice), label)


@register.filter
def is_in(value, container):
    return value in (container or ())


_TAG = re.compile(r"(<[^>]+>)")
_KW_OPEN = NOWRAP.split("{}")[0]


class KeepAllNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        parts = _TAG.split(html)
        out, inside_kw = [], False
        for part in parts:
            if part.startswith("<"):
                inside_kw = part == _KW_OPEN
                out.append(part)
            elif inside_kw or not part.strip():
                out.append(part)
            else:
                out.append(_keep_words(part))
        return mark_safe("".join(out))  # noqa: S308 (rendered, already escaped template output)


@register.tag
def keepall_block(parser, token):
    """``{% keepall_block %}…{% endkeepall_block %}``: the same for a whole rendered block (the
    form's fixed wording): only text between tags is touched, words already kept are left."""
    nodelist = parser.parse(("endkeepall_block",))
    parser.delete_first_token()
    return KeepAllNode(nodelist)
