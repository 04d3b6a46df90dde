"""The moderation queue of readers' error reports.

Readers send reports from the public form (catalog/views/reports.py); editors read them here,
accept or reject them and write a note. What the reader sent is shown read-only: an editor
changes the catalogue itself, not the report. No one adds a report here, and nothing in a report
is ever published.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.models import ErrorReport, ReportStatus

from .base import CatalogueAdmin, text_preview

READER_FIELDS = [
    "created",
    "page_link",
    "record_link",
    "citation_link",
    "what_is_wrong",
    "correction",
    "source_link",
    "email",
]


@admin.register(ErrorReport)
class ErrorReportAdmin(CatalogueAdmin):
    list_display = ["created", "status", "summary", "concerns", "has_email"]
    list_display_links = ["created", "summary"]
    list_filter = ["status", "record_type"]
    search_fields = ["what_is_wrong", "correction", "page", "citation_ref", "editor_note", "email"]
    list_select_related = ["record_type", "citation"]
    date_hierarchy = "created"
    readonly_fields = READER_FIELDS
    fieldsets = [
        (_("Moderation"), {"fields": ["status", "editor_note"]}),
        (_("What the reader sent"), {"fields": READER_FIELDS}),
    ]
    actions = ["mark_accepted", "mark_rejected"]

    def has_add_permission(self, request):
        return False

    def view_on_site(self, obj):
        return obj.page or None

    @admin.display(description=_("report"))
    def summary(self, obj):
        return text_preview(obj.what_is_wrong, 90)

    @admin.display(description=_("concerns"), ordering="page")
    def concerns(self, obj):
        parts = [obj.page or "—"]
        if obj.citation_ref:
            parts.append(obj.citation_ref)
        return " · ".join(parts)

    @admin.display(description=_("e-mail given"), boolean=True)
    def has_email(self, obj):
        return bool(obj.email)

    @admin.display(description=_("page"))
    def page_link(self, obj):
        if not obj.page:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.page, obj.page)

    @admin.display(description=_("record"))
    def record_link(self, obj):
        record = obj.record
        if record is None:
            return "—"
        return self._admin_link(record, str(record))

    @admin.display(description=_("citation"))
    def citation_link(self, obj):
        if obj.citation is None:
            return obj.citation_ref or "—"
        return self._admin_link(
            obj.citation, f"{obj.citation.ref}: {text_preview(obj.citation.quote)}"
        )

    @admin.display(description=_("source link"))
    def source_link(self, obj):
        if not obj.source_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>', obj.source_url, obj.source_url
        )

    def _admin_link(self, row, text):
        opts = row._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        except NoReverseMatch:
            return text
        return format_html('<a href="{}">{}</a>', url, text)

    def _mark(self, request, queryset, status, message):
        """Give the selected reports ``status``, one version each, and say how many changed."""
        changed = 0
        for report in queryset.exclude(status=status):
            report.status = status
            report._change_reason = _("Marked %(status)s from the list") % {
                "status": ReportStatus(status).label
            }
            report.save(update_fields=["status", "modified"])
            changed += 1
        self.message_user(request, message(changed) % {"count": changed})

    @admin.action(description=_("Mark the selected reports as accepted"), permissions=["change"])
    def mark_accepted(self, request, queryset):
        self._mark(
            request,
            queryset,
            ReportStatus.ACCEPTED,
            lambda n: ngettext("%(count)d report accepted.", "%(count)d reports accepted.", n),
        )

    @admin.action(description=_("Mark the selected reports as rejected"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._mark(
            request,
            queryset,
            ReportStatus.REJECTED,
            lambda n: ngettext("%(count)d report rejected.", "%(count)d reports rejected.", n),
        )
