from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    CatalogueHistory,
    Publishable,
    PublishableQuerySet,
    RefManager,
    Searchable,
    SearchableQuerySet,
    SlugManager,
    Timestamped,
    count_of,
    ref_field,
)


class PersonQuerySet(SearchableQuerySet, PublishableQuerySet):
    def for_list(self):
        """The people list: organisation for each entry, statements counted."""
        return self.select_related("organisation").annotate(
            quote_count=count_of(Quote, "person") + count_of(Quote, "also_attributed")
        )

    def for_detail(self, user):
        """A person's page: organisation, statements (their own and those the source gives to
        several people at once) with what they concern, all cited."""
        from .case import Case
        from .company import Company
        from .policy import Policy
        from .provenance import cited

        def statements(lookup):
            return models.Prefetch(
                lookup,
                queryset=Quote.objects.select_related("person").prefetch_related(
                    cited(),
                    co_speakers(user),
                    "sectors",
                    models.Prefetch("companies", queryset=Company.objects.visible_to(user)),
                    models.Prefetch("cases", queryset=Case.objects.visible_to(user)),
                    models.Prefetch("policies", queryset=Policy.objects.visible_to(user)),
                ),
            )

        return (
            self.visible_to(user)
            .select_related("organisation")
            .prefetch_related(cited(), statements("quotes"), statements("shared_quotes"))
        )


def co_speakers(user):
    """A Prefetch of the other people a statement is attributed to, those ``user`` may see."""
    return models.Prefetch("also_attributed", queryset=Person.objects.visible_to(user))


class Person(Searchable, Publishable):
    """Someone the source quotes or names, with the role it gives them."""

    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_zh_hans = models.CharField(_("Chinese name (simplified)"), max_length=100, blank=True)
    name_en = models.CharField(_("name in pinyin"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    is_pseudonym = models.BooleanField(
        _("pseudonym"),
        default=False,
        help_text=_("Ticked when the source says the name is a pseudonym."),
    )
    role_zh = models.CharField(_("role (Chinese)"), max_length=300, blank=True)
    role_en = models.CharField(_("role (English, translation)"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    history = CatalogueHistory(excluded_fields=["search_text"])
    objects = SlugManager.from_queryset(PersonQuerySet)()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name_en"]), models.Index(fields=["is_pseudonym"])]

    def __str__(self):
        return self.name_zh

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:person_detail", kwargs={"slug": self.slug})

    def search_fields(self):
        return [self.name_zh, self.name_zh_hans, self.name_en, self.role_zh, self.role_en]


class QuoteKind(models.TextChoices):
    DIRECT = "direct", _("Direct quotation")
    REPORTED = "reported", _("Reported speech")


class Quote(Searchable, Timestamped):
    """What a person said, as the source gives it, linked to what it is about."""

    ref = ref_field()
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="quotes"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuoteKind.choices, default=QuoteKind.DIRECT
    )
    text_zh = models.TextField(_("statement (Chinese, verbatim)"))
    text_en = models.TextField(_("statement (English, translation)"), blank=True)
    companies = models.ManyToManyField(
        "catalog.Company", verbose_name=_("organisations"), blank=True, related_name="quotes"
    )
    cases = models.ManyToManyField(
        "catalog.Case", verbose_name=_("cases"), blank=True, related_name="quotes"
    )
    sectors = models.ManyToManyField(
        "catalog.Sector", verbose_name=_("sectors"), blank=True, related_name="quotes"
    )
    policies = models.ManyToManyField(
        "catalog.Policy", verbose_name=_("policies"), blank=True, related_name="quotes"
    )
    also_attributed = models.ManyToManyField(
        Person,
        verbose_name=_("also attributed to"),
        blank=True,
        related_name="shared_quotes",
        help_text=_(
            "When the source gives one statement to several people at once: the others, besides "
            "the first person. It shows on each of their pages."
        ),
    )
    speakers_zh = models.CharField(
        _("speakers as the source words them"),
        max_length=200,
        blank=True,
        help_text=_("For a statement of several people, for example 劉世錦、賈康等多位專家."),
    )
    speakers_en = models.CharField(_("speakers (English)"), max_length=250, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = CatalogueHistory(
        m2m_fields=["companies", "cases", "sectors", "policies", "also_attributed"],
        excluded_fields=["search_text"],
    )
    objects = RefManager()

    class Meta:
        ordering = ["sort_order", "ref"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text_zh=""),
                name="quote_text_not_empty",
                violation_error_message=_("A quote needs its text."),
            ),
        ]

    def __str__(self):
        return self.text_zh[:60]

    def natural_key(self):
        return (self.ref,)

    def search_fields(self):
        return [self.text_zh, self.text_en, self.speakers_zh, self.speakers_en]
