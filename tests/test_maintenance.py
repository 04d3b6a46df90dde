"""After bulk writes the planner's statistics are refreshed (catalog/maintenance.py)."""

import pytest
from django.db import connection, transaction

from catalog.maintenance import refresh_statistics


@pytest.mark.django_db(transaction=True)
def test_statistics_are_refreshed_and_postgresql_tables_vacuumed():
    refresh_statistics()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM marks the pages all-visible, which counts over an index need.
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                "FROM pg_stat_user_tables WHERE relname = 'catalog_treemembership'"
            )
            assert cursor.fetchone() == (True, True)
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_nothing_is_refreshed_inside_a_transaction_that_may_roll_back(django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(0):
        refresh_statistics()
