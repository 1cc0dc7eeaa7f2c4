"""Full-text search over appeals: registration number, and words of the subject, text and address.

`search_appeals(queryset, query)` narrows a queryset that is already scoped to the user (so a
search never shows more than the list would) and, when the matches are few enough to rank
cheaply, orders them by relevance.

How the words are found:

- SQLite: an FTS5 external-content table `appeals_appeal_fts` with the `trigram` tokenizer over
  subject, text and address, kept in sync by triggers (migration 0002_search). Trigrams match any
  part of a word, so Russian and Kazakh endings need no dictionary.
- PostgreSQL: `to_tsvector('russian', …)` (a GIN expression index) for Russian word forms, OR a
  `pg_trgm` GIN index answering `ILIKE '%word%'` for Kazakh and parts of words.

The query is never passed through as syntax: it is cut into words (letters and digits only), so
quotes, `*`, `NEAR(`, `AND`, backslashes or emoji are plain characters that simply match nothing.
Each word loses a common Russian or Kazakh ending ("отопление" → "отоплен") so that other forms
of it match too. Words shorter than three letters are not searched (a trigram index cannot find
them); applicants' names and phones are not indexed (they are restricted data).

Ranking: with at most `RANK_LIMIT` matches they are ordered by relevance (bm25 / ts_rank); a
broader query keeps the list's order (newest first) — ranking 100,000 matches to show 50 would
cost seconds and tell the reader nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

SEARCH_MAX = 200  # characters of a query looked at
MAX_WORDS = 8
MIN_WORD = 3  # a trigram index cannot find anything shorter
RANK_LIMIT = 300
# A broad query (SQLite) looks at the newest this-many matches: FTS5 walks its lists newest first
# and stops there, instead of collecting 200,000 matches of a common word for every page.
SCAN_LIMIT = 50_000

FTS_TABLE = "appeals_appeal_fts"
# The same expression in the PostgreSQL indexes (migration 0002_search) and in the queries below:
# the planner uses an expression index only for exactly the indexed expression.
PG_DOCUMENT = "({t}.subject || ' ' || {t}.text || ' ' || {t}.address)"

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"^(?:(?P<prefix>[^\W\d_]{1,10})\s*[-‐–—]\s*)?(?:(?P<year>\d{4})\s*[-‐–—/]\s*)?(?P<seq>\d{1,7})$")
_TRACKING = re.compile(r"^[A-Za-z0-9]{10}$")

# Common endings, longest first; one is taken off a word of six letters or more, leaving at
# least four (a crude stemmer: trigram and ILIKE matching then find the other forms).
_ENDINGS = sorted(
    {
        # Russian
        "иями", "ями", "ами", "ией", "ием", "иях", "ого", "его", "ому", "ему", "ыми", "ими", "ых", "их",
        "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие", "ые", "ия", "ию", "ов", "ев", "ах", "ях", "ом",
        "ем", "ам", "ям", "ью", "ья", "ье", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
        # Kazakh
        "лары", "лері", "дары", "дері", "тары", "тері", "лар", "лер", "дар", "дер", "тар", "тер",
        "ның", "нің", "дың", "дің", "тың", "тің", "дан", "ден", "тан", "тен", "нан", "нен", "мен",
        "бен", "пен", "ға", "ге", "қа", "ке", "да", "де", "та", "те", "сы", "сі", "і",
    },
    key=len,
    reverse=True,
)  # fmt: skip


def words(query: str) -> list[str]:
    """The query's words, lower-cased, at most MAX_WORDS (punctuation and symbols dropped)."""
    found = _WORD.findall((query or "")[:SEARCH_MAX].lower())
    unique = list(dict.fromkeys(w[:40] for w in found))
    return unique[:MAX_WORDS]


def stem(word: str) -> str:
    if len(word) < 6 or word.isdigit():
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def number_candidates(query: str, years: Sequence[int] = ()) -> list[str]:
    """Registration numbers the query may mean: "АТР-2026-000123", "2026-000123", "2026-123",
    or just "123" (in any year that has numbers)."""
    match = _NUMBER.match(" ".join((query or "").split())[:40])
    if match is None:
        return []
    prefix = (match["prefix"] or settings.APPEAL_NUMBER_PREFIX).upper()
    seq = int(match["seq"])
    if seq == 0:
        return []
    if match["year"]:
        return [f"{prefix}-{match['year']}-{seq:06d}"]
    return [f"{prefix}-{year}-{seq:06d}" for year in years]


def _number_years() -> list[int]:
    from amanat.appeals.models import AppealCounter

    return list(
        AppealCounter.objects.filter(prefix=settings.APPEAL_NUMBER_PREFIX)
        .order_by("-year")
        .values_list("year", flat=True)[:50]
    )


def search_appeals(queryset: QuerySet, query: str) -> QuerySet:
    """The appeals of queryset matching query (a number, or words), best first when few."""
    query = " ".join((query or "").split())[:SEARCH_MAX]
    if not query:
        return queryset

    by_number = _by_number(query)
    if by_number is not None:
        hits = queryset.filter(by_number)
        if hits.exists():
            return hits

    terms = [stem(w) for w in words(query) if len(w) >= MIN_WORD]
    terms = [t for t in dict.fromkeys(terms) if len(t) >= MIN_WORD]
    if not terms:
        return queryset.none()
    raw_words = [w for w in words(query) if len(w) >= MIN_WORD]
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        return _sqlite(queryset, terms)
    if vendor == "postgresql":
        return _postgresql(queryset, terms, raw_words)
    return queryset.filter(_icontains_all(terms))


def _by_number(query: str) -> Q | None:
    q = None
    if _NUMBER.match(query):
        years = [] if re.search(r"\d{4}\s*[-‐–—/]", query) else _number_years()
        candidates = number_candidates(query, years)
        if candidates:
            q = Q(number__in=candidates)
    if _TRACKING.match(query):  # a code without digits too; no such code → the words are searched
        tracking = Q(tracking_code=query.upper())
        q = tracking if q is None else q | tracking
    return q


def _icontains_all(terms: list[str]) -> Q:
    q = Q()
    for term in terms:
        q &= Q(subject__icontains=term) | Q(text__icontains=term) | Q(address__icontains=term)
    return q


def _ranked(queryset: QuerySet, ids: list[int]) -> QuerySet:
    if not ids:
        return queryset.none()
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(order, "-pk")


def _fetch_ids(queryset: QuerySet, sql: str, params: list) -> list[int]:
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# --- SQLite: FTS5 trigram ---------------------------------------------------------------------


def fts_expression(terms: list[str]) -> str:
    """An FTS5 query of quoted strings (all must occur): nothing in it is FTS syntax."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _sqlite(queryset: QuerySet, terms: list[str]) -> QuerySet:
    expression = fts_expression(terms)
    # Only constants are formatted into the SQL; the words travel as parameters.
    match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    few = _fetch_ids(queryset, f"{match} LIMIT %s", [expression, RANK_LIMIT + 1])
    if len(few) <= RANK_LIMIT:
        ranked = _fetch_ids(queryset, f"{match} ORDER BY rank", [expression]) if few else []
        return _ranked(queryset, ranked)
    newest = f"{match} ORDER BY rowid DESC LIMIT {int(SCAN_LIMIT)}"
    return queryset.filter(pk__in=RawSQL(newest, [expression]))  # noqa: S611


# --- PostgreSQL: russian full text + pg_trgm --------------------------------------------------


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _pg_condition(terms: list[str], raw_words: list[str], alias: str) -> tuple[str, list]:
    document = PG_DOCUMENT.format(t=alias)
    fulltext = f"to_tsvector('russian', {document}) @@ plainto_tsquery('russian', %s)"
    trigram = " AND ".join(f"{document} ILIKE %s" for _ in terms)
    return f"(({fulltext}) OR ({trigram}))", [" ".join(raw_words), *(_like(t) for t in terms)]


def _postgresql(queryset: QuerySet, terms: list[str], raw_words: list[str]) -> QuerySet:
    table = queryset.model._meta.db_table
    condition, params = _pg_condition(terms, raw_words, "s")
    match = f"SELECT s.id FROM {table} s WHERE {condition}"  # noqa: S608 - words are parameters
    few = _fetch_ids(queryset, f"{match} LIMIT %s", [*params, RANK_LIMIT + 1])
    if len(few) <= RANK_LIMIT:
        if not few:
            return queryset.none()
        document = PG_DOCUMENT.format(t="s")
        ranked = _fetch_ids(
            queryset,
            f"SELECT s.id FROM {table} s WHERE s.id = ANY(%s) "  # noqa: S608
            f"ORDER BY ts_rank(to_tsvector('russian', {document}), plainto_tsquery('russian', %s)) DESC, s.id DESC",
            [few, " ".join(raw_words)],
        )
        return _ranked(queryset, ranked)
    return queryset.filter(pk__in=RawSQL(match, params))  # noqa: S611
