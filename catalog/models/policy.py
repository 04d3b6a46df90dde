from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
)


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District or county")


class PolicyQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_list(self):
        """The policies list: published issuers and regions for each entry, targets counted."""
        from .company import Company
        from .metric import Metric

        return self.prefetch_related(
            models.Prefetch("issuers", queryset=Company.objects.published()), "regions"
        ).annotate(target_count=count_of(Metric, "policy"))

    def for_detail(self, user):
        """A policy's page: issuers, targets, sectors, regions, cases, quotes, all cited."""
        from .case import Case
        from .company import Company
        from .metric import Metric
        from .people import Person, Quote, co_speakers
        from .provenance import cited

        return self.visible_to(user).prefetch_related(
            "sectors",
            "regions",
            cited(),
            models.Prefetch("issuers", queryset=Company.objects.visible_to(user)),
            models.Prefetch("cases", queryset=Case.objects.visible_to(user)),
            models.Prefetch("targets", queryset=Metric.objects.prefetch_related(cited())),
            models.Prefetch(
                "quotes",
                queryset=Quote.objects.filter(person__in=Person.objects.visible_to(user))
                .select_related("person")
                .prefetch_related(cited(), co_speakers(user)),
            ),
        )


class Policy(Searchable, Publishable):
    """A plan, measure or guideline a government body issued."""

    title_zh = models.CharField(_("Chinese title"), max_length=250)
    title_en = models.CharField(_("English title (translation)"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    issuers = models.ManyToManyField(
        "catalog.Company",
        verbose_name=_("issuing bodies"),
        blank=True,
        related_name="policies_issued",
    )
    issuer_note_zh = models.CharField(
        _("issuer as the source words it"),
        max_length=200,
        blank=True,
        help_text=_("For example 工業和資訊化部等七部委 when not every body is named."),
    )
    issuer_note_en = models.CharField(_("issuer (English)"), max_length=250, blank=True)
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=PolicyLevel.choices,
        blank=True,
        db_index=True,
        help_text=_("Left empty when the source does not say who issued it or at what level."),
    )
    issued_on = models.DateField(_("date"), null=True, blank=True, db_index=True)
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, blank=True
    )
    summary_zh = models.TextField(_("Chinese summary"), blank=True)
    summary_en = models.TextField(_("English summary (translation)"), blank=True)
    sectors = models.ManyToManyField(
        "catalog.Sector", verbose_name=_("sectors"), blank=True, related_name="policies"
    )
    regions = models.ManyToManyField(
        "catalog.Region", verbose_name=_("regions"), blank=True, related_name="policies"
    )
    cases = models.ManyToManyField(
        "catalog.Case", verbose_name=_("cases"), blank=True, related_name="policies"
    )

    history = CatalogueHistory(
        m2m_fields=["issuers", "sectors", "regions", "cases"], excluded_fields=["search_text"]
    )
    objects = SlugManager.from_queryset(PolicyQuerySet)()

    class Meta:
        ordering = ["-issued_on", "title_en"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True, date_precision="")
                | Q(issued_on__isnull=False) & ~Q(date_precision=""),
                name="policy_date_precision_with_date",
                violation_error_message=_("A date needs its precision, and only then."),
            ),
        ]
        indexes = [models.Index(fields=["title_en"]), models.Index(fields=["-created"])]

    def __str__(self):
        return self.title_zh

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:policy_detail", kwargs={"slug": self.slug})

    @property
    def date_display(self):
        return format_partial_date(self.issued_on, self.date_precision)

    def search_fields(self):
        return [
            self.title_zh,
            self.title_en,
            self.issuer_note_zh,
            self.issuer_note_en,
            self.summary_zh,
            self.summary_en,
        ]

    def clean(self):
        super().clean()
        if bool(self.issued_on) != bool(self.date_precision):
            raise ValidationError({"date_precision": _("Give a date together with its precision.")})
