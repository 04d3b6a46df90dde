"""The catalogue query: one list's rows as a visitor asked for them.

A ``CatalogueQuery`` holds everything a list is made of — the rows the visitor may see (drafts for
staff only), the FilterSet's filters and search, the ordering, the facet counts, the chips that
name the active filters and the paging — so that the HTML list pages, the CSV/JSON/Atom exports
and the API all answer the same question the same way: an export always holds exactly the rows
the page counts.
"""

import hashlib
from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import filters
from .cache import catalogue_version
from .facets import FIND_SUFFIX, RowSets, Trees, build_facets, ids_in, indexed_sets
from .models import shows_drafts

PER_PAGE = 20
# A page number longer than this is past any last page (and too long to read as a number).
MAX_PAGE_DIGITS = 9


class PageNotFound(Exception):
    """A page past the last one (or too long a number): the page answers 404."""


class CatalogueQuery:
    """``filterset_class``'s list for ``data`` (a QueryDict) as ``user`` may see it.

    An order the list does not offer is ignored (``unknown_sort`` names it): every link, hidden
    field and chip is then made from the query without it.
    """

    def __init__(self, filterset_class, data, user, request=None, path=""):
        self.model = filterset_class._meta.model
        self.data, self.unknown_sort = filterset_class.without_unknown_sort(data)
        self.user = user
        self.path = path or (request.path if request is not None else "")
        self.trees = Trees.load()
        self.filterset = filterset_class(
            self.data,
            queryset=self.model.objects.visible_to(user).for_list(),
            request=request if request is not None else SimpleNamespace(user=user),
            known={
                "sector": Trees.by_slug(self.trees.sectors),
                "region": Trees.by_slug(self.trees.regions),
            },
        )
        self.valid = self.filterset.is_valid()
        self.row_sets = RowSets()

    @property
    def visible(self):
        """The plain rows the visitor may see, before any filter (no annotations)."""
        return self.model.objects.visible_to(self.user)

    @cached_property
    def rows(self):
        """The filtered rows in the list's order, with what each card shows; none when a filter
        is invalid (the page asks to fix it first)."""
        if not self.valid:
            return self.filterset.queryset.none()
        rows = self.filterset.qs
        ids = self._matching_ids
        if ids is None:
            return rows
        # Narrowed by a filter: the matching rows are read by their ids (read once, and shared
        # with the facets), with what each card shows, in the list's order.
        return (
            self.model.objects.all()
            .for_list()
            .filter(pk__in=ids_in(ids, connections[rows.db]))
            .order_by(*rows.query.order_by)
        )

    @cached_property
    def _matching_ids(self):
        """The ids of the rows every filter in use keeps; None when no filter narrows the list.
        From the facet index's sets when the list is counted over it, else from the database."""
        sets = indexed_sets(self.filterset, self.visible, self.row_sets)
        if sets is not None:
            return sets.matching_ids()
        return self.row_sets.ids(self.filterset.filter_without(self.visible, set()))

    @property
    def sort(self):
        return self.filterset.sort

    @property
    def sort_options(self):
        return self.filterset.filters["sort"].extra["choices"]

    @cached_property
    def count(self):
        if not self.valid:
            return 0
        ids = self._matching_ids
        return len(ids) if ids is not None else self.rows.count()

    @cached_property
    def facets(self):
        """The facets with their counts. Counts change only with the filters and the catalogue:
        they are kept in the cache under both (and the language of their labels, and whether
        drafts count), so that paging or re-sorting a list does not count it again."""
        key = self._facet_key()
        if key is not None:
            cached = cache.get(key)
            if cached is not None:
                return cached
        # Counted over the plain rows: the list's annotations (figures per row) would be computed
        # for every row of every count.
        facets = build_facets(self.filterset, self.visible, self.trees, self.row_sets)
        if key is not None:
            cache.set(key, facets, settings.PAGE_CACHE_SECONDS)
        return facets

    def _facet_key(self):
        """The cache key of this list's facet counts; None when they are not to be cached (the
        page cache is off, the filters are invalid or the catalogue version is unknown)."""
        if not (settings.PAGE_CACHE_ENABLED and self.valid):
            return None
        version = catalogue_version()
        if version is None:
            return None
        # What the counts depend on: the filters and the facets' own searches (not the page,
        # the order or any parameter the list does not read).
        counted = set(self.filterset.filters) - {"sort"}
        data = sorted(
            (name, tuple(values))
            for name, values in self.data.lists()
            if name in counted or name.endswith(FIND_SUFFIX)
        )
        digest = hashlib.sha256(
            repr((self.model._meta.label, shows_drafts(self.user), get_language(), data)).encode()
        ).hexdigest()
        return f"facets:{version}:{digest}"

    def page(self, raw, per_page=PER_PAGE):
        """(paginator, page) for the page number ``raw`` (a string); page is None with an error
        message when ``raw`` is not a page number. Raises PageNotFound past the last page."""
        paginator = Paginator(self.rows, per_page, allow_empty_first_page=True)
        paginator.count = self.count
        raw = str(raw or "1")
        if len(raw) > MAX_PAGE_DIGITS and raw.isascii() and raw.isdigit():
            raise PageNotFound(_("There is no page %(page)s of this list.") % {"page": raw[:20]})
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            error = _("“%(page)s” is not a page number. Pages are numbered from 1.") % {
                "page": raw[:20]
            }
            return paginator, None, error
        try:
            page = paginator.page(int(raw))
        except InvalidPage as exc:
            message = _("There is no page %(page)s of this list.") % {"page": raw}
            raise PageNotFound(message) from exc
        sets = indexed_sets(self.filterset, self.visible, self.row_sets)
        if sets is not None:
            # The page's ids walked along the list's order in memory (catalog/facet_index.py),
            # then only the page's rows read, with their annotations.
            ids = sets.index.page_ids(
                self.filterset.qs, sets.rows_without(None), page.start_index() - 1, per_page
            )
            order = self.rows.query.order_by or self.model._meta.ordering
            page.object_list = (
                self.model.objects.all().for_list().filter(pk__in=ids).order_by(*order)
            )
        else:
            # A deep page: the offset is walked over the row ids alone (a subquery), and only
            # the page's rows are read whole, with their annotations.
            page.object_list = self.rows.filter(pk__in=page.object_list.values("pk"))
        return paginator, page, ""

    @property
    def range_fields(self):
        form = self.filterset.form
        return [
            {
                "legend": legend,
                "low": form[low],
                "high": form[high],
                "halves": [form[low], form[high]],
            }
            for legend, low, high in self.filterset.ranges.values()
        ]

    def chips(self):
        """One removable chip per active filter value; a range's two ends make one chip."""
        query = self.data
        labels = self.value_labels()
        range_of = {
            half: key
            for key, (_legend, *halves) in self.filterset.ranges.items()
            for half in halves
        }
        chips, seen_ranges = [], set()
        for name in self.filterset.filters:
            if name == "sort" or name not in query:
                continue
            if name in range_of:
                key = range_of[name]
                if key in seen_ranges:
                    continue
                seen_ranges.add(key)
                legend, low, high = self.filterset.ranges[key]
                chips.append(
                    {
                        "legend": str(legend),
                        "label": f"{query.get(low, '…')[:20]}–{query.get(high, '…')[:20]}",
                        "url": self.without(low, high),
                    }
                )
                continue
            legend = str(self.filterset.filters[name].label)
            for value in query.getlist(name):
                label, label_zh = labels.get((name, value), (value[:60], ""))
                chips.append(
                    {
                        "legend": legend,
                        "label": label,
                        "label_zh": label_zh,
                        "url": self.without(name, value=value),
                    }
                )
        return chips

    def value_labels(self):
        """(filter, value) -> (label, Chinese name): a record's names for the rows chosen by slug
        (sectors, regions, organisations), the choice's label for the other filters."""
        labels = {}
        for name, flt in self.filterset.filters.items():
            for value, label in flt.extra.get("choices", []) or []:
                labels[(name, str(value))] = (str(label), "")
        for name, field in self.filterset.form.fields.items():
            if isinstance(field, filters.SlugMultipleChoiceField):
                for slug, row in self.filterset.chosen_rows(name).items():
                    labels[(name, slug)] = (row.name_en, row.name_zh)
        return labels

    def without(self, *names, value=None):
        """The current URL without ``names`` (or without one ``value`` of a single name)."""
        query = self.data.copy()
        query.pop("page", None)
        for name in names:
            if value is None:
                query.pop(name, None)
            else:
                remaining = [v for v in query.getlist(name) if v != value]
                if remaining:
                    query.setlist(name, remaining)
                else:
                    query.pop(name, None)
        encoded = query.urlencode()
        return self.path + (f"?{encoded}" if encoded else "")
