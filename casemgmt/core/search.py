"""Searching part of a Korean name, phone or address through an index: two-letter pieces (bigrams).

Officers type two syllables of a name (길동 finds 홍길동), its initial consonants (ㅎㄱㄷ), four
digits of a phone number or a road name. ``LIKE '%길동%'`` cannot use a B-tree index, and
PostgreSQL's pg_trgm cannot index a two-letter pattern either (a trigram needs three). So each
searchable row stores the set of two-letter pieces of its words — 홍길동 → {홍길, 길동, ㅎㄱ, ㄱㄷ} —
in a ``GramsField``: a ``text[]`` column with a GIN index on PostgreSQL, where "has every piece of
the query" (``@>``) is an index lookup; a plain text column " 홍길 길동 ㅎㄱ ㄱㄷ " on SQLite, where
the same lookup becomes LIKEs (small databases, no index needed).

The pieces only narrow the rows: a row holding 길동 and 홍길 need not contain 홍길동, so the caller
keeps its exact filter (``name__icontains``) after ``search_grams__has_grams``. Measured at
100,000 clients on PostgreSQL 15 (bench/scale.py, docs/scaling.md): 0.3–0.8 ms a query for two
syllables or initials through the GIN index; the scan ``LIKE`` needs was about 40 times slower
when issue 15 measured it.
"""

from django.db import models

from .korean import initial_consonants, is_initials

GRAM = 2


def _pieces(word):
    return {word[i : i + GRAM] for i in range(len(word) - GRAM + 1)}


def text_grams(*texts):
    """The two-letter pieces of each word of each text (lower case)."""
    grams = set()
    for text in texts:
        for word in (text or "").lower().split():
            grams |= _pieces(word)
    return grams


def name_grams(name):
    """The pieces of a name written without spaces, and of its initial consonants."""
    letters = "".join((name or "").lower().split())
    return _pieces(letters) | _pieces(initial_consonants(letters))


def query_grams(q):
    """The pieces every row matching ``q`` must hold: of each word typed (of the initials when
    ``q`` is initials). Empty when no word has two letters: then only the exact filter applies."""
    if is_initials(q):
        return sorted(_pieces(initial_consonants(q)))
    return sorted(text_grams(q))


class GramsField(models.Field):
    """A set of two-letter pieces: ``text[]`` on PostgreSQL, " a b c " on other databases."""

    description = "Two-letter search pieces"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "text[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        grams = sorted(set(value or ()))
        if connection.vendor == "postgresql":
            return grams
        return " " + " ".join(grams) + " " if grams else " "

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        return list(value) if isinstance(value, list) else value.split()

    def to_python(self, value):
        if isinstance(value, str):
            return value.split()
        return list(value or ())


@GramsField.register_lookup
class HasGrams(models.Lookup):
    """``field__has_grams=[...]``: the row holds every piece given (an empty list: every row)."""

    lookup_name = "has_grams"
    prepare_rhs = False

    def get_prep_lookup(self):
        return sorted(set(self.rhs))

    def process_rhs(self, compiler, connection):
        return "%s", [self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::text[]", [*lhs_params, list(self.rhs)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 1", []
        conditions, params = [], []
        for gram in self.rhs:
            escaped = gram.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(f"{lhs} LIKE %s ESCAPE '\\'")
            params.extend([*lhs_params, f"% {escaped} %"])
        return "(" + " AND ".join(conditions) + ")", params


class GramsIndex(models.Index):
    """A GIN index on PostgreSQL (what ``@>`` on an array uses); a plain index elsewhere."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            using = " USING gin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)
