"""/timeline/: dated policies, foundings, funding rounds and cases in one order, each as precise as
its source, narrowed by sector, region and kind like the lists; drafts for staff only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def events(html):
    """(date text, kind, link text) of each event, in page order."""
    found = []
    for item in re.findall(r'<li class="timeline-event[^"]*">(.*?)</li>', html, re.S):
        date = re.search(
            r'<span class="timeline-date">(.*?)</span>\s*<span class="timeline-kind">', item, re.S
        )
        kind = re.search(r'<span class="timeline-kind">(.*?)</span>', item).group(1)
        text = " ".join(re.sub(r"<[^>]+>", " ", item.split('class="timeline-kind">')[1]).split())
        found.append((" ".join(re.sub(r"<[^>]+>", " ", date.group(1)).split()), kind, text))
    return found


@pytest.fixture
def dated():
    health = f.SectorFactory(slug="health", name_en="Health")
    bci = f.SectorFactory(slug="bci", name_en="BCI", parent=health)
    zhejiang = f.RegionFactory(slug="zhejiang", name_en="Zhejiang")
    jinhua = f.RegionFactory(slug="jinhua", name_en="Jinhua", parent=zhejiang, level="city")
    company = f.CompanyFactory(
        name_en="Brainco",
        founded_on=datetime.date(2022, 1, 1),
        founded_precision="year",
        region=jinhua,
    )
    company.sectors.add(bci)
    f.FundingRoundFactory(
        company=company, announced_on=datetime.date(2024, 6, 1), date_precision="month"
    )
    policy = f.PolicyFactory(
        title_en="AGI measures", issued_on=datetime.date(2024, 3, 15), date_precision="day"
    )
    policy.regions.add(zhejiang)
    case = f.CaseFactory(title_en="Flexible electrodes", start_year=2024, end_year=2024)
    case.sectors.add(bci)
    f.CaseFactory(title_en="Undated case", start_year=None, end_year=None)
    f.CaseFactory(title_en="Hidden case", start_year=2023, end_year=2023, published=False)
    return company


def test_events_in_date_order_with_their_precision(client, dated):
    found = events(client.get("/timeline/").content.decode())
    assert [(date, kind) for date, kind, _text in found] == [
        ("2022 (year only)", "Organisation founded"),
        ("2024 (year only)", "Case begins"),
        ("2024-03-15", "Policy issued"),
        ("2024-06 (month)", "Funding round"),
    ]
    assert "Brainco" in found[0][2]
    assert "Undated case" not in str(found)


def test_narrowed_by_sector_below_it_and_by_region_through_the_organisation(client, dated):
    by_sector = events(client.get("/timeline/?sector=health").content.decode())
    assert {kind for _date, kind, _text in by_sector} == {
        "Organisation founded",
        "Funding round",
        "Case begins",
    }
    by_region = events(client.get("/timeline/?region=zhejiang").content.decode())
    assert {kind for _date, kind, _text in by_region} == {
        "Organisation founded",
        "Funding round",
        "Policy issued",
    }
    only = events(client.get("/timeline/?kind=policy&kind=funding").content.decode())
    assert [kind for _date, kind, _text in only] == ["Policy issued", "Funding round"]


def test_drafts_show_for_staff_only(client, admin_client, dated):
    assert "Hidden case" not in client.get("/timeline/").content.decode()
    staff = admin_client.get("/timeline/").content.decode()
    assert "Hidden case" in staff
    assert "Draft" in staff


def test_bad_filters_and_pages(client, dated):
    response = client.get("/timeline/?sector=nowhere")
    assert response.status_code == 400
    assert "nowhere" in response.content.decode()
    assert client.get("/timeline/?kind=war").status_code == 400
    assert client.get("/timeline/?page=2").status_code == 404
    assert client.get("/timeline/?page=" + "9" * 5000).status_code == 404


def test_one_page_reads_a_fixed_number_of_queries(client, dated):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/timeline/").status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        f.PolicyFactory(issued_on=datetime.date(2020, 1, 1 + n % 28), date_precision="day")
        f.CaseFactory(start_year=2019)
    assert count() == few


def test_chinese_timelines(client, dated):
    for prefix in ("/zh-hans", "/zh-hant"):
        response = client.get(f"{prefix}/timeline/")
        assert response.status_code == 200
        assert len(events(response.content.decode())) == 4
