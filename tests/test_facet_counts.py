"""Facet counts made in the database equal a naive count, and large facets show their best options
with a search box of their own. Every test runs twice: counted in the database, and counted over
the facet index (catalog/facet_index.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import facet_index, models
from catalog import facets as facet_module
from catalog.facets import Trees, build_facets
from catalog.filters import CaseFilter, CompanyFilter, PolicyFilter
from tests import factories as f


@pytest.fixture(autouse=True, params=["database", "index"])
def counted_by(request, settings):
    """Counted in the database, then over the facet index, built afresh for the test."""
    settings.FACET_INDEX_ENABLED = request.param == "index"
    facet_index.clear()
    yield request.param
    facet_index.clear()


LISTS = {
    "cases": (CaseFilter, models.Case),
    "companies": (CompanyFilter, models.Company),
    "policies": (PolicyFilter, models.Policy),
}


def build(filterset_class, model, data, rf, user=None):
    request = rf.get("/")
    request.user = user or AnonymousUser()
    trees = Trees.load()
    base = model.objects.visible_to(request.user).for_list()
    filterset = filterset_class(
        data,
        queryset=base,
        request=request,
        known={"sector": Trees.by_slug(trees.sectors), "region": Trees.by_slug(trees.regions)},
    )
    assert filterset.is_valid(), filterset.errors
    return filterset, base, build_facets(filterset, base, trees)


def naive_count(filterset_class, base, request, data, name, value):
    """The rows the list would show with the facet's own values replaced by ``value`` alone."""
    data = data.copy()
    data.setlist(name, [value])
    filterset = filterset_class(data, queryset=base, request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def choices_for(filterset_class):
    """(name, value) pairs a visitor could pick on this list, drawn from the real catalogue."""
    pairs = []
    sectors = list(models.Sector.objects.values_list("slug", flat=True))
    regions = list(models.Region.objects.values_list("slug", flat=True))
    companies = list(models.Company.objects.published().values_list("slug", flat=True)[:40])
    themes = list(models.Theme.objects.published().values_list("slug", flat=True))
    for name, flt in filterset_class.base_filters.items():
        if name in {"sort", "q"} or name.endswith(("_min", "_max")):
            continue
        if name == "sector":
            pairs += [(name, slug) for slug in sectors]
        elif name == "region":
            pairs += [(name, slug) for slug in regions]
        elif name in {"company", "issuer"}:
            pairs += [(name, slug) for slug in companies]
        elif name == "theme":
            pairs += [(name, slug) for slug in themes]
        else:
            pairs += [(name, str(value)) for value, _label in flt.extra["choices"]]
    return pairs


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_facet_counts_equal_a_naive_count_for_any_filters(catalogue, rf, kind):
    filterset_class, model = LISTS[kind]
    pairs = choices_for(filterset_class)
    single = {
        name
        for name, flt in filterset_class.base_filters.items()
        if not getattr(flt, "facet", facet_module.Choices()).multiple
    }

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(chosen=st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    def run(chosen):
        data = QueryDict(mutable=True)
        for name, value in chosen:
            if name in single:
                data.setlist(name, [value])
            else:
                data.appendlist(name, value)
        filterset, base, built = build(filterset_class, model, data, rf)
        for facet in built:
            for option in facet.options:
                expected = naive_count(
                    filterset_class, base, filterset.request, data, facet.name, option.value
                )
                assert option.count == expected, (dict(data.lists()), facet.name, option.value)

    run()


WORDS = [
    "amber",
    "birch",
    "cedar",
    "delta",
    "ember",
    "fjord",
    "grove",
    "heron",
    "iris",
    "juniper",
    "kestrel",
    "lotus",
]


@pytest.fixture
def many_organisations(db):
    """A case list where 12 organisations each take part in a different number of cases."""
    sector = f.SectorFactory(slug="health")
    companies = []
    for n in range(12):
        company = f.CompanyFactory(slug=f"org-{n:02}", name_en=f"Organisation {WORDS[n]}")
        companies.append(company)
        for _case in range(n + 1):
            case = f.CaseFactory()
            case.sectors.add(sector)
            f.CaseCompanyFactory(case=case, company=company)
    return companies


def company_facet(response):
    return next(facet for facet in response.context["facets"] if facet.name == "company")


def test_a_large_facet_shows_the_best_counted_options_and_how_many_there_are(
    client, many_organisations, monkeypatch
):
    monkeypatch.setattr(facet_module, "FACET_LIMIT", 5)
    response = client.get("/cases/")
    facet = company_facet(response)
    assert [option.value for option in facet.options] == [
        "org-11",
        "org-10",
        "org-09",
        "org-08",
        "org-07",
    ]
    assert [option.count for option in facet.options] == [12, 11, 10, 9, 8]
    assert facet.total == 12
    html = response.content.decode()
    assert "Showing 5 of 12 options, those with the most results." in html
    assert 'name="company_find"' in html
    assert html.count('name="company"') == 5


def test_a_selected_option_is_shown_even_when_it_is_not_among_the_best(
    client, many_organisations, monkeypatch
):
    monkeypatch.setattr(facet_module, "FACET_LIMIT", 3)
    facet = company_facet(client.get("/cases/", {"company": "org-00"}))
    values = {option.value: option for option in facet.options}
    assert values["org-00"].selected
    assert values["org-00"].count == 1
    assert {"org-11", "org-10", "org-09"} <= set(values)


def test_the_facet_search_finds_any_option_without_narrowing_the_list(
    client, many_organisations, monkeypatch
):
    monkeypatch.setattr(facet_module, "FACET_LIMIT", 3)
    response = client.get("/cases/", {"company_find": "organisation birch"})
    facet = company_facet(response)
    assert [(option.value, option.count) for option in facet.options] == [("org-01", 2)]
    assert response.context["result_count"] == sum(range(1, 13))  # the list is not narrowed
    html = response.content.decode()
    assert "1 option matches “organisation birch”." in html
    assert 'value="organisation birch"' in html

    nothing = client.get("/cases/", {"company_find": "no such name"})
    assert company_facet(nothing).options == []
    assert "0 options match" in nothing.content.decode()


def test_a_large_tree_facet_keeps_the_nodes_above_the_options_it_shows(client, db, monkeypatch):
    monkeypatch.setattr(facet_module, "FACET_LIMIT", 2)
    root = f.SectorFactory(slug="root", name_en="Root")
    leaves = [
        f.SectorFactory(slug=f"leaf-{n}", name_en=f"Leaf {WORDS[n]}", parent=root) for n in range(4)
    ]
    for n, leaf in enumerate(leaves):
        for _case in range(n + 1):
            f.CaseFactory().sectors.add(leaf)
    facet = next(
        facet for facet in client.get("/cases/").context["facets"] if facet.name == "sector"
    )
    # The best two are the root (all cases) and leaf 3; the root is shown above leaf 3.
    assert [(o.value, o.count, o.depth) for o in facet.options] == [
        ("root", 10, 0),
        ("leaf-3", 4, 1),
    ]
    assert facet.total == 5
    assert facet.findable

    found = next(
        facet
        for facet in client.get("/cases/", {"sector_find": "leaf birch"}).context["facets"]
        if facet.name == "sector"
    )
    assert [o.value for o in found.options] == ["root", "leaf-1"]
    assert found.total == 1  # the root is shown for its place in the tree, not as a match


def test_draft_organisations_are_counted_for_staff_only(client, admin_client, many_organisations):
    models.Company.objects.filter(slug="org-11").update(published=False)
    anonymous = {o.value for o in company_facet(client.get("/cases/")).options}
    staff = {o.value for o in company_facet(admin_client.get("/cases/")).options}
    assert "org-11" not in anonymous
    assert "org-11" in staff
