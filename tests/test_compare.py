"""/compare/: two to four cases or organisations side by side, every fact with its sources, chosen
from the list pages without JavaScript."""

import html as html_module
import re

import pytest

from catalog import models
from tests import factories as f

pytestmark = pytest.mark.django_db


def headers(html):
    """The column headings of the comparison, tags stripped."""
    head = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    return [
        html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", th).split()))
        for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


def test_two_real_cases_side_by_side_with_their_sources(catalogue, client):
    response = client.get(
        "/compare/?cases=zhiran-flexible-bci&cases=dongfang-boiler-serpentine-tube-factory"
    )
    assert response.status_code == 200
    html = response.content.decode()
    zhiran = models.Case.objects.get(slug="zhiran-flexible-bci")
    boiler = models.Case.objects.get(slug="dongfang-boiler-serpentine-tube-factory")
    columns = headers(html)
    assert zhiran.title_en in columns[0]
    assert boiler.title_en in columns[1]
    quoted = dict(
        re.findall(
            r'<figure class="citation__item" id="(passage-\d+)">\s*'
            r"<blockquote[^>]*>(.*?)</blockquote>",
            html,
            re.S,
        )
    )
    for case in (zhiran, boiler):
        citations = [*case.citations.all()]
        citations += [c for metric in case.metrics.all() for c in metric.citations.all()]
        for citation in citations:
            # Each fact's passage: quoted with its permanent address, or, when the page quotes
            # the same passage for an earlier fact, a link to it there.
            if citation.get_absolute_url() in html:
                continue
            anchors = [anchor for anchor, text in quoted.items() if text == citation.quote]
            assert anchors, citation.ref
            assert f'href="#{anchors[0]}"' in html, citation.ref
    assert "/companies/zhiran-medical/" in html
    assert html.count("<h1") == 1


def test_organisations_compared_in_chinese(catalogue, client):
    response = client.get(
        "/zh-hans/compare/?companies=zhiran-medical&companies=dongfang-boiler&companies=xuechuan-agriculture"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert len(headers(html)) == 3
    assert "东方锅炉" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("cases=only-one", "Choose from 2 to 4 cases"),
        ("cases=a&cases=b&cases=c&cases=d&cases=e", "Choose from 2 to 4 cases"),
        ("cases=a&cases=no-such-case", "no-such-case"),
    ],
)
def test_a_wrong_choice_says_what_to_do(client, query, message):
    for slug in "abcde":
        f.CaseFactory(slug=slug)
    if query == "cases=only-one":
        f.CaseFactory(slug="only-one")
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<table" not in response.content.decode()


def test_the_same_record_twice_counts_once(client):
    f.CaseFactory(slug="a")
    f.CaseFactory(slug="b")
    assert client.get("/compare/?cases=a&cases=a").status_code == 400
    assert len(headers(client.get("/compare/?cases=a&cases=b&cases=a").content.decode())) == 2


def test_drafts_are_compared_for_staff_only(client, admin_client):
    f.CaseFactory(slug="a")
    f.CaseFactory(slug="secret", published=False)
    assert client.get("/compare/?cases=a&cases=secret").status_code == 400
    response = admin_client.get("/compare/?cases=a&cases=secret")
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_without_a_choice_the_page_explains_how_to_choose(client):
    response = client.get("/compare/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/cases/"' in html
    assert 'href="/companies/"' in html


@pytest.mark.parametrize(("url", "parameter"), [("/cases/", "cases"), ("/companies/", "companies")])
def test_list_cards_tick_records_for_the_comparison(client, url, parameter):
    for n in range(3):
        f.CaseFactory(slug=f"case-{n}")
        f.CompanyFactory(slug=f"org-{n}")
    html = client.get(url).content.decode()
    assert '<form id="compare-form" class="compare-form" method="get" action="/compare/">' in html
    boxes = re.findall(
        r'<input type="checkbox" name="(\w+)" value="([\w-]+)" form="compare-form">', html
    )
    assert len(boxes) == 3
    assert {name for name, _slug in boxes} == {parameter}


def test_other_lists_offer_no_comparison(client):
    f.PolicyFactory()
    f.PolicyFactory()
    assert "compare-form" not in client.get("/policies/").content.decode()
