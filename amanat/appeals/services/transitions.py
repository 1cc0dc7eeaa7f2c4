"""Moving an appeal through its workflow: named transitions, assignment, answers, links.

Every function here locks the appeal row, checks the version the user saw (two operators on one
appeal: the first wins, the second is told the appeal changed), checks the transition table and
the user's rights, records an `AppealEvent` and an audit event, and tells the applicant after
commit when the step is public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealStatus, DismissalGround, Language, LinkKind
from amanat.appeals.models import Appeal, AppealAnswer, AppealEvent, AppealLink, DeadlinePolicy
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.deadlines import clock_of, refresh_deadline
from amanat.appeals.workflow import (
    PUBLIC_TRANSITIONS,
    REASON_REQUIRED,
    TRANSITION_ACTION,
    Transition,
    available,
    can_transition,
    target_status,
)
from amanat.audit import services as audit
from amanat.core.permissions import has_action, units_for
from amanat.org.models import StateBody


class AppealConflictError(ValidationError):
    """Someone else changed the appeal after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else has just changed this appeal. Nothing was saved: look at it again and repeat."),
            code="conflict",
        )


def can_act(user: Any, appeal: Appeal, transition: str) -> bool:
    """May `user` make `transition` on `appeal` (ignoring the status)?"""
    action = TRANSITION_ACTION[transition]
    if has_action(user, action, appeal.org_unit):
        return True
    return action == AppealAction.WORK and appeal.executor_id is not None and appeal.executor_id == user.pk


def may_execute(user: Any, unit: Any) -> bool:
    """May `user` be the executor of an appeal of `unit`? Those who work on the unit itself, and
    those who work on a unit below it (a regional appeal given to a district deputy)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if has_action(user, AppealAction.WORK, unit):
        return True
    return units_for(user, AppealAction.WORK).filter(path__startswith=unit.path).exists()


def actions_for(user: Any, appeal: Appeal) -> list[Transition]:
    """The transitions this user may make now, for the appeal page's buttons."""
    return [t for t in available(appeal.status) if can_act(user, appeal, t)]


def _lock(appeal: Appeal, expected_version: int | None) -> Appeal:
    # Lock the appeal row only (not its unit: other appeals of the unit must not wait).
    locked = Appeal.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=appeal.pk)
    if expected_version is not None and locked.version != expected_version:
        raise AppealConflictError()
    return locked


def _event(
    appeal: Appeal,
    *,
    kind: str,
    actor: Any,
    from_status: str = "",
    reason: str = "",
    data: dict | None = None,
    is_public: bool = False,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        from_status=from_status,
        to_status=appeal.status,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        reason=reason,
        data=data or {},
        is_public=is_public,
    )


def _finish(appeal: Appeal, event: AppealEvent, *, actor: Any, verb: str, data: dict | None = None) -> Appeal:
    refresh_deadline(appeal)
    appeal.version += 1
    appeal.save()
    audit.record(actor=actor, verb=verb, target=appeal, data={**(data or {}), "event": event.pk})
    if event.is_public:
        from amanat.appeals.notifications import on_public_change

        appeal_id, event_id = appeal.pk, event.pk
        transaction.on_commit(lambda: on_public_change(appeal_id, event_id), robust=True)
    return appeal


@transaction.atomic
def appeal_transition(
    *,
    appeal: Appeal,
    transition: str,
    actor: Any,
    reason: str = "",
    expected_version: int | None = None,
    authorised: bool = False,
    **details: Any,
) -> Appeal:
    """Make a named transition. `details` carry what the step needs (see each handler below).

    `actor` None is the system (the applicant's own steps, automatic closing); `authorised`
    says the caller has already checked the actor's right (party control reopening on review).
    """
    try:
        transition = Transition(transition)
    except ValueError:
        raise ValidationError(_("Unknown step."), code="unknown_transition") from None
    appeal = _lock(appeal, expected_version)
    if actor is not None and not authorised and not can_act(actor, appeal, transition):
        raise PermissionDenied
    if not can_transition(appeal.status, transition):
        raise ValidationError(
            _("“%(step)s” is not possible while the appeal is “%(status)s”.")
            % {"step": transition.label, "status": appeal.get_status_display()},
            code="not_allowed",
        )
    reason = (reason or "").strip()
    if transition in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": [_("Give the reason for this step.")]})

    before = appeal.status
    data: dict[str, Any] = {}
    now = timezone.now()
    handler = _HANDLERS.get(transition)
    if handler is not None:
        data = handler(appeal, actor=actor, reason=reason, now=now, **details) or {}
    appeal.status = target_status(before, transition)
    if appeal.status in (AppealStatus.CLOSED, AppealStatus.DISMISSED, AppealStatus.WITHDRAWN, AppealStatus.MERGED):
        appeal.closed_at = now
    event = _event(
        appeal,
        kind=transition,
        actor=actor,
        from_status=before,
        reason=reason,
        data=data,
        is_public=transition in PUBLIC_TRANSITIONS,
    )
    if transition == Transition.REOPEN:
        appeal.deadline = None  # a new term: recomputed from the history below
    return _finish(appeal, event, actor=actor, verb=f"appeal.{transition}", data={"from": before, "to": appeal.status})


def _forward(
    appeal: Appeal,
    *,
    state_body: StateBody | None = None,
    forward_number: str = "",
    forward_date: dt.date | None = None,
    now: dt.datetime,
    **_rest: Any,
) -> dict:
    if state_body is None:
        raise ValidationError({"state_body": [_("Choose the state body the appeal is forwarded to.")]})
    forward_date = forward_date or timezone.localdate()
    if forward_date > timezone.localdate() or forward_date < appeal.registered_on:
        raise ValidationError({"forward_date": [_("The date must lie between registration and today.")]})
    policy = DeadlinePolicy.for_type(appeal.appeal_type)
    from amanat.core.calendar import working_days_between

    late = working_days_between(appeal.registered_on, forward_date) > policy.forward_days
    if not isinstance(state_body, StateBody):
        raise ValidationError({"state_body": [_("Choose the state body the appeal is forwarded to.")]})
    appeal.state_body = state_body
    appeal.forward_number = (forward_number or "").strip()[:64]
    appeal.forward_date = forward_date
    return {
        "state_body": state_body.pk,
        "state_body_name": str(state_body),
        "number": appeal.forward_number,
        "date": forward_date.isoformat(),
        "late": late,
    }


def _body_answered(
    appeal: Appeal,
    *,
    body_answer_date: dt.date | None = None,
    body_answer_number: str = "",
    summary: str = "",
    **_rest: Any,
) -> dict:
    body_answer_date = body_answer_date or timezone.localdate()
    if appeal.forward_date and body_answer_date < appeal.forward_date:
        raise ValidationError({"body_answer_date": [_("The answer cannot be dated before the forwarding.")]})
    appeal.body_answer_date = body_answer_date
    appeal.body_answer_number = (body_answer_number or "").strip()[:64]
    return {"date": body_answer_date.isoformat(), "number": appeal.body_answer_number, "summary": summary[:2000]}


def _extend(appeal: Appeal, *, actor: Any, extended_to: dt.date | None = None, **_rest: Any) -> dict:
    """Once per term (the policy's number of times), to a later day no further than
    `max_total_months` from the start of the term; the actor (holding approve_extension) is the
    approver, and the applicant is told at once (the step is public)."""
    policy = DeadlinePolicy.for_type(appeal.appeal_type)
    clock = clock_of(appeal, policy=policy)
    if clock.extensions >= policy.max_extensions:
        raise ValidationError(
            {"extended_to": [_("The deadline has already been extended the number of times the rules allow.")]}
        )
    if isinstance(extended_to, str):
        try:
            extended_to = dt.date.fromisoformat(extended_to)
        except ValueError:
            extended_to = None
    if isinstance(extended_to, dt.datetime):
        extended_to = extended_to.date()
    if not isinstance(extended_to, dt.date):
        raise ValidationError({"extended_to": [_("Choose the new deadline.")]})
    if clock.deadline is not None and extended_to <= clock.deadline:
        raise ValidationError({"extended_to": [_("The new deadline must be later than the current one.")]})
    if extended_to > clock.latest_extension:
        raise ValidationError(
            {
                "extended_to": [
                    _("An extension may not go beyond %(date)s (%(months)s months from receipt).")
                    % {"date": clock.latest_extension.strftime("%d.%m.%Y"), "months": policy.max_total_months}
                ]
            }
        )
    appeal.extension_count += 1
    from amanat.core.calendar import add_working_days

    return {
        "extended_to": extended_to.isoformat(),
        "previous": clock.deadline.isoformat() if clock.deadline else None,
        "approved_by": getattr(actor, "pk", None),
        "tell_applicant_by": add_working_days(timezone.localdate(), policy.notify_extension_days).isoformat(),
    }


def _answer(
    appeal: Appeal,
    *,
    actor: Any,
    text: str = "",
    language: str = "",
    is_positive: bool | None = None,
    hearing_held: bool = False,
    now: dt.datetime,
    **_rest: Any,
) -> dict:
    text = (text or "").strip()
    errors = {}
    if actor is None:
        raise ValidationError(_("An answer is signed by a person."), code="no_signatory")
    if not text:
        errors["text"] = [_("Write the answer.")]
    if language not in Language.values:
        errors["language"] = [_("The answer is written in Kazakh or in Russian.")]
    if is_positive is False and not hearing_held and not appeal.is_anonymous:
        errors["hearing_held"] = [_("Before an unfavourable answer the applicant must be heard.")]
    if errors:
        raise ValidationError(errors)
    answer = AppealAnswer.objects.create(
        appeal=appeal, language=language, text=text, signed_by=actor, is_positive=is_positive, created_at=now
    )
    appeal.answered_at = now
    appeal.hearing_held = appeal.hearing_held or hearing_held
    appeal.needs_review = False
    appeal.answered_on_time = appeal.deadline is None or timezone.localtime(now).date() <= appeal.deadline
    return {"answer": answer.pk, "language": language, "on_time": appeal.answered_on_time}


def _dismiss(appeal: Appeal, *, ground: str = "", **_rest: Any) -> dict:
    if ground not in DismissalGround.values:
        raise ValidationError({"ground": [_("Choose the legal ground.")]})
    if ground == DismissalGround.ANONYMOUS and not appeal.is_anonymous:
        raise ValidationError({"ground": [_("The appeal is not anonymous.")]})
    if appeal.is_anonymous and appeal.reports_threat and ground == DismissalGround.ANONYMOUS:
        raise ValidationError(
            {"ground": [_("An anonymous report of a crime or threat must be passed on, not dismissed.")]}
        )
    appeal.dismissal_ground = ground
    return {"ground": ground}


def _merge(appeal: Appeal, *, actor: Any, into: Appeal | None = None, **_rest: Any) -> dict:
    if into is None or into.pk == appeal.pk:
        raise ValidationError({"into": [_("Choose another, earlier appeal to merge into.")]})
    if actor is not None and not has_action(actor, AppealAction.VIEW, into.org_unit):
        raise ValidationError({"into": [_("Choose another, earlier appeal to merge into.")]})
    if into.status == AppealStatus.MERGED:
        raise ValidationError({"into": [_("That appeal has itself been merged; choose the one it was merged into.")]})
    appeal.duplicate_of = into
    AppealLink.objects.get_or_create(
        from_appeal=appeal, to_appeal=into, defaults={"kind": LinkKind.DUPLICATE, "created_by": actor}
    )
    return {"into": into.pk, "into_number": into.number}


def _reopen(appeal: Appeal, **_rest: Any) -> dict:
    appeal.reopen_count += 1
    appeal.closed_at = None
    appeal.answered_on_time = None
    return {}


_HANDLERS = {
    Transition.FORWARD: _forward,
    Transition.BODY_ANSWERED: _body_answered,
    Transition.EXTEND: _extend,
    Transition.ANSWER: _answer,
    Transition.DISMISS: _dismiss,
    Transition.MERGE: _merge,
    Transition.REOPEN: _reopen,
}


@transaction.atomic
def appeal_assign(*, appeal: Appeal, executor: Any, actor: Any, expected_version: int | None = None) -> Appeal:
    """Give the appeal to an executor (a deputy or staff member who may work on its unit)."""
    appeal = _lock(appeal, expected_version)
    if not has_action(actor, AppealAction.ASSIGN, appeal.org_unit):
        raise PermissionDenied
    if appeal.status not in (
        AppealStatus.REGISTERED,
        AppealStatus.IN_WORK,
        AppealStatus.FORWARDED,
        AppealStatus.PAUSED,
    ):
        raise ValidationError(_("A finished appeal cannot be assigned."), code="not_allowed")
    if executor is None or not may_execute(executor, appeal.org_unit):
        raise ValidationError({"executor": [_("This person may not work on appeals of this unit.")]})
    previous = appeal.executor_id
    appeal.executor = executor
    event = _event(appeal, kind="assigned", actor=actor, data={"executor": executor.pk, "previous": previous})
    appeal = _finish(appeal, event, actor=actor, verb="appeal.assigned", data={"executor": executor.pk})
    if executor.pk != previous:
        from amanat.appeals.notifications import on_assigned

        appeal_id, executor_id = appeal.pk, executor.pk
        transaction.on_commit(lambda: on_assigned(appeal_id, executor_id), robust=True)
    return appeal


@transaction.atomic
def appeal_link(
    *, appeal: Appeal, other: Appeal, kind: str, actor: Any, expected_version: int | None = None
) -> AppealLink:
    """Record that two appeals belong together (a repeat, a duplicate, related)."""
    if not has_action(actor, AppealAction.MERGE, appeal.org_unit):
        raise PermissionDenied
    appeal = _lock(appeal, expected_version)
    if other.pk == appeal.pk:
        raise ValidationError({"other": [_("An appeal cannot be linked to itself.")]})
    if kind not in LinkKind.values:
        raise ValidationError({"kind": [_("Choose the kind of link.")]})
    link, created = AppealLink.objects.get_or_create(
        from_appeal=appeal, to_appeal=other, defaults={"kind": kind, "created_by": actor}
    )
    if created:
        _event(appeal, kind="linked", actor=actor, data={"other": other.pk, "number": other.number, "kind": kind})
        audit.record(actor=actor, verb="appeal.linked", target=appeal, data={"other": other.pk, "kind": kind})
    return link


def appeal_reveal_iin(*, appeal: Appeal, actor: Any) -> str:
    """The applicant's whole IIN for a holder of appeals.view_iin; every reveal is audited."""
    if not has_action(actor, AppealAction.VIEW_IIN, appeal.org_unit):
        raise PermissionDenied
    iin = appeal.reveal_iin()
    if iin:
        audit.record(actor=actor, verb="appeal.iin_revealed", target=appeal)
    return iin
