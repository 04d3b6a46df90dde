from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from catalog.loading import FixtureError, fixture_files, load_files
from catalog.maintenance import refresh_statistics


class Command(BaseCommand):
    help = (
        "Load the catalogue's fixtures (every *.json in FIXTURE_DIRS, in name order) in one "
        "transaction. Loading again changes nothing unless a fixture changed. Records whose "
        "latest version was made in the admin are kept as the editors left them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Fixture files or folders to load instead of FIXTURE_DIRS.",
        )
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help=(
                "Replace records edited in the admin with the fixtures' version too (by default "
                "they are kept and listed)."
            ),
        )

    def handle(self, *args, paths, overwrite_edits, verbosity, **options):
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
            report = load_files(files, overwrite_edits=overwrite_edits)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc

        self.stdout.write(f"Read {len(report.files)} fixture files.")
        for label in report.models():
            model = apps.get_model(label)
            kept = len(report.kept.get(label, ()))
            self.stdout.write(
                f"  {model._meta.verbose_name_plural}: {report.total(label)} "
                f"({report.created[label]} new, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged{f', {kept} kept' if kept else ''})"
            )
        if report.kept:
            self.report_kept(report, verbosity)
        if report.changes:
            refresh_statistics()
            self.stdout.write(
                self.style.SUCCESS(f"Catalogue loaded: {report.changes} rows written.")
            )
        elif report.kept:
            self.stdout.write(self.style.SUCCESS("Nothing written."))
        else:
            self.stdout.write(self.style.SUCCESS("Catalogue already up to date: nothing written."))

    def report_kept(self, report, verbosity):
        self.stdout.write(
            self.style.WARNING(
                f"Kept {report.kept_count} {'record' if report.kept_count == 1 else 'records'} "
                "edited in the admin that the fixtures would have changed (run dump_catalogue to "
                "bring the edits into the fixtures, or load_catalogue --overwrite-edits to "
                "replace them):"
            )
        )
        for label, keys in report.kept.items():
            model = apps.get_model(label)
            line = f"  {model._meta.verbose_name_plural}: {len(keys)}"
            if verbosity >= 2:
                line = f"{line}: {', '.join(keys)}"
            self.stdout.write(line)
        if verbosity < 2:
            self.stdout.write("  (-v 2 names them)")
