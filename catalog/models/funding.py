from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    DatePrecision,
    RefManager,
    Timestamped,
    format_partial_date,
    ref_field,
)


class Stage(models.TextChoices):
    SEED = "seed", _("Seed (種子輪)")
    ANGEL = "angel", _("Angel (天使輪)")
    ANGEL_PLUS = "angel_plus", _("Angel+ (天使+輪)")
    PRE_A = "pre_a", _("Pre-A")
    A = "a", _("Series A")
    A_PLUS = "a_plus", _("Series A+")
    B = "b", _("Series B")
    C = "c", _("Series C")
    D_PLUS = "d_plus", _("Series D and later")
    STRATEGIC = "strategic", _("Strategic")
    IPO = "ipo", _("IPO")
    OTHER = "other", _("Other")


STAGE_ORDER = {stage: index for index, stage in enumerate(Stage)}


class FundingRound(Timestamped):
    """A round of financing an organisation raised."""

    ref = ref_field()
    company = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="funding_rounds",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, db_index=True)
    sequence = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order of the round among the organisation's rounds.")
    )
    announced_on = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, blank=True
    )
    amount_disclosed = models.BooleanField(_("amount disclosed"), default=False)
    amount_min = models.DecimalField(
        _("amount (minimum)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("An amount cannot be negative."))],
    )
    amount_max = models.DecimalField(
        _("amount (maximum)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("An amount cannot be negative."))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text="CNY, USD…")

    history = CatalogueHistory()
    objects = RefManager()

    class Meta:
        ordering = ["company", "sequence"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=F("amount_max")),
                name="funding_amount_min_not_above_max",
                violation_error_message=_("The minimum amount cannot exceed the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(
                    amount_disclosed=False, amount_min__isnull=True, amount_max__isnull=True
                )
                | Q(amount_disclosed=True, amount_min__isnull=False) & ~Q(currency=""),
                name="funding_amount_disclosed_consistent",
                violation_error_message=_(
                    "A disclosed amount needs a minimum and a currency; "
                    "an undisclosed one has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True) | Q(amount_min__gte=0),
                name="funding_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(announced_on__isnull=True, date_precision="")
                | Q(announced_on__isnull=False) & ~Q(date_precision=""),
                name="funding_date_precision_with_date",
            ),
        ]

    def __str__(self):
        return self.get_stage_display()

    def natural_key(self):
        return (self.ref,)

    @property
    def date_display(self):
        return format_partial_date(self.announced_on, self.date_precision)

    def clean(self):
        super().clean()
        if self.amount_disclosed:
            if self.amount_min is None:
                raise ValidationError({"amount_min": _("Give the amount, or untick 'disclosed'.")})
            if not self.currency:
                raise ValidationError({"currency": _("Give the currency of the amount.")})
        elif self.amount_min is not None or self.amount_max is not None:
            raise ValidationError({"amount_disclosed": _("Tick 'disclosed' to record an amount.")})
        if (
            self.amount_min is not None
            and self.amount_max is not None
            and self.amount_min > self.amount_max
        ):
            raise ValidationError({"amount_max": _("The maximum must be at least the minimum.")})
        if bool(self.announced_on) != bool(self.date_precision):
            raise ValidationError({"date_precision": _("Give a date together with its precision.")})


class Investment(models.Model):
    """An investor named as backing an organisation, tied to a round when the source says which."""

    ref = ref_field()
    investee = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("organisation funded"),
        on_delete=models.CASCADE,
        related_name="investments_received",
    )
    investor = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="investments_made",
    )
    funding_round = models.ForeignKey(
        FundingRound,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="investments",
        help_text=_("Leave empty when the source does not say which round."),
    )
    is_lead = models.BooleanField(
        _("lead investor"),
        null=True,
        blank=True,
        help_text=_("Empty when the source does not say."),
    )

    history = CatalogueHistory()
    objects = RefManager()

    class Meta:
        ordering = ["investee", "ref"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.UniqueConstraint(
                fields=["investee", "investor", "funding_round"],
                condition=Q(funding_round__isnull=False),
                name="investment_unique_per_round",
            ),
            models.UniqueConstraint(
                fields=["investee", "investor"],
                condition=Q(funding_round__isnull=True),
                name="investment_unique_without_round",
            ),
            models.CheckConstraint(
                condition=~Q(investee=F("investor")),
                name="investment_not_self",
            ),
        ]

    def __str__(self):
        return self.ref

    def natural_key(self):
        return (self.ref,)

    def clean(self):
        super().clean()
        if self.investee_id and self.investee_id == self.investor_id:
            raise ValidationError({"investor": _("An organisation cannot invest in itself.")})
        if self.funding_round_id and self.funding_round.company_id != self.investee_id:
            raise ValidationError(
                {"funding_round": _("The round must belong to the organisation funded.")}
            )
