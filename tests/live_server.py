"""The production stack on a free loopback port, for tests that need real processes: gunicorn with
gunicorn.conf.py and production settings, a database of its own (a temporary SQLite file, or a
fresh PostgreSQL database on the server DATABASE_URL names when the suite runs on PostgreSQL)
with the catalogue loaded and an administrator, and a few HTTP helpers (an admin session, the
fields of a form as the browser would send them).
"""

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from tests import template_databases
from tests.test_production_settings import ROOT, production_env

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ADMIN_USER = "editor"
ADMIN_PASSWORD = "a-long-test-password-" + "x" * 8  # noqa: S105


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_url(work, *, copy_of=None):
    """A database for one live server: SQLite in ``work``, or a PostgreSQL database made fresh
    (and dropped afterwards) on the server the suite's DATABASE_URL points at.

    Empty, or with ``copy_of="migrated"`` a copy of a database ``manage.py migrate`` made, with
    ``copy_of="catalogue"`` one where ``manage.py load_catalogue`` ran after it (made once per
    test run: tests/template_databases.py)."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        path = work / "atlas.sqlite3"
        if copy_of:
            template_databases.sqlite_copy(copy_of, path)
        yield f"sqlite:///{path}"
        return
    import psycopg

    parts = urlsplit(suite_url)
    name = f"atlas_live_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    if copy_of:
        template_databases.postgres_copy(copy_of, suite_url, name)
    else:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(work, port, url, **overrides):
    return production_env(
        DATABASE_URL=url,
        DJANGO_STATIC_ROOT=str(work / "static"),
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SERVE_MEDIA="true",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_LOGIN_THROTTLE_DIR=str(work / "login-throttle"),
        ATLAS_PAGE_CACHE_DIR=str(work / "page-cache"),
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        **overrides,
    )


def prepare(env, *, catalogue=True):
    """collectstatic, migrate, load_catalogue (optional) and an administrator, as an operator
    would."""
    manage = [sys.executable, "manage.py"]
    steps = [[*manage, "collectstatic", "--noinput"], [*manage, "migrate", "--noinput"]]
    if catalogue:
        steps.append([*manage, "load_catalogue"])
    steps.append(
        [*manage, "createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "e@x.org"]
    )
    for args in steps:
        result = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{args[2]} failed:\n{result.stdout}\n{result.stderr}"


@contextlib.contextmanager
def gunicorn(env, port, log_path):
    """gunicorn --config gunicorn.conf.py until the block ends; waits for /healthz first."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if request(port, "/healthz").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def request(port, path, *, method="GET", body=None, headers=None, timeout=90):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})}
        )
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


class Session:
    """Cookies and CSRF for one browser-like client of a live server."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, path, **kwargs):
        response = request(self.port, path, headers=self._headers(), **kwargs)
        self._keep_cookies(response)
        return response

    def post(self, path, fields, **kwargs):
        body = urlencode(fields, doseq=True)
        headers = self._headers(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
                "Origin": f"http://127.0.0.1:{self.port}",
            }
        )
        response = request(self.port, path, method="POST", body=body, headers=headers, **kwargs)
        self._keep_cookies(response)
        return response

    def log_in(self, username=ADMIN_USER, password=ADMIN_PASSWORD):
        page = self.get("/admin/login/")
        fields = form_fields(page.text, "login-form")
        fields.update(username=username, password=password)
        response = self.post("/admin/login/?next=/admin/", fields)
        assert response.status == 302, (response.status, response.text[:500])
        return response


class _FormParser(HTMLParser):
    """The name/value pairs a browser would submit for the form with a given id (no files)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.fields.append((name, value.removeprefix("\n")))
            self._textarea = None


def form_fields(html, form_id):
    """The fields of form ``form_id`` as a dict of name → value (lists for repeated names)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    fields = {}
    for name, value in parser.fields:
        if name in fields:
            previous = fields[name]
            fields[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            fields[name] = value
    assert fields, f"no form with id {form_id!r} in the page"
    return fields


def first_error(html):
    found = re.search(r'class="errornote"[^>]*>(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else html[:300]


def random_text():
    return secrets.token_hex(6)
