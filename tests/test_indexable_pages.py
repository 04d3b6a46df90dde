"""What search engines are told about the reader's pages: a comparison and the report form are
indexable under one canonical address each (the comparison's records sorted and without repeats,
the form without the page it is about); only pages with nothing to index say noindex (a search,
a failed comparison, the thank-you page after a report, the server error page)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from catalog.views.compare import KINDS, permalink
from tests import factories as f
from tests.open_data_checks import links, read_head

pytestmark = pytest.mark.django_db


def head_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    return html, read_head(html)


def robots(head):
    return head.meta.get("robots", [])


@pytest.fixture
def cases(db):
    return [f.CaseFactory(slug=slug) for slug in ("beta", "alpha", "gamma")]


def test_a_comparison_is_indexable_under_its_sorted_permalink(client, cases):
    for url in (
        "/compare/?cases=gamma&cases=alpha&cases=beta",
        "/compare/?cases=alpha&cases=beta&cases=gamma",
        "/compare/?cases=beta&cases=gamma&cases=alpha&cases=beta",
    ):
        html, head = head_of(client, url)
        assert robots(head) == [], url
        assert links(html, "canonical") == [
            "http://testserver/compare/?cases=alpha&cases=beta&cases=gamma"
        ], url
        assert head.meta["og:url"] == links(html, "canonical")


def test_a_comparison_keeps_the_language_of_its_page(client, cases):
    html, head = head_of(client, "/zh-hant/compare/?cases=beta&cases=alpha")
    assert robots(head) == []
    assert links(html, "canonical") == ["http://testserver/zh-hant/compare/?cases=alpha&cases=beta"]


def test_organisations_compared_have_their_own_permalink(client):
    for slug in ("zeta", "eta"):
        f.CompanyFactory(slug=slug)
    html, _head = head_of(client, "/compare/?companies=zeta&companies=eta")
    assert links(html, "canonical") == ["http://testserver/compare/?companies=eta&companies=zeta"]


def test_the_permalink_sorts_and_drops_repeats():
    assert permalink(KINDS["cases"], ["b", "a", "b"]) == "/compare/?cases=a&cases=b"
    assert permalink(KINDS["companies"], ["x y"]) == "/compare/?companies=x+y"


def test_the_empty_chooser_is_indexable_at_its_plain_address(client):
    html, head = head_of(client, "/compare/")
    assert robots(head) == []
    assert links(html, "canonical") == ["http://testserver/compare/"]


def test_a_failed_comparison_is_kept_out(client, cases):
    for url in ("/compare/?cases=alpha", "/compare/?cases=alpha&cases=missing"):
        html, head = head_of(client, url, status=400)
        assert robots(head) == ["noindex"], url


def test_the_report_form_is_indexable_without_its_prefill(client, cases):
    case = cases[0]
    url = f"/report/?page={case.get_absolute_url()}"
    html, head = head_of(client, url)
    assert robots(head) == []
    assert links(html, "canonical") == ["http://testserver/report/"]
    html, head = head_of(client, "/zh-hans/report/")
    assert robots(head) == []
    assert links(html, "canonical") == ["http://testserver/zh-hans/report/"]


def test_pages_with_nothing_to_index_say_noindex(client):
    for url in ("/report/thanks/", "/search/?q=robot"):
        _html, head = head_of(client, url)
        assert robots(head) == ["noindex"], url
    request = RequestFactory().get("/")
    assert 'content="noindex"' in render_to_string("500.html", request=request)
