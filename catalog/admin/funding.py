"""Funding rounds, with their investors on the same page, and investments on their own."""

from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from catalog.forms import FundingRoundForm, RefForm
from catalog.models import FundingRound, Investment

from .base import CatalogueAdmin
from .provenance import CitationInline


class RoundInvestmentFormSet(BaseInlineFormSet):
    """Investors named on a round: the organisation funded is the round's organisation."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.investee_id = self.instance.company_id
        return form

    def clean(self):
        """An investor is named once per round (the database refuses a second row)."""
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            investor = form.cleaned_data.get("investor")
            if investor is None:
                continue
            if investor.pk in seen:
                form.add_error(
                    "investor",
                    _("%(investor)s is already named as an investor in this round.")
                    % {"investor": investor},
                )
            seen.add(investor.pk)


class FundingRoundAdminForm(FundingRoundForm):
    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company")
        round_ = self.instance
        # The round's investments move with it to the new organisation (FundingRoundAdmin),
        # which therefore cannot be one of the round's own investors.
        if (
            round_.pk
            and company is not None
            and "company" in self.changed_data
            and round_.investments.filter(investor=company).exists()
        ):
            self.add_error(
                "company",
                _(
                    "%(company)s is an investor in this round, so the round cannot be "
                    "its own. Remove it from the investors first."
                )
                % {"company": company},
            )
        return cleaned


class InvestmentInline(admin.TabularInline):
    model = Investment
    fk_name = "funding_round"
    form = RefForm
    formset = RoundInvestmentFormSet
    extra = 0
    fields = ["investor", "is_lead", "ref"]
    autocomplete_fields = ["investor"]
    verbose_name = _("investor")
    verbose_name_plural = _("investors in this round")


@admin.register(FundingRound)
class FundingRoundAdmin(CatalogueAdmin):
    form = FundingRoundAdminForm
    list_display = ["__str__", "company", "date", "amount", "investor_count"]
    list_filter = ["stage", "amount_disclosed", "currency"]
    search_fields = ["ref", "currency"]
    related_search_text = ("company__search_text",)
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    date_hierarchy = "announced_on"
    inlines = [InvestmentInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["company", ("stage", "sequence"), ("announced_on", "date_precision")]}),
        (
            _("Amount"),
            {
                "description": _(
                    "Tick “amount disclosed” to give an amount; a disclosed amount needs a "
                    "currency. For a range give the minimum and the maximum."
                ),
                "fields": ["amount_disclosed", ("amount_min", "amount_max", "currency")],
            },
        ),
        (_("Reference"), {"fields": ["ref"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "company" in form.changed_data:
            self.move_investments(request, form.instance)

    def move_investments(self, request, round_):
        """A round given to another organisation takes its investments along: each names the
        round's organisation as the one funded (each move is a version of the investment)."""
        for investment in round_.investments.exclude(investee_id=round_.company_id):
            investment.investee_id = round_.company_id
            investment._history_user = request.user
            investment._change_reason = str(_("The round's organisation changed"))
            investment.full_clean()
            investment.save(update_fields=["investee"])

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(investor_count=Count("investments"))
        # An aggregate drops Meta.ordering; keep it for the autocomplete's pagination.
        return queryset.order_by(*FundingRound._meta.ordering)

    @admin.display(description=_("date"), ordering="announced_on")
    def date(self, obj):
        return obj.date_display or "—"

    @admin.display(description=_("amount"), ordering="amount_min")
    def amount(self, obj):
        if not obj.amount_disclosed:
            return _("undisclosed")
        amount = f"{obj.amount_min:,}"
        if obj.amount_max is not None and obj.amount_max != obj.amount_min:
            amount = f"{amount}–{obj.amount_max:,}"
        return f"{amount} {obj.currency}"

    @admin.display(description=_("investors"), ordering="investor_count")
    def investor_count(self, obj):
        return obj.investor_count


@admin.register(Investment)
class InvestmentAdmin(CatalogueAdmin):
    form = RefForm
    list_display = ["ref", "investee", "investor", "funding_round", "is_lead"]
    list_filter = ["is_lead"]
    search_fields = ["ref"]
    related_search_text = ("investee__search_text", "investor__search_text")
    list_select_related = ["investee", "investor", "funding_round"]
    autocomplete_fields = ["investee", "investor", "funding_round"]
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["investee", "investor", "funding_round", "is_lead"]}),
        (_("Reference"), {"fields": ["ref"]}),
    ]
