# Not named here: a derived table, not a record of the catalogue (nor of the admin).
from . import closure  # noqa: F401
from .case import (
    CHANGE_FIELDS,
    LEVER_FIELDS,
    Case,
    CaseCompany,
    CaseRole,
    CaseType,
    ChangeKind,
    Lever,
    Track,
)
from .common import MAX_YEAR, MIN_YEAR, DatePrecision, shows_drafts
from .company import Company, CompanyKind
from .funding import FundingRound, Investment, Stage
from .glossary import GlossaryEntry
from .metric import Metric, MetricKind, Qualifier
from .people import Person, Quote, QuoteKind
from .policy import Policy, PolicyLevel
from .provenance import CITATION_TARGET_FIELDS, Citation, Source
from .region import Region, RegionLevel
from .report import ErrorReport, ReportStatus
from .sector import Sector, SectorKind
from .theme import Theme

__all__ = [
    "shows_drafts",
    "CHANGE_FIELDS",
    "CITATION_TARGET_FIELDS",
    "LEVER_FIELDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "Case",
    "CaseCompany",
    "CaseRole",
    "CaseType",
    "ChangeKind",
    "Citation",
    "Company",
    "CompanyKind",
    "DatePrecision",
    "ErrorReport",
    "FundingRound",
    "GlossaryEntry",
    "Investment",
    "Lever",
    "Metric",
    "MetricKind",
    "Person",
    "Policy",
    "PolicyLevel",
    "Qualifier",
    "Quote",
    "QuoteKind",
    "Region",
    "RegionLevel",
    "ReportStatus",
    "Sector",
    "SectorKind",
    "Source",
    "Stage",
    "Theme",
    "Track",
]
