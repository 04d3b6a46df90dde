"""Loading the catalogue's JSON fixtures: all files in one transaction, idempotently.

Records name each other by natural keys (slugs and refs), so a fixture needs no database ids and
loading it again finds the rows it made before. A record whose fields and relations already match
the database is left untouched; a changed one is updated; a new one is created. Any error rolls
back everything and names the file and the record at fault.

A record whose latest version in the history was made by a person (an edit in the admin, a draft,
a restored version) is kept as the editor left it, and reported, unless ``overwrite_edits`` is
given. The loader's own versions have no user and say which fixture file wrote them.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction

from catalog.models.common import record_version

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
    # Records edited in the admin that the fixtures would have changed: label -> [natural key]
    kept: dict = field(default_factory=dict)

    def keep(self, label, key):
        self.kept.setdefault(label, []).append(key)

    @property
    def kept_count(self):
        return sum(len(keys) for keys in self.kept.values())

    def models(self):
        seen = {}
        for counter in (self.created, self.updated, self.unchanged, self.kept):
            for label in counter:
                seen.setdefault(label, None)
        return list(seen)

    def total(self, label):
        return (
            self.created[label]
            + self.updated[label]
            + self.unchanged[label]
            + len(self.kept.get(label, ()))
        )

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


def edited_by_a_person(instance):
    """Whether the latest version of ``instance`` in its history was made by someone signed in."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return False
    latest = (
        history.filter(id=instance.pk)
        .order_by("-history_date", "-history_id")
        .values_list("history_user_id", flat=True)
        .first()
    )
    return latest is not None


def natural_key_text(instance):
    return "/".join(str(part) for part in instance.natural_key())


def _save(deserialized, report, reason, overwrite_edits):
    instance = deserialized.object
    model = type(instance)
    label = model._meta.label_lower
    is_new = instance.pk is None
    # A row found by its natural key is an update: validate it as one (unique checks skip itself).
    instance._state.adding = is_new
    if not is_new and _same_as_stored(instance, deserialized.m2m_data):
        report.unchanged[label] += 1
        return
    if not is_new and not overwrite_edits and edited_by_a_person(instance):
        report.keep(label, natural_key_text(instance))
        return
    # Field and model rules (clean()) with friendly messages; the database's own check
    # constraints stay the backstop (checking them here too would cost a query each).
    instance.full_clean(validate_unique=True, validate_constraints=False)
    if not is_new and hasattr(instance, "created"):
        # auto_now_add does not apply on update: keep the stored creation time.
        instance.created = model._default_manager.values_list("created", flat=True).get(
            pk=instance.pk
        )
    # One version for the row and its links, written once both are saved.
    instance.skip_history_when_saving = True
    instance.save()
    empty_links = set()
    for name, values in deserialized.m2m_data.items():
        if not is_new:
            getattr(instance, name).set(values)
        elif values:  # a new row has no links to compare with: add them, no query first
            getattr(instance, name).add(*values)
        else:
            empty_links.add(name)
    if is_new:
        # Links the fixture leaves out are empty too: the version need not look them up.
        tracked = {field.name for field in model._meta.many_to_many}
        empty_links |= tracked - deserialized.m2m_data.keys()
    instance._history_empty_links = empty_links
    instance._change_reason = reason
    record_version(instance, "+" if is_new else "~")
    (report.created if is_new else report.updated)[label] += 1


def change_reason(path):
    """The change reason of the versions the loader writes: ``load_catalogue: fixtures/x.json``."""
    return f"load_catalogue: {path.parent.name}/{path.name}"


def load_files(files, using=DEFAULT_DB_ALIAS, overwrite_edits=False):
    """Load ``files`` in order inside one transaction; raise FixtureError on the first problem.

    Records edited in the admin are kept (and listed in the report) unless ``overwrite_edits``.
    """
    report = LoadReport(files=list(files))
    with transaction.atomic(using=using):
        for path in report.files:
            try:
                records = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise FixtureError(f"{path.name}: not a readable JSON fixture: {exc}") from exc
            if not isinstance(records, list):
                raise FixtureError(f"{path.name}: a fixture must be a JSON list of records")
            reason = change_reason(path)
            for index, record in enumerate(records, start=1):
                where = f"{path.name}, record {index} ({_describe(record)})"
                try:
                    with transaction.atomic(using=using):
                        for deserialized in serializers.deserialize(
                            "json", json.dumps([record]), using=using, ignorenonexistent=False
                        ):
                            _save(deserialized, report, reason, overwrite_edits)
                except ValidationError as exc:
                    raise FixtureError(f"{where}: {'; '.join(_messages(exc))}") from exc
                except Exception as exc:  # any database or deserialisation error: name the record
                    raise FixtureError(f"{where}: {exc}") from exc
    return report


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
    return list(error.messages)
