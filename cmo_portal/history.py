"""Reading the audit trail kept by django-simple-history, for display.

Each entry says who did what and when, why (the change reason), and for each changed
field its old and new value in words: choice labels instead of codes, names instead of
foreign-key ids.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Bookkeeping fields whose change says nothing to a reader.
IGNORED_FIELDS = {"updated", "created"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: object
    action: str
    user: object
    date: object
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _fk_labels(model, records) -> dict:
    """{(field name, pk): label} for every foreign key value in `records`, one query per
    related model."""
    wanted = defaultdict(set)
    fks = {f.attname: f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)}
    for record in records:
        for attname, fk in fks.items():
            value = getattr(record, attname, None)
            if value is not None:
                wanted[fk.related_model].add(value)
    labels = {}
    for related, pks in wanted.items():
        found = {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=pks)}
        for pk in pks:
            labels[(related, pk)] = found.get(pk, f"#{pk} (deleted)")
    return {
        (attname, pk): labels[(fk.related_model, pk)]
        for attname, fk in fks.items()
        for pk in wanted[fk.related_model]
    }


def _display(model, name: str, value, fk_labels: dict) -> str:
    if value is None or value == "":
        return "—"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a history-only field: show the value as it is
        return str(value)
    if isinstance(model_field, models.ForeignKey):
        return fk_labels.get((model_field.attname, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.ManyToManyField):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def history_entries(history_qs) -> list[HistoryEntry]:
    """Newest first; each change compared with the record before it."""
    records = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    model = records[0].instance_type
    fk_labels = _fk_labels(model, records)
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            record=record,
            action=ACTIONS.get(record.history_type, record.history_type),
            user=record.history_user,
            date=record.history_date,
            reason=record.history_change_reason or "",
        )
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in IGNORED_FIELDS:
                    continue
                entry.changes.append(
                    FieldChange(
                        field=_verbose(model, change.field),
                        old=_display(model, change.field, _m2m_names(change.old), fk_labels),
                        new=_display(model, change.field, _m2m_names(change.new), fk_labels),
                    )
                )
        entries.append(entry)
        previous = record
    return list(reversed(entries))


def _m2m_names(value):
    # simple_history gives m2m values as lists of through-row dicts.
    if isinstance(value, list):
        return [
            next((v for k, v in row.items() if k not in ("id", "history")), row) for row in value
        ]
    return value


def _verbose(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
