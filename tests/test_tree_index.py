"""The stored (row, tree node) pairs the sector and region counts are read from stay equal to the
links and the trees, whichever way they change."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from catalog import models, tree_index
from catalog.facets import Trees, tree_counts
from catalog.models.closure import TreeMembership
from tests import factories as f


def stored():
    return set(TreeMembership.rows.values_list("relation", "member", "node"))


def rebuilt():
    """The pairs as a rebuild from the links makes them (rolled back afterwards)."""
    pairs = stored()
    tree_index.rebuild()
    fresh = stored()
    TreeMembership.rows.all().delete()
    TreeMembership.rows.bulk_create(
        TreeMembership(relation=r, member=m, node=n) for r, m, n in pairs
    )
    return fresh


def walked(queryset, relation, nodes):
    """The counts as the trees give them when walked, without the table."""
    from catalog.facets import _walked_counts

    return _walked_counts(queryset, relation, nodes)


@pytest.fixture
def tree(db):
    root = f.SectorFactory()
    child = f.SectorFactory(parent=root)
    grandchild = f.SectorFactory(parent=child)
    other = f.SectorFactory()
    return root, child, grandchild, other


@pytest.mark.django_db
def test_links_added_removed_and_cleared_keep_the_pairs_current(tree):
    root, child, grandchild, other = tree
    case = f.CaseFactory()
    case.sectors.add(grandchild, child)
    assert {(1, case.pk, node.pk) for node in (root, child, grandchild)} <= stored()
    assert stored() == rebuilt()
    case.sectors.remove(grandchild)
    assert (1, case.pk, grandchild.pk) not in stored()
    assert stored() == rebuilt()
    other.cases.add(case)  # from the node's side
    assert (1, case.pk, other.pk) in stored()
    assert stored() == rebuilt()
    case.sectors.clear()
    assert not {pair for pair in stored() if pair[:2] == (1, case.pk)}
    root_cases = f.CaseFactory.create_batch(2)
    for row in root_cases:
        row.sectors.set([root])
    grandchild.cases.add(*root_cases)
    assert {(1, row.pk, child.pk) for row in root_cases} <= stored()
    grandchild.cases.clear()
    assert not {(1, row.pk, child.pk) for row in root_cases} & stored()
    assert stored() == rebuilt()


@pytest.mark.django_db
def test_a_node_moved_or_deleted_and_a_row_deleted(tree):
    root, child, grandchild, other = tree
    case = f.CaseFactory()
    case.sectors.add(grandchild)
    child.parent = other
    child.save()
    assert (1, case.pk, other.pk) in stored()
    assert (1, case.pk, root.pk) not in stored()
    assert stored() == rebuilt()
    grandchild.delete()
    assert (1, case.pk, child.pk) not in stored()
    assert stored() == rebuilt()
    case.sectors.add(child)
    case.delete()
    assert not {pair for pair in stored() if pair[:2] == (1, case.pk)}


@pytest.mark.django_db
def test_an_organisation_region_is_a_foreign_key():
    province = f.RegionFactory()
    city = f.RegionFactory(parent=province)
    company = f.CompanyFactory(region=city)
    assert {(4, company.pk, city.pk), (4, company.pk, province.pk)} <= stored()
    company.region = province
    company.save()
    assert (4, company.pk, city.pk) not in stored()
    assert stored() == rebuilt()


def draft_case():
    """A draft case under a sector and a region, with a published organisation."""
    case = f.CaseFactory(published=False)
    case.sectors.add(models.Sector.objects.filter(parent__isnull=False).first())
    case.regions.add(models.Region.objects.filter(parent__isnull=False).first())
    f.CaseCompanyFactory(case=case, company=models.Company.objects.published().first())
    return case


@pytest.mark.django_db
def test_counts_from_the_table_equal_the_walked_tree(catalogue):
    draft_case()
    trees = Trees.load()
    for model, relation, nodes in (
        (models.Case, "sectors", trees.sectors),
        (models.Case, "regions", trees.regions),
        (models.Company, "sectors", trees.sectors),
        (models.Company, "region", trees.regions),
        (models.Policy, "regions", trees.regions),
        (models.Policy, "sectors", trees.sectors),
    ):
        for rows in (model.objects.all(), model.objects.published()):
            assert tree_counts(rows, relation, nodes) == walked(rows, relation, nodes)


@pytest.mark.django_db
def test_the_command_rebuilds_and_dumpdata_leaves_the_table_out(catalogue):
    before = stored()
    assert before
    TreeMembership.rows.all().delete()
    out = io.StringIO()
    call_command("rebuild_tree_index", stdout=out)
    assert stored() == before
    assert "pairs written" in out.getvalue()
    dump = io.StringIO()
    call_command("dumpdata", "catalog.TreeMembership", stdout=dump)
    assert json.loads(dump.getvalue()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [False, True])
def test_organisations_of_an_unfiltered_list_equal_those_counted_row_by_row(catalogue, staff):
    from catalog.facets import _best_related, _best_related_counted, _related_counts_of_all

    draft_case()
    rows = models.Case.objects.all() if staff else models.Case.objects.published()
    links = models.CaseCompany._base_manager.all()
    if not staff:
        links = links.filter(company__in=models.Company._base_manager.filter(published=True))
    left_out = False if staff else models.Case._base_manager.filter(published=False)
    fast = _best_related(_related_counts_of_all(links, "case", "company", left_out), [], "default")
    slow = _best_related_counted(
        connection, links.filter(case__in=rows.values("pk")), "case", "company", []
    )
    assert sorted(fast) == sorted(slow)
    assert fast
