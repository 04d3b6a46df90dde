"""The finish of the pages: funding rounds that say nothing on one line, a passage quoted once a
page, long facets folded under "+ N more", separators that never dangle, the favicon, the header's
navigation and the filter panel served folded (so that nothing moves once a page is drawn)."""

import re

import pytest
from django.template.loader import render_to_string

from catalog import models
from catalog.facets import Facet, Option
from catalog.templatetags.atlas import FACET_VISIBLE, facet_parts
from tests import factories as f

SHARED = "智冉醫療已完成種子輪、天使輪、天使+輪融資,投資方包括紅杉中國、美團、百度。"


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def cite(quote=SHARED, **target):
    source = f.SourceFactory(slug="caijing")
    return f.CitationFactory(quote=quote, source=source, **{"company": None, **target})


@pytest.fixture
def zhiran(db):
    """An organisation whose description, three bare rounds and three investors rest on one
    passage (as Zhiran Medical's do), and one round with an amount and a passage of its own."""
    company = f.CompanyFactory(slug="zhiran", name_zh="智冉醫療", name_en="Zhiran Medical")
    cite(company=company)
    for stage in (models.Stage.SEED, models.Stage.ANGEL, models.Stage.ANGEL_PLUS):
        cite(funding_round=f.FundingRoundFactory(company=company, stage=stage, ref=f"r-{stage}"))
    for name in ("紅杉中國", "美團", "百度"):
        cite(investment=f.InvestmentFactory(investee=company, investor__name_zh=name))
    told = f.FundingRoundFactory(
        company=company,
        stage=models.Stage.A,
        ref="r-a",
        amount_disclosed=True,
        amount_min=100_000_000,
        currency="CNY",
    )
    cite("A輪融資一億元。", funding_round=told)
    return company


def test_rounds_that_say_nothing_share_one_line(client, zhiran):
    html = get(client, zhiran.get_absolute_url())
    funding = html[html.index('id="funding-heading"') : html.index('id="sources-heading"')]
    # The round with an amount keeps its card; the three others are named on one line.
    assert funding.count('<li class="round"') == 1
    assert 'id="round-r-a"' in funding
    (line,) = re.findall(r'<div class="rounds-bare">\s*<p>(.*?)</p>', funding, re.S)
    assert "Other rounds the source names, without a date, an amount or an investor:" in line
    for ref in ("seed", "angel", "angel_plus"):
        assert re.search(rf'<strong id="round-r-{ref}">', line), ref
    assert "Not disclosed" not in funding
    assert funding.count("Not named in the source") == 1  # the Series A round's investors


def test_a_passage_is_quoted_once_and_each_fact_points_at_it(client, zhiran):
    html = get(client, zhiran.get_absolute_url())
    assert html.count(f">{SHARED}</blockquote>") == 1
    assert html.count(">A輪融資一億元。</blockquote>") == 1
    (anchor,) = re.findall(
        r'<figure class="citation__item" id="(passage-\d+)">\s*<blockquote[^>]*>'
        + re.escape(SHARED),
        html,
    )
    # The bare rounds' line and the investors' list each point at it, once.
    same = re.findall(r'<p class="citation__same" id="([\w-]+)">[^<]*<a href="#([\w-]+)"', html)
    assert [target for _use, target in same] == [anchor, anchor]
    # The Sources section lists what the shared passage supports, each linking to its fact.
    sources = html[html.index('id="sources-heading"') :]
    assert "Passages that support several facts" in sources
    assert "supports 3 facts:" in sources
    for use, _target in same:
        assert f'href="#{use}"' in sources
    assert f'href="#{anchor}">the description</a>' in sources
    assert ">funding rounds</a>" in sources
    assert ">these investors</a>" in sources


def test_the_sources_count_the_places_that_point_at_a_passage(client, zhiran):
    """Eight citation rows, shown in four places: the shared passage quoted once and pointed at
    from the rounds' line and the investors' list, and the Series A passage."""
    html = get(client, zhiran.get_absolute_url())
    main, sources = html.split('id="sources-heading"')
    assert main.count('<figure class="citation__item"') + main.count('class="citation__same"') == 4
    assert "cited 4 times on this page" in sources


@pytest.mark.django_db
def test_a_page_whose_passages_are_all_different_lists_none_as_shared(client):
    company = f.CompanyFactory()
    cite("第一句。", company=company)
    cite("第二句。", funding_round=f.FundingRoundFactory(company=company))
    html = get(client, company.get_absolute_url())
    assert "citation__same" not in html
    assert "Passages that support several facts" not in html


def test_each_page_numbers_its_own_passages(client, zhiran):
    """The registry of passages lives for one rendering: a second page starts again at 1."""
    first = get(client, zhiran.get_absolute_url())
    second = get(client, zhiran.get_absolute_url())
    assert 'id="passage-1"' in first
    assert first.count('id="passage-1"') == second.count('id="passage-1"') == 1
    assert 'id="passage-3"' not in second


def facet(count, selected=()):
    options = [
        Option(value=f"o{n}", label=f"Option {n}", count=count - n, selected=n in selected)
        for n in range(count)
    ]
    return Facet(name="sector", legend="Sector", options=options, total=count)


def test_a_long_facet_folds_all_but_the_first_options_and_says_how_many():
    parts = facet_parts(facet(31))
    assert len(parts["shown"]) == FACET_VISIBLE
    assert len(parts["folded"]) == 31 - FACET_VISIBLE
    assert not parts["open"]
    html = render_to_string("partials/facet.html", {"facet": facet(31)})
    assert f"+ {31 - FACET_VISIBLE} more" in html
    assert '<details class="facet-more">' in html
    # Every option is in the page (a checkbox a click away without JavaScript), each once.
    assert html.count('type="checkbox" name="sector"') == 31
    assert len(set(re.findall(r'id="(facet-sector-\d+)"', html))) == 31
    # The filter box comes with JavaScript: served hidden, labelled.
    assert '<div class="facet-filter" hidden>' in html
    assert '<label for="facet-sector-filter">Filter the sector options</label>' in html


def test_a_chosen_folded_option_opens_the_fold_and_a_short_facet_has_none():
    html = render_to_string("partials/facet.html", {"facet": facet(20, selected={15})})
    assert '<details class="facet-more" open>' in html
    assert "facet-more" not in render_to_string("partials/facet.html", {"facet": facet(10)})


def test_a_fold_never_cuts_a_subtree():
    options = [
        Option(value=f"o{n}", label=f"O{n}", count=1, selected=False, depth=0 if n % 4 == 0 else 1)
        for n in range(20)
    ]
    parts = facet_parts(Facet(name="sector", legend="Sector", options=options))
    assert parts["folded"][0].depth == 0
    assert all(option.depth == 0 for option in parts["folded"][:1])


def test_the_filter_box_matches_both_chinese_scripts():
    html = render_to_string(
        "partials/facet.html",
        {
            "facet": Facet(
                name="sector",
                legend="Sector",
                options=[
                    Option(
                        value=f"s{n}",
                        label="New energy",
                        label_zh="新能源汽車",
                        count=1,
                        selected=False,
                    )
                    for n in range(12)
                ],
            )
        },
    )
    assert 'data-terms="new energy 新能源汽車 新能源汽车"' in html


@pytest.mark.django_db
def test_the_search_summary_has_no_separator_to_dangle(client):
    f.CompanyFactory(name_zh="鍋爐公司", name_en="Boiler Works")
    f.CaseFactory(title_zh="鍋爐工廠", title_en="Boiler factory")
    html = get(client, "/search/?q=boiler")
    summary = re.search(r'<div class="result-summary" role="status">(.*?)</div>', html, re.S)
    assert summary, "the summary is there"
    items = re.findall(r"<li><a href=\"#results-[\w-]+\">", summary.group(1))
    assert len(items) >= 2
    # Separators are drawn by the stylesheet between items, never written into the text.
    assert "·" not in re.sub(r"<[^>]+>", "", summary.group(1))


@pytest.mark.django_db
def test_list_cards_keep_each_separator_with_the_word_before_it(client):
    f.CompanyFactory(region=f.RegionFactory())
    html = get(client, "/companies/")
    metas = re.findall(r'<p class="meta">(.*?)</p>', html, re.S)
    assert metas
    assert all(" · " not in meta for meta in metas)
    assert any("&nbsp;· " in meta for meta in metas)


@pytest.mark.django_db
def test_every_page_links_the_favicon_in_svg_and_ico(client):
    html = get(client, "/")
    head = html[: html.index("</head>")]
    assert re.search(
        r'<link rel="icon" href="/static/img/favicon[^"]*\.svg" type="image/svg\+xml">', head
    )
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in head
    assert '<link rel="apple-touch-icon"' in head
    assert client.get("/favicon.ico").status_code in (301, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/zh-hans", "/zh-hant"])
def test_the_header_names_the_map_and_the_timeline(client, prefix):
    html = get(client, f"{prefix}/cases/")
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    assert f'href="{prefix}/map/"' in nav
    assert f'href="{prefix}/timeline/"' in nav
    # The rest behind a native disclosure, usable with a keyboard and without JavaScript.
    assert re.search(r'<li class="nav-more">\s*<details>\s*<summary>', nav)
    for path in ("/policies/", "/people/", "/themes/", "/about/"):
        assert f'href="{prefix}{path}"' in nav


@pytest.mark.django_db
def test_the_filter_panel_is_served_folded_unless_a_filter_needs_fixing(client):
    assert '<details class="filter-panel">' in get(client, "/companies/")
    broken = get(client, "/companies/?founded_min=abc")
    assert '<details class="filter-panel" open>' in broken
