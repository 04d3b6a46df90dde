from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    DatePrecision,
    Publishable,
    PublishableQuerySet,
    Searchable,
    SearchableQuerySet,
    SlugManager,
    count_of,
    format_partial_date,
    in_language,
)


class CompanyKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    STATE_OWNED = "soe", _("State-owned enterprise")
    RESEARCH = "research", _("Research institute or lab")
    INVESTOR = "investor", _("Investor")
    EXCHANGE = "exchange", _("Exchange")
    GOVERNMENT = "government", _("Government body")
    PARK = "park", _("Industrial park")
    OTHER = "other", _("Other organisation")


class CompanyQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_list(self):
        """The companies list: region and sectors for each card, counts for sorting."""
        from .metric import Metric

        return (
            self.select_related("region")
            .prefetch_related("sectors")
            .annotate(
                metric_count=count_of(Metric, "company"),
            )
        )

    def for_detail(self, user):
        """An organisation's page: everything it shows, in a fixed number of queries; its cases,
        which may be thousands, are counted and listed in part by the page (catalog.views.details).

        Related rows that have a published flag are limited to those ``user`` may see.
        """
        from .funding import FundingRound, Investment
        from .metric import Metric
        from .policy import Policy
        from .provenance import cited

        visible = Company.objects.visible_to(user)

        def investments():
            return (
                Investment.objects.filter(investor__in=visible)
                .select_related("investor")
                .prefetch_related(cited())
            )

        return (
            self.visible_to(user)
            .select_related("region", "parent")
            .prefetch_related(
                "sectors",
                cited(),
                Prefetch("subsidiaries", queryset=visible.order_by("name_en")),
                Prefetch(
                    "funding_rounds",
                    queryset=FundingRound.objects.prefetch_related(
                        cited(), Prefetch("investments", queryset=investments())
                    ),
                ),
                Prefetch(
                    "investments_received",
                    queryset=investments().filter(funding_round__isnull=True),
                    to_attr="investments_without_round",
                ),
                Prefetch(
                    "investments_made",
                    queryset=Investment.objects.filter(investee__in=visible)
                    .select_related("investee", "funding_round")
                    .prefetch_related(cited()),
                    to_attr="investments_made_visible",
                ),
                Prefetch("metrics", queryset=Metric.objects.prefetch_related(cited())),
                Prefetch("policies_issued", queryset=Policy.objects.visible_to(user)),
            )
        )


def logo_path(instance, filename):
    return f"logos/{instance.slug}/{filename}"


class Company(Searchable, Publishable):
    """Any organisation the catalogue describes: an enterprise, a lab, an investor, a ministry..."""

    name_zh = models.CharField(
        _("Chinese name"), max_length=200, help_text=_("As written in the source.")
    )
    name_zh_hans = models.CharField(
        _("Chinese name (simplified)"),
        max_length=200,
        blank=True,
        help_text=_("Standard mainland simplified form, for display and search."),
    )
    short_name_zh = models.CharField(_("Chinese short name"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=250)
    name_en_official = models.BooleanField(
        _("English name is official"),
        default=False,
        help_text=_("Unticked: the English name is the catalogue's own translation."),
    )
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Other names and spellings, one string each."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CompanyKind.choices, db_index=True)
    is_named_in_source = models.BooleanField(
        _("named in the source"),
        default=True,
        help_text=_("Unticked when the source describes the organisation without naming it."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
    )
    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
    )
    sectors = models.ManyToManyField(
        "catalog.Sector", verbose_name=_("sectors"), blank=True, related_name="companies"
    )
    founded_on = models.DateField(_("founded"), null=True, blank=True, db_index=True)
    founded_precision = models.CharField(
        _("founding date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description (translation)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_path, blank=True)
    logo_rendition = models.ImageField(
        _("logo rendition (WebP)"), upload_to=logo_path, blank=True, editable=False
    )
    logo_alt_zh = models.CharField(_("logo alt text (Chinese)"), max_length=200, blank=True)
    logo_alt_en = models.CharField(_("logo alt text (English)"), max_length=200, blank=True)
    logo_credit = models.CharField(_("logo credit and licence"), max_length=300, blank=True)

    history = CatalogueHistory(m2m_fields=["sectors"], excluded_fields=["search_text"])
    objects = SlugManager.from_queryset(CompanyQuerySet)()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="company_not_own_parent"),
            models.CheckConstraint(
                condition=Q(founded_on__isnull=True, founded_precision="")
                | Q(founded_on__isnull=False) & ~Q(founded_precision=""),
                name="company_founded_precision_with_date",
                violation_error_message=_("A founding date needs its precision, and only then."),
            ),
            models.CheckConstraint(
                condition=Q(logo="") | (~Q(logo_alt_zh="") & ~Q(logo_alt_en="")),
                name="company_logo_has_alt_text",
                violation_error_message=_("A logo needs alt text in Chinese and English."),
            ),
        ]
        indexes = [models.Index(fields=["name_en"]), models.Index(fields=["-created"])]

    def __str__(self):
        return self.name_zh

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:company_detail", kwargs={"slug": self.slug})

    @property
    def display_name_zh(self):
        return self.name_zh_hans or self.name_zh

    @property
    def logo_alt(self):
        """The logo's alt text in the language of the page (Chinese under /zh-hans/)."""
        return in_language(self.logo_alt_zh, self.logo_alt_en)

    @property
    def founded_display(self):
        return format_partial_date(self.founded_on, self.founded_precision)

    def search_fields(self):
        return [
            self.name_zh,
            self.name_zh_hans,
            self.short_name_zh,
            self.name_en,
            *self.aliases,
            self.description_zh,
            self.description_en,
        ]

    def clean(self):
        super().clean()
        if self.founded_on and not self.founded_precision:
            raise ValidationError({"founded_precision": _("Say how precise the founding date is.")})
        if self.founded_precision and not self.founded_on:
            raise ValidationError({"founded_on": _("A precision needs a founding date.")})
        if self.logo:
            missing = {
                name: _("A logo needs alt text in Chinese and English.")
                for name in ("logo_alt_zh", "logo_alt_en")
                if not getattr(self, name).strip()
            }
            if missing:
                raise ValidationError(missing)
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": _("Other names must be a list of strings.")})
        ancestor = self.parent
        seen = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("An organisation cannot be its own parent or ancestor.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
