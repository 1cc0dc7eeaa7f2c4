"""Writes of party control work (section 4): the commission's annual plan, monitoring visits with
photos and recommendations, control posts on construction sites and their checks.

Each write is one transaction that checks `programme.verify` on the commission's branch, refuses
bad input with field errors (a `ValidationError` with a dict) and changes nothing then, and
writes an audit event. A recommendation's deadline is counted in working days from its issue
date (`amanat.core.calendar`); the sweep in `sweeps_control` reminds and marks it overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.calendar import add_working_days
from amanat.core.permissions import has_action
from amanat.core.uploads import check_upload
from amanat.programme.models import (
    CheckResult,
    ControlPlan,
    ControlPost,
    Item,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)
from amanat.programme.permissions import ProgrammeAction

Errors = dict[str, list[str]]

DEFAULT_DEADLINE_DAYS = 15
VISIT_FIELDS = ("plan", "org_unit", "object_name", "kind", "address", "territory", "visited_on", "findings", "status")
POST_FIELDS = ("org_unit", "object_name", "address", "territory", "opened_on", "closed_on")
CHECK_ASPECTS = ("quality", "spending", "safety", "wage_arrears")
CLOSING = (RecommendationStatus.DONE, RecommendationStatus.REJECTED)


def _need_verify(actor: Any, unit: Any) -> None:
    if unit is None or not has_action(actor, ProgrammeAction.VERIFY, unit):
        raise PermissionDenied


def _blank(value: Any) -> bool:
    return not (value or "").strip()


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _items_errors(actor: Any, items: Iterable[Item]) -> Errors:
    items = list(items)
    if not items:
        return {}
    visible = set(
        Item.objects.filter(pk__in=[i.pk for i in items])
        .visible_to(actor, ProgrammeAction.VIEW)
        .values_list("pk", flat=True)
    )
    if any(i.pk not in visible for i in items):
        return {"items": [_("Choose programme items of your own branch.")]}
    return {}


def _changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before) if before is not None else "", str(value) if value is not None else ""]
    return changes


# Plans


def _plan_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    year = values.get("year")
    if not year or not 2000 <= int(year) <= 2100:
        errors["year"] = [_("Give the year of the plan.")]
    if _blank(values.get("title_kk")):
        errors["title_kk"] = [_("Give the title in Kazakh.")]
    if _blank(values.get("title_ru")):
        errors["title_ru"] = [_("Give the title in Russian.")]
    if values.get("org_unit") is None:
        errors["org_unit"] = [_("Choose the party branch.")]
    return errors


@transaction.atomic
def control_plan_create(
    *, actor: Any, org_unit: Any, year: int, title_kk: str, title_ru: str, approved_on: dt.date | None = None
) -> ControlPlan:
    values = {"org_unit": org_unit, "year": year, "title_kk": title_kk, "title_ru": title_ru}
    _raise(_plan_errors(values))
    _need_verify(actor, org_unit)
    plan = ControlPlan.objects.create(**values, approved_on=approved_on)
    audit.record(actor=actor, verb="programme.control_plan_created", target=plan, data={"year": year})
    return plan


PLAN_FIELDS = ("org_unit", "year", "title_kk", "title_ru", "approved_on")


@transaction.atomic
def control_plan_update(*, actor: Any, plan: ControlPlan, values: Mapping[str, Any]) -> ControlPlan:
    """Correct a plan (any of PLAN_FIELDS); the actor verifies on its branch before and after."""
    _need_verify(actor, plan.org_unit)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    values = dict(values)
    for name in ("title_kk", "title_ru"):
        if name in values:
            values[name] = (values[name] or "").strip()
    merged = {name: getattr(plan, name) for name in PLAN_FIELDS} | values
    _raise(_plan_errors(merged))
    _need_verify(actor, merged["org_unit"])
    changes = _changes(plan, values)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    audit.record(actor=actor, verb="programme.control_plan_updated", target=plan, changes=changes)
    return plan


# Monitoring visits


def _visit_errors(actor: Any, values: Mapping[str, Any], items: Iterable[Item]) -> Errors:
    errors: Errors = {}
    if _blank(values.get("object_name")):
        errors["object_name"] = [_("Name the object visited.")]
    if values.get("kind") not in ObjectKind.values:
        errors["kind"] = [_("Choose the kind of object.")]
    if values.get("status") not in VisitStatus.values:
        errors["status"] = [_("Choose the status of the visit.")]
    visited_on = values.get("visited_on")
    if visited_on is None:
        errors["visited_on"] = [_("Give the date of the visit.")]
    elif values.get("status") == VisitStatus.DONE and visited_on > timezone.localdate():
        errors["visited_on"] = [_("A visit in the future cannot be marked done.")]
    unit, plan = values.get("org_unit"), values.get("plan")
    if unit is None:
        errors["org_unit"] = [_("Choose the party branch.")]
    if (
        plan is not None
        and not ControlPlan.objects.visible_to(actor, ProgrammeAction.VERIFY).filter(pk=plan.pk).exists()
    ):
        errors["plan"] = [_("Choose a plan of your own branch.")]
    errors.update(_items_errors(actor, items))
    return errors


@transaction.atomic
def monitoring_visit_create(
    *,
    actor: Any,
    org_unit: Any,
    object_name: str,
    visited_on: dt.date | None,
    kind: str = ObjectKind.OTHER,
    address: str = "",
    territory: Any = None,
    plan: ControlPlan | None = None,
    findings: str = "",
    status: str = VisitStatus.PLANNED,
    members: Iterable[Any] = (),
    items: Iterable[Item] = (),
) -> MonitoringVisit:
    values = {
        "plan": plan, "org_unit": org_unit, "object_name": (object_name or "").strip(), "kind": kind,
        "address": address or "", "territory": territory, "visited_on": visited_on, "findings": findings or "",
        "status": status,
    }  # fmt: skip
    items, members = list(items), list(members)
    _raise(_visit_errors(actor, values, items))
    _need_verify(actor, org_unit)
    visit = MonitoringVisit.objects.create(**values)
    visit.members.set(members)
    visit.items.set(items)
    audit.record(
        actor=actor,
        verb="programme.visit_created",
        target=visit,
        data={"items": [i.pk for i in items], "members": [m.pk for m in members]},
    )
    return visit


@transaction.atomic
def monitoring_visit_update(
    *,
    actor: Any,
    visit: MonitoringVisit,
    values: Mapping[str, Any],
    members: Iterable[Any] | None = None,
    items: Iterable[Item] | None = None,
) -> MonitoringVisit:
    """Change a visit: `values` holds any of VISIT_FIELDS; members and items replace the old ones."""
    _apply(actor, visit, values, VISIT_FIELDS, _visit_errors, items, verb="programme.visit_updated")
    if members is not None:
        visit.members.set(list(members))
    return visit


def _apply(
    actor: Any,
    obj: MonitoringVisit | ControlPost,
    values: Mapping[str, Any],
    fields: Sequence[str],
    errors: Callable[[Any, Mapping[str, Any], list[Item]], Errors],
    items: Iterable[Item] | None,
    *,
    verb: str,
) -> None:
    """Change a visit or a post: checked as a whole (the old values with the new), in scope before
    and after, the linked items replaced when given, audited with what changed."""
    _need_verify(actor, obj.org_unit)
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    merged = {name: getattr(obj, name) for name in fields} | dict(values)
    new_items = list(items) if items is not None else []
    _raise(errors(actor, merged, new_items))
    _need_verify(actor, merged["org_unit"])
    changes = _changes(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    if items is not None:
        obj.items.set(new_items)
    audit.record(actor=actor, verb=verb, target=obj, changes=changes)


@transaction.atomic
def visit_photo_add(*, actor: Any, visit: MonitoringVisit, upload: UploadedFile) -> VisitPhoto:
    _need_verify(actor, visit.org_unit)
    try:
        content_type = check_upload(upload, limit=settings.PROGRAMME_EVIDENCE_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    photo = VisitPhoto.objects.create(
        visit=visit,
        file=upload,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        verb="programme.visit_photo_added",
        target=visit,
        data={"photo": photo.pk, "name": photo.original_name},
    )
    return photo


@transaction.atomic
def visit_photo_delete(*, actor: Any, photo: VisitPhoto) -> None:
    """Remove a photo from its visit: hidden from every page and the API, kept (with its file)
    for the record like all domain data, and audited."""
    visit = photo.visit
    _need_verify(actor, visit.org_unit)
    data = {"photo": photo.pk, "name": photo.original_name, "size": photo.size}
    photo.soft_delete(actor=actor)
    audit.record(actor=actor, verb="programme.visit_photo_deleted", target=visit, data=data)


# Recommendations


def recommendation_deadline(issued_on: dt.date, days: int) -> dt.date:
    """The last day to carry out a recommendation: `days` working days after it was issued."""
    return add_working_days(issued_on, days)


def _recommendation_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    if _blank(values.get("text")):
        errors["text"] = [_("Write the recommendation.")]
    body, official = values.get("addressee_body"), values.get("addressee_official")
    if body is None:
        errors["addressee_body"] = [_("Choose the state body it is addressed to.")]
    elif official is not None and official.body_id != body.pk:
        errors["addressee_official"] = [_("The official must hold a post in the addressee body.")]
    if values.get("issued_on") is None:
        errors["issued_on"] = [_("Give the date it was issued.")]
    days = values.get("deadline_days")
    if days is None or int(days) <= 0:
        errors["deadline_days"] = [_("The term must be at least one working day.")]
    return errors


@transaction.atomic
def recommendation_create(
    *,
    actor: Any,
    visit: MonitoringVisit,
    text: str,
    addressee_body: Any,
    issued_on: dt.date | None,
    addressee_official: Any = None,
    deadline_days: int | None = DEFAULT_DEADLINE_DAYS,
) -> Recommendation:
    values = {
        "text": (text or "").strip(), "addressee_body": addressee_body, "addressee_official": addressee_official,
        "issued_on": issued_on, "deadline_days": deadline_days,
    }  # fmt: skip
    _raise(_recommendation_errors(values))
    _need_verify(actor, visit.org_unit)
    rec = Recommendation.objects.create(
        visit=visit, **values, deadline=recommendation_deadline(values["issued_on"], int(values["deadline_days"]))
    )
    audit.record(
        actor=actor,
        verb="programme.recommendation_created",
        target=rec,
        org_unit=visit.org_unit,
        data={"visit": visit.pk, "deadline": rec.deadline.isoformat()},
    )
    return rec


@transaction.atomic
def recommendation_update(
    *,
    actor: Any,
    recommendation: Recommendation,
    text: str,
    addressee_body: Any,
    issued_on: dt.date | None,
    addressee_official: Any = None,
    deadline_days: int | None = DEFAULT_DEADLINE_DAYS,
) -> Recommendation:
    """Correct an open (or overdue) recommendation; the deadline is counted again."""
    rec = recommendation
    _need_verify(actor, rec.visit.org_unit)
    values = {
        "text": (text or "").strip(), "addressee_body": addressee_body, "addressee_official": addressee_official,
        "issued_on": issued_on, "deadline_days": deadline_days,
    }  # fmt: skip
    errors = _recommendation_errors(values)
    if rec.status in CLOSING:
        errors.setdefault("__all__", []).append(_("A closed recommendation cannot be changed."))
    _raise(errors)
    values["deadline"] = recommendation_deadline(values["issued_on"], int(values["deadline_days"]))
    changes = _changes(rec, values)
    for name, value in values.items():
        setattr(rec, name, value)
    if rec.status == RecommendationStatus.OVERDUE and rec.deadline >= timezone.localdate():
        rec.status = RecommendationStatus.OPEN
    if "deadline" in changes:
        rec.reminder_sent_on = None
    rec.save()
    audit.record(
        actor=actor, verb="programme.recommendation_updated", target=rec, org_unit=rec.visit.org_unit, changes=changes
    )
    return rec


@transaction.atomic
def recommendation_close(
    *, actor: Any, recommendation: Recommendation, outcome: str, response: str, closed_on: dt.date | None = None
) -> Recommendation:
    """Close a recommendation as carried out or rejected; either way the response is required."""
    rec = Recommendation.objects.select_for_update().select_related("visit__org_unit").get(pk=recommendation.pk)
    _need_verify(actor, rec.visit.org_unit)
    today = timezone.localdate()
    closed_on = closed_on or today
    errors: Errors = {}
    if outcome not in CLOSING:
        errors["outcome"] = [_("Choose whether it was carried out or rejected.")]
    if _blank(response):
        errors["response"] = [_("Write the response: what was done, or why it was rejected.")]
    if closed_on > today:
        errors["closed_on"] = [_("The closing date cannot be in the future.")]
    elif closed_on < rec.issued_on:
        errors["closed_on"] = [_("The closing date cannot be before the recommendation was issued.")]
    if rec.status in CLOSING:
        errors.setdefault("__all__", []).append(_("The recommendation is already closed."))
    _raise(errors)
    before = rec.status
    rec.status, rec.response, rec.closed_on = outcome, response.strip(), closed_on
    rec.save(update_fields=["status", "response", "closed_on", "updated_at"])
    audit.record(
        actor=actor,
        verb="programme.recommendation_closed",
        target=rec,
        org_unit=rec.visit.org_unit,
        changes={"status": [before, outcome]},
        data={"response": rec.response},
    )
    recommendation.status, recommendation.response, recommendation.closed_on = rec.status, rec.response, rec.closed_on
    return rec


# Control posts


def _post_errors(actor: Any, values: Mapping[str, Any], items: Iterable[Item]) -> Errors:
    errors: Errors = {}
    if _blank(values.get("object_name")):
        errors["object_name"] = [_("Name the construction site.")]
    if values.get("org_unit") is None:
        errors["org_unit"] = [_("Choose the party branch.")]
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if opened is None:
        errors["opened_on"] = [_("Give the date the post was opened.")]
    elif opened > timezone.localdate():
        errors["opened_on"] = [_("The opening date cannot be in the future.")]
    elif closed is not None and closed < opened:
        errors["closed_on"] = [_("The post cannot close before it opened.")]
    errors.update(_items_errors(actor, items))
    return errors


@transaction.atomic
def control_post_create(
    *,
    actor: Any,
    org_unit: Any,
    object_name: str,
    opened_on: dt.date | None,
    address: str = "",
    territory: Any = None,
    closed_on: dt.date | None = None,
    items: Iterable[Item] = (),
) -> ControlPost:
    values = {
        "org_unit": org_unit, "object_name": (object_name or "").strip(), "address": address or "",
        "territory": territory, "opened_on": opened_on, "closed_on": closed_on,
    }  # fmt: skip
    items = list(items)
    _raise(_post_errors(actor, values, items))
    _need_verify(actor, org_unit)
    post = ControlPost.objects.create(**values)
    post.items.set(items)
    audit.record(actor=actor, verb="programme.post_created", target=post, data={"items": [i.pk for i in items]})
    return post


@transaction.atomic
def control_post_update(
    *, actor: Any, post: ControlPost, values: Mapping[str, Any], items: Iterable[Item] | None = None
) -> ControlPost:
    """Change a post (any of POST_FIELDS); closing it is setting `closed_on`."""
    _apply(actor, post, values, POST_FIELDS, _post_errors, items, verb="programme.post_updated")
    return post


@transaction.atomic
def post_check_add(
    *, actor: Any, post: ControlPost, checked_on: dt.date | None, results: Mapping[str, str], notes: Mapping[str, str]
) -> PostCheck:
    """Record a check of the post: each aspect (quality, spending, safety, wage arrears) is "ok"
    or "issue"; an issue needs a note saying what is wrong."""
    _need_verify(actor, post.org_unit)
    errors: Errors = {}
    today = timezone.localdate()
    if checked_on is None:
        errors["checked_on"] = [_("Give the date of the check.")]
    elif checked_on > today:
        errors["checked_on"] = [_("The date of the check cannot be in the future.")]
    elif checked_on < post.opened_on or (post.closed_on and checked_on > post.closed_on):
        errors["checked_on"] = [_("The check must fall while the post is open.")]
    for aspect in CHECK_ASPECTS:
        result = results.get(aspect)
        if result not in CheckResult.values:
            errors[aspect] = [_("Choose in order or issue found.")]
        elif result == CheckResult.ISSUE and _blank(notes.get(aspect)):
            errors[f"{aspect}_note"] = [_("Say what is wrong.")]
    _raise(errors)
    check = PostCheck.objects.create(
        post=post,
        checked_on=checked_on,
        by=actor,
        **{aspect: results[aspect] for aspect in CHECK_ASPECTS},
        **{f"{aspect}_note": (notes.get(aspect) or "").strip() for aspect in CHECK_ASPECTS},
    )
    audit.record(
        actor=actor,
        verb="programme.post_checked",
        target=post,
        data={"check": check.pk, **{aspect: results[aspect] for aspect in CHECK_ASPECTS}},
    )
    return check
