"""The life of a council recommendation: a pure transition table, status -> allowed next statuses.

draft → adopted (or not adopted, by the members' votes) → sent → answered (accepted, partly,
rejected) → implemented / not implemented → assessed by the council.
"""

from __future__ import annotations

from amanat.councils.choices import RecommendationStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ADOPTED, S.NOT_ADOPTED}),
    S.ADOPTED: frozenset({S.SENT}),
    S.NOT_ADOPTED: frozenset(),
    S.SENT: frozenset({S.ANSWERED}),
    S.ANSWERED: frozenset({S.IMPLEMENTED, S.NOT_IMPLEMENTED}),
    S.IMPLEMENTED: frozenset({S.ASSESSED}),
    S.NOT_IMPLEMENTED: frozenset({S.ASSESSED}),
    S.ASSESSED: frozenset(),
}

# Statuses the public sees: a draft is the council's own working text.
PUBLIC = tuple(s for s in S.values if s != S.DRAFT)
# Statuses at which the addressee still owes an answer.
AWAITING_RESPONSE = (S.SENT,)


def can_move(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())
