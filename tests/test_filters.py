"""List pages and their FilterSets: filters, facet counts, chips, sorting, paging, bad input."""

import re

import pytest
from django.http import QueryDict

from catalog import models
from catalog.facets import Trees, build_facets
from catalog.filters import CaseFilter, CompanyFilter, PolicyFilter
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """Two sector tracks (one with a child) and a province with a city and a county."""
    health = f.SectorFactory(slug="health", name_en="Future health", name_zh="未來健康")
    bci = f.SectorFactory(slug="bci", name_en="BCI", name_zh="腦機介面", parent=health)
    farming = f.SectorFactory(slug="farming", name_en="Farming", kind="traditional")
    zhejiang = f.RegionFactory(slug="zhejiang", name_en="Zhejiang")
    jinhua = f.RegionFactory(slug="jinhua", level="city", parent=zhejiang, name_en="Jinhua")
    county = f.RegionFactory(slug="county", level="county", parent=jinhua, name_en="County")
    hebei = f.RegionFactory(slug="hebei", name_en="Hebei")
    return {
        "health": health,
        "bci": bci,
        "farming": farming,
        "zhejiang": zhejiang,
        "jinhua": jinhua,
        "county": county,
        "hebei": hebei,
    }


def companies(query, **kwargs):
    data = QueryDict(query)
    filterset = CompanyFilter(data, queryset=models.Company.objects.for_list())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_parent_sector_includes_children(tree):
    in_child = f.CompanyFactory(slug="in-child")
    in_child.sectors.add(tree["bci"])
    in_parent = f.CompanyFactory(slug="in-parent")
    in_parent.sectors.add(tree["health"])
    f.CompanyFactory(slug="elsewhere").sectors.add(tree["farming"])

    assert {c.slug for c in companies("sector=health")} == {"in-child", "in-parent"}
    assert {c.slug for c in companies("sector=bci")} == {"in-child"}
    # several values of one facet: either matches, and no row is counted twice
    both = f.CompanyFactory(slug="both")
    both.sectors.add(tree["bci"], tree["health"])
    assert sorted(c.slug for c in companies("sector=health&sector=bci")) == [
        "both",
        "in-child",
        "in-parent",
    ]


def test_province_includes_cities_and_counties(tree):
    f.CompanyFactory(slug="city-firm", region=tree["jinhua"])
    f.CompanyFactory(slug="county-firm", region=tree["county"])
    f.CompanyFactory(slug="hebei-firm", region=tree["hebei"])
    assert {c.slug for c in companies("region=zhejiang")} == {"city-firm", "county-firm"}
    assert {c.slug for c in companies("region=jinhua")} == {"city-firm", "county-firm"}


def test_company_kind_founding_years_and_funding(tree):
    old = f.CompanyFactory(slug="old", founded_on="1990-01-01", founded_precision="year")
    young = f.CompanyFactory(
        slug="young", founded_on="2022-05-01", founded_precision="month", kind="investor"
    )
    f.FundingRoundFactory(company=young)
    assert [c.slug for c in companies("founded_min=2000")] == ["young"]
    assert [c.slug for c in companies("founded_max=2000")] == ["old"]
    assert [c.slug for c in companies("kind=investor")] == ["young"]
    assert [c.slug for c in companies("funding=yes")] == ["young"]
    assert [c.slug for c in companies("funding=no")] == [old.slug]


def test_case_filters(tree):
    digital = f.CaseFactory(slug="digital", lever_digital=True, start_year=2020, end_year=2021)
    green = f.CaseFactory(
        slug="green", lever_green=True, start_year=2024, end_year=None, track="renew_traditional"
    )
    f.MetricFactory(case=green)
    firm = f.CompanyFactory(slug="firm")
    f.CaseCompanyFactory(case=digital, company=firm)
    green.regions.add(tree["county"])

    def cases(query):
        filterset = CaseFilter(QueryDict(query), queryset=models.Case.objects.for_list())
        assert filterset.is_valid(), filterset.errors
        return sorted(c.slug for c in filterset.qs)

    assert cases("lever=digital") == ["digital"]
    assert cases("lever=digital&lever=green") == ["digital", "green"]
    assert cases("company=firm") == ["digital"]
    assert cases("metrics=yes") == ["green"]
    assert cases("metrics=no") == ["digital"]
    assert cases("track=renew_traditional") == ["green"]
    assert cases("region=zhejiang") == ["green"]
    assert cases("year_min=2022") == ["green"]
    assert cases("year_max=2021") == ["digital"]
    assert cases("year_min=2021&year_max=2021") == ["digital"]


def test_policy_filters(tree):
    ministry = f.CompanyFactory(slug="ministry", kind="government")
    national = f.PolicyFactory(slug="national", issued_on="2024-01-01", date_precision="month")
    national.issuers.add(ministry)
    local = f.PolicyFactory(
        slug="local", level="municipal", issued_on="2023-07-01", date_precision="month"
    )
    local.regions.add(tree["jinhua"])

    def policies(query):
        filterset = PolicyFilter(QueryDict(query), queryset=models.Policy.objects.for_list())
        assert filterset.is_valid(), filterset.errors
        return [p.slug for p in filterset.qs]

    assert policies("") == ["national", "local"]  # newest first by default
    assert policies("level=municipal") == ["local"]
    assert policies("issuer=ministry") == ["national"]
    assert policies("region=zhejiang") == ["local"]
    assert policies("year_min=2024") == ["national"]
    assert policies("sort=date") == ["local", "national"]


def test_facet_counts_respect_the_other_filters_and_hide_empty_options(tree):
    a = f.CompanyFactory(slug="a", kind="enterprise", region=tree["jinhua"])
    a.sectors.add(tree["bci"])
    b = f.CompanyFactory(slug="b", kind="investor", region=tree["hebei"])
    b.sectors.add(tree["bci"])
    c = f.CompanyFactory(slug="c", kind="enterprise", region=tree["hebei"])
    c.sectors.add(tree["farming"])
    trees = Trees.load()

    def facets(query):
        data = QueryDict(query)
        filterset = CompanyFilter(data, queryset=models.Company.objects.for_list())
        assert filterset.is_valid()
        built = build_facets(filterset, models.Company.objects.for_list(), trees)
        return {facet.name: {o.value: o.count for o in facet.options} for facet in built}

    all_counts = facets("")
    assert all_counts["sector"] == {"health": 2, "bci": 2, "farming": 1}
    assert all_counts["kind"] == {"enterprise": 2, "investor": 1}
    assert all_counts["region"] == {"zhejiang": 1, "jinhua": 1, "hebei": 2}

    narrowed = facets("kind=enterprise")
    # the kind facet ignores its own filter; the others count only enterprises
    assert narrowed["kind"] == {"enterprise": 2, "investor": 1}
    assert narrowed["sector"] == {"health": 1, "bci": 1, "farming": 1}
    assert "county" not in narrowed["region"]  # no match: hidden

    selected_empty = facets("kind=enterprise&region=county")
    assert selected_empty["region"]["county"] == 0  # shown because it is selected


def test_list_page_shows_count_chips_and_keeps_filters_in_links(client, tree):
    for n in range(25):
        company = f.CompanyFactory(slug=f"bci-{n:02}", name_en=f"BCI firm {n:02}")
        company.sectors.add(tree["bci"])
    f.CompanyFactory(slug="other")

    response = client.get("/companies/", {"sector": "health", "kind": "enterprise"})
    html = response.content.decode()

    assert response.status_code == 200
    assert re.search(r'class="result-count"[^>]*>\s*25 results', html)
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S).group(0)
    assert "未來健康" in chips
    assert 'href="/companies/?kind=enterprise"' in chips  # removes the sector only
    assert 'href="/companies/?sector=health"' in chips  # removes the kind only
    assert 'href="?sector=health&amp;kind=enterprise&amp;page=2" rel="next"' in html
    assert "sort=metrics" in html
    assert "sector=health&amp;kind=enterprise&amp;sort=" in html
    assert 'aria-current="page"' in html

    second = client.get("/companies/", {"sector": "health", "kind": "enterprise", "page": "2"})
    assert second.status_code == 200
    assert len(second.context["object_list"]) == 5
    assert second.context["page_obj"].number == 2


def test_empty_parameters_redirect_to_a_clean_permalink(client):
    response = client.get("/companies/?kind=&sector=&q=+&region=x")
    assert response.status_code == 302
    assert response["Location"] == "/companies/?region=x"
    assert client.get("/cases/?year_min=").headers["Location"] == "/cases/"


@pytest.mark.parametrize(
    "query",
    [
        "founded_min=abc",
        "founded_min=99999999999999999999",
        "sector=no-such-sector",
        "sector=%00",
        "region=%3Cscript%3E",
        "kind=spaceship",
        "sort=password",
        "funding=maybe",
        "q=" + "x" * 5000,
    ],
)
def test_bad_filter_values_give_a_form_error_not_the_unfiltered_list(client, tree, query):
    f.CompanyFactory.create_batch(3)
    response = client.get(f"/companies/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert list(response.context["object_list"]) == []
    assert "the filters need fixing" in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "٣"])
def test_malformed_page_numbers_give_a_message(client, page):
    f.CompanyFactory.create_batch(3)
    response = client.get("/companies/", {"page": page})
    assert response.status_code == 200
    assert "is not a page number" in response.content.decode()
    assert list(response.context["object_list"]) == []


def test_page_past_the_end_is_404(client):
    f.CompanyFactory.create_batch(3)
    assert client.get("/companies/?page=999999").status_code == 404
    assert client.get("/companies/?page=2").status_code == 404
    assert client.get("/companies/?page=1").status_code == 200


def test_unpublished_rows_are_not_listed_or_counted_for_the_public(client, admin_client, tree):
    hidden = f.CompanyFactory(slug="hidden", published=False)
    hidden.sectors.add(tree["farming"])
    f.CompanyFactory(slug="shown")
    public = client.get("/companies/")
    assert [c.slug for c in public.context["object_list"]] == ["shown"]
    assert "farming" not in public.content.decode()
    staff = admin_client.get("/companies/")
    assert {c.slug for c in staff.context["object_list"]} == {"hidden", "shown"}
    assert "Draft" in staff.content.decode()


def test_search_box_on_lists_matches_simplified_and_traditional(client):
    f.CompanyFactory(slug="boiler", name_zh="東方鍋爐", name_en="Dongfang Boiler")
    f.CompanyFactory(slug="ham", name_zh="金華火腿", name_en="Jinhua Ham")
    simplified = client.get("/companies/", {"q": "锅炉"})
    assert [c.slug for c in simplified.context["object_list"]] == ["boiler"]
    english = client.get("/companies/", {"q": "JINHUA ham"})
    assert [c.slug for c in english.context["object_list"]] == ["ham"]


def test_sector_and_region_trees(client, tree):
    company = f.CompanyFactory(region=tree["county"])
    company.sectors.add(tree["bci"])
    sectors = client.get("/sectors/").content.decode()
    assert sectors.index("未來健康") < sectors.index("腦機介面")
    assert 'href="/sectors/bci/"' in sectors
    regions = client.get("/regions/").content.decode()
    assert 'href="/regions/county/"' in regions
    assert regions.index("Zhejiang") < regions.index("Jinhua") < regions.index("County")


def test_home_page_leads_to_every_list(client):
    html = client.get("/").content.decode()
    for path in ["/companies/", "/cases/", "/sectors/", "/regions/", "/policies/", "/people/"]:
        assert f'href="{path}"' in html


def test_organisation_chips_name_the_organisation(client):
    firm = f.CompanyFactory(slug="dongfang-boiler", name_zh="東方鍋爐", name_en="Dongfang Boiler")
    f.CaseCompanyFactory(company=firm)
    ministry = f.CompanyFactory(slug="miit", name_zh="工業和資訊化部", kind="government")
    f.PolicyFactory().issuers.add(ministry)

    cases = client.get("/cases/", {"company": "dongfang-boiler"}).content.decode()
    chips = re.search(r'<ul class="chips".*?</ul>', cases, re.S).group(0)
    assert "Organisation:</span> 東方鍋爐 Dongfang Boiler" in chips
    policies = client.get("/policies/", {"issuer": "miit"}).content.decode()
    chips = re.search(r'<ul class="chips".*?</ul>', policies, re.S).group(0)
    assert "Issuing body:</span> 工業和資訊化部" in chips
