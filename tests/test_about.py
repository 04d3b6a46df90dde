"""The About and method page: the concept with its cited passages, the method, how to cite and
report an error, the licence; linked from the footer in every language."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from catalog.views.about import PASSAGES, about_citations
from tests import factories as f
from tests.html_checks import html_problems

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_links_to_about_in_the_footer(client, language):
    with translation.override(language):
        about, home = reverse("catalog:about"), reverse("catalog:home")
    footer = client.get(home).content.decode().split('<footer class="site-footer">')[1]
    assert f'href="{about}"' in footer


def test_the_cited_passages_are_in_the_catalogue(catalogue):
    found = about_citations()
    for section, refs in PASSAGES.items():
        assert [citation.ref for citation in found[section]] == list(refs), section


@pytest.mark.django_db
def test_the_page_shows_its_passages_with_their_links(client, catalogue):
    response = client.get(reverse("catalog:about"))
    html = response.content.decode()
    assert html_problems(html) == []
    for citations in about_citations().values():
        for citation in citations:
            assert citation.quote in html
            assert citation.get_absolute_url() in html
    assert reverse("catalog:report") in html
    assert reverse("catalog:data") in html
    assert settings.ATLAS_DATA_LICENCE["url"] in html
    assert "《財經》" in html  # the source the catalogue is built from


@pytest.mark.django_db
def test_a_passage_missing_from_the_catalogue_is_left_out(client):
    source = f.SourceFactory()
    ref = PASSAGES["definition"][0]
    f.CitationFactory(ref=ref, source=source, quote="新質生產力是創新起主導作用")
    found = about_citations()
    assert [c.ref for c in found["definition"]] == [ref]
    assert found["origin"] == []
    assert client.get(reverse("catalog:about")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_page_is_translated(client, language):
    with translation.override(language):
        url = reverse("catalog:about")
    html = client.get(url).content.decode()
    assert "About and method" not in html
    assert "How to cite" not in html
