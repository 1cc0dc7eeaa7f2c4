"""The category classifier: character n-gram TF-IDF and a linear model, learned from appeals that
already have a category, kept in one joblib file under VAR_DIR.

Character n-grams (inside word boundaries) suit mixed Russian and Kazakh: they match word stems
across the many endings of both languages and need no stemmer or dictionary. The model is
retrained by `amanat appeals-train` or the daily sweep job, and loaded lazily by each process
(again when the file changes). scikit-learn and joblib are imported only when needed: this
module is imported at start-up.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.functions import Substr
from django.utils import timezone

FORMAT_VERSION = 1
TRAIN_LIMIT = 50_000  # the latest categorised appeals: keeps training well under a minute
TEXT_CHARS = 3_000  # the start of a text says what it is about; the rest only costs time
MIN_APPEALS = 50  # fewer categorised appeals than this teach nothing useful


def model_path() -> Path:
    configured = getattr(settings, "APPEAL_CLASSIFIER_PATH", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "appeals-classifier.joblib"


def prepare(subject: str, text: str) -> str:
    """The text the model reads: subject and the start of the text."""
    joined = f"{subject.strip()}\n{text.strip()}" if subject and subject.strip() else (text or "").strip()
    return joined[:TEXT_CHARS]


def make_pipeline(n_samples: int) -> Any:
    """TF-IDF over character 2–5-grams and a logistic-loss linear model (probabilities)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=2,
        max_df=0.9 if n_samples >= 100 else 1.0,
        max_features=400_000,
        lowercase=True,
        dtype=_float32(),
    )
    model = SGDClassifier(
        loss="log_loss",
        alpha=1e-5 if n_samples >= 2_000 else 1e-4,
        max_iter=20,
        tol=1e-3,
        class_weight="balanced",
        random_state=0,
        n_jobs=-1,  # one binary model per category: spread over the cores
    )
    return Pipeline([("tfidf", vectorizer), ("model", model)])


def _float32() -> Any:
    import numpy as np

    return np.float32


@dataclass(frozen=True)
class TrainResult:
    path: Path
    size: int
    categories: int
    seconds: float
    trained_at: dt.datetime


def fit(texts: list[str], labels: list[int]) -> Any:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    pipeline = make_pipeline(len(texts))
    with warnings.catch_warnings():
        # A few passes are enough for ranking categories; full convergence is not needed.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(texts, labels)
    return pipeline


def training_data(limit: int = TRAIN_LIMIT) -> tuple[list[str], list[int]]:
    """The latest categorised appeals (in categories still in use): texts and category ids."""
    from amanat.appeals.models import Appeal

    rows = (
        Appeal.objects.filter(category__isnull=False, category__is_active=True)
        .order_by("-id")
        .annotate(head=Substr("text", 1, TEXT_CHARS))
        .values_list("subject", "head", "category_id")[:limit]
    )
    texts, labels = [], []
    for subject, head, category_id in rows:
        texts.append(prepare(subject, head))
        labels.append(category_id)
    return texts, labels


def train(*, limit: int = TRAIN_LIMIT, min_appeals: int = MIN_APPEALS, path: Path | None = None) -> TrainResult | None:
    """Learn from the latest categorised appeals and save the model; None when there is too
    little to learn from (fewer than min_appeals, or a single category)."""
    import time

    import joblib

    from amanat.appeals.models import Category

    started = time.monotonic()
    texts, labels = training_data(limit)
    if len(texts) < min_appeals or len(set(labels)) < 2:
        return None
    pipeline = fit(texts, labels)
    ids = [int(c) for c in pipeline.classes_]
    codes = dict(Category.objects.filter(pk__in=ids).values_list("pk", "code"))
    trained_at = timezone.now()
    payload = {
        "version": FORMAT_VERSION,
        "pipeline": pipeline,
        "category_ids": ids,
        "category_codes": [codes.get(i, "") for i in ids],
        "trained_at": trained_at.isoformat(),
        "size": len(texts),
    }
    target = path or model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a process loading the model never sees half a file.
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".classifier-", suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(payload, tmp, compress=3)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    forget()
    return TrainResult(
        path=target,
        size=len(texts),
        categories=len(ids),
        seconds=time.monotonic() - started,
        trained_at=trained_at,
    )


_lock = threading.Lock()
_cache: dict[str, Any] = {}


def load() -> dict[str, Any] | None:
    """The saved model (cached in the process; read again when the file changes), or None."""
    path = model_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get("entry")
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        cached = _cache.get("entry")
        if cached is not None and cached[0] == key:
            return cached[1]
        import joblib

        try:
            payload = joblib.load(path)
        except Exception:  # a damaged or foreign file is as good as none; the sweep retrains
            return None
        if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
            return None
        _cache["entry"] = (key, payload)
        return payload


def forget() -> None:
    _cache.pop("entry", None)


def age(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How old the saved model file is, or None when there is none."""
    try:
        mtime = model_path().stat().st_mtime
    except OSError:
        return None
    now = now or timezone.now()
    return now - dt.datetime.fromtimestamp(mtime, tz=dt.UTC)


def predict(payload: dict[str, Any], text: str, limit: int) -> list[tuple[int, str, float]]:
    """(category id, code, probability), best first."""
    pipeline = payload["pipeline"]
    probabilities = pipeline.predict_proba([text])[0]
    order = probabilities.argsort()[::-1][:limit]
    ids, codes = payload["category_ids"], payload["category_codes"]
    return [(ids[i], codes[i], float(probabilities[i])) for i in order]


def vectorize(payload: dict[str, Any], texts: list[str]) -> Any:
    """L2-normalised TF-IDF rows (their dot product is the cosine similarity)."""
    return payload["pipeline"].named_steps["tfidf"].transform(texts)
