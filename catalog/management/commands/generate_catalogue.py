import os

from django.conf import ENVIRONMENT_VARIABLE, settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from catalog import synthetic
from catalog.maintenance import refresh_statistics


def refuse_production_settings():
    """Synthetic rows must never reach a real catalogue: development settings (DEBUG on) only."""
    # Overridden settings (tests) no longer name their module; the environment still does.
    module = settings.SETTINGS_MODULE or os.environ.get(ENVIRONMENT_VARIABLE, "")
    if module.rpartition(".")[2] == "production":
        raise CommandError(
            f"generate_catalogue refuses to run with production settings ({module}): synthetic "
            "rows must never reach a real catalogue. Use the development settings "
            "(site_config.settings.dev) with a scratch database (DATABASE_URL)."
        )
    if not settings.DEBUG:
        raise CommandError(
            f"generate_catalogue runs only with DEBUG on, as under the development settings; "
            f"DEBUG is off under {module or 'these settings'}, as in production. Use "
            "site_config.settings.dev (without DJANGO_DEBUG=false) and a scratch database."
        )


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic cases, organisations and everything around them, for "
        "benchmarking the site at scale. The real catalogue must be loaded first "
        "(load_catalogue): sectors and regions are drawn from its trees. Every synthetic row "
        "cites the source 'synthetic-benchmark-data' and its slug or ref starts with 'syn-'. "
        "The same --seed gives the same data. If synthetic data is already present the command "
        "refuses, unless --replace is given: then the earlier synthetic rows are deleted first "
        "(the real catalogue is left alone), in the same transaction. No history versions are "
        "written for synthetic rows. Runs only with development settings (DEBUG on)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, required=True, help="Number of cases to make (e.g. 50000)."
        )
        parser.add_argument(
            "--organisations",
            type=int,
            required=True,
            help="Number of organisations to make (e.g. 10000); at most 3 per case.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random generator (default 1)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic data of an earlier run first, instead of refusing.",
        )

    def handle(self, *args, cases, organisations, seed, replace, verbosity, **options):
        refuse_production_settings()
        try:
            synthetic.check_counts(cases, organisations)
        except synthetic.SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        progress = self.stdout.write if verbosity >= 1 else None
        if progress:
            progress(
                f"Generating {cases:,} synthetic cases and {organisations:,} organisations "
                f"(seed {seed})..."
            )
        try:
            # With DEBUG on, Django keeps the SQL and values of every query (the last 9,000); here
            # that is hundreds of megabytes of INSERTs, and on SQLite a second query each to quote
            # the values. Debug is off for the generation only.
            with override_settings(DEBUG=False):
                report = synthetic.generate(
                    cases, organisations, seed, replace=replace, progress=progress
                )
        except synthetic.SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        refresh_statistics()
        rows = ", ".join(f"{name} {count:,}" for name, count in report.rows.items())
        deleted = (
            f" after deleting {report.deleted:,} earlier synthetic rows" if report.deleted else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.total:,} rows in {report.seconds:.1f} s{deleted}: {rows}."
            )
        )
