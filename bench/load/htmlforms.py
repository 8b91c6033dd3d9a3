"""Read HTML forms the way a browser submits them (standard library only).

``forms(html)`` gives every <form> with its action, method and the name/value pairs a browser
would send if nothing were changed (checked boxes, selected options, textareas), plus each
<select>'s options, so a script can fill a form without knowing its every field.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  # [(name, value)] as a browser sends them
    options: dict = field(default_factory=dict)  # select name -> [option values]
    names: set = field(default_factory=set)  # every named control, sent or not

    def data(self, **overrides):
        """The submitted pairs with ``overrides`` replacing (or adding) single values."""
        pairs = [(k, v) for k, v in self.fields if k not in overrides]
        for key, value in overrides.items():
            if value is not None:
                pairs.append((key, value))
        return pairs

    def value(self, name, default=None):
        return next((v for k, v in self.fields if k == name), default)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None  # [name, selected value or None, first value or None]
        self._option = None  # [value or None, text]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(
                action=a.get("action") or "", method=(a.get("method") or "get").lower()
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._form.names.add(name)
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
                return
            self._form.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._form.names.add(name)
            self._select = [name, None, None]
            self._form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), ""]
            if "selected" in a:
                self._option.append(True)
        elif tag == "textarea" and name:
            self._form.names.add(name)
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value = self._option[0] if self._option[0] is not None else self._option[1].strip()
            self._form.options[self._select[0]].append(value)
            if self._select[2] is None:
                self._select[2] = value
            if len(self._option) > 2:
                self._select[1] = value
            self._option = None
        elif tag == "select" and self._select is not None:
            name, selected, first = self._select
            chosen = selected if selected is not None else first
            if chosen is not None:
                self._form.fields.append((name, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms(html):
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html, field_name, method="post"):
    """The first form of ``method`` that has a control named ``field_name``; None if none."""
    return next(
        (f for f in forms(html) if f.method == method and field_name in f.names),
        None,
    )
