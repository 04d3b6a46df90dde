"""``make bench``: the site at scale, measured in one run (docs/performance.md says how to read it).

1. A benchmark database: SQLite under bench/ by default, PostgreSQL when DATABASE_URL names a
   database of its own (its name must contain "bench"). It is migrated, the real catalogue loaded,
   then ``generate_catalogue`` adds BENCH_CASES cases and BENCH_ORGANISATIONS organisations. The
   database is reused while its stamp (sizes, seed, migrations, fixtures, generator) still matches.
2. Static files collected, the pages to measure picked from the database, and their SQL queries
   counted in-process (Django's test client and CaptureQueriesContext, production settings).
3. gunicorn with production settings and 2 threaded workers on a free loopback port, once with the
   page cache off and once with it on (BENCH_CACHE=off|on|both), stopped at the end, on Ctrl-C and
   on error.
4. ApacheBench (``ab``, Debian's apache2-utils, installed when missing) times each page: p50 and
   p99 with one client, requests per second with BENCH_CLIENTS clients.
5. A table on the terminal, the raw figures in bench/, and the section of docs/performance.md for
   this database replaced.

``python scripts/bench.py --help`` lists the variables.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fnmatch
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DOC = ROOT / "docs" / "performance.md"
GENERATOR = ROOT / "catalog" / "management" / "commands" / "generate_catalogue.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")

# The load tool: ApacheBench from Debian's apache2-utils, pinned to the 2.4 series (Debian keeps
# only the latest security release of a series installable, so an exact version would stop
# installing after the next update; the exact version used is written into every report).
AB_PACKAGE = "apache2-utils"
AB_VERSION = "2.4.*"

# The environment switch of the anonymous page cache ("off" turns it off).
PAGE_CACHE_SWITCH = "ATLAS_PAGE_CACHE"
CACHE_MODES = {"off": "uncached", "on": "cached"}

WORKERS = 2
REQUEST_TIMEOUT = 120  # seconds, for one request (check requests and ab's socket timeout)
WARM_UP_REQUESTS = 200  # unmeasured, after the server starts
PROBE_TIMEOUT = 30  # seconds for one page in-process, as long as gunicorn lets a worker take
KIB = 1024

DEFAULTS = {
    "BENCH_CASES": 50_000,
    "BENCH_ORGANISATIONS": 10_000,
    "BENCH_SEED": 1,
    "BENCH_CLIENTS": 16,
    "BENCH_REQUESTS": 200,
    "BENCH_LATENCY_REQUESTS": 20,
    "BENCH_SECONDS": 10,
}
HELP = {
    "BENCH_CASES": "generated cases (default 50000)",
    "BENCH_ORGANISATIONS": "generated organisations (default 10000)",
    "BENCH_SEED": "seed of the generator (default 1)",
    "BENCH_CACHE": "off, on or both (default both): page cache off, on, or one run of each",
    "BENCH_CLIENTS": "concurrent clients of the throughput run (default 16)",
    "BENCH_REQUESTS": "at most this many requests in the throughput run (default 200)",
    "BENCH_LATENCY_REQUESTS": "at most this many requests in the one-client run (default 20)",
    "BENCH_SECONDS": "and each run at most this many seconds (default 10)",
    "BENCH_DOC": "yes/no: update docs/performance.md (default: yes at the default sizes only)",
    "BENCH_REBUILD": "yes: build the database again even when the cached one matches",
    "DATABASE_URL": "postgres://…/atlas_bench to measure PostgreSQL (default: SQLite in bench/)",
}


class BenchError(Exception):
    """A step failed; the message names it (a URL that did not answer 200, a command...)."""


def say(message):
    print(f"[bench] {message}", flush=True)


# --- Options ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    cases: int = 50_000
    organisations: int = 10_000
    seed: int = 1
    modes: tuple[str, ...] = ("off", "on")
    clients: int = 16
    requests: int = 200
    latency_requests: int = 20
    seconds: int = 10
    write_doc: bool = True
    rebuild: bool = False

    @property
    def default_sizes(self):
        return (self.cases, self.organisations, self.seed) == (
            DEFAULTS["BENCH_CASES"],
            DEFAULTS["BENCH_ORGANISATIONS"],
            DEFAULTS["BENCH_SEED"],
        )


def _yes_no(name, value):
    lowered = value.strip().lower()
    if lowered in {"1", "yes", "true", "on"}:
        return True
    if lowered in {"0", "no", "false", "off"}:
        return False
    raise BenchError(f"{name} must be yes or no, not {value!r}")


def options_from(environ):
    """Options from BENCH_* variables; a malformed one is named."""
    numbers = {}
    for name, default in DEFAULTS.items():
        raw = environ.get(name, "").strip()
        if not raw:
            numbers[name] = default
            continue
        try:
            numbers[name] = int(raw.replace("_", "").replace(",", ""))
        except ValueError:
            raise BenchError(f"{name} must be a whole number, not {raw!r}") from None
        minimum = 0 if name == "BENCH_SEED" else 1
        if numbers[name] < minimum:
            raise BenchError(f"{name} must be at least {minimum}, not {numbers[name]}")
    cache = environ.get("BENCH_CACHE", "").strip().lower() or "both"
    if cache not in {"off", "on", "both"}:
        raise BenchError(f"BENCH_CACHE must be off, on or both, not {cache!r}")
    options = Options(
        cases=numbers["BENCH_CASES"],
        organisations=numbers["BENCH_ORGANISATIONS"],
        seed=numbers["BENCH_SEED"],
        modes=("off", "on") if cache == "both" else (cache,),
        clients=numbers["BENCH_CLIENTS"],
        requests=numbers["BENCH_REQUESTS"],
        latency_requests=numbers["BENCH_LATENCY_REQUESTS"],
        seconds=numbers["BENCH_SECONDS"],
        rebuild=_yes_no("BENCH_REBUILD", environ.get("BENCH_REBUILD") or "no"),
    )
    doc = environ.get("BENCH_DOC", "").strip()
    write_doc = _yes_no("BENCH_DOC", doc) if doc else options.default_sizes
    return Options(**{**asdict(options), "write_doc": write_doc})


# --- Targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    p50_ms: float  # uncached, one client
    size_kib: float  # HTML

    def describe(self):
        return f"p50 ≤ {self.p50_ms:g} ms, ≤ {self.size_kib:g} KB"


TARGETS = {
    "list": Target(p50_ms=100, size_kib=150),
    "search": Target(p50_ms=100, size_kib=150),
    "last": Target(p50_ms=200, size_kib=150),
    "detail": Target(p50_ms=150, size_kib=200),
}
# Cached pages: at least a third of the static file's requests per second.
CACHED_RATIO = 1 / 3
WORKER_RSS_MIB = 150


@dataclass(frozen=True)
class Page:
    key: str
    name: str
    kind: str  # static, list, search, last or detail
    path: str


@dataclass
class Run:
    """One page in one cache mode."""

    size: int | None  # bytes of the body
    queries: int | None
    rps: float | None  # BENCH_CLIENTS clients
    p50: float | None  # ms, one client
    p99: float | None
    latency_requests: int = 0
    load_requests: int = 0
    failed: int = 0
    error: str = ""  # why there are no figures: the page did not answer in time
    cache: str = ""  # X-Cache of a request after the cache was warmed (page cache on)
    recycled: bool = False  # gunicorn replaced a worker while this page was measured
    timeouts: int = 0  # WORKER TIMEOUT lines while this page was measured


@dataclass
class AbResult:
    complete: int
    failed: int
    non_2xx: int
    rps: float
    seconds: float
    percentiles: dict[int, float] = field(default_factory=dict)  # percent -> ms

    @property
    def p50(self):
        return self.percentiles.get(50)

    @property
    def p99(self):
        return self.percentiles.get(99)


def _field(text, label, cast=str):
    match = re.search(rf"^{re.escape(label)}:\s+(\S+)", text, re.MULTILINE)
    return cast(match.group(1)) if match else None


def parse_ab(output, csv_text=None):
    """ab's report (and the CSV of ``-e``, whose times have microseconds) as an AbResult."""
    complete = _field(output, "Complete requests", int)
    if complete is None:
        raise ValueError("not an ApacheBench report (no 'Complete requests' line)")
    # ab leaves out the rate when no request completed.
    rps = _field(output, "Requests per second", float) or 0.0
    percentiles = {}
    # The table in the report: "  50%     12" (whole milliseconds).
    for percent, ms in re.findall(r"^\s+(\d+)%\s+(\d+)", output, re.MULTILINE):
        percentiles[int(percent)] = float(ms)
    if csv_text:
        rows = {}
        for line in csv_text.splitlines():
            percent, _, ms = line.partition(",")
            if percent.strip().isdigit():
                rows[int(percent)] = float(ms)
        # ab reads row p from the sorted time number round(n * p / 100); past the last one (high
        # percentiles of fewer than 100 requests) it reads garbage where the slowest is meant.
        valid = {
            percent: ms
            for percent, ms in rows.items()
            if percent == 100 or int(0.5 + complete * percent / 100) < complete
        }
        if valid:
            slowest = valid.get(100, max(valid.values()))
            for percent in rows:
                percentiles[percent] = valid.get(percent, slowest)
    return AbResult(
        complete=complete,
        failed=_field(output, "Failed requests", int) or 0,
        non_2xx=_field(output, "Non-2xx responses", int) or 0,
        rps=rps,
        seconds=_field(output, "Time taken for tests", float) or 0.0,
        percentiles=percentiles,
    )


def misses(page, runs, static_runs):
    """The figures of ``page`` that miss their target: "size" (HTML), "p50" (uncached, one
    client) and "ratio" (cached req/s against the static file's)."""
    target = TARGETS.get(page.kind)
    if target is None or not runs:
        return set()
    # A page that did not answer in time misses every target it has.
    missed = set()
    size = next((run.size for run in runs.values() if run.size is not None), None)
    if size is None or size > target.size_kib * KIB:
        missed.add("size")
    p50 = runs["off"].p50 if "off" in runs else 0
    if p50 is None or p50 > target.p50_ms:
        missed.add("p50")
    static = static_runs.get("on")
    if "on" in runs and static and static.rps:
        rps = runs["on"].rps
        if rps is None or rps < static.rps * CACHED_RATIO:
            missed.add("ratio")
    return missed


def count_targets(page, runs, static_runs):
    """How many figures of ``page`` have a target in these runs."""
    if page.kind not in TARGETS or not runs:
        return 0
    return 1 + ("off" in runs) + ("on" in runs and "on" in static_runs)


# --- Rendering --------------------------------------------------------------------------------


def fmt_number(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value):
    if value is None:
        return "–"
    return f"{value:.2g}" if value < 1 else f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_kib(size):
    return f"{size / KIB:,.1f}"


@dataclass
class Report:
    pages: list[Page]
    runs: dict[str, dict[str, Run]]  # mode -> page key -> Run
    memory: dict[str, dict]  # mode -> {"final": [MiB...], "peak": MiB, "workers_seen": n}
    timeouts: dict[str, int]  # mode -> WORKER TIMEOUT lines
    meta: dict = field(default_factory=dict)

    @property
    def modes(self):
        return [mode for mode in CACHE_MODES if mode in self.runs]

    def page_runs(self, page):
        return {
            mode: self.runs[mode][page.key] for mode in self.modes if page.key in self.runs[mode]
        }

    def static_runs(self):
        static = next((page for page in self.pages if page.kind == "static"), None)
        return self.page_runs(static) if static else {}

    def ratio(self, page, mode):
        static = self.static_runs().get(mode)
        run = self.runs[mode].get(page.key)
        if not static or not run or not static.rps or run.rps is None:
            return None
        return run.rps / static.rps

    def memory_misses(self):
        return {mode for mode, info in self.memory.items() if info["peak"] > WORKER_RSS_MIB}

    def columns(self):
        """(group, name) of each column."""
        heads = [("", "Page"), ("", "Target"), ("", "HTML KB"), ("", "SQL queries")]
        clients = self.meta.get("clients", "?")
        for mode in self.modes:
            group = CACHE_MODES[mode].capitalize()
            heads += [
                (group, f"req/s, {clients} clients"),
                (group, "p50 ms"),
                (group, "p99 ms"),
                (group, "req/s ÷ static"),
            ]
        return heads

    def rows(self):
        """Each row a list of (text, missed) cells."""
        static_runs = self.static_runs()
        rows = []
        for page in self.pages:
            runs = self.page_runs(page)
            if not runs:
                continue
            missed = misses(page, runs, static_runs)
            target = TARGETS.get(page.kind)
            size = next((run.size for run in runs.values() if run.size is not None), None)
            queries = " / ".join(
                "–" if run.queries is None else str(run.queries) for run in runs.values()
            )
            row = [
                (page.name, False),
                (target.describe() if target else "the ceiling", False),
                (fmt_kib(size) if size is not None else "–", "size" in missed),
                (queries if page.kind != "static" else "–", False),
            ]
            for mode in self.modes:
                run = runs.get(mode)
                if run is None:
                    row += [("–", False)] * 4
                    continue
                rps = run.error or fmt_number(run.rps)
                if run.failed:
                    rps += f" ({run.failed} failed)"
                if run.timeouts:
                    rps += f" ({run.timeouts} timed out)"
                row += [
                    (rps, False),
                    (fmt_number(run.p50), mode == "off" and "p50" in missed),
                    (fmt_number(run.p99), False),
                    (fmt_ratio(self.ratio(page, mode)), mode == "on" and "ratio" in missed),
                ]
            rows.append(row)
        return rows

    def tally(self):
        """(figures with a target, figures that miss it), worker memory included."""
        static_runs = self.static_runs()
        total = missed = 0
        for page in self.pages:
            runs = self.page_runs(page)
            total += count_targets(page, runs, static_runs)
            missed += len(misses(page, runs, static_runs))
        total += len(self.memory)
        missed += len(self.memory_misses())
        return total, missed

    def notes(self):
        """Lines after the table: worker memory, timeouts, query column, misses marker."""
        lines = []
        for mode in self.modes:
            info = self.memory.get(mode)
            if info:
                final = ", ".join(f"{mib:.0f} MB" for mib in info["final"]) or "none running"
                peak = f"{info['peak']:.0f} MB"
                if mode in self.memory_misses():
                    peak = f"**{peak}** ✗"
                recycled = info["workers_seen"] - WORKERS
                lines.append(
                    f"Worker memory ({CACHE_MODES[mode]}): RSS at the end {final}; peak {peak} "
                    f"(target ≤ {WORKER_RSS_MIB} MB)"
                    + (f"; {recycled} worker(s) recycled during the run" if recycled > 0 else "")
                    + "."
                )
            lines.append(
                f"`WORKER TIMEOUT` in the gunicorn log ({CACHE_MODES[mode]}): "
                f"{self.timeouts.get(mode, 0)}."
            )
        missed = [
            page.name
            for page in self.pages
            if page.kind != "static"
            and (run := self.runs.get("on", {}).get(page.key))
            and not run.error
            and run.cache != "hit"
        ]
        for mode in self.modes:
            recycled = [
                page.name
                for page in self.pages
                if getattr(self.runs[mode].get(page.key), "recycled", False)
            ]
            if recycled:
                lines.append(
                    f"A worker was replaced (gunicorn's max_requests) while measuring "
                    f"({CACHE_MODES[mode]}): {', '.join(recycled)}; the new worker starts cold."
                )
        if missed:
            lines.append(
                "Not served from the page cache after warming it (no `X-Cache: hit`): "
                + ", ".join(missed)
                + "."
            )
        return lines

    def summary(self):
        total, missed = self.tally()
        off = self.runs.get("off", {})
        timed = [page for page in self.pages if page.key in off and page.kind != "static"]
        slowest = max(
            (page for page in timed if off[page.key].p50 is not None),
            key=lambda page: off[page.key].p50,
            default=None,
        )
        parts = [f"{total - missed} of {total} targets met"]
        failed = sorted(
            {page.name for page in self.pages for run in self.page_runs(page).values() if run.error}
        )
        if failed:
            parts.append(f"no answer in time: {', '.join(failed)}")
        if slowest:
            parts.append(
                f"slowest uncached page: {slowest.name} (p50 {fmt_number(off[slowest.key].p50)} ms)"
            )
        if "on" in self.runs:
            ratios = [
                self.ratio(page, "on")
                for page in self.pages
                if page.kind != "static" and self.ratio(page, "on") is not None
            ]
            if ratios:
                parts.append(
                    f"cached pages at {fmt_ratio(min(ratios))}–{fmt_ratio(max(ratios))} "
                    "of the static file's req/s"
                )
        peaks = [info["peak"] for info in self.memory.values()]
        if peaks:
            parts.append(f"worker RSS peak {max(peaks):.0f} MB")
        timeouts = sum(self.timeouts.values())
        if timeouts:
            parts.append(f"{timeouts} worker timeout(s)")
        return "; ".join(parts) + "."


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def render_text(report):
    """The table for the terminal: columns padded, a missed target marked ✗."""
    heads = report.columns()
    rows = [[text + (" ✗" if missed else "") for text, missed in row] for row in report.rows()]
    names = [name for _, name in heads]
    widths = [max(map(display_width, column)) for column in zip(names, *rows, strict=True)]

    def line(cells):
        padded = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            space = " " * (width - display_width(cell))
            padded.append(cell + space if index < 2 else space + cell)
        return "  ".join(padded).rstrip()

    groups = []
    for index, (group, _) in enumerate(heads):
        first = index == 0 or heads[index - 1][0] != group
        groups.append(f"{group} ──" if group and first else "")
    groups = [cell[:width].ljust(width) for cell, width in zip(groups, widths, strict=True)]
    out = ["  ".join(groups).rstrip(), line(names), line(["-" * width for width in widths])]
    out += [line(row) for row in rows]
    out.append("")
    out += [note.replace("**", "").replace("`", "") for note in report.notes()]
    return "\n".join(out)


def render_markdown_table(report):
    heads = [f"{group} {name}".strip() for group, name in report.columns()]
    align = ["---", "---"] + ["---:"] * (len(heads) - 2)
    out = ["| " + " | ".join(heads) + " |", "| " + " | ".join(align) + " |"]
    for row in report.rows():
        cells = [f"**{text}** ✗" if missed else text for text, missed in row]
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(out)


def render_section(report):
    """The section of docs/performance.md that one run writes (between its markers)."""
    meta = report.meta
    lines = [
        f"### {meta['database_label']} — {meta['date']}",
        "",
        f"- Commit: `{meta['commit']}`",
        f"- Machine: {meta['machine']}",
        f"- Database: {meta['database']}; {meta['data']}",
        f"- Server: {meta['server']}",
        f"- Load: {meta['load']}",
        f"- Reproduce: `{meta['command']}` (took {meta['duration']})",
        "",
        render_markdown_table(report),
        "",
        "Pages measured:",
        "",
    ]
    lines += [f"- {page.name}: `{page.path}`" for page in report.pages]
    lines += [""]
    lines += [f"{note}  " for note in report.notes()]
    lines[-1] = lines[-1].rstrip()
    lines += ["", f"**Summary:** {report.summary()}"]
    return "\n".join(lines)


def markers(label):
    return f"<!-- bench:{label}:start -->", f"<!-- bench:{label}:end -->"


def replace_section(document, label, section):
    """``document`` with the text between this database's markers replaced (or the section
    appended, with its markers, when there are none yet)."""
    start, end = markers(label)
    block = f"{start}\n{section.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _match: block, document, count=1)
    return document.rstrip("\n") + "\n\n" + block + "\n"


# --- The load tool ----------------------------------------------------------------------------


def installed_version(package):
    if not shutil.which("dpkg-query"):
        return None
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}|${Version}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    status, _, version = result.stdout.partition("|")
    return version if result.returncode == 0 and status.endswith(" installed") else None


def ensure_ab():
    """The ab executable and a description of its version; installs the pinned package with
    apt-get (as root, or through sudo) when it is missing or of another series."""
    ab = shutil.which("ab")
    version = installed_version(AB_PACKAGE)
    if ab and (version is None and not shutil.which("apt-get")):
        return ab, ab_version(ab)  # not Debian: whatever ab there is
    if not (ab and version and fnmatch.fnmatch(version, AB_VERSION)):
        if not shutil.which("apt-get"):
            raise BenchError(
                f"ApacheBench (ab) is missing: install {AB_PACKAGE} {AB_VERSION} (Debian) or "
                "your system's ApacheBench package"
            )
        prefix = []
        if os.geteuid() != 0:
            if not shutil.which("sudo"):
                raise BenchError(
                    f"installing {AB_PACKAGE} needs root: run "
                    f"'apt-get install {AB_PACKAGE}={AB_VERSION}' as root, then make bench again"
                )
            prefix = ["sudo"]
        say(f"installing {AB_PACKAGE}={AB_VERSION} (ApacheBench) with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [*prefix, "apt-get", "install", "-y", "-qq", f"{AB_PACKAGE}={AB_VERSION}"]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
            subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env, check=False)
            result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise BenchError(
                    f"apt-get could not install {AB_PACKAGE}={AB_VERSION}: "
                    f"{result.stderr.strip().splitlines()[-1:]}"
                )
        ab = shutil.which("ab")
        version = installed_version(AB_PACKAGE)
        if not ab:
            raise BenchError(f"{AB_PACKAGE} is installed but there is no ab on PATH")
    return ab, f"{ab_version(ab)}, {AB_PACKAGE} {version}"


def ab_version(ab):
    result = subprocess.run([ab, "-V"], capture_output=True, text=True, check=False)
    match = re.search(r"ApacheBench, Version (\S+)", result.stdout)
    return f"ApacheBench {match.group(1)}" if match else "ApacheBench"


def run_ab(ab, url, clients, requests, seconds):
    """At most ``requests`` requests or ``seconds`` seconds, whichever comes first (``-t``
    before ``-n``: ab then keeps both limits)."""
    with tempfile.NamedTemporaryFile("r", suffix=".csv") as csv_file:
        # -r: a connection the server closes (a worker killed on timeout) is a failed request,
        # not the end of the run; -l: pages differ in length from one request to the next.
        args = [ab, "-q", "-r", "-l", "-s", str(REQUEST_TIMEOUT), "-t", str(seconds)]
        args += ["-n", str(requests), "-c", str(clients), "-e", csv_file.name, url]
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        csv_text = Path(csv_file.name).read_text()
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BenchError(f"ab stopped on {url} with {clients} client(s): {last}")
    try:
        parsed = parse_ab(result.stdout, csv_text)
    except ValueError as exc:
        output = (result.stdout.strip() + "\n" + result.stderr.strip()).strip()[-1500:]
        raise BenchError(f"ab's report on {url} could not be read: {exc}:\n{output}") from None
    if parsed.non_2xx:
        raise BenchError(f"{url} answered {parsed.non_2xx} non-2xx responses under load")
    return parsed


# --- The database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str
    vendor: str  # sqlite or postgresql
    name: str  # file path or database name

    @property
    def label(self):
        return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[self.vendor]

    def public_url(self):
        """The URL without a password, for messages and reports."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))


def database_for(options, environ):
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        name = f"atlas-{options.cases}-cases-{options.organisations}-orgs-seed-{options.seed}"
        path = BENCH_DIR / f"{name}.sqlite3"
        return Database(url=f"sqlite:///{path}", vendor="sqlite", name=str(path))
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        database = Database(url=url, vendor="postgresql", name=parts.path.lstrip("/"))
    elif parts.scheme == "sqlite":
        database = Database(url=url, vendor="sqlite", name=parts.path[1:] or parts.path)
    else:
        raise BenchError(
            f"DATABASE_URL: make bench measures SQLite or PostgreSQL, not {parts.scheme!r}"
        )
    if "bench" not in Path(database.name).name:
        raise BenchError(
            f"DATABASE_URL names {database.name!r}: make bench replaces the database it is given "
            "with generated data, so give it one of its own whose name contains 'bench', e.g. "
            "postgres://postgres@127.0.0.1:5432/atlas_bench"
        )
    return database


def _digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(options):
    """What the generated database depends on: when any of it changes, it is built again."""
    from importlib.metadata import version

    return {
        "cases": options.cases,
        "organisations": options.organisations,
        "seed": options.seed,
        "migrations": _digest((ROOT / "catalog" / "migrations").glob("*.py")),
        "packages": f"Django {version('Django')}, simple-history "
        f"{version('django-simple-history')}",
        "fixtures": _digest((ROOT / "fixtures").rglob("*.json")),
        "generator": _digest([GENERATOR]) if GENERATOR.exists() else None,
    }


def stamp_path(database):
    key = hashlib.sha256(database.public_url().encode()).hexdigest()[:12]
    return BENCH_DIR / "stamps" / f"{database.vendor}-{key}.json"


def count_cases(database):
    """Cases in the database, or None when it (or its table) does not exist."""
    query = "SELECT COUNT(*) FROM catalog_case"
    if database.vendor == "sqlite":
        import sqlite3

        if not Path(database.name).exists():
            return None
        try:
            with contextlib.closing(
                sqlite3.connect(f"file:{database.name}?mode=ro", uri=True)
            ) as db:
                return db.execute(query).fetchone()[0]
        except sqlite3.Error:
            return None
    import psycopg

    try:
        with psycopg.connect(database.url, connect_timeout=5) as db:
            return db.execute(query).fetchone()[0]
    except psycopg.Error:
        return None


def reset_database(database):
    if database.vendor == "sqlite":
        path = Path(database.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(urlsplit(database.url)._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as db:
            name = sql.Identifier(database.name)
            db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            db.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise BenchError(
            f"could not create the database {database.name!r} on {database.public_url()}: "
            f"{str(exc).strip().splitlines()[0]}"
        ) from None


def analyze(database):
    import psycopg

    with psycopg.connect(database.url, autocommit=True) as db:
        db.execute("ANALYZE")


def manage(env, *args, quiet=False):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = f":\n{result.stdout[-2000:]}" if quiet and result.stdout else ""
        raise BenchError(f"manage.py {' '.join(args)} failed (exit {result.returncode}){output}")
    return time.monotonic() - started


def prepare_database(database, options, env):
    """Reuse the benchmark database when its stamp and its contents match; else build it."""
    wanted = fingerprint(options)
    stamp = stamp_path(database)
    if not options.rebuild and stamp.exists():
        have = json.loads(stamp.read_text())
        cases = count_cases(database)
        if have == wanted and cases is not None and cases >= options.cases:
            say(f"database: reusing {database.public_url()} ({cases:,} cases; stamp matches)")
            return False
        say(
            "database: the cached one does not match (sizes, seed, migrations, fixtures or "
            "generator changed, or it is gone): building it again"
        )
    if wanted["generator"] is None:
        raise BenchError(
            "manage.py generate_catalogue does not exist "
            f"({GENERATOR.relative_to(ROOT)} is missing): it makes the synthetic data"
        )
    stamp.unlink(missing_ok=True)
    say(f"database: building {database.public_url()}")
    reset_database(database)
    # generate_catalogue runs under the development settings only (it refuses production's).
    env = {**env, "DJANGO_SETTINGS_MODULE": "site_config.settings.dev"}
    say(f"  migrate: {manage(env, 'migrate', '--noinput', quiet=True):.1f} s")
    say(f"  load_catalogue: {manage(env, 'load_catalogue', quiet=True):.1f} s")
    say(
        f"  generate_catalogue --cases {options.cases} --organisations {options.organisations} "
        f"--seed {options.seed} (this takes a while at full size)"
    )
    took = manage(
        env,
        "generate_catalogue",
        "--cases",
        str(options.cases),
        "--organisations",
        str(options.organisations),
        "--seed",
        str(options.seed),
    )
    say(f"  generate_catalogue: {took:.1f} s")
    if database.vendor == "postgresql":
        analyze(database)  # the statistics autovacuum would gather on a server in use
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(wanted, indent=2) + "\n")
    return True


# --- The processes ----------------------------------------------------------------------------


def server_env(database, static_root, secret_key, **extra):
    """Production settings with local values, and nothing else from the caller's DJANGO_*,
    GUNICORN_*, REDIS_URL or DATABASE_URL: the run measures the defaults."""
    sys.path.insert(0, str(ROOT))
    from site_config import env as site_env

    dropped = {*site_env.VARIABLES, PAGE_CACHE_SWITCH}
    base = {key: value for key, value in os.environ.items() if key not in dropped}
    base.update(
        DJANGO_SETTINGS_MODULE="site_config.settings.production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=database.url,
        GUNICORN_WORKERS=str(WORKERS),
        PYTHONDONTWRITEBYTECODE="1",
    )
    base.update(extra)
    return base


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port, path, timeout=REQUEST_TIMEOUT):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        # The default Host header, "127.0.0.1:<port>", is the one ab sends: the page cache's key
        # holds the host, so the requests that warm it must send the same.
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def read_status(pid, *names):
    """kB values of /proc/<pid>/status lines (VmRSS, VmHWM); {} when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for name in names:
        match = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
        if match:
            values[name] = int(match.group(1))
    return values


def children_of(pid):
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1 and fields[1] == str(pid):
            children.append(int(entry.name))
    return sorted(children)


class Server:
    """gunicorn as ``make serve`` runs it, on a free loopback port; a context manager that always
    stops it (and only it: its own process group)."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.process = None
        self.peaks = {}  # worker pid -> VmHWM kB

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_ready(self, timeout=90):
        """Until /healthz answers and every worker has loaded the site: /healthz answers as soon
        as one worker has, so the workers' memory must also have stopped growing."""
        deadline = time.monotonic() + timeout
        answered, previous = False, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text()[-1500:]
                raise BenchError(f"gunicorn exited with status {self.process.returncode}:\n{tail}")
            if not answered:
                with contextlib.suppress(OSError):
                    answered = fetch(self.port, "/healthz", timeout=5)[0] == 200
            workers = self.workers()
            sizes = [read_status(pid, "VmRSS").get("VmRSS") for pid in workers]
            if answered and len(workers) >= WORKERS and sizes == previous:
                return
            previous = sizes
            time.sleep(0.5)
        raise BenchError(f"gunicorn did not get ready within {timeout} s ({self.log_path})")

    def workers(self):
        return children_of(self.process.pid)

    def sample_memory(self):
        for pid in self.workers():
            peak = read_status(pid, "VmHWM").get("VmHWM")
            if peak:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0))

    def memory(self):
        self.sample_memory()
        final = [read_status(pid, "VmRSS").get("VmRSS", 0) / KIB for pid in self.workers()]
        return {
            "final": final,
            "peak": max(self.peaks.values(), default=0) / KIB,
            "workers_seen": len(self.peaks),
        }

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def timeouts(self):
        return self.log_path.read_text(errors="replace").count("WORKER TIMEOUT")


def measure(ab, server, page, options, mode, queries):
    started = time.monotonic()
    try:
        status, body, _ = fetch(server.port, page.path)
    except OSError:
        # gunicorn killed the worker (WORKER TIMEOUT): a result, not a broken run.
        took = time.monotonic() - started
        return Run(
            size=None,
            queries=queries,
            rps=None,
            p50=None,
            p99=None,
            error=(f"no answer ({took:.0f} s)"),
        )
    if status != 200:
        raise BenchError(f"{page.path} ({page.name}) answered {status}, not 200")
    if mode == "on":
        # Warm the cache of each worker (each has its own unless the cache is shared).
        threads = [threading.Thread(target=fetch, args=(server.port, page.path)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cache = fetch(server.port, page.path)[2].get("X-Cache", "")
    else:
        cache = ""
    url = f"http://127.0.0.1:{server.port}{page.path}"
    workers = set(server.workers())
    timeouts = server.timeouts()
    latency = run_ab(ab, url, 1, options.latency_requests, options.seconds)
    load = run_ab(ab, url, options.clients, options.requests, options.seconds)
    server.sample_memory()
    complete = latency.complete and load.complete
    return Run(
        size=len(body),
        queries=queries,
        rps=load.rps if complete else None,
        p50=latency.p50 if complete else None,
        p99=latency.p99 if complete else None,
        error="" if complete else "no answer",
        cache=cache,
        recycled=bool(set(server.workers()) - workers),
        # ab counts a request whose worker was killed as complete (with no bytes): say so.
        timeouts=server.timeouts() - timeouts,
        latency_requests=latency.complete,
        load_requests=load.complete,
        failed=latency.failed + load.failed,
    )


def progress_line(run):
    if run.error:
        return f"{run.error} (SQL {'–' if run.queries is None else run.queries})"
    return (
        f"{fmt_kib(run.size):>9} KB  {fmt_number(run.rps):>7} req/s  "
        f"p50 {fmt_number(run.p50):>6} ms  p99 {fmt_number(run.p99):>6} ms  "
        f"SQL {'–' if run.queries is None else run.queries}"
        + (f"  X-Cache {run.cache}" if run.cache else "")
    )


def probe(env, *args):
    """Run this script's in-process part (Django loaded) and return what it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "probe.json"
        result = subprocess.run(
            [sys.executable, __file__, "--probe", *args, str(out)],
            cwd=ROOT,
            env={**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not out.exists():
            tail = (result.stderr or result.stdout)[-3000:]
            raise BenchError(f"the in-process probe ({' '.join(args)}) failed:\n{tail}")
        return json.loads(out.read_text())


# --- In-process part: runs with Django loaded (``bench.py --probe ...``) ------------------------

# Only words of five letters or more are counted.
STOPWORDS = {
    "about",
    "above",
    "after",
    "again",
    "against",
    "along",
    "among",
    "another",
    "around",
    "because",
    "before",
    "being",
    "below",
    "between",
    "could",
    "doing",
    "during",
    "further",
    "having",
    "itself",
    "other",
    "should",
    "their",
    "there",
    "these",
    "those",
    "through",
    "under",
    "until",
    "where",
    "which",
    "while",
    "within",
    "would",
}


def most_common(rows, terms_of, vocabulary=None):
    """The term found in the most rows, among those in at most half of them: a word every row
    carries (a label such as "Synthetic") finds everything and says little about search. Terms
    of ``vocabulary`` (real words, where known) come first."""
    from collections import Counter

    counts = Counter()
    for row in rows:
        counts.update(set(terms_of(row)))
    common = [term for term, n in counts.most_common() if n <= len(rows) / 2]
    known = [term for term in common if vocabulary and term in vocabulary]
    return (known or common or [None])[0]


def english_words(text):
    return (w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in STOPWORDS)


def common_word(texts, vocabulary=None):
    """The most common English word of five letters or more (no stopword) in ``texts``."""
    return most_common(list(texts), english_words, vocabulary)


def cjk_pairs(text):
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        yield from (run[i : i + 2] for i in range(len(run) - 1))


def common_cjk_pair(texts, vocabulary=None):
    """The most common pair of adjacent CJK characters in ``texts`` (a word of ``vocabulary``
    when there is one: Chinese text has no spaces, so a pair may straddle two words)."""
    return most_common(list(texts), cjk_pairs, vocabulary)


def generator_vocabulary():
    """The words the generator mixes into its texts, as (English words, Chinese pairs)."""
    try:
        from catalog.synthetic import WORDS
    except ImportError:
        return None, None
    english = {word for _, en in WORDS for word in english_words(en)}
    return english, {zh for zh, _ in WORDS if len(zh) == 2}


def choose_pages():
    """The pages to measure, picked from the database: the biggest of each kind."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db.models import Count, Q

    from catalog import models
    from catalog.query import PER_PAGE as per_page

    cases = models.Case.objects.published()
    pages = [
        Page("static", "Static CSS file", "static", staticfiles_storage.url("css/site.css")),
        Page("companies", "Companies", "list", "/companies/"),
        Page("cases", "Cases", "list", "/cases/"),
    ]

    top = list(models.Sector.objects.top_level())
    sizes = {
        sector.slug: cases.filter(Q(sectors=sector) | Q(sectors__parent=sector)).distinct().count()
        for sector in top
    }
    largest = max(top, key=lambda sector: (sizes[sector.slug], sector.slug)) if top else None
    filtered = None
    if largest:
        in_sector = cases.filter(
            pk__in=models.Case.objects.filter(Q(sectors=largest) | Q(sectors__parent=largest))
        )
        tracks = in_sector.exclude(track="").values("track").annotate(n=Count("pk")).order_by("-n")
        for row in tracks:
            query = {"sector": largest.slug, "track": row["track"], "sort": "-year"}
            if row["n"] > per_page:
                query["page"] = 2
            filtered = Page(
                "cases_filtered",
                "Cases, 2 filters + sort" + (", page 2" if row["n"] > per_page else ""),
                "list",
                f"/cases/?{urlencode(query)}",
            )
            break
    if filtered:
        pages.append(filtered)
    last = max(1, -(-cases.count() // per_page))
    pages.append(Page("cases_last", f"Cases, last page ({last})", "last", f"/cases/?page={last}"))

    texts = cases.order_by("-pk").values_list("title_en", "summary_en", "title_zh", "summary_zh")
    texts = list(texts[:5000])
    english, chinese = generator_vocabulary()
    word = common_word((f"{title} {summary}" for title, summary, _, _ in texts), english)
    pair = common_cjk_pair((f"{title} {summary}" for _, _, title, summary in texts), chinese)
    if word:
        pages.append(Page("search_en", f"Search “{word}”", "search", f"/search/?q={word}"))
    if pair:
        pages.append(Page("search_zh", f"Search “{pair}”", "search", f"/search/?q={quote(pair)}"))
    pages += [
        Page("cases_zh", "Cases in Chinese", "list", "/zh-hans/cases/"),
        Page("policies", "Policies", "list", "/policies/"),
        Page("people", "People", "list", "/people/"),
        Page("sectors", "Sectors", "list", "/sectors/"),
        Page("regions", "Regions", "list", "/regions/"),
    ]

    generated = cases.filter(slug__startswith="syn-")
    case = (
        (generated if generated.exists() else cases)
        .annotate(n=Count("roles", distinct=True) + Count("metrics", distinct=True))
        .order_by("-n", "-pk")
        .first()
    )
    if case:
        pages.append(Page("case", "Case page", "detail", case.get_absolute_url()))
    company = (
        models.Company.objects.published()
        .annotate(n=Count("case_roles", filter=Q(case_roles__case__published=True)))
        .order_by("-n", "pk")
        .first()
    )
    if company:
        pages.append(
            Page(
                "company",
                f"Organisation ({company.n:,} cases)",
                "detail",
                company.get_absolute_url(),
            )
        )
    if largest:
        pages.append(
            Page(
                "sector",
                f"Largest sector ({sizes[largest.slug]:,} cases)",
                "detail",
                largest.get_absolute_url(),
            )
        )
    region = largest_region(cases)
    if region:
        pages.append(
            Page(
                "region",
                f"Largest region ({region.n:,} cases)",
                "detail",
                region.get_absolute_url(),
            )
        )
    source = models.Source.objects.annotate(n=Count("citations")).order_by("-n", "pk").first()
    if source:
        pages.append(Page("source", "Source page", "detail", source.get_absolute_url()))
    return pages


def largest_region(cases):
    """The region with the most of ``cases`` in it or in a place within it (its ``n``), read
    from the stored tree pairs; None when no case has a region."""
    from django.db.models import Count

    from catalog import models, tree_index
    from catalog.models.closure import TreeMembership

    code = tree_index.relation_code(models.Case, "regions")
    top = (
        TreeMembership.rows.filter(relation=code, member__in=cases.values("pk"))
        .values("node")
        .annotate(n=Count("*"))
        .order_by("-n", "node")
        .first()
    )
    if top is None:
        return None
    region = models.Region.objects.get(pk=top["node"])
    region.n = top["n"]
    return region


def database_description():
    from django.db import connection

    version = ".".join(str(part) for part in connection.get_database_version())
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )
    return f"{name} {version}"


def count_queries(pages, mode):
    """SQL queries of each page as an anonymous visitor (a new client, no cookies): after a first
    request, so that the count is the steady one; with the page cache on, the cached one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def get(path):
        """The response, or None after PROBE_TIMEOUT seconds (as gunicorn would stop it)."""

        def stop(signum, frame):
            raise TimeoutError

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, PROBE_TIMEOUT)
        try:
            response = Client().get(path)
        except TimeoutError:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code} in-process")
        return response

    counts = {}
    get("/regions/")  # per-process start-up queries happen here
    for page in pages:
        counts[page.key] = None
        # The first request warms what the process keeps (the page cache when it is on, the
        # facet index, read again after each catalogue change): the second one is counted.
        if page.kind == "static" or get(page.path) is None:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = get(page.path)
        if response is not None:
            counts[page.key] = len(queries)
    return counts


def run_probe(args):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from catalog import models

    if args[0] == "choose":
        result = {
            "pages": [asdict(page) for page in choose_pages()],
            "database": database_description(),
            "counts": {
                "cases": models.Case.objects.count(),
                "organisations": models.Company.objects.count(),
            },
        }
    else:  # count <mode> <pages.json>
        pages = [Page(**page) for page in json.loads(Path(args[2]).read_text())]
        result = {"queries": count_queries(pages, args[1])}
    Path(args[-1]).write_text(json.dumps(result))


# --- The run ----------------------------------------------------------------------------------


def machine_description():
    cpu = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = f" ({match.group(1).strip()})" if match else ""
    memory = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f", {int(match.group(1)) / KIB / KIB:.1f} GiB memory" if match else ""
    system = platform.system()
    with contextlib.suppress(OSError):
        match = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
        system = match.group(1) if match else system
    return (
        f"{os.cpu_count()} CPUs{cpu}{memory}, {system} (kernel {platform.release()}), "
        f"Python {platform.python_version()}"
    )


def git_commit():
    def git(*args):
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # The results page itself does not count: each run rewrites it.
    changed = git("status", "--porcelain", "-uno", "--", ".", f":!{DOC.relative_to(ROOT)}")
    return commit + (" with uncommitted changes" if changed else "")


def command_line(options, database):
    parts = []
    if database.vendor == "postgresql" or "DATABASE_URL" in os.environ:
        parts.append(f"DATABASE_URL={database.public_url()}")
    if not options.default_sizes:
        parts += [f"BENCH_CASES={options.cases}", f"BENCH_ORGANISATIONS={options.organisations}"]
        if options.seed != DEFAULTS["BENCH_SEED"]:
            parts.append(f"BENCH_SEED={options.seed}")
    for name, value in (
        ("BENCH_CLIENTS", options.clients),
        ("BENCH_REQUESTS", options.requests),
        ("BENCH_LATENCY_REQUESTS", options.latency_requests),
        ("BENCH_SECONDS", options.seconds),
    ):
        if value != DEFAULTS[name]:
            parts.append(f"{name}={value}")
    if options.modes != ("off", "on"):
        parts.append(f"BENCH_CACHE={options.modes[0]}")
    return " ".join([*parts, "make bench"])


def bench(options):
    started = time.monotonic()
    database = database_for(options, os.environ)
    ab, ab_description = ensure_ab()
    say(f"load tool: {ab_description}")
    BENCH_DIR.mkdir(exist_ok=True)
    static_root = BENCH_DIR / "staticfiles"
    env = server_env(database, static_root, secrets.token_urlsafe(64))

    prepare_database(database, options, env)
    say("collectstatic")
    manage(env, "collectstatic", "--noinput", quiet=True)
    say("picking the pages from the database")
    chosen = probe(env, "choose")
    pages = [Page(**page) for page in chosen["pages"]]
    pages_file = BENCH_DIR / "pages.json"
    pages_file.write_text(json.dumps(chosen["pages"], indent=2, ensure_ascii=False) + "\n")

    runs, memory, timeouts = {}, {}, {}
    for mode in options.modes:
        label = CACHE_MODES[mode]
        say(f"counting SQL queries ({label}, in-process)")
        queries = probe({**env, PAGE_CACHE_SWITCH: mode}, "count", mode, str(pages_file))["queries"]
        say(f"starting gunicorn ({WORKERS} workers, production settings, {label})")
        log_path = BENCH_DIR / f"gunicorn-{label}.log"
        with Server({**env, PAGE_CACHE_SWITCH: mode}, log_path) as server:
            say(f"  listening on 127.0.0.1:{server.port}; log in {log_path.relative_to(ROOT)}")
            # A few unmeasured requests first (not many: gunicorn replaces a worker after about
            # 2,000 requests, and one replaced while a page is measured starts cold).
            static = next(page for page in pages if page.kind == "static")
            static_url = f"http://127.0.0.1:{server.port}{static.path}"
            run_ab(ab, static_url, options.clients, WARM_UP_REQUESTS, options.seconds)
            runs[mode] = {}
            for page in pages:
                run = measure(ab, server, page, options, mode, queries.get(page.key))
                runs[mode][page.key] = run
                say(f"  {label:8} {page.path[:70]:70} {progress_line(run)}")
            memory[mode] = server.memory()
        timeouts[mode] = server.timeouts()
        say(f"stopped gunicorn ({label}); WORKER TIMEOUT lines: {timeouts[mode]}")

    duration = time.monotonic() - started
    from importlib.metadata import version

    report = Report(
        pages=pages,
        runs=runs,
        memory=memory,
        timeouts=timeouts,
        meta={
            "clients": options.clients,
            "database_label": database.label,
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit(),
            "machine": machine_description(),
            "database": chosen["database"],
            "data": (
                f"{chosen['counts']['cases']:,} cases and {chosen['counts']['organisations']:,} "
                f"organisations (the catalogue plus {options.cases:,} and "
                f"{options.organisations:,} generated, seed {options.seed})"
            ),
            "server": (
                f"gunicorn {version('gunicorn')} with {WORKERS} threaded workers "
                f"(gunicorn.conf.py), production settings, Django {version('Django')}; page cache "
                + " then ".join(f"{PAGE_CACHE_SWITCH}={mode}" for mode in options.modes)
            ),
            "load": (
                f"{ab_description}; per page: 1 client for {options.latency_requests} requests "
                f"or {options.seconds} s (p50, p99), {options.clients} clients for "
                f"{options.requests} requests or {options.seconds} s (req/s), "
                "whichever comes first"
            ),
            "command": command_line(options, database),
            "duration": f"{int(duration // 60)} min {int(duration % 60)} s",
        },
    )
    print()
    print(render_text(report))
    print()
    raw = BENCH_DIR / f"results-{database.vendor}.json"
    raw.write_text(
        json.dumps(
            {
                "meta": report.meta,
                "pages": [asdict(page) for page in pages],
                "runs": {mode: {k: asdict(v) for k, v in r.items()} for mode, r in runs.items()},
                "memory": memory,
                "timeouts": timeouts,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    section = render_section(report)
    (BENCH_DIR / f"results-{database.vendor}.md").write_text(section + "\n")
    if options.write_doc:
        DOC.write_text(replace_section(DOC.read_text(), database.vendor, section))
        say(f"results written to {DOC.relative_to(ROOT)} and {raw.relative_to(ROOT)}")
    else:
        say(
            f"results written to {raw.relative_to(ROOT)} (docs/performance.md is updated at "
            "the default sizes, or with BENCH_DOC=yes)"
        )
    print(f"Summary: {report.summary()}", flush=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--probe"]:
        run_probe(argv[1:])
        return 0
    parser = argparse.ArgumentParser(
        description="Benchmark the site at scale (make bench).",
        epilog="Variables:\n" + "\n".join(f"  {name:24} {text}" for name, text in HELP.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(argv)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        bench(options_from(os.environ))
    except BenchError as exc:
        print(f"[bench] FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\n[bench] interrupted; the server was stopped", file=sys.stderr, flush=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
