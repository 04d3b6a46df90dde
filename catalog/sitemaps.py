"""The sitemap (/sitemap.xml, an index of one sitemap per section): every public page in every
language, each with its hreflang alternates and the date it last changed.

Public means what an anonymous visitor sees: each section lists the rows of the model's
``published()`` queryset (sectors, regions and sources have no drafts). The search page and the
filtered or sorted variants of the lists are left out: they show rows the other pages list.
"""

from django.contrib import sitemaps
from django.db.models import Max
from django.urls import reverse

from .models import Case, Company, Person, Policy, Region, Sector, Source, Theme

# Sitemap protocol maximum is 50,000 addresses a file; each row gives one per language.
ROWS_PER_SITEMAP = 5000


class CatalogueSitemap(sitemaps.Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = ROWS_PER_SITEMAP

    def lastmod(self, item):
        return getattr(item, "modified", None)


class PerLanguage:
    """The (row, language) pairs of a queryset's rows, counted and sliced in the database:
    Django's sitemap would otherwise load every row to count its pages (50,000 cases: 3 s for
    the index, 3 s a page)."""

    def __init__(self, rows, languages):
        self.rows, self.languages = rows, list(languages)

    def count(self):
        return self.rows.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("PerLanguage takes a slice")
        per_row = len(self.languages)
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        first, last = start // per_row, -(-stop // per_row)
        pairs = [(row, code) for row in self.rows[first:last] for code in self.languages]
        return pairs[start - first * per_row : stop - first * per_row]


class RecordSitemap(CatalogueSitemap):
    """The detail pages of one model's public rows."""

    model = None

    def _items(self):
        return PerLanguage(self.items(), self._languages())

    def rows(self):
        rows = self.model.objects.all()
        if hasattr(rows, "published"):
            rows = rows.published()
        return rows

    def items(self):
        return self.rows().only("slug", "modified").order_by("pk")

    def get_latest_lastmod(self):
        return self.rows().aggregate(latest=Max("modified"))["latest"]


def record_sitemap(model_class):
    return type(f"{model_class.__name__}Sitemap", (RecordSitemap,), {"model": model_class})


class PagesSitemap(CatalogueSitemap):
    """The home page, the list pages, the open data and about pages: they change when any row
    does (the about page shows passages of the catalogue)."""

    names = (
        "catalog:home",
        "catalog:company_list",
        "catalog:case_list",
        "catalog:sector_list",
        "catalog:region_list",
        "catalog:policy_list",
        "catalog:person_list",
        "catalog:theme_list",
        "catalog:data",
        "catalog:about",
    )

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.latest()

    def get_latest_lastmod(self):
        return self.latest()

    def latest(self):
        if not hasattr(self, "_latest"):
            dates = [
                model.objects.aggregate(latest=Max("modified"))["latest"]
                for model in (Company, Case, Policy, Person, Sector, Region, Theme)
            ]
            self._latest = max((d for d in dates if d), default=None)
        return self._latest


SITEMAPS = {
    "pages": PagesSitemap,
    "organisations": record_sitemap(Company),
    "cases": record_sitemap(Case),
    "policies": record_sitemap(Policy),
    "people": record_sitemap(Person),
    "themes": record_sitemap(Theme),
    "sectors": record_sitemap(Sector),
    "regions": record_sitemap(Region),
    "sources": record_sitemap(Source),
}
