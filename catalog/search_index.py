"""The search index: which rows may contain a term, found without reading every row's text.

A row matches a term when its ``search_text`` contains the term (``search_text__contains``, the
plain scan). ``matching`` keeps exactly that condition and, where an index can say which rows
may contain the term, adds it, so the database reads only those rows: the index narrows, the
plain condition decides, and the rows found are those of the plain scan.

SQLite: a contentless FTS5 table per searchable model (``<table>_search``, trigram tokenizer,
filled by triggers on the model's table, so that ``save()``, ``bulk_create``, ``update()`` and
raw SQL all keep it current) holds each row's text followed by two newlines. A term of three
characters or more is looked up as the trigrams that cover it side by side; a term of two
characters as the trigrams that start with it, read from the index's vocabulary
(``<table>_search_terms``): the two
newlines make every occurrence of such a term, at the end of the text too, the start of a trigram
(and of one character too, but see ``VOCABULARY_MIN_LENGTH``).

The index narrows; it does not make a common term cheap. A term in most rows (智能 is in two
thirds of the generated cases) still has those rows read, for the plain condition and for the
search page's ranking, and looking the term up first then costs more than it saves: ``selective``
counts the candidates first (one quick query per table for all the terms) and leaves such a
term to the scan.

PostgreSQL: a ``pg_trgm`` GIN index on ``search_text`` (``gin_trgm_ops``), which the database
uses for ``LIKE '%term%'`` by itself when the term has three characters or more. The extension
must be installed in the database (``CREATE EXTENSION pg_trgm``, done by the migration when the
user may create extensions). Shorter terms are read by a scan, as the planner decides.

The index is made and filled by migration 0009; ``TABLES`` names the models' tables it covers.
On SQLite a migration that rebuilds one of those tables drops its triggers: after every
``migrate`` such a table's index is made afresh (``sqlite_repair``).
"""

from django.core.signals import request_started
from django.db import connections
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate
from django.dispatch import receiver

# The tables of the models the search page and the lists' search boxes search.
TABLES = ("catalog_company", "catalog_case", "catalog_policy", "catalog_person")

# What follows each row's text in the SQLite index (see the module's docstring).
PADDING_SQL = "char(10, 10)"

# Shorter terms are matched by the scan alone. A single character (能, 智, a) is in most rows, and
# there reading the vocabulary and then those rows took twice as long as the scan (at 50,000
# cases: 127 ms against 60 ms for the cases of /search/?q=能).
VOCABULARY_MIN_LENGTH = 2

# The index is used for a term when it gives fewer candidates than one row in SELECTIVE_SHARE
# (a quick count, one query per table). Reading the candidates one by one costs about one and a
# half times as much per row as the scan does: a term in half the rows or more is left to it.
SELECTIVE_SHARE = 2
# Where a connection keeps the answers of ``selective`` for the current request.
_SELECTIVE_ATTRIBUTE = "_catalog_search_selective"

# The largest code point, and the surrogates, which cannot be stored as text.
_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


def index_table(table):
    return f"{table}_search"


def vocabulary_table(table):
    return f"{table}_search_terms"


# --- Making the SQLite index ----------------------------------------------------------------------


def _trigger_names(table):
    return [f"{table}_search_{event}" for event in ("insert", "delete", "update")]


def sqlite_install(connection, tables=TABLES):
    """Create each table's FTS5 index, its vocabulary and its triggers, and fill the index."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            index, vocabulary = quote(index_table(table)), quote(vocabulary_table(table))
            model = quote(table)
            insert_new = (
                f"INSERT INTO {index}(rowid, search_text) "
                f"VALUES (new.id, new.search_text || {PADDING_SQL});"
            )
            delete_old = (
                f"INSERT INTO {index}({index}, rowid, search_text) "
                f"VALUES ('delete', old.id, old.search_text || {PADDING_SQL});"
            )
            insert, delete, update = (quote(name) for name in _trigger_names(table))
            for statement in (
                f"CREATE VIRTUAL TABLE {index} USING fts5("
                "search_text, content='', columnsize=0, detail='none', tokenize='trigram')",
                f"CREATE VIRTUAL TABLE {vocabulary} USING fts5vocab({index}, 'instance')",
                f"INSERT INTO {index}(rowid, search_text) "
                f"SELECT id, search_text || {PADDING_SQL} FROM {model}",
                f"CREATE TRIGGER {insert} AFTER INSERT ON {model} BEGIN {insert_new} END",
                f"CREATE TRIGGER {delete} AFTER DELETE ON {model} BEGIN {delete_old} END",
                f"CREATE TRIGGER {update} AFTER UPDATE ON {model} "
                "WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id "
                f"BEGIN {delete_old} {insert_new} END",
            ):
                cursor.execute(statement)


def sqlite_uninstall(connection, tables=TABLES):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            for trigger in _trigger_names(table):
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)}")
            cursor.execute(f"DROP TABLE IF EXISTS {quote(vocabulary_table(table))}")
            cursor.execute(f"DROP TABLE IF EXISTS {quote(index_table(table))}")


def sqlite_missing_triggers(connection, tables=TABLES):
    """The index's triggers that are not in the database (a migration that rebuilds a model's
    table on SQLite drops them, and the index would then fall behind)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return [name for table in tables for name in _trigger_names(table) if name not in present]


def sqlite_repair(connection, tables=TABLES):
    """Make afresh the index of each table whose triggers are missing while its index is there
    (a migration that rebuilt the table dropped them): the tables that were repaired."""
    missing = set(sqlite_missing_triggers(connection, tables))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {row[0] for row in cursor.fetchall()}
    broken = [
        table
        for table in tables
        if index_table(table) in present and missing.intersection(_trigger_names(table))
    ]
    if broken:
        sqlite_uninstall(connection, broken)
        sqlite_install(connection, broken)
    return broken


# Held strongly, under one name: the repair must not depend on the module staying referenced.
@receiver(post_migrate, weak=False, dispatch_uid="catalog.search_index.repair_after_migrate")
def repair_after_migrate(sender, using, **kwargs):
    connection = connections[using]
    if sender.label == "catalog" and connection.vendor == "sqlite":
        sqlite_repair(connection)


def postgresql_index_name(table):
    return f"{table}_search_trgm"


def postgresql_install(connection, tables=TABLES):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in tables:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(postgresql_index_name(table))} "
                f"ON {quote(table)} USING gin (search_text gin_trgm_ops)"
            )


def postgresql_uninstall(connection, tables=TABLES):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(postgresql_index_name(table))}")


# --- Searching ---------------------------------------------------------------------------------


def _fts_string(text):
    return '"' + text.replace('"', '""') + '"'


def _after_prefix(term):
    """The least string greater than every string that starts with ``term`` (None if none)."""
    code = ord(term[-1]) + 1
    if code in _SURROGATES:
        code = _SURROGATES.stop
    if code > _MAX_CODE_POINT:
        return None
    return term[:-1] + chr(code)


def sqlite_candidates(connection, table, term):
    """SQL (and its parameters) for the ids of ``table``'s rows whose text may contain ``term``,
    every row that does among them; None when the index cannot tell."""
    quote = connection.ops.quote_name
    if len(term) >= 3:
        # Trigrams that together cover the term, side by side (and the last one): a row holding
        # the term holds them all, and intersecting five posting lists instead of eleven
        # ("manufacturing") costs a third as much; the plain condition removes the few extra.
        starts = [*range(0, len(term) - 2, 3), len(term) - 3]
        trigrams = dict.fromkeys(term[start : start + 3] for start in starts)
        index = quote(index_table(table))
        return (
            f"SELECT rowid FROM {index} WHERE {index} MATCH %s",
            [" AND ".join(_fts_string(trigram) for trigram in trigrams)],
        )
    # The vocabulary holds trigrams as the tokenizer folded them (to lower case): a term that
    # folding would change is not looked up there.
    upper = _after_prefix(term)
    if len(term) < VOCABULARY_MIN_LENGTH or term != term.lower() or upper is None:
        return None
    return (
        f"SELECT doc FROM {quote(vocabulary_table(table))} WHERE term >= %s AND term < %s",
        [term, upper],
    )


def selective(connection, table, candidates, *others):
    """Whether the candidates are few enough for the index to pay: fewer than SELECTIVE of the
    table's rows (counted up to that many; the largest id stands for the number of rows).
    ``others``: more terms' candidates, answered by the same query (one per table, whatever
    the number of terms).

    Asked once per table and terms in a request (a list applies its search to the list and again
    to each facet's count); the answer only chooses the way, never the rows found.
    """
    known = connection.__dict__.setdefault(_SELECTIVE_ATTRIBUTE, {})

    def key(sql_and_params):
        sql, params = sql_and_params
        return (table, sql, tuple(params))

    asked = list(
        {key(each): each for each in (candidates, *others) if key(each) not in known}.values()
    )
    if asked:
        size = f"(SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)})"
        counts = [
            f"(SELECT count(*) FROM ({sql} LIMIT {size} / {SELECTIVE_SHARE} + 1)) "
            f"* {SELECTIVE_SHARE} <= {size}"
            for sql, _params in asked
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(counts)}",
                [param for _sql, params in asked for param in params],
            )
            for each, answer in zip(asked, cursor.fetchone(), strict=True):
                known[key(each)] = bool(answer)
    return known[key(candidates)]


@receiver(request_started)
def forget_selective(**kwargs):
    """Each request counts afresh: rows may have been written since the last one."""
    for connection in connections.all(initialized_only=True):
        connection.__dict__.pop(_SELECTIVE_ATTRIBUTE, None)


def matching(queryset, terms):
    """``queryset``'s rows whose ``search_text`` contains every one of ``terms``, found through
    the search index where there is one and the term is not in most rows."""
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    indexed = connection.vendor == "sqlite" and table in TABLES
    looked_up = {}
    if indexed:
        for term in terms:
            candidates = sqlite_candidates(connection, table, term)
            if candidates is not None:
                looked_up[term] = candidates
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
        candidates = looked_up.get(term)
        if candidates is not None and selective(connection, table, candidates, *looked_up.values()):
            queryset = queryset.filter(pk__in=RawSQL(*candidates))
    return queryset


def best_and_total(queryset, order, limit, related=()):
    """``queryset``'s first ``limit`` rows in ``order`` (field names, "-" for descending, as in
    ``Meta.ordering``; the id breaks remaining ties), read whole through the model's base
    manager with ``related`` (foreign keys) prefetched, and the number of its rows.

    One statement, one pass over the matching rows: their ids and ordering values alone are kept
    (a materialised common table expression), then counted and sorted, and only the best are
    joined to their rows. A common term is in tens of thousands of rows, and reading their text
    twice, once to rank and once to count, cost twice as much. Without an ORDER BY modifier for
    NULLs, each database places them as Django's ``order_by`` does there.
    """
    model = queryset.model
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    columns, sort = {}, []
    for position, name in enumerate(order):
        alias = quote(f"search_order_{position}")
        columns[f"search_order_{position}"] = F(name.removeprefix("-"))
        sort.append(f"{{best}}.{alias}" + (" DESC" if name.startswith("-") else ""))
    sort.append(f"{{best}}.{quote('search_id')}")
    inner = queryset.order_by().values(search_id=F("pk"), **columns)
    sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    found, best, table = quote("search_found"), quote("search_best"), quote(model._meta.db_table)
    kept = ", ".join([quote("search_id"), *(quote(alias) for alias in columns)])
    rows = model._base_manager.db_manager(queryset.db).raw(
        f"WITH {found} AS MATERIALIZED ({sql}) "
        f"SELECT {table}.*, {best}.{quote('search_total')} FROM {table} JOIN ("
        f"SELECT {kept}, (SELECT count(*) FROM {found}) AS {quote('search_total')} "
        f"FROM {found} AS {best} ORDER BY {', '.join(sort).format(best=best)} LIMIT %s"
        f") AS {best} ON {table}.{quote(model._meta.pk.column)} = {best}.{quote('search_id')} "
        f"ORDER BY {', '.join(sort).format(best=best)}",
        (*params, limit),
    )
    if related:
        rows = rows.prefetch_related(*related)
    rows = list(rows)
    return rows, (rows[0].search_total if rows else 0)
