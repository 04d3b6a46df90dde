from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    DatePrecision,
    RefManager,
    SlugManager,
    Timestamped,
    format_partial_date,
    ref_field,
    relation_is_set,
)


def _exactly_one_target():
    fields = [f"{name}__isnull" for name in CITATION_TARGET_FIELDS]
    condition = Q()
    for chosen in fields:
        condition |= Q(**{name: name != chosen for name in fields})
    return condition


# The records a citation can support, one nullable foreign key each; exactly one is set.
CITATION_TARGET_FIELDS = (
    "company",
    "case",
    "metric",
    "funding_round",
    "policy",
    "quote_record",
    "person",
    "investment",
    "theme",
)


class Source(Timestamped):
    """A bibliographic record: the publication a fact comes from."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    publication = models.CharField(_("publication"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English, translation)"), max_length=300, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    editor = models.CharField(_("editor"), max_length=200, blank=True)
    contributors = models.CharField(_("other contributors (English)"), max_length=300, blank=True)
    contributors_zh = models.CharField(
        _("other contributors (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("As the source credits them, for Chinese pages."),
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=20, help_text=_("BCP 47 tag, e.g. zh-Hant or zh-Hans.")
    )
    url = models.URLField(_("URL"), blank=True)
    note = models.TextField(_("note (English)"), blank=True)
    note_zh = models.TextField(_("note (Chinese)"), blank=True)

    history = CatalogueHistory()
    objects = SlugManager()

    class Meta:
        ordering = ["publication", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publication} {self.title}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:source_detail", kwargs={"slug": self.slug})

    @property
    def date_display(self):
        return format_partial_date(self.published_on, self.date_precision)


def cited(lookup="citations"):
    """A Prefetch of a record's citations with their sources, in order.

    A new object on every call: Django mutates a Prefetch used inside a nested lookup.
    """
    return models.Prefetch(lookup, queryset=Citation.objects.select_related("source"))


class Citation(Timestamped):
    """The verbatim passage of a source that one fact-bearing record rests on."""

    ref = ref_field()
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField(
        _("quote (verbatim)"),
        help_text=_("Copied exactly from the source, character for character."),
    )
    quote_en = models.TextField(_("quote (English, translation)"), blank=True)
    company = models.ForeignKey(
        "catalog.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("organisation"),
    )
    case = models.ForeignKey(
        "catalog.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("case"),
    )
    metric = models.ForeignKey(
        "catalog.Metric",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("figure"),
    )
    funding_round = models.ForeignKey(
        "catalog.FundingRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("funding round"),
    )
    policy = models.ForeignKey(
        "catalog.Policy",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("policy"),
    )
    quote_record = models.ForeignKey(
        "catalog.Quote",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("quote"),
        db_column="quote_record_id",
    )
    person = models.ForeignKey(
        "catalog.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("person"),
    )
    investment = models.ForeignKey(
        "catalog.Investment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("investment"),
    )
    theme = models.ForeignKey(
        "catalog.Theme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("theme"),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = CatalogueHistory()
    objects = RefManager()

    def get_absolute_url(self):
        """The passage's permanent address, which leads to the page of its source showing it."""
        return reverse(
            "catalog:citation_redirect", kwargs={"slug": self.source.slug, "ref": self.ref}
        )

    TARGET_FIELDS = CITATION_TARGET_FIELDS

    class Meta:
        ordering = ["sort_order", "ref"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        # A source's page lists its passages in this order, a page at a time.
        indexes = [models.Index(fields=["source", "sort_order", "ref"])]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(),
                name="citation_exactly_one_target",
                violation_error_message=_("A citation supports exactly one record."),
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("quote")), 0),
                name="citation_quote_not_blank",
                violation_error_message=_("A citation needs the verbatim quote it rests on."),
            ),
        ]

    def __str__(self):
        return self.ref

    def natural_key(self):
        return (self.ref,)

    def targets(self):
        return [name for name in self.TARGET_FIELDS if relation_is_set(self, name)]

    @property
    def target(self):
        names = self.targets()
        return getattr(self, names[0]) if names else None

    def clean(self):
        super().clean()
        if not (self.quote or "").strip():
            raise ValidationError({"quote": _("A citation needs the verbatim quote it rests on.")})
        count = len(self.targets())
        if count != 1:
            raise ValidationError(
                _("A citation supports exactly one record; %(count)s are set.") % {"count": count}
            )
