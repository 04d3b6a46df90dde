"""Write the catalogue back out as fixture files, in the layout load_catalogue reads.

Each model has one file (see LAYOUT); a record is followed by its citations, and rows that belong
to another row (an organisation's part in a case, a policy's targets, a person's quotes, the
investments of a round) follow their owner. Records name each other by natural keys (slugs and
refs), never by database ids, and the fields the database fills in (created, modified,
search_text) are left out, so loading the dumped files into the same database writes nothing.

Rows keep the order they were created in (their primary keys), so a database loaded from the
fixtures dumps them back in the fixtures' own order, and a row added later (in the admin) goes
to the end of its file. Parents come before their children whatever their age; many-to-many
lists are sorted by natural key, decimals are written in plain form, JSON with indent 2 and
unescaped Chinese. Dumping the same database twice gives the same bytes.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from catalog import models
from catalog.loading import AUTOMATIC_FIELDS

# Which file holds which model, in loading order. Citations go with the record they support;
# the rows listed under "children" follow their owner in the owner's file.
LAYOUT = {
    "00_glossary.json": models.GlossaryEntry,
    "00_sources.json": models.Source,
    "01_sectors.json": models.Sector,
    "02_regions.json": models.Region,
    "10_organisations.json": models.Company,
    "20_cases.json": models.Case,
    "30_figures.json": models.Metric,
    "40_funding.json": models.FundingRound,
    "50_policies.json": models.Policy,
    "60_people.json": models.Person,
    "70_themes.json": models.Theme,
}


def _key_field(model):
    """The field a model's natural key consists of (None for CaseCompany, keyed by its pair)."""
    names = {f.name for f in model._meta.fields}
    return next((name for name in ("slug", "ref") if name in names), None)


def _parents_first(rows, parent_field="parent"):
    """Keep ``rows`` in order, but move each row after its parent when the parent is also listed."""
    by_pk = {row.pk: row for row in rows}
    done, ordered = set(), []

    def emit(row, trail=()):
        if row.pk in done:
            return
        parent_id = getattr(row, f"{parent_field}_id")
        if parent_id in by_pk and parent_id not in trail:
            emit(by_pk[parent_id], (*trail, row.pk))
        done.add(row.pk)
        ordered.append(row)

    for row in rows:
        emit(row)
    return ordered


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(instance):
    """One fixture record: natural-key field first, then the other fields in model order."""
    model = type(instance)
    names = [
        f.name
        for f in [*model._meta.local_fields, *model._meta.local_many_to_many]
        if f.serialize and f.name not in AUTOMATIC_FIELDS
    ]
    (data,) = serializers.serialize(
        "python",
        [instance],
        fields=names,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    fields = {name: _plain(value) for name, value in data["fields"].items()}
    for m2m in model._meta.local_many_to_many:
        if m2m.name in fields:
            fields[m2m.name] = sorted(fields[m2m.name])
    key = _key_field(model)
    if key:
        fields = {key: fields.pop(key), **fields}
    return {"model": model._meta.label_lower, "fields": fields}


class Dumper:
    """Collects the records of each file, and counts what it wrote so nothing is left out."""

    def __init__(self):
        self.citations = self._group(models.Citation.objects.all(), None)
        self.written = {}

    @staticmethod
    def _group(queryset, attribute):
        groups = {}
        for row in queryset.order_by("pk"):
            if attribute is None:
                (target,) = row.targets() or (None,)
                owner = (target, getattr(row, f"{target}_id")) if target else None
            else:
                owner = getattr(row, f"{attribute}_id")
            groups.setdefault(owner, []).append(row)
        return groups

    def _emit(self, out, instance):
        out.append(record(instance))
        label = instance._meta.label_lower
        self.written[label] = self.written.get(label, 0) + 1
        target = {
            models.Quote: "quote_record",
            models.FundingRound: "funding_round",
        }.get(type(instance), instance._meta.model_name)
        for citation in self.citations.get((target, instance.pk), []):
            out.append(record(citation))
            self.written["catalog.citation"] = self.written.get("catalog.citation", 0) + 1

    def records(self, model):
        out = []
        if model is models.Metric:
            rows = models.Metric.objects.filter(policy__isnull=True)
        else:
            rows = model._default_manager.all()
        rows = list(rows.order_by("pk"))
        if any(f.name == "parent" for f in model._meta.fields):
            rows = _parents_first(rows)
        children = {
            models.Case: (models.CaseCompany.objects.all(), "case"),
            models.Policy: (models.Metric.objects.filter(policy__isnull=False), "policy"),
            models.Person: (models.Quote.objects.all(), "person"),
            models.FundingRound: (models.Investment.objects.all(), "funding_round"),
        }.get(model)
        owned = {}
        if children:
            queryset, attribute = children
            owned = self._group(queryset, attribute)
        for row in rows:
            self._emit(out, row)
            for child in owned.get(row.pk, []):
                self._emit(out, child)
        if model is models.FundingRound:
            for investment in owned.get(None, []):
                self._emit(out, investment)
        return out

    def check_complete(self):
        """Every row of every catalogue model is in exactly one file."""
        expected = [
            models.GlossaryEntry,
            models.Source,
            models.Sector,
            models.Region,
            models.Company,
            models.Case,
            models.CaseCompany,
            models.Metric,
            models.FundingRound,
            models.Investment,
            models.Policy,
            models.Person,
            models.Quote,
            models.Theme,
            models.Citation,
        ]
        missing = []
        for model in expected:
            label = model._meta.label_lower
            count = model._default_manager.count()
            if self.written.get(label, 0) != count:
                missing.append(f"{label}: {self.written.get(label, 0)} of {count} written")
        return missing


def render(records):
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def dump(directory, only=None):
    """Write the fixture files into ``directory``; return the paths written."""
    dumper = Dumper()
    contents = {name: render(dumper.records(model)) for name, model in LAYOUT.items()}
    problems = dumper.check_complete()
    if problems:
        raise CommandError("Some rows belong to no fixture file: " + "; ".join(problems))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in contents.items():
        if only and name not in only:
            continue
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


class Command(BaseCommand):
    help = (
        "Write the catalogue from the database to fixture files (the layout load_catalogue "
        "reads): natural keys, no ids or automatic fields, stable order."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Folder to write into (default: the first of FIXTURE_DIRS).",
        )
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="FILE",
            choices=list(LAYOUT),
            help="Write only these files, e.g. --only 50_policies.json 60_people.json.",
        )

    def handle(self, *args, output, only, **options):
        from catalog.synthetic import SOURCE_SLUG

        if models.Source.objects.filter(slug=SOURCE_SLUG).exists():
            raise CommandError(
                "This database holds synthetic benchmark data (made by generate_catalogue; its "
                f"rows cite the source {SOURCE_SLUG!r}), which must not become fixtures. Dump "
                "from a database without it, such as the one `make load` fills."
            )
        directory = output or Path(settings.FIXTURE_DIRS[0])
        for path in dump(directory, only=only):
            self.stdout.write(f"Wrote {path}")
