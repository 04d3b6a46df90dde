"""The admin login limit counts in the database, atomically: concurrent attempts from several
processes let exactly the configured number through; windows end; lockouts are listed in the
admin and lifted there."""

import datetime
import subprocess
import sys
from collections import Counter

import pytest
from django.utils import timezone

from site_config.login_throttle import count_attempt, is_locked
from site_config.models import LoginAttempts
from tests.test_healthz import run_on_fresh_database
from tests.test_production_settings import ROOT

KEY = (LoginAttempts.Scope.USER, "192.0.2.1", "editor")


@pytest.mark.django_db
def test_each_attempt_gets_the_next_number_and_a_window_starts_again(settings):
    assert [count_attempt(KEY) for _ in range(3)] == [1, 2, 3]
    row = LoginAttempts.objects.get()
    assert (row.scope, row.address, row.username) == KEY
    row.window_started -= datetime.timedelta(seconds=settings.ADMIN_LOGIN_FAILURE_WINDOW + 1)
    row.save()
    assert count_attempt(KEY) == 1, "the window had ended"


@pytest.mark.django_db
def test_a_lockout_is_listed_in_the_admin_and_lifted_there(admin_client, client, settings):
    for _ in range(settings.ADMIN_LOGIN_FAILURE_LIMIT + 1):
        client.post("/admin/login/", {"username": "Editor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "editor"}).status_code == 429
    row = LoginAttempts.objects.get(scope=LoginAttempts.Scope.USER)
    assert row.username == "editor"
    assert is_locked(row)
    changelist = admin_client.get("/admin/site_config/loginattempts/").content.decode()
    assert "editor" in changelist
    assert 'alt="True"' in changelist  # the "locked out" column
    response = admin_client.post(
        "/admin/site_config/loginattempts/",
        {"action": "lift_lockouts", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert not LoginAttempts.objects.filter(scope=LoginAttempts.Scope.USER).exists()
    assert client.post("/admin/login/", {"username": "editor"}).status_code == 200


def test_a_row_is_locked_only_within_its_window(settings):
    now = timezone.now()
    limit = settings.ADMIN_LOGIN_FAILURE_LIMIT
    row = LoginAttempts(scope=LoginAttempts.Scope.USER, count=limit, window_started=now)
    assert is_locked(row, now)
    row.count = limit - 1
    assert not is_locked(row, now)
    row.count, row.window_started = limit, now - datetime.timedelta(days=1)
    assert not is_locked(row, now)


ATTEMPTS = """
import sys
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="198.51.100.4")
statuses = [
    client.post("/admin/login/", {{"username": "editor", "password": "wrong"}}).status_code
    for _ in range({attempts})
]
print("statuses", *statuses)
"""
SEVERAL_PROCESSES = """
import os, subprocess, sys
script = {script!r}
# The test settings (static files without collectstatic) on the database made for this test.
env = {{**os.environ, "DJANGO_SETTINGS_MODULE": "site_config.settings.test"}}
processes = [
    subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    for _ in range({processes})
]
outputs = [process.communicate(timeout=120)[0] for process in processes]
lines = [line for output in outputs for line in output.splitlines() if line.startswith("statuses")]
print(" ".join(line.removeprefix("statuses ") for line in lines))
"""


def test_concurrent_attempts_from_several_processes_let_exactly_the_limit_through(tmp_path):
    from django.conf import settings

    processes, attempts = 4, 4
    script = SEVERAL_PROCESSES.format(
        script=ATTEMPTS.format(attempts=attempts), processes=processes
    )
    statuses = Counter(run_on_fresh_database(tmp_path, script).split())
    assert statuses == {
        "200": settings.ADMIN_LOGIN_FAILURE_LIMIT,
        "429": processes * attempts - settings.ADMIN_LOGIN_FAILURE_LIMIT,
    }


def test_the_model_has_its_migration():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "site_config", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
