"""The test suite's shared catalogue (tests/shared_catalogue.py): loaded once per test process,
seen only by the tests that ask for it, and never changed by them."""

import pytest
from django.apps import apps
from django.db import connection

from catalog import models
from tests.shared_catalogue import SharedCatalogue, shared, sort_key


class Marker:
    def __init__(self, **kwargs):
        self.kwargs = kwargs


class Item:
    """What the plugin reads of a pytest item: its fixtures and its django_db marker."""

    def __init__(self, name, *fixtures, marker=None, smoke=False):
        self.name = name
        self.fixturenames = list(fixtures)
        self.markers = {"django_db": marker, "smoke": Marker() if smoke else None}

    def get_closest_marker(self, name):
        return self.markers.get(name)


def test_smoke_first_then_catalogue_tests_first_within_each_group_the_order_otherwise_kept():
    items = [
        Item("plain", "db"),
        Item("no-database"),
        Item("transactional", "transactional_db"),
        Item("reads", "catalogue", "db"),
        Item("marked", marker=Marker()),
        Item("browser", "live_catalogue", "catalogue", "db"),
        Item("live", "live_server"),
        Item("marked-transactional", marker=Marker(transaction=True)),
        Item("smoke", smoke=True),
    ]
    assert [item.name for item in sorted(items, key=sort_key)] == [
        "smoke",
        "reads",
        "browser",
        "plain",
        "marked",
        "transactional",
        "live",
        "marked-transactional",
        "no-database",
    ]


class Recorder(SharedCatalogue):
    """The state machine without a database: it records what it would do."""

    def __init__(self):
        super().__init__()
        self.done = []

    def _apply(self):
        if self.wanted and not self.loaded:
            self.done.append("load")
            self.loaded, self.loads = True, self.loads + 1
        elif not self.wanted and self.loaded:
            self.done.append("empty")
            self.loaded = False


class Blocker:
    def unblock(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run(state, items):
    for item in items:
        state.prepare(item)
        state.finished(item)


def test_the_catalogue_is_loaded_once_and_emptied_once_in_sorted_order():
    state = Recorder()
    first = Item("reads", "catalogue", "db")
    state.prepare(first)  # before the database exists: remembered
    assert state.done == []
    state.blocker = Blocker()
    state._apply()  # what django_db_setup does once the database exists
    state.finished(first)
    run(
        state,
        [
            Item("reads too", "catalogue", "db"),
            Item("no database"),  # changes nothing
            Item("plain", "db"),
            Item("plain too", "db"),
        ],
    )
    assert (state.done, state.loads) == (["load", "empty"], 1)


def test_a_transactional_test_empties_every_table_so_the_next_reader_loads_again():
    state = Recorder()
    state.blocker = Blocker()
    run(
        state,
        [
            Item("reads", "catalogue", "db"),
            Item("transactional", "transactional_db"),  # needs it empty; flushes at the end
            Item("reads again", "catalogue", "db"),
        ],
    )
    assert state.done == ["load", "empty", "load"]


@pytest.mark.django_db
def test_a_test_that_does_not_ask_for_the_catalogue_sees_none_of_it():
    catalogue_models = apps.get_app_config("catalog").get_models(include_auto_created=True)
    filled = [model._meta.label for model in catalogue_models if model._base_manager.exists()]
    assert filled == []


def test_a_test_that_asks_for_it_reads_it_inside_its_own_transaction(catalogue):
    assert shared.loaded
    assert catalogue is shared.report
    assert models.Company.objects.filter(slug="zhiran-medical").exists()
    # Whatever the test writes is rolled back with this transaction.
    assert connection.in_atomic_block
