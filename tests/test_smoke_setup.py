import pytest

from tests.factories import CaseFactory, CitationFactory, MetricFactory


@pytest.mark.django_db
def test_factories_make_valid_rows():
    citation = CitationFactory()
    metric = MetricFactory()
    citation.full_clean()
    metric.full_clean()
    assert CaseFactory().get_absolute_url().startswith("/cases/")
