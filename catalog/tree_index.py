"""The rows under each node of the sector and region trees (catalog.models.closure.TreeMembership).

For each link of a list's rows to a tree — a case's sectors and regions, an organisation's
sectors and region, a policy's sectors and regions (``RELATIONS``) — the table holds one
(row, node) pair for the node linked and for each node above it, each pair once. Counting a
node's rows, its descendants' included, is then ``COUNT(*) … GROUP BY node`` over an index
(``counts``), the same numbers the trees give when walked.

Kept current:

- a link added or removed (``m2m_changed``, or a link row saved or deleted), an organisation's
  region changed, a row deleted: that row's pairs are made again (catalog/signals.py);
- a node moved to another parent, or deleted: every pair of that tree is made again;
- bulk writes (the catalogue load, the generator, deleting the generated rows) and ``migrate``
  rebuild the whole table; so does ``manage.py rebuild_tree_index``.

Each rebuild is a few statements in the database (a recursive query up the tree), whatever the
number of rows.
"""

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

# code -> (model label, field linking it to a tree). Codes are stored: never reuse one.
RELATIONS = {
    1: ("catalog.Case", "sectors"),
    2: ("catalog.Case", "regions"),
    3: ("catalog.Company", "sectors"),
    4: ("catalog.Company", "region"),
    5: ("catalog.Policy", "sectors"),
    6: ("catalog.Policy", "regions"),
}

# Row ids per statement when only some rows are made again.
CHUNK = 500


def relation_code(model, relation):
    """The code of ``model``'s link ``relation`` (None when the table does not cover it)."""
    label = model._meta.concrete_model._meta.label
    for code, key in RELATIONS.items():
        if key == (label, relation):
            return code
    return None


def _field(code):
    label, relation = RELATIONS[code]
    return apps.get_model(label)._meta.get_field(relation)


def link(code):
    """(link table, its row column, its node column, the tree's table) of a relation."""
    model_field = _field(code)
    if model_field.many_to_many:
        table = model_field.remote_field.through._meta.db_table
        row_column, node_column = model_field.m2m_column_name(), model_field.m2m_reverse_name()
    else:
        table = model_field.model._meta.db_table
        row_column, node_column = model_field.model._meta.pk.column, model_field.column
    return table, row_column, node_column, model_field.related_model._meta.db_table


def link_is_many_to_many(code):
    return _field(code).many_to_many


def codes_for_tree(tree_model):
    """The relations that link rows to ``tree_model`` (Sector or Region)."""
    return [code for code in RELATIONS if _field(code).related_model is tree_model]


def codes_for_model(model):
    label = model._meta.concrete_model._meta.label
    return [code for code, (owner, _relation) in RELATIONS.items() if owner == label]


def codes_for_through(through):
    """The relations whose many-to-many link table is ``through``."""
    return [
        code
        for code in RELATIONS
        if _field(code).many_to_many and _field(code).remote_field.through is through
    ]


def _table():
    from .models.closure import TreeMembership

    return TreeMembership._meta.db_table


def rebuild(using=DEFAULT_DB_ALIAS, codes=None, rows=None):
    """Make the pairs of ``codes`` (all relations by default) again, from the links and the
    trees: of every row, or of the row ids in ``rows``."""
    connection = connections[using]
    quote = connection.ops.quote_name
    codes = list(RELATIONS) if codes is None else list(codes)
    rows = None if rows is None else sorted({int(row) for row in rows if row is not None})
    chunks = [None] if rows is None else [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
    table = quote(_table())
    with connection.cursor() as cursor:
        for code in codes:
            links, row_column, node_column, tree = (quote(name) for name in link(code))
            for chunk in chunks:
                if chunk is not None and not chunk:
                    continue
                if chunk is None:
                    only, only_links, params = "", "", []
                else:
                    marks = ", ".join(["%s"] * len(chunk))
                    only = f" AND member IN ({marks})"
                    only_links = f" AND {row_column} IN ({marks})"
                    params = list(chunk)
                cursor.execute(f"DELETE FROM {table} WHERE relation = %s{only}", [code, *params])
                # UNION (not UNION ALL) keeps each (row, node) pair once, and stops at a cycle.
                cursor.execute(
                    f"INSERT INTO {table} (relation, member, node) "
                    f"WITH RECURSIVE up(row_id, node_id) AS ("
                    f"SELECT {row_column}, {node_column} FROM {links} "
                    f"WHERE {node_column} IS NOT NULL{only_links} "
                    "UNION SELECT up.row_id, t.parent_id "
                    f"FROM up JOIN {tree} t ON t.id = up.node_id "
                    f"WHERE t.parent_id IS NOT NULL) "
                    f"SELECT {int(code)}, row_id, node_id FROM up",
                    params,
                )


def forget(using, codes, rows):
    """Remove the pairs of deleted rows."""
    if not codes:
        return
    rows = [int(row) for row in rows if row is not None]
    if not rows:
        return
    connection = connections[using]
    table = connection.ops.quote_name(_table())
    with connection.cursor() as cursor:
        for code in codes:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {table} WHERE relation = %s AND member IN ({marks})",
                    [code, *chunk],
                )


def counts_sql(connection, code, ids_sql=None, left_out_sql=None):
    """SQL counting, per node, the rows under it: those among ``ids_sql`` (a subquery of row
    ids), or all rows but those of ``left_out_sql``, or all rows."""
    table = connection.ops.quote_name(_table())
    pairs = f"FROM {table} WHERE relation = {int(code)}"
    if ids_sql is not None:
        return f"SELECT node, COUNT(*) {pairs} AND member IN ({ids_sql}) GROUP BY node"
    if left_out_sql is None:
        return f"SELECT node, COUNT(*) {pairs} GROUP BY node"
    return (
        "SELECT node, CAST(SUM(n) AS integer) FROM ("
        f"SELECT node, COUNT(*) AS n {pairs} GROUP BY node UNION ALL "
        f"SELECT node, -COUNT(*) AS n {pairs} AND member IN ({left_out_sql}) GROUP BY node"
        ") counted GROUP BY node"
    )
