"""Property: whatever a visitor puts in the query string of a list page, the answer is a page with
a form error or an empty state (a 404 only for a page past the end, a redirect only to drop empty
parameters or repeated values), never a server error and never the unfiltered list presented as a
result."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.filters import CaseFilter, CompanyFilter, PersonFilter, PolicyFilter
from tests import factories as f

LISTS = {
    "/companies/": CompanyFilter,
    "/cases/": CaseFilter,
    "/policies/": PolicyFilter,
    "/people/": PersonFilter,
}

nasty = st.sampled_from(
    [
        "abc",
        "0",
        "-1",
        "999999",
        "1e9",
        "2024",
        "yes",
        "'; DROP TABLE catalog_company; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "\x00",
        "a\x00b",
        "x" * 5000,
        "锅炉",
        "東方鍋爐",
        "%",
        "_",
        "\\",
        "enterprise",
        "health",
        " ",
        ".",
        "，",
        '"synthetic biology"',
        "name",
        "-founded",
    ]
)
values = st.one_of(nasty, st.text(max_size=60), st.integers().map(str))


def params_for(filterset_class):
    names = [*filterset_class.base_filters, "page", "unknown"]
    return st.lists(st.tuples(st.sampled_from(names), values), min_size=1, max_size=4)


@pytest.fixture
def rows(db):
    health = f.SectorFactory(slug="health")
    for _n in range(3):
        company = f.CompanyFactory(kind="enterprise")
        company.sectors.add(health)
        case = f.CaseFactory(lever_digital=True)
        case.sectors.add(health)
        f.CaseCompanyFactory(case=case, company=company)
        f.MetricFactory(case=case)
        f.PolicyFactory(issued_on="2024-01-01", date_precision="month")
        f.PersonFactory()


def check(client, path, params):
    query = urlencode(params)
    response = client.get(f"{path}?{query}")
    names_with_empty = {name for name, value in params if value.strip() == ""}
    repeated = len(set(params)) < len(params)
    if response.status_code == 302:
        assert names_with_empty or repeated, "redirected although the URL was clean"
        return
    if response.status_code == 404:
        assert any(name == "page" for name, _value in params)
        return
    assert response.status_code == 200
    context = response.context
    if not context["filters_valid"] or context["page_error"]:
        assert list(context["object_list"]) == []
        assert 'role="alert"' in response.content.decode()
        return
    # A result: every filter the visitor gave is applied and shown as a removable chip, so no
    # value was silently dropped to present the whole list.
    filters_given = {name for name, _value in params} & set(LISTS[path].base_filters) - {"sort"}
    if filters_given:
        assert context["chips"], f"filters {filters_given} given but no chip shown"
    assert context["result_count"] == context["paginator"].count


@pytest.mark.parametrize("path", sorted(LISTS))
def test_any_query_string_gives_an_error_or_a_filtered_result(client, rows, path):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=params_for(LISTS[path]))
    def run(params):
        check(client, path, params)

    run()
