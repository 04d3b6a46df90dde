"""Readers' error reports: the form, what a report concerns, and the per-address rate limit.

A report names the page it was sent from (``?page=<path>``) and, when sent from a cited passage,
the passage (``&citation=<ref>``). Both come from the link, so they are checked here: the page
must be an address of the site's own catalogue (anything else is dropped), and the record it
shows is found from it. The form has a honeypot field that people never see; a bot that fills
it in is thanked and nothing is stored.

Reports are counted per client address (site_config/client_ip.py) in the "login_throttle" cache,
the one every server process shares (Redis, or a file cache in production): at most
``REPORTS_PER_WINDOW`` reports per address in ``WINDOW`` seconds. The count uses the cache's
atomic ``add``/``incr``, as site_config/login_throttle.py does, and the address is stored only
as a hash, for the window's length.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from site_config.client_ip import client_ip

from .citing import KINDS
from .models import Citation, shows_drafts
from .models.report import TEXT_LIMIT, URL_LIMIT, ErrorReport
from .templatetags.open_data import DETAIL_PAGES

REPORTS_PER_WINDOW = 10
WINDOW = 60 * 60  # seconds
THROTTLE_CACHE = "login_throttle"
HONEYPOT = "website"
PAGE_LIMIT = 300
REF_LIMIT = 120


# --- What a report concerns ---------------------------------------------------------------------


@dataclass
class Concern:
    """The page a report was sent from, the record that page shows and the passage, if any."""

    page: str = ""
    record: object = None
    citation: object = None


def site_path(value):
    """``value`` as a path of one of the catalogue's pages (query and fragment dropped), or ""."""
    value = (value or "").strip()
    if not value or len(value) > PAGE_LIMIT:
        return ""
    parts = urlsplit(value)
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return ""
    match = _resolve(path)
    return path if match is not None and match.namespace == "catalog" else ""


def _resolve(path):
    language = translation.get_language_from_path(path)
    with translation.override(language or translation.get_language()):
        try:
            return resolve(path)
        except Resolver404:
            return None


def _record(path, user):
    """The record a detail page shows (visible to ``user``), else None."""
    match = _resolve(path) if path else None
    if match is None or match.url_name not in DETAIL_PAGES:
        return None
    _variable, kind = DETAIL_PAGES[match.url_name]
    if kind not in KINDS:
        return None
    model = KINDS[kind].model
    rows = model.objects.visible_to(user) if hasattr(model.objects, "visible_to") else model.objects
    return rows.filter(slug=match.kwargs.get("slug")).first()


def _citation(ref, user):
    """The passage named ``ref`` if the record it supports is one the reader may see."""
    ref = (ref or "").strip()
    if not ref or len(ref) > REF_LIMIT:
        return None
    citation = Citation.objects.select_related("source").filter(ref=ref).first()
    if citation is None:
        return None
    target = citation.target
    if target is not None and not (getattr(target, "published", True) or shows_drafts(user)):
        return None
    return citation


def concern(page, citation_ref, user):
    path = site_path(page)
    return Concern(path, _record(path, user), _citation(citation_ref, user))


def report_url(page="", citation=""):
    """The address of the report form for ``page`` (and a passage), in the active language."""
    query = {name: value for name, value in (("page", page), ("citation", citation)) if value}
    url = reverse("catalog:report")
    return f"{url}?{urlencode(query)}" if query else url


# --- The form -----------------------------------------------------------------------------------


class ErrorReportForm(forms.ModelForm):
    page = forms.CharField(widget=forms.HiddenInput, required=False, max_length=PAGE_LIMIT)
    citation = forms.CharField(widget=forms.HiddenInput, required=False, max_length=REF_LIMIT)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ErrorReport
        fields = ["what_is_wrong", "correction", "source_url", "email"]
        labels = {
            "what_is_wrong": _("What is wrong?"),
            "correction": _("What is the correct information? (optional)"),
            "source_url": _("A link to a source for the correction (optional)"),
            "email": _("Your e-mail address (optional)"),
        }
        help_texts = {
            "source_url": _("An address starting with http:// or https://."),
            "email": _("Only if you would like an editor to be able to write back to you."),
        }
        widgets = {
            "what_is_wrong": forms.Textarea(attrs={"rows": 5}),
            "correction": forms.Textarea(attrs={"rows": 4}),
            "source_url": forms.URLInput(attrs={"inputmode": "url"}),
        }
        error_messages = {
            "what_is_wrong": {"required": _("Please say what is wrong.")},
            "source_url": {"invalid": _("Enter a full web address, such as https://example.org/.")},
            "email": {"invalid": _("Enter a valid e-mail address, or leave the field empty.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_url"].max_length = URL_LIMIT
        self.fields["source_url"].assume_scheme = "https"
        for name in ("what_is_wrong", "correction"):
            self.fields[name].help_text = _("At most %(limit)d characters.") % {"limit": TEXT_LIMIT}
            self.fields[name].error_messages["max_length"] = _(
                "Please keep this to %(limit_value)d characters (it has %(show_value)d)."
            )

    def is_bot(self):
        return bool((self.data.get(HONEYPOT) or "").strip())

    def save_for(self, user):
        """Store the report with what it concerns, as a new report in the queue."""
        report = self.save(commit=False)
        found = concern(self.cleaned_data.get("page"), self.cleaned_data.get("citation"), user)
        report.page = found.page
        if found.record is not None:
            # Looked up afresh (made if missing), not from the content-type cache: a report is
            # rare, and a cached id outlives the rows when a database is emptied and filled
            # again (test runs do).
            ContentType.objects.clear_cache()
            report.record_type = ContentType.objects.get_for_model(found.record)
            report.record_id = found.record.pk
        if found.citation is not None:
            report.citation = found.citation
            report.citation_ref = found.citation.ref
        report.save()
        return report


# --- Rate limit ---------------------------------------------------------------------------------


def _key(request):
    digest = hashlib.sha256(f"error-report\x1f{client_ip(request)}".encode()).hexdigest()
    return f"error-reports:{digest}"


def take_a_turn(request):
    """Count one report from the request's address; False when it is over the limit."""
    cache = caches[THROTTLE_CACHE]
    key = _key(request)
    # add() starts the window with the first report; incr() keeps its expiry.
    cache.add(key, 0, timeout=WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): start again
        cache.set(key, 1, timeout=WINDOW)
        count = 1
    return count <= REPORTS_PER_WINDOW
