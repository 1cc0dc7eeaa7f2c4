"""The applicant's verdict on an answer, reopening by the applicant, and control review."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealStatus, Solved
from amanat.appeals.models import Appeal, AppealFeedback, DeadlinePolicy
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.transitions import _event, _finish, _lock, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.permissions import has_action


def latest_answer(appeal: Appeal):
    return appeal.answers.order_by("-created_at", "-id").first()


def can_rate(appeal: Appeal) -> bool:
    answer = latest_answer(appeal)
    return (
        appeal.status in (AppealStatus.ANSWERED, AppealStatus.CLOSED)
        and answer is not None
        and not AppealFeedback.objects.filter(answer=answer).exists()
    )


def can_reopen(appeal: Appeal, *, today=None) -> bool:
    """May the applicant still reopen the appeal (within the policy's days after the answer)?"""
    if appeal.status not in (AppealStatus.ANSWERED, AppealStatus.CLOSED) or appeal.answered_at is None:
        return False
    policy = DeadlinePolicy.for_type(appeal.appeal_type)
    today = today or timezone.localdate()
    return (today - timezone.localtime(appeal.answered_at).date()).days <= policy.reopen_days


@transaction.atomic
def appeal_rate(*, appeal: Appeal, rating: int, solved: str, comment: str = "") -> AppealFeedback:
    """The applicant rates the latest answer, once. A low rating or "not solved" goes to review;
    a satisfied applicant's appeal is closed."""
    appeal = _lock(appeal, None)
    errors = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = [_("Rate from 1 to 5.")]
    if solved not in Solved.values:
        errors["solved"] = [_("Say whether the problem was solved.")]
    if errors:
        raise ValidationError(errors)
    answer = latest_answer(appeal)
    if answer is None or appeal.status not in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        raise ValidationError(_("There is no answer to rate yet."), code="not_allowed")
    try:
        with transaction.atomic():
            feedback = AppealFeedback.objects.create(
                appeal=appeal, answer=answer, rating=rating, solved=solved, comment=(comment or "").strip()[:2000]
            )
    except IntegrityError:
        raise ValidationError(_("This answer has already been rated. Thank you."), code="already_rated") from None
    policy = DeadlinePolicy.for_type(appeal.appeal_type)
    needs_review = rating < policy.review_below or solved == Solved.NOT
    appeal.needs_review = needs_review
    event = _event(
        appeal,
        kind="rated",
        actor=None,
        data={"rating": rating, "solved": solved, "review": needs_review},
        is_public=False,
    )
    _finish(appeal, event, actor=None, verb="appeal.rated", data={"rating": rating, "solved": solved})
    if needs_review:
        from amanat.appeals.notifications import on_review_needed

        transaction.on_commit(lambda: on_review_needed(appeal.pk))
    elif appeal.status == AppealStatus.ANSWERED:
        appeal_transition(appeal=appeal, transition=Transition.CLOSE, actor=None)
    return feedback


@transaction.atomic
def appeal_reopen_by_applicant(*, appeal: Appeal, reason: str) -> Appeal:
    """The applicant is not satisfied and reopens the appeal within the allowed days."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the answer did not solve the problem.")]})
    if not can_reopen(appeal):
        raise ValidationError(_("This appeal can no longer be reopened from the tracking page."), code="not_allowed")
    appeal = appeal_transition(appeal=appeal, transition=Transition.REOPEN, actor=None, reason=reason)
    appeal.needs_review = True
    appeal.save(update_fields=["needs_review"])
    return appeal


@transaction.atomic
def appeal_review(
    *, appeal: Appeal, actor: Any, conclusion: str, reopen: bool, expected_version: int | None = None
) -> Appeal:
    """Party control looks at a low-rated answer: confirms it (closing the appeal) or reopens it."""
    if not has_action(actor, AppealAction.REVIEW, appeal.org_unit):
        raise PermissionDenied
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError({"conclusion": [_("Write the conclusion of the review.")]})
    locked = _lock(appeal, expected_version)
    if not locked.needs_review:
        raise ValidationError(_("This appeal is not waiting for a review."), code="not_allowed")
    AppealFeedback.objects.filter(appeal=locked, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=actor, review_conclusion=conclusion
    )
    locked.needs_review = False
    event = _event(locked, kind="reviewed", actor=actor, reason=conclusion, data={"reopen": reopen})
    _finish(locked, event, actor=actor, verb="appeal.reviewed", data={"reopen": reopen})
    if reopen and locked.status in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        return appeal_transition(
            appeal=locked, transition=Transition.REOPEN, actor=actor, reason=conclusion, authorised=True
        )
    if locked.status == AppealStatus.ANSWERED:
        return appeal_transition(appeal=locked, transition=Transition.CLOSE, actor=None)
    return locked
