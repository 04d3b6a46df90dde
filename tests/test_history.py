"""Nothing lost: every change is a version that can be compared and restored, and a record that
others depend on cannot be deleted (the admin says why, never with a server error)."""

import pytest
from django.contrib.messages import get_messages

from catalog import models
from tests import factories as f
from tests.test_admin import admin_url, form_data


def change_title(client, case, title):
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(client.get(url))
    data["title_en"] = title
    response = client.post(url, data)
    assert response.status_code == 302
    return response


# --- Versions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_save_is_a_version_with_its_author(admin_client, admin_user):
    case = f.CaseFactory(title_en="First title")
    change_title(admin_client, case, "Second title")
    versions = case.history.all()
    assert [v.title_en for v in versions] == ["Second title", "First title"]
    assert versions[0].history_user == admin_user
    assert versions[0].history_type == "~"


@pytest.mark.django_db
def test_history_page_shows_what_changed(admin_client):
    case = f.CaseFactory(title_en="First title")
    change_title(admin_client, case, "Second title")
    response = admin_client.get(admin_url(models.Case, "history", case.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "English title (translation):" in html
    assert "First title" in html
    assert "Second title" in html


@pytest.mark.django_db
def test_an_earlier_version_can_be_restored(admin_client):
    case = f.CaseFactory(title_en="First title")
    change_title(admin_client, case, "Second title")
    first = case.history.earliest()
    url = admin_url(models.Case, "simple_history", case.pk, first.history_id)

    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Revert" in page.content.decode()
    assert page.context["adminform"].form["title_en"].value() == "First title"

    response = admin_client.post(url, form_data(page))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title_en == "First title"
    # Restoring is itself a version: the one it replaced can be restored in turn.
    assert [v.title_en for v in case.history.all()] == [
        "First title",
        "Second title",
        "First title",
    ]


@pytest.mark.django_db
def test_restoring_keeps_the_rules(admin_client):
    """A restored version goes through the same form: it cannot break a rule made since."""
    old_parent = f.SectorFactory()
    sector = f.SectorFactory(parent=old_parent)
    version = sector.history.earliest()
    sector.parent = None
    sector.save()
    old_parent.parent = f.SectorFactory()  # the old parent has become a sub-sector
    old_parent.save()
    url = admin_url(models.Sector, "simple_history", sector.pk, version.history_id)
    response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 200
    assert "top-level sector" in str(response.context["adminform"].form.errors["parent"])
    sector.refresh_from_db()
    assert sector.parent is None


@pytest.mark.django_db
def test_a_deleted_record_can_be_brought_back_from_its_history(admin_client):
    person = f.PersonFactory(name_en="Sun Yingni")
    pk = person.pk
    response = admin_client.post(admin_url(models.Person, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not models.Person.objects.filter(pk=pk).exists()

    history = admin_client.get(admin_url(models.Person, "history", pk))
    assert history.status_code == 200
    last_kept = models.Person.history.filter(id=pk, history_type="+").get()
    url = admin_url(models.Person, "simple_history", pk, last_kept.history_id)
    response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302
    assert models.Person.objects.get(pk=pk).name_en == "Sun Yingni"


@pytest.mark.django_db
def test_publishing_from_the_list_is_a_version_too(admin_client):
    company = f.CompanyFactory()
    admin_client.post(
        admin_url(models.Company, "changelist"),
        {"action": "unpublish", "_selected_action": [str(company.pk)]},
    )
    latest = company.history.first()
    assert latest.published is False
    assert latest.history_change_reason == "Unpublished"


# --- Links (many-to-many) are part of each version ---------------------------------------------


def change_sectors(client, case, sectors):
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(client.get(url))
    data["sectors"] = [str(sector.pk) for sector in sectors]
    response = client.post(url, data)
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_changing_links_is_one_version_that_shows_the_difference(admin_client, admin_user):
    ai, robots = f.SectorFactory(name_zh="人工智能"), f.SectorFactory(name_zh="機器人")
    case = f.CaseFactory()
    case.sectors.add(ai)
    before = case.history.count()

    change_sectors(admin_client, case, [ai, robots])

    assert case.history.count() == before + 1, "one save, one version"
    latest = case.history.first()
    assert latest.history_user == admin_user
    assert sorted(link.sector_id for link in latest.sectors.all()) == sorted([ai.pk, robots.pk])
    html = admin_client.get(admin_url(models.Case, "history", case.pk)).content.decode()
    assert "Sectors:" in html
    old, new = html.split("<strong>Sectors:</strong>")[1].split("</li>")[0].split("&rarr;")
    assert "人工智能" in old
    assert "機器人" not in old
    assert "人工智能" in new
    assert "機器人" in new


@pytest.mark.django_db
def test_restoring_a_version_restores_its_links(admin_client):
    ai, robots, beijing = f.SectorFactory(), f.SectorFactory(), f.RegionFactory()
    case = f.CaseFactory(title_en="First title")
    change_sectors(admin_client, case, [ai])
    first = case.history.first()
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(admin_client.get(url))
    data.update(title_en="Second title", sectors=[str(robots.pk)], regions=[str(beijing.pk)])
    assert admin_client.post(url, data).status_code == 302

    url = admin_url(models.Case, "simple_history", case.pk, first.history_id)
    page = admin_client.get(url)
    assert page.context["adminform"].form["sectors"].value() == [ai.pk]
    assert page.context["adminform"].form["regions"].value() == []
    assert admin_client.post(url, form_data(page)).status_code == 302

    case.refresh_from_db()
    assert case.title_en == "First title"
    assert list(case.sectors.all()) == [ai]
    assert not case.regions.exists()
    restored = case.history.first()
    assert restored.history_change_reason.startswith("Restored the version of ")
    assert [link.sector_id for link in restored.sectors.all()] == [ai.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "target"),
    [
        (f.CompanyFactory, "sectors", f.SectorFactory),
        (f.PolicyFactory, "issuers", f.CompanyFactory),
        (f.PolicyFactory, "cases", f.CaseFactory),
        (f.QuoteFactory, "policies", f.PolicyFactory),
    ],
    ids=["company-sectors", "policy-issuers", "policy-cases", "quote-policies"],
)
def test_every_kind_of_link_is_versioned_and_restored(admin_client, factory, field, target):
    row, linked = factory(), target()
    model = type(row)
    first = row.history.first()
    url = admin_url(model, "change", row.pk)
    data = form_data(admin_client.get(url))
    data[field] = [str(linked.pk)]
    assert admin_client.post(url, data).status_code == 302
    assert list(getattr(row, field).all()) == [linked]
    history = admin_client.get(admin_url(model, "history", row.pk)).content.decode()
    assert str(model._meta.get_field(field).verbose_name).capitalize() + ":" in history

    url = admin_url(model, "simple_history", row.pk, first.history_id)
    assert admin_client.post(url, form_data(admin_client.get(url))).status_code == 302
    assert not getattr(row, field).exists()


@pytest.mark.django_db
def test_linking_a_quote_from_the_case_page_is_a_version_of_the_quote(admin_client, admin_user):
    from tests.test_admin import add_inline_row, inline_prefix

    case, quote = f.CaseFactory(), f.QuoteFactory()
    before = quote.history.count()
    url = admin_url(models.Case, "change", case.pk)
    response = admin_client.get(url)
    data = form_data(response)
    add_inline_row(data, inline_prefix(response, models.Quote.cases.through), quote=str(quote.pk))
    assert admin_client.post(url, data).status_code == 302

    assert quote.history.count() == before + 1
    latest = quote.history.first()
    assert latest.history_user == admin_user
    assert [link.case_id for link in latest.cases.all()] == [case.pk]


@pytest.mark.django_db
def test_versions_written_before_links_were_tracked_get_todays_links():
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("catalog.migrations.0007_history_links_backfill")
    sector = f.SectorFactory()
    case = f.CaseFactory()
    case.sectors.add(sector)
    link_history = models.Case.history.model.sectors.model
    link_history.objects.all().delete()  # as before 0006

    backfill.copy_current_links(apps, None)

    for version in case.history.all():
        assert [link.sector_id for link in version.sectors.all()] == [sector.pk]


@pytest.mark.django_db
def test_loaddata_writes_no_versions_of_its_own():
    """Moving a site (docs/deploy.md) loads the history tables from a dump: loading the records
    and their links must not add versions beside them."""
    from django.core import serializers

    case = f.CaseFactory()
    case.sectors.add(f.SectorFactory())
    dumped = serializers.serialize("json", [case])
    case.sectors.clear()
    models.Case.history.all().delete()
    models.Case.history.model.sectors.model.objects.all().delete()

    for row in serializers.deserialize("json", dumped):
        row.save()  # what loaddata does: a raw save, then the links

    assert case.sectors.count() == 1
    assert not models.Case.history.exists()


# --- Addresses that name no version are "not found", never a server error ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["history/abc/", "history/99999999/", "history/1.5/"],
)
def test_a_version_address_that_names_no_version_is_not_found(admin_client, path):
    case = f.CaseFactory()
    url = admin_url(models.Case, "change", case.pk).replace("change/", path)
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {}).status_code == 404


@pytest.mark.django_db
def test_a_history_address_with_a_malformed_id_is_not_found(admin_client):
    assert admin_client.get("/admin/catalog/case/abc/history/").status_code == 404
    assert admin_client.get("/admin/catalog/case/abc/history/1/").status_code == 404


# --- Deletion refused while others depend on a record ------------------------------------------


def _company_with_a_case():
    return f.CaseCompanyFactory().company, "organisations in cases"


def _source_with_citations():
    citation = f.CitationFactory()
    return citation.source, "1 citations"


def _sector_used_by_a_company():
    sector = f.SectorFactory()
    f.CompanyFactory().sectors.add(sector)
    return sector, "1 organisations"


def _sector_with_a_figure():
    sector = f.SectorFactory()
    f.MetricFactory(case=None, sector=sector)
    return sector, "1 figures"


def _region_used_by_a_case():
    region = f.RegionFactory()
    f.CaseFactory().regions.add(region)
    return region, "1 cases"


def _region_of_a_company():
    region = f.RegionFactory()
    f.CompanyFactory(region=region)
    return region, "1 organisations"


def _investor_with_investments():
    return f.InvestmentFactory().investor, "1 investments"


def _person_s_organisation():
    return f.PersonFactory(organisation=f.CompanyFactory()).organisation, "1 people"


IN_USE = {
    "company with a case": _company_with_a_case,
    "source with citations": _source_with_citations,
    "sector used by an organisation": _sector_used_by_a_company,
    "sector with a figure": _sector_with_a_figure,
    "region used by a case": _region_used_by_a_case,
    "region of an organisation": _region_of_a_company,
    "investor with investments": _investor_with_investments,
    "organisation of a person": _person_s_organisation,
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(IN_USE))
def test_deleting_a_record_in_use_is_refused_with_the_reason(admin_client, situation):
    row, reason = IN_USE[situation]()
    model = type(row)
    url = admin_url(model, "delete", row.pk)

    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "cannot be deleted because other records still depend on it" in html
    assert reason in html
    assert 'type="submit"' not in html.split('id="content"')[1], "no confirm button"

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response.url == admin_url(model, "change", row.pk)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(reason in message for message in messages), messages
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("situation", "can_unpublish"),
    [
        ("company with a case", True),
        ("source with citations", False),
        ("sector used by an organisation", False),
        ("region used by a case", False),
    ],
)
def test_only_records_that_can_be_drafts_are_told_to_unpublish(
    admin_client, situation, can_unpublish
):
    row, _reason = IN_USE[situation]()
    response = admin_client.post(admin_url(type(row), "delete", row.pk), {"post": "yes"})
    message = next(str(m) for m in get_messages(response.wsgi_request))
    assert "Remove or reassign those first" in message
    assert ("unpublish it instead" in message) is can_unpublish


@pytest.mark.django_db
def test_refused_bulk_delete_names_the_case_an_organisation_takes_part_in(admin_client):
    role = f.CaseCompanyFactory(
        role=models.CaseRole.GOVERNMENT, case=f.CaseFactory(title_zh="蛇形管數制·智聯工廠")
    )
    url = admin_url(models.Company, "changelist")
    data = {"action": "delete_selected", "_selected_action": [str(role.company.pk)]}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Government actor (case “蛇形管數制·智聯工廠”)" in html
    assert admin_url(models.CaseCompany, "change", role.pk) in html


@pytest.mark.django_db
def test_bulk_delete_of_records_in_use_is_refused(admin_client):
    used, _reason = _sector_used_by_a_company()
    unused = f.SectorFactory()
    url = admin_url(models.Sector, "changelist")
    data = {"action": "delete_selected", "_selected_action": [str(used.pk), str(unused.pk)]}
    response = admin_client.post(url, {**data, "post": "yes"})
    assert response.status_code == 200
    assert "is used by 1 organisations" in response.content.decode()
    assert models.Sector.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


@pytest.mark.django_db
def test_a_record_nothing_depends_on_can_be_deleted(admin_client):
    sector = f.SectorFactory()
    response = admin_client.post(admin_url(models.Sector, "delete", sector.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not models.Sector.objects.filter(pk=sector.pk).exists()
    assert models.Sector.history.filter(id=sector.pk, history_type="-").exists()
