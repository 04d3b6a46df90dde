"""Tags for "Report an error": the link to the public report form on detail pages and passages."""

from django import template
from django.template.loader import render_to_string

from .. import reports
from ..models import ErrorReport
from .open_data import page_record

register = template.Library()


@register.simple_tag(takes_context=True)
def report_url(context, citation=None):
    """The report form's address for this page and, given one, a cited passage."""
    request = context.get("request")
    page = request.path if request is not None else ""
    return reports.report_url(page, getattr(citation, "ref", "") or "")


@register.simple_tag(takes_context=True)
def report_error_link(context):
    """ "Report an error on this page" at the end of a detail page; nothing on other pages."""
    _kind, record = page_record(context)
    if record is None:
        return ""
    return render_to_string(
        "partials/report_link.html", {"request": context["request"]}, request=context["request"]
    )


@register.simple_tag(takes_context=True)
def new_report_count(context):
    """How many reports wait in the queue, for a user who may see them; else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("catalog.view_errorreport"):
        return None
    return ErrorReport.objects.new().count()
