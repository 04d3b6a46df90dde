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


def test_the_checker_finds_content_after_a_figure_caption():
    page = "<!DOCTYPE html><html><body><main><h1>x</h1>{}</main></body></html>"
    after = "<figure><blockquote>q</blockquote><figcaption>c</figcaption><details></details>"
    after += "</figure>"
    assert "<details> after the <figcaption> of a <figure>" in html_problems(page.format(after))
    two = "<figure><figcaption>a</figcaption><p>b</p><figcaption>c</figcaption></figure>"
    assert "<figure> with more than one <figcaption>" in html_problems(page.format(two))
    for fine in (
        "<figure><figcaption>c</figcaption><blockquote>q</blockquote></figure>",
        "<figure><blockquote>q</blockquote><figcaption>c<details></details></figcaption></figure>",
        "<figure><svg></svg></figure>",
    ):
        assert html_problems(page.format(fine)) == [], fine


def test_the_checker_finds_aria_references_to_missing_ids():
    page = (
        "<!DOCTYPE html><html><body><main><h1>x</h1><label for=a>A</label>"
        '<input id=a aria-describedby="a_help a_error"><p id=a_help>help</p></main></body></html>'
    )
    assert html_problems(page) == ["<input aria-describedby='a_error'> refers to no element"]


# Pages with a form error in every kind of filter field: each field's error must be an element
# with the id its control's aria-describedby names.
ERROR_PAGES = [
    "/companies/?founded_min=abc&founded_max=1&sector=bad&q=.",
    "/cases/?year_min=abc&year_max=99999&company=nope&lever=bad&q=%00",
    "/policies/?year_min=x&issuer=nope&level=bad",
    "/people/?pseudonym=maybe&q=" + "x" * 300,
    "/search/?q=a%00b",
]


def pages():
    urls = ["/", "/companies/", "/cases/", "/sectors/", "/regions/", "/policies/", "/people/"]
    urls += ["/companies/?sector=future-health&kind=enterprise", "/cases/?year_min=abc"]
    urls += ["/search/?q=锅炉", "/search/?q=", "/zh-hans/", "/zh-hans/companies/"]
    urls += ERROR_PAGES
    urls += ["/sectors/?q=health", "/regions/?q=."]
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
