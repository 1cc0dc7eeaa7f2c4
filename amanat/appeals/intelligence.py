"""Help for the operator: a category suggestion from the text, and similar earlier appeals.

OWNED BY HELPER D. Interface (both must be fast: they run on every staff intake form):
    suggest_category(text: str, *, limit: int = 3) -> list[Suggestion]   # (category, confidence 0..1), best first; [] if no model
    find_similar(*, text, applicant_iin: str = "", applicant_phone: str = "", address: str = "",
                 category=None, exclude_id: int | None = None, limit: int = 10) -> list[Similar]  # (appeal, reasons)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    category: Any
    confidence: float


@dataclass
class Similar:
    appeal: Any
    reasons: list[str] = field(default_factory=list)


def suggest_category(text: str, *, limit: int = 3) -> list[Suggestion]:
    return []


def find_similar(
    *,
    text: str,
    applicant_iin: str = "",
    applicant_phone: str = "",
    address: str = "",
    category: Any = None,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Similar]:
    return []
