from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import CatalogueHistory, Searchable, SlugManager, Timestamped


class RegionLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    AREA = "area", _("Multi-province area")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County or district")


# Which level may sit under which: a province under nothing, a city under a province, ...
ALLOWED_PARENT_LEVELS = {
    RegionLevel.COUNTRY: {None},
    RegionLevel.AREA: {None},
    RegionLevel.PROVINCE: {None},
    RegionLevel.CITY: {None, RegionLevel.PROVINCE},
    RegionLevel.COUNTY: {RegionLevel.CITY, RegionLevel.PROVINCE},
}


class RegionQuerySet(models.QuerySet):
    def with_descendants(self, regions):
        """The given regions with their cities and counties."""
        ids = [r.pk for r in regions]
        return self.filter(Q(pk__in=ids) | Q(parent__in=ids) | Q(parent__parent__in=ids))

    def for_detail(self, user):
        """A region's page: parent, the places within (two levels down) and the region's
        figures, as ``user`` may see them. Its organisations, cases and policies, with those of
        every place within, are counted and listed in part by the page (catalog.views.details)."""
        from .metric import Metric
        from .provenance import cited

        return self.select_related("parent__parent").prefetch_related(
            "children__children",
            models.Prefetch(
                "metrics",
                queryset=Metric.objects.visible_to(user)
                .select_related("case", "company", "policy")
                .prefetch_related(cited()),
            ),
        )


class Region(Searchable, Timestamped):
    """A place: province → city → county (and, for context, countries and multi-province areas)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=20, choices=RegionLevel.choices, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_zh_hans = models.CharField(_("Chinese name (simplified)"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description (translation)"), blank=True)

    history = CatalogueHistory()
    objects = SlugManager.from_queryset(RegionQuerySet)()

    class Meta:
        ordering = ["name_en"]
        indexes = [models.Index(fields=["name_en"])]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="region_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.name_zh} {self.name_en}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:region_detail", kwargs={"slug": self.slug})

    def search_fields(self):
        return [self.name_zh, self.name_zh_hans, self.name_en]

    def clean(self):
        super().clean()
        parent_level = self.parent.level if self.parent_id else None
        allowed = ALLOWED_PARENT_LEVELS.get(self.level, set())
        if self.level and parent_level not in allowed:
            raise ValidationError(
                {"parent": _("This level of region cannot sit under that parent.")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A region cannot be its own ancestor.")})
            ancestor = ancestor.parent
