"""The volunteer sign-up's transition table: status -> the statuses it may move to.

Attended and no-show may be corrected by the organiser; a cancelled sign-up is final (the
volunteer signs up again if they change their mind).
"""

from __future__ import annotations

from amanat.projects.choices import SignUpStatus

S = SignUpStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SIGNED_UP: frozenset({S.ATTENDED, S.NO_SHOW, S.CANCELLED}),
    S.ATTENDED: frozenset({S.ATTENDED, S.NO_SHOW}),  # attended -> attended corrects the hours
    S.NO_SHOW: frozenset({S.ATTENDED}),
    S.CANCELLED: frozenset(),
}


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
