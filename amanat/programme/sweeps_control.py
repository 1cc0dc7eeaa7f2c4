"""Follow-up of party control's recommendations for `amanat sweep`, like appeals' deadlines.

- `PROGRAMME_RECOMMENDATION_REMIND_DAYS` working days (default 3) before a recommendation's
  deadline, the members of the visit that issued it are told once (`reminder_sent_on` is set in
  the same transaction, so a second run, or two sweeps at once, tell nobody again);
- the day after the deadline an open recommendation turns overdue and the members are told
  (escalation level 1);
- then the ladder, as for appeals, at `PROGRAMME_RECOMMENDATION_ESCALATION_DAYS` working days
  after the deadline (default 5 and 10): level 2 tells the party control members and the executive
  secretary of the visit's branch, level 3 the executive secretary of the branch above. Each level
  is taken once (the level is raised under a row lock), audited, and skipped levels are not sent
  twice: a sweep that finds a recommendation far overdue sends only the highest level due.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.calendar import working_days_between
from amanat.core.sweep import sweep_job
from amanat.notifications.registry import register_kind
from amanat.programme.models import Recommendation, RecommendationStatus

REMINDER = "programme.recommendation_due"
OVERDUE = "programme.recommendation_overdue"
ESCALATED = "programme.recommendation_escalated"
LEVELS = 3


def register_kinds() -> None:
    register_kind(REMINDER, _("A recommendation of my monitoring visit is due soon"))
    register_kind(OVERDUE, _("A recommendation of my monitoring visit is overdue"))
    register_kind(ESCALATED, _("An overdue recommendation of party control in my branch"))


register_kinds()


def remind_days() -> int:
    return int(getattr(settings, "PROGRAMME_RECOMMENDATION_REMIND_DAYS", 3))


def escalation_days() -> list[int]:
    return list(getattr(settings, "PROGRAMME_RECOMMENDATION_ESCALATION_DAYS", [5, 10]))[: LEVELS - 1]


def ladder_recipients(rec: Recommendation, level: int) -> list[Any]:
    """Who hears of a recommendation at an escalation level (1: the visit's members)."""
    from amanat.appeals.notifications import nearest_role_holders, role_holders

    unit = rec.visit.org_unit
    if level <= 1:
        return list(rec.visit.members.all())
    if level == 2:
        control = role_holders("party_control", [unit.pk])[unit.pk]
        people = [*control, *nearest_role_holders("executive_secretary", unit)]
    else:
        parent = type(unit).objects.get_parent(unit)
        people = nearest_role_holders("executive_secretary", parent) if parent is not None else []
    unique: dict[int, Any] = {user.pk: user for user in people}
    return list(unique.values())


def _tell(rec: Recommendation, kind: str, title: Any, *, level: int = 1) -> None:
    from amanat.notifications.services import notify

    notify(
        recipients=ladder_recipients(rec, level),
        kind=kind,
        title=title,
        body=_("{object}: {body}, deadline {deadline}."),
        url=reverse("programme:control-recommendation-list"),
        target=rec,
        context={
            "object": rec.visit.object_name,
            "body": str(rec.addressee_body),
            "deadline": rec.deadline.strftime("%d.%m.%Y"),
            "days": str(working_days_between(rec.deadline, timezone.localdate())),
        },
    )


@sweep_job("programme.recommendations")
def recommendations_sweep() -> str:
    today = timezone.localdate()
    reminded = overdue = 0
    ids = list(
        Recommendation.objects.filter(
            status=RecommendationStatus.OPEN, deadline__gte=today, reminder_sent_on__isnull=True
        ).values_list("pk", "deadline")
    )
    for pk, deadline in ids:
        if working_days_between(today, deadline) > remind_days():
            continue
        with transaction.atomic():
            rec = (
                Recommendation.objects.select_for_update()
                .select_related("visit", "addressee_body")
                .filter(pk=pk, status=RecommendationStatus.OPEN, reminder_sent_on__isnull=True)
                .first()
            )
            if rec is None:
                continue
            rec.reminder_sent_on = today
            rec.save(update_fields=["reminder_sent_on", "updated_at"])
            _tell(rec, REMINDER, _("A recommendation is due on {deadline}"))
            reminded += 1
    for pk in Recommendation.objects.filter(status=RecommendationStatus.OPEN, deadline__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            rec = (
                Recommendation.objects.select_for_update()
                .select_related("visit", "addressee_body")
                .filter(pk=pk, status=RecommendationStatus.OPEN)
                .first()
            )
            if rec is None:
                continue
            rec.status = RecommendationStatus.OVERDUE
            rec.escalation_level = 1
            rec.save(update_fields=["status", "escalation_level", "updated_at"])
            from amanat.audit import services as audit

            audit.record(
                actor=None,
                verb="programme.recommendation_overdue",
                target=rec,
                org_unit=rec.visit.org_unit,
                changes={"status": [RecommendationStatus.OPEN, RecommendationStatus.OVERDUE]},
            )
            _tell(rec, OVERDUE, _("A recommendation is overdue since {deadline}"))
            overdue += 1
    escalated = _escalate(today)
    return f"{reminded} reminded, {overdue} overdue, {escalated} escalated"


def _escalate(today: Any) -> int:
    """Raise overdue recommendations up the ladder; returns how many steps were taken."""
    from amanat.audit import services as audit

    days = escalation_days()
    if not days:
        return 0
    taken = 0
    waiting = Recommendation.objects.filter(
        status=RecommendationStatus.OVERDUE, escalation_level__lt=len(days) + 1, deadline__lt=today
    ).values_list("pk", "deadline", "escalation_level")
    for pk, deadline, level in list(waiting):
        late = working_days_between(deadline, today)
        due = 1 + sum(1 for threshold in days if late >= threshold)
        if due <= level:
            continue
        with transaction.atomic():
            rec = (
                Recommendation.objects.select_for_update()
                .select_related("visit__org_unit", "addressee_body")
                .filter(pk=pk, status=RecommendationStatus.OVERDUE, escalation_level__lt=due)
                .first()
            )
            if rec is None:
                continue
            before, rec.escalation_level = rec.escalation_level, due
            rec.save(update_fields=["escalation_level", "updated_at"])
            audit.record(
                actor=None,
                verb="programme.recommendation_escalated",
                target=rec,
                org_unit=rec.visit.org_unit,
                changes={"escalation_level": [before, due]},
            )
            _tell(rec, ESCALATED, _("An overdue recommendation, {days} working days past its deadline"), level=due)
            taken += 1
    return taken
