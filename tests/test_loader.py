"""The catalogue loader: one transaction, idempotent, and precise about what is wrong."""

import json

import pytest
from django.core.management import CommandError, call_command

from catalog import models
from catalog.loading import FixtureError, fixture_files, load_files

SOURCE = {
    "model": "catalog.source",
    "fields": {
        "slug": "test-source",
        "publication": "《財經》",
        "title": "測試",
        "language": "zh-Hant",
    },
}
SECTOR = {
    "model": "catalog.sector",
    "fields": {"slug": "bci", "kind": "future", "name_zh": "腦機介面", "name_en": "BCI"},
}
COMPANY = {
    "model": "catalog.company",
    "fields": {
        "slug": "zhiran",
        "name_zh": "智冉醫療科技有限公司",
        "name_en": "Zhiran Medical",
        "kind": "enterprise",
        "sectors": [["bci"]],
        "founded_on": "2022-01-01",
        "founded_precision": "year",
    },
}
CITATION = {
    "model": "catalog.citation",
    "fields": {
        "ref": "cite-zhiran",
        "source": ["test-source"],
        "quote": "成立於2022年的智冉醫療",
        "company": ["zhiran"],
    },
}


def write(folder, name, records):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def fixture_dir(tmp_path):
    folder = tmp_path / "fixtures"
    write(folder, "00_base.json", [SOURCE, SECTOR])
    write(folder, "10_companies.json", [COMPANY, CITATION])
    return folder


def counts():
    return {
        model._meta.label: model.objects.count()
        for model in (models.Source, models.Sector, models.Company, models.Citation)
    }


@pytest.mark.django_db
def test_load_creates_rows_with_relations(fixture_dir):
    report = load_files(fixture_files([fixture_dir]))
    company = models.Company.objects.get(slug="zhiran")
    assert [s.slug for s in company.sectors.all()] == ["bci"]
    assert company.citations.get().source.slug == "test-source"
    assert report.created["catalog.company"] == 1
    assert report.changes == 4
    # search text is filled on load, in simplified characters
    assert "智冉医疗" in company.search_text


@pytest.mark.django_db
def test_second_load_writes_nothing(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    before = counts()
    modified = models.Company.objects.get(slug="zhiran").modified
    history = models.Company.history.count()

    report = load_files(fixture_files([fixture_dir]))

    assert report.changes == 0
    assert sum(report.unchanged.values()) == 4
    assert counts() == before
    assert models.Company.objects.get(slug="zhiran").modified == modified
    assert models.Company.history.count() == history


@pytest.mark.django_db
def test_changed_fixture_updates_the_row_and_keeps_its_creation_time(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    created = models.Company.objects.get(slug="zhiran").created
    changed = json.loads(json.dumps(COMPANY))
    changed["fields"]["name_en"] = "Zhiran Medical Technology"
    write(fixture_dir, "10_companies.json", [changed, CITATION])

    report = load_files(fixture_files([fixture_dir]))

    company = models.Company.objects.get(slug="zhiran")
    assert company.name_en == "Zhiran Medical Technology"
    assert company.created == created
    assert report.updated["catalog.company"] == 1
    assert models.Company.objects.count() == 1


@pytest.mark.django_db
def test_broken_record_rolls_back_everything_and_names_file_and_record(fixture_dir):
    broken = json.loads(json.dumps(CITATION))
    broken["fields"]["ref"] = "cite-broken"
    broken["fields"]["company"] = ["no-such-company"]
    write(fixture_dir, "20_more.json", [broken])

    with pytest.raises(FixtureError) as excinfo:
        load_files(fixture_files([fixture_dir]))

    message = str(excinfo.value)
    assert "20_more.json" in message
    assert "record 1" in message
    assert "cite-broken" in message
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_rule_breaking_record_is_refused_with_the_rule(fixture_dir):
    bad = json.loads(json.dumps(COMPANY))
    bad["fields"].update(slug="no-precision", founded_precision="")
    write(fixture_dir, "20_more.json", [bad])

    with pytest.raises(FixtureError) as excinfo:
        load_files(fixture_files([fixture_dir]))

    assert "20_more.json, record 1 (catalog.company 'no-precision')" in str(excinfo.value)
    assert "precision" in str(excinfo.value)
    assert models.Company.objects.count() == 0


@pytest.mark.django_db
def test_failed_reload_leaves_the_loaded_catalogue_as_it_was(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    before = counts()
    changed = json.loads(json.dumps(COMPANY))
    changed["fields"]["name_en"] = "Renamed"
    write(fixture_dir, "10_companies.json", [changed, CITATION])
    (fixture_dir / "30_broken.json").write_text("[{not json", encoding="utf-8")

    with pytest.raises(FixtureError, match=r"30_broken\.json: not a readable JSON fixture"):
        load_files(fixture_files([fixture_dir]))

    assert counts() == before
    assert models.Company.objects.get(slug="zhiran").name_en == "Zhiran Medical"


@pytest.mark.django_db
def test_command_reports_counts_and_errors(fixture_dir, capsys):
    call_command("load_catalogue", str(fixture_dir))
    out = capsys.readouterr().out
    assert "organisations: 1 (1 new, 0 updated, 0 unchanged)" in out

    call_command("load_catalogue", str(fixture_dir))
    assert "nothing written" in capsys.readouterr().out

    write(fixture_dir, "20_more.json", [{"model": "catalog.nosuchmodel", "fields": {}}])
    with pytest.raises(CommandError, match=r"Nothing was loaded\. 20_more\.json, record 1"):
        call_command("load_catalogue", str(fixture_dir))


@pytest.mark.django_db
def test_command_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="No such fixture file or folder"):
        call_command("load_catalogue", str(tmp_path / "missing.json"))


# --- Edits made in the admin survive a load --------------------------------------------------

CASE = {
    "model": "catalog.case",
    "fields": {
        "slug": "zhiran-bci",
        "title_zh": "智冉醫療的腦機介面",
        "title_en": "Zhiran's brain-computer interface",
        "case_type": "frontier",
        "summary_zh": "摘要",
        "summary_en": "Summary",
        "sectors": [["bci"]],
    },
}


@pytest.fixture
def editor_client(client, django_user_model):
    from django.contrib.auth.models import Group, Permission

    from catalog.admin.roles import sync_editors_group

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(sync_editors_group(Group, Permission))
    client.force_login(editor)
    client.user = editor
    return client


@pytest.fixture
def loaded(fixture_dir):
    write(fixture_dir, "20_cases.json", [CASE])
    load_files(fixture_files([fixture_dir]))
    return fixture_dir


def edit_case_in_the_admin(client, **changes):
    from tests.test_admin import admin_url, form_data

    case = models.Case.objects.get(slug="zhiran-bci")
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(client.get(url))
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return case


@pytest.mark.django_db
def test_an_admin_edit_is_kept_and_reported(loaded, editor_client, capsys):
    edit_case_in_the_admin(editor_client, title_en="Edited by an editor", published=False)
    changed = json.loads(json.dumps(COMPANY))
    changed["fields"]["name_en"] = "Zhiran Medical Technology"
    write(loaded, "10_companies.json", [changed, CITATION])

    call_command("load_catalogue", str(loaded))

    case = models.Case.objects.get(slug="zhiran-bci")
    assert case.title_en == "Edited by an editor"
    assert case.published is False
    assert case.history.first().history_user == editor_client.user
    # A record nobody edited still takes the fixture's change.
    assert models.Company.objects.get(slug="zhiran").name_en == "Zhiran Medical Technology"
    out = capsys.readouterr().out
    assert "cases: 1 (0 new, 0 updated, 0 unchanged, 1 kept)" in out
    assert "Kept 1 record edited in the admin" in out
    assert "already up to date" not in out
    assert "  cases: 1\n" in out
    assert "zhiran-bci" not in out, "names only with -v 2"

    call_command("load_catalogue", str(loaded), verbosity=2)
    assert "  cases: 1: zhiran-bci" in capsys.readouterr().out


@pytest.mark.django_db
def test_unpublishing_from_the_list_is_kept(loaded, editor_client):
    from tests.test_admin import admin_url

    case = models.Case.objects.get(slug="zhiran-bci")
    editor_client.post(
        admin_url(models.Case, "changelist"),
        {"action": "unpublish", "_selected_action": [str(case.pk)]},
    )
    report = load_files(fixture_files([loaded]))
    assert report.kept == {"catalog.case": ["zhiran-bci"]}
    assert models.Case.objects.get(slug="zhiran-bci").published is False


@pytest.mark.django_db
def test_overwrite_edits_replaces_them_and_says_so_in_the_history(loaded, editor_client, capsys):
    edit_case_in_the_admin(editor_client, title_en="Edited by an editor", published=False)

    call_command("load_catalogue", str(loaded), overwrite_edits=True)

    case = models.Case.objects.get(slug="zhiran-bci")
    assert case.title_en == CASE["fields"]["title_en"]
    assert case.published is True
    assert "1 updated" in capsys.readouterr().out
    latest = case.history.first()
    assert latest.history_user is None
    assert latest.history_change_reason == "load_catalogue: fixtures/20_cases.json"
    # The load is now the latest version: the next load treats the record as untouched.
    assert load_files(fixture_files([loaded])).kept == {}


@pytest.mark.django_db
def test_an_edit_the_fixtures_agree_with_is_simply_unchanged(loaded, editor_client):
    edit_case_in_the_admin(editor_client, title_en="Edited by an editor")
    edited = json.loads(json.dumps(CASE))
    edited["fields"]["title_en"] = "Edited by an editor"
    write(loaded, "20_cases.json", [edited])  # as dump_catalogue would write it
    report = load_files(fixture_files([loaded]))
    assert report.kept == {}
    assert report.changes == 0


@pytest.mark.django_db
def test_the_loaders_versions_carry_the_fixture_file_and_no_user(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    version = models.Company.objects.get(slug="zhiran").history.get()
    assert version.history_user is None
    assert version.history_change_reason == "load_catalogue: fixtures/10_companies.json"
    assert version.history_type == "+"
    # One version holds the row and its links.
    assert [link.sector.slug for link in version.sectors.all()] == ["bci"]


@pytest.mark.django_db
def test_a_record_given_twice_is_refused_with_both_places(fixture_dir):
    write(fixture_dir, "20_more.json", [SECTOR])
    with pytest.raises(FixtureError) as excinfo:
        load_files(fixture_files([fixture_dir]))
    message = str(excinfo.value)
    assert message.startswith("20_more.json, record 1 (catalog.sector 'bci')")
    assert "the same record as 00_base.json, record 2" in message
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_records_name_rows_by_natural_key_not_by_database_id(fixture_dir):
    with_id = {**SECTOR, "pk": 7, "fields": {**SECTOR["fields"], "slug": "other"}}
    write(fixture_dir, "20_more.json", [with_id])
    with pytest.raises(FixtureError, match="by their natural key, not by a database id"):
        load_files(fixture_files([fixture_dir]))


@pytest.mark.django_db
def test_a_changed_record_may_point_at_a_row_new_in_the_same_load(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    parent = {
        "model": "catalog.company",
        "fields": {**COMPANY["fields"], "slug": "zhiran-group", "name_en": "Zhiran Group"},
    }
    child = json.loads(json.dumps(COMPANY))
    child["fields"]["parent"] = ["zhiran-group"]
    write(fixture_dir, "10_companies.json", [parent, child, CITATION])

    report = load_files(fixture_files([fixture_dir]))

    assert (report.created["catalog.company"], report.updated["catalog.company"]) == (1, 1)
    assert models.Company.objects.get(slug="zhiran").parent.slug == "zhiran-group"
    latest = models.Company.objects.get(slug="zhiran").history.first()
    assert latest.history_type == "~"
    assert [link.sector.slug for link in latest.sectors.all()] == ["bci"]


# The catalogue's loads in queries: each table read once, new rows written in bulk, nothing
# written again. Measured: 227 and 35 on SQLite (the themes and their five link tables add 25
# and 7; the people a statement is also attributed to 2 and 1; the tree index made again after
# a load that wrote something 12 and 0).
FIRST_LOAD_MAX_QUERIES = 235
RELOAD_MAX_QUERIES = 36


@pytest.mark.django_db
def test_loading_the_catalogue_takes_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(FIRST_LOAD_MAX_QUERIES):
        first = load_files(fixture_files())
    assert sum(first.created.values()) > 700
    with django_assert_max_num_queries(RELOAD_MAX_QUERIES):
        again = load_files(fixture_files())
    assert again.changes == 0
    assert sum(again.unchanged.values()) == sum(first.created.values())


# --- The real catalogue ------------------------------------------------------------------------

FOUR_ENTERPRISES = [
    "zhiran-medical",
    "xuechuan-agriculture",
    "jinhua-ham-company",
    "dongfang-boiler",
]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", FOUR_ENTERPRISES)
def test_the_four_enterprises_load_with_cases_and_citations(catalogue, slug):
    company = models.Company.objects.get(slug=slug)
    assert company.published
    assert company.citations.exists()
    assert company.sectors.exists()
    assert company.region_id is not None
    cases = models.Case.objects.filter(companies=company)
    assert cases.exists()
    for case in cases:
        assert case.citations.exists()
        assert all(metric.citations.exists() for metric in case.metrics.all())


@pytest.mark.django_db
def test_jinhua_ham_company_belongs_to_its_parent_group(catalogue):
    company = models.Company.objects.get(slug="jinhua-ham-company")
    assert company.parent.slug == "jinhua-jintou-group"


@pytest.mark.django_db
def test_zhiran_funding_rounds_and_investors_as_stated(catalogue):
    company = models.Company.objects.get(slug="zhiran-medical")
    stages = set(company.funding_rounds.values_list("stage", flat=True))
    assert stages == {models.Stage.SEED, models.Stage.ANGEL, models.Stage.ANGEL_PLUS}
    assert not company.funding_rounds.filter(amount_disclosed=True).exists()
    investors = set(company.investments_received.values_list("investor__slug", flat=True))
    assert investors == {"hongshan-sequoia-china", "meituan", "baidu", "shunwei-capital"}


@pytest.mark.django_db
def test_dongfang_boiler_figures(catalogue):
    values = {
        metric.value
        for metric in models.Metric.objects.filter(case__roles__company__slug="dongfang-boiler")
    }
    assert {250, 300, 17} <= values


@pytest.mark.django_db
def test_loading_the_real_catalogue_twice_writes_nothing(catalogue):
    assert catalogue.changes > 0
    again = load_files(fixture_files())
    assert again.changes == 0


# --- records the loader refuses, each with a message that says what is wrong --------------

BAD_RECORDS = [
    pytest.param("a string", 'a record is an object with "model" and "fields"', id="not-object"),
    pytest.param(
        {"model": "catalog.sector", "fields": ["bci"]},
        'a record is an object with "model" and "fields"',
        id="fields-not-object",
    ),
    pytest.param(
        {"model": "auth.group", "fields": {"name": "editors"}},
        "auth.group has no natural key the loader can use",
        id="model-without-natural-key",
    ),
    pytest.param(
        {**SECTOR, "fields": {**SECTOR["fields"], "slug": "other", "colour": "red"}},
        "catalog.sector has no field named 'colour'",
        id="unknown-field",
    ),
    pytest.param(
        {**COMPANY, "fields": {**COMPANY["fields"], "slug": "other", "sectors": "bci"}},
        "sectors: a list of natural keys is expected",
        id="links-not-a-list",
    ),
    pytest.param(
        {**SECTOR, "fields": {**SECTOR["fields"], "slug": "other", "id": 5}},
        "id: not a field a fixture can set",
        id="database-id-field",
    ),
    pytest.param(
        {**COMPANY, "fields": {**COMPANY["fields"], "slug": "other", "citations": []}},
        "citations: not a field a fixture can set",
        id="reverse-relation",
    ),
    pytest.param(
        {**COMPANY, "fields": {**COMPANY["fields"], "slug": "other", "founded_on": "2022-13-45"}},
        "founded_on: ",
        id="bad-date",
    ),
    pytest.param(
        {**CITATION, "fields": {**CITATION["fields"], "ref": "other", "source": 999999}},
        "source: catalog.source matching 999999 does not exist",
        id="unknown-database-id",
    ),
    pytest.param(
        {**CITATION, "fields": {**CITATION["fields"], "ref": "other", "source": "abc"}},
        "source: catalog.source matching 'abc' does not exist",
        id="malformed-database-id",
    ),
    pytest.param(
        {**CITATION, "fields": {**CITATION["fields"], "ref": "other", "source": None}},
        "source: This field cannot be null.",
        id="required-reference-missing",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("record", "message"), BAD_RECORDS)
def test_a_malformed_record_is_refused_with_what_is_wrong(fixture_dir, record, message):
    write(fixture_dir, "20_more.json", [record])

    with pytest.raises(FixtureError) as excinfo:
        load_files(fixture_files([fixture_dir]))

    assert str(excinfo.value).startswith("20_more.json, record 1 (")
    assert message in str(excinfo.value)
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_a_fixture_that_is_not_a_list_is_refused(fixture_dir):
    (fixture_dir / "20_more.json").write_text(json.dumps(SECTOR), encoding="utf-8")

    with pytest.raises(FixtureError, match=r"20_more\.json: a fixture must be a JSON list"):
        load_files(fixture_files([fixture_dir]))


@pytest.mark.django_db
def test_a_reference_may_name_a_stored_row_by_its_database_id(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    source = models.Source.objects.get()
    by_id = {**CITATION, "fields": {**CITATION["fields"], "ref": "by-id", "source": source.pk}}
    write(fixture_dir, "20_more.json", [by_id])

    load_files(fixture_files([fixture_dir]))

    assert models.Citation.objects.get(ref="by-id").source == source


@pytest.mark.django_db
def test_changed_references_and_links_are_updated(fixture_dir):
    load_files(fixture_files([fixture_dir]))
    other_source = {**SOURCE, "fields": {**SOURCE["fields"], "slug": "other-source"}}
    other_sector = {**SECTOR, "fields": {**SECTOR["fields"], "slug": "chips", "name_en": "Chips"}}
    write(fixture_dir, "00_base.json", [SOURCE, SECTOR, other_source, other_sector])
    company = json.loads(json.dumps(COMPANY))
    company["fields"]["sectors"] = [["bci"], ["chips"]]
    citation = json.loads(json.dumps(CITATION))
    citation["fields"]["source"] = ["other-source"]
    write(fixture_dir, "10_companies.json", [company, citation])

    report = load_files(fixture_files([fixture_dir]))

    assert report.updated["catalog.company"] == report.updated["catalog.citation"] == 1
    zhiran = models.Company.objects.get(slug="zhiran")
    assert sorted(s.slug for s in zhiran.sectors.all()) == ["bci", "chips"]
    assert zhiran.citations.get().source.slug == "other-source"

    # The links changed only: a stored sector instead of a new one.
    company["fields"]["sectors"] = [["chips"]]
    write(fixture_dir, "10_companies.json", [company, citation])
    report = load_files(fixture_files([fixture_dir]))
    assert report.updated["catalog.company"] == 1
    assert [s.slug for s in zhiran.sectors.all()] == ["chips"]
    assert load_files(fixture_files([fixture_dir])).changes == 0


@pytest.mark.django_db
def test_a_database_rule_the_model_checks_miss_names_the_record(fixture_dir, monkeypatch):
    # The database keeps its own rules: a record that passes the model's checks but breaks one
    # is still refused, named, and nothing is written.
    monkeypatch.setattr(models.Citation, "clean", lambda self: None)
    blank = {**CITATION, "fields": {**CITATION["fields"], "ref": "blank", "quote": "   "}}
    write(fixture_dir, "20_more.json", [blank])

    with pytest.raises(FixtureError) as excinfo:
        load_files(fixture_files([fixture_dir]))

    assert str(excinfo.value).startswith("20_more.json, record 1 (catalog.citation 'blank')")
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_a_change_that_breaks_a_database_rule_names_the_record(fixture_dir, monkeypatch):
    load_files(fixture_files([fixture_dir]))
    monkeypatch.setattr(models.Citation, "clean", lambda self: None)
    blank = {**CITATION, "fields": {**CITATION["fields"], "quote": "   "}}
    write(fixture_dir, "10_companies.json", [COMPANY, blank])

    with pytest.raises(FixtureError, match=r"10_companies\.json, record 2 \(catalog\.citation"):
        load_files(fixture_files([fixture_dir]))

    assert models.Citation.objects.get().quote == CITATION["fields"]["quote"]
