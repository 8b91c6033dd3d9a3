"""Change history (변경 이력): who changed a record, when, and its old and new values.

django-simple-history keeps a historical row for every save of a tracked model. The acting user
is the request's user in a request, else the record's ``updated_by`` (services set it), so rows
written by commands and background work still say who. Sensitive fields are encrypted in the
historical table exactly as in the live one, and are shown masked on the history page.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .korean import korean_date, korean_datetime

# Bookkeeping columns: the history row itself says who and when, so these only add noise.
NOT_SHOWN = {"id", "version", "created_at", "updated_at", "created_by", "updated_by"}
MASKED = _("(changed — hidden)")


def acting_user(instance=None, request=None, **kwargs):
    """The request's user; else who the row says changed it (``updated_by``, or a model's
    ``history_actor`` for rows without one, e.g. a plan item names its plan's editor)."""
    if request is not None and request.user.is_authenticated:
        return request.user
    for name in ("updated_by", "history_actor", "created_by"):
        user = getattr(instance, name, None)
        if user is not None:
            return user
    return None


def change_history(**options):
    """The ``history = change_history()`` line every tracked model carries."""
    options.setdefault("get_user", acting_user)
    return HistoricalRecords(**options)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    record: str = ""
    changes: list[FieldChange] = field(default_factory=list)


KIND_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
FIRST_KNOWN = _("changed (first change kept; earlier values were not tracked)")


def _display(model, name, value, related_names):
    if value is None or value == "" or value == []:
        return "—"
    model_field = model._meta.get_field(name)
    target = model_field.related_model._meta.model_name if model_field.is_relation else None
    if isinstance(value, list | tuple):  # a many-to-many snapshot: the related ids
        return ", ".join(related_names.get((target, pk), f"#{pk}") for pk in value) or "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if target:
        return related_names.get((target, value), f"#{value}")
    if isinstance(value, datetime.datetime):  # as every page shows a moment, not ISO
        return korean_datetime(value)
    if isinstance(value, datetime.date):
        return korean_date(value)
    return str(value)


def _related_names(model, changes):
    """Names of the related rows the changes point at: one query per related model."""
    wanted = {}
    for change in changes:
        model_field = model._meta.get_field(change.field)
        if not model_field.is_relation:
            continue
        for value in (change.old, change.new):
            for pk in value if isinstance(value, list | tuple) else [value]:
                if pk is not None:
                    wanted.setdefault(model_field.related_model, set()).add(pk)
    names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related._meta.model_name, obj.pk)] = str(obj)
    return names


def _m2m_snapshots(model, rows):
    """{field: {history_id: (related ids…)}} for the tracked many-to-many fields of ``rows``:
    one query per field for all rows (simple-history's diff would ask twice per row)."""
    if not rows:
        return {}
    history_ids = [row.history_id for row in rows]
    snapshots = {}
    for m2m in rows[0]._history_m2m_fields:
        through = getattr(rows[0], m2m.name).model
        target = m2m.related_model._meta.model_name
        per_row = {}
        pairs = through.objects.filter(history_id__in=history_ids).values_list("history_id", target)
        for history_id, pk in pairs:
            per_row.setdefault(history_id, []).append(pk)
        snapshots[m2m.name] = {h: tuple(sorted(pks)) for h, pks in per_row.items()}
    return snapshots


@dataclass
class _Change:
    field: str
    old: object
    new: object


def _changes(older, newer, snapshots):
    delta = newer.diff_against(older, excluded_fields=list(snapshots), foreign_keys_are_objs=False)
    changes = [_Change(c.field, c.old, c.new) for c in delta.changes if c.field not in NOT_SHOWN]
    for name, by_row in snapshots.items():
        old, new = by_row.get(older.history_id, ()), by_row.get(newer.history_id, ())
        if old != new:
            changes.append(_Change(name, old, new))
    return changes


def _values_at_deletion(model, row, masked):
    """What a deleted row held (its own fields, not its links): old value → "—"."""
    values = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in NOT_SHOWN or model_field.is_relation:
            continue
        value = getattr(row, model_field.attname)
        if value in (None, ""):
            continue
        shown = (
            str(MASKED)
            if model_field.name in masked
            else _display(model, model_field.name, value, {})
        )
        values.append(FieldChange(str(model_field.verbose_name), shown, "—"))
    return values


def history_entries(model, rows, *, label=None, limit=300) -> list[HistoryEntry]:
    """Entries for historical ``rows`` of ``model`` (one object or many), newest first.

    Each change entry lists the fields that changed, old → new; a deletion, what the row held; a
    save that changed only
    bookkeeping columns is left out. ``label(row)`` names the record (for a page that shows the
    history of several records together). Sensitive fields (``history_masked_fields``) show
    only that they changed. A bounded number of queries whatever the number of rows.
    """
    masked = set(getattr(model, "history_masked_fields", ()))
    by_object = {}
    for row in sorted(rows, key=lambda r: (r.id, r.history_date, r.history_id)):
        by_object.setdefault(row.id, []).append(row)
    snapshots = _m2m_snapshots(model, rows)
    changes_of = {}
    for versions in by_object.values():
        for older, newer in zip(versions, versions[1:], strict=False):
            if newer.history_type == "~":
                changes_of[newer.history_id] = _changes(older, newer, snapshots)
    names = _related_names(model, [c for changes in changes_of.values() for c in changes])
    entries = []
    for versions in by_object.values():
        for index, row in enumerate(versions):
            kind = KIND_LABELS.get(row.history_type, row.history_type)
            if index == 0 and row.history_type == "~":
                kind = FIRST_KNOWN  # saved before change history began: no earlier values
            entry = HistoryEntry(
                when=row.history_date,
                who=row.history_user,
                kind=str(kind),
                record=label(row) if label else "",
            )
            changes = changes_of.get(row.history_id)
            if changes is not None:
                for change in changes:
                    name = str(model._meta.get_field(change.field).verbose_name)
                    if change.field in masked:
                        entry.changes.append(FieldChange(name, str(MASKED), str(MASKED)))
                    else:
                        entry.changes.append(FieldChange(
                            name,
                            _display(model, change.field, change.old, names),
                            _display(model, change.field, change.new, names),
                        ))  # fmt: skip
                if not entry.changes:
                    continue
            elif row.history_type == "~" and index > 0:
                continue
            elif row.history_type == "-":
                entry.changes = _values_at_deletion(model, row, masked)
            entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
