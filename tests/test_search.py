"""Search: simplified and traditional characters both ways, short Chinese queries, English in any
case, aliases, results grouped by kind, matches highlighted in the original text (escaped), bad
input, and a fixed number of database queries."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalog.search import (
    GROUP_LIMIT,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    excerpt,
    highlight,
    match_spans,
    normalise,
    parse_query,
)
from tests import factories as f

URL = reverse("catalog:search")


def search(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def section(html, key):
    """The HTML of one result group (companies, cases, policies, people), or '' when absent."""
    match = re.search(rf'<section class="result-group" id="results-{key}".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def staff_client(db):
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="x-9431-unused", is_staff=True))
    return staff


# --- Normalising and parsing --------------------------------------------------------------------


def test_normalise_folds_script_width_and_case():
    assert normalise("東方鍋爐") == normalise("东方锅炉") == "东方锅炉"
    assert normalise("ＤＯＮＧＦＡＮＧ  Boiler") == "dongfang boiler"
    assert normalise("a\x00b") == "ab"


def test_parse_query_splits_words_and_keeps_quoted_phrases():
    query = parse_query('  Dongfang   "Serpentine TUBE"  鍋爐 鍋爐 ')
    assert query.terms == ("dongfang", "serpentine tube", "锅炉")
    assert query.text == 'Dongfang "Serpentine TUBE" 鍋爐 鍋爐'
    assert not query.truncated


def test_parse_query_drops_control_characters_and_nul_bytes():
    query = parse_query("鍋\x00爐\x07")
    assert query.text == "鍋爐"
    assert query.terms == ("锅炉",)
    assert query.unsearchable  # and the page says so rather than searching for something else
    nothing = parse_query("\x00\x00")
    assert nothing.unsearchable
    assert not nothing.is_empty
    assert nothing.terms == ()
    assert not parse_query("鍋爐 boiler").unsearchable


def test_parse_query_truncates_long_input_and_says_so():
    query = parse_query("火" * 5000)
    assert len(query.text) == MAX_QUERY_LENGTH
    assert query.truncated
    assert any(str(MAX_QUERY_LENGTH) in str(note) for note in query.notes)


def test_parse_query_uses_at_most_max_terms_words_and_says_so():
    query = parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 5)))
    assert len(query.terms) == MAX_TERMS
    assert query.terms_dropped
    assert any(f"first {MAX_TERMS} words" in str(note) for note in query.notes)


def test_parse_query_drops_terms_of_punctuation_or_symbols_alone():
    assert parse_query('. , ， 。 boiler "." … — % +').terms == ("boiler",)
    assert parse_query(". ，").terms == ()
    # Punctuation inside a word stays part of it.
    assert parse_query("C++ 5% co.,").terms == ("c++", "5%", "co.,")


def test_parse_query_of_quotes_alone_has_no_terms():
    query = parse_query('"" “”')
    assert not query.is_empty
    assert query.terms == ()


# --- Highlighting -------------------------------------------------------------------------------


def test_highlight_marks_traditional_text_for_a_simplified_query():
    assert highlight("東方鍋爐", ("锅炉",)) == "東方<mark>鍋爐</mark>"


def test_highlight_marks_simplified_text_for_a_traditional_query():
    assert highlight("东方锅炉", parse_query("鍋爐").terms) == "东方<mark>锅炉</mark>"


def test_highlight_keeps_the_original_case():
    assert (
        highlight("Dongfang Boiler", parse_query("BOILER").terms) == "Dongfang <mark>Boiler</mark>"
    )


def test_highlight_escapes_html_inside_and_outside_the_match():
    html = highlight('<b>Acme</b> & "Co"', parse_query("acme</b>").terms)
    assert html == "&lt;b&gt;<mark>Acme&lt;/b&gt;</mark> &amp; &quot;Co&quot;"


def test_highlight_maps_expanding_characters_to_their_original():
    # ß folds to "ss" and the ligature ﬁ to "fi": the whole original character is marked.
    assert highlight("Straße", ("strasse",)) == "<mark>Straße</mark>"
    assert highlight("ﬁne tuning", ("fine",)) == "<mark>ﬁne</mark> tuning"


def test_highlight_across_collapsed_whitespace():
    assert highlight("Serpentine   tube", ("serpentine tube",)) == "<mark>Serpentine   tube</mark>"


def test_highlight_maps_a_composed_character_back_to_the_characters_it_came_from():
    # A combining accent composes with the letter before it under NFKC of the whole text but
    # not character by character: the match covers both original characters, still escaped.
    text = "Cafe\u0301 <x>"
    assert match_spans(text, ("café",)) == [(0, 5)]
    assert highlight(text, ("café",)) == "<mark>Cafe\u0301</mark> &lt;x&gt;"


def test_highlight_marks_a_word_whose_wording_search_changes():
    # 最佳化 is searched as 优化: the match is the whole original word.
    assert highlight("性能最佳化方案", ("优化",)) == "性能<mark>最佳化</mark>方案"


def test_highlight_of_several_terms_and_overlaps():
    assert highlight("金華火腿火腿", ("火腿", "华火")) == "金<mark>華火腿火腿</mark>"


def test_excerpt_cuts_around_the_first_match():
    text = "甲" * 200 + "火腿" + "乙" * 200
    snippet = excerpt(text, ("火腿",), radius=10)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>火腿</mark>" in snippet
    assert (
        snippet.replace("<mark>", "").replace("</mark>", "")
        == "…" + "甲" * 10 + "火腿" + "乙" * 10 + "…"
    )


# --- The page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_simplified_query_finds_traditional_names(client):
    company = f.CompanyFactory(
        name_zh="東方鍋爐", name_en="Dongfang Boiler", slug="dongfang-boiler"
    )
    f.CompanyFactory(name_zh="金華火腿廠", name_en="Jinhua Ham Works")
    html = search(client, "锅炉")
    companies = section(html, "companies")
    assert f'href="{company.get_absolute_url()}"' in companies
    assert "東方<mark>鍋爐</mark>" in companies
    assert "Jinhua" not in html


@pytest.mark.django_db
def test_traditional_query_finds_simplified_text(client):
    f.CaseFactory(title_zh="智能工厂", title_en="Smart factory", summary_zh="数字化改造。")
    html = search(client, "數字化")
    cases = section(html, "cases")
    assert "Smart factory" in cases
    assert "<mark>数字化</mark>" in cases


@pytest.mark.django_db
def test_one_and_two_character_chinese_queries(client):
    f.CaseFactory(title_zh="金華火腿:數智煥新", title_en="Jinhua ham")
    assert "金華<mark>火腿</mark>" in section(search(client, "火腿"), "cases")
    assert "金華<mark>火</mark>腿" in section(search(client, "火"), "cases")


@pytest.mark.django_db
def test_english_is_case_insensitive(client):
    f.CompanyFactory(name_zh="東方鍋爐", name_en="Dongfang Boiler")
    for q in ("dongfang boiler", "DONGFANG BOILER", "DongFang"):
        assert "Dongfang" in section(search(client, q), "companies"), q
    assert "<mark>Dongfang</mark> <mark>Boiler</mark>" in search(client, "dongfang BOILER")


@pytest.mark.django_db
def test_every_word_must_match(client):
    f.CompanyFactory(name_zh="東方鍋爐", name_en="Dongfang Boiler")
    f.CompanyFactory(name_zh="東方電氣", name_en="Dongfang Electric")
    html = search(client, "dongfang boiler")
    assert "Dongfang Boiler" in html.replace("<mark>", "").replace("</mark>", "")
    assert "Electric" not in html


@pytest.mark.django_db
def test_aliases_match_and_are_shown(client):
    f.CompanyFactory(name_zh="東方鍋爐", name_en="Dongfang Boiler", aliases=["DBC Zigong Works"])
    companies = section(search(client, "zigong"), "companies")
    assert "Dongfang Boiler" in companies
    assert "DBC <mark>Zigong</mark> Works" in companies


@pytest.mark.django_db
def test_summary_and_description_match_with_an_excerpt(client):
    f.CompanyFactory(name_en="Plain name", description_en="It makes serpentine tubes for boilers.")
    companies = section(search(client, "serpentine"), "companies")
    assert "Plain name" in companies
    assert 'class="result__excerpt"' in companies
    assert "<mark>serpentine</mark> tubes" in companies


@pytest.mark.django_db
def test_results_are_grouped_with_counts_and_links(client):
    companies = [f.CompanyFactory(name_en=f"Quantum Works {n}") for n in range(3)]
    case = f.CaseFactory(title_en="Quantum case")
    policy = f.PolicyFactory(title_en="Quantum policy")
    person = f.PersonFactory(name_en="Quantum Person")
    html = search(client, "quantum")
    assert "6 results" in html
    assert re.search(r"Organisations <span class=\"count\">\(3\)</span>", html)
    for key, rows in (
        ("companies", companies),
        ("cases", [case]),
        ("policies", [policy]),
        ("people", [person]),
    ):
        group = section(html, key)
        for row in rows:
            assert f'href="{row.get_absolute_url()}"' in group, key
    order = [html.index(f'id="results-{key}"') for key in ("companies", "cases", "policies")]
    assert order == sorted(order)


@pytest.mark.django_db
def test_name_matches_come_before_description_matches(client):
    f.CompanyFactory(name_en="Aardvark Ltd", description_en="Works with hydrogen.")
    f.CompanyFactory(name_en="Zed Hydrogen")
    companies = section(search(client, "hydrogen"), "companies")
    assert companies.index("Zed") < companies.index("Aardvark")


@pytest.mark.django_db
def test_person_result_names_the_organisation(client):
    organisation = f.CompanyFactory(name_zh="東方鍋爐", name_en="Dongfang Boiler")
    f.PersonFactory(name_zh="鍾正彬", name_en="Zhong Zhengbin", organisation=organisation)
    people = section(search(client, "zhong"), "people")
    assert "Dongfang Boiler" in people


@pytest.mark.django_db
def test_drafts_are_hidden_from_the_public_and_marked_for_staff(client, staff_client):
    f.CompanyFactory(name_en="Hidden Hydrogen", published=False)
    f.CaseFactory(title_en="Hidden hydrogen case", published=False)
    f.PersonFactory(
        name_en="Hydrogen Person", organisation=f.CompanyFactory(name_en="Secret", published=False)
    )
    public = search(client, "hydrogen")
    assert "Hidden" not in public
    assert "Secret" not in public
    staff = search(staff_client, "hydrogen")
    assert "Hidden Hydrogen" in staff.replace("<mark>", "").replace("</mark>", "")
    assert 'class="draft"' in section(staff, "companies")
    assert 'class="draft"' in section(staff, "cases")
    assert "Secret" in section(staff, "people")


@pytest.mark.django_db
def test_the_page_has_a_labelled_search_box(client):
    html = search(client, "")
    assert re.search(r'<form[^>]*role="search"', html)
    assert '<label for="search-page-q">' in html
    assert 'id="search-page-q" name="q"' in html


@pytest.mark.django_db
def test_an_empty_query_shows_help_not_every_row(client, django_assert_num_queries):
    f.CompanyFactory(name_en="Should Not Be Listed")
    with django_assert_num_queries(0):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Should Not Be Listed" not in html
    assert "What are you looking for?" in html
    assert 'class="result' not in html
    assert "Should Not Be Listed" not in search(client, "   ")


@pytest.mark.django_db
@pytest.mark.parametrize("q", [".", ",", "，", "。", "...", "- —", "%", "!!", "“.”"])
def test_punctuation_alone_searches_nothing_and_says_so(client, django_assert_num_queries, q):
    f.CompanyFactory(name_en="Dongfang Boiler Co., Ltd.")
    with django_assert_num_queries(0):
        html = search(client, q)
    assert "There is nothing to search for in that text" in html
    assert 'class="result' not in html
    assert "Dongfang" not in html


@pytest.mark.django_db
def test_a_query_with_control_characters_is_refused_as_on_the_lists(client):
    f.CompanyFactory(name_en="ab Holdings")
    html = search(client, "a\x00b")
    assert "cannot be searched for (control characters)" in html
    assert re.search(r'<p class="form-errors" role="alert">', html)
    assert "ab Holdings" not in html
    value = re.search(r'id="search-page-q" name="q" value="([^"]*)"', html).group(1)
    assert value == "ab"  # searching again looks for what is left
    listed = client.get("/companies/", {"q": "a\x00b"}).content.decode()
    assert "cannot be searched for (control characters)" in listed


@pytest.mark.django_db
def test_no_match_shows_an_empty_state(client):
    f.CompanyFactory(name_en="Dongfang Boiler")
    html = search(client, "nothing-like-this")
    assert "No results" in html
    assert "Nothing in the catalogue matches “nothing-like-this”" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "鍋\x00爐",
        "%00",
        '"',
        "'",
        '"unbalanced',
        "“”",
        "<script>alert(1)</script>",
        "'; DROP TABLE catalog_company; --",
        "1 OR 1=1",
        "%",
        "_",
        "\\",
        "a" * 5000,
        "鍋" * 5000,
    ],
    ids=lambda q: repr(q[:20]),
)
def test_bad_input_never_fails(client, q):
    f.CompanyFactory(name_zh="東方鍋爐", name_en="Dongfang Boiler")
    html = search(client, q)
    assert "<script>alert" not in html
    assert re.search(r'<form[^>]*role="search"', html)


@pytest.mark.django_db
def test_invalid_utf8_and_encoded_nul_in_the_query_string(client):
    response = client.get(URL + "?q=%FF%FE%00%ED%A0%80%E9%8D%8B")
    assert response.status_code == 200
    assert re.search(r'<form[^>]*role="search"', response.content.decode())


@pytest.mark.django_db
def test_script_in_the_query_is_escaped_everywhere(client):
    f.CompanyFactory(name_en="<script>alert(1)</script> Ltd")
    html = search(client, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark> Ltd" in section(html, "companies")


@pytest.mark.django_db
def test_sql_fragments_are_searched_as_text(client):
    f.CompanyFactory(name_en="Dongfang Boiler")
    html = search(client, "' OR '1'='1")
    assert "Dongfang" not in html
    assert "No results" in html


@pytest.mark.django_db
def test_like_wildcards_are_literal(client):
    f.CompanyFactory(name_en="Growth 1000 Ltd")
    f.CompanyFactory(name_en="Growth 100% Ltd")
    f.CompanyFactory(name_en="Shanghai a-b Works")
    f.CompanyFactory(name_en="Shanghai a_b Works")
    html = search(client, "100%")
    assert "Growth 1000 Ltd" not in html
    assert "Growth <mark>100%</mark> Ltd" in html
    html = search(client, "a_b")
    assert "a-b Works" not in html
    assert "Shanghai <mark>a_b</mark> Works" in html


@pytest.mark.django_db
def test_a_5000_character_query_is_truncated_and_the_page_says_so(client):
    html = search(client, "b" * 5000)
    assert f"first {MAX_QUERY_LENGTH} characters" in html
    value = re.search(r'id="search-page-q" name="q" value="([^"]*)"', html).group(1)
    assert value == "b" * MAX_QUERY_LENGTH
    # Only links to this same page (in another language) carry the query as it was sent.
    shown = re.sub(r'href="[^"]*"', "", html)
    assert "b" * (MAX_QUERY_LENGTH + 1) not in shown


@pytest.mark.django_db
def test_a_long_match_list_is_capped_and_counted(client):
    for n in range(GROUP_LIMIT + 5):
        f.CompanyFactory(name_en=f"Hydrogen Works {n}")
    companies = section(search(client, "hydrogen"), "companies")
    assert f"({GROUP_LIMIT + 5})" in companies
    assert companies.count('class="result"') == GROUP_LIMIT
    assert f"Showing the first {GROUP_LIMIT} of {GROUP_LIMIT + 5}: all of them" in companies
    # The rest are one click away: the organisations' list, filtered by the same words.
    link = re.search(r'<p class="more"><a href="([^"]+)"', companies).group(1)
    assert link == reverse("catalog:company_list") + "?q=hydrogen"
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert f"{GROUP_LIMIT + 5} results" in listed


@pytest.mark.django_db
def test_ties_in_rank_keep_the_models_order_and_a_group_without_a_list_says_to_narrow(client):
    """Rows that match at the same place come in the model's order (cases: latest first); a
    group with no list page of its own (sectors) asks for another word instead of linking."""
    old, new = (
        f.CaseFactory(title_en="Hydrogen a", start_year=2001),
        f.CaseFactory(title_en="Hydrogen b", start_year=2024),
    )
    cases = section(search(client, "hydrogen"), "cases")
    assert cases.index(new.get_absolute_url()) < cases.index(old.get_absolute_url())
    for n in range(GROUP_LIMIT + 1):
        f.SectorFactory(name_en=f"Hydrogen sector {n}")
    sectors = section(search(client, "hydrogen"), "sectors")
    assert f"({GROUP_LIMIT + 1})" in sectors
    assert "Add a word to narrow the search." in sectors
    assert '<p class="more"><a' not in sectors


def _populate(n):
    organisation = f.CompanyFactory(name_en="Hydrogen Holding")
    for i in range(n):
        f.CompanyFactory(name_en=f"Hydrogen {i}", aliases=[f"H2 {i}"])
        f.CaseFactory(title_en=f"Hydrogen case {i}")
        f.PolicyFactory(title_en=f"Hydrogen policy {i}")
        f.PersonFactory(name_en=f"Hydrogen person {i}", organisation=organisation)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 60])
def test_query_count_does_not_grow_with_the_rows(
    client, django_assert_num_queries, django_assert_max_num_queries, rows
):
    _populate(rows)
    # One per group (its best rows and their total), one for the people's organisations, and on
    # SQLite one more per searched table, whatever the number of words: how many rows the index
    # gives for each (catalog.search_index.selective). Sectors, regions and themes, tables of a
    # few hundred rows at most, are read without the index.
    per_table = 4 if connection.vendor == "sqlite" else 0
    with django_assert_num_queries(7 + 1 + per_table):
        response = client.get(URL, {"q": "hydrogen"})
    assert response.status_code == 200
    assert response.content.decode().count('class="result"') >= min(rows, GROUP_LIMIT) * 4
    # Nor with the words: six of them, on SQLite still one estimate per table.
    with django_assert_max_num_queries(7 + 1 + per_table):
        response = client.get(URL, {"q": "hydrogen person 1 智能 a h2"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_real_catalogue_boiler_query_finds_dongfang_boiler(client, catalogue):
    companies = section(search(client, "锅炉"), "companies")
    assert 'href="/companies/dongfang-boiler/"' in companies
    assert "東方<mark>鍋爐</mark>" in companies


@pytest.mark.django_db
def test_real_catalogue_ham_query_finds_the_jinhua_case(client, catalogue):
    cases = section(search(client, "火腿"), "cases")
    assert 'href="/cases/jinhua-ham-intelligent-upgrade/"' in cases
    assert "<mark>火腿</mark>" in cases
