"""Appeal status transitions: which named step may follow which status.

    registered ──take──▶ in_work ──answer──▶ answered ──close──▶ closed
         │                  │  ▲                 │                  │
         │            forward│  │body_answered   └──────reopen──────┤
         │                  ▼  │                                    ▼
         └──forward──▶  forwarded                                in_work
    registered / in_work ──pause──▶ paused ──resume──▶ in_work
    in_work / forwarded ──extend──▶ (same status, new deadline)
    registered / in_work / paused ──dismiss──▶ dismissed   (left without consideration)
    any open status ──withdraw──▶ withdrawn
    registered / in_work / paused ──merge──▶ merged        (into an earlier appeal)

Pure data and look-ups; `amanat.appeals.services.transitions` applies them, recorded.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealStatus as S
from amanat.appeals.permissions import AppealAction


class Transition(models.TextChoices):
    TAKE = "take", _("Take into work")
    FORWARD = "forward", _("Forward to a state body")
    BODY_ANSWERED = "body_answered", _("Record the state body's answer")
    PAUSE = "pause", _("Pause: awaiting the applicant")
    RESUME = "resume", _("Resume work")
    EXTEND = "extend", _("Extend the deadline")
    ANSWER = "answer", _("Answer the applicant")
    CLOSE = "close", _("Close")
    DISMISS = "dismiss", _("Leave without consideration")
    WITHDRAW = "withdraw", _("Withdrawn by the applicant")
    REOPEN = "reopen", _("Reopen")
    MERGE = "merge", _("Merge into another appeal")


OPEN = frozenset({S.REGISTERED, S.IN_WORK, S.FORWARDED, S.PAUSED})

# transition -> (allowed from, to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Transition.TAKE: (frozenset({S.REGISTERED}), S.IN_WORK),
    Transition.FORWARD: (frozenset({S.REGISTERED, S.IN_WORK}), S.FORWARDED),
    Transition.BODY_ANSWERED: (frozenset({S.FORWARDED}), S.IN_WORK),
    Transition.PAUSE: (frozenset({S.REGISTERED, S.IN_WORK}), S.PAUSED),
    Transition.RESUME: (frozenset({S.PAUSED}), S.IN_WORK),
    Transition.EXTEND: (frozenset({S.IN_WORK, S.FORWARDED}), None),
    Transition.ANSWER: (frozenset({S.REGISTERED, S.IN_WORK, S.FORWARDED}), S.ANSWERED),
    Transition.CLOSE: (frozenset({S.ANSWERED}), S.CLOSED),
    Transition.DISMISS: (frozenset({S.REGISTERED, S.IN_WORK, S.PAUSED}), S.DISMISSED),
    Transition.WITHDRAW: (OPEN, S.WITHDRAWN),
    Transition.REOPEN: (frozenset({S.ANSWERED, S.CLOSED}), S.IN_WORK),
    Transition.MERGE: (frozenset({S.REGISTERED, S.IN_WORK, S.PAUSED}), S.MERGED),
}

# The action a user needs on the appeal's unit to make each transition. An executor may make
# the WORK transitions on an appeal assigned to them even without a grant on its unit.
TRANSITION_ACTION: dict[str, AppealAction] = {
    Transition.TAKE: AppealAction.WORK,
    Transition.FORWARD: AppealAction.WORK,
    Transition.BODY_ANSWERED: AppealAction.WORK,
    Transition.PAUSE: AppealAction.WORK,
    Transition.RESUME: AppealAction.WORK,
    Transition.EXTEND: AppealAction.APPROVE_EXTENSION,
    Transition.ANSWER: AppealAction.WORK,
    Transition.CLOSE: AppealAction.CLOSE,
    Transition.DISMISS: AppealAction.CLOSE,
    Transition.WITHDRAW: AppealAction.WORK,
    Transition.REOPEN: AppealAction.CLOSE,
    Transition.MERGE: AppealAction.MERGE,
}

# Transitions whose outcome the applicant is told about (and sees on the tracking page).
PUBLIC_TRANSITIONS = frozenset(
    {
        Transition.TAKE,
        Transition.FORWARD,
        Transition.PAUSE,
        Transition.RESUME,
        Transition.EXTEND,
        Transition.ANSWER,
        Transition.CLOSE,
        Transition.DISMISS,
        Transition.WITHDRAW,
        Transition.REOPEN,
        Transition.MERGE,
    }
)

# Transitions that need a written reason.
REASON_REQUIRED = frozenset(
    {Transition.PAUSE, Transition.EXTEND, Transition.DISMISS, Transition.WITHDRAW, Transition.REOPEN, Transition.MERGE}
)


def can_transition(status: str, transition: str) -> bool:
    sources, _to = TRANSITIONS[transition]
    return status in sources


def target_status(status: str, transition: str) -> str:
    _sources, to = TRANSITIONS[transition]
    return to or status


def available(status: str) -> list[Transition]:
    """The transitions the table allows from `status`, in table order."""
    return [Transition(name) for name, (sources, _to) in TRANSITIONS.items() if status in sources]
