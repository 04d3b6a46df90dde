from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    RefManager,
    Timestamped,
    ref_field,
    relation_is_set,
    shows_drafts,
    year_range_constraints,
    year_validators,
)


class MetricKind(models.TextChoices):
    LEVEL = "level", _("Level")
    CHANGE = "change", _("Change")
    TARGET = "target", _("Target")
    SHARE = "share", _("Share")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    MORE_THAN = "more_than", _("more than")
    LESS_THAN = "less_than", _("less than")
    UP_TO = "up_to", _("up to")


# What a figure can be about; it must be about at least one.
SUBJECTS = ("case", "company", "region", "policy", "sector")


class MetricQuerySet(models.QuerySet):
    def published_subjects(self):
        """Metrics whose case, company or policy (where set) is published."""
        return (
            self.exclude(case__published=False)
            .exclude(company__published=False)
            .exclude(policy__published=False)
        )

    def visible_to(self, user):
        """All figures for staff; for everyone else those whose subjects are published."""
        if shows_drafts(user):
            return self.all()
        return self.published_subjects()


class Metric(Timestamped):
    """A number the source gives about a case, an organisation, a region, a policy or a sector."""

    ref = ref_field()
    case = models.ForeignKey(
        "catalog.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metrics",
    )
    company = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metrics",
    )
    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="metrics",
    )
    policy = models.ForeignKey(
        "catalog.Policy",
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    sector = models.ForeignKey(
        "catalog.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="metrics",
    )
    label_zh = models.CharField(_("what it measures (Chinese)"), max_length=250)
    label_en = models.CharField(_("what it measures (English, translation)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=MetricKind.choices, db_index=True)
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    value_max = models.DecimalField(
        _("upper value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For a range such as 10%-30%: the upper end."),
    )
    stated_zh = models.CharField(
        _("figure as the source words it (Chinese)"),
        max_length=50,
        blank=True,
        help_text=_(
            "Where the source gives the figure in words, such as 三分之一 or 一半: shown instead "
            "of the value and unit, which then only set the length of its bar. Without the "
            "qualifier (不足, 以上)."
        ),
    )
    stated_en = models.CharField(
        _("figure as the source words it (English)"),
        max_length=80,
        blank=True,
        help_text=_("The same in English, such as “one third” or “half”."),
    )
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=50, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=80, blank=True)
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The value compared against, where the source states it."),
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=year_validators()
    )
    start_year = models.PositiveSmallIntegerField(
        _("period start"), null=True, blank=True, db_index=True, validators=year_validators()
    )
    end_year = models.PositiveSmallIntegerField(
        _("period end"), null=True, blank=True, db_index=True, validators=year_validators()
    )
    period_zh = models.CharField(_("period as the source states it"), max_length=100, blank=True)
    period_en = models.CharField(_("period (English)"), max_length=100, blank=True)
    scope_zh = models.CharField(_("scope (Chinese)"), max_length=200, blank=True)
    scope_en = models.CharField(_("scope (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = CatalogueHistory()
    objects = RefManager.from_queryset(MetricQuerySet)()

    class Meta:
        ordering = ["sort_order", "ref"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False)
                | Q(company__isnull=False)
                | Q(region__isnull=False)
                | Q(policy__isnull=False)
                | Q(sector__isnull=False),
                name="metric_has_subject",
                violation_error_message=_(
                    "A figure must be about a case, an organisation, a region, a policy "
                    "or a sector."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value__lte=models.F("value_max")),
                name="metric_range_ordered",
                violation_error_message=_("The lower value cannot exceed the upper value."),
            ),
            *year_range_constraints("metric", "start_year", "end_year"),
        ]

    def __str__(self):
        return self.label_zh

    def natural_key(self):
        return (self.ref,)

    def clean(self):
        super().clean()
        if not any(relation_is_set(self, name) for name in SUBJECTS):
            raise ValidationError(
                _("A figure must be about a case, an organisation, a region, a policy or a sector.")
            )
        if self.value_max is not None and self.value is not None and self.value > self.value_max:
            raise ValidationError({"value_max": _("The upper value must be at least the value.")})
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": _("The period cannot end before it starts.")})

    def validate_constraints(self, exclude=None):
        # clean() states the "about something" rule (counting a parent an inline has not saved
        # yet); checking the constraint as well would show the same message twice.
        exclude = {*(exclude or ()), *SUBJECTS}
        super().validate_constraints(exclude=exclude)

    @property
    def is_range(self):
        return self.value_max is not None
