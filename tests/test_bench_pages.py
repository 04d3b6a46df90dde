"""scripts/bench.py picks its detail pages from the database: the region with the most cases,
those of the places within it counted."""

import importlib.util
import sys
from pathlib import Path

import pytest

from catalog import models
from tests import factories as f

_spec = importlib.util.spec_from_file_location(
    "bench", Path(__file__).resolve().parent.parent / "scripts" / "bench.py"
)
bench = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench", bench)
_spec.loader.exec_module(bench)

pytestmark = pytest.mark.django_db


def test_the_largest_region_counts_the_cases_of_the_places_within_it():
    zhejiang = f.RegionFactory(slug="zhejiang")
    jinhua = f.RegionFactory(slug="jinhua", parent=zhejiang, level="city")
    beijing = f.RegionFactory(slug="beijing")
    for n in range(2):
        f.CaseFactory(slug=f"beijing-{n}").regions.add(beijing)
    f.CaseFactory(slug="in-zhejiang").regions.add(zhejiang)
    for n in range(2):
        f.CaseFactory(slug=f"in-jinhua-{n}").regions.add(jinhua)
    for n in range(2):  # drafts: not counted
        f.CaseFactory(slug=f"draft-{n}", published=False).regions.add(beijing)
    region = bench.largest_region(models.Case.objects.published())
    assert (region.slug, region.n) == ("zhejiang", 3)


def test_no_region_without_cases_in_regions():
    f.CaseFactory()
    assert bench.largest_region(models.Case.objects.published()) is None
