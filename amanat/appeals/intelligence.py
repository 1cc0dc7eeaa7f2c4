"""Help for the operator: a category suggestion from the text, and similar earlier appeals.

Interface (both are fast: they run on every staff intake form):
    suggest_category(text: str, *, limit: int = 3) -> list[Suggestion]   # (category, confidence 0..1), best first; [] if no model
    find_similar(*, text, applicant_iin: str = "", applicant_phone: str = "", address: str = "",
                 category=None, exclude_id: int | None = None, limit: int = 10) -> list[Similar]  # (appeal, reasons)

The suggestion only suggests: the operator decides. The model lives in `classifier.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals import classifier
from amanat.core.sweep import sweep_job

RETRAIN_AFTER = dt.timedelta(hours=24)
TEXT_POOL = 200  # the latest appeals of the same category / territory compared by text
RULE_CAP = 50  # at most this many candidates per cheap rule (same IIN, phone, address)
ADDRESS_POOL = 1_000
TFIDF_THRESHOLD = 0.55  # cosine of character n-gram TF-IDF vectors
TFIDF_CANDIDATES = 20  # only the closest by shared words are vectorised (about 1.5 ms each)
TFIDF_PREFILTER = 0.15
JACCARD_THRESHOLD = 0.5  # share of words in common, when there is no model
COMPARE_CHARS = 2_000


@dataclass(frozen=True)
class Suggestion:
    category: Any
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Similar:
    appeal: Any
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0  # how strongly it matches (for ordering): the rules met, then text similarity


def suggest_category(text: str, *, limit: int = 3) -> list[Suggestion]:
    """The likeliest categories for the text, best first, with the model's confidence (0..1).

    [] when no model has been trained yet or the text is empty. Categories taken out of use
    since the training are left out.
    """
    text = (text or "").strip()
    if not text or limit < 1:
        return []
    payload = classifier.load()
    if payload is None:
        return []
    from amanat.appeals.models import Category

    ranked = classifier.predict(payload, classifier.prepare("", text), limit + 3)
    categories = Category.objects.in_bulk([cid for cid, _code, _p in ranked])
    suggestions = []
    for cid, code, probability in ranked:
        category = categories.get(cid)
        # The code guards against a model trained on another database (same ids, other things).
        if category is None or not category.is_active or (code and category.code != code):
            continue
        suggestions.append(Suggestion(category=category, confidence=probability))
        if len(suggestions) == limit:
            break
    return suggestions


# --- similar appeals -------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_address(address: str) -> str:
    """Lower case, punctuation and runs of spaces collapsed: "ул. Абая,  5" == "ул Абая 5"."""
    return " ".join(_NON_WORD.sub(" ", (address or "").lower()).split())


def _phone_variants(phone: str) -> set[str]:
    """The ways one Kazakh mobile number is written: +77011234567, 87011234567, 7011234567."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    variants = {phone} if phone else set()
    if len(digits) >= 10:
        local = digits[-10:]
        variants |= {local, f"+7{local}", f"7{local}", f"8{local}", f"+7 {local}"}
    return {v for v in variants if v}


def _words(text: str) -> set[str]:
    return {w for w in _NON_WORD.sub(" ", text.lower()).split() if len(w) > 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_similar(
    *,
    text: str,
    applicant_iin: str = "",
    applicant_phone: str = "",
    address: str = "",
    category: Any = None,
    exclude_id: int | None = None,
    limit: int = 10,
    territory: Any = None,
    actor: Any = None,
) -> list[Similar]:
    """Earlier appeals that may be repeats or duplicates of this one, best match first.

    Within the last APPEAL_SIMILAR_DAYS days (180 by default): the same applicant (IIN hash or
    phone), the same address and category, or a similar text (compared among those found and
    the latest appeals of the same category and territory, so the cost stays bounded). With
    `actor`, only appeals the actor may see are looked at. Appeals already merged are left out.
    """
    from amanat.appeals.choices import AppealStatus
    from amanat.appeals.models import Appeal
    from amanat.appeals.permissions import AppealAction
    from amanat.core.crypto import keyed_hash

    days = getattr(settings, "APPEAL_SIMILAR_DAYS", 180)
    if actor is not None:
        from amanat.appeals.selectors import appeals_for

        base = appeals_for(actor, AppealAction.VIEW)
    else:
        base = Appeal.objects.all()
    base = base.filter(received_at__gte=timezone.now() - dt.timedelta(days=days)).exclude(status=AppealStatus.MERGED)
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    newest = ("-received_at", "-id")

    reasons: dict[int, list[str]] = {}
    scores: dict[int, float] = {}

    def hit(ids: Any, reason: Any, weight: float) -> None:
        for pk in ids:
            reasons.setdefault(pk, []).append(str(reason))
            scores[pk] = scores.get(pk, 0.0) + weight

    iin = (applicant_iin or "").strip()
    if iin:
        hit(
            base.filter(applicant_iin_hash=keyed_hash(iin)).order_by(*newest).values_list("pk", flat=True)[:RULE_CAP],
            _("Same applicant (IIN)"),
            3.0,
        )
    phones = _phone_variants(applicant_phone)
    if phones:
        hit(
            base.filter(applicant_phone__in=phones).order_by(*newest).values_list("pk", flat=True)[:RULE_CAP],
            _("Same phone"),
            2.0,
        )
    wanted_address = normalise_address(address)
    category_id = getattr(category, "pk", category)
    if wanted_address and category_id:
        rows = (
            base.filter(category_id=category_id)
            .exclude(address="")
            .order_by(*newest)
            .values_list("pk", "address")[:ADDRESS_POOL]
        )
        same = [pk for pk, other in rows if normalise_address(other) == wanted_address]
        hit(same[:RULE_CAP], _("Same address and category"), 2.0)

    text = (text or "").strip()
    if text:
        pool: set[int] = set(reasons)
        territory_id = getattr(territory, "pk", territory)
        if category_id:
            pool.update(base.filter(category_id=category_id).order_by(*newest).values_list("pk", flat=True)[:TEXT_POOL])
        if territory_id:
            pool.update(
                base.filter(territory_id=territory_id).order_by(*newest).values_list("pk", flat=True)[:TEXT_POOL]
            )
        if not category_id and not territory_id:
            pool.update(base.order_by(*newest).values_list("pk", flat=True)[:TEXT_POOL])
        for pk, share in _similar_texts(text, pool):
            hit([pk], _("Similar text (%(percent)s %%)") % {"percent": round(share * 100)}, 1.0 + share)

    if not reasons:
        return []
    best = sorted(reasons, key=lambda pk: (-scores[pk], -pk))[:limit]
    appeals = Appeal.objects.select_related("org_unit", "category", "territory").in_bulk(best)
    return [Similar(appeal=appeals[pk], reasons=reasons[pk], score=scores[pk]) for pk in best if pk in appeals]


def _similar_texts(text: str, pool: set[int]) -> list[tuple[int, float]]:
    """(appeal id, similarity 0..1) for the appeals of pool whose text is close to text.

    Shared words first (cheap, for the whole pool); with a model, the closest few are then
    measured by the cosine of their character n-gram TF-IDF vectors, which sees through the
    endings of Russian and Kazakh words.
    """
    from amanat.appeals.models import Appeal

    if not pool:
        return []
    rows = list(
        Appeal.objects.filter(pk__in=pool).annotate(head=Substr("text", 1, COMPARE_CHARS)).values_list("pk", "head")
    )
    mine = _words(text[:COMPARE_CHARS])
    shared = sorted(((_jaccard(mine, _words(head)), pk, head) for pk, head in rows), reverse=True)
    payload = classifier.load()
    if payload is None:
        return [(pk, share) for share, pk, _head in shared if share >= JACCARD_THRESHOLD]
    closest = [(pk, head) for share, pk, head in shared[:TFIDF_CANDIDATES] if share >= TFIDF_PREFILTER]
    if not closest:
        return []
    vectors = classifier.vectorize(payload, [text[:COMPARE_CHARS]] + [head for _pk, head in closest])
    similarities = (vectors[1:] @ vectors[0].T).toarray().ravel()
    return [(pk, float(s)) for (pk, _head), s in zip(closest, similarities, strict=True) if s >= TFIDF_THRESHOLD]


# --- training --------------------------------------------------------------------------------


@sweep_job("appeals.train_classifier")
def train_classifier() -> str:
    """Retrain the category suggestion once a day, when there is enough to learn from."""
    age = classifier.age()
    if age is not None and age < RETRAIN_AFTER:
        return "model is fresh"
    from amanat.appeals.models import Appeal

    have = Appeal.objects.filter(category__isnull=False)[: classifier.MIN_APPEALS].count()
    if have < classifier.MIN_APPEALS:
        return "too few categorised appeals"
    # Training takes up to a minute: the task worker does it, not the sweep (which must stay short).
    from django.core.cache import cache

    if not cache.add("appeals:classifier-training-enqueued", True, timeout=3600):
        return "training already enqueued"
    from amanat.appeals.tasks import train_classifier as train_task

    train_task.enqueue()
    return "training enqueued"
