"""Unpublished records: a 404 for the public and for signed-in visitors who are not staff; staff
see them, marked as drafts."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories as f

DRAFT_MARKER = re.compile(r'class="draft"[^>]*>[^<]*Draft')

FACTORIES = [f.CompanyFactory, f.CaseFactory, f.PolicyFactory, f.PersonFactory]


def factory_id(factory):
    return factory._meta.model.__name__


@pytest.fixture
def staff_client(db):
    """A separate browser from ``client`` (the anonymous visitor)."""
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="x-9431-unused", is_staff=True))
    return staff


@pytest.fixture
def reader_client(db):
    reader = Client()
    reader.force_login(User.objects.create_user("reader", password="x-9431-unused"))
    return reader


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=factory_id)
def test_draft_is_not_found_by_the_public(client, factory):
    draft = factory(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=factory_id)
def test_draft_is_not_found_by_a_signed_in_reader(reader_client, factory):
    draft = factory(published=False)
    assert reader_client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=factory_id)
def test_staff_see_a_draft_with_a_visible_marker(staff_client, factory):
    draft = factory(published=False)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert DRAFT_MARKER.search(response.content.decode()), "no draft marker on the page"


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=factory_id)
def test_published_record_is_public_and_unmarked(client, staff_client, factory):
    row = factory()
    response = client.get(row.get_absolute_url())
    assert response.status_code == 200
    assert not DRAFT_MARKER.search(response.content.decode())
    staff_view = staff_client.get(row.get_absolute_url())
    assert not DRAFT_MARKER.search(staff_view.content.decode())


@pytest.mark.django_db
def test_unpublishing_hides_a_page_at_once(client):
    case = f.CaseFactory()
    assert client.get(case.get_absolute_url()).status_code == 200
    case.published = False
    case.save()
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_draft_case_is_left_out_of_the_pages_that_list_it(client, staff_client):
    sector = f.SectorFactory()
    published = f.CaseFactory(title_en="Published case")
    draft = f.CaseFactory(title_en="Draft case", published=False)
    for case in (published, draft):
        case.sectors.add(sector)
    public_html = client.get(sector.get_absolute_url()).content.decode()
    assert "Published case" in public_html
    assert "Draft case" not in public_html
    assert "Draft case" in staff_client.get(sector.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_only_staff_see_drafts_the_one_rule(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    from catalog.models import shows_drafts

    reader = django_user_model.objects.create_user("reader", password="x")
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    assert [shows_drafts(u) for u in (None, AnonymousUser(), reader, editor)] == [
        False,
        False,
        False,
        True,
    ]
