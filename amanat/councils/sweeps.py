"""Follow-up of council recommendations waiting for a response, for `amanat sweep`.

- `COUNCIL_RECOMMENDATION_REMIND_DAYS` working days (default 3) before the response deadline, the
  council's secretary and chair are reminded once (`reminder_sent_on` is set in the same
  transaction under a row lock, so a second sweep, or two at once, tell nobody again);
- the day after the deadline, with no response, the secretary and chair are told it is overdue
  (escalation level 1);
- `COUNCIL_RECOMMENDATION_ESCALATION_DAYS` working days (default 5) after the deadline, the
  executive secretary of the council's branch is told (level 2). Each level is taken once and
  audited; a sweep that finds one far overdue sends only the highest level due.

The secretary is whoever holds the role "council_secretary" on the council's branch (or the
nearest branch above); the chair is the chair serving today, when their person has an account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.calendar import working_days_between
from amanat.core.sweep import sweep_job
from amanat.councils.choices import MemberRole, RecommendationStatus
from amanat.councils.models import CouncilMember, Recommendation
from amanat.notifications.registry import register_kind

REMINDER = "councils.recommendation_due"
OVERDUE = "councils.recommendation_overdue"
ESCALATED = "councils.recommendation_escalated"


def register_kinds() -> None:
    register_kind(REMINDER, _("A response to my council's recommendation is due soon"))
    register_kind(OVERDUE, _("No response to my council's recommendation by its deadline"))
    register_kind(ESCALATED, _("An overdue council recommendation in my branch"))


register_kinds()


def remind_days() -> int:
    return int(getattr(settings, "COUNCIL_RECOMMENDATION_REMIND_DAYS", 3))


def escalation_days() -> int:
    return int(getattr(settings, "COUNCIL_RECOMMENDATION_ESCALATION_DAYS", 5))


def council_people(rec: Recommendation, *, on: dt.date) -> list[Any]:
    """The council's secretary (role holders) and its chair serving on the day (if they log in)."""
    from amanat.appeals.notifications import nearest_role_holders

    people = list(nearest_role_holders("council_secretary", rec.council.org_unit))
    chair_people = CouncilMember.objects.filter(
        council_id=rec.council_id, role=MemberRole.CHAIR, person__isnull=False, term_start__lte=on
    ).filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
    people += list(get_user_model().objects.filter(person__in=chair_people.values("person_id"), is_active=True))
    return list({user.pk: user for user in people}.values())


def ladder_recipients(rec: Recommendation, level: int, *, on: dt.date) -> list[Any]:
    from amanat.appeals.notifications import nearest_role_holders

    if level <= 1:
        return council_people(rec, on=on)
    return list(nearest_role_holders("executive_secretary", rec.council.org_unit))


def _tell(rec: Recommendation, kind: str, title: Any, *, level: int, today: dt.date) -> None:
    from amanat.notifications.services import notify

    notify(
        recipients=ladder_recipients(rec, level, on=today),
        kind=kind,
        title=title,
        body=_("{council}: a recommendation to {body}, response due {deadline}."),
        url=reverse("councils:recommendation-detail", args=[rec.pk]),
        target=rec,
        context={
            "council": rec.council.title,
            "body": str(rec.addressee_body),
            "deadline": rec.response_deadline.strftime("%d.%m.%Y"),
            "days": str(working_days_between(rec.response_deadline, today)),
        },
    )


def _one(pk: int, **extra: Any) -> Recommendation | None:
    return (
        Recommendation.objects.select_for_update()
        .select_related("council__org_unit", "addressee_body")
        .filter(pk=pk, status=RecommendationStatus.SENT, **extra)
        .first()
    )


@sweep_job("councils.recommendations")
def recommendations_sweep(today: dt.date | None = None) -> str:
    """Remind before the response deadline; escalate when no response has come after it."""
    from amanat.audit import services as audit

    today = today or timezone.localdate()
    reminded = escalated = 0
    due_soon = Recommendation.objects.filter(
        status=RecommendationStatus.SENT, response_deadline__gte=today, reminder_sent_on__isnull=True
    ).values_list("pk", "response_deadline")
    for pk, deadline in list(due_soon):
        if working_days_between(today, deadline) > remind_days():
            continue
        with transaction.atomic():
            rec = _one(pk, reminder_sent_on__isnull=True)
            if rec is None:
                continue
            rec.reminder_sent_on = today
            rec.save(update_fields=["reminder_sent_on", "updated_at"])
            _tell(rec, REMINDER, _("A response to a council recommendation is due on {deadline}"), level=1, today=today)
            reminded += 1
    late = Recommendation.objects.filter(
        status=RecommendationStatus.SENT, response_deadline__lt=today, escalation_level__lt=2
    ).values_list("pk", "response_deadline", "escalation_level")
    for pk, deadline, level in list(late):
        days_late = working_days_between(deadline, today)
        due = 2 if days_late >= escalation_days() else 1
        if due <= level:
            continue
        with transaction.atomic():
            rec = _one(pk, escalation_level__lt=due)
            if rec is None:
                continue
            before, rec.escalation_level = rec.escalation_level, due
            rec.save(update_fields=["escalation_level", "updated_at"])
            audit.record(
                actor=None,
                verb="councils.recommendation_overdue" if due == 1 else "councils.recommendation_escalated",
                target=rec,
                org_unit=rec.council.org_unit,
                changes={"escalation_level": [before, due]},
            )
            if due == 1:
                _tell(rec, OVERDUE, _("No response to a council recommendation since {deadline}"), level=1, today=today)
            else:
                title = _("A council recommendation without a response, {days} working days past its deadline")
                _tell(rec, ESCALATED, title, level=2, today=today)
            escalated += 1
    return f"{reminded} reminded, {escalated} escalated"
