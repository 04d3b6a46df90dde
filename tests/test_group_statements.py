"""A sentence the article gives to several people at once (「在…劉世錦,…賈康等多位專家看來」) is one
statement: its first person, the others it is also attributed to, the speakers as the source
words them; it shows on each person's page, in the API and in the data package."""

import pytest

from catalog import models
from catalog.loading import load_files
from tests import factories

SHARED = "liu-shijin-01"


def test_the_shared_sentence_is_one_statement_attributed_to_both(catalogue):
    shared = models.Quote.objects.get(ref=SHARED)
    assert shared.person.slug == "liu-shijin"
    assert [p.slug for p in shared.also_attributed.all()] == ["jia-kang"]
    assert shared.speakers_zh == "劉世錦、賈康等多位專家"
    assert shared.speakers_en
    same_text = models.Quote.objects.filter(text_zh=shared.text_zh)
    assert list(same_text.values_list("ref", flat=True)) == [SHARED]
    assert not models.Quote.objects.filter(ref="jia-kang-01").exists()
    assert shared.citations.count() == 1


@pytest.mark.parametrize("slug", ["liu-shijin", "jia-kang"])
def test_it_shows_on_both_peoples_pages_naming_the_group(catalogue, client, slug):
    page = client.get(models.Person.objects.get(slug=slug).get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('id="quote-liu-shijin-01"') == 1
    assert "劉世錦、賈康等多位專家" in html
    assert "/people/liu-shijin/" in html
    assert "/people/jia-kang/" in html


def test_the_people_list_counts_it_for_each(catalogue):
    counts = dict(
        models.Person.objects.for_list()
        .filter(slug__in=["liu-shijin", "jia-kang"])
        .values_list("slug", "quote_count")
    )
    assert counts == {"liu-shijin": 2, "jia-kang": 3}


def test_the_api_gives_its_speakers_and_finds_it_by_either_person(catalogue, client):
    data = client.get(f"/api/v1/quotes/{SHARED}/").json()
    assert data["person"]["slug"] == "liu-shijin"
    assert [p["slug"] for p in data["also_attributed"]] == ["jia-kang"]
    assert data["speakers_zh"] == "劉世錦、賈康等多位專家"
    refs = [q["ref"] for q in client.get("/api/v1/quotes/?person=jia-kang").json()["results"]]
    assert SHARED in refs
    assert "jia-kang-03" in refs


def test_the_data_package_links_it_to_the_other_person(catalogue, client):
    from catalog.datapackage import tables

    names = [table.name for table in tables()]
    assert "quote_also_attributed" in names


def test_a_link_to_a_person_read_later_loads(db, tmp_path):
    """The shared statement follows its first person in the fixture; the other person comes
    later. The loader resolves the link once every record is read, and a second load writes
    nothing."""
    fixture = tmp_path / "people.json"
    fixture.write_text(
        """[
 {"model": "catalog.person", "fields": {"slug": "first", "name_zh": "甲", "name_en": "First"}},
 {"model": "catalog.quote", "fields": {"ref": "shared-1", "person": ["first"], "text_zh": "話",
  "also_attributed": [["second"]]}},
 {"model": "catalog.person", "fields": {"slug": "second", "name_zh": "乙", "name_en": "Second"}}
]""",
        encoding="utf-8",
    )
    load_files([fixture])
    quote = models.Quote.objects.get(ref="shared-1")
    assert [p.slug for p in quote.also_attributed.all()] == ["second"]
    again = load_files([fixture])
    assert again.changes == 0


def test_a_link_to_a_person_never_read_names_the_record(db, tmp_path):
    from catalog.loading import FixtureError

    fixture = tmp_path / "people.json"
    fixture.write_text(
        """[
 {"model": "catalog.person", "fields": {"slug": "first", "name_zh": "甲", "name_en": "First"}},
 {"model": "catalog.quote", "fields": {"ref": "shared-1", "person": ["first"], "text_zh": "話",
  "also_attributed": [["nobody"]]}}
]""",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError, match=r"shared-1.*nobody"):
        load_files([fixture])


def test_the_migration_folds_a_stored_duplicate_into_the_shared_statement(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("catalog.migrations.0015_quote_speakers_policy_level")
    liu = factories.PersonFactory(slug="liu-shijin")
    jia = factories.PersonFactory(slug="jia-kang")
    shared = models.Quote.objects.create(ref=SHARED, person=liu, text_zh="同一句話")
    models.Quote.objects.create(ref="jia-kang-01", person=jia, text_zh="同一句話")
    migration.merge_the_shared_statement(apps, None)
    assert not models.Quote.objects.filter(ref="jia-kang-01").exists()
    shared.refresh_from_db()
    assert list(shared.also_attributed.all()) == [jia]
    assert shared.speakers_zh == "劉世錦、賈康等多位專家"


def test_the_admin_edits_the_group(admin_client, catalogue):
    shared = models.Quote.objects.get(ref=SHARED)
    page = admin_client.get(f"/admin/catalog/quote/{shared.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="also_attributed"' in html
    assert 'name="speakers_zh"' in html
