"""The bulk download at /data/: a valid Frictionless Data Package and one JSON file of the
published catalogue, rebuilt when the catalogue changes, served with the right headers, and
never holding a draft."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from catalog import datapackage
from catalog.cache import bump_catalogue_version
from catalog.models import Case, Citation, Company, Metric, Person, Policy, Quote
from tests import factories as f
from tests.html_checks import html_problems
from tests.open_data_checks import json_ld_blocks


def build_folder(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    datapackage.build_into(folder, "http://testserver")
    return folder


def csv_rows(folder, table):
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_the_real_catalogue_is_a_valid_data_package(catalogue, tmp_path):
    folder = build_folder(tmp_path)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "message"])[:10]
    assert len(csv_rows(folder, "organisations")) == Company.objects.published().count()
    assert len(csv_rows(folder, "cases")) == Case.objects.published().count()
    assert len(csv_rows(folder, "policies")) == Policy.objects.published().count()
    assert len(csv_rows(folder, "people")) == Person.objects.published().count()
    assert len(csv_rows(folder, "figures")) == Metric.objects.published_subjects().count()
    assert len(csv_rows(folder, "citations")) == datapackage.public_citations().count()


@pytest.mark.django_db
def test_the_descriptor_states_types_keys_licence_and_how_to_cite(catalogue, tmp_path):
    package = json.loads((build_folder(tmp_path) / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "verbatim" in package["x-licence-note"]
    assert "http://testserver/data/" in package["x-citation"]
    resources = {resource["name"]: resource for resource in package["resources"]}
    organisations = resources["organisations"]["schema"]
    types = {field["name"]: field["type"] for field in organisations["fields"]}
    assert types["founded_on"] == "date"
    assert types["name_en_official"] == "boolean"
    assert types["aliases"] == "array"
    assert organisations["primaryKey"] == ["slug"]
    figures = {field["name"]: field["type"] for field in resources["figures"]["schema"]["fields"]}
    assert figures["value"] == "number"
    assert figures["start_year"] == "integer"
    citations = resources["citations"]["schema"]["foreignKeys"]
    assert {"fields": "source", "reference": {"resource": "sources", "fields": "slug"}} in citations
    assert all(resource["path"] == f"{name}.csv" for name, resource in resources.items())


@pytest.mark.django_db
def test_a_broken_foreign_key_is_caught_by_the_validation(tmp_path):
    """The check above means something: a citation pointing at an unknown source fails."""
    f.CitationFactory()
    folder = build_folder(tmp_path)
    path = folder / "citations.csv"
    text = path.read_text(encoding="utf-8").replace(",source-", ",missing-source-")
    path.write_text(text, encoding="utf-8")
    package = json.loads((folder / "datapackage.json").read_text())
    for resource in package["resources"]:
        resource.pop("hash")
        resource.pop("bytes")
    (folder / "datapackage.json").write_text(json.dumps(package))
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


@pytest.mark.django_db
def test_the_single_json_file_holds_the_same_rows(catalogue, tmp_path):
    folder = build_folder(tmp_path)
    whole = json.loads((folder / datapackage.JSON_FILE).read_text(encoding="utf-8"))
    assert whole["name"] == "xinzhi-atlas"
    for table in datapackage.table_names():
        assert len(whole["data"][table]) == len(csv_rows(folder, table)), table
    first = whole["data"]["organisations"][0]
    assert isinstance(first["aliases"], list)
    assert isinstance(first["name_en_official"], bool)


@pytest.mark.django_db
def test_drafts_never_reach_the_data_package(tmp_path):
    public = f.CompanyFactory(slug="public-org")
    draft = f.CompanyFactory(slug="draft-org", published=False)
    child = f.CompanyFactory(slug="child-org", parent=draft)
    draft_case = f.CaseFactory(slug="draft-case", published=False)
    f.CaseCompanyFactory(case=draft_case, company=public)
    draft_person = f.PersonFactory(slug="draft-person", published=False)
    f.QuoteFactory(ref="draft-quote", person=draft_person)
    f.PersonFactory(slug="employee", organisation=draft)
    f.MetricFactory(ref="draft-figure", case=draft_case)
    f.CitationFactory(ref="draft-citation", company=draft)
    f.CitationFactory(ref="public-citation", company=public)
    f.InvestmentFactory(ref="draft-investment", investee=public, investor=draft)
    draft_policy = f.PolicyFactory(slug="draft-policy", published=False)
    draft_policy.issuers.add(public)

    folder = build_folder(tmp_path)
    everything = "".join(path.read_text(encoding="utf-8") for path in folder.glob("*.csv"))
    everything += (folder / datapackage.JSON_FILE).read_text(encoding="utf-8")
    for secret in (
        "draft-org",
        "draft-case",
        "draft-person",
        "draft-quote",
        "draft-figure",
        "draft-citation",
        "draft-investment",
        "draft-policy",
        draft.name_zh,
    ):
        assert secret not in everything, secret
    organisations = {row["slug"]: row for row in csv_rows(folder, "organisations")}
    assert set(organisations) == {"public-org", "child-org"}
    assert organisations["child-org"]["parent"] == ""  # its parent is a draft
    assert {row["slug"]: row["organisation"] for row in csv_rows(folder, "people")} == {
        "employee": ""
    }
    assert [row["ref"] for row in csv_rows(folder, "citations")] == ["public-citation"]
    assert child.pk
    assert Quote.objects.count() == 1
    assert Citation.objects.count() == 2
    assert frictionless.validate(str(folder / "datapackage.json")).valid


@pytest.mark.django_db
def test_an_empty_catalogue_gives_a_valid_package_of_empty_tables(tmp_path):
    folder = build_folder(tmp_path)
    assert csv_rows(folder, "organisations") == []
    assert frictionless.validate(str(folder / "datapackage.json")).valid


@pytest.mark.django_db
def test_files_are_built_once_per_catalogue_version(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ATLAS_DATA_DIR = tmp_path / "data"
    f.CompanyFactory(slug="first")
    first = datapackage.current_build("http://testserver")
    assert datapackage.current_build("http://testserver").folder == first.folder
    with django_capture_on_commit_callbacks(execute=True):
        f.CompanyFactory(slug="second")
        bump_catalogue_version()
    second = datapackage.current_build("http://testserver")
    assert second.folder != first.folder
    assert not first.folder.exists()  # the stale build is removed
    rows = {row["slug"] for row in csv_rows(second.folder, "organisations")}
    assert rows == {"first", "second"}
    assert [p.name for p in Path(settings.ATLAS_DATA_DIR).iterdir() if p.is_dir()] == [
        second.folder.name
    ]


@pytest.mark.django_db
def test_the_files_are_served_with_type_disposition_and_validators(client):
    f.CompanyFactory(slug="public-org", name_zh="公開公司")
    response = client.get("/data/organisations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    assert "must-revalidate" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["slug"], row["name_zh"]) for row in rows] == [("public-org", "公開公司")]
    again = client.get("/data/organisations.csv", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304

    descriptor = client.get("/data/datapackage.json")
    assert descriptor["Content-Type"] == "application/json"
    assert descriptor["Content-Disposition"].startswith("inline")
    whole = client.get(f"/data/{datapackage.JSON_FILE}")
    assert whole["Content-Disposition"].startswith("attachment")
    assert client.get("/data/secrets.csv").status_code == 404
    assert client.get("/data/build.json").status_code == 404


@pytest.mark.django_db
def test_the_data_page_lists_the_files_with_sizes_and_dates(client):
    f.CompanyFactory()
    response = client.get(reverse("catalog:data"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html_problems(html) == []
    for name in ("datapackage.json", datapackage.JSON_FILE, "organisations.csv", "citations.csv"):
        assert f'href="/data/{name}"' in html
    assert "bytes" in html or "KB" in html
    assert "Creative Commons" in html
    (dataset,) = json_ld_blocks(html)
    assert dataset["@type"] == "Dataset"
    assert any(d["contentUrl"].endswith("/data/datapackage.json") for d in dataset["distribution"])


@pytest.mark.django_db(transaction=True)
def test_a_long_build_goes_on_in_the_background(settings, tmp_path):
    settings.ATLAS_DATA_DIR = tmp_path / "data"
    f.CompanyFactory(slug="background")
    first = datapackage.ready_build("http://testserver", wait=0)
    for thread in list(datapackage._building.values()):
        thread.join(60)
    build = first or datapackage.ready_build("http://testserver", wait=0)
    assert build is not None
    assert [row["slug"] for row in csv_rows(build.folder, "organisations")] == ["background"]


@pytest.mark.django_db
def test_while_the_files_are_made_the_page_says_so_and_files_answer_503(client, monkeypatch):
    monkeypatch.setattr(datapackage, "ready_build", lambda base_url, wait: None)
    page = client.get(reverse("catalog:data"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert html_problems(page.content.decode()) == []
    response = client.get("/data/organisations.csv")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_build_open_data_command(tmp_path, settings, db):
    settings.ATLAS_DATA_DIR = tmp_path / "data"
    out = StringIO()
    call_command("build_open_data", "https://atlas.example.org", stdout=out)
    assert "datapackage.json" in out.getvalue()
    (folder,) = [p for p in (tmp_path / "data").iterdir() if p.is_dir()]
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["homepage"] == "https://atlas.example.org/data/"
    with pytest.raises(CommandError):
        call_command("build_open_data", "atlas.example.org")


@pytest.mark.django_db
def test_a_folder_that_cannot_be_written_gives_503_not_500(client, settings, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.ATLAS_DATA_DIR = blocked / "open-data"
    assert client.get("/data/organisations.csv").status_code == 503
    page = client.get(reverse("catalog:data"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "open data cannot be built" in caplog.text


@pytest.mark.django_db
def test_themes_and_their_citations_are_in_the_package_drafts_not(tmp_path):
    theme = f.ThemeFactory(slug="public-theme")
    theme.cases.add(
        f.CaseFactory(slug="public-case"), f.CaseFactory(slug="draft-case", published=False)
    )
    draft = f.ThemeFactory(slug="draft-theme", published=False)
    f.CitationFactory(ref="theme-passage", company=None, theme=theme)
    f.CitationFactory(ref="draft-theme-passage", company=None, theme=draft)
    folder = build_folder(tmp_path)
    assert [row["slug"] for row in csv_rows(folder, "themes")] == ["public-theme"]
    assert [(row["theme"], row["case"]) for row in csv_rows(folder, "theme_cases")] == [
        ("public-theme", "public-case")
    ]
    citations = {row["ref"]: row for row in csv_rows(folder, "citations")}
    assert set(citations) == {"theme-passage"}
    assert citations["theme-passage"]["theme"] == "public-theme"
    assert frictionless.validate(str(folder / "datapackage.json")).valid
