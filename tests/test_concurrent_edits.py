"""No edit is lost when editors save at the same time: 8 editors each save an organisation 25
times through the admin of a live server (gunicorn, production settings) while 32 readers load
public pages. Every save must succeed, every edit must be in the history afterwards, and no reader
may get a server error. Runs on the suite's database engine (SQLite, or PostgreSQL when
DATABASE_URL says so).

The figures are printed (pytest -s) and saved to test-artifacts/concurrent-edits.json.
"""

import json
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from tests import live_server
from tests.test_production_settings import ROOT

pytestmark = [pytest.mark.smoke, pytest.mark.load]

EDITORS = 8
SAVES = 25
READERS = 32
SAVE_TIMEOUT_S = 90
READER_PAGES = ["/", "/companies/", "/cases/", "/sectors/", "/search/?q=AI"]


def manage_output(env, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def edit_text(editor, save):
    return f"Edit {save} by editor {editor}."


def test_eight_editors_and_thirty_two_readers_lose_nothing(tmp_path):
    port = live_server.free_port()
    with live_server.database_url(tmp_path) as url:
        env = live_server.server_env(tmp_path, port, url)
        live_server.prepare(env)
        ids = json.loads(
            manage_output(
                env,
                "import json; from catalog.models import Company; "
                f"print(json.dumps(list(Company.objects.order_by('pk').values_list('pk', "
                f"flat=True)[:{EDITORS}])))",
            )
        )
        assert len(ids) == EDITORS
        # Eight editors, eight accounts (the login limit counts attempts per account and address).
        manage_output(
            env,
            "from django.contrib.auth.models import User; "
            f"[User.objects.create_superuser(f'editor{{n}}', 'e@x.org', "
            f"{live_server.ADMIN_PASSWORD!r}) for n in range({EDITORS})]; print('ok')",
        )
        failures, reader_statuses, save_seconds = [], Counter(), []
        editors_done = threading.Event()
        lock = threading.Lock()

        def editor(number, company_id):
            try:
                edit(number, company_id)
            except Exception as exc:  # a failed login or form counts as lost edits
                with lock:
                    failures.append((number, "setup", repr(exc)))

        def edit(number, company_id):
            session = live_server.Session(port)
            session.log_in(username=f"editor{number}")
            path = f"/admin/catalog/company/{company_id}/change/"
            fields = live_server.form_fields(session.get(path).text, "company_form")
            for save in range(SAVES):
                fields["description_en"] = edit_text(number, save)
                fields["_save"] = "Save"
                started = time.perf_counter()
                try:
                    # A save may wait for the others' (SQLite's busy timeout): give it that long.
                    response = session.post(path, fields, timeout=SAVE_TIMEOUT_S)
                    ok = response.status == 302 and "/change/" not in response.headers["Location"]
                    detail = (response.status, live_server.first_error(response.text))
                except OSError as exc:
                    ok, detail = False, repr(exc)
                with lock:
                    save_seconds.append(time.perf_counter() - started)
                    if not ok:
                        failures.append((number, save, detail))

        def reader(number):
            while not editors_done.is_set():
                path = READER_PAGES[number % len(READER_PAGES)]
                number += 1
                try:
                    status = live_server.request(port, path).status
                except OSError as exc:
                    status = type(exc).__name__
                with lock:
                    reader_statuses[status] += 1

        with live_server.gunicorn(env, port, tmp_path / "gunicorn.log"):
            readers = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
            editors = [
                threading.Thread(target=editor, args=(n, company_id))
                for n, company_id in enumerate(ids)
            ]
            started = time.perf_counter()
            for thread in readers + editors:
                thread.start()
            for thread in editors:
                thread.join()
            editors_done.set()
            for thread in readers:
                thread.join()
            elapsed = time.perf_counter() - started

        stored = json.loads(
            manage_output(
                env,
                "import json; from catalog.models import Company; "
                f"ids = {ids}; "
                "print(json.dumps({str(c.pk): [c.description_en, "
                "list(c.history.values_list('description_en', flat=True))] "
                "for c in Company.objects.filter(pk__in=ids)}))",
            )
        )

    missing = []
    for number, company_id in enumerate(ids):
        current, history = stored[str(company_id)]
        if current != edit_text(number, SAVES - 1):
            missing.append((company_id, "current", current))
        missing += [
            (company_id, "history", edit_text(number, save))
            for save in range(SAVES)
            if edit_text(number, save) not in history
        ]
    server_errors = sum(n for status, n in reader_statuses.items() if not isinstance(status, int))
    server_errors += sum(
        n for status, n in reader_statuses.items() if isinstance(status, int) and status >= 500
    )
    figures = {
        "database": url.partition(":")[0],
        "saves": EDITORS * SAVES,
        "failed_saves": len(failures),
        "edits_missing": len(missing),
        "reader_requests": sum(reader_statuses.values()),
        "reader_errors": server_errors,
        "reader_statuses": {str(k): v for k, v in reader_statuses.items()},
        "slowest_save_s": round(max(save_seconds, default=0), 2),
        "elapsed_s": round(elapsed, 1),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "concurrent-edits.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("\nconcurrent edits:", json.dumps(figures))
    assert not failures, failures[:5]
    assert not missing, missing[:5]
    assert server_errors == 0, reader_statuses
