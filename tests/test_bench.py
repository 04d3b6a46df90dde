"""scripts/bench.py (``make bench``): its pure parts, without a server or a database.

Reading ApacheBench's report, the options from the environment, the targets, the table and the
section it writes into docs/performance.md.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench", bench)
_spec.loader.exec_module(bench)

AB_REPORT = """\
Server Software:        gunicorn
Server Hostname:        127.0.0.1
Server Port:            41234

Document Path:          /cases/
Document Length:        Variable

Concurrency Level:      16
Time taken for tests:   10.012 seconds
Complete requests:      57
Failed requests:        1
   (Connect: 0, Receive: 0, Length: 0, Exceptions: 1)
Non-2xx responses:      2
Total transferred:      2980000 bytes
HTML transferred:       2960000 bytes
Requests per second:    5.69 [#/sec] (mean)
Time per request:       2810.224 [ms] (mean)

Percentage of the requests served within a certain time (ms)
  50%   2790
  66%   2850
  99%   3300
 100%   3310 (longest request)
"""


def csv_for(times_ms, last=100):
    """The CSV ab writes with -e for these request times, with its indexing (and its garbage
    past the last request); some versions stop at row 99."""
    ordered = sorted(times_ms)
    rows = ["Percentage served,Time in ms"]
    for percent in range(last + 1):
        if percent == 100:
            value = ordered[-1]
        else:
            index = int(0.5 + len(ordered) * percent / 100)
            value = ordered[index] if index < len(ordered) else 0.257
        rows.append(f"{percent},{value:.3f}")
    return "\n".join(rows) + "\n"


def test_parse_ab_reads_the_report():
    result = bench.parse_ab(AB_REPORT)
    assert result.complete == 57
    assert result.failed == 1
    assert result.non_2xx == 2
    assert result.rps == pytest.approx(5.69)
    assert result.seconds == pytest.approx(10.012)
    assert result.p50 == 2790
    assert result.p99 == 3300


def test_parse_ab_prefers_the_csv_and_mends_its_high_percentiles():
    times = [10.0 + i for i in range(20)]  # 10 … 29 ms
    report = AB_REPORT.replace("Complete requests:      57", "Complete requests:      20")
    result = bench.parse_ab(report, csv_for(times))
    assert result.p50 == 20.0  # the 11th of 20
    # ab's row 99 of 20 requests points past the last one; the slowest is meant.
    assert result.p99 == 29.0
    assert result.percentiles[100] == 29.0


def test_parse_ab_csv_without_its_last_row():
    report = AB_REPORT.replace("Complete requests:      57", "Complete requests:      1")
    result = bench.parse_ab(report, csv_for([42.5], last=99))
    assert result.p50 == 42.5
    assert result.p99 == 42.5


def test_parse_ab_when_no_request_completed():
    report = AB_REPORT.replace("Complete requests:      57", "Complete requests:      0")
    report = report.replace("Requests per second:    5.69 [#/sec] (mean)\n", "")
    result = bench.parse_ab(report.split("Percentage")[0])
    assert (result.complete, result.rps, result.p50) == (0, 0.0, None)


def test_parse_ab_without_non_2xx_line_counts_none():
    report = AB_REPORT.replace("Non-2xx responses:      2\n", "")
    assert bench.parse_ab(report).non_2xx == 0


def test_parse_ab_refuses_other_text():
    with pytest.raises(ValueError, match="not an ApacheBench report"):
        bench.parse_ab("apr_pollset_poll: The timeout specified has expired (70007)")


def test_options_defaults():
    options = bench.options_from({})
    assert (options.cases, options.organisations, options.seed) == (50_000, 10_000, 1)
    assert options.modes == ("off", "on")
    assert (options.clients, options.requests, options.latency_requests) == (16, 200, 20)
    assert options.write_doc  # the full size updates docs/performance.md


def test_options_quick_run_leaves_the_doc_alone_unless_asked():
    quick = bench.options_from({"BENCH_CASES": "500", "BENCH_ORGANISATIONS": "1_000"})
    assert (quick.cases, quick.organisations) == (500, 1000)
    assert not quick.write_doc
    assert bench.options_from({"BENCH_CASES": "500", "BENCH_DOC": "yes"}).write_doc


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"BENCH_CASES": "many"}, "BENCH_CASES must be a whole number"),
        ({"BENCH_CLIENTS": "0"}, "BENCH_CLIENTS must be at least 1"),
        ({"BENCH_CACHE": "sometimes"}, "BENCH_CACHE must be off, on or both"),
        ({"BENCH_DOC": "maybe"}, "BENCH_DOC must be yes or no"),
    ],
)
def test_options_name_the_malformed_variable(environ, message):
    with pytest.raises(bench.BenchError, match=message):
        bench.options_from(environ)


def test_options_one_cache_mode():
    assert bench.options_from({"BENCH_CACHE": "ON"}).modes == ("on",)


def test_database_default_is_a_sqlite_file_per_size_under_bench():
    database = bench.database_for(bench.options_from({"BENCH_CASES": "500"}), {})
    assert database.vendor == "sqlite"
    assert Path(database.name).parent == bench.BENCH_DIR
    assert "500-cases" in database.name


def test_database_postgres_needs_a_bench_database_of_its_own():
    options = bench.options_from({})
    url = "postgres://postgres:secret@127.0.0.1:5432/atlas_bench"
    database = bench.database_for(options, {"DATABASE_URL": url})
    assert (database.vendor, database.name) == ("postgresql", "atlas_bench")
    assert "secret" not in database.public_url()
    with pytest.raises(bench.BenchError, match="whose name contains 'bench'"):
        bench.database_for(options, {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/atlas"})
    with pytest.raises(bench.BenchError, match="whose name contains 'bench'"):
        bench.database_for(options, {"DATABASE_URL": "sqlite:///db.sqlite3"})
    with pytest.raises(bench.BenchError, match="not 'mysql'"):
        bench.database_for(options, {"DATABASE_URL": "mysql://root@localhost/bench"})


def run(rps=100.0, p50=50.0, size=40 * 1024, queries=10, cache=""):
    return bench.Run(
        cache=cache,
        size=size,
        queries=queries,
        rps=rps,
        p50=p50,
        p99=p50 * 2,
        latency_requests=20,
        load_requests=200,
    )


STATIC = bench.Page("static", "Static CSS file", "static", "/static/css/site.abc.css")
CASES = bench.Page("cases", "Cases", "list", "/cases/")
SOURCE = bench.Page("source", "Source page", "detail", "/sources/s/")


def test_targets_of_a_list_page():
    static = {"off": run(rps=1000), "on": run(rps=1000)}
    fine = {"off": run(p50=99), "on": run(rps=400)}
    assert bench.misses(CASES, fine, static) == set()
    slow = {"off": run(p50=101, size=151 * 1024), "on": run(rps=300)}
    assert bench.misses(CASES, slow, static) == {"p50", "size", "ratio"}
    assert bench.count_targets(CASES, slow, static) == 3


def test_targets_of_a_detail_page_and_the_static_file():
    static = {"off": run(rps=1000)}
    assert bench.misses(SOURCE, {"off": run(p50=150, size=200 * 1024)}, static) == set()
    assert bench.misses(SOURCE, {"off": run(p50=151)}, static) == {"p50"}
    assert bench.misses(STATIC, {"off": run(p50=10_000)}, static) == set()
    assert bench.count_targets(STATIC, static, static) == 0
    # Uncached only: no cached ratio to check.
    assert bench.count_targets(SOURCE, {"off": run()}, static) == 2


def report():
    runs = {
        "off": {"static": run(rps=1200, p50=0.5), "cases": run(rps=6, p50=2400)},
        "on": {
            "static": run(rps=1200, p50=0.5),
            "cases": run(rps=600, p50=2, queries=0, cache="hit"),
        },
    }
    memory = {
        "off": {"final": [98.0, 101.0], "peak": 160.0, "workers_seen": 3},
        "on": {"final": [90.0, 91.0], "peak": 95.0, "workers_seen": 2},
    }
    return bench.Report(
        pages=[STATIC, CASES],
        runs=runs,
        memory=memory,
        timeouts={"off": 2, "on": 0},
        meta={"clients": 16},
    )


def test_report_rows_mark_the_misses():
    rows = report().rows()
    assert rows[0][:4] == [
        ("Static CSS file", False),
        ("the ceiling", False),
        ("40.0", False),
        ("–", False),
    ]
    cases = dict(zip([name for _, name in report().columns()], rows[1], strict=False))
    assert cases["SQL queries"] == ("10 / 0", False)
    assert rows[1][5] == ("2,400", True)  # uncached p50
    assert rows[1][7] == ("0.005", False)  # uncached ratio: no target
    assert rows[1][11] == ("0.5", False)  # cached ratio 600 / 1200


def test_report_tally_and_summary():
    the_report = report()
    # cases: size, p50, ratio; memory: one per mode.
    assert the_report.tally() == (5, 2)
    summary = the_report.summary()
    assert summary.startswith("3 of 5 targets met;")
    assert "slowest uncached page: Cases (p50 2,400 ms)" in summary
    assert "worker RSS peak 160 MB" in summary
    assert "2 worker timeout(s)" in summary


def test_render_text_and_markdown():
    text = bench.render_text(report())
    assert "2,400 ✗" in text
    assert "peak 160 MB ✗" in text
    assert "**" not in text
    assert "1 worker(s) recycled" in text
    table = bench.render_markdown_table(report())
    assert table.splitlines()[0].startswith("| Page | Target | HTML KB | SQL queries | Uncached")
    assert "| **2,400** ✗ |" in table


def test_render_section_has_what_reproduces_the_run():
    the_report = report()
    the_report.meta.update(
        database_label="SQLite",
        date="2025-01-01 00:00 UTC",
        commit="abc1234",
        machine="2 CPUs",
        database="SQLite 3.40.1",
        data="50,019 cases",
        server="gunicorn",
        load="ab",
        command="make bench",
        duration="6 min 0 s",
    )
    section = bench.render_section(the_report)
    assert section.startswith("### SQLite — 2025-01-01 00:00 UTC")
    assert "- Reproduce: `make bench` (took 6 min 0 s)" in section
    assert "- Cases: `/cases/`" in section
    assert section.endswith(f"**Summary:** {the_report.summary()}")


def test_replace_section_replaces_only_its_own_database():
    document = "# Performance\n\nIntro.\n"
    first = bench.replace_section(document, "sqlite", "SQLite, run 1")
    both = bench.replace_section(first, "postgresql", "PostgreSQL, run 1")
    again = bench.replace_section(both, "sqlite", "SQLite, run 2")
    assert again.startswith(
        "# Performance\n\nIntro.\n\n<!-- bench:sqlite:start -->\nSQLite, run 2\n"
    )
    assert "SQLite, run 1" not in again
    assert "PostgreSQL, run 1" in again
    assert again.count("<!-- bench:sqlite:start -->") == 1


def test_common_words_leave_out_those_in_every_row():
    texts = [
        "Synthetic case: intelligent manufacturing",
        "Synthetic case: green manufacturing",
        "Synthetic case: intelligent computing",
        "Synthetic case: medical robots",
        "Synthetic case: hydrogen manufacturing",
    ]
    # "synthetic" is in every row; "manufacturing" in 3 of 5 (more than half) is left out too.
    assert bench.common_word(texts) == "intelligent"
    pairs = ["合成案例:智能製造", "合成案例:綠色製造", "合成案例:醫療", "合成案例:智能"]
    assert bench.common_cjk_pair(pairs) in {"智能", "製造"}


def test_formatting():
    assert bench.fmt_number(1234.5) == "1,234"
    assert bench.fmt_number(12.34) == "12.3"
    assert bench.fmt_number(0.456) == "0.46"
    assert bench.fmt_ratio(0.00214) == "0.0021"
    assert bench.fmt_ratio(1.0) == "1"
    assert bench.fmt_kib(150 * 1024) == "150.0"


def test_a_page_without_answer_misses_its_targets_and_is_named():
    the_report = report()
    silent = bench.Run(size=None, queries=None, rps=None, p50=None, p99=None, error="no answer")
    the_report.runs["off"]["cases"] = silent
    static = the_report.static_runs()
    # The size comes from the cached run.
    assert bench.misses(CASES, the_report.page_runs(CASES), static) == {"p50"}
    row = the_report.rows()[1]
    assert row[2] == ("40.0", False)  # the size from the cached run
    assert row[4] == ("no answer", False)
    assert row[5] == ("–", True)
    assert "no answer in time: Cases" in the_report.summary()
    assert "no answer" in bench.progress_line(silent)
    assert "req/s" in bench.progress_line(run())


def test_a_page_the_cache_did_not_serve_is_named():
    the_report = report()
    assert not any("page cache" in note for note in the_report.notes())
    the_report.runs["on"]["cases"].cache = "miss"
    assert the_report.notes()[-1] == (
        "Not served from the page cache after warming it (no `X-Cache: hit`): Cases."
    )


def test_worker_timeouts_during_a_page_are_shown():
    the_report = report()
    the_report.runs["off"]["cases"].timeouts = 2
    assert the_report.rows()[1][4] == ("6.00 (2 timed out)", False)


def test_a_worker_replaced_during_a_page_is_noted():
    the_report = report()
    the_report.runs["on"]["cases"].recycled = True
    assert (
        "A worker was replaced (gunicorn's max_requests) while measuring (cached): Cases; "
        "the new worker starts cold." in the_report.notes()
    )


def test_common_words_prefer_the_vocabulary():
    texts = ["甲乙 智能", "甲乙", "甲乙 製造", "智能", "丙丁", "丙丁", "戊己"]
    assert bench.common_cjk_pair(texts) == "甲乙"
    assert bench.common_cjk_pair(texts, {"智能", "製造"}) == "智能"
    assert bench.common_word(["alpha gamma", "beta gamma", "delta"], {"delta"}) == "delta"
