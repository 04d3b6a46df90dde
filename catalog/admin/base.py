"""What every catalogue admin shares: history, search that ignores simplified/traditional
differences, publish/unpublish actions, and deletion refused (with the reason) while other
records still depend on a row."""

import functools
import logging

import opencc
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import ValidationError
from django.db import DatabaseError, router
from django.db.models import ForeignKey, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

from catalog.models import CITATION_TARGET_FIELDS
from catalog.models.common import Publishable, record_version
from catalog.search import MAX_QUERY_LENGTH, normalise
from site_config import health

logger = logging.getLogger("catalog.admin")

UNSAVED_MESSAGE = _(
    "Nothing was saved: the database cannot take changes at the moment (%(reason)s). What you "
    "typed is still in the form below; try saving again in a minute."
)


@functools.cache
def _converter(config):
    return opencc.OpenCC(config)


def spellings(term):
    """The term as typed, in simplified characters, and in the two traditional conventions.

    For columns that have no normalised copy: the source is traditional text converted from
    simplified, so a simplified query is tried in traditional spellings too.
    """
    variants = {term, normalise(term)}
    for config in ("s2t", "s2twp"):
        variants.add(_converter(config).convert(term))
    return {variant for variant in variants if variant}


def search_terms(search_term):
    """Words of a query, quotes keeping phrases together, as Django's admin splits them."""
    terms = []
    for bit in smart_split(search_term[:MAX_QUERY_LENGTH]):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            terms.append(bit.strip())
    return terms


class CatalogueAdmin(SimpleHistoryAdmin):
    """The base of every catalogue admin.

    - ``search_fields`` are matched in every spelling (see ``spellings``); a model with a
      normalised ``search_text`` column is matched there too, and so are the ``search_text``
      columns named in ``related_search_text`` (for example a figure found by its case's title).
    - ``protected_by`` names many-to-many relations that also block deletion while in use.
    - Each save is one version in the history, written once the record's many-to-many links
      are saved too, so that the version holds both; restoring a version restores its links.
    """

    list_per_page = 50
    save_on_top = True
    show_full_result_count = False
    related_search_text: tuple[str, ...] = ()
    protected_by: tuple[str, ...] = ()
    # simple-history's list without its inline style attribute (the admin's CSP allows none).
    object_history_list_template = "admin/simple_history/object_history_list.html"

    def view_on_site(self, obj):
        return public_url(obj)

    # --- One version per save ------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        # The version is written by log_addition()/log_change(), which the add, change, list
        # and restore views all call after the many-to-many links and inline rows are saved.
        obj.skip_history_when_saving = True
        version = getattr(request, "restoring_version", None)
        if version is not None:
            obj._change_reason = _("Restored the version of %(date)s") % {
                "date": date_format(localtime(version.history_date), "DATETIME_FORMAT")
            }
        super().save_model(request, obj, form, change)

    def _record_pending_version(self, obj, history_type):
        if hasattr(obj, "skip_history_when_saving"):
            record_version(obj, history_type)

    def log_addition(self, request, obj, message):
        self._record_pending_version(obj, "+")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_pending_version(obj, "~")
        return super().log_change(request, obj, message)

    # --- History -------------------------------------------------------------------------------
    def _history_ids_or_404(self, object_id, version_id=None):
        """Ids from the URL as numbers; anything else is a page that does not exist."""
        history_model = self.model.history.model
        try:
            object_id = self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                version_id = history_model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None
        return object_id, version_id

    def history_view(self, request, object_id, extra_context=None):
        object_id, _version = self._history_ids_or_404(object_id)
        return super().history_view(request, str(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id, version_id = self._history_ids_or_404(object_id, version_id)
        request.restoring_version = self.model.history.filter(
            **{"id": object_id, "history_id": version_id}
        ).first()
        if request.restoring_version is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- A save the database cannot take: the form back, with what the editor typed ----------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DatabaseError as exc:
            reason = health.unavailability(exc)
            if request.method != "POST" or reason is None:
                raise
            logger.warning("admin save refused by the database (%s): %s", reason, exc)
            health.close_connections()
        # The same view again without a transaction (which would wait for the write lock): the
        # form is made invalid (see get_form), so it only reads, and shows the editor's input.
        request.unsaved_because = reason
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = self._form_for_version(request, super().get_form(request, obj, change, **kwargs))
        reason = getattr(request, "unsaved_because", None)
        if reason is None:
            return form
        message = UNSAVED_MESSAGE % {"reason": reason}

        class UnsavedForm(form):
            def clean(self):
                super().clean()
                raise ValidationError(message, code="database_unavailable")

        UnsavedForm.__name__ = form.__name__
        return UnsavedForm

    def _form_for_version(self, request, form):
        version = getattr(request, "restoring_version", None)
        if version is None or not version._history_m2m_fields:
            return form
        # simple-history's restore form shows a version's own fields but the record's current
        # links; start it from the links the version recorded, so that "Revert" restores them.
        links = {}
        for field in version._history_m2m_fields:
            if field.name in form.base_fields:
                target = get_m2m_reverse_field_name(field)
                links[field.name] = [
                    pk
                    for pk in getattr(version, field.name).values_list(f"{target}_id", flat=True)
                    if pk is not None
                ]

        class RestoringForm(form):
            def __init__(self, *args, initial=None, **kwargs):
                super().__init__(*args, initial={**links, **(initial or {})}, **kwargs)

        RestoringForm.__name__ = form.__name__
        return RestoringForm

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """The versions of one record, with the rows its foreign keys name fetched alongside.

        (simple-history's own version calls ``select_related()`` without names when a model has
        no foreign key, which Django deprecates.)
        """
        related = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, ForeignKey)
        ]
        return history_manager.filter(**{pk_name: object_id}).select_related(
            "history_user", *related
        )

    # --- Search --------------------------------------------------------------------------------
    def has_search_text(self):
        return any(field.name == "search_text" for field in self.model._meta.concrete_fields)

    def get_search_results(self, request, queryset, search_term):
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        text_columns = list(self.related_search_text)
        if self.has_search_text():
            text_columns.insert(0, "search_text")
        for term in terms:
            condition = Q()
            simplified = normalise(term)
            for column in text_columns:
                condition |= Q(**{f"{column}__contains": simplified})
            for field in self.get_search_fields(request):
                for spelling in spellings(term):
                    condition |= Q(**{f"{field}__icontains": spelling})
            queryset = queryset.filter(condition)
        return queryset, False

    # --- Deletion ------------------------------------------------------------------------------
    def in_use_by(self, obj):
        """[(verbose name plural, count)] of the many-to-many rows that keep ``obj`` alive."""
        uses = []
        for name in self.protected_by:
            manager = getattr(obj, name)
            count = manager.count()
            if count:
                uses.append((manager.model._meta.verbose_name_plural, count))
        return uses

    def deletion_blockers(self, request, obj):
        """What stops ``obj`` from being deleted, by kind: [(verbose name plural, count)]."""
        collector = NestedObjects(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        counts = {}
        for row in collector.protected:
            label = row._meta.verbose_name_plural
            counts[label] = counts.get(label, 0) + 1
        blockers = list(counts.items())
        blockers.extend(self.in_use_by(obj))
        return blockers

    def blocked_message(self, obj, blockers):
        uses = ", ".join(f"{count} {label}" for label, count in blockers)
        if isinstance(obj, Publishable):
            message = _(
                "“%(object)s” cannot be deleted because other records still depend on it: "
                "%(uses)s. Remove or reassign those first, or unpublish it instead."
            )
        else:
            message = _(
                "“%(object)s” cannot be deleted because other records still depend on it: "
                "%(uses)s. Remove or reassign those first."
            )
        return message % {"object": obj, "uses": uses}

    def describe_dependent(self, request, row):
        """A row that blocks a deletion, named with the record it belongs to where it has one
        (a role in a case says which case), linked to its admin page when the user may see it."""
        opts = row._meta
        text = str(row)
        for name in PUBLIC_PARENTS.get(opts.model_name, ()):
            parent = getattr(row, name, None)
            if parent is not None:
                text = _("%(row)s (%(kind)s “%(parent)s”)") % {
                    "row": text,
                    "kind": parent._meta.verbose_name,
                    "parent": parent,
                }
                break
        model_admin = self.admin_site._registry.get(type(row))
        if model_admin is not None and model_admin.has_view_or_change_permission(request, row):
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[row.pk],
                )
            except NoReverseMatch:
                url = None
            if url:
                return format_html(
                    '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, text
                )
        return format_html("{}: {}", capfirst(opts.verbose_name), text)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            protected = [self.describe_dependent(request, row) for row in collector.protected]
        for obj in objs:
            for label, count in self.in_use_by(obj):
                protected.append(
                    format_html(
                        "{}: {}",
                        capfirst(obj._meta.verbose_name),
                        _("“%(object)s” is used by %(count)s %(label)s")
                        % {"object": obj, "count": count, "label": label},
                    )
                )
        return to_delete, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            blockers = self.deletion_blockers(request, obj)
            if blockers:
                self.message_user(request, self.blocked_message(obj, blockers), messages.ERROR)
                if request.method == "POST":
                    opts = self.model._meta
                    return redirect(
                        reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_change",
                            args=[obj.pk],
                            current_app=self.admin_site.name,
                        )
                    )
        return super().delete_view(request, object_id, extra_context)


class PublishableAdmin(CatalogueAdmin):
    """For models with a ``published`` flag: a status column, a filter and bulk actions."""

    actions = ["publish", "unpublish"]

    @admin.display(description=_("status"), ordering="published")
    def status(self, obj):
        if obj.published:
            return _("Published")
        return format_html('<strong class="draft-flag">{}</strong>', _("Draft"))

    def _set_published(self, request, queryset, value):
        changed = 0
        for obj in queryset.filter(published=not value):
            obj.published = value
            obj._change_reason = str(_("Published") if value else _("Unpublished"))
            obj.save(update_fields=["published", "modified"])
            self.log_change(request, obj, [{"changed": {"fields": ["published"]}}])
            changed += 1
        return changed

    @admin.action(description=_("Publish the selected records"), permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_published(request, queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d record published.", "%(count)d records published.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish the selected records (make them drafts)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = self._set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d record unpublished: only staff can see it now.",
                "%(count)d records unpublished: only staff can see them now.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )


# Rows without a page of their own are shown on the page of the record they belong to.
PUBLIC_PARENTS = {
    "metric": ("case", "company", "policy", "sector", "region"),
    "fundinground": ("company",),
    "investment": ("investee",),
    "quote": ("person",),
    "casecompany": ("case",),
    "citation": CITATION_TARGET_FIELDS,
}


def public_url(obj):
    """The public page that shows ``obj``: its own, or its parent's (for "view on site")."""
    if obj is None:
        return None
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    for name in PUBLIC_PARENTS.get(obj._meta.model_name, ()):
        parent = getattr(obj, name, None)
        if parent is not None:
            return public_url(parent)
    return None


def text_preview(value, length=80):
    value = " ".join(str(value or "").split())
    return value if len(value) <= length else f"{value[: length - 1]}…"


__all__ = [
    "CatalogueAdmin",
    "PublishableAdmin",
    "public_url",
    "search_terms",
    "spellings",
    "text_preview",
]
