"""make backup / make restore: an archive written while the site could serve brings back every
record, every history row and every uploaded image (on SQLite and on PostgreSQL)."""

import subprocess
import sys

from tests import live_server
from tests.test_production_settings import ROOT, production_env

ROUND_TRIP = """
import sys
from pathlib import Path
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from catalog.models import Company
from site_config.backups import _row_counts
from tests import factories as f
from tests.test_admin import png_bytes

company = f.CompanyFactory(name_en="Before the backup")
company.logo.save("logo.png", ContentFile(png_bytes()), save=False)
company.name_en = "Backed up"
company.logo_alt_zh, company.logo_alt_en = "標誌", "Logo"
company.save()
logo = Path(company.logo.path)
before = _row_counts(connection)
assert before["catalog_historicalcompany"] >= 2, before

call_command("backup", output=sys.argv[1])
archive = next(Path(sys.argv[1]).glob("atlas-*.tar.gz"))

call_command("flush", interactive=False)   # everything lost ...
logo.unlink()
assert Company.objects.count() == 0

call_command("restore", str(archive), yes=True)   # ... and brought back
after = _row_counts(connection)
assert after == before, {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
restored = Company.objects.get(pk=company.pk)
assert restored.name_en == "Backed up"
assert restored.history.count() == company.history.count()
assert Path(restored.logo.path).read_bytes() == png_bytes()
print("restored", sum(after.values()), "rows")
"""


def test_a_backup_restores_every_record_history_row_and_image(tmp_path):
    with live_server.database_url(tmp_path, copy_of="migrated") as url:
        env = production_env(DATABASE_URL=url, DJANGO_MEDIA_ROOT=str(tmp_path / "media"))
        backups = str(tmp_path / "backups")
        result = subprocess.run(
            [sys.executable, "-c", ROUND_TRIP, backups],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("restored")
