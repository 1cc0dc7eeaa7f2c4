"""The transition table of an execution: status -> {next status: transition name}.

Pure data; `services.transitions` is the only place that changes an execution's status.
"""

from __future__ import annotations

from amanat.assignments.choices import ExecutionStatus as S

START, REPORT, ACCEPT, RETURN = "start", "report", "accept", "return"

TRANSITIONS: dict[str, dict[str, str]] = {
    S.ISSUED: {S.IN_PROGRESS: START, S.REPORTED: REPORT},
    S.IN_PROGRESS: {S.REPORTED: REPORT},
    S.REPORTED: {S.ACCEPTED: ACCEPT, S.RETURNED: RETURN},
    S.RETURNED: {S.IN_PROGRESS: START, S.REPORTED: REPORT},
    S.ACCEPTED: {},
}

# Who takes each transition: the recipient or the issuer's side.
BY_RECIPIENT = {START, REPORT}
BY_ISSUER = {ACCEPT, RETURN}


def allowed(current: str, to: str) -> str | None:
    """The name of the transition from current to `to`, or None when there is none."""
    return TRANSITIONS.get(current, {}).get(to)
