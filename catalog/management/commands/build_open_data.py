from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from catalog.datapackage import DESCRIPTOR_FILE, JSON_FILE, current_build


class Command(BaseCommand):
    help = (
        "Build the bulk download of /data/ (the data package and the single JSON file) for the "
        "current catalogue version, ahead of the first request; nothing to do when it is built. "
        "The site builds it itself on the first request after a change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "base_url",
            help="The site's address as visitors reach it, e.g. https://atlas.example.org",
        )

    def handle(self, *args, base_url, **options):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise CommandError(
                f"Give the site's address, e.g. https://atlas.example.org, not {base_url!r}"
            )
        build = current_build(f"{parts.scheme}://{parts.netloc}")
        total = sum(build.files.values())
        self.stdout.write(
            f"Open data of {build.built:%Y-%m-%d %H:%M:%S} UTC in {build.folder}: "
            f"{len(build.files)} files, {total:,} bytes ({DESCRIPTOR_FILE}, {JSON_FILE} and one "
            "CSV per table)."
        )
