"""manage.py rebuild_tree_index: make the stored (row, tree node) pairs again from the links."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from catalog import tree_index
from catalog.cache import bump_catalogue_version
from catalog.models.closure import TreeMembership


class Command(BaseCommand):
    help = (
        "Rebuild the table the sector and region counts are read from (catalog/tree_index.py) "
        "from the catalogue's links and trees. The catalogue load, the generator and saves in "
        "the admin keep it current; this repairs it after rows were written some other way."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database):
            tree_index.rebuild(database)
            bump_catalogue_version(database)
        total = TreeMembership.rows.using(database).count()
        self.stdout.write(f"{total:,} (row, node) pairs written.")
