"""Themes: the article's argument as cited records, their pages in every language, the records
that support each, the cases filtered by theme, drafts kept from the public, search."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalog import models
from catalog.filters import CaseFilter
from tests import factories as f

H1 = re.compile(r"<h1[\s>]")
LANGUAGES = ("", "/zh-hans", "/zh-hant")


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def staff_client(db):
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="x-9431-unused", is_staff=True))
    return staff


@pytest.fixture
def theme(db):
    """A theme with two passages and one record of each kind supporting it."""
    theme = f.ThemeFactory(slug="firms-lead", title_zh="企業是主角", title_en="Firms lead")
    for number in (1, 2):
        f.CitationFactory(
            ref=f"cite-theme-firms-lead-{number}",
            company=None,
            theme=theme,
            quote=f"企業是踐行新質生產力的主角{number}",
        )
    case = f.CaseFactory(slug="supporting-case", title_zh="支持的案例")
    theme.cases.add(case)
    theme.metrics.add(f.MetricFactory(ref="supporting-figure", case=case, label_zh="支持的數字"))
    person = f.PersonFactory(slug="supporting-person", name_zh="支持者")
    theme.people.add(person)
    theme.quotes.add(f.QuoteFactory(ref="supporting-quote", person=person, text_zh="支持的話。"))
    theme.policies.add(f.PolicyFactory(slug="supporting-policy", title_zh="支持的政策"))
    return theme


# --- the real catalogue -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_outline_and_every_theme_page_answer_in_every_language(client, catalogue, prefix):
    with translation.override("en"):
        outline_url = reverse("catalog:theme_list")
        themes = [
            (theme.get_absolute_url(), [c.get_absolute_url() for c in theme.citations.all()])
            for theme in models.Theme.objects.published()
        ]
    assert len(themes) >= 6
    outline = get(client, prefix + outline_url)
    assert len(H1.findall(outline)) == 1
    for url, passages in themes:
        assert prefix + url in outline
        page = get(client, prefix + url)
        assert len(H1.findall(page)) == 1, url
        assert len(passages) >= 2
        for passage in passages:
            assert prefix + passage in page


@pytest.mark.django_db
def test_the_outline_follows_the_order_of_the_argument(client, catalogue):
    outline = get(client, reverse("catalog:theme_list"))
    slugs = list(models.Theme.objects.published().values_list("slug", flat=True))
    positions = [outline.index(f'id="theme-{slug}"') for slug in slugs]
    assert positions == sorted(positions)
    assert slugs.index("what-new-quality-productive-forces-are") < slugs.index("warnings")


@pytest.mark.django_db
def test_chinese_pages_show_the_theme_in_their_script(client, catalogue):
    theme = models.Theme.objects.get(slug="warnings")
    assert "閉門造車" in theme.statement_zh
    url = "/themes/warnings/"
    assert "闭门造车" in get(client, "/zh-hans" + url)
    assert "閉門造車" in get(client, "/zh-hant" + url)


@pytest.mark.django_db
def test_the_theme_on_the_government_links_its_cases_and_policies(client, catalogue):
    theme = models.Theme.objects.get(slug="government-role")
    page = get(client, theme.get_absolute_url())
    assert reverse("catalog:case_detail", args=["zhejiang-business-environment-reform"]) in page
    whitelist = reverse("catalog:policy_detail", args=["shenzhen-innovative-enterprise-whitelist"])
    assert whitelist in page
    assert "/cases/?theme=government-role" in page


# --- one theme, built for the test --------------------------------------------------------------


@pytest.mark.django_db
def test_a_theme_page_links_every_record_that_supports_it(client, theme):
    page = get(client, theme.get_absolute_url())
    assert reverse("catalog:case_detail", args=["supporting-case"]) in page
    assert 'id="figure-supporting-figure"' in page
    assert reverse("catalog:person_detail", args=["supporting-person"]) in page
    assert 'id="quote-supporting-quote"' in page
    assert reverse("catalog:policy_detail", args=["supporting-policy"]) in page
    assert page.count("企業是踐行新質生產力的主角") >= 2


@pytest.mark.django_db
def test_a_theme_page_hides_draft_records_from_the_public(client, staff_client, theme):
    models.Case.objects.filter(slug="supporting-case").update(published=False)
    models.Person.objects.filter(slug="supporting-person").update(published=False)
    models.Policy.objects.filter(slug="supporting-policy").update(published=False)
    page = get(client, theme.get_absolute_url())
    for text in ("supporting-case", "supporting-figure", "supporting-person", "supporting-quote"):
        assert text not in page
    assert "supporting-policy" not in page
    staff_page = get(staff_client, theme.get_absolute_url())
    assert "supporting-case" in staff_page
    assert "supporting-quote" in staff_page


@pytest.mark.django_db
def test_a_draft_theme_is_found_by_staff_only(client, staff_client, theme):
    theme.published = False
    theme.save()
    assert client.get(theme.get_absolute_url()).status_code == 404
    assert theme.get_absolute_url() not in get(client, reverse("catalog:theme_list"))
    assert 'class="draft"' in get(staff_client, theme.get_absolute_url())
    assert theme.get_absolute_url() in get(staff_client, reverse("catalog:theme_list"))
    assert "firms-lead" not in get(client, reverse("catalog:case_list"))


@pytest.mark.django_db
def test_cases_are_filtered_by_theme(theme):
    other = f.CaseFactory(slug="other-case")
    rows = CaseFilter({"theme": ["firms-lead"]}, queryset=models.Case.objects.all()).qs
    assert list(rows.values_list("slug", flat=True)) == ["supporting-case"]
    assert other not in rows
    unknown = CaseFilter({"theme": ["no-such-theme"]}, queryset=models.Case.objects.all())
    assert not unknown.is_valid()
    assert "theme" in unknown.errors


@pytest.mark.django_db
def test_the_cases_list_counts_and_filters_by_theme(client, theme):
    f.CaseFactory(slug="other-case")
    everything = get(client, reverse("catalog:case_list"))
    assert 'id="facet-theme"' in everything
    assert 'value="firms-lead"' in everything
    filtered = get(client, reverse("catalog:case_list") + "?theme=firms-lead")
    assert "/cases/supporting-case/" in filtered
    assert "/cases/other-case/" not in filtered
    assert "Firms lead" in filtered  # the chip that removes the filter


@pytest.mark.django_db
def test_a_draft_theme_is_no_filter_for_the_public(client, theme):
    theme.published = False
    theme.save()
    rows = CaseFilter(
        {"theme": ["firms-lead"]},
        queryset=models.Case.objects.all(),
        request=type("Request", (), {"user": None})(),
    )
    assert not rows.is_valid()
    assert 'value="firms-lead"' not in get(client, reverse("catalog:case_list"))


@pytest.mark.django_db
def test_themes_are_found_by_search(client, theme):
    page = get(client, reverse("catalog:search") + "?q=企業是主角")
    group = re.search(r'id="results-themes".*?</section>', page, re.S)
    assert group
    assert theme.get_absolute_url() in group.group(0)
    # simplified characters find the traditional statement
    assert theme.get_absolute_url() in get(client, reverse("catalog:search") + "?q=践行")
    theme.published = False
    theme.save()
    assert theme.get_absolute_url() not in get(client, reverse("catalog:search") + "?q=企業是主角")


@pytest.mark.django_db
def test_a_theme_is_in_the_sitemap_and_its_citations_lead_to_it(client, theme):
    sitemap = get(client, "/sitemap-themes.xml")
    assert theme.get_absolute_url() in sitemap
    citation = theme.citations.first()
    source_page = client.get(citation.get_absolute_url(), follow=True).content.decode()
    assert theme.get_absolute_url() in source_page


@pytest.mark.django_db
def test_the_theme_page_query_count_does_not_grow_with_its_records(client, theme):
    def count():
        with CaptureQueriesContext(connection) as context:
            get(client, theme.get_absolute_url())
        return len(context.captured_queries)

    before = count()
    for _ in range(5):
        case = f.CaseFactory()
        theme.cases.add(case)
        theme.metrics.add(f.MetricFactory(case=case))
        person = f.PersonFactory()
        theme.people.add(person)
        quote = f.QuoteFactory(person=person)
        f.CitationFactory(company=None, quote_record=quote)
        theme.quotes.add(quote)
        theme.policies.add(f.PolicyFactory())
    assert count() == before


@pytest.mark.django_db
def test_the_api_gives_the_cases_and_statements_of_a_theme(client, theme):
    f.CaseFactory(slug="other-case")
    f.QuoteFactory(ref="other-quote")
    cases = client.get("/api/v1/cases/", {"theme": "firms-lead"}).json()
    assert [row["slug"] for row in cases["results"]] == ["supporting-case"]
    quotes = client.get("/api/v1/quotes/", {"theme": "firms-lead"}).json()
    assert [row["ref"] for row in quotes["results"]] == ["supporting-quote"]
    theme.published = False
    theme.save()
    assert client.get("/api/v1/quotes/", {"theme": "firms-lead"}).json()["results"] == []
