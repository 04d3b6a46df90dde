"""generate_catalogue: synthetic data for benchmarks, drawn from the real sector and region trees,
marked as synthetic, the same for the same seed, and refused where it does not belong."""

import io
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from catalog import models
from catalog.cache import catalogue_version
from catalog.search import document, normalise
from catalog.synthetic import PREFIX, SOURCE_SLUG

CASES = 200
ORGANISATIONS = 50
ROOT = Path(__file__).resolve().parent.parent

# Every model whose synthetic rows carry a citation: its key field, the citation's field for it.
CITED = {
    models.Company: ("slug", "company"),
    models.Case: ("slug", "case"),
    models.Metric: ("ref", "metric"),
    models.FundingRound: ("ref", "funding_round"),
    models.Investment: ("ref", "investment"),
    models.Policy: ("slug", "policy"),
    models.Person: ("slug", "person"),
    models.Quote: ("ref", "quote_record"),
}


def synthetic(model):
    return model.objects.filter(**{f"{CITED[model][0]}__startswith": PREFIX})


def real(model):
    return model.objects.exclude(**{f"{CITED[model][0]}__startswith": PREFIX})


def generate(*args, cases=CASES, organisations=ORGANISATIONS):
    out = io.StringIO()
    call_command(
        "generate_catalogue",
        f"--cases={cases}",
        f"--organisations={organisations}",
        *args,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def dev_settings(settings):
    """The development settings the command asks for (the test settings have DEBUG off)."""
    settings.DEBUG = True
    return settings


@pytest.fixture
def generated(catalogue, dev_settings):
    """The real catalogue plus synthetic data (seed 7); returns the command's output."""
    return generate("--seed=7")


def snapshot():
    """The synthetic data by natural keys, without ids or timestamps."""
    cases = {
        case.slug: (
            case.title_zh,
            case.summary_en,
            case.published,
            case.start_year,
            sorted(s.slug for s in case.sectors.all()),
            sorted(r.slug for r in case.regions.all()),
            sorted((role.company.slug, role.role) for role in case.roles.all()),
        )
        for case in synthetic(models.Case).prefetch_related("sectors", "regions", "roles__company")
    }
    companies = list(
        synthetic(models.Company)
        .order_by("slug")
        .values_list("slug", "name_zh", "kind", "region__slug", "parent__slug", "published")
    )
    metrics = list(synthetic(models.Metric).order_by("ref").values_list("ref", "value", "label_en"))
    quotes = list(synthetic(models.Quote).order_by("ref").values_list("ref", "text_zh"))
    investments = list(
        synthetic(models.Investment).order_by("ref").values_list("ref", "investor__slug")
    )
    return cases, companies, metrics, quotes, investments


# --- what it makes ------------------------------------------------------------------------------


def test_counts_progress_and_summary(generated):
    assert synthetic(models.Case).count() == CASES
    assert synthetic(models.Company).count() == ORGANISATIONS
    for model in (models.Policy, models.Person, models.Quote, models.FundingRound):
        assert synthetic(model).exists(), model
    assert synthetic(models.Investment).exists()
    assert models.Metric.objects.filter(ref__startswith=PREFIX, policy__isnull=False).exists()

    lines = generated.strip().splitlines()
    assert lines[0].startswith(f"Generating {CASES} synthetic cases")
    assert any(line.startswith(f"cases: {CASES} of {CASES} (") for line in lines)
    assert lines[-1].startswith("Generated ")
    assert f"cases {CASES}," in lines[-1]
    assert f"organisations {ORGANISATIONS}," in lines[-1]
    assert " s" in lines[-1]


def test_each_case_has_one_to_three_organisations_sectors_regions_and_up_to_four_figures(generated):
    cases = synthetic(models.Case).annotate(
        roles_n=Count("roles", distinct=True),
        sectors_n=Count("sectors", distinct=True),
        regions_n=Count("regions", distinct=True),
        metrics_n=Count("metrics", distinct=True),
    )
    for case in cases:
        assert 1 <= case.roles_n <= 3, case.slug
        assert 1 <= case.sectors_n <= 3, case.slug
        assert 1 <= case.regions_n <= 3, case.slug
        assert 0 <= case.metrics_n <= 4, case.slug
    assert {case.metrics_n for case in cases} == {0, 1, 2, 3, 4}
    subjects = models.CaseCompany.objects.filter(
        case__slug__startswith=PREFIX, role=models.CaseRole.SUBJECT
    )
    assert subjects.exists()


def test_organisations_sectors_and_regions_are_drawn_skewed_from_the_real_trees(generated):
    roles = Counter(
        models.CaseCompany.objects.filter(case__slug__startswith=PREFIX).values_list(
            "company__slug", flat=True
        )
    )
    assert set(roles) <= set(synthetic(models.Company).values_list("slug", flat=True))
    counts = sorted(roles.values(), reverse=True)
    # A few organisations take part in many cases, most in a few.
    assert counts[0] >= 5 * statistics.median(counts)
    assert counts[0] >= CASES // 10

    for model in (models.Sector, models.Region):
        per_row = list(
            model.objects.annotate(n=Count("cases", filter=Q(cases__slug__startswith=PREFIX)))
            .order_by("-n")
            .values_list("n", flat=True)
        )
        assert per_row[0] >= 4 * statistics.mean(per_row), model
    # Nothing was added to the trees: every sector and region is a real one.
    assert not models.Sector.objects.filter(slug__startswith=PREFIX).exists()
    assert not models.Region.objects.filter(slug__startswith=PREFIX).exists()


def test_no_generated_case_claims_a_photograph_of_the_source(generated):
    types = set(synthetic(models.Case).values_list("case_type", flat=True))
    assert models.CaseType.PICTURED not in types
    assert len(types) > 1


def test_about_three_percent_drafts(generated):
    for model in (models.Case, models.Company, models.Policy, models.Person):
        rows = synthetic(model)
        drafts = rows.filter(published=False).count()
        assert drafts == round(rows.count() * 0.03), model
    assert synthetic(models.Case).filter(published=False).count() == 6


def test_every_synthetic_row_cites_the_synthetic_source_and_only_it(generated):
    source = models.Source.objects.get(slug=SOURCE_SLUG)
    assert source.title == "合成基準測試數據"
    assert source.title_en == "Synthetic benchmark data"
    total = 0
    for model, (_key, field) in CITED.items():
        rows = synthetic(model)
        cited = rows.annotate(
            n=Count("citations"),
            synthetic=Count("citations", filter=Q(citations__source=source)),
        )
        assert all(row.n == 1 and row.synthetic == 1 for row in cited), model
        total += rows.count()
        # No real row cites the synthetic source.
        assert not real(model).filter(citations__source=source).exists(), model
        citing = models.Citation.objects.filter(source=source, **{f"{field}__isnull": False})
        assert citing.count() == rows.count(), model
    assert source.citations.count() == total
    for quote in source.citations.values_list("quote", flat=True).distinct():
        assert quote in source.note


def test_search_text_is_filled_as_a_save_would(generated):
    for model in (models.Company, models.Case, models.Policy, models.Person, models.Quote):
        for row in synthetic(model):
            assert row.search_text, row
            assert row.search_text == document(row.search_fields()), row
    for word in ("智能", "製造", "醫療", "能源", "manufacturing", "innovation"):
        assert synthetic(models.Case).filter(search_text__contains=normalise(word)).exists(), word


def test_the_real_catalogue_is_left_as_it_was(catalogue, dev_settings):
    before = {model: real(model).count() for model in CITED}
    sectors, regions = models.Sector.objects.count(), models.Region.objects.count()
    generate("--seed=3")
    assert {model: real(model).count() for model in CITED} == before
    assert (models.Sector.objects.count(), models.Region.objects.count()) == (sectors, regions)
    assert not models.Case.history.filter(slug__startswith=PREFIX).exists()


def test_cached_pages_go_stale_when_the_data_is_committed(
    catalogue, dev_settings, django_capture_on_commit_callbacks
):
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        generate()
    assert catalogue_version() == before, "not before the commit"
    for callback in callbacks:
        callback()
    assert catalogue_version() != before


# --- the same seed, the same data; a second run ---------------------------------------------


def test_the_same_seed_gives_the_same_data(generated):
    first = snapshot()
    generate("--seed=7", "--replace")
    assert snapshot() == first
    generate("--seed=8", "--replace")
    assert snapshot() != first


def test_a_second_run_is_refused_unless_replace(generated):
    real_cases = real(models.Case).count()
    with pytest.raises(CommandError, match="already.*--replace"):
        generate("--seed=7")
    assert synthetic(models.Case).count() == CASES

    output = generate("--seed=9", "--replace", cases=100, organisations=20)
    assert "after deleting" in output.splitlines()[-1]
    assert synthetic(models.Case).count() == 100
    assert synthetic(models.Company).count() == 20
    assert real(models.Case).count() == real_cases
    source = models.Source.objects.get(slug=SOURCE_SLUG)
    assert source.citations.count() == sum(synthetic(model).count() for model in CITED)
    # No link of a deleted row is left behind.
    assert (
        not models.CaseCompany.objects.filter(company__slug__startswith=PREFIX)
        .exclude(case__slug__startswith=PREFIX)
        .exists()
    )
    assert (
        models.Case.sectors.through.objects.count()
        == models.Case.sectors.through.objects.filter(case__in=models.Case.objects.all()).count()
    )


def test_replace_refuses_when_a_real_row_refers_to_a_synthetic_one(generated):
    figure = real(models.Metric).filter(company__isnull=False).first()
    organisation = synthetic(models.Company).first()
    models.Metric.objects.filter(pk=figure.pk).update(company=organisation)
    with pytest.raises(CommandError, match="real catalogue refer to synthetic"):
        generate("--seed=7", "--replace")
    assert synthetic(models.Case).count() == CASES


# --- refusals -----------------------------------------------------------------------------------


def test_refuses_when_the_trees_are_empty(db, dev_settings):
    with pytest.raises(CommandError, match="load_catalogue"):
        generate()
    assert not models.Source.objects.exists()


def test_refuses_production_settings(catalogue, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "site_config.settings.production")
    with pytest.raises(CommandError, match="production settings"):
        generate()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "site_config.settings.test")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        generate()
    assert not models.Source.objects.filter(slug=SOURCE_SLUG).exists()


def test_refuses_to_run_under_production_settings_from_the_command_line(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "atlas.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.sqlite3'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_catalogue", "--cases=10", "--organisations=5"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "refuses to run with production settings" in result.stderr
    database = tmp_path / "never-created.sqlite3"
    if database.exists():  # opening it (WAL journal) may write its header: no table, no row
        with closing(sqlite3.connect(database)) as connection:
            assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cases=0", "--organisations=10"], "--cases must be at least 1"),
        (["--cases=-5", "--organisations=10"], "--cases must be at least 1"),
        (["--cases=10", "--organisations=0"], "--organisations must be at least 1"),
        (["--cases=10", "--organisations=31"], "at most 30"),
        (["--cases=2000000", "--organisations=10"], "--cases may be at most"),
        (["--cases=ten", "--organisations=10"], "invalid int value"),
        (["--cases=10"], "--organisations"),
        (["--cases=10", "--organisations=5", "--seed=x"], "invalid int value"),
    ],
)
def test_refuses_bad_arguments(dev_settings, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_catalogue", *arguments, stdout=io.StringIO())


# --- the pages ----------------------------------------------------------------------------------


def test_generated_pages_render(generated, client):
    assert client.get("/cases/").status_code == 200
    case = (
        synthetic(models.Case)
        .filter(published=True)
        .annotate(n=Count("metrics"))
        .filter(n__gt=0)
        .first()
    )
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert case.title_zh in page
    assert "本案例為合成基準測試數據,並非事實。" in page

    busiest = (
        synthetic(models.Company)
        .filter(published=True)
        .annotate(n=Count("case_roles"))
        .order_by("-n")
        .first()
    )
    assert client.get(busiest.get_absolute_url()).status_code == 200
    draft = synthetic(models.Case).filter(published=False).first()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/search/", {"q": "智能 製造"}).status_code == 200
