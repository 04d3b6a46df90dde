from django.core.management.base import BaseCommand

from site_config.backups import backup


class Command(BaseCommand):
    help = "Write a backup of the database and the uploaded files (site_config/backups.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder for the archive.")

    def handle(self, *args, output, **options):
        archive = backup(output)
        self.stdout.write(f"Backup written: {archive}")
