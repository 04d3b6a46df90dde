"""The timeline: dated policies, foundings, funding rounds and cases in one order.

Each kind of event is a query giving (kind, id, sort key, precision); the four are joined with
UNION ALL and ordered in the database, so that a page of the timeline reads only its own rows
whatever the size of the catalogue. The sort key is the date as ISO text (a year alone is
2024-00-00, so that it comes before the months of that year), and the precision says how much of
it the source gives.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from . import models
from .filters import _in_tree


@dataclass(frozen=True)
class EventKind:
    key: str
    label: str
    model: type
    date: str  # the date field, or "start_year" for a year alone
    precision: str  # the precision field, or "" for a year alone
    sector_relation: str
    region_relation: str


KINDS = {
    kind.key: kind
    for kind in (
        EventKind(
            "policy",
            _("Policy issued"),
            models.Policy,
            "issued_on",
            "date_precision",
            "sectors",
            "regions",
        ),
        EventKind(
            "founded",
            _("Organisation founded"),
            models.Company,
            "founded_on",
            "founded_precision",
            "sectors",
            "region",
        ),
        EventKind(
            "funding",
            _("Funding round"),
            models.FundingRound,
            "announced_on",
            "date_precision",
            "company__sectors",
            "company__region",
        ),
        EventKind(
            "case",
            _("Case begins"),
            models.Case,
            "start_year",
            "",
            "sectors",
            "regions",
        ),
    )
}


def _visible(kind, user):
    if kind.model is models.FundingRound:
        return models.FundingRound.objects.filter(
            company__in=models.Company.objects.visible_to(user)
        )
    return kind.model.objects.visible_to(user)


def _narrowed(kind, rows, sectors, regions):
    """The rows linked to any of the sectors and any of the regions (or below them)."""
    for relation, model, nodes in (
        (kind.sector_relation, models.Sector, sectors),
        (kind.region_relation, models.Region, regions),
    ):
        if not nodes:
            continue
        if "__" in relation:  # through the organisation of a funding round
            through, field = relation.split("__", 1)
            companies = _in_tree(models.Company.objects.all(), field, model, nodes)
            rows = rows.filter(**{f"{through}__in": companies.values("pk")})
        else:
            rows = _in_tree(rows, relation, model, nodes)
    return rows


def _dated(kind, rows):
    return rows.filter(**{f"{kind.date}__isnull": False}).order_by()


def _keyed(kind, rows):
    """(kind, id, sort key, precision) of each dated row. The key is the date as ISO text
    (2024-06-28; a year alone is 2024-00-00, before the months of its year): text compares in
    date order on every database, and no function runs on each row to make it."""
    if kind.precision:
        key = Cast(kind.date, CharField())
        precision = F(kind.precision)
    else:
        key = Concat(Cast(kind.date, CharField()), Value("-00-00"), output_field=CharField())
        precision = Value(models.DatePrecision.YEAR, output_field=CharField())
    return (
        _dated(kind, rows)
        .annotate(
            event_kind=Value(kind.key, output_field=CharField()),
            event_key=key,
            event_precision=precision,
            event_id=F("pk"),
        )
        .values_list("event_kind", "event_id", "event_key", "event_precision")
    )


def _parts(user, kinds, sectors, regions):
    chosen = [KINDS[key] for key in kinds] if kinds else list(KINDS.values())
    return [(kind, _narrowed(kind, _visible(kind, user), sectors, regions)) for kind in chosen]


def events(user, kinds=(), sectors=(), regions=()):
    """The timeline's events as one ordered query of (kind, id, sort key, precision)."""
    first, *rest = [_keyed(kind, rows) for kind, rows in _parts(user, kinds, sectors, regions)]
    query = first.union(*rest, all=True) if rest else first
    return query.order_by("event_key", "event_kind", "event_id")


def count(user, kinds=(), sectors=(), regions=()):
    """How many events ``events`` holds: each kind counted on its own (cheaper than counting
    the union, which would make every key)."""
    return sum(_dated(kind, rows).count() for kind, rows in _parts(user, kinds, sectors, regions))


@dataclass
class Event:
    kind: EventKind
    record: object
    year: int
    month: int
    day: int
    precision: str


def read(page_rows):
    """Events for (kind, id, key, precision) rows, each with its record (one query per kind)."""
    ids = {}
    for kind, pk, _key, _precision in page_rows:
        ids.setdefault(kind, []).append(pk)
    records = {}
    for key, pks in ids.items():
        model = KINDS[key].model
        rows = model._base_manager.filter(pk__in=pks)
        if model is models.FundingRound:
            rows = rows.select_related("company")
        records.update({(key, row.pk): row for row in rows})
    result = []
    for kind, pk, key, precision in page_rows:
        result.append(
            Event(
                kind=KINDS[kind],
                record=records[(kind, pk)],
                year=int(key[:4]),
                month=int(key[5:7]),
                day=int(key[8:10]),
                precision=precision or models.DatePrecision.DAY,
            )
        )
    return result
