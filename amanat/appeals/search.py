"""Full-text search over appeals: registration number, and words of the subject, text and address.

`search_appeals(queryset, query)` narrows a queryset that is already scoped to the user (so a
search never shows more than the list would). When the user's matches are few (`RANK_LIMIT`) they
are ordered by relevance; more are listed newest registered first (highest id), an order the
indexes give without sorting — ranking 27,000 matches to show 50 would cost seconds and tell the
reader nothing.

How the words are found:

- SQLite: an FTS5 external-content table `appeals_appeal_fts` with the `trigram` tokenizer over
  subject, text and address, kept in sync by triggers (migration 0002_search). Trigrams match any
  part of a word, so Russian and Kazakh endings need no dictionary. The matches' ids come sorted
  from FTS5, so the newest page of them is read without visiting the others.
- PostgreSQL: the stored `search_doc` tsvector (migration 0005_search_document, a GIN index)
  holds the words as written and as Russian stems: each query word matches as a prefix of its
  stem ("құлсар:*", Kazakh and Russian forms) or by its Russian stem ("домов" finds "дома").
  Testing one appeal is reading a column, so a common word is found by walking the newest
  appeals until a page is full. Only when no word starts so, the `pg_trgm` index answers
  `ILIKE '%word%'` for letters inside words.

The query is never passed through as syntax: it is cut into words (letters and digits only), so
quotes, `*`, `NEAR(`, `AND`, backslashes or emoji are plain characters that simply match nothing.
Each word loses a common Russian or Kazakh ending ("отопление" → "отоплен") so that other forms
of it match too. Words shorter than three letters are not searched (a trigram index cannot find
them); applicants' names and phones are not indexed (they are restricted data).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    Field,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

SEARCH_MAX = 200  # characters of a query looked at
MAX_WORDS = 8
MIN_WORD = 3  # a trigram index cannot find anything shorter
RANK_LIMIT = 300
# PostgreSQL: words the planner expects in more than this share of the appeals, and in more than
# COMMON_MIN of them, are common: their matches are shown newest first without counting them (the
# newest appeals are walked until a page is full). The planner puts a word it has no statistics
# for at 1% at most, so such words are counted; below COMMON_MIN counting is cheap anyway.
COMMON_SHARE = 0.02
COMMON_MIN = 5_000

FTS_TABLE = "appeals_appeal_fts"
# The same expression in the PostgreSQL indexes (migration 0002_search) and in the queries below:
# the planner uses an expression index only for exactly the indexed expression.
PG_DOCUMENT = "({t}.subject || ' ' || {t}.text || ' ' || {t}.address)"

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"^(?:(?P<prefix>[^\W\d_]{1,10})\s*[-‐–—]\s*)?(?:(?P<year>\d{4})\s*[-‐–—/]\s*)?(?P<seq>\d{1,7})$")
_TRACKING = re.compile(r"^[A-Za-z0-9]{10}$")

# Common endings, longest first; one is taken off a word of six letters or more, leaving at
# least four (a crude stemmer: trigram, prefix and ILIKE matching then find the other forms).
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


def _first_ids(matches: QuerySet) -> list[int]:
    """Up to RANK_LIMIT + 1 of the user's matches, in any order: enough to tell few from many."""
    return list(matches.order_by().values_list("pk", flat=True)[: RANK_LIMIT + 1])


def _newest_first(matches: QuerySet) -> QuerySet:
    return matches.order_by("-pk")


# --- SQLite: FTS5 trigram ---------------------------------------------------------------------


def fts_expression(terms: list[str]) -> str:
    """An FTS5 query of quoted strings (all must occur): nothing in it is FTS syntax."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _sqlite(queryset: QuerySet, terms: list[str]) -> QuerySet:
    # Only constants are formatted into the SQL; the words travel as parameters. SQLite keeps the
    # matching ids sorted, so `ORDER BY id DESC LIMIT 51` reads the newest and stops.
    match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    matches = queryset.filter(pk__in=RawSQL(match, [fts_expression(terms)]))  # noqa: S611
    few = _first_ids(matches)
    if len(few) > RANK_LIMIT:
        return _newest_first(matches)
    return _ranked(queryset, _by_relevance(queryset, few, terms))


def _by_relevance(queryset: QuerySet, ids: list[int], terms: list[str]) -> list[int]:
    """ids, most relevant first. FTS5's own bm25 cannot be asked for a few chosen rows (it would
    rank every match of the words, region-wide), so the few texts are scored here."""
    texts = queryset.model._base_manager.using(queryset.db).filter(pk__in=ids)
    scores = {
        pk: _relevance(terms, subject.lower(), f"{text} {address}".lower())
        for pk, subject, text, address in texts.values_list("pk", "subject", "text", "address")
    }
    return sorted(scores, key=lambda pk: (-scores[pk], -pk))


def _relevance(terms: list[str], subject: str, body: str) -> float:
    """Each word counts by how often it occurs, a word in the subject twice, with diminishing returns."""
    return sum(math.log1p(2 * subject.count(term) + body.count(term)) for term in terms)


def _ranked(queryset: QuerySet, ids: list[int]) -> QuerySet:
    if not ids:
        return queryset.none()
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(order, "-pk")


# --- PostgreSQL: the stored tsvector, trigrams as a fallback ----------------------------------


class RowSQL(Func):
    """SQL about the appeal's own row, `{t}` standing for its table: Django's name for the table
    is taken from its primary key, so the SQL stays right wherever Django puts the query (a
    subquery calls the table U0)."""

    def __init__(self, sql: str, params: Sequence[Any], output_field: Field) -> None:
        super().__init__(F("pk"), output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        pk, _params = compiler.compile(self.source_expressions[0])
        return self.sql.format(t=pk.rsplit(".", 1)[0]), list(self.params)


def _pg_tsquery(raw_words: list[str]) -> tuple[str, list[str]]:
    """Every word, each as a prefix of its stem (Kazakh and Russian forms: "құлсар:*") or as its
    Russian dictionary stem ("домов" finds "дома"). The words are letters and digits only, so
    nothing in them is tsquery syntax."""
    one = "(to_tsquery('simple', %s) || plainto_tsquery('russian', %s))"
    params = [value for word in raw_words for value in (f"{stem(word)}:*", word)]
    return " && ".join([one] * len(raw_words)), params


def _postgresql(queryset: QuerySet, terms: list[str], raw_words: list[str]) -> QuerySet:
    tsquery, params = _pg_tsquery(raw_words)
    condition = RowSQL(f"{{t}}.search_doc @@ ({tsquery})", params, BooleanField())
    matches = queryset.filter(condition)
    if _common(queryset, condition):
        return _newest_first(matches)
    few = _first_ids(matches)
    if len(few) > RANK_LIMIT:
        return _newest_first(matches)
    if few:
        rank = RowSQL(f"ts_rank({{t}}.search_doc, {tsquery})", params, FloatField())
        return queryset.filter(pk__in=few).order_by(rank.desc(), "-pk")
    # No word starts so: the letters inside words (the trigram index).
    parts = queryset.filter(_pg_parts(terms))
    few = _first_ids(parts)
    return _newest_first(parts if len(few) > RANK_LIMIT else queryset.filter(pk__in=few))


def _common(queryset: QuerySet, condition: RowSQL) -> bool:
    """Whether the planner expects the words in many appeals: known from the column's word
    statistics in a millisecond, where finding 301 matches of a common word in a small scope
    reads thousands of rows (the index hands over all 27,000 matches at once)."""
    everything = queryset.model._base_manager.using(queryset.db).values("pk")
    expected = _planned_rows(everything.filter(condition))
    return expected > COMMON_MIN and expected > COMMON_SHARE * _planned_rows(everything)


def _planned_rows(queryset: QuerySet) -> float:
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def _pg_parts(terms: list[str]) -> RowSQL:
    document = PG_DOCUMENT.format(t="{t}")
    return RowSQL(" AND ".join(f"{document} ILIKE %s" for _ in terms), [_like(t) for t in terms], BooleanField())


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
