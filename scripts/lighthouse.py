"""``make lighthouse``: Lighthouse's four scores for the site's pages, in one repeatable run.

1. Lighthouse, pinned (LIGHTHOUSE_VERSION), installed from npm into .lighthouse/ (git-ignored) when
   that version is not there yet.
2. A database of its own (.lighthouse/atlas.sqlite3): migrated and the catalogue loaded, as
   ``make serve`` does; static files collected into .lighthouse/staticfiles.
3. gunicorn with production settings on a free loopback port (scripts/bench.py's Server, so it is
   started, awaited and stopped the same way), uploads served by the site as ``make serve`` does.
4. Lighthouse's default run (mobile, simulated throttling) with Chromium on every list page, one
   detail page of each kind and the reader's pages, in English and simplified Chinese. A page below
   target is run again, up to RUNS times in all, and its best run kept: performance on a shared,
   loaded machine varies from run to run, the other three categories do not.
5. A table of the four category scores and the cumulative layout shift, on the terminal and in
   docs/lighthouse.md (with the date, commit, machine and command); the exit status is 1 when a
   page is below target, and the pages are named.

``python scripts/lighthouse.py --help`` lists the options.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (scripts/bench.py: the server, the machine, the commit)

WORK_DIR = ROOT / ".lighthouse"
DOC = ROOT / "docs" / "lighthouse.md"
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_CLI = WORK_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}
RUNS = 3
RUN_TIMEOUT = 180  # seconds for one Lighthouse run

# The categories of Lighthouse's report, in the table's order, and the score each must reach.
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
TARGETS = dict.fromkeys(CATEGORIES, 100)
CLS_AUDIT = "cumulative-layout-shift"


class LighthouseError(Exception):
    """A step failed; the message names it."""


def say(message):
    print(f"[lighthouse] {message}", flush=True)


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # without the language prefix


LIST_PAGES = [
    Page("Organisations", "/companies/"),
    Page("Cases", "/cases/"),
    Page("Policies", "/policies/"),
    Page("People", "/people/"),
    Page("Sectors", "/sectors/"),
    Page("Regions", "/regions/"),
]
READER_PAGES = [
    Page("Map", "/map/"),
    Page("Timeline", "/timeline/"),
    Page("About", "/about/"),
]


def pages_in(language, pages):
    """``pages`` with the prefix of ``language`` ("" for English)."""
    prefix = LANGUAGES[language]
    return [Page(page.name, prefix + page.path) for page in pages]


def choose_pages():
    """The pages to measure, the detail pages picked from the database: of each kind the record
    that cites most (the longest page of its kind). Runs with Django loaded."""
    from django.db.models import Count

    from catalog import models

    pages = list(LIST_PAGES)
    # (kind, rows, what makes its page long): the record with the most of it is measured.
    kinds = [
        ("Case", models.Case.objects.published(), "citations"),
        ("Organisation", models.Company.objects.published(), "citations"),
        ("Sector", models.Sector.objects.all(), "cases"),
        ("Region", models.Region.objects.all(), "cases"),
        ("Policy", models.Policy.objects.published(), "citations"),
        ("Person", models.Person.objects.published(), "citations"),
        ("Source", models.Source.objects.all(), "citations"),
        ("Theme", models.Theme.objects.published(), "citations"),
    ]
    for name, rows, related in kinds:
        record = rows.annotate(n=Count(related)).order_by("-n", "pk").first()
        if record is None:
            raise LighthouseError(f"no {name.lower()} in the catalogue to measure")
        pages.append(Page(f"{name}: {record.slug}", record.get_absolute_url()))
    pages += READER_PAGES
    cases = list(models.Case.objects.published().order_by("slug").values_list("slug", flat=True))
    if len(cases) >= 2:
        pages.append(Page("Compare two cases", f"/compare/?cases={cases[0]}&cases={cases[1]}"))
    first = models.Case.objects.published().order_by("pk").first()
    if first is not None:
        pages.append(Page("Report an error", f"/report/?page={first.get_absolute_url()}"))
    return pages


def run_probe(out):
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    pages = [{"name": page.name, "path": page.path} for page in choose_pages()]
    Path(out).write_text(json.dumps(pages))


# --- Reading a report -------------------------------------------------------------------------


@dataclass
class Result:
    """One page's figures: the category scores (0-100, None when Lighthouse gave none) and CLS."""

    scores: dict[str, int | None]
    cls: float | None
    error: str = ""  # Lighthouse's runtime error or warning about the page, if any
    failing: dict[str, list[str]] = field(default_factory=dict)  # category -> audit titles

    def below(self, targets=TARGETS):
        """The categories below their target (a missing score is below)."""
        return [
            category
            for category, target in targets.items()
            if self.scores.get(category) is None or self.scores[category] < target
        ]

    def rank(self):
        """For choosing the best of several runs: the most categories on target, then the
        highest scores, then the smallest layout shift."""
        total = sum(score or 0 for score in self.scores.values())
        return (-len(self.below()), total, -(self.cls or 0))


def parse_report(report):
    """A Lighthouse JSON report (a dict) as a Result."""
    categories = report.get("categories") or {}
    audits = report.get("audits") or {}
    scores = {}
    failing = {}
    for category in CATEGORIES:
        data = categories.get(category) or {}
        score = data.get("score")
        scores[category] = None if score is None else round(score * 100)
        titles = []
        for ref in data.get("auditRefs", []):
            audit = audits.get(ref.get("id"), {})
            audit_score = audit.get("score")
            if ref.get("weight") and audit_score is not None and audit_score < 1:
                titles.append(audit.get("title") or ref["id"])
        if titles:
            failing[category] = titles
    cls = (audits.get(CLS_AUDIT) or {}).get("numericValue")
    runtime = report.get("runtimeError") or {}
    error = runtime.get("message") or runtime.get("code") or ""
    return Result(scores=scores, cls=cls, error=error, failing=failing)


def best(results):
    return max(results, key=Result.rank)


# --- The table --------------------------------------------------------------------------------


@dataclass
class Row:
    language: str
    page: Page
    result: Result
    runs: int


def fmt_score(score, target):
    if score is None:
        return "–"
    return f"**{score}**" if score < target else str(score)


def fmt_cls(cls):
    return "–" if cls is None else f"{cls:.3f}"


def table(rows, markdown=True):
    """The rows as a Markdown table (scores below target in bold) or as plain text."""
    heads = ["Language", "Page", "Path", *CATEGORIES.values(), "CLS", "Runs"]
    lines = []
    for row in rows:
        scores = [
            fmt_score(row.result.scores.get(category), TARGETS[category]) for category in CATEGORIES
        ]
        if not markdown:
            scores = [score.strip("*") for score in scores]
        path = f"`{row.page.path}`" if markdown else row.page.path
        lines.append(
            [row.language, row.page.name, path, *scores, fmt_cls(row.result.cls), str(row.runs)]
        )
    if markdown:
        out = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(cell)) for cell in column) for column in zip(heads, *lines, strict=True)]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in [heads, *lines]
    )


def below_target(rows):
    """``["zh-hans /companies/ (performance 91)", ...]``: the pages below target."""
    missed = []
    for row in rows:
        below = row.result.below()
        if below:
            figures = ", ".join(
                f"{category} {row.result.scores.get(category)}" for category in below
            )
            missed.append(f"{row.language} {row.page.path} ({figures})")
    return missed


def exit_code(rows):
    return 1 if below_target(rows) else 0


def render_doc(rows, meta):
    missed = below_target(rows)
    summary = (
        "Every page reaches 100 in all four categories."
        if not missed
        else "Below target: " + "; ".join(missed) + "."
    )
    return f"""# Lighthouse scores

`make lighthouse` (scripts/lighthouse.py) serves the site as `make serve` does — production
settings, collected static files, gunicorn — and runs Lighthouse's default mobile run (simulated
throttling) on every list page, the detail page of each kind that cites most, and the reader's
pages (map, timeline, compare, report form, about), in English and in simplified Chinese. It needs
Node.js and npm (Lighthouse {LIGHTHOUSE_VERSION} is installed into `.lighthouse/`, which git
ignores) and Chromium; it takes several minutes, so neither `make test` nor CI runs it.

The target is 100 in each category. Performance varies from run to run on a shared, loaded
machine, so a page below target is run again, up to {RUNS} times in all, and its **best** run is
kept (the "Runs" column); accessibility, best practices and SEO do not vary. CLS is the
cumulative layout shift of the kept run. Scores below target are in bold.

- Date: {meta["date"]}
- Commit: {meta["commit"]}
- Machine: {meta["machine"]}
- Lighthouse: {meta["lighthouse"]}, Chromium: {meta["chrome"]}
- Command: `{meta["command"]}`

{table(rows)}

{summary}
"""


# --- Running ----------------------------------------------------------------------------------


def ensure_lighthouse():
    """Lighthouse's CLI at the pinned version, installed into .lighthouse/ when missing."""
    package = WORK_DIR / "node_modules" / "lighthouse" / "package.json"
    installed = None
    if package.exists():
        installed = json.loads(package.read_text()).get("version")
    if installed != LIGHTHOUSE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            raise LighthouseError("npm is needed to install Lighthouse (apt-get install npm)")
        say(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {WORK_DIR.relative_to(ROOT)}/")
        WORK_DIR.mkdir(exist_ok=True)
        result = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(WORK_DIR),
                "--no-audit",
                "--no-fund",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LighthouseError(
                f"npm install failed:\n{(result.stderr or result.stdout)[-2000:]}"
            )
    node = shutil.which("node")
    if node is None:
        raise LighthouseError("Node.js is needed to run Lighthouse (apt-get install nodejs)")
    if not Path(CHROME_PATH).exists():
        raise LighthouseError(f"no Chromium at {CHROME_PATH} (set CHROME_PATH)")
    return node


def chrome_version():
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        result = subprocess.run(
            [CHROME_PATH, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        return result.stdout.strip() or "unknown"
    return "unknown"


def run_lighthouse(node, url, out):
    """One Lighthouse run of ``url``; its report as a dict."""
    command = [
        node,
        str(LIGHTHOUSE_CLI),
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    try:
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": CHROME_PATH},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LighthouseError(f"Lighthouse took more than {RUN_TIMEOUT} s on {url}") from None
    if result.returncode != 0 or not Path(out).exists():
        tail = (result.stderr or result.stdout)[-2000:]
        raise LighthouseError(f"Lighthouse failed on {url} (exit {result.returncode}):\n{tail}")
    return json.loads(Path(out).read_text())


def measure(node, base, page, runs, reports_dir):
    results = []
    for attempt in range(1, runs + 1):
        out = reports_dir / f"{len(list(reports_dir.iterdir())):03d}.json"
        try:
            report = run_lighthouse(node, base + page.path, out)
        except LighthouseError as exc:
            # Lighthouse itself fails now and then (NO_NAVSTART on a busy machine): that run
            # counts as one without scores, and the page is run again.
            say(f"    run {attempt}: {str(exc).splitlines()[-1]}")
            results.append(Result(scores=dict.fromkeys(CATEGORIES), cls=None, error=str(exc)))
            continue
        results.append(parse_report(report))
        if not results[-1].below():
            break
        if attempt < runs:
            below = ", ".join(
                f"{category} {results[-1].scores.get(category)}" for category in results[-1].below()
            )
            say(f"    run {attempt}: {below}; again")
    return best(results), len(results)


def progress(language, page, result, runs):
    scores = "  ".join(
        f"{label[:4]} {'–' if result.scores[c] is None else result.scores[c]:>3}"
        for c, label in CATEGORIES.items()
    )
    line = f"  {language:7} {page.path[:60]:60} {scores}  CLS {fmt_cls(result.cls)}"
    line += f"  ({runs} run{'s' if runs > 1 else ''})"
    for category in result.below():
        line += f"\n      {category}: " + "; ".join(result.failing.get(category, ["?"]))
    if result.error:
        line += f"\n      Lighthouse: {result.error}"
    return line


def prepare(env):
    say("database: migrate and load the catalogue (.lighthouse/atlas.sqlite3)")
    bench.manage(env, "migrate", "--noinput", quiet=True)
    bench.manage(env, "load_catalogue", quiet=True)
    say("collectstatic")
    bench.manage(env, "collectstatic", "--noinput", quiet=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "pages.json"
        result = subprocess.run(
            [sys.executable, __file__, "--probe", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not out.exists():
            raise LighthouseError(f"picking the pages failed:\n{result.stderr[-2000:]}")
        return [Page(**page) for page in json.loads(out.read_text())]


def lighthouse(args):
    node = ensure_lighthouse()
    WORK_DIR.mkdir(exist_ok=True)
    database = bench.Database(
        url=f"sqlite:///{WORK_DIR / 'atlas.sqlite3'}",
        vendor="sqlite",
        name=str(WORK_DIR / "atlas.sqlite3"),
    )
    env = bench.server_env(
        database,
        WORK_DIR / "staticfiles",
        secrets.token_urlsafe(64),
        DJANGO_MEDIA_ROOT=str(WORK_DIR / "media"),
        DJANGO_SERVE_MEDIA="true",
    )
    pages = prepare(env)
    languages = args.languages or list(LANGUAGES)
    chosen = [
        (language, page)
        for language in languages
        for page in pages_in(language, pages)
        if not args.only or any(part in page.path for part in args.only)
    ]
    if not chosen:
        raise LighthouseError("no page matches --only")
    rows = []
    log = WORK_DIR / "gunicorn.log"
    with tempfile.TemporaryDirectory() as folder, bench.Server(env, log) as server:
        reports = Path(folder)
        if args.reports:
            reports = Path(args.reports)
            reports.mkdir(parents=True, exist_ok=True)
        base = f"http://127.0.0.1:{server.port}"
        say(f"gunicorn (production settings) on {base}; {len(chosen)} pages, best of {args.runs}")
        for language, page in chosen:
            status = bench.fetch(server.port, page.path)[0]
            if status != 200:
                raise LighthouseError(f"{page.path} answered {status}, not 200")
            result, runs = measure(node, base, page, args.runs, reports)
            rows.append(Row(language, page, result, runs))
            say(progress(language, page, result, runs))
    print()
    print(table(rows, markdown=False))
    print()
    command = "make lighthouse"
    if args.only or args.languages or args.runs != RUNS:
        command = "python scripts/lighthouse.py " + " ".join(sys.argv[1:])
    meta = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": bench.git_commit(),
        "machine": bench.machine_description(),
        "lighthouse": LIGHTHOUSE_VERSION,
        "chrome": chrome_version(),
        "command": command,
    }
    if args.write_doc:
        DOC.write_text(render_doc(rows, meta))
        say(f"table written to {DOC.relative_to(ROOT)}")
    missed = below_target(rows)
    if missed:
        say("below target: " + "; ".join(missed))
    else:
        say("every page reaches 100 in all four categories")
    return exit_code(rows)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--probe"]:
        run_probe(argv[1])
        return 0
    parser = argparse.ArgumentParser(description="Lighthouse scores of the site (make lighthouse).")
    parser.add_argument(
        "--only", action="append", metavar="TEXT", help="only the pages whose path contains TEXT"
    )
    parser.add_argument(
        "--language",
        dest="languages",
        action="append",
        choices=list(LANGUAGES),
        help="only this language (repeatable; default: all)",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs at most (default {RUNS})")
    parser.add_argument(
        "--no-doc", dest="write_doc", action="store_false", help="leave docs/lighthouse.md alone"
    )
    parser.add_argument(
        "--reports",
        metavar="DIR",
        help="keep Lighthouse's JSON report of every run in DIR (numbered in run order)",
    )
    args = parser.parse_args(argv)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    try:
        code = lighthouse(args)
    except (LighthouseError, bench.BenchError) as exc:
        print(f"[lighthouse] FAILED: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("\n[lighthouse] interrupted; the server was stopped", file=sys.stderr, flush=True)
        return 130
    say(f"took {int((time.monotonic() - started) // 60)} min")
    return code


if __name__ == "__main__":
    sys.exit(main())
