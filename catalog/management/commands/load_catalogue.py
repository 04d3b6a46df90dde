from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from catalog.loading import FixtureError, fixture_files, load_files


class Command(BaseCommand):
    help = (
        "Load the catalogue's fixtures (every *.json in FIXTURE_DIRS, in name order) in one "
        "transaction. Loading again changes nothing unless a fixture changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Fixture files or folders to load instead of FIXTURE_DIRS.",
        )

    def handle(self, *args, paths, **options):
        files = []
        if paths:
            for path in paths:
                if path.is_dir():
                    files.extend(fixture_files([path]))
                elif path.is_file():
                    files.append(path)
                else:
                    raise CommandError(f"No such fixture file or folder: {path}")
        else:
            files = fixture_files()
        if not files:
            raise CommandError("No fixture files found.")
        try:
            report = load_files(files)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc

        self.stdout.write(f"Read {len(report.files)} fixture files.")
        for label in report.models():
            model = apps.get_model(label)
            self.stdout.write(
                f"  {model._meta.verbose_name_plural}: {report.total(label)} "
                f"({report.created[label]} new, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged)"
            )
        if report.changes:
            self.stdout.write(
                self.style.SUCCESS(f"Catalogue loaded: {report.changes} rows written.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Catalogue already up to date: nothing written."))
