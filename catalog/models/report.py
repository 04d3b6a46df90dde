"""Corrections sent by readers: "Report an error" on a page or a cited passage.

A report is never shown on the public site. It waits in the admin's moderation queue, where an
editor accepts or rejects it and writes a note; the reader's own words stay as they were sent.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import CatalogueHistory, Timestamped

# Longest text a reader may send in each field (the form says so and refuses more).
TEXT_LIMIT = 2000
URL_LIMIT = 500


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ErrorReportQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=ReportStatus.NEW)


class ErrorReport(Timestamped):
    """What a reader says is wrong on a page of the catalogue, waiting for an editor."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.NEW,
        db_index=True,
    )
    page = models.CharField(
        _("page"),
        max_length=300,
        blank=True,
        help_text=_("The address of the page the reader was reading."),
    )
    record_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    record = GenericForeignKey("record_type", "record_id")
    citation = models.ForeignKey(
        "catalog.Citation",
        verbose_name=_("citation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="error_reports",
    )
    citation_ref = models.CharField(
        _("citation reference"),
        max_length=120,
        blank=True,
        help_text=_("Kept even if the citation is later deleted."),
    )
    what_is_wrong = models.TextField(_("what is wrong"), max_length=TEXT_LIMIT)
    correction = models.TextField(_("the correct information"), max_length=TEXT_LIMIT, blank=True)
    source_url = models.URLField(
        _("source link"),
        max_length=URL_LIMIT,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("For editors only: what was checked and what was changed. Never published."),
    )

    # No public page shows a report: saving one leaves the cached pages as they are.
    private_to_editors = True

    history = CatalogueHistory()
    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        text = " ".join(self.what_is_wrong.split())
        return text if len(text) <= 60 else f"{text[:59]}…"
