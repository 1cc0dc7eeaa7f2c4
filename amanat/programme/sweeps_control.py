"""Follow-up of party control's recommendations for `amanat sweep`, like appeals' deadlines.

- `PROGRAMME_RECOMMENDATION_REMIND_DAYS` working days (default 3) before a recommendation's
  deadline, the members of the visit that issued it are told once (`reminder_sent_on` is set in
  the same transaction, so a second run, or two sweeps at once, tell nobody again);
- the day after the deadline an open recommendation turns overdue and the members are told.
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


def register_kinds() -> None:
    register_kind(REMINDER, _("A recommendation of my monitoring visit is due soon"))
    register_kind(OVERDUE, _("A recommendation of my monitoring visit is overdue"))


register_kinds()


def remind_days() -> int:
    return int(getattr(settings, "PROGRAMME_RECOMMENDATION_REMIND_DAYS", 3))


def _tell(rec: Recommendation, kind: str, title: Any) -> None:
    from amanat.notifications.services import notify

    notify(
        recipients=list(rec.visit.members.all()),
        kind=kind,
        title=title,
        body=_("{object}: {body}, deadline {deadline}."),
        url=reverse("programme:control-recommendation-list"),
        target=rec,
        context={
            "object": rec.visit.object_name,
            "body": str(rec.addressee_body),
            "deadline": rec.deadline.strftime("%d.%m.%Y"),
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
            rec.save(update_fields=["status", "updated_at"])
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
    return f"{reminded} reminded, {overdue} overdue"
