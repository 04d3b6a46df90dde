"""Pieces shared by the catalogue's models: choices, abstract bases, natural keys."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history import signals, utils
from simple_history.models import HistoricalRecords

MIN_YEAR = 1800
MAX_YEAR = 2100


YEAR_MESSAGE = _("Years must lie between 1800 and 2100.")


def year_validators():
    """Field-level twins of the year range constraints, so a form names the field at fault."""
    return [
        MinValueValidator(MIN_YEAR, message=YEAR_MESSAGE),
        MaxValueValidator(MAX_YEAR, message=YEAR_MESSAGE),
    ]


def relation_is_set(instance, name):
    """Whether the foreign key ``name`` points somewhere, counting a parent not saved yet.

    An admin inline validates its rows before the parent is saved: the row then holds the
    parent object but no id.
    """
    if getattr(instance, f"{name}_id") is not None:
        return True
    field = instance._meta.get_field(name)
    return field.is_cached(instance) and field.get_cached_value(instance) is not None


def in_language(zh, en):
    """The text for the active language (Chinese under /zh-hans/), the other one when empty."""
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class CatalogueHistory(HistoricalRecords):
    """django-simple-history's records, able to write one version for a save and its links.

    By default every many-to-many change (each ``add``, ``remove`` or ``clear``) writes a version
    of its own. The admin and the fixture loader save a row without a version
    (``skip_history_when_saving``), set its links, then call ``record_version`` once: one
    version holding the fields and the links as they now are.
    """

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._catalogue_history = self

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw"):
            # loaddata: the row comes with its own history (a dump of the history tables), and
            # the links it sets next must not write versions of their own either.
            instance._history_raw_load = True
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if getattr(instance, "_history_raw_load", False):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    def create_historical_record_m2ms(self, history_instance, instance):
        """The version's copy of each tracked link table, one query per table.

        simple-history's own method rebuilds the record from the version for each table (one
        query more each when fields are excluded) and fetches the linked rows; the copy needs
        only the ids.
        """
        # Tables the caller knows to be empty for this row (the fixture loader) are not read.
        known_empty = getattr(instance, "_history_empty_links", ())
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through = field.remote_field.through
            names = [f.attname for f in through._meta.concrete_fields]
            links = []
            if field.name not in known_empty:
                links = through._default_manager.filter(
                    **{utils.get_m2m_field_name(field): instance}
                ).values_list(*names)
            rows = [
                m2m_history_model(history=history_instance, **dict(zip(names, link, strict=True)))
                for link in links
            ]
            signals.pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created = m2m_history_model.objects.bulk_create(rows) if rows else []
            signals.post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )

    def bulk_record_versions(self, instances, links, reason, date):
        """One "+" version for each new row of ``instances``, written in a few INSERTs.

        ``links`` maps each instance to ``{field name: [through rows]}`` as just inserted (with
        their ids); the versions' copies of the tracked link tables come from there, not from
        the database.
        """
        history = getattr(self.cls, self.manager_name)
        for instance in instances:
            instance._change_reason = reason
        versions = history.bulk_history_create(instances, default_date=date)
        copies = {}
        for version, instance in zip(versions, instances, strict=True):
            for field in version._history_m2m_fields:
                names = [f.attname for f in field.remote_field.through._meta.concrete_fields]
                copies.setdefault(self.m2m_models[field], []).extend(
                    self.m2m_models[field](
                        history=version, **{name: getattr(row, name) for name in names}
                    )
                    for row in links.get(instance, {}).get(field.name, ())
                )
        for model, rows in copies.items():
            if rows:
                model.objects.bulk_create(rows)
        return versions


def record_version(instance, history_type="~"):
    """Write one version of ``instance`` (fields and tracked links) as it is in the database."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    type(instance)._catalogue_history.create_historical_record(instance, history_type)


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def format_partial_date(value, precision):
    """A date shown only to the precision the source gives (2022, 2024-04, 2024-04-28)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


class SlugManager(models.Manager):
    """Lets fixtures refer to rows by slug (natural keys) instead of database ids."""

    # The fields of the natural key, in order: the fixture loader reads them for every row at once.
    natural_key_fields = ("slug",)

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class RefManager(models.Manager):
    """Natural keys for rows without a page: fixtures name them by their ``ref``."""

    natural_key_fields = ("ref",)

    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


def ref_field():
    return models.SlugField(
        _("reference"),
        max_length=120,
        unique=True,
        help_text=_("A stable key, unique in the catalogue, that fixtures use to name this row."),
    )


class Timestamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class Publishable(Timestamped):
    published = models.BooleanField(_("published"), default=True, db_index=True)

    class Meta:
        abstract = True


class Searchable(models.Model):
    """A normalised copy of a row's text (simplified characters, lower case) that search matches.

    Kept up to date by catalog.signals on every save, fixture loads included.
    """

    search_text = models.TextField(_("search text"), blank=True, editable=False, default="")

    class Meta:
        abstract = True

    def search_fields(self):
        raise NotImplementedError


def count_of(model, field, **conditions):
    """A correlated subquery counting ``model`` rows whose ``field`` points at the outer row."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def shows_drafts(user):
    """Whether ``user`` sees drafts: staff do (every page marks them), everyone else sees
    published rows only. Every page, list, facet and search asks this one rule."""
    return bool(user is not None and user.is_authenticated and user.is_staff)


class SearchableQuerySet(models.QuerySet):
    def matching(self, terms):
        """The rows whose ``search_text`` contains every one of ``terms`` (normalised, as
        catalog.search.parse_query gives them), found through the search index."""
        from ..search_index import matching

        return matching(self, terms)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Published rows for everyone; drafts too for staff, who see them marked."""
        if shows_drafts(user):
            return self.all()
        return self.published()


def year_range_constraints(prefix, start, end):
    """Both years within MIN_YEAR..MAX_YEAR and the start not after the end."""
    from django.db.models import F, Q

    return [
        models.CheckConstraint(
            condition=Q(**{f"{start}__isnull": True})
            | Q(**{f"{start}__gte": MIN_YEAR, f"{start}__lte": MAX_YEAR}),
            name=f"{prefix}_{start}_plausible",
            violation_error_message=_("Years must lie between 1800 and 2100."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{end}__isnull": True})
            | Q(**{f"{end}__gte": MIN_YEAR, f"{end}__lte": MAX_YEAR}),
            name=f"{prefix}_{end}_plausible",
            violation_error_message=_("Years must lie between 1800 and 2100."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{start}__isnull": True})
            | Q(**{f"{end}__isnull": True})
            | Q(**{f"{start}__lte": F(end)}),
            name=f"{prefix}_{start}_not_after_{end}",
            violation_error_message=_("The start year cannot come after the end year."),
        ),
    ]
