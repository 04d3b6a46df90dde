"""A reader reports an error in a real browser and an editor finds it in the admin's queue; a
second report from the same address within the hour is refused while the limit is one."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.urls import reverse
from playwright.sync_api import expect

from catalog import reports
from catalog.admin.roles import sync_editors_group
from catalog.models import ErrorReport, ReportStatus
from tests import factories as f

PASSWORD = "a-long-test-passphrase-9431"  # noqa: S105 (test account only)


@pytest.fixture
def editor(transactional_db):
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(sync_editors_group(Group, Permission))
    return user


def test_a_reader_reports_an_error_and_an_editor_accepts_it(
    live_server, page, screenshot, editor, monkeypatch
):
    monkeypatch.setattr(reports, "REPORTS_PER_WINDOW", 1)
    caches[reports.THROTTLE_CACHE].clear()
    # A transactional test empties the tables: content types cached by an earlier one are stale.
    ContentType.objects.clear_cache()
    case = f.CaseFactory(title_en="Serpentine-tube factory")
    f.CitationFactory(company=None, case=case)

    # The reader follows "Report an error" from a passage of the case's page.
    page.goto(live_server.url + case.get_absolute_url())
    page.locator("details.citations summary").first.click()
    page.locator("details.citations .report-link").first.click()
    expect(page.locator("h1")).to_have_text("Report an error")
    expect(page.locator(".report-concerns")).to_contain_text("企業是踐行新質生產力的主角。")

    # Sent empty, the form comes back with a clear error; then filled in, it is sent.
    page.fill("#id_correction", "It opened in 2023.")
    page.click("button.report-submit")
    expect(page.locator("#report-errors")).to_contain_text("Please say what is wrong.")
    expect(page.locator("#id_correction")).to_have_value("It opened in 2023.")
    page.fill("#id_what_is_wrong", "The year of the factory is wrong.")
    page.fill("#id_source_url", "https://example.org/news/1")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot("report-form-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("report-form-1280")
    page.click("button.report-submit")
    expect(page.locator("h1")).to_have_text("Thank you for your report")
    report = ErrorReport.objects.get()
    assert report.record == case
    assert report.citation is not None

    # A second report from the same address within the hour is refused, what was typed kept.
    page.goto(live_server.url + reverse("catalog:report"))
    page.fill("#id_what_is_wrong", "Another mistake.")
    page.click("button.report-submit")
    expect(page.locator("#report-errors")).to_contain_text("You have sent many reports")
    expect(page.locator("#id_what_is_wrong")).to_have_value("Another mistake.")
    assert ErrorReport.objects.count() == 1

    # The editor sees the count on the admin index, opens the queue and accepts the report.
    page.goto(live_server.url + reverse("admin:index"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    queue_link = page.locator(".report-queue a")
    expect(queue_link).to_contain_text("1 new error report from readers is waiting")
    queue_link.click()
    page.get_by_role("link", name="The year of the factory is wrong.").click()
    page.select_option("#id_status", ReportStatus.ACCEPTED)
    page.fill("#id_editor_note", "Checked against the article.")
    screenshot("admin-error-report")
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
