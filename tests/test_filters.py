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


def chip_texts(html):
    """The visible text of each filter chip, white space folded."""
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", chips.group(0), re.S) if chips else []
    texts = [re.sub(r'<span class="visually-hidden">.*?</span>', "", item) for item in items]
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in texts]


def option_labels(response, facet):
    """{value: label} of a facet's options as the page lists them."""
    for built in response.context["facets"]:
        if built.name == facet:
            return {
                option.value: f"{option.label_zh} {option.label}".strip()
                for option in built.options
            }
    return {}


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
    assert "Organisation: 東方鍋爐 Dongfang Boiler ×" in chip_texts(cases)
    policies = client.get("/policies/", {"issuer": "miit"}).content.decode()
    assert any(chip.startswith("Issuing body: 工業和資訊化部") for chip in chip_texts(policies))


# --- Drafts, sorting, search and odd input (QA audit) --------------------------------------------


@pytest.fixture
def draft_baidu(db):
    """An unpublished organisation linked to a published case and a published policy."""
    baidu = f.CompanyFactory(slug="baidu", name_zh="百度", name_en="Baidu", published=False)
    csrc = f.CompanyFactory(
        slug="csrc", name_zh="中國證監會", name_en="CSRC", kind="government", published=False
    )
    case = f.CaseFactory(slug="bci-case", title_en="A BCI case")
    f.CaseCompanyFactory(case=case, company=baidu)
    f.CaseCompanyFactory(case=case, company=f.CompanyFactory(slug="shown", name_en="Shown Ltd"))
    policy = f.PolicyFactory(slug="reform", title_en="A reform")
    policy.issuers.add(csrc, f.CompanyFactory(slug="miit", name_en="MIIT", kind="government"))
    return {"baidu": baidu, "csrc": csrc}


def test_draft_organisations_are_not_offered_as_filter_options(client, draft_baidu):
    cases = client.get("/cases/")
    assert set(option_labels(cases, "company")) == {"shown"}
    assert "百度" not in cases.content.decode()
    policies = client.get("/policies/")
    assert set(option_labels(policies, "issuer")) == {"miit"}
    assert "中國證監會" not in policies.content.decode()  # neither as an option nor on the card


@pytest.mark.parametrize(
    ("path", "name", "draft"), [("/cases/", "company", "baidu"), ("/policies/", "issuer", "csrc")]
)
def test_filtering_by_a_draft_slug_is_like_an_unknown_value(client, draft_baidu, path, name, draft):
    unknown = client.get(path, {name: "no-such-organisation"})
    response = client.get(path, {name: draft})
    assert not response.context["filters_valid"]
    assert list(response.context["object_list"]) == []
    html = response.content.decode()
    assert f"{draft} is not one of the available choices" in html
    assert unknown.context["filters_valid"] is False
    assert draft_baidu[draft].name_zh not in html
    assert draft_baidu[draft].name_en not in " ".join(chip_texts(html))


def test_staff_see_draft_organisations_among_the_options_and_can_filter_by_them(
    admin_client, draft_baidu
):
    cases = admin_client.get("/cases/")
    assert option_labels(cases, "company")["baidu"] == "百度 Baidu"
    filtered = admin_client.get("/cases/", {"company": "baidu"})
    assert [c.slug for c in filtered.context["object_list"]] == ["bci-case"]
    assert "Organisation: 百度 Baidu ×" in chip_texts(filtered.content.decode())
    policies = admin_client.get("/policies/", {"issuer": "csrc"})
    assert [p.slug for p in policies.context["object_list"]] == ["reform"]


def test_a_chosen_organisation_without_matches_keeps_its_name(client):
    firm = f.CompanyFactory(slug="baidu", name_zh="百度", name_en="Baidu")
    f.CaseCompanyFactory(company=firm, case=f.CaseFactory(lever_digital=True))
    response = client.get("/cases/", {"company": "baidu", "lever": "green"})
    assert response.context["result_count"] == 0
    assert option_labels(response, "company")["baidu"] == "百度 Baidu"
    assert "baidu (0)" not in response.content.decode()

    ministry = f.CompanyFactory(slug="csrc", name_zh="證監會", name_en="CSRC", kind="government")
    f.PolicyFactory(level="national").issuers.add(ministry)
    district = client.get("/policies/", {"issuer": "csrc", "level": "district"})
    assert option_labels(district, "issuer")["csrc"] == "證監會 CSRC"
    # One value refused: the valid one still shows its name, the unknown one shows as given.
    mixed = client.get("/policies/?issuer=csrc&issuer=nope")
    assert not mixed.context["filters_valid"]
    chips = chip_texts(mixed.content.decode())
    assert "Issuing body: 證監會 CSRC ×" in chips
    assert "Issuing body: nope ×" in chips
    assert option_labels(mixed, "issuer")["csrc"] == "證監會 CSRC"


def test_undated_rows_come_last_in_both_date_orders(client):
    for slug, founded in (("old", "1990-01-01"), ("none", None), ("young", "2020-01-01")):
        f.CompanyFactory(slug=slug, founded_on=founded, founded_precision="year" if founded else "")
        f.CaseFactory(slug=slug, start_year=int(founded[:4]) if founded else None, end_year=None)
        f.PolicyFactory(slug=slug, issued_on=founded, date_precision="year" if founded else "")
    orders = {
        ("/companies/", "founded"): ["old", "young", "none"],
        ("/companies/", "-founded"): ["young", "old", "none"],
        ("/cases/", "year"): ["old", "young", "none"],
        ("/cases/", "-year"): ["young", "old", "none"],
        ("/policies/", "date"): ["old", "young", "none"],
        ("/policies/", "-date"): ["young", "old", "none"],
    }
    for (path, sort), expected in orders.items():
        response = client.get(path, {"sort": sort})
        assert [row.slug for row in response.context["object_list"]] == expected, (path, sort)


@pytest.mark.parametrize("filterset", [CompanyFilter, CaseFilter, PolicyFilter])
def test_every_order_on_a_nullable_field_puts_nulls_last_on_every_database(filterset):
    """SQLite puts NULL first going up, PostgreSQL first going down: each order says where."""
    model = filterset._meta.model
    for key, (_label, fields) in filterset.base_filters["sort"].orderings.items():
        for item in fields:
            if isinstance(item, str):
                names = {field.name for field in model._meta.get_fields()}
                name = item.lstrip("-")
                field = model._meta.get_field(name) if name in names else None  # else pk, a count
                assert not (field and field.null), f"{key}: {item} has no nulls_last"
            else:
                assert item.nulls_last, f"{key}: {item}"


def test_an_unknown_sort_is_ignored_and_said_so(client):
    for name in ("Beta", "Alpha", "Gamma"):
        f.CompanyFactory(name_en=name)
    response = client.get("/companies/", {"sort": "abc", "kind": "enterprise"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["filters_valid"]
    assert [c.name_en for c in response.context["object_list"]] == ["Alpha", "Beta", "Gamma"]
    assert "cannot be sorted by “abc”" in html
    assert 'role="alert"' not in html
    links = re.sub(r'<nav class="languages".*?</nav>', "", html, flags=re.S)  # the URL as sent
    assert "sort=abc" not in links
    assert 'name="sort"' not in html  # no hidden field sends it again
    current = re.search(r'<a href="[^"]*" aria-current="true"><strong>([^<]+)', html).group(1)
    assert current == "Name"  # the order the list is really in
    # A valid order given with it still applies, and is kept by the form.
    valid = client.get("/companies/?sort=abc&sort=-founded")
    assert valid.context["current_sort"] == "-founded"
    assert '<input type="hidden" name="sort" value="-founded">' in valid.content.decode()


def test_a_non_numeric_year_is_not_shown_back_in_a_number_box(client):
    html = client.get("/companies/", {"founded_min": "abc", "founded_max": "2000"}).content.decode()
    low = re.search(r'<input type="number" name="founded_min"[^>]*>', html).group(0)
    assert "value=" not in low
    assert 'aria-describedby="id_founded_min_error"' in low
    assert 'id="id_founded_min_error"' in html
    assert re.search(r'<input type="number" name="founded_max" value="2000"', html)


def test_the_list_search_reads_quoted_phrases_as_the_search_page_does(client):
    f.CompanyFactory(slug="park", name_en="Synthetic Biology Park")
    f.CompanyFactory(slug="lab", name_en="Biology Lab", description_en="Not synthetic at all.")
    phrase = client.get("/companies/", {"q": '"synthetic biology"'})
    assert [c.slug for c in phrase.context["object_list"]] == ["park"]
    words = client.get("/companies/", {"q": "synthetic biology"})
    assert {c.slug for c in words.context["object_list"]} == {"park", "lab"}
    for quotes in ("“synthetic biology”", "「synthetic biology」"):
        listed = client.get("/companies/", {"q": quotes})
        assert [c.slug for c in listed.context["object_list"]] == ["park"], quotes


@pytest.mark.parametrize("q", [".", ",", "，", "。", "...", "- —", '""', "% $ +", "·"])
def test_a_search_of_punctuation_alone_is_a_form_error_not_the_whole_list(client, q):
    f.CompanyFactory.create_batch(3)
    response = client.get("/companies/", {"q": q})
    assert not response.context["filters_valid"]
    assert list(response.context["object_list"]) == []
    assert "There is nothing to search for in that text" in response.content.decode()


def test_punctuation_beside_words_is_dropped_not_searched(client):
    f.CompanyFactory(slug="boiler", name_en="Dongfang Boiler")
    response = client.get("/companies/", {"q": "boiler ."})
    assert [c.slug for c in response.context["object_list"]] == ["boiler"]


def test_an_invalid_filter_shows_its_error_whatever_the_page(client):
    f.CompanyFactory.create_batch(3)
    response = client.get("/companies/?page=2&sector=bad")
    assert response.status_code == 200
    assert not response.context["filters_valid"]
    assert "bad is not one of the available choices" in response.content.decode()


def test_repeated_values_redirect_to_the_permalink_without_them(client):
    response = client.get("/companies/?kind=enterprise&kind=enterprise&sector=x&kind=")
    assert response.status_code == 302
    assert response["Location"] == "/companies/?kind=enterprise&sector=x"
    assert client.get("/companies/?kind=enterprise&kind=investor").status_code == 200


def test_sector_and_region_trees_count_what_the_filtered_lists_show(client, admin_client, tree):
    in_child = f.CompanyFactory(region=tree["county"])
    in_child.sectors.add(tree["bci"])
    in_parent = f.CompanyFactory(region=tree["zhejiang"])
    in_parent.sectors.add(tree["health"])
    both = f.CompanyFactory(region=tree["jinhua"])
    both.sectors.add(tree["health"], tree["bci"])
    f.CompanyFactory(published=False).sectors.add(tree["bci"])
    case = f.CaseFactory()
    case.sectors.add(tree["bci"])
    case.regions.add(tree["county"], tree["jinhua"])

    def tree_counts(html, slug):
        text = re.search(
            rf'href="/(?:sectors|regions)/{slug}/".*?class="count">([^<]+)', html, re.S
        )
        return [int(n) for n in re.findall(r"\d+", text.group(1))]

    for visitor in (client, admin_client):
        sectors = visitor.get("/sectors/").content.decode()
        regions = visitor.get("/regions/").content.decode()
        for page, facet, slug in (
            (sectors, "sector", "health"),
            (sectors, "sector", "bci"),
            (regions, "region", "zhejiang"),
            (regions, "region", "jinhua"),
        ):
            listed = [
                visitor.get(f"/{kind}/", {facet: slug}).context["result_count"]
                for kind in ("companies", "cases")
            ]
            assert tree_counts(page, slug) == listed, (slug, visitor)
    assert tree_counts(client.get("/sectors/").content.decode(), "health") == [3, 1]


def test_tree_pages_search_their_own_names(client, tree):
    html = client.get("/sectors/", {"q": "腦機"}).content.decode()  # traditional finds traditional
    assert 'href="/sectors/bci/"' in html
    assert 'href="/sectors/health/"' in html  # the track above it, for context
    assert 'href="/sectors/farming/"' not in html
    assert 'href="/sectors/bci/"' in client.get("/sectors/", {"q": "脑机"}).content.decode()
    regions = client.get("/regions/", {"q": "county"}).content.decode()
    assert 'href="/regions/county/"' in regions
    assert 'href="/regions/hebei/"' not in regions
    nothing = client.get("/regions/", {"q": "."}).content.decode()
    assert "There is nothing to search for in that text" in nothing
    assert 'href="/regions/hebei/"' not in nothing


@pytest.mark.parametrize("path", ["/companies/", "/cases/", "/policies/", "/people/"])
def test_a_page_number_too_long_to_read_is_past_the_last_page(client, path):
    assert client.get(path, {"page": "9" * 5000}).status_code == 404
