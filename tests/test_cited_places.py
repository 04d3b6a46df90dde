"""The Sources section's "cited N times on this page" counts what the reader sees: the places on
the page that point at one of the source's passages (the passage quoted in full and each link back
to it), not the citation rows behind them."""

import re

import pytest

from tests import factories as f
from tests.test_polish import get


def places(html):
    """Where the page points at a passage: full quotes and links back to one quoted above."""
    return len(re.findall(r'<figure class="citation__item"', html)) + len(
        re.findall(r'<p class="citation__same"', html)
    )


def cited_line(html, source):
    sources = html[html.index('id="sources-heading"') :]
    (line,) = re.findall(
        rf'<li><a href="{re.escape(source.get_absolute_url())}">.*?</li>', sources, re.S
    )
    return line


@pytest.fixture
def source(db):
    return f.SourceFactory(slug="caijing")


def test_two_rows_of_one_fact_quoting_one_passage_are_one_place(client, source):
    company = f.CompanyFactory()
    f.CitationFactory(quote="一句話。", source=source, company=company)
    f.CitationFactory(quote="一句話。", source=source, company=company)
    html = get(client, company.get_absolute_url())
    main = html[: html.index('id="sources-heading"')]
    assert main.count(">一句話。</blockquote>") == 1
    assert "citation__same" not in main
    assert places(main) == 1
    assert "cited once on this page" in cited_line(html, source)
    assert "Sources (2)" not in main


def test_each_source_counts_its_own_places(client, source):
    other = f.SourceFactory(slug="other-paper")
    company = f.CompanyFactory()
    f.CitationFactory(quote="第一句。", source=source, company=company)
    f.CitationFactory(quote="第二句。", source=other, company=company)
    f.CitationFactory(
        quote="第一句。",
        source=source,
        company=None,
        funding_round=f.FundingRoundFactory(
            company=company, amount_disclosed=True, amount_min=1_000_000, currency="CNY"
        ),
    )
    html = get(client, company.get_absolute_url())
    assert "cited 2 times on this page" in cited_line(html, source)
    assert "cited once on this page" in cited_line(html, other)


@pytest.mark.django_db
def test_a_theme_page_counts_its_own_passages(client, source):
    theme = f.ThemeFactory()
    citation = f.CitationFactory(quote="主題的一句。", source=source, company=None, theme=theme)
    html = get(client, theme.get_absolute_url())
    assert html.count(f">{citation.quote}</blockquote>") == 1
    assert "cited once on this page" in cited_line(html, source)
