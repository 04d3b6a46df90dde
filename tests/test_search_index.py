"""The search index (catalog/search_index.py) finds exactly the rows the plain scan finds, on the
real catalogue and on generated rows, and keeps up with every way rows are written."""

import io
import random

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import override_settings

from catalog import models, search_index
from catalog.filters import CaseFilter
from catalog.search import document, normalise, parse_query, run_search
from tests import factories

SEARCHED = (models.Company, models.Case, models.Policy, models.Person)

QUERIES = [
    # English: words, a prefix, letters, a phrase, several terms, digits and symbols
    "innovation",
    "Innovation",
    "manufact",
    "ai",
    "a",
    "e",
    "large models",
    '"brain-computer interface"',
    "patient capital",
    "2024",
    "100%",
    "a_b",
    # Chinese in both scripts: one, two, three and more characters
    "能",
    "智",
    "智能",
    "華為",
    "华为",
    "數字",
    "人工智能",
    "人工智慧",
    "新型工業化",
    "製造業",
    # mixed, and several terms at once
    "AI 智能",
    "智能 製造",
    "能 源",
    '"新能源" 工廠',
    "平臺 数据",
    # what no row holds
    "zzzzqqq",
    "龘",
]


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Each test asks the index afresh whether a term is rare (as each request does)."""
    search_index.forget_selective()


def plain(model, terms):
    rows = model._base_manager.all()
    for term in terms:
        rows = rows.filter(search_text__contains=term)
    return set(rows.values_list("pk", flat=True))


def indexed(model, terms):
    return set(model.objects.matching(terms).values_list("pk", flat=True))


def assert_same_rows(terms):
    for model in SEARCHED:
        assert indexed(model, terms) == plain(model, terms), (model.__name__, terms)


def sampled_terms(seed, count=60):
    """Pieces of the stored texts, of one to six characters, from anywhere in them (their
    ends included)."""
    rng = random.Random(seed)
    texts = [
        text
        for model in SEARCHED
        for text in model._base_manager.values_list("search_text", flat=True)
        if text
    ]
    terms = []
    for _ in range(count):
        text = rng.choice(texts)
        length = rng.choice((1, 1, 2, 2, 3, 4, 6))
        start = rng.choice((0, max(0, len(text) - length), rng.randrange(len(text))))
        term = text[start : start + length].strip()
        if term and "\n" not in term:
            terms.append(term)
    return terms


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_finds_the_rows_of_the_plain_scan_on_the_catalogue(catalogue, q):
    terms = parse_query(q).terms
    assert terms
    assert_same_rows(terms)


def test_most_of_the_queries_find_rows_of_the_catalogue(catalogue):
    """So that the comparison above compares something."""
    finding = [q for q in QUERIES if any(plain(model, parse_query(q).terms) for model in SEARCHED)]
    assert len(finding) >= len(QUERIES) * 2 // 3, set(QUERIES) - set(finding)


def test_pieces_of_the_stored_text_find_their_rows(catalogue):
    for term in sampled_terms(seed=1):
        assert_same_rows((term,))


def test_the_search_page_and_the_lists_count_what_the_plain_scan_counts(catalogue):
    for q in ("智能", "能", "innovation", "人工智能 平台", "ai"):
        query = parse_query(q)
        groups = {group.key: group for group in run_search(query, AnonymousUser())}
        for key, model in (
            ("companies", models.Company),
            ("cases", models.Case),
            ("policies", models.Policy),
            ("people", models.Person),
        ):
            published = plain(model, query.terms) & set(
                model._base_manager.filter(published=True).values_list("pk", flat=True)
            )
            assert groups[key].count == len(published), (q, key)
            assert {hit.record.pk for hit in groups[key].hits} <= published
        filterset = CaseFilter({"q": q}, queryset=models.Case._base_manager.all())
        assert set(filterset.qs.values_list("pk", flat=True)) == plain(models.Case, query.terms)


@pytest.fixture
def generated(catalogue, settings):
    """The real catalogue and a few hundred generated rows (bulk inserts after pre_save)."""
    settings.DEBUG = True
    with override_settings(DEBUG=True):
        call_command(
            "generate_catalogue",
            "--cases=400",
            "--organisations=80",
            "--seed=5",
            stdout=io.StringIO(),
        )


def test_the_index_finds_the_rows_of_the_plain_scan_on_generated_rows(generated):
    assert models.Case.objects.filter(slug__startswith="syn-").count() == 400
    for q in QUERIES:
        assert_same_rows(parse_query(q).terms)
    for term in sampled_terms(seed=2):
        assert_same_rows((term,))


# --- Keeping up with writes -----------------------------------------------------------------------


def found(model, text):
    terms = parse_query(text).terms
    return indexed(model, terms)


def in_index(model, term):
    """The ids the SQLite index itself gives for ``term`` (what the plain condition then checks)."""
    sql, params = search_index.sqlite_candidates(connection, model._meta.db_table, term)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_a_saved_row_is_found_by_its_new_text_and_no_longer_by_its_old():
    case = factories.CaseFactory(title_zh="甲乙丙丁案例", title_en="Quokka orchard")
    assert found(models.Case, "甲乙丙丁") == {case.pk}
    assert found(models.Case, "丁") == {case.pk}
    assert found(models.Case, "丙丁") == {case.pk}
    assert found(models.Case, "quokka") == {case.pk}

    case.title_zh, case.title_en = "戊己庚案例", "Wombat meadow"
    case.save()
    assert found(models.Case, "甲乙丙丁") == set()
    assert found(models.Case, "丁") == set()
    assert found(models.Case, "丙丁") == set()
    assert found(models.Case, "quokka") == set()
    assert found(models.Case, "庚") == {case.pk}
    assert found(models.Case, "己庚") == {case.pk}
    assert found(models.Case, "wombat") == {case.pk}

    case.delete()
    assert found(models.Case, "wombat") == set()
    assert found(models.Case, "己庚") == set()


@pytest.mark.django_db
def test_bulk_inserts_updates_and_deletes_keep_the_index():
    from django.db.models.signals import pre_save

    companies = [
        models.Company(
            name_zh=f"批量公司{n}號",
            name_en=f"Batch Zebu {n}",
            slug=f"batch-{n}",
            kind="enterprise",
        )
        for n in range(30)
    ]
    for company in companies:
        pre_save.send(sender=models.Company, instance=company, raw=False, using="default")
    models.Company.objects.bulk_create(companies)
    batch = set(
        models.Company.objects.filter(slug__startswith="batch-").values_list("pk", flat=True)
    )
    assert found(models.Company, "zebu") == batch
    assert found(models.Company, "批量") == batch
    assert found(models.Company, "號") == batch
    assert found(models.Company, "司2") == set(
        models.Company.objects.filter(slug__regex=r"^batch-2[0-9]?$").values_list("pk", flat=True)
    )
    assert found(models.Company, "zebu 29") == set(
        models.Company.objects.filter(slug="batch-29").values_list("pk", flat=True)
    )

    # QuerySet.update() sends no signal: the index still follows the column.
    models.Company.objects.filter(slug="batch-0").update(search_text=document(["Okapi 獨角獸"]))
    okapi = models.Company.objects.get(slug="batch-0").pk
    assert found(models.Company, "okapi") == {okapi}
    assert found(models.Company, "獸") == {okapi}
    assert found(models.Company, "角獸") == {okapi}
    assert okapi not in found(models.Company, "zebu")

    models.Company.objects.filter(slug__startswith="batch-").delete()
    assert found(models.Company, "zebu") == set()
    assert found(models.Company, "批量") == set()
    assert found(models.Company, "角獸") == set()
    assert found(models.Company, "okapi") == set()
    if connection.vendor == "sqlite":
        for term in ("zebu", "批量", "角獸", "okapi", "公司29"):
            assert in_index(models.Company, term) == set(), term


@pytest.mark.django_db
@pytest.mark.parametrize("model", SEARCHED, ids=lambda model: model.__name__)
def test_every_searched_model_is_indexed(model):
    assert model._meta.db_table in search_index.TABLES
    rows = model.objects.matching(("x",))
    assert rows.model is model


@pytest.mark.django_db
def test_the_index_is_in_the_database():
    """Made by migration 0009; a later migration that rebuilds a table (SQLite) must make its
    triggers again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert search_index.sqlite_missing_triggers(connection) == []
            for table in search_index.TABLES:
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s)",
                    [search_index.index_table(table), search_index.vocabulary_table(table)],
                )
                assert cursor.fetchone()[0] == 2
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'"
            )
            names = {row[0] for row in cursor.fetchall()}
            assert {
                search_index.postgresql_index_name(table) for table in search_index.TABLES
            } <= names


@pytest.mark.django_db
def test_a_table_that_lost_its_triggers_is_indexed_afresh_after_migrate():
    """As after a migration that rebuilds the table on SQLite."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    before = factories.CaseFactory(title_en="Narwhal before")
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "catalog_case_search_insert"')
        cursor.execute('DROP TRIGGER "catalog_case_search_delete"')
    lost = factories.CaseFactory(title_en="Narwhal unindexed")
    assert search_index.sqlite_missing_triggers(connection)
    assert in_index(models.Case, "narwhal") == {before.pk}  # the index fell behind

    # What migrate runs when it ends (its post_migrate signal, connected once).
    assert any(
        key[0] == "catalog.search_index.repair_after_migrate" for key, *_ in post_migrate.receivers
    )
    search_index.repair_after_migrate(sender=apps.get_app_config("catalog"), using="default")
    assert search_index.sqlite_missing_triggers(connection) == []
    assert in_index(models.Case, "narwhal") == {before.pk, lost.pk}
    after = factories.CaseFactory(title_en="Narwhal after")
    lost.delete()
    assert in_index(models.Case, "narwhal") == {before.pk, after.pk}
    assert indexed(models.Case, ("narwhal",)) == {before.pk, after.pk}
    assert search_index.sqlite_repair(connection) == []


@pytest.mark.django_db
def test_postgresql_uses_the_trigram_index_for_longer_terms():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    rows = models.Case.objects.matching(("innovation",)).order_by().values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table this small the planner would rather walk any index than use the trigram
        # one; with the other scans off, only the trigram index can serve the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert search_index.postgresql_index_name("catalog_case") in plan


@pytest.mark.django_db
def test_the_index_is_used_for_a_term_in_few_rows_and_not_for_one_in_most():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    for n in range(6):
        factories.CompanyFactory(name_zh=f"常見詞公司{n}", slug=f"common-{n}")
    factories.CompanyFactory(name_zh="罕見詞公司", slug="rare")
    table = models.Company._meta.db_table
    for term, expected in (("常见词", False), ("常见", False), ("罕见词", True), ("罕见", True)):
        candidates = search_index.sqlite_candidates(connection, table, term)
        assert search_index.selective(connection, table, candidates) is expected, term
        assert ("_search" in str(models.Company.objects.matching((term,)).query)) is expected
        assert_same_rows((term,))


@pytest.mark.django_db
def test_the_index_looks_a_term_up_by_the_trigrams_that_cover_it():
    """ "manufacturing" is looked up as man·ufa·ctu·rin·ing: a row holding those apart is a
    candidate, and the plain condition leaves it out."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    sql, params = search_index.sqlite_candidates(connection, "catalog_company", "manufacturing")
    assert params == ['"man" AND "ufa" AND "ctu" AND "rin" AND "ing"']
    assert search_index.sqlite_candidates(connection, "catalog_company", "abcd")[1] == [
        '"abc" AND "bcd"'
    ]
    real = factories.CompanyFactory(name_en="Smart Manufacturing Works", slug="real")
    apart = factories.CompanyFactory(name_en="Man ufa ctu rin ing", slug="apart")
    assert {real.pk, apart.pk} <= in_index(models.Company, "manufacturing")
    assert list(models.Company.objects.matching(("manufacturing",))) == [real]
    assert_same_rows(("manufacturing",))


def test_a_term_the_index_cannot_look_up_is_still_found():
    """One or two characters that folding would change, or that end at the last code point,
    are matched by the plain condition alone."""
    assert search_index.sqlite_candidates(connection, "catalog_case", "ꭰꭰ") is not None
    assert search_index.sqlite_candidates(connection, "catalog_case", "ᎠᎠ") is None
    assert search_index.sqlite_candidates(connection, "catalog_case", "a\U0010ffff") is None
    assert search_index._after_prefix("a\ud7ff") == "a\ue000"
    assert search_index._after_prefix("智能") == "智胾"


@pytest.mark.django_db
def test_unusual_characters_are_found_as_the_plain_scan_finds_them():
    texts = [
        "ꭰꭱ Cherokee",
        "tail ends with a",
        '"quoted" 100% a_b',
        "x",
        "ab",
        "ß straße",
        "İstanbul",
    ]
    for n, text in enumerate(texts):
        factories.CaseFactory(title_en=text, title_zh=f"罕見{n}", slug=f"odd-{n}")
    for q in [
        "ꭰ",
        "Ꭰ",
        "a",
        "ha a",
        '"',
        "%",
        "_",
        "x",
        "ab",
        "ss",
        "straße",
        "i̇",
        "istanbul",
        "罕",
    ]:
        terms = parse_query(q).terms or (normalise(q),)
        assert indexed(models.Case, terms) == plain(models.Case, terms), q
    assert found(models.Case, "x") >= set(
        models.Case.objects.filter(slug="odd-3").values_list("pk", flat=True)
    )
