from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import CatalogueHistory, Searchable, SlugManager, Timestamped


class SectorKind(models.TextChoices):
    FUTURE = "future", _("Future industry")
    STRATEGIC_EMERGING = "emerging", _("Strategic emerging industry")
    TRADITIONAL = "traditional", _("Traditional industry")
    OTHER = "other", _("Other field (services, research, public sector)")


class SectorQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def with_descendants(self, sectors):
        """The given sectors and their children (the tree has two levels)."""
        ids = [s.pk for s in sectors]
        return self.filter(Q(pk__in=ids) | Q(parent__in=ids))

    def for_detail(self, user):
        """A sector's page: parent, sub-sectors, and the figures, policies and quotes of the
        sector, as ``user`` may see them. Its organisations and cases, which may be thousands,
        are counted and listed in part by the page (catalog.views.details)."""
        from .metric import Metric
        from .policy import Policy
        from .provenance import cited

        return self.select_related("parent__parent").prefetch_related(
            "children__children",
            models.Prefetch(
                "metrics",
                queryset=Metric.objects.visible_to(user)
                .select_related("case", "company", "policy")
                .prefetch_related(cited()),
            ),
            models.Prefetch("policies", queryset=Policy.objects.visible_to(user)),
        )


class Sector(Searchable, Timestamped):
    """An industry or technology track, in a two-level tree (a track and its sub-sectors)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SectorKind.choices, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_zh_hans = models.CharField(_("Chinese name (simplified)"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description (translation)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = CatalogueHistory()
    objects = SlugManager.from_queryset(SectorQuerySet)()

    class Meta:
        ordering = ["sort_order", "name_en"]
        indexes = [models.Index(fields=["sort_order", "name_en"])]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="sector_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.name_zh} {self.name_en}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalog:sector_detail", kwargs={"slug": self.slug})

    def search_fields(self):
        return [
            self.name_zh,
            self.name_zh_hans,
            self.name_en,
            self.description_zh,
            self.description_en,
        ]

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A sector cannot be its own parent.")})
        parent = self.parent
        if parent.parent_id is not None:
            if self.pk and parent.parent_id == self.pk:
                raise ValidationError({"parent": _("This would make the sector its own ancestor.")})
            raise ValidationError(
                {"parent": _("Sectors have two levels: the parent must be a top-level sector.")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("A sector with sub-sectors must stay at the top level.")}
            )
