"""Form widgets of our own (no script: the pages' CSP allows none inline)."""

from django import forms
from django.utils.html import format_html, format_html_join


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO (2026-12-02), shown the user's way."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DatalistInput(forms.TextInput):
    """A text input with suggestions (HTML ``<datalist>``): pick one of ``options`` or type
    anything else. The browser offers the list; nothing is refused for not being in it."""

    def __init__(self, options=(), attrs=None):
        super().__init__(attrs)
        self.options = list(options)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs["list"] = list_id
        attrs.setdefault("autocomplete", "off")
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((str(o),) for o in self.options)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)
