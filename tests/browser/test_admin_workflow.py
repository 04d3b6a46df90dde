"""An editor's day in a real browser: sign in, retitle a case, add a figure and a citation on the
case's page, see both on the public page, then restore the earlier title from the history."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from playwright.sync_api import expect

from catalog.admin.roles import sync_editors_group
from tests import factories as f

PASSWORD = "a-long-test-passphrase-9431"  # noqa: S105 (test account only)
# Copied verbatim from the source article.
QUOTE = "該工廠投運後,人均產值提升250%,物料週轉率提升300%。"


@pytest.fixture
def editor(transactional_db):
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(sync_editors_group(Group, Permission))
    return user


def test_editor_changes_a_case_adds_a_figure_and_restores_the_old_title(
    live_server, page, screenshot, editor
):
    f.SourceFactory()  # the only source: new citation rows start with it selected
    case = f.CaseFactory(title_en="Serpentine-tube factory")
    public_url = live_server.url + case.get_absolute_url()
    change_url = live_server.url + reverse("admin:catalog_case_change", args=[case.pk])

    # Sign in as an editor.
    page.goto(change_url)
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#id_title_en")).to_have_value("Serpentine-tube factory")

    # Retitle the case, add a figure and a citation in their inlines, save.
    page.fill("#id_title_en", "Digital-intelligent serpentine-tube factory")
    page.locator("#metrics-group .add-row a").click()
    page.fill("[name=metrics-0-label_zh]", "人均產值提升")
    page.fill("[name=metrics-0-label_en]", "Rise in output per worker")
    page.select_option("[name=metrics-0-kind]", "change")
    page.fill("[name=metrics-0-value]", "250")
    page.fill("[name=metrics-0-unit_en]", "%")
    page.locator("#citations-group .add-row a").click()
    page.fill("[name=citations-0-quote]", QUOTE)
    screenshot("admin-case-edit")
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # The public page shows the new title, the figure and the citation.
    page.goto(public_url)
    expect(page.locator("h1")).to_contain_text("Digital-intelligent serpentine-tube factory")
    expect(page.locator("main")).to_contain_text("Rise in output per worker")
    expect(page.locator("main")).to_contain_text("250")
    page.locator("details.citations summary").first.click()
    expect(page.locator("details.citations").first).to_contain_text(QUOTE)
    screenshot("public-case-after-edit")

    # Restore the first version from the history.
    page.goto(change_url)
    page.locator("a.historylink").first.click()
    expect(page.locator("#change-history")).to_contain_text("Digital-intelligent")
    page.locator("#change-history tbody tr").last.locator("td a").first.click()
    expect(page.locator("#id_title_en")).to_have_value("Serpentine-tube factory")
    screenshot("admin-case-revert")
    page.locator("input[name=_save][value=Revert]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The public page shows the old title again; the figure added meanwhile stays.
    page.goto(public_url)
    expect(page.locator("h1")).to_contain_text("Serpentine-tube factory")
    expect(page.locator("h1")).not_to_contain_text("Digital-intelligent")
    expect(page.locator("main")).to_contain_text("Rise in output per worker")
    screenshot("public-case-after-restore")
