"""dump_catalogue writes the database back out as the fixture files load_catalogue reads."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog import models
from catalog.loading import AUTOMATIC_FIELDS, load_files
from catalog.management.commands.dump_catalogue import LAYOUT, dump, record
from tests import factories

FIXTURES = Path(settings.FIXTURE_DIRS[0])


def _records(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _keys(records):
    """(model, natural key) of each record, in file order."""
    keys = []
    for item in records:
        fields = item["fields"]
        key = fields.get("slug") or fields.get("ref")
        if key is None and fields.get("case"):  # an organisation's role in a case
            key = (fields["case"][0], fields["company"][0])
        elif key is None:  # a glossary entry is named by its wording in the source
            key = fields["source"]
        keys.append((item["model"], key))
    return keys


@pytest.fixture(scope="module")
def dumped(read_shared_catalogue, tmp_path_factory):
    """The shared catalogue dumped once for this module's tests (which ask for it too)."""
    folder = tmp_path_factory.mktemp("dumped")
    out = io.StringIO()
    with read_shared_catalogue():
        call_command("dump_catalogue", "--output", str(folder), stdout=out)
    assert f"Wrote {folder / '00_sources.json'}" in out.getvalue()
    return folder


def test_dump_writes_every_file_of_the_layout(catalogue, dumped):
    assert sorted(p.name for p in dumped.glob("*.json")) == sorted(LAYOUT)
    assert sorted(LAYOUT) == sorted(p.name for p in FIXTURES.glob("*.json"))


def test_reloading_the_dump_writes_nothing(catalogue, dumped):
    report = load_files(sorted(dumped.glob("*.json")))

    assert report.changes == 0
    assert sum(report.unchanged.values()) > 0


def test_dump_holds_the_same_records_in_the_same_files(catalogue, dumped):
    for name in LAYOUT:
        committed = _keys(_records(FIXTURES / name))
        written = _keys(_records(dumped / name))
        assert sorted(map(str, written)) == sorted(map(str, committed)), name
        assert len(set(written)) == len(written), f"{name} repeats a record"


def test_dump_leaves_out_ids_and_automatic_fields(catalogue, dumped):
    for name in LAYOUT:
        for item in _records(dumped / name):
            assert set(item) == {"model", "fields"}
            assert not AUTOMATIC_FIELDS & set(item["fields"]), item["model"]


def test_dump_is_json_with_unescaped_chinese_and_indent_2(catalogue, dumped):
    text = (dumped / "60_people.json").read_text(encoding="utf-8")
    assert '"name_zh": "習近平"' in text
    assert "\\u" not in text
    assert text.startswith('[\n  {\n    "model": ')
    assert text.endswith("]\n")


def test_dumped_files_equal_the_committed_files_byte_for_byte(catalogue, dumped):
    """Committed fixtures are in the dump's own layout, so editing the catalogue in the admin and
    dumping it gives a diff that shows only what changed."""
    differ = {
        name for name in LAYOUT if (dumped / name).read_bytes() != (FIXTURES / name).read_bytes()
    }
    assert not differ, (
        f"{sorted(differ)} differ from what dump_catalogue writes; regenerate them "
        "with `manage.py load_catalogue && manage.py dump_catalogue --only <files>` and review "
        "the diff"
    )


def test_dumping_twice_gives_the_same_bytes(catalogue, dumped, tmp_path):
    again = tmp_path / "again"
    dump(again)
    for name in LAYOUT:
        assert (again / name).read_bytes() == (dumped / name).read_bytes(), name


# --- layout rules, on small data ----------------------------------------------------------


@pytest.mark.django_db
def test_only_writes_the_files_asked_for(tmp_path):
    factories.SourceFactory(slug="a-source")

    written = dump(tmp_path, only=["00_sources.json"])

    assert [p.name for p in written] == ["00_sources.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["00_sources.json"]
    assert _records(tmp_path / "00_sources.json")[0]["fields"]["slug"] == "a-source"


@pytest.mark.django_db
def test_citations_follow_their_record_and_targets_follow_their_policy(tmp_path):
    source = factories.SourceFactory(slug="s")
    first = factories.PolicyFactory(slug="first")
    second = factories.PolicyFactory(slug="second")
    target = models.Metric.objects.create(
        ref="first-target",
        policy=first,
        label_zh="核心產業規模",
        label_en="Core industry",
        kind=models.MetricKind.TARGET,
        value=Decimal("2300"),
        unit_zh="億元",
    )
    models.Metric.objects.create(
        ref="a-figure",
        region=factories.RegionFactory(),
        label_zh="x",
        label_en="x",
        kind="level",
        value=Decimal("0.38"),
    )
    for ref, target_field, row in [
        ("cite-target", "metric", target),
        ("cite-second", "policy", second),
        ("cite-first", "policy", first),
    ]:
        models.Citation.objects.create(ref=ref, source=source, quote="原文", **{target_field: row})

    dump(tmp_path)

    policies = _records(tmp_path / "50_policies.json")
    assert [r["fields"].get("slug") or r["fields"]["ref"] for r in policies] == [
        "first",
        "cite-first",
        "first-target",
        "cite-target",
        "second",
        "cite-second",
    ]
    assert policies[2]["fields"]["value"] == "2300"
    figures = _records(tmp_path / "30_figures.json")
    assert [r["fields"]["ref"] for r in figures] == ["a-figure"]
    assert figures[0]["fields"]["value"] == "0.38"


@pytest.mark.django_db
def test_parents_come_before_children_and_new_rows_go_last(tmp_path):
    child = factories.CompanyFactory(slug="a-child")
    parent = factories.CompanyFactory(slug="z-parent")
    child.parent = parent
    child.save()
    factories.CompanyFactory(slug="added-later")

    dump(tmp_path, only=["10_organisations.json"])

    slugs = [r["fields"]["slug"] for r in _records(tmp_path / "10_organisations.json")]
    assert slugs == ["z-parent", "a-child", "added-later"]
    # and the file loads back into the same rows without writing anything
    assert load_files([tmp_path / "10_organisations.json"]).changes == 0


@pytest.mark.django_db
def test_record_puts_the_natural_key_first_and_sorts_many_to_many():
    sectors = [factories.SectorFactory(slug=slug) for slug in ("zz", "aa", "mm")]
    company = factories.CompanyFactory(slug="acme", name_zh="測試")
    company.sectors.set(sectors)

    fields = record(company)["fields"]

    assert next(iter(fields)) == "slug"
    assert fields["sectors"] == [["aa"], ["mm"], ["zz"]]
    assert fields["parent"] is None
    assert fields["published"] is True


@pytest.mark.django_db
def test_a_database_with_synthetic_data_is_not_dumped(tmp_path):
    from catalog.synthetic import SOURCE_SLUG

    factories.SourceFactory(slug=SOURCE_SLUG)
    with pytest.raises(CommandError, match="synthetic benchmark data"):
        call_command("dump_catalogue", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
