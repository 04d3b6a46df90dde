"""The editors' admin: one module per group of models, each inline beside its parent.

Every admin keeps a history of each record (django-simple-history: compare versions, restore an
earlier one), searches Chinese text whatever its script, and refuses to delete a record that
others still depend on, saying why.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (
    cases,
    companies,
    funding,
    glossary,
    metrics,
    people,
    policies,
    provenance,
    reports,
    taxonomy,
    themes,
)

admin.site.site_header = _("Xinzhi Atlas 新質圖譜 · editors")
admin.site.site_title = _("Xinzhi Atlas editors")
admin.site.index_title = _("Catalogue")

__all__ = [
    "cases",
    "companies",
    "funding",
    "glossary",
    "metrics",
    "people",
    "policies",
    "provenance",
    "reports",
    "taxonomy",
    "themes",
]
