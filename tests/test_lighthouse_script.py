"""scripts/lighthouse.py (``make lighthouse``): its pure parts, without a browser or a server.

Reading a Lighthouse JSON report, keeping the best of several runs, the table, the pages below
target, the exit status and the page it writes into docs/lighthouse.md.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lighthouse", ROOT / "scripts" / "lighthouse.py")
lighthouse = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("lighthouse", lighthouse)
_spec.loader.exec_module(lighthouse)


def report(performance=1.0, accessibility=1.0, best_practices=1.0, seo=1.0, cls=0.0, **extra):
    """A Lighthouse report cut down to what the script reads."""
    audits = {
        "cumulative-layout-shift": {"score": 1, "numericValue": cls},
        "total-blocking-time": {"score": 0.5, "title": "Total Blocking Time"},
        "first-contentful-paint": {"score": 1, "title": "First Contentful Paint"},
        "color-contrast": {"score": 0, "title": "Background and foreground colors"},
        "is-crawlable": {"score": 1, "title": "Page isn't blocked from indexing"},
    }
    categories = {
        "performance": {
            "score": performance,
            "auditRefs": [
                {"id": "total-blocking-time", "weight": 30},
                {"id": "first-contentful-paint", "weight": 10},
                {"id": "cumulative-layout-shift", "weight": 25},
            ],
        },
        "accessibility": {
            "score": accessibility,
            "auditRefs": [{"id": "color-contrast", "weight": 7 if accessibility < 1 else 0}],
        },
        "best-practices": {"score": best_practices, "auditRefs": []},
        "seo": {"score": seo, "auditRefs": [{"id": "is-crawlable", "weight": 1}]},
    }
    return {"categories": categories, "audits": audits, **extra}


def test_a_report_becomes_four_scores_and_the_layout_shift():
    result = lighthouse.parse_report(report(performance=0.874, seo=0.66, cls=0.0421))
    assert result.scores == {
        "performance": 87,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 66,
    }
    assert result.cls == 0.0421
    assert result.below() == ["performance", "seo"]
    # What pulls a category down: its weighted audits that did not pass.
    assert result.failing == {"performance": ["Total Blocking Time"]}
    assert result.error == ""


def test_a_failed_audit_of_accessibility_is_named():
    result = lighthouse.parse_report(report(accessibility=0.96))
    assert result.failing["accessibility"] == ["Background and foreground colors"]


def test_a_missing_score_is_below_target_and_the_error_kept():
    broken = report(runtimeError={"code": "NO_FCP", "message": "The page did not paint"})
    broken["categories"]["performance"]["score"] = None
    result = lighthouse.parse_report(broken)
    assert result.scores["performance"] is None
    assert result.below() == ["performance"]
    assert result.error == "The page did not paint"


def test_the_best_run_is_kept():
    runs = [
        lighthouse.parse_report(report(performance=0.91)),
        lighthouse.parse_report(report(performance=0.99, cls=0.01)),
        lighthouse.parse_report(report(performance=0.97)),
    ]
    assert lighthouse.best(runs).scores["performance"] == 99
    on_target = lighthouse.parse_report(report())
    assert lighthouse.best([*runs, on_target]) is on_target


def rows():
    page = lighthouse.Page
    return [
        lighthouse.Row("en", page("Map", "/map/"), lighthouse.parse_report(report()), 1),
        lighthouse.Row(
            "zh-hans",
            page("Cases", "/zh-hans/cases/"),
            lighthouse.parse_report(report(performance=0.93, cls=0.002)),
            3,
        ),
    ]


def test_the_table_marks_the_scores_below_target():
    table = lighthouse.table(rows())
    lines = table.splitlines()
    assert lines[0] == (
        "| Language | Page | Path | Performance | Accessibility | Best practices | SEO | CLS "
        "| Runs |"
    )
    assert lines[2] == "| en | Map | `/map/` | 100 | 100 | 100 | 100 | 0.000 | 1 |"
    assert (
        lines[3] == "| zh-hans | Cases | `/zh-hans/cases/` | **93** | 100 | 100 | 100 | 0.002 | 3 |"
    )
    plain = lighthouse.table(rows(), markdown=False)
    assert "**" not in plain
    assert "/zh-hans/cases/  93" in plain


def test_the_exit_status_names_the_pages_below_target():
    assert lighthouse.below_target(rows()) == ["zh-hans /zh-hans/cases/ (performance 93)"]
    assert lighthouse.exit_code(rows()) == 1
    assert lighthouse.exit_code(rows()[:1]) == 0


def test_the_document_says_when_where_and_how():
    meta = {
        "date": "2026-12-06 08:00 UTC",
        "commit": "abc1234",
        "machine": "2 CPUs",
        "lighthouse": "12.2.3",
        "chrome": "Chromium 140",
        "command": "make lighthouse",
    }
    text = lighthouse.render_doc(rows(), meta)
    assert text.startswith("# Lighthouse scores\n")
    for line in ("- Date: 2026-12-06 08:00 UTC", "- Commit: abc1234", "`make lighthouse`"):
        assert line in text
    assert "best" in text
    assert "Below target: zh-hans /zh-hans/cases/ (performance 93)." in text
    assert "Every page reaches 100" in lighthouse.render_doc(rows()[:1], meta)


def test_pages_take_the_prefix_of_their_language():
    pages = lighthouse.pages_in("zh-hans", [lighthouse.Page("Map", "/map/")])
    assert pages == [lighthouse.Page("Map", "/zh-hans/map/")]
    assert lighthouse.pages_in("en", pages[:0]) == []


def test_a_run_that_lighthouse_fails_is_run_again(monkeypatch, tmp_path):
    outcomes = iter([lighthouse.LighthouseError("Lighthouse failed:\nNO_NAVSTART"), report()])

    def run(node, url, out):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        out.write_text("{}")
        return outcome

    monkeypatch.setattr(lighthouse, "run_lighthouse", run)
    page = lighthouse.Page("Map", "/map/")
    result, runs = lighthouse.measure("node", "http://127.0.0.1:1", page, 3, tmp_path)
    assert runs == 2
    assert result.below() == []


def test_a_page_whose_every_run_fails_is_below_target(monkeypatch, tmp_path):
    def run(node, url, out):
        raise lighthouse.LighthouseError("Lighthouse failed:\nNO_NAVSTART")

    monkeypatch.setattr(lighthouse, "run_lighthouse", run)
    page = lighthouse.Page("Map", "/map/")
    result, runs = lighthouse.measure("node", "http://127.0.0.1:1", page, 2, tmp_path)
    assert runs == 2
    assert result.below() == list(lighthouse.CATEGORIES)
    assert "NO_NAVSTART" in result.error
