"""Readers' error reports: the link on every detail page and passage, the public form (CSRF, a
honeypot, length limits, a rate limit per address), the moderation queue in the admin, and
nothing a reader sends shown in public."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from catalog import reports
from catalog.admin.roles import EDITORS_GROUP, sync_editors_group
from catalog.models import ErrorReport, ReportStatus
from tests import factories as f
from tests.html_checks import html_problems

PASSWORD = "a-long-test-passphrase-9431"  # noqa: S105 (test accounts only)
REPORT_URL = "/report/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    caches[reports.THROTTLE_CACHE].clear()
    yield
    caches[reports.THROTTLE_CACHE].clear()


@pytest.fixture
def cited_case(db):
    case = f.CaseFactory(slug="serpentine-tubes", title_zh="蛇形管智能工廠")
    citation = f.CitationFactory(ref="cite-case-serpentine", company=None, case=case)
    return case, citation


@pytest.fixture
def editor_client(db):
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(sync_editors_group(Group, Permission))
    client = Client()
    client.force_login(user)
    return client


def report_data(**overrides):
    data = {
        "what_is_wrong": "The year of the factory is wrong.",
        "correction": "It opened in 2023.",
        "source_url": "https://example.org/news/1",
        "email": "reader@example.org",
        "website": "",
        "page": "",
        "citation": "",
    }
    data.update(overrides)
    return data


# --- The links ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_detail_page_and_each_of_its_passages_link_to_the_form(client, cited_case):
    case, citation = cited_case
    page = client.get(case.get_absolute_url()).content.decode()
    assert escape(reports.report_url(case.get_absolute_url())) in page
    assert escape(reports.report_url(case.get_absolute_url(), citation.ref)) in page
    assert "Report an error on this page" in page


@pytest.mark.django_db
def test_passages_on_a_source_page_link_to_the_form(client, cited_case):
    _case, citation = cited_case
    url = citation.source.get_absolute_url()
    assert escape(reports.report_url(url, citation.ref)) in client.get(url).content.decode()


@pytest.mark.django_db
def test_list_pages_have_no_page_report_link(client, cited_case):
    assert "Report an error on this page" not in client.get("/cases/").content.decode()


@pytest.mark.django_db
def test_the_link_keeps_the_language_of_the_page(client, cited_case):
    case, _citation = cited_case
    with translation.override("zh-hans"):
        url = case.get_absolute_url()
        expected = reports.report_url(url)
    assert expected.startswith("/zh-hans/report/?page=%2Fzh-hans%2Fcases%2F")
    assert escape(expected) in client.get(url).content.decode()


# --- The form ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_is_prefilled_with_the_page_and_shows_the_passage(client, cited_case):
    case, citation = cited_case
    response = client.get(reports.report_url(case.get_absolute_url(), citation.ref))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="page" value="{case.get_absolute_url()}"' in html
    assert f'name="citation" value="{citation.ref}"' in html
    assert "蛇形管智能工廠" in html
    assert citation.quote in html
    assert html_problems(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["https://elsewhere.example/cases/", "//elsewhere.example/", "/admin/", "/no-such-page/", "x"],
)
def test_a_page_outside_the_catalogue_is_not_taken(client, page):
    assert reports.site_path(page) == ""
    html = client.get(REPORT_URL, {"page": page}).content.decode()
    assert 'name="page" id="id_page"' in html  # no value
    assert 'href="https://elsewhere.example' not in html


@pytest.mark.django_db
def test_a_report_is_stored_as_new_with_the_record_and_passage_it_concerns(client, cited_case):
    case, citation = cited_case
    data = report_data(page=case.get_absolute_url(), citation=citation.ref)
    response = client.post(REPORT_URL, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("catalog:report_thanks"))
    report = ErrorReport.objects.get()
    assert report.status == ReportStatus.NEW
    assert report.page == case.get_absolute_url()
    assert report.record == case
    assert (report.citation, report.citation_ref) == (citation, citation.ref)
    assert (report.what_is_wrong, report.correction) == (data["what_is_wrong"], data["correction"])
    assert (report.source_url, report.email) == (data["source_url"], data["email"])
    assert report.history.count() == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your report" in thanks
    assert f'href="{case.get_absolute_url()}"' in thanks


@pytest.mark.django_db
def test_a_report_from_a_chinese_page_finds_its_record(client, cited_case):
    case, _citation = cited_case
    with translation.override("zh-hant"):
        page = case.get_absolute_url()
        url = reverse("catalog:report")
    assert client.post(url, report_data(page=page)).status_code == 302
    assert ErrorReport.objects.get().record == case


@pytest.mark.django_db
def test_only_what_is_wrong_is_required(client):
    data = report_data(correction="", source_url="", email="")
    assert client.post(REPORT_URL, data).status_code == 302
    assert ErrorReport.objects.get().page == ""


@pytest.mark.django_db
def test_bad_input_returns_the_form_with_errors_and_what_was_typed(client):
    data = report_data(what_is_wrong="  ", correction="1200萬畝", source_url="not a link")
    data["email"] = "nobody@"
    response = client.post(REPORT_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not ErrorReport.objects.exists()
    assert "Your report was not sent" in html
    assert "Please say what is wrong." in html
    assert "Enter a full web address" in html
    assert "Enter a valid e-mail address" in html
    for typed in ("1200萬畝", 'value="not a link"', 'value="nobody@"'):
        assert typed in html
    assert html_problems(html) == []


@pytest.mark.django_db
def test_length_limits(client):
    at_limit = "錯" * 2000
    assert client.post(REPORT_URL, report_data(what_is_wrong=at_limit)).status_code == 302
    over = report_data(what_is_wrong="錯" * 2001, correction="對" * 2001)
    response = client.post(REPORT_URL, over)
    assert response.status_code == 200
    assert "Please keep this to 2000 characters (it has 2001)." in response.content.decode()
    long_url = report_data(source_url="https://example.org/" + "a" * 500)
    assert client.post(REPORT_URL, long_url).status_code == 200
    assert ErrorReport.objects.count() == 1


@pytest.mark.django_db
def test_the_honeypot_stores_nothing(client):
    response = client.post(REPORT_URL, report_data(website="https://spam.example/"))
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_a_report_needs_the_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(REPORT_URL, report_data()).status_code == 403
    assert not ErrorReport.objects.exists()
    form = browser.get(REPORT_URL)
    token = form.context["csrf_token"]
    assert browser.post(REPORT_URL, report_data(csrfmiddlewaretoken=token)).status_code == 302
    assert ErrorReport.objects.count() == 1


@pytest.mark.django_db
def test_the_rate_limit_counts_reports_per_address(monkeypatch):
    monkeypatch.setattr(reports, "REPORTS_PER_WINDOW", 2)
    reader, other = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.6")
    for _ in range(2):
        assert reader.post(REPORT_URL, report_data()).status_code == 302
    refused = reader.post(REPORT_URL, report_data(what_is_wrong="One more mistake."))
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(reports.WINDOW)
    assert "One more mistake." in refused.content.decode()
    assert "You have sent many reports" in refused.content.decode()
    assert ErrorReport.objects.count() == 2
    assert other.post(REPORT_URL, report_data()).status_code == 302
    assert ErrorReport.objects.count() == 3


@pytest.mark.django_db
def test_the_form_page_is_never_stored_by_the_page_cache(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    for _ in range(2):
        response = client.get(REPORT_URL)
        assert response.get("X-Cache") != "hit"
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


# --- Nothing public ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_a_reader_sends_is_shown_in_public(client, cited_case):
    case, citation = cited_case
    secret = "Zqxv reader words 9431"
    data = report_data(what_is_wrong=secret, correction=secret, email="zqxv@example.org")
    client.post(REPORT_URL, dict(data, page=case.get_absolute_url(), citation=citation.ref))
    assert ErrorReport.objects.count() == 1
    for url in (
        case.get_absolute_url(),
        citation.source.get_absolute_url(),
        "/",
        "/cases/",
        "/search/?q=Zqxv",
        REPORT_URL + "?page=" + case.get_absolute_url(),
        reverse("catalog:report_thanks"),
        "/api/v1/cases/",
    ):
        html = client.get(url).content.decode()
        assert "reader words" not in html, url
        assert "zqxv@example.org" not in html, url


# --- The moderation queue ----------------------------------------------------------------------


@pytest.mark.django_db
def test_editors_see_the_queue_and_moderate_a_report(editor_client, cited_case):
    case, citation = cited_case
    report = f.ErrorReportFactory(page=case.get_absolute_url(), citation=citation)
    changelist = editor_client.get(reverse("admin:catalog_errorreport_changelist"))
    assert changelist.status_code == 200
    assert report.what_is_wrong in changelist.content.decode()
    url = reverse("admin:catalog_errorreport_change", args=[report.pk])
    page = editor_client.get(url).content.decode()
    assert citation.ref in page
    assert report.what_is_wrong in page
    data = {"status": ReportStatus.ACCEPTED, "editor_note": "Year corrected on the case."}
    assert editor_client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.editor_note == "Year corrected on the case."
    assert report.what_is_wrong.startswith("The figure")  # the reader's words stay as sent
    assert report.history.count() == 2
    assert editor_client.get(reverse("admin:catalog_errorreport_add")).status_code == 403
    history = reverse("admin:catalog_errorreport_history", args=[report.pk])
    assert editor_client.get(history).status_code == 200


@pytest.mark.django_db
def test_the_list_actions_accept_and_reject_with_history(editor_client):
    first, second = f.ErrorReportFactory(), f.ErrorReportFactory()
    url = reverse("admin:catalog_errorreport_changelist")
    data = {"action": "mark_rejected", "_selected_action": [first.pk, second.pk]}
    assert editor_client.post(url, data).status_code == 302
    assert set(ErrorReport.objects.values_list("status", flat=True)) == {ReportStatus.REJECTED}
    assert first.history.count() == 2


@pytest.mark.django_db
def test_the_admin_index_counts_the_new_reports(editor_client, admin_client):
    f.ErrorReportFactory.create_batch(2)
    f.ErrorReportFactory(status=ReportStatus.ACCEPTED)
    for client in (editor_client, admin_client):
        html = client.get(reverse("admin:index")).content.decode()
        assert "2 new error reports from readers are waiting for an editor." in html
        assert reverse("admin:catalog_errorreport_changelist") + "?status__exact=new" in html
    nobody = User.objects.create_user("staff", password=PASSWORD, is_staff=True)
    plain = Client()
    plain.force_login(nobody)
    assert "error report" not in plain.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_data_migration_lets_editors_moderate_reports():
    migration = importlib.import_module("catalog.migrations.0012_error_reports")
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.clear()
    migration.let_editors_moderate(global_apps, None)
    # Run on the live registry, it leaves the app as it found it (a lost models_module made
    # every later flush skip the catalogue's content types and permissions).
    assert global_apps.get_app_config("catalog").models_module is not None
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_errorreport", "change_errorreport", "view_historicalerrorreport"} <= codenames
    assert "change_historicalerrorreport" not in codenames


@pytest.mark.django_db
def test_a_report_leaves_the_cached_pages_alone(django_capture_on_commit_callbacks):
    from catalog.cache import catalogue_version

    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        report = f.ErrorReportFactory()
        report.status = ReportStatus.REJECTED
        report.save()
    assert catalogue_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        f.SectorFactory()
    assert catalogue_version() != before
