"""Loading the catalogue's JSON fixtures: all files in one transaction, idempotently.

Records name each other by natural keys (slugs and refs), so a fixture needs no database ids and
loading it again finds the rows it made before. A foreign key names a record read before it; a
many-to-many link may also name one read after it (a statement shared with a person listed later).
A record whose fields and relations already match the database is left untouched; a changed one is
updated; a new one is created. Any error rolls back everything and names the file and the record
at fault.

A record whose latest version in the history was made by a person (an edit in the admin, a draft,
a restored version) is kept as the editor left it, and reported, unless ``overwrite_edits`` is
given. The loader's own versions have no user and say which fixture file wrote them.

The loader reads each model's rows once (one query a model, one a link table) into an in-memory
index, so natural keys resolve and unchanged records are recognised without a query each. New rows
are inserted in bulk, model by model in the order their foreign keys need (a tree's parents before
their children), with their links and their first versions; changed rows are saved one by one.
"""

import graphlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from catalog import chinese, tree_index
from catalog.cache import bump_catalogue_version
from catalog.models.common import record_version

# The glossary's label: loading it changes every row's search text (catalog/chinese.py).
GLOSSARY = "catalog.glossaryentry"

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
    if not isinstance(record, dict):
        return "?"
    fields = record.get("fields")
    fields = fields if isinstance(fields, dict) else {}
    key = fields.get("slug") or fields.get("ref") or record.get("pk")
    model = record.get("model", "?")
    return f"{model} {key!r}" if key else str(model)


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


def change_reason(path):
    """The change reason of the versions the loader writes: ``load_catalogue: fixtures/x.json``."""
    return f"load_catalogue: {path.parent.name}/{path.name}"


class _Problem(Exception):
    """A record's problem, raised with its message; the caller adds the file and record."""


def _is_foreign_key(model_field):
    return model_field.many_to_one and model_field.concrete


def _is_file(model_field):
    return isinstance(model_field, models.FileField)


class _Table:
    """One model's rows as the database holds them, read once: natural key -> row, links."""

    def __init__(self, model, using):
        self.model = model
        self.using = using
        self.key_fields = getattr(model._default_manager, "natural_key_fields", None)
        if not self.key_fields:
            raise _Problem(f"{model._meta.label_lower} has no natural key the loader can use")
        rows = list(model._base_manager.using(using).order_by())
        self.stored = {row.pk: row for row in rows}
        if any("__" in name for name in self.key_fields):
            keys = model._base_manager.using(using).order_by().values_list("pk", *self.key_fields)
            self.by_key = {tuple(key): self.stored[pk] for pk, *key in keys}
        else:
            self.by_key = {
                tuple(getattr(row, name) for name in self.key_fields): row for row in rows
            }
        # A tree (a parent of the same model): link each row to its parent in memory, so rules
        # that climb the tree read no row twice.
        for model_field in model._meta.concrete_fields:
            if _is_foreign_key(model_field) and model_field.related_model is model:
                for row in rows:
                    parent = self.stored.get(getattr(row, model_field.attname))
                    if parent is not None:
                        model_field.set_cached_value(row, parent)
        self._links = {}
        # Unique fields other than the natural key would need a query each to check; none exist
        # today, and a model that adds one is checked the slow way.
        self.check_unique = any(
            f.unique and not f.primary_key and f.name not in self.key_fields
            for f in model._meta.concrete_fields
        ) or bool(model._meta.unique_together)

    def links(self, name):
        """{row pk: set of linked pks} for the many-to-many field ``name`` (read once)."""
        if name not in self._links:
            model_field = self.model._meta.get_field(name)
            through = model_field.remote_field.through
            source = model_field.m2m_field_name()
            target = model_field.m2m_reverse_field_name()
            links = {}
            rows = (
                through._base_manager.using(self.using)
                .order_by()
                .values_list(f"{source}_id", f"{target}_id")
            )
            for source_id, target_id in rows:
                links.setdefault(source_id, set()).add(target_id)
            self._links[name] = links
        return self._links[name]


@dataclass(frozen=True)
class _Later:
    """A many-to-many link's natural key, resolved once the record it names has been read."""

    model: type
    key: object
    name: str


@dataclass(eq=False)
class _Write:
    """A record to write: its instance, links, where it comes from and why."""

    instance: models.Model
    links: dict
    where: str
    reason: str
    is_new: bool


class _Loader:
    def __init__(self, report, using, overwrite_edits):
        self.report = report
        self.using = using
        self.overwrite_edits = overwrite_edits
        self.tables = {}
        self.writes = []
        self.seen = {}  # (model, natural key) -> where the load met it
        self.later = []  # records whose many-to-many links wait for a later record

    def table(self, model):
        if model not in self.tables:
            self.tables[model] = _Table(model, self.using)
        return self.tables[model]

    # --- reading a record ----------------------------------------------------------------

    def read(self, record, reason, where):
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise _Problem('a record is an object with "model" and "fields"')
        try:
            model = apps.get_model(record.get("model"))
        except (LookupError, TypeError, ValueError) as exc:
            raise _Problem(f"Invalid model identifier: {record.get('model')!r}") from exc
        if "pk" in record:
            raise _Problem("records name themselves by their natural key, not by a database id")
        table = self.table(model)
        instance = model()
        links = {}
        for name, value in record["fields"].items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist as exc:
                raise _Problem(f"{model._meta.label_lower} has no field named {name!r}") from exc
            if isinstance(model_field, models.ManyToManyField):
                if not isinstance(value, list):
                    raise _Problem(f"{name}: a list of natural keys is expected")
                links[name] = [_Later(model_field.related_model, key, name) for key in value]
            elif _is_foreign_key(model_field):
                target = None
                if value is not None:
                    target = self.find(model_field.related_model, value, name)
                setattr(instance, model_field.name, target)
            elif not model_field.concrete or model_field.auto_created:
                raise _Problem(f"{name}: not a field a fixture can set")
            else:
                try:
                    setattr(instance, model_field.attname, model_field.to_python(value))
                except ValidationError as exc:
                    raise _Problem(f"{name}: {' '.join(exc.messages)}") from exc
        key = instance.natural_key()
        label = model._meta.label_lower
        self.report.created.setdefault(label, 0)  # the report lists models in fixture order
        if (model, key) in self.seen:
            raise _Problem(f"the same record as {self.seen[model, key]}")
        self.seen[model, key] = where.split(" (", 1)[0]
        try:
            links = self._resolve(links)
        except _Problem:
            # A many-to-many link may name a record that comes later in the fixtures (a statement
            # shared with someone listed after its first person): decided once all are read.
            if table.by_key.get(key) is None:
                table.by_key[key] = instance  # what a later foreign key finds meanwhile
            self.later.append((instance, links, where, reason, len(self.writes)))
            self.writes.append(None)  # its place: rows are written in fixture order
            return
        self._decide(instance, links, where, reason)

    def _resolve(self, links):
        return {
            name: [self.find(t.model, t.key, t.name) if isinstance(t, _Later) else t for t in rows]
            for name, rows in links.items()
        }

    def read_later(self):
        """The records whose links named a record read after them, now that all are read."""
        for instance, links, where, reason, slot in self.later:
            try:
                self._decide(instance, self._resolve(links), where, reason, slot)
            except _Problem as exc:
                raise FixtureError(f"{where}: {exc}") from exc
        self.later = []
        self.writes = [write for write in self.writes if write is not None]

    def _queue(self, write, slot):
        if slot is None:
            self.writes.append(write)
        else:
            self.writes[slot] = write

    def _decide(self, instance, links, where, reason, slot=None):
        """Whether the record read is new, unchanged, changed or kept as an editor left it."""
        model = type(instance)
        table = self.table(model)
        key = instance.natural_key()
        label = model._meta.label_lower
        stored = table.by_key.get(key)
        if stored is instance:
            stored = None  # new, put there while its links waited
        if stored is None:
            table.by_key[key] = instance
            self._queue(_Write(instance, links, where, reason, is_new=True), slot)
            return
        instance.pk = stored.pk
        if self._same(instance, links, stored, table):
            self.report.unchanged[label] += 1
            table.by_key[key] = stored
            return
        if not self.overwrite_edits and edited_by_a_person(stored):
            self.report.keep(label, natural_key_text(stored))
            return
        if hasattr(stored, "created"):
            # auto_now_add does not apply on update: keep the stored creation time.
            instance.created = stored.created
        table.by_key[key] = instance
        table.stored[instance.pk] = instance
        instance._state.adding = False
        instance._state.db = self.using
        self._queue(_Write(instance, links, where, reason, is_new=False), slot)

    def find(self, model, key, name):
        """The row (stored or new in this load) a natural key names."""
        table = self.table(model)
        if isinstance(key, list):
            row = table.by_key.get(tuple(key))
        else:
            try:
                row = table.stored.get(model._meta.pk.to_python(key))
            except ValidationError:
                row = None
        if row is None:
            raise _Problem(
                f"{name}: {model._meta.label_lower} matching {key!r} does not exist "
                "(in the database or earlier in the fixtures)"
            )
        return row

    @staticmethod
    def _same(instance, links, stored, table):
        for model_field in type(instance)._meta.concrete_fields:
            if model_field.name in AUTOMATIC_FIELDS or model_field.primary_key:
                continue
            if _is_foreign_key(model_field):
                target = model_field.get_cached_value(instance, default=None)
                mine = target.pk if target is not None else None
                if mine is None and target is not None:
                    return False  # points at a row new in this load
                if mine != getattr(stored, model_field.attname):
                    return False
            elif _is_file(model_field):
                mine = model_field.value_from_object(instance)
                theirs = model_field.value_from_object(stored)
                if (mine.name or "") != (theirs.name or ""):
                    return False
            elif model_field.value_from_object(instance) != model_field.value_from_object(stored):
                return False
        for name, targets in links.items():
            if any(target.pk is None for target in targets):
                return False
            if {target.pk for target in targets} != table.links(name).get(stored.pk, set()):
                return False
        return True

    # --- writing -------------------------------------------------------------------------

    def write(self):
        by_model = {}
        for write in self.writes:
            by_model.setdefault(type(write.instance), []).append(write)
        for model in self._model_order(by_model):
            self._write_model(model, by_model[model])
        self._write_links()
        self._write_versions()

    @staticmethod
    def _model_order(by_model):
        """Models in an order where every foreign key points at a model written before."""
        graph = graphlib.TopologicalSorter()
        for model in by_model:
            graph.add(model)
            for model_field in model._meta.concrete_fields:
                target = model_field.related_model if _is_foreign_key(model_field) else None
                if target is not None and target is not model and target in by_model:
                    graph.add(model, target)
        return list(graph.static_order())

    def _write_model(self, model, writes):
        """Rows of one model in fixture order (their ids follow it), in as few INSERTs as a tree
        allows: a row whose parent is still waiting in the batch starts a new batch."""
        batch = []
        for write in writes:
            if batch and not self._targets_saved(write.instance):
                self._write_batch(model, batch)
                batch = []
            if not self._targets_saved(write.instance):
                raise FixtureError(f"{write.where}: it refers to a row that is never written")
            batch.append(write)
        if batch:
            self._write_batch(model, batch)

    def _write_batch(self, model, batch):
        for write in batch:
            self._validate(write)
        new = [w for w in batch if w.is_new]
        if new:
            self._insert(model, new)
        for write in batch:
            if not write.is_new:
                self._update(write)

    def _targets_saved(self, instance):
        for model_field in type(instance)._meta.concrete_fields:
            if _is_foreign_key(model_field):
                target = model_field.get_cached_value(instance, default=None)
                if target is not None and target.pk is None:
                    return False
        return True

    def _validate(self, write):
        instance = write.instance
        model = type(instance)
        foreign_keys = []
        for model_field in model._meta.concrete_fields:
            if _is_foreign_key(model_field):
                target = model_field.get_cached_value(instance, default=None)
                setattr(instance, model_field.attname, target.pk if target is not None else None)
                if target is not None:
                    # Setting the id forgets the row; rules that read it must not fetch it again.
                    model_field.set_cached_value(instance, target)
                foreign_keys.append(model_field)
        table = self.tables[model]
        try:
            # The foreign keys point at rows this load found or wrote: their fields' own check
            # would ask the database again for each. Their null and blank rules still apply.
            errors = {}
            for model_field in foreign_keys:
                try:
                    models.Field.validate(
                        model_field, getattr(instance, model_field.attname), instance
                    )
                except ValidationError as exc:
                    errors[model_field.name] = exc.messages
            instance.full_clean(
                exclude=[f.name for f in foreign_keys],
                validate_unique=table.check_unique,
                validate_constraints=False,
            )
            if errors:
                raise ValidationError(errors)
        except ValidationError as exc:
            raise FixtureError(f"{write.where}: {'; '.join(_messages(exc))}") from exc

    def _insert(self, model, writes):
        instances = [w.instance for w in writes]
        for instance in instances:
            instance._loading = True  # a glossary entry: search text is refreshed at the end
            # What save() would do first: the receivers fill search text and the like.
            pre_save.send(
                sender=model, instance=instance, raw=False, using=self.using, update_fields=None
            )
        try:
            with transaction.atomic(using=self.using):
                model._base_manager.using(self.using).bulk_create(instances)
        except IntegrityError:
            # A database rule the checks above do not cover: find the record it refuses.
            for write in writes:
                write.instance.pk = None
                try:
                    with transaction.atomic(using=self.using):
                        write.instance.save(using=self.using, force_insert=True)
                except IntegrityError as exc:
                    raise FixtureError(f"{write.where}: {exc}") from exc
            raise
        label = model._meta.label_lower
        self.report.created[label] += len(writes)
        if label == GLOSSARY:
            # The rows written next compute their search text with the glossary as the load
            # leaves it (its fixture comes first): the stored entries and the new ones.
            chinese.use_glossary(
                (entry.source, entry.simplified, entry.traditional)
                for entry in self.table(model).by_key.values()
            )
        for instance in instances:
            instance._state.adding = False
            instance._state.db = self.using

    def _update(self, write):
        instance = write.instance
        instance.skip_history_when_saving = True
        instance._loading = True  # a glossary entry: search text is refreshed once, at the end
        try:
            instance.save(using=self.using)
        except IntegrityError as exc:
            raise FixtureError(f"{write.where}: {exc}") from exc
        self.report.updated[type(instance)._meta.label_lower] += 1

    def _write_links(self):
        """Every new row's links in one INSERT a link table; changed rows' links replaced."""
        new_rows = {}
        for write in self.writes:
            instance = write.instance
            if not write.is_new:
                for name, targets in write.links.items():
                    getattr(instance, name).set(targets)
                continue
            write.through_rows = {}
            for name, targets in write.links.items():
                model_field = type(instance)._meta.get_field(name)
                through = model_field.remote_field.through
                source = model_field.m2m_field_name()
                target_name = model_field.m2m_reverse_field_name()
                rows = [
                    through(**{f"{source}_id": instance.pk, f"{target_name}_id": target.pk})
                    for target in dict.fromkeys(targets)
                ]
                write.through_rows[name] = rows
                new_rows.setdefault(through, []).extend(rows)
        for through, rows in new_rows.items():
            if rows:
                through._base_manager.using(self.using).bulk_create(rows)

    def _write_versions(self):
        """One version for every row written: in bulk for new rows, one by one for changes."""
        now = timezone.now()
        new_by_model = {}
        for write in self.writes:
            if write.is_new:
                new_by_model.setdefault(type(write.instance), []).append(write)
            else:
                write.instance._change_reason = write.reason
                record_version(write.instance, "~")
        for model, writes in new_by_model.items():
            history = getattr(model, "_catalogue_history", None)
            if history is None:
                continue
            by_reason = {}
            for write in writes:
                by_reason.setdefault(write.reason, []).append(write)
            for reason, group in by_reason.items():
                history.bulk_record_versions(
                    [w.instance for w in group],
                    {w.instance: w.through_rows for w in group},
                    reason,
                    now,
                )


def load_files(files, using=DEFAULT_DB_ALIAS, overwrite_edits=False):
    """Load ``files`` in order inside one transaction; raise FixtureError on the first problem.

    Records edited in the admin are kept (and listed in the report) unless ``overwrite_edits``.
    """
    report = LoadReport(files=list(files))
    documents = []
    for path in report.files:
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FixtureError(f"{path.name}: not a readable JSON fixture: {exc}") from exc
        if not isinstance(records, list):
            raise FixtureError(f"{path.name}: a fixture must be a JSON list of records")
        documents.append((path, records))
    with transaction.atomic(using=using):
        loader = _Loader(report, using, overwrite_edits)
        for path, records in documents:
            reason = change_reason(path)
            for index, record in enumerate(records, start=1):
                where = f"{path.name}, record {index} ({_describe(record)})"
                try:
                    loader.read(record, reason, where)
                except _Problem as exc:
                    raise FixtureError(f"{where}: {exc}") from exc
        loader.read_later()
        try:
            loader.write()
        except FixtureError:
            raise
        except Exception as exc:  # any database error the record checks did not foresee
            raise FixtureError(f"writing the catalogue: {exc}") from exc
        _refresh_search_text(report, using)
        if report.changes:  # bulk inserts send no signals: the tree counts' table made again
            tree_index.rebuild(using)
    if report.changes:  # bulk inserts send no post_save: cached pages must go stale all the same
        bump_catalogue_version(using)
    return report


def _refresh_search_text(report, using):
    """Search text is computed with the glossary (catalog/chinese.py): when the load changed the
    glossary, the rows it did not write get theirs computed again."""
    from catalog.search import refresh_search_text

    if not (report.created.get(GLOSSARY) or report.updated.get(GLOSSARY)):
        return
    chinese.forget_glossary()
    if sum(report.unchanged.values()) or report.kept_count:
        refresh_search_text(using)


def _messages(error):
    # full_clean() and the foreign key checks both raise errors keyed by field.
    return [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
