"""The public "Report an error" form and its thank-you page (catalog/reports.py holds the rules).

The form page is never cached: it carries a CSRF token and echoes what the reader typed.
"""

import logging

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from site_config.client_ip import client_ip

from .. import reports

logger = logging.getLogger("catalog.reports")


def _thanks_url(page):
    url = reverse("catalog:report_thanks")
    return f"{url}?{urlencode({'page': page})}" if page else url


@never_cache
@csrf_protect
def report_form(request):
    source = request.POST if request.method == "POST" else request.GET
    found = reports.concern(source.get("page"), source.get("citation"), request.user)
    status = 200
    if request.method == "POST":
        form = reports.ErrorReportForm(request.POST)
        if form.is_bot():
            logger.info("error report dropped: honeypot filled in, from %s", client_ip(request))
            return HttpResponseRedirect(_thanks_url(found.page))
        if form.is_valid():
            if reports.take_a_turn(request):
                report = form.save_for(request.user)
                logger.info("error report %s received for %s", report.pk, report.page or "-")
                return HttpResponseRedirect(_thanks_url(found.page))
            logger.warning("error report refused: rate limit, from %s", client_ip(request))
            form.add_error(
                None,
                _(
                    "You have sent many reports in the last hour. Please wait an hour and send "
                    "this one again; what you typed is still below."
                ),
            )
            status = 429
    else:
        initial = {"page": found.page}
        if found.citation is not None:
            initial["citation"] = found.citation.ref
        form = reports.ErrorReportForm(initial=initial)
    context = {"form": form, "concern": found}
    response = render(request, "catalog/report_form.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(reports.WINDOW)
    return response


def report_thanks(request):
    page = reports.site_path(request.GET.get("page"))
    return render(request, "catalog/report_thanks.html", {"page": page})
