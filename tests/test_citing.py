""" "Cite this": every detail page offers its record and sources in BibTeX, RIS and CSL-JSON,
linked in <head> and on the page, which reference-manager libraries read back; drafts stay out."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from catalog import citing
from tests import factories as f
from tests.html_checks import html_problems
from tests.open_data_checks import links

TYPES = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl.json": "application/vnd.citationstyles.csl+json",
}


def cite_url(kind, record, fmt):
    return reverse("cite:cite", kwargs={"kind": kind, "slug": record.slug, "fmt": fmt})


@pytest.fixture
def cited_company(db):
    source = f.SourceFactory(
        slug="caijing-article",
        title="中國為何在這時提出發展新質生產力?",
        title_en="Why now?",
        author="孫穎妮",
        editor="王延春",
        publication="《財經》",
        url="https://example.org/article_{1}%20#x",
    )
    company = f.CompanyFactory(slug="acme", name_zh="測試{公司}", name_en="Acme & Co. 100%")
    f.CitationFactory(company=company, source=source)
    return company


def read_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return {entry.key: entry for entry in library.entries}


@pytest.mark.django_db
def test_bibtex_holds_the_record_and_its_source(client, cited_company):
    response = client.get(cite_url("company", cited_company, "bib"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="xinzhi-atlas-company-acme.bib"'
    )
    entries = read_bibtex(response.content.decode())
    record = entries["xinzhi-atlas-company-acme"]
    assert record.entry_type == "misc"
    assert record["url"] == "http://testserver/companies/acme/"
    assert r"\{" in record["title"]
    assert r"\&" in record["title"]
    source = entries["caijing-article"]
    assert source.entry_type == "article"
    assert source["author"] == "{孫穎妮}"
    assert source["editor"] == "{王延春}"
    assert source["journal"] == "《財經》"


@pytest.mark.django_db
def test_ris_holds_the_record_and_its_source(client, cited_company):
    response = client.get(cite_url("company", cited_company, "ris"))
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    entries = rispy.loads(response.content.decode())
    assert [entry["type_of_reference"] for entry in entries] == ["ELEC", "MGZN"]
    record, source = entries
    assert record["urls"] == ["http://testserver/companies/acme/"]
    assert record["title"].startswith("測試{公司}")
    assert source["authors"] == ["孫穎妮"]
    assert source["secondary_authors"] == ["王延春"]
    assert source["secondary_title"] == "《財經》"


@pytest.mark.django_db
def test_csl_json_is_read_and_formatted_by_citeproc(client, cited_company):
    response = client.get(cite_url("company", cited_company, "csl.json"))
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(response.content)
    assert [item["type"] for item in items] == ["webpage", "article-magazine"]
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    text = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert "孫穎妮" in text
    assert "http://testserver/companies/acme/" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (f.CompanyFactory, "company"),
        (f.CaseFactory, "case"),
        (f.PolicyFactory, "policy"),
        (f.PersonFactory, "person"),
        (f.SectorFactory, "sector"),
        (f.RegionFactory, "region"),
        (f.SourceFactory, "source"),
    ],
)
def test_every_detail_page_links_its_citations(client, factory, kind):
    record = factory()
    html = client.get(record.get_absolute_url()).content.decode()
    for fmt, content_type in TYPES.items():
        assert links(html, "alternate", content_type) == [cite_url(kind, record, fmt)]
        assert f'href="{cite_url(kind, record, fmt)}"' in html.split("</head>")[1]
        response = client.get(cite_url(kind, record, fmt))
        assert response.status_code == 200, (kind, fmt)
    assert 'id="cite-permalink"' in html
    assert f'value="http://testserver{record.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_the_chinese_page_cites_the_chinese_address(client):
    record = f.CaseFactory(slug="chinese")
    html = client.get(f"/zh-hans{record.get_absolute_url()}").content.decode()
    (bib,) = links(html, "alternate", TYPES["bib"])
    assert bib == "/zh-hans/cite/case/chinese.bib"
    entries = read_bibtex(client.get(bib).content.decode())
    assert entries["xinzhi-atlas-case-chinese"]["url"] == "http://testserver/zh-hans/cases/chinese/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory", [f.CompanyFactory, f.CaseFactory, f.PolicyFactory, f.PersonFactory]
)
def test_a_draft_is_cited_for_staff_only_and_never_cached(client, factory):
    draft = factory(published=False)
    kind = citing.KIND_OF_MODEL[type(draft)].name
    for fmt in TYPES:
        assert client.get(cite_url(kind, draft, fmt)).status_code == 404
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="x-9431-unused", is_staff=True))
    response = staff.get(cite_url(kind, draft, "bib"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_published_citation_may_be_cached_and_revalidated(client, cited_company):
    url = cite_url("company", cited_company, "ris")
    response = client.get(url)
    assert "public" in response["Cache-Control"]
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_a_records_sources_are_its_own_and_its_figures(client):
    """A case's citation lists what its page cites: its own passages and its figures'."""
    case = f.CaseFactory()
    own, figure_source = f.SourceFactory(slug="own"), f.SourceFactory(slug="figure")
    f.CitationFactory(company=None, case=case, source=own)
    f.CitationFactory(company=None, metric=f.MetricFactory(case=case), source=figure_source)
    unrelated = f.SourceFactory(slug="unrelated")
    f.CitationFactory(source=unrelated)
    assert {s.slug for s in citing.record_sources(case)} == {"figure", "own"}


def test_unknown_kinds_and_formats_are_not_found(client, db):
    assert client.get("/cite/planet/earth.bib").status_code == 404
    assert client.get("/cite/company/nobody.bib").status_code == 404
    assert client.get("/cite/company/nobody.pdf").status_code == 404


@pytest.mark.django_db
def test_each_passage_has_a_permanent_address(client):
    citation = f.CitationFactory(ref="passage-1")
    response = client.get(citation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].endswith("#citation-passage-1")
    page = client.get(citation.company.get_absolute_url()).content.decode()
    assert f'href="{citation.get_absolute_url()}"' in page


@pytest.mark.django_db
def test_the_source_page_gives_each_passage_its_permanent_link(client):
    citation = f.CitationFactory(ref="passage-2")
    html = client.get(citation.source.get_absolute_url()).content.decode()
    assert f'href="{citation.get_absolute_url()}"' in html
    assert html_problems(html) == []


@pytest.mark.django_db
def test_a_theme_page_is_cited_with_its_passages_source(client):
    theme = f.ThemeFactory(slug="argument")
    f.CitationFactory(company=None, theme=theme, source=f.SourceFactory(slug="the-article"))
    html = client.get(theme.get_absolute_url()).content.decode()
    assert links(html, "alternate", TYPES["bib"]) == ["/cite/theme/argument.bib"]
    entries = read_bibtex(client.get("/cite/theme/argument.bib").content.decode())
    assert set(entries) == {"xinzhi-atlas-theme-argument", "the-article"}
    assert client.get(cite_url("theme", f.ThemeFactory(published=False), "bib")).status_code == 404
