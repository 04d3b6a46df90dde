from django.core.management.base import BaseCommand, CommandError

from site_config.backups import restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive (make backup)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A file written by manage.py backup.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the current data without asking."
        )

    def handle(self, *args, archive, yes, **options):
        if not yes:
            answer = input(
                "This replaces the database and media files with the backup's. Go on? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was restored.")
        manifest = restore(archive)
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Restored the backup of {manifest['created']} ({rows} rows).")
