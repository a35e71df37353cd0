"""The `q` search of the list page and the API: every word must match something a card shows
(the name, the bio, a topic, the country's name or a platform's name).

On PostgreSQL a word matches the start of a word in the name or bio through full-text search
(`to_tsvector('simple', name || ' ' || bio)`, the GIN index `creator_listed_search_idx` of
migration 0014): `burn` finds "burnout", as typing into a search box expects. Topics, countries
and platforms are short fixed lists, matched anywhere in their names in Python and then looked up
by key through their own indexes. The pieces are joined with UNION inside one `id IN (...)`, so
each uses its index; an OR across them would make PostgreSQL read and parse every row.

SQLite (`make run`) keeps the plain LIKE search: its directory is small.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django_countries import countries

from .models import Platform, PlatformLink, Topic
from .services.listing_cache import listing_cached

MAX_TERMS = 8
# What to_tsquery would read as syntax is dropped: only letters and digits make a word.
_WORD = re.compile(r"[^\W_]+")
# Written exactly as the index expression (migration 0014), or PostgreSQL will not use the index.
DOCUMENT = "to_tsvector('simple'::regconfig, name::text || ' ' || bio::text)"
TSQUERY = "to_tsquery('simple'::regconfig, %s)"
APPROVED = "status = 'approved'"
# Below this many matches a search fetches them by id and sorts them (see _term_condition).
FEW_MATCHES = 5000
# The listing query's own row, from inside a subquery (it is never aliased).
OUTER_ID = '"directory_creator"."id"'
# The same document, computed from the listing query's own row (the topic join has a `name` too).
ROW_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    '"directory_creator"."name"::text || \' \' || "directory_creator"."bio"::text)'
)
MIN_NAME_MATCH = 2
# `OFFSET 0` keeps an EXISTS a per-row index probe: without it PostgreSQL may turn it into a
# hashed set of every creator with that topic or platform (18,000 rows for "recovery"), built
# before the first row is tested, when a page needs a few dozen rows.
PROBE = " OFFSET 0"
TEXT_TEST = "<text test>"
TEXT_ON_ROW = f"{ROW_DOCUMENT} @@ {TSQUERY}"
TEXT_IN_SET = OUTER_ID + " IN ({text})"


def platforms_named(term: str) -> list[str]:
    term = term.lower()
    return [value for value, label in Platform.choices if term in str(label).lower()]


def countries_named(term: str) -> list[str]:
    term = term.lower()
    return [code for code, name in countries if term in str(name).lower()]


def creators_matching(queryset: QuerySet, value: str) -> QuerySet:
    """`queryset` narrowed to creators matching every word of `value` (at most MAX_TERMS)."""
    terms = value.split()[:MAX_TERMS]
    if not terms:
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return _like_search(queryset, terms)
    matches = [_matches(term) for term in terms]
    counts = _counts_up_to(
        [m[:2] for m in matches if m is not None], limit=FEW_MATCHES, using=queryset.db
    )
    # With a word of few matches the page is read from its (short) id list, and every other
    # word is tested on those rows: there, probing a hashed set of a common word's text matches
    # is cheaper than parsing each row's name and bio (2,087 rows: 56 vs 75 ms).
    text_test = TEXT_IN_SET if any(count < FEW_MATCHES for count in counts) else TEXT_ON_ROW
    each_count = iter(counts)
    for term, match in zip(terms, matches, strict=True):
        if match is None:  # punctuation only: matched as typed, as SQLite does
            queryset = queryset.filter(_like_condition(term))
            continue
        sql, params, each_row, each_params = match
        # PostgreSQL cannot estimate how many rows a prefix search matches (it guesses 2%), so
        # it may walk the whole ranking index testing each row, or join every creator to the
        # matches. Counting (up to a bound) through the indexes first decides: few matches are
        # fetched by id and sorted; many are tested row by row while walking the ranking index
        # (the text parsed from the row itself, index probes for the rest), which finds a page
        # within a few hundred rows.
        if next(each_count) < FEW_MATCHES:
            condition = f'"directory_creator"."id" = ANY(ARRAY({sql}))'
            queryset = queryset.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611 - parameters
        else:
            each_row = each_row.replace(TEXT_TEST, text_test.format(text=sql.split(" UNION ")[0]))
            queryset = queryset.filter(RawSQL(each_row, each_params, output_field=BooleanField()))  # noqa: S611 - parameters
    return queryset


def _prefix_query(term: str) -> str:
    """`burn-out` -> `'burn':* & 'out':*` (every piece of the word, each as a prefix)."""
    return " & ".join(f"'{word.lower()}':*" for word in _WORD.findall(term))


def _matches(term: str) -> tuple[str, list[object], str, list[object]] | None:
    """SQL selecting the ids of approved creators matching `term`, and the same test as a
    condition on one creator row (`directory_creator`), each with its parameters."""
    tsquery = _prefix_query(term)
    if not tsquery:
        return None
    text = f"SELECT id FROM directory_creator WHERE {APPROVED} AND {DOCUMENT} @@ {TSQUERY}"
    parts = [text]
    params: list[object] = [tsquery]
    # Tested on each row while walking the ranking index: parsing one name and bio costs a few
    # microseconds, while `id IN (text)` first collected every match into a hashed set (42,000
    # rows and ~100 ms for "recovery" at 100,000 creators) before the first row could be tested.
    row = [TEXT_TEST]  # TEXT_ON_ROW or TEXT_IN_SET, chosen in creators_matching
    # A single letter is inside nearly every topic, country and platform name: it only
    # matches the start of a word in the name or bio.
    if len(term) >= MIN_NAME_MATCH:
        parts.append(
            "SELECT ct.creator_id FROM directory_creator_topics ct JOIN directory_topic t "
            "ON t.id = ct.topic_id WHERE UPPER(t.name) LIKE UPPER(%s)"
        )
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
        row.append(
            "EXISTS (SELECT 1 FROM directory_creator_topics ct JOIN directory_topic t "
            f"ON t.id = ct.topic_id WHERE ct.creator_id = {OUTER_ID} "
            f"AND UPPER(t.name) LIKE UPPER(%s){PROBE})"
        )
        if codes := countries_named(term):
            parts.append(f"SELECT id FROM directory_creator WHERE {APPROVED} AND country = ANY(%s)")
            params.append(codes)
            row.append('"directory_creator"."country" = ANY(%s)')
        if platforms := platforms_named(term):
            parts.append(
                "SELECT creator_id FROM directory_platformlink "
                "WHERE is_public AND platform = ANY(%s)"
            )
            params.append(platforms)
            row.append(
                "EXISTS (SELECT 1 FROM directory_platformlink l WHERE l.creator_id = "
                f"{OUTER_ID} AND l.is_public AND l.platform = ANY(%s){PROBE})"
            )
    return " UNION ".join(parts), params, "(" + " OR ".join(row) + ")", params


def _counts_up_to(
    matches: list[tuple[str, list[object]]], *, limit: int, using: str
) -> tuple[int, ...]:
    """Roughly how many creators each term matches, counting no further than `limit`: one
    query, kept until the listing changes. UNION ALL, so that the count stops at `limit` rather
    than first collecting every match to drop duplicates (a creator matched twice counts twice:
    close enough to choose a plan)."""
    if not matches:
        return ()
    columns = ", ".join(
        f"(SELECT count(*) FROM ({sql.replace(' UNION ', ' UNION ALL ')} LIMIT %s) AS m)"
        for sql, _p in matches
    )
    params = [value for _sql, p in matches for value in (*p, limit)]

    def count() -> tuple[int, ...]:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT {columns}", params)
            return tuple(cursor.fetchone())

    return listing_cached("search-counts", using, columns, repr(params), compute=count)


def _like_condition(term: str) -> Q:
    topic_match = Topic.objects.filter(creators=OuterRef("pk"), name__icontains=term).values("pk")
    match = Q(name__icontains=term) | Q(bio__icontains=term) | Exists(topic_match)
    if codes := countries_named(term):
        match |= Q(country__in=codes)
    if platforms := platforms_named(term):
        links = PlatformLink.objects.public().filter(creator=OuterRef("pk"), platform__in=platforms)
        match |= Exists(links)
    return match


def _like_search(queryset: QuerySet, terms: list[str]) -> QuerySet:
    for term in terms:
        queryset = queryset.filter(_like_condition(term))
    return queryset
