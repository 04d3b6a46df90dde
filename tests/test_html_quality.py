"""Every kind of page is well-formed, accessible HTML: balanced tags, unique ids, labelled
controls, alt text, one <main>, one <h1>, no inline styles or scripts."""

import pytest

from catalog import models
from tests.html_checks import html_problems


def test_the_checker_finds_problems():
    page = "<!DOCTYPE html><html><body><main><h1>x</h1><div><span></div><input name=q>"
    problems = html_problems(page + '<img src="a.png"><p style="color:red"></p></main>')
    assert "</div> closes <span>" in problems
    assert "<input name='q'> has no label" in problems
    assert "<img src='a.png'> without alt" in problems
    assert any("inline style" in p for p in problems)


def pages():
    urls = ["/", "/companies/", "/cases/", "/sectors/", "/regions/", "/policies/", "/people/"]
    urls += ["/companies/?sector=future-health&kind=enterprise", "/cases/?year_min=abc"]
    urls += ["/search/?q=锅炉", "/search/?q=", "/zh-hans/", "/zh-hans/companies/"]
    for model in (models.Company, models.Case, models.Policy, models.Person):
        urls += [row.get_absolute_url() for row in model.objects.published()[:5]]
    for model in (models.Sector, models.Region, models.Source):
        urls += [row.get_absolute_url() for row in model.objects.all()[:3]]
    return urls


@pytest.mark.django_db
def test_every_kind_of_page_is_well_formed_and_accessible(client, catalogue):
    failures = {}
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        problems = html_problems(response.content.decode())
        if problems:
            failures[url] = problems[:5]
    assert failures == {}
