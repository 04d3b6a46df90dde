"""Site-wide guards: every page answers with exactly one <h1>, migrations are complete, and every
model registered in the admin has a changelist that opens."""

import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import get_resolver, reverse

from catalog import models
from catalog.views import exports

H1 = re.compile(r"<h1[\s>]")

# Detail pages by URL name, and the model whose rows they show.
DETAIL_PAGES = {
    "catalog:company_detail": models.Company,
    "catalog:case_detail": models.Case,
    "catalog:sector_detail": models.Sector,
    "catalog:region_detail": models.Region,
    "catalog:policy_detail": models.Policy,
    "catalog:person_detail": models.Person,
    "catalog:theme_detail": models.Theme,
    "catalog:source_detail": models.Source,
}
# Addresses that lead to a page rather than being one, by the model of their rows.
REDIRECTS = {"catalog:citation_redirect": models.Citation}
# Downloads of a list or of search (CSV, JSON, Atom): files, not pages (tests/test_exports.py).
DOWNLOADS = {f"catalog:{name}_export" for name in exports.LISTS} | {"catalog:search_export"}


def catalog_url_names():
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(sub, "namespace", None) == "catalog":
                names.update(f"catalog:{p.name}" for p in sub.url_patterns if p.name)
    return names - DOWNLOADS


def assert_one_h1(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert len(H1.findall(html)) == 1, "expected exactly one <h1>"
    assert html.count("<main") == 1


def test_every_named_page_is_checked_here():
    parameterless = catalog_url_names() - set(DETAIL_PAGES) - set(REDIRECTS)
    for name in parameterless:
        reverse(name)  # raises if a new page needs parameters this guard does not know
    assert set(DETAIL_PAGES) | set(REDIRECTS) <= catalog_url_names()


@pytest.mark.django_db
def test_every_list_and_home_page_has_one_h1(client, catalogue):
    for name in sorted(catalog_url_names() - set(DETAIL_PAGES) - set(REDIRECTS)):
        assert_one_h1(client.get(reverse(name)))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DETAIL_PAGES))
def test_every_detail_page_has_one_h1(client, catalogue, name):
    rows = DETAIL_PAGES[name].objects.all()
    if hasattr(DETAIL_PAGES[name], "published"):
        rows = rows.filter(published=True)
    assert rows.exists(), f"the catalogue has no rows for {name}"
    for row in rows:
        assert_one_h1(client.get(row.get_absolute_url()))


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_every_model_is_registered_and_its_changelist_opens(admin_client):
    app_models = [
        model
        for model in models.__dict__.values()
        if isinstance(model, type)
        and hasattr(model, "_meta")
        and model._meta.app_label == "catalog"
        and not model._meta.abstract
    ]
    for model in app_models:
        assert model in admin.site._registry, f"{model.__name__} is not in the admin"
        url = reverse(f"admin:catalog_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
