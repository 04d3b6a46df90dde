"""The policies the article names are in the catalogue, each cited verbatim and translated; the
中關村科學城 plan records no level, since the article names no issuer; every citation of the
policies, people and themes fixtures carries an English translation."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Q
from django.utils.html import escape

from catalog import models

# Issue 15: the policies the article names that the catalogue lacked.
ARTICLE_POLICIES = {
    "qiushi-new-quality-productive-forces-essay": "《發展新質生產力是推動高質量發展的內在要求",
    "new-round-of-major-reforms": "謀劃新一輪重大改革",
    "shanghai-model-capital-initiative": "“模都”倡議",
    "zhejiang-government-services-network": "浙江政務服務網",
}
TRANSLATED_FIXTURES = ("50_policies.json", "60_people.json", "70_themes.json")


@pytest.fixture
def article():
    path = Path(settings.SOURCE_ARTICLE_PATH)
    if not path.is_file():
        pytest.skip(f"The source article is not available at SOURCE_ARTICLE_PATH ({path.name}).")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", sorted(ARTICLE_POLICIES))
def test_each_policy_the_article_names_is_published_and_cited(catalogue, article, slug):
    policy = models.Policy.objects.get(slug=slug)
    assert policy.published
    citations = list(policy.citations.all())
    assert citations
    assert any(ARTICLE_POLICIES[slug] in c.quote for c in citations)
    for citation in citations:
        assert citation.quote in article, citation.ref
        assert citation.quote_en.strip(), citation.ref


@pytest.mark.parametrize("slug", sorted(ARTICLE_POLICIES))
def test_each_new_policy_is_linked_to_a_theme_and_has_its_page(catalogue, client, slug):
    policy = models.Policy.objects.get(slug=slug)
    assert models.Theme.objects.published().filter(policies=policy).exists()
    page = client.get(policy.get_absolute_url())
    assert page.status_code == 200
    assert escape(policy.citations.first().quote_en) in page.content.decode()


def test_the_statements_about_the_new_policies_link_to_them(catalogue):
    assert (
        models.Quote.objects.get(ref="xi-jinping-01")
        .policies.filter(slug="qiushi-new-quality-productive-forces-essay")
        .exists()
    )
    assert (
        models.Quote.objects.get(ref="jia-kang-03")
        .policies.filter(slug="new-round-of-major-reforms")
        .exists()
    )


def test_the_zhongguancun_plan_records_no_level_the_article_does_not_give(catalogue, client):
    plan = models.Policy.objects.get(slug="zgc-agi-implementation-plan")
    assert plan.level == ""
    assert not plan.issuers.exists()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Not stated in the source" in page


def test_every_citation_in_the_policies_people_and_themes_fixtures_is_translated():
    untranslated = []
    for name in TRANSLATED_FIXTURES:
        path = Path(settings.FIXTURE_DIRS[0]) / name
        for record in json.loads(path.read_text(encoding="utf-8")):
            fields = record["fields"]
            if record["model"] == "catalog.citation" and not fields["quote_en"].strip():
                untranslated.append(f"{name}: {fields['ref']}")
            if record["model"] == "catalog.quote" and not fields["text_en"].strip():
                untranslated.append(f"{name}: {fields['ref']}")
    assert untranslated == []


def test_every_citation_of_a_policy_target_person_or_statement_is_translated(catalogue):
    citations = models.Citation.objects.filter(
        Q(policy__isnull=False)
        | Q(metric__policy__isnull=False)
        | Q(person__isnull=False)
        | Q(quote_record__isnull=False)
    )
    assert citations.count() > 100
    assert list(citations.filter(quote_en="").values_list("ref", flat=True)) == []
