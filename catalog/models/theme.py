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
)


class ThemeQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_list(self):
        """The outline of the argument: each theme with its own passages, in order."""
        from .provenance import cited

        return self.prefetch_related(cited())

    def for_detail(self, user):
        """A theme's page: its passages and every record that supports it, as ``user`` may see
        them, each cited."""
        from .case import Case
        from .metric import Metric
        from .people import Person, Quote, co_speakers
        from .policy import Policy
        from .provenance import cited

        people = Person.objects.visible_to(user)
        return self.visible_to(user).prefetch_related(
            cited(),
            models.Prefetch(
                "cases", queryset=Case.objects.visible_to(user).order_by("title_en", "pk")
            ),
            models.Prefetch(
                "metrics",
                queryset=Metric.objects.visible_to(user)
                .select_related("case", "company", "policy")
                .prefetch_related(cited())
                .order_by("sort_order", "pk"),
            ),
            models.Prefetch(
                "people",
                queryset=people.select_related("organisation").order_by("name_en", "pk"),
            ),
            models.Prefetch(
                "quotes",
                queryset=Quote.objects.filter(person__in=people)
                .select_related("person")
                .prefetch_related(cited(), co_speakers(user))
                .order_by("sort_order", "pk"),
            ),
            models.Prefetch(
                "policies",
                queryset=Policy.objects.visible_to(user).order_by("-issued_on", "title_en", "pk"),
            ),
        )


class Theme(Searchable, Publishable):
    """A step of the source's argument: what it argues, in a short statement, resting on its own
    verbatim passages and on the cases, figures, people, statements and policies that bear it out.
    The themes, in order, outline the argument."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title_zh = models.CharField(_("Chinese title"), max_length=250)
    title_en = models.CharField(_("English title (translation)"), max_length=300)
    statement_zh = models.TextField(
        _("what the source argues (Chinese)"),
        help_text=_("A short statement, every part of it borne out by the cited passages."),
    )
    statement_en = models.TextField(_("what the source argues (English, translation)"))
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=0, help_text=_("The theme's place in the outline.")
    )
    cases = models.ManyToManyField(
        "catalog.Case", verbose_name=_("cases"), blank=True, related_name="themes"
    )
    metrics = models.ManyToManyField(
        "catalog.Metric", verbose_name=_("figures"), blank=True, related_name="themes"
    )
    people = models.ManyToManyField(
        "catalog.Person", verbose_name=_("people"), blank=True, related_name="themes"
    )
    quotes = models.ManyToManyField(
        "catalog.Quote", verbose_name=_("statements"), blank=True, related_name="themes"
    )
    policies = models.ManyToManyField(
        "catalog.Policy", verbose_name=_("policies"), blank=True, related_name="themes"
    )

    history = CatalogueHistory(
        m2m_fields=["cases", "metrics", "people", "quotes", "policies"],
        excluded_fields=["search_text"],
    )
    objects = SlugManager.from_queryset(ThemeQuerySet)()

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_zh="") & ~models.Q(statement_zh=""),
                name="theme_title_and_statement_not_empty",
                violation_error_message=_("A theme needs its title and its statement."),
            ),
        ]

    def __str__(self):
        return self.title_zh

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:theme_detail", kwargs={"slug": self.slug})

    # The names a list's filter chips show for a chosen row (catalog/query.py).
    @property
    def name_zh(self):
        return self.title_zh

    @property
    def name_en(self):
        return self.title_en

    def search_fields(self):
        return [self.title_zh, self.title_en, self.statement_zh, self.statement_en]
