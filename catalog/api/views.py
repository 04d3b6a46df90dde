"""The API's addresses: one read-only view set per kind of record.

The four lists the site pages filter (organisations, cases, policies, people) take the same
parameters as their pages, read by the same FilterSets (catalog.filters): ``q``, the facets
(``sector``, ``region``, ``company``, …), the ranges and ``sort``. Anything the page would refuse
is answered ``400`` with the reason. The API shows the published catalogue only.
"""

import django_filters
from django.db.models import Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination

from .. import filters, models
from ..datapackage import (
    public_citations,
    public_companies,
    public_figures,
    public_people,
    public_quotes,
)
from ..models.provenance import cited
from . import serializers

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Answers change only when the catalogue does; a client or proxy may keep one for a minute.
CACHE_CONTROL = "public, max-age=60"


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """A kind of record: a list (``GET …/``) and each record (``GET …/<slug>/``)."""

    lookup_field = "slug"
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    detail_serializer_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response.setdefault("Cache-Control", CACHE_CONTROL)
        return response

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self):
        rows = self.rows()
        if self.action == "retrieve" and self.detail_serializer_class:
            # A record's own address gives its citations too.
            rows = rows.prefetch_related(cited())
        return rows


def _published_organisations(lookup):
    return Prefetch(lookup, queryset=public_companies().order_by("name_en"))


class OrganisationViewSet(CatalogueViewSet):
    serializer_class = serializers.CompanySerializer
    detail_serializer_class = serializers.CompanyDetailSerializer
    filterset_class = filters.CompanyFilter

    def rows(self):
        return (
            models.Company.objects.published().select_related("region").prefetch_related("sectors")
        )


class CaseViewSet(CatalogueViewSet):
    serializer_class = serializers.CaseSerializer
    detail_serializer_class = serializers.CaseDetailSerializer
    filterset_class = filters.CaseFilter

    def rows(self):
        roles = models.CaseCompany.objects.filter(company__in=public_companies())
        return models.Case.objects.published().prefetch_related(
            "sectors",
            "regions",
            Prefetch("roles", queryset=roles.select_related("company").order_by("role", "pk")),
        )


class PolicyViewSet(CatalogueViewSet):
    serializer_class = serializers.PolicySerializer
    detail_serializer_class = serializers.PolicyDetailSerializer
    filterset_class = filters.PolicyFilter

    def rows(self):
        return models.Policy.objects.published().prefetch_related(
            _published_organisations("issuers"), "regions"
        )


class PersonViewSet(CatalogueViewSet):
    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    filterset_class = filters.PersonFilter

    def rows(self):
        return models.Person.objects.published().select_related("organisation")


class TreeFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__slug", label="Parent's slug")
    root = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_root",
        label="true: only the top level; false: only the levels below it",
    )

    def filter_root(self, queryset, name, value):
        return queryset.filter(parent__isnull=value == "true")


class SectorFilter(TreeFilter):
    class Meta:
        model = models.Sector
        fields = ["kind"]


class RegionFilter(TreeFilter):
    class Meta:
        model = models.Region
        fields = ["level"]


class SectorViewSet(CatalogueViewSet):
    serializer_class = serializers.SectorSerializer
    filterset_class = SectorFilter

    def rows(self):
        return models.Sector.objects.select_related("parent").order_by("sort_order", "name_en")


class RegionViewSet(CatalogueViewSet):
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilter

    def rows(self):
        return models.Region.objects.select_related("parent").order_by("name_en")


class QuoteFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        method="filter_person", label="Person's slug (theirs alone or shared with others)"
    )
    case = django_filters.CharFilter(field_name="cases__slug", label="Case's slug", distinct=True)
    theme = django_filters.CharFilter(method="filter_theme", label="Theme's slug")

    class Meta:
        model = models.Quote
        fields = ["kind"]

    def filter_person(self, queryset, name, value):
        """The person's statements, with those the source gives to them and others at once."""
        shared = models.Quote.also_attributed.through.objects.filter(person__slug=value)
        return queryset.filter(Q(person__slug=value) | Q(pk__in=shared.values("quote")))

    def filter_theme(self, queryset, name, value):
        """The statements that support a published theme."""
        links = models.Theme.quotes.through.objects.filter(
            theme__in=models.Theme.objects.published().filter(slug=value)
        )
        return queryset.filter(pk__in=links.values("quote"))


class QuoteViewSet(CatalogueViewSet):
    lookup_field = "ref"
    serializer_class = serializers.QuoteSerializer
    filterset_class = QuoteFilter

    def rows(self):
        return (
            public_quotes()
            .select_related("person")
            .prefetch_related(
                cited(),
                Prefetch("also_attributed", queryset=public_people().order_by("name_en")),
            )
            .order_by("person__name_en", "sort_order", "pk")
        )


class FigureFilter(django_filters.FilterSet):
    case = django_filters.CharFilter(field_name="case__slug", label="Case's slug")
    organisation = django_filters.CharFilter(
        field_name="company__slug", label="Organisation's slug"
    )
    policy = django_filters.CharFilter(field_name="policy__slug", label="Policy's slug")
    region = django_filters.CharFilter(field_name="region__slug", label="Region's slug")
    sector = django_filters.CharFilter(field_name="sector__slug", label="Sector's slug")

    class Meta:
        model = models.Metric
        fields = ["kind"]


class FigureViewSet(CatalogueViewSet):
    lookup_field = "ref"
    serializer_class = serializers.FigureSerializer
    filterset_class = FigureFilter

    def rows(self):
        return (
            public_figures()
            .select_related(*serializers.SUBJECTS)
            .prefetch_related(cited())
            .order_by("sort_order", "pk")
        )


class SourceViewSet(CatalogueViewSet):
    serializer_class = serializers.SourceSerializer
    filter_backends = []

    def rows(self):
        return models.Source.objects.order_by("published_on", "slug")


class CitationFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source__slug", label="Source's slug")

    class Meta:
        model = models.Citation
        fields = []


class CitationViewSet(CatalogueViewSet):
    lookup_field = "ref"
    serializer_class = serializers.CitationDetailSerializer
    filterset_class = CitationFilter

    def rows(self):
        return public_citations().select_related("source").order_by("source", "sort_order", "ref")
