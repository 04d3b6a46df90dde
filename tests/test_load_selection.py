"""`make test` leaves the load tests out unless a run names them (tests/conftest.py)."""

from types import SimpleNamespace

import pytest

from tests.conftest import load_tests_named


def config(args=("tests",), markexpr="", keyword=""):
    options = {"markexpr": markexpr, "keyword": keyword}
    return SimpleNamespace(args=list(args), getoption=options.__getitem__)


@pytest.mark.parametrize(
    ("run", "named"),
    [
        (config(), False),
        (config(args=["tests/"]), False),
        (config(args=["tests/test_slow_clients.py"]), True),
        (config(args=["tests/test_concurrent_edits.py::test_eight_editors"]), True),
        (config(markexpr="load"), True),
        (config(keyword="editors"), True),
    ],
)
def test_load_tests_run_only_when_named(run, named):
    assert load_tests_named(run) is named


def test_the_load_tests_are_marked():
    import tests.test_concurrent_edits as concurrent
    import tests.test_slow_clients as slow

    for module in (concurrent, slow):
        assert any(mark.name == "load" for mark in module.pytestmark), module.__name__
