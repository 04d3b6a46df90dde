"""Who may use the admin: editors edit the catalogue but not accounts; nobody else gets in.
And the command that makes an editor."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from catalog import models
from catalog.admin.roles import EDITORS_GROUP, sync_editors_group
from tests import factories as f
from tests.test_admin import ALL_MODELS, SEARCHES, admin_url, form_data, model_id

PASSWORD = "a-long-test-passphrase-9431"  # noqa: S105 (test accounts only)


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(sync_editors_group(Group, Permission))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- The group -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_data_migration_creates_the_editors_group():
    migration = importlib.import_module("catalog.migrations.0003_editors_group")
    Group.objects.filter(name=EDITORS_GROUP).delete()
    modules = {config.label: config.models_module for config in global_apps.get_app_configs()}
    migration.create_editors_group(global_apps, None)
    # Run on the live registry, it leaves every app as it found it (a lost models_module made
    # every later flush skip that app's content types and permissions).
    assert modules == {c.label: c.models_module for c in global_apps.get_app_configs()}
    group = Group.objects.get(name=EDITORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in ALL_MODELS:
        name = model._meta.model_name
        assert {f"add_{name}", f"change_{name}", f"delete_{name}", f"view_{name}"} <= codenames
        assert f"view_historical{name}" in codenames
        assert f"delete_historical{name}" not in codenames
    apps_granted = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert apps_granted == {"catalog"}


# --- Editors ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_editor_can_list_add_and_change_every_catalogue_model(editor_client, model):
    row = SEARCHES[model][0]()
    for view, args in (("changelist", ()), ("add", ()), ("change", (row.pk,))):
        response = editor_client.get(admin_url(model, view, *args))
        assert response.status_code == 200, (model, view)
    assert editor_client.get(admin_url(model, "history", row.pk)).status_code == 200


@pytest.mark.django_db
def test_editor_can_save_and_delete_unprotected_content(editor_client):
    case = f.CaseFactory(title_en="Before")
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(editor_client.get(url))
    data["title_en"] = "After"
    assert editor_client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.title_en == "After"
    response = editor_client.post(admin_url(models.Case, "delete", case.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not models.Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_editor_can_restore_a_version(editor_client):
    case = f.CaseFactory(title_en="Before")
    case.title_en = "After"
    case.save()
    url = admin_url(models.Case, "simple_history", case.pk, case.history.earliest().history_id)
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title_en == "Before"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:auth_group_add",
    ],
)
def test_editor_cannot_manage_users_or_groups(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


@pytest.mark.django_db
def test_editor_cannot_change_their_own_account_or_group(editor_client, editor):
    assert editor_client.get(reverse("admin:auth_user_change", args=[editor.pk])).status_code == 403
    group = editor.groups.get()
    assert editor_client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 403
    assert not editor.has_perm("auth.change_permission")


@pytest.mark.django_db
def test_admin_index_shows_editors_the_catalogue_only(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:catalog_case_changelist") in html
    assert reverse("admin:auth_user_changelist") not in html


# --- Everyone else -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "non-staff user", "staff without group"])
def test_others_cannot_reach_the_admin(client, who):
    if who == "non-staff user":
        client.force_login(User.objects.create_user("reader", password=PASSWORD))
    elif who == "staff without group":
        client.force_login(User.objects.create_user("staff", password=PASSWORD, is_staff=True))
    case = f.CaseFactory()
    for url in (
        admin_url(models.Case, "changelist"),
        admin_url(models.Case, "change", case.pk),
        admin_url(models.Case, "history", case.pk),
    ):
        response = client.get(url)
        if who == "staff without group":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("admin:login")), url
    data = {"action": "unpublish", "_selected_action": [str(case.pk)]}
    client.post(admin_url(models.Case, "changelist"), data)
    case.refresh_from_db()
    assert case.published


@pytest.mark.django_db
def test_non_staff_user_cannot_log_in_to_the_admin(client):
    User.objects.create_user("reader", password=PASSWORD)
    response = client.post(reverse("admin:login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 200
    assert "correct username and password for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_editor_logs_in_with_a_password(client, editor):
    response = client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# --- manage.py add_editor ------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch):
    """A terminal that answers the password prompts with the given answers, in order."""
    answers = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr(
        "catalog.management.commands.add_editor.getpass.getpass", lambda prompt: answers.pop(0)
    )
    return answers


@pytest.mark.django_db
def test_add_editor_creates_a_staff_account_in_the_group(terminal):
    terminal.extend([PASSWORD, PASSWORD])
    call_command("add_editor", "mei", "--email", "mei@example.org")
    user = User.objects.get(username="mei")
    assert user.is_staff
    assert not user.is_superuser
    assert user.email == "mei@example.org"
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert user.has_perm("catalog.change_case")
    assert not user.has_perm("auth.add_user")


@pytest.mark.django_db
def test_add_editor_asks_again_for_mismatched_or_weak_passwords(terminal, capsys):
    terminal.extend(["one-passphrase-abc", "another-passphrase", "123", "123", PASSWORD, PASSWORD])
    call_command("add_editor", "mei")
    assert User.objects.get(username="mei").check_password(PASSWORD)
    errors = capsys.readouterr().err
    assert "The two passwords differ" in errors
    assert "too short" in errors


@pytest.mark.django_db
def test_add_editor_gives_up_after_three_bad_passwords(terminal):
    terminal.extend(["a", "b"] * 3)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("add_editor", "mei")
    assert not User.objects.filter(username="mei").exists()


@pytest.mark.django_db
def test_add_editor_promotes_an_existing_account_and_keeps_its_password(terminal):
    User.objects.create_user("mei", password=PASSWORD)
    call_command("add_editor", "mei")
    user = User.objects.get(username="mei")
    assert user.is_staff
    assert user.check_password(PASSWORD)
    assert user.groups.filter(name=EDITORS_GROUP).exists()


@pytest.mark.django_db
def test_add_editor_recreates_a_missing_group():
    Group.objects.filter(name=EDITORS_GROUP).delete()
    call_command("add_editor", "mei", "--no-password")
    user = User.objects.get(username="mei")
    assert not user.has_usable_password()
    assert user.has_perm("catalog.add_company")


@pytest.mark.django_db
def test_add_editor_refuses_to_ask_without_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="not an interactive terminal"):
        call_command("add_editor", "mei")
    assert not User.objects.filter(username="mei").exists()
