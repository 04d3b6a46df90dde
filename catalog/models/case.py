from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    Publishable,
    PublishableQuerySet,
    Searchable,
    SearchableQuerySet,
    SlugManager,
    count_of,
    in_language,
    year_range_constraints,
    year_validators,
)


class CaseType(models.TextChoices):
    TRANSFORMATION = "transformation", _("Company transformation")
    FRONTIER = "frontier", _("Frontier technology venture")
    LOCAL_STRATEGY = "local_strategy", _("City or county industrial strategy")
    BUSINESS_FORM = "business_form", _("New business form")
    INSTITUTION = "institution", _("Institutional reform")
    SHORTFALL = "shortfall", _("Market or institution that fell short")
    ROADMAP = "roadmap", _("National or regional roadmap in action")
    # A story the source tells only in a photograph's caption: it says too little to class it.
    PICTURED = "pictured", _("Shown in a photograph of the source")


class Track(models.TextChoices):
    RENEW_TRADITIONAL = "renew_traditional", _("Renewing traditional industries (傳統產業煥新)")
    GROW_EMERGING = "grow_emerging", _("Growing emerging industries (新興產業壯大)")
    CULTIVATE_FUTURE = "cultivate_future", _("Cultivating future industries (未來產業培育)")


class Lever(models.TextChoices):
    """The transformation levers the source names; stored as one boolean field each on Case."""

    DIGITAL = "digital", _("Digitalisation (數字化)")
    INTELLIGENT = "intelligent", _("Intelligent upgrading (智慧化)")
    GREEN = "green", _("Green transition (綠色化)")


class ChangeKind(models.TextChoices):
    """The 'three new' (三新); stored as one boolean field each on Case."""

    NEW_MANUFACTURING = "new_manufacturing", _("New manufacturing (新製造)")
    NEW_SERVICES = "new_services", _("New services (新服務)")
    NEW_BUSINESS_FORMS = "new_business_forms", _("New business forms (新業態)")


LEVER_FIELDS = {
    Lever.DIGITAL: "lever_digital",
    Lever.INTELLIGENT: "lever_intelligent",
    Lever.GREEN: "lever_green",
}
CHANGE_FIELDS = {
    ChangeKind.NEW_MANUFACTURING: "change_new_manufacturing",
    ChangeKind.NEW_SERVICES: "change_new_services",
    ChangeKind.NEW_BUSINESS_FORMS: "change_new_business_forms",
}


class CaseQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_list(self):
        """The cases list: sectors and organisations for each card, figures counted."""
        from .metric import Metric

        return self.prefetch_related(
            "sectors",
            models.Prefetch(
                "roles",
                queryset=CaseCompany.objects.select_related("company").filter(
                    company__published=True
                ),
            ),
        ).annotate(metric_count=count_of(Metric, "case"))

    def for_detail(self, user):
        """A case's page: organisations and roles, figures, quotes, policies, all cited."""
        from .company import Company
        from .metric import Metric
        from .people import Person, Quote, co_speakers
        from .policy import Policy
        from .provenance import cited

        return self.visible_to(user).prefetch_related(
            "sectors",
            "regions",
            cited(),
            models.Prefetch(
                "roles",
                queryset=CaseCompany.objects.filter(company__in=Company.objects.visible_to(user))
                .select_related("company")
                .order_by("role", "company__name_en"),
            ),
            models.Prefetch("metrics", queryset=Metric.objects.prefetch_related(cited())),
            models.Prefetch(
                "quotes",
                queryset=Quote.objects.filter(person__in=Person.objects.visible_to(user))
                .select_related("person")
                .prefetch_related(cited(), co_speakers(user)),
            ),
            models.Prefetch("policies", queryset=Policy.objects.visible_to(user)),
        )


def cover_path(instance, filename):
    return f"covers/{instance.slug}/{filename}"


class Case(Searchable, Publishable):
    """A case study the source tells: a transformation, a local strategy, a new business form..."""

    title_zh = models.CharField(_("Chinese title"), max_length=250)
    title_en = models.CharField(_("English title (translation)"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    case_type = models.CharField(
        _("type of case"), max_length=20, choices=CaseType.choices, db_index=True
    )
    summary_zh = models.TextField(_("Chinese summary"))
    summary_en = models.TextField(_("English summary (translation)"))
    companies = models.ManyToManyField(
        "catalog.Company",
        through="catalog.CaseCompany",
        verbose_name=_("organisations"),
        blank=True,
        related_name="cases",
    )
    sectors = models.ManyToManyField(
        "catalog.Sector", verbose_name=_("sectors"), blank=True, related_name="cases"
    )
    regions = models.ManyToManyField(
        "catalog.Region", verbose_name=_("regions"), blank=True, related_name="cases"
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, db_index=True, validators=year_validators()
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, db_index=True, validators=year_validators()
    )
    lever_digital = models.BooleanField(_("digitalisation (數字化)"), default=False, db_index=True)
    lever_intelligent = models.BooleanField(
        _("intelligent upgrading (智慧化)"), default=False, db_index=True
    )
    lever_green = models.BooleanField(_("green transition (綠色化)"), default=False, db_index=True)
    change_new_manufacturing = models.BooleanField(
        _("new manufacturing (新製造)"), default=False, db_index=True
    )
    change_new_services = models.BooleanField(
        _("new services (新服務)"), default=False, db_index=True
    )
    change_new_business_forms = models.BooleanField(
        _("new business forms (新業態)"), default=False, db_index=True
    )
    track = models.CharField(
        _("track"), max_length=20, choices=Track.choices, blank=True, db_index=True
    )
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    cover_rendition = models.ImageField(
        _("cover rendition (WebP)"), upload_to=cover_path, blank=True, editable=False
    )
    cover_alt_zh = models.CharField(_("cover alt text (Chinese)"), max_length=200, blank=True)
    cover_alt_en = models.CharField(_("cover alt text (English)"), max_length=200, blank=True)
    cover_credit = models.CharField(_("cover credit and licence"), max_length=300, blank=True)

    history = CatalogueHistory(m2m_fields=["sectors", "regions"], excluded_fields=["search_text"])
    objects = SlugManager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering = ["-start_year", "title_en"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            *year_range_constraints("case", "start_year", "end_year"),
            models.CheckConstraint(
                condition=models.Q(cover="")
                | (~models.Q(cover_alt_zh="") & ~models.Q(cover_alt_en="")),
                name="case_cover_has_alt_text",
                violation_error_message=_("A cover image needs alt text in Chinese and English."),
            ),
        ]
        indexes = [
            models.Index(fields=["title_en"]),
            models.Index(fields=["-created"]),
            # The list's track filter reads the ids of the visible rows of a track from this
            # index alone, and tests a set of ids against it without reading the rows.
            models.Index(fields=["published", "track"], name="catalog_case_published_track"),
            # The public list in its default order, deep pages included: an OFFSET walks this
            # index alone instead of looking up every row it passes to test it is published.
            models.Index(fields=["published", "title_en"], name="catalog_case_published_title"),
            # The list's conditional counts (tracks, levers, kinds of change) read this index
            # instead of every row of the table (a case's row holds its texts: 50,000 of them
            # are tens of megabytes).
            models.Index(
                fields=["published", "track", *LEVER_FIELDS.values(), *CHANGE_FIELDS.values()],
                name="catalog_case_list_counts",
            ),
        ]

    def __str__(self):
        return self.title_zh

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:case_detail", kwargs={"slug": self.slug})

    @property
    def cover_alt(self):
        """The cover's alt text in the language of the page (Chinese under /zh-hans/)."""
        return in_language(self.cover_alt_zh, self.cover_alt_en)

    @property
    def levers(self):
        return [lever for lever, field in LEVER_FIELDS.items() if getattr(self, field)]

    @property
    def change_kinds(self):
        return [kind for kind, field in CHANGE_FIELDS.items() if getattr(self, field)]

    def search_fields(self):
        return [self.title_zh, self.title_en, self.summary_zh, self.summary_en]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError(
                {"end_year": _("The end year cannot come before the start year.")}
            )
        if self.cover:
            missing = {
                name: _("A cover image needs alt text in Chinese and English.")
                for name in ("cover_alt_zh", "cover_alt_en")
                if not getattr(self, name).strip()
            }
            if missing:
                raise ValidationError(missing)


class CaseRole(models.TextChoices):
    SUBJECT = "subject", _("Subject of the case")
    PARENT = "parent", _("Parent organisation")
    PARTNER = "partner", _("Partner")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government actor")
    PLATFORM = "platform", _("Platform or park")
    MEMBER = "member", _("Member of a cluster")


class CaseCompanyManager(models.Manager):
    natural_key_fields = ("case__slug", "company__slug")

    def get_by_natural_key(self, case_slug, company_slug):
        return self.get(case__slug=case_slug, company__slug=company_slug)


class CaseCompany(models.Model):
    """An organisation's part in a case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="roles"
    )
    company = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="case_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=CaseRole.choices, db_index=True)
    note_zh = models.CharField(_("note (Chinese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English, translation)"), max_length=300, blank=True)

    history = CatalogueHistory()
    objects = CaseCompanyManager()

    class Meta:
        ordering = ["case", "role", "company"]
        verbose_name = _("organisation in a case")
        verbose_name_plural = _("organisations in cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "company"], name="casecompany_unique_pair"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}"

    def natural_key(self):
        return (*self.case.natural_key(), *self.company.natural_key())

    natural_key.dependencies = ["catalog.case", "catalog.company"]
