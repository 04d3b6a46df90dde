"""The catalogue's pages. Views are thin: they call a queryset method and a FilterSet."""

from .details import (
    case_detail,
    citation_redirect,
    company_detail,
    person_detail,
    policy_detail,
    region_detail,
    sector_detail,
    source_detail,
)
from .home import home
from .search import search

__all__ = [
    "case_detail",
    "citation_redirect",
    "company_detail",
    "home",
    "person_detail",
    "policy_detail",
    "region_detail",
    "search",
    "sector_detail",
    "source_detail",
]
