"""Database upkeep after bulk writes."""

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(using=DEFAULT_DB_ALIAS):
    """Refresh the query planner's statistics (``ANALYZE``) after many rows were written at once.

    Without them SQLite guesses that an index on a yes/no column (``published``) narrows a table
    as much as one on a foreign key, and may walk 10,000 organisations for each case of a page
    instead of the other way round: exports and list pages were many times slower after a bulk
    load. PostgreSQL's autovacuum would catch up later; this makes it immediate on both.

    On PostgreSQL it is ``VACUUM (ANALYZE)``: the vacuum also marks the freshly written pages as
    visible to every transaction, without which a count over an index (a facet's ``GROUP BY``
    over the stored tree pairs) still reads each row from the table to check it.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        # Inside a transaction that may yet roll back (a test's): PostgreSQL would keep the
        # table sizes ANALYZE records even then, and plan later, larger tables as tiny.
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
