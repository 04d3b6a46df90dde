"""How each record reads in the API: its fields, its links (the record's page and API address),
the related records by slug and name, and, on a record's own address, its citations."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .. import models


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of the record's page on the site."""

    def __init__(self, source="*", **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value):
        url = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The absolute address of the record in the API."""

    def __init__(self, view_name, lookup="slug", **kwargs):
        self.view_name, self.lookup = view_name, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return reverse(
            self.view_name,
            kwargs={self.lookup: getattr(value, self.lookup)},
            request=self.context.get("request"),
        )


class NamedRef(serializers.Serializer):
    """A related record: its slug, names and page."""

    slug = serializers.SlugField(read_only=True)
    name_zh = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    url = PageUrlField()


class CitationSerializer(serializers.ModelSerializer):
    url = PageUrlField(help_text="The passage on the source's page.")
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    passage = serializers.CharField(source="quote", help_text="Verbatim text of the source.")
    passage_en = serializers.CharField(
        source="quote_en", help_text="The catalogue's English translation of the passage."
    )

    class Meta:
        model = models.Citation
        fields = ["ref", "url", "source", "passage", "passage_en"]


class CitedSerializer(serializers.ModelSerializer):
    """A record with its citations (the detail addresses)."""

    citations = CitationSerializer(many=True, read_only=True)


class CompanySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    api_url = ApiUrlField("api:organisation-detail")
    region = NamedRef(read_only=True)
    sectors = NamedRef(many=True, read_only=True)

    class Meta:
        model = models.Company
        fields = [
            "slug",
            "url",
            "api_url",
            "name_zh",
            "name_zh_hans",
            "short_name_zh",
            "name_en",
            "name_en_official",
            "kind",
            "region",
            "sectors",
            "founded_on",
            "founded_precision",
            "website",
            "description_zh",
            "description_en",
            "modified",
        ]


class CompanyDetailSerializer(CompanySerializer, CitedSerializer):
    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "citations"]


class RoleSerializer(serializers.ModelSerializer):
    """An organisation in a case, with its role there."""

    slug = serializers.SlugField(source="company.slug", read_only=True)
    name_zh = serializers.CharField(source="company.name_zh", read_only=True)
    name_en = serializers.CharField(source="company.name_en", read_only=True)
    url = PageUrlField(source="company")

    class Meta:
        model = models.CaseCompany
        fields = ["slug", "name_zh", "name_en", "url", "role"]


class CaseSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    api_url = ApiUrlField("api:case-detail")
    sectors = NamedRef(many=True, read_only=True)
    regions = NamedRef(many=True, read_only=True)
    organisations = RoleSerializer(source="roles", many=True, read_only=True)
    levers = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = models.Case
        fields = [
            "slug",
            "url",
            "api_url",
            "title_zh",
            "title_en",
            "case_type",
            "track",
            "start_year",
            "end_year",
            "summary_zh",
            "summary_en",
            "sectors",
            "regions",
            "organisations",
            "levers",
            "changes",
            "modified",
        ]

    def get_levers(self, case) -> list[str]:
        return [value for value, name in models.LEVER_FIELDS.items() if getattr(case, name)]

    def get_changes(self, case) -> list[str]:
        return [value for value, name in models.CHANGE_FIELDS.items() if getattr(case, name)]


class CaseDetailSerializer(CaseSerializer, CitedSerializer):
    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "citations"]


class PolicySerializer(serializers.ModelSerializer):
    url = PageUrlField()
    api_url = ApiUrlField("api:policy-detail")
    issuers = NamedRef(many=True, read_only=True)
    regions = NamedRef(many=True, read_only=True)

    class Meta:
        model = models.Policy
        fields = [
            "slug",
            "url",
            "api_url",
            "title_zh",
            "title_en",
            "level",
            "issued_on",
            "date_precision",
            "issuers",
            "issuer_note_zh",
            "issuer_note_en",
            "regions",
            "summary_zh",
            "summary_en",
            "modified",
        ]


class PolicyDetailSerializer(PolicySerializer, CitedSerializer):
    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "citations"]


class PersonSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    api_url = ApiUrlField("api:person-detail")
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = models.Person
        fields = [
            "slug",
            "url",
            "api_url",
            "name_zh",
            "name_zh_hans",
            "name_en",
            "is_pseudonym",
            "role_zh",
            "role_en",
            "organisation",
            "modified",
        ]

    @extend_schema_field(NamedRef(allow_null=True))
    def get_organisation(self, person):
        organisation = person.organisation
        if organisation is None or not organisation.published:
            return None  # a draft organisation is never named
        return NamedRef(organisation, context=self.context).data


class PersonDetailSerializer(PersonSerializer, CitedSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "citations"]


class TreeNodeSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)


class SectorSerializer(TreeNodeSerializer):
    api_url = ApiUrlField("api:sector-detail")

    class Meta:
        model = models.Sector
        fields = [
            "slug",
            "url",
            "api_url",
            "name_zh",
            "name_en",
            "kind",
            "parent",
            "description_zh",
            "description_en",
            "modified",
        ]


class RegionSerializer(TreeNodeSerializer):
    api_url = ApiUrlField("api:region-detail")

    class Meta:
        model = models.Region
        fields = [
            "slug",
            "url",
            "api_url",
            "name_zh",
            "name_en",
            "level",
            "parent",
            "description_zh",
            "description_en",
            "modified",
        ]


class QuoteSerializer(CitedSerializer):
    api_url = ApiUrlField("api:quote-detail", lookup="ref")
    person = NamedRef(read_only=True)
    also_attributed = NamedRef(
        many=True,
        read_only=True,
        help_text="Others the source gives the same statement to, besides the first person.",
    )

    class Meta:
        model = models.Quote
        fields = [
            "ref",
            "api_url",
            "person",
            "also_attributed",
            "speakers_zh",
            "speakers_en",
            "kind",
            "text_zh",
            "text_en",
            "citations",
        ]


SUBJECTS = ("case", "company", "policy", "region", "sector")


class FigureSerializer(CitedSerializer):
    api_url = ApiUrlField("api:figure-detail", lookup="ref")
    subject_type = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()

    class Meta:
        model = models.Metric
        fields = [
            "ref",
            "api_url",
            "subject_type",
            "subject",
            "label_zh",
            "label_en",
            "kind",
            "qualifier",
            "value",
            "value_max",
            "stated_zh",
            "stated_en",
            "unit_zh",
            "unit_en",
            "baseline",
            "baseline_year",
            "start_year",
            "end_year",
            "period_zh",
            "period_en",
            "scope_zh",
            "scope_en",
            "citations",
        ]

    def _subject(self, figure):
        for name in SUBJECTS:
            if getattr(figure, f"{name}_id"):
                return name, getattr(figure, name)
        return None, None

    def get_subject_type(self, figure) -> str | None:
        return self._subject(figure)[0]

    def get_subject(self, figure) -> str | None:
        """The slug of the record the figure is about."""
        record = self._subject(figure)[1]
        return record.slug if record is not None else None


class SourceSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    api_url = ApiUrlField("api:source-detail")
    source_url = serializers.CharField(source="url", help_text="Where the source was published.")

    class Meta:
        model = models.Source
        fields = [
            "slug",
            "url",
            "api_url",
            "publication",
            "title",
            "title_en",
            "author",
            "editor",
            "published_on",
            "date_precision",
            "language",
            "source_url",
        ]


class CitationDetailSerializer(CitationSerializer):
    api_url = ApiUrlField("api:citation-detail", lookup="ref")

    class Meta(CitationSerializer.Meta):
        fields = [*CitationSerializer.Meta.fields, "api_url"]
