"""Who is told what about appeals: staff through `notify`, applicants by e-mail and SMS.

Staff (Users) are told through `amanat.notifications.notify` (in-app, then e-mail/SMS as they
prefer). Applicants are not Users: each public step of their appeal (registration included) is
sent to them by a task (`tasks.tell_applicant`) in the appeal's language, e-mail when they gave
an address, SMS when they asked for the answer by SMS and gave a phone. What was sent is kept on
the event (`AppealEvent.data["notice"]`), so a step is never told twice; a failed send is tried
again by the sweep (`appeals.notify_retry`).

The `on_*` functions are called by the services after commit and never raise; a registration
queues its notices from inside its transaction (`queue_registered`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AnswerChannel, DismissalGround
from amanat.appeals.models import Appeal, AppealAnswer, AppealEvent
from amanat.appeals.workflow import Transition
from amanat.notifications.registry import register_kind

logger = logging.getLogger(__name__)

ASSIGNED = "appeals.assigned"
REMINDER = "appeals.reminder"
ESCALATED = "appeals.escalated"
REVIEW = "appeals.review"
URGENT = "appeals.urgent"
NEW = "appeals.new"

# A claim on an applicant notice older than this belongs to a worker that died.
NOTICE_CLAIM_TIMEOUT = dt.timedelta(minutes=10)
NOTICE_MAX_ATTEMPTS = 5
SMS_MAX_LENGTH = 300


def register_kinds() -> None:
    """Register the notification kinds of the appeals app (called from AppConfig.ready)."""
    register_kind(ASSIGNED, _("An appeal was assigned to me"))
    register_kind(REMINDER, _("An appeal of mine is due soon"))
    register_kind(ESCALATED, _("An appeal is overdue"), sms=True)
    register_kind(REVIEW, _("An answer was rated low and needs control review"))
    register_kind(URGENT, _("An anonymous report of a crime or threat"), sms=True)
    register_kind(NEW, _("A new appeal in my unit's inbox"))
    connect_signals()


def connect_signals() -> None:
    """A changed working-day calendar moves the deadlines of open appeals (after commit)."""
    from amanat.core.models import CalendarOverride

    post_save.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="appeals-calendar-saved")
    post_delete.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="appeals-calendar-deleted")


def _calendar_changed(sender: Any, **kwargs: Any) -> None:
    transaction.on_commit(_enqueue_recompute, robust=True)


def _enqueue_recompute() -> None:
    from amanat.appeals import tasks

    tasks.recompute_deadlines.enqueue()


# --- Who ------------------------------------------------------------------------------------


def role_holders(role_code: str, unit_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Active users holding the role directly on each unit: {unit id: [users]} in one query."""
    from amanat.accounts.models import RoleGrant

    ids = list(set(unit_ids))
    found: dict[int, list[Any]] = {uid: [] for uid in ids}
    if not ids:
        return found
    grants = (
        RoleGrant.objects.active()
        .filter(role__code=role_code, org_unit_id__in=ids, user__is_active=True)
        .select_related("user")
        .order_by("org_unit_id", "user_id")
    )
    for grant in grants:
        if all(u.pk != grant.user_id for u in found[grant.org_unit_id]):
            found[grant.org_unit_id].append(grant.user)
    return found


def nearest_role_holders(role_code: str, unit: Any) -> list[Any]:
    """Holders of the role on the unit, or else on the nearest unit above that has any."""
    ancestors = [*type(unit).objects.get_ancestors(unit), unit] if unit is not None else []
    holders = role_holders(role_code, [u.pk for u in ancestors])
    for candidate in reversed(ancestors):
        if holders.get(candidate.pk):
            return holders[candidate.pk]
    return []


def control_members(unit: Any) -> list[Any]:
    """Party control members holding appeals.review on the unit or any unit above it."""
    from amanat.appeals.permissions import AppealAction
    from amanat.core.permissions import has_action

    ancestors = [*type(unit).objects.get_ancestors(unit), unit]
    holders = role_holders("party_control", [u.pk for u in ancestors])
    people = [user for unit_users in holders.values() for user in unit_users]
    return [u for u in people if has_action(u, AppealAction.REVIEW, unit)]


def staff_url(appeal_id: int) -> str:
    try:
        return reverse("appeals:detail", args=[appeal_id])
    except NoReverseMatch:
        return f"/manage/appeals/{appeal_id}/"


def tracking_url(appeal: Appeal) -> str:
    from amanat.notifications.services import site_link

    try:
        path = reverse("appeals:track")
    except NoReverseMatch:
        path = "/appeals/track/"
    return site_link(f"{path}?code={appeal.tracking_code}")


def _safely(what: str, func: Any, *args: Any) -> None:
    try:
        func(*args)
    except Exception:
        logger.exception("appeals: could not %s", what)


# --- Called by the registration, inside its transaction -------------------------------------


def queue_registered(appeal_id: int) -> None:
    """Called by the registration, inside its transaction: queue the notices of a new appeal.

    With the database task queue the task is written in the registration's own transaction: it
    commits with the appeal or not at all (an urgent report is never left untold because the
    process stopped right after the commit) and needs no commit of its own. Any other queue
    (Redis, or tasks run at once) is told after the commit, by `on_registered`.
    """
    from django_tasks_db.backend import DatabaseBackend

    from amanat.appeals import tasks

    if isinstance(tasks.appeal_registered.get_backend(), DatabaseBackend):
        tasks.appeal_registered.enqueue(appeal_id=appeal_id)
    else:
        transaction.on_commit(lambda: on_registered(appeal_id), robust=True)


# --- Called by the services after commit ----------------------------------------------------


def on_registered(appeal_id: int) -> None:
    """A new appeal: tell the applicant (number, tracking code) and the executor/unit staff."""
    from amanat.appeals import tasks

    _safely("enqueue the registration notices", lambda: tasks.appeal_registered.enqueue(appeal_id=appeal_id))


def on_public_change(appeal_id: int, event_id: int) -> None:
    """A public step (taken, forwarded, extended, answered, closed…): tell the applicant."""
    from amanat.appeals import tasks

    _safely(
        "enqueue the applicant's notice",
        lambda: tasks.tell_applicant.enqueue(appeal_id=appeal_id, event_id=event_id),
    )


def on_review_needed(appeal_id: int) -> None:
    """A low rating or "not solved": tell party control of the appeal's unit (or above)."""
    _safely("tell party control", review_needed_now, appeal_id)


def on_assigned(appeal_id: int, executor_id: int) -> None:
    """The appeal was given to an executor: tell them."""
    _safely("tell the executor", assigned_now, appeal_id, executor_id)


# --- Staff ----------------------------------------------------------------------------------


def _notify(**kwargs: Any) -> None:
    from amanat.notifications.services import notify

    notify(**kwargs)


def assigned_now(appeal_id: int, executor_id: int) -> None:
    appeal = Appeal.objects.select_related("executor").filter(pk=appeal_id).first()
    if appeal is None or appeal.executor_id != executor_id:
        return
    _notify(
        recipients=[appeal.executor],
        kind=ASSIGNED,
        title=_("Appeal {number} is assigned to you"),
        body=_("Deadline: {deadline}."),
        url=staff_url(appeal.pk),
        target=appeal,
        context={"number": appeal.number, "deadline": _date(appeal.deadline)},
    )


def review_needed_now(appeal_id: int) -> None:
    appeal = Appeal.objects.select_related("org_unit").filter(pk=appeal_id).first()
    if appeal is None:
        return
    feedback = appeal.feedback.order_by("-created_at").first()
    _notify(
        recipients=control_members(appeal.org_unit),
        kind=REVIEW,
        title=_("Appeal {number}: the applicant is not satisfied"),
        body=_("Rating {rating} of 5, solved: {solved}. Review the answer."),
        url=staff_url(appeal.pk),
        target=appeal,
        context={
            "number": appeal.number,
            "rating": feedback.rating if feedback else "—",
            "solved": (lambda: feedback.get_solved_display()) if feedback else "—",
        },
    )


def registered_now(appeal_id: int) -> None:
    """The staff side of a registration, then the applicant's notice (run by the task)."""
    appeal = Appeal.objects.select_related("org_unit", "executor").filter(pk=appeal_id).first()
    if appeal is None:
        return
    context = {"number": appeal.number, "deadline": _date(appeal.deadline)}
    if appeal.executor_id is not None:
        _notify(
            recipients=[appeal.executor],
            kind=ASSIGNED,
            title=_("Appeal {number} is assigned to you"),
            body=_("Deadline: {deadline}."),
            url=staff_url(appeal.pk),
            target=appeal,
            context=context,
        )
    else:
        operators = role_holders("reception_operator", [appeal.org_unit_id])[appeal.org_unit_id]
        _notify(
            recipients=operators,
            kind=NEW,
            title=_("New appeal {number}"),
            body=_("It has no executor yet. Deadline: {deadline}."),
            url=staff_url(appeal.pk),
            target=appeal,
            context=context,
        )
    if appeal.is_anonymous and appeal.reports_threat:
        # The law: an anonymous report of a crime or threat is passed on at once.
        _notify(
            recipients=nearest_role_holders("executive_secretary", appeal.org_unit),
            kind=URGENT,
            title=_("Urgent: anonymous report of a crime or threat, appeal {number}"),
            body=_("Pass it on to the competent body at once."),
            url=staff_url(appeal.pk),
            target=appeal,
            context=context,
        )
    event = appeal.events.filter(kind="registered").order_by("id").first()
    if event is not None:
        send_applicant_notice(appeal_id=appeal.pk, event_id=event.pk)


# --- Applicants -----------------------------------------------------------------------------

STEP_TEXT = {
    "registered": _("Your appeal has been registered."),
    Transition.TAKE: _("Your appeal has been taken into work."),
    Transition.FORWARD: _("Your appeal has been forwarded to the competent state body: %(body)s."),
    Transition.PAUSE: _("Work on your appeal is paused until you give what is needed: %(reason)s"),
    Transition.RESUME: _("Work on your appeal has resumed."),
    Transition.EXTEND: _("The deadline for your appeal has been extended to %(date)s. Reason: %(reason)s"),
    Transition.ANSWER: _("Your appeal has been answered."),
    Transition.CLOSE: _("Your appeal has been closed."),
    Transition.DISMISS: _("Your appeal has been left without consideration. Ground: %(ground)s."),
    Transition.WITHDRAW: _("Your appeal has been withdrawn."),
    Transition.REOPEN: _("Your appeal has been reopened and is being worked on again."),
    Transition.MERGE: _("Your appeal has been joined to appeal %(other)s: you will get one answer to both."),
}


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _body_name(data: dict, appeal: Appeal) -> str:
    """The state body's name in the active language (the appeal's)."""
    from amanat.org.models import StateBody

    body = StateBody.objects.filter(pk=data["state_body"]).first() if data.get("state_body") else None
    if body is None and appeal.state_body_id:
        body = appeal.state_body
    return str(body) if body is not None else data.get("state_body_name", "")


def _step_context(appeal: Appeal, event: AppealEvent) -> dict[str, Any]:
    """What the applicant is told about this step, in the active language."""
    data = event.data or {}
    values: dict[str, Any] = {
        "reason": event.reason,
        "date": _date(dt.date.fromisoformat(data["extended_to"])) if data.get("extended_to") else "",
        "body": _body_name(data, appeal),
        "ground": str(DismissalGround(data["ground"]).label) if data.get("ground") in DismissalGround.values else "",
        "other": data.get("into_number", ""),
    }
    text = STEP_TEXT.get(event.kind, _("The status of your appeal has changed."))
    step = str(text) % values if "%(" in str(text) else str(text)
    answer = None
    if event.kind == Transition.ANSWER and data.get("answer"):
        answer = AppealAnswer.objects.filter(pk=data["answer"], appeal=appeal).first()
    show_deadline = event.kind in ("registered", Transition.RESUME, Transition.REOPEN, Transition.EXTEND)
    return {
        "appeal": appeal,
        "event": event,
        "step": step,
        "status": appeal.get_status_display(),
        "answer": answer,
        "deadline": _date(appeal.deadline) if show_deadline and appeal.deadline else "",
        "registered_on": _date(appeal.registered_on),
        "tracking_url": tracking_url(appeal),
        "forward_number": data.get("number", "") if event.kind == Transition.FORWARD else "",
        "is_registration": event.kind == "registered",
    }


def applicant_channels(appeal: Appeal) -> list[str]:
    channels = []
    if appeal.applicant_email:
        channels.append("email")
    if appeal.answer_channel == AnswerChannel.SMS and appeal.applicant_phone:
        channels.append("sms")
    return channels


def render_notice(appeal: Appeal, event: AppealEvent) -> dict[str, str]:
    """The e-mail (subject, text, HTML) and SMS for one step, in the appeal's language."""
    with translation.override(appeal.language):
        context = _step_context(appeal, event)
        subject = str(_("Appeal %(number)s: %(status)s")) % {"number": appeal.number, "status": context["status"]}
        text = render_to_string("appeals/email/applicant_step.txt", context)
        html = render_to_string("appeals/email/applicant_step.html", context)
        sms = " ".join(render_to_string("appeals/email/applicant_step_sms.txt", context).split())
    if len(sms) > SMS_MAX_LENGTH:
        sms = sms[: SMS_MAX_LENGTH - 1] + "…"
    return {"subject": " ".join(subject.split()), "text": text, "html": html, "sms": sms}


def _send(channel: str, appeal: Appeal, message: dict[str, str]) -> None:
    if channel == "email":
        email = EmailMultiAlternatives(
            subject=message["subject"],
            body=message["text"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[appeal.applicant_email],
        )
        email.attach_alternative(message["html"], "text/html")
        email.send(fail_silently=False)
    else:
        from amanat.notifications.sms import get_backend

        get_backend().send(appeal.applicant_phone, message["sms"])


def send_applicant_notice(*, appeal_id: int, event_id: int) -> str:
    """Tell the applicant of one public step, once per channel; returns what happened.

    Safe to run twice or at once: the event row is claimed first (inside a short transaction)
    and only the claimer sends; what was sent is recorded per channel, failures are tried again
    later (up to NOTICE_MAX_ATTEMPTS).
    """
    now = timezone.now()
    with transaction.atomic():
        event = AppealEvent.objects.select_for_update().filter(pk=event_id, appeal_id=appeal_id).first()
        if event is None or not event.is_public:
            return "nothing to tell"
        notice = dict((event.data or {}).get("notice") or {})
        if notice.get("done"):
            return "already told"
        claimed = notice.get("claimed")
        if claimed and now - dt.datetime.fromisoformat(claimed) < NOTICE_CLAIM_TIMEOUT:
            return "being sent"
        appeal = Appeal.objects.select_related("state_body").get(pk=appeal_id)
        pending = [c for c in applicant_channels(appeal) if notice.get(c) != "sent"]
        notice["attempts"] = int(notice.get("attempts", 0)) + (1 if pending else 0)
        if pending:
            notice["claimed"] = now.isoformat()
        else:
            notice["done"] = True
        event.data = {**(event.data or {}), "notice": notice}
        event.save(update_fields=["data"])
    if not pending:
        return "no contact" if not applicant_channels(appeal) else "already told"

    message = render_notice(appeal, event)
    results = {}
    for channel in pending:
        try:
            _send(channel, appeal, message)
        except Exception as exc:
            logger.warning("appeal %s: %s notice of event %s failed: %s", appeal_id, channel, event_id, exc)
            results[channel] = "failed"
        else:
            results[channel] = "sent"
    with transaction.atomic():
        event = AppealEvent.objects.select_for_update().get(pk=event_id)
        notice = dict((event.data or {}).get("notice") or {})
        notice.update(results)
        notice.pop("claimed", None)
        notice["at"] = timezone.now().isoformat()
        wanted = applicant_channels(appeal)
        notice["done"] = all(notice.get(c) == "sent" for c in wanted) or notice["attempts"] >= NOTICE_MAX_ATTEMPTS
        event.data = {**(event.data or {}), "notice": notice}
        event.save(update_fields=["data"])
    return ", ".join(f"{c}: {r}" for c, r in results.items())


def notices_retry(*, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(days=3)) -> int:
    """Enqueue again applicant notices not yet done (failed, never run, or stuck): for the sweep."""
    from amanat.appeals import tasks

    now = now or timezone.now()
    grace = dt.timedelta(minutes=5)
    due = []
    rows = (
        AppealEvent.objects.filter(is_public=True, at__gte=now - within, at__lte=now - grace)
        .values_list("id", "appeal_id", "data")
        .order_by("id")
    )
    for event_id, appeal_id, data in rows.iterator(chunk_size=2000):
        notice = (data or {}).get("notice") or {}
        if notice.get("done"):
            continue
        claimed = notice.get("claimed")
        if claimed and now - dt.datetime.fromisoformat(claimed) < NOTICE_CLAIM_TIMEOUT:
            continue
        due.append((appeal_id, event_id))
    for appeal_id, event_id in due:
        _safely(
            "enqueue a notice again",
            lambda a=appeal_id, e=event_id: tasks.tell_applicant.enqueue(appeal_id=a, event_id=e),
        )
    return len(due)
