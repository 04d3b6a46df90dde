"""Loading the catalogue's JSON fixtures: all files in one transaction, idempotently.

Records name each other by natural keys (slugs and refs), so a fixture needs no database ids and
loading it again finds the rows it made before. A record whose fields and relations already match
the database is left untouched; a changed one is updated; a new one is created. Any error rolls
back everything and names the file and the record at fault.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction

# Fields the database fills in; a fixture never decides them.
AUTOMATIC_FIELDS = {"created", "modified", "search_text"}


class FixtureError(Exception):
    """A fixture record that could not be loaded; the message names the file and record."""


@dataclass
class LoadReport:
    files: list[Path] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def models(self):
        seen = {}
        for counter in (self.created, self.updated, self.unchanged):
            for label in counter:
                seen.setdefault(label, None)
        return list(seen)

    def total(self, label):
        return self.created[label] + self.updated[label] + self.unchanged[label]

    @property
    def changes(self):
        return sum(self.created.values()) + sum(self.updated.values())


def fixture_files(directories=None):
    directories = directories or settings.FIXTURE_DIRS
    files = []
    for directory in directories:
        files.extend(sorted(Path(directory).glob("*.json")))
    return files


def _describe(record):
    fields = record.get("fields", {}) if isinstance(record, dict) else {}
    key = fields.get("slug") or fields.get("ref") or record.get("pk") if fields else None
    model = record.get("model", "?") if isinstance(record, dict) else "?"
    return f"{model} {key!r}" if key else model


def _same_as_stored(instance, m2m_data):
    model = type(instance)
    try:
        stored = model._default_manager.get(pk=instance.pk)
    except model.DoesNotExist:
        return False
    for model_field in model._meta.concrete_fields:
        if model_field.name in AUTOMATIC_FIELDS or model_field.primary_key:
            continue
        if model_field.value_from_object(instance) != model_field.value_from_object(stored):
            return False
    for name, values in m2m_data.items():
        current = set(getattr(stored, name).values_list("pk", flat=True))
        if current != {
            model._meta.get_field(name).remote_field.model._meta.pk.to_python(v) for v in values
        }:
            return False
    return True


def _save(deserialized, report):
    instance = deserialized.object
    model = type(instance)
    label = model._meta.label_lower
    is_new = instance.pk is None
    # A row found by its natural key is an update: validate it as one (unique checks skip itself).
    instance._state.adding = is_new
    if not is_new and _same_as_stored(instance, deserialized.m2m_data):
        report.unchanged[label] += 1
        return
    # Field and model rules (clean()) with friendly messages; the database's own check
    # constraints stay the backstop (checking them here too would cost a query each).
    instance.full_clean(validate_unique=True, validate_constraints=False)
    if not is_new and hasattr(instance, "created"):
        # auto_now_add does not apply on update: keep the stored creation time.
        instance.created = model._default_manager.values_list("created", flat=True).get(
            pk=instance.pk
        )
    instance.save()
    for name, values in deserialized.m2m_data.items():
        getattr(instance, name).set(values)
    (report.created if is_new else report.updated)[label] += 1


def load_files(files, using=DEFAULT_DB_ALIAS):
    """Load ``files`` in order inside one transaction; raise FixtureError on the first problem."""
    report = LoadReport(files=list(files))
    with transaction.atomic(using=using):
        for path in report.files:
            try:
                records = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise FixtureError(f"{path.name}: not a readable JSON fixture: {exc}") from exc
            if not isinstance(records, list):
                raise FixtureError(f"{path.name}: a fixture must be a JSON list of records")
            for index, record in enumerate(records, start=1):
                where = f"{path.name}, record {index} ({_describe(record)})"
                try:
                    with transaction.atomic(using=using):
                        for deserialized in serializers.deserialize(
                            "json", json.dumps([record]), using=using, ignorenonexistent=False
                        ):
                            _save(deserialized, report)
                except ValidationError as exc:
                    raise FixtureError(f"{where}: {'; '.join(_messages(exc))}") from exc
                except Exception as exc:  # any database or deserialisation error: name the record
                    raise FixtureError(f"{where}: {exc}") from exc
    return report


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
    return list(error.messages)
