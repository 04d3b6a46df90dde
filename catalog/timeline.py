"""The timeline: dated policies, foundings, funding rounds and cases in one order.

Each kind of event is a query giving (kind, id, sort key, precision); the four are joined with
UNION ALL and ordered in the database, so that a page of the timeline reads only its own rows
whatever the size of the catalogue. The sort key is the date as a number (20240628; a year alone
is 20240000, so that it comes before the months of that year), and the precision says how much
of it the source gives.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
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


def _keyed(kind, rows):
    """(kind, id, sort key, precision) of each dated row."""
    if kind.precision:
        key = ExtractYear(kind.date) * 10000 + ExtractMonth(kind.date) * 100 + ExtractDay(kind.date)
        precision = F(kind.precision)
    else:
        key = F(kind.date) * 10000
        precision = Value(models.DatePrecision.YEAR, output_field=CharField())
    return (
        rows.filter(**{f"{kind.date}__isnull": False})
        .order_by()
        .annotate(
            event_kind=Value(kind.key, output_field=CharField()),
            event_key=key,
            event_precision=precision,
            event_id=F("pk"),
        )
        .values_list("event_kind", "event_id", "event_key", "event_precision")
    )


def events(user, kinds=(), sectors=(), regions=()):
    """The timeline's events as one ordered query of (kind, id, sort key, precision)."""
    chosen = [KINDS[key] for key in kinds] if kinds else list(KINDS.values())
    parts = [
        _keyed(kind, _narrowed(kind, _visible(kind, user), sectors, regions)) for kind in chosen
    ]
    first, *rest = parts
    query = first.union(*rest, all=True) if rest else first
    return query.order_by("event_key", "event_kind", "event_id")


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
                year=key // 10000,
                month=key // 100 % 100,
                day=key % 100,
                precision=precision or models.DatePrecision.DAY,
            )
        )
    return result
