"""The list query uses an index for every filter and sort, and never sorts the whole table
(PostgreSQL only: the indexes of migration 0014 are PostgreSQL's).

A test database holds a handful of rows, where a sequential scan is always cheapest. The plans
are taken with sequential scans and sorts priced out of reach (enable_seqscan / enable_sort off):
the planner still uses them when nothing else can answer, so a Seq Scan on the creators or a Sort
over every approved creator in the plan means no index serves that filter or order.
"""

from __future__ import annotations

import pytest
from django.db import connection

from directory.filters import ORDERINGS, CreatorFilter
from directory.models import Creator, Topic
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FILTERS = [
    {},
    {"platform": "mastodon"},
    {"creator_type": "professional"},
    {"country": "GB"},
    {"min_followers": "100"},
    {"max_followers": "5000"},
    {"min_score": "50"},
    {"active_within_days": "30"},
    {"emerging": "true"},
]


def _plan(params: dict[str, str], *, page_from_end: bool = False) -> str:
    queryset = CreatorFilter(params, queryset=Creator.objects.listed()).qs
    if page_from_end:
        queryset = queryset.reverse()
    sql, sql_params = queryset[:24].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def directory(postgres_db):
    for i in range(6):
        creator = CreatorFactory(slug=f"c{i}", country="GB", interactivity_score=10.0 * i)
        PlatformLinkFactory(creator=creator, platform="mastodon")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_creator")


@pytest.mark.parametrize("ordering", list(ORDERINGS))
@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(p) or "none")
def test_every_filter_and_sort_reads_an_index_without_sorting_the_table(
    directory, params, ordering
):
    for from_end in (False, True):
        plan = _plan({**params, "ordering": ordering}, page_from_end=from_end)
        assert "Seq Scan on directory_creator" not in plan, plan
        assert "Sort" not in plan, plan
        assert "creator_listed_" in plan, plan


def test_topic_and_language_filters_read_the_ranking_index(directory):
    topic = Topic.objects.first()
    plan = _plan({"topic": topic.slug, "ordering": "followers"})
    assert "Seq Scan on directory_creator " not in plan, plan
    assert "Sort" not in plan, plan


def test_search_reads_the_full_text_index(postgres_db):
    # Enough rows that reading every approved creator costs more than the GIN index.
    Creator.objects.bulk_create(
        Creator(name=f"Person {i}", slug=f"p{i}", bio=f"word{i % 97} notes", status="approved")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_creator")
    plan = _plan({"q": "word5"})
    assert "creator_listed_search_idx" in plan, plan


def test_a_search_with_many_matches_walks_the_ranking_index(postgres_db, monkeypatch):
    from directory import search

    monkeypatch.setattr(search, "FEW_MATCHES", 0)  # as if every search matched thousands
    Creator.objects.bulk_create(
        Creator(name=f"Person {i}", slug=f"p{i}", bio=f"word{i % 97} notes", status="approved")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_creator")
    plan = _plan({"q": "notes youtube"})
    assert "creator_listed_score_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_a_search_with_many_matches_probes_each_row_rather_than_collecting_every_match(
    postgres_db, monkeypatch
):
    from directory import search

    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    Creator.objects.bulk_create(
        Creator(name=f"Person {i}", slug=f"p{i}", bio=f"word{i % 97} notes", status="approved")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_creator")
    # "anxiety" is also a topic's name, "youtube" a platform's: both are probed per row.
    plan = _plan({"q": "notes anxiety youtube"})
    # A hashed subplan first reads every creator the word matches (42,000 at 100,000 creators
    # for "recovery"); the GIN index is for few matches only.
    assert "hashed SubPlan" not in plan, plan
    assert "creator_listed_search_idx" not in plan, plan
