"""Writes for state bodies and their officials (shared reference data of the branch).

Callers import these from `amanat.org.services.structure`, which re-exports them. State bodies are
not tied to an org unit: anyone holding org.change_state_body may change them; the BIN is checked
(amanat.core.iin.validate_bin); a body has one current head.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, snapshot
from amanat.core.permissions import has_action, require
from amanat.org.choices import StateBodyKind
from amanat.org.models import Official, OrgUnit, Person, StateBody
from amanat.org.permissions import OrgAction
from amanat.org.selectors.structure import children_q, current_q
from amanat.org.services.structure_base import (
    StructureVerb,
    assign,
    created_changes,
    kind_message,
    save_or_explain,
    validate,
)

K = StateBodyKind
BODY_FIELDS = (
    "kind",
    "name_kk",
    "name_ru",
    "name_en",
    "short_name",
    "territory",
    "bin",
    "address",
    "phone",
    "email",
    "is_active",
)
BODY_ROOT_KINDS: tuple[str, ...] = (K.REGIONAL_AKIMAT, K.CITY_AKIMAT, K.DISTRICT_AKIMAT, K.OTHER)
BODY_CHILDREN: dict[str, tuple[str, ...]] = {
    K.REGIONAL_AKIMAT: (K.DEPARTMENT, K.CITY_AKIMAT, K.DISTRICT_AKIMAT, K.OTHER),
    K.CITY_AKIMAT: (K.DISTRICT_DEPARTMENT, K.DISTRICT_AKIMAT, K.RURAL_AKIMAT, K.OTHER),
    K.DISTRICT_AKIMAT: (K.DISTRICT_DEPARTMENT, K.RURAL_AKIMAT, K.OTHER),
    K.DEPARTMENT: (K.OTHER,),
    K.DISTRICT_DEPARTMENT: (),
    K.RURAL_AKIMAT: (),
    K.OTHER: (),
}
OFFICIAL_FIELDS = ("title_kk", "title_ru", "title_en", "is_head", "started_on", "ended_on")


def _body_checks(body: StateBody, parent: StateBody | None) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if body.kind:
            allowed = BODY_CHILDREN.get(parent.kind, ()) if parent else BODY_ROOT_KINDS
            if body.kind not in allowed:
                errors["kind"] = kind_message(parent, allowed, StateBodyKind)
            elif body.pk:
                kids = set(StateBody.objects.filter(children_q(body)).values_list("kind", flat=True))
                if kids - set(BODY_CHILDREN.get(body.kind, ())):
                    errors["kind"] = _("Bodies already under this one do not fit the new kind.")
        if body.bin:
            other = StateBody.objects.filter(bin=body.bin).exclude(pk=body.pk).first()
            if other is not None:
                errors["bin"] = _("This BIN already belongs to “%(body)s”.") % {"body": other}
        return errors

    return check


@transaction.atomic
def statebody_create(*, actor: Any, parent: StateBody | None, **fields: Any) -> StateBody:
    """Add a state body: an akimat at the top, or a department / akim's office under a body."""
    require(actor, OrgAction.CHANGE_STATE_BODY)
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": [_("Bodies cannot be added under an inactive body.")]})
    body = StateBody()
    names = assign(body, fields, BODY_FIELDS)
    check = _body_checks(body, parent)
    validate(body, check)
    if parent is None:
        save_or_explain(lambda: StateBody.objects.add_root(instance=body), check)
    else:
        save_or_explain(lambda: StateBody.objects.add_child(parent, instance=body), check)
    record(actor=actor, verb=StructureVerb.STATE_BODY_CREATED, target=body, changes=created_changes(body, names))
    return body


@transaction.atomic
def statebody_update(*, actor: Any, body: StateBody, changes: Mapping[str, Any]) -> StateBody:
    """Change a body's names, kind, territory, BIN, contacts, or close it (is_active)."""
    require(actor, OrgAction.CHANGE_STATE_BODY)
    body = StateBody.objects.select_for_update().get(pk=body.pk)
    names = [f for f in BODY_FIELDS if f in changes]
    before = snapshot(body, names)
    assign(body, changes, BODY_FIELDS)
    validate(body, _body_checks(body, StateBody.objects.get_parent(body)))
    body.save()
    changed = diff(before, snapshot(body, names))
    if changed:
        record(actor=actor, verb=StructureVerb.STATE_BODY_CHANGED, target=body, changes=changed)
    return body


# --- officials -------------------------------------------------------------------------------


def _is_current(official: Official) -> bool:
    today = timezone.localdate()
    started = official.started_on is not None and official.started_on <= today
    return started and (official.ended_on is None or official.ended_on >= today)


def _official_checks(official: Official, actor: Any) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if official._state.adding and not has_action(actor, OrgAction.VIEW_PERSON, official.person.org_unit):
            errors["person"] = _("Choose a person from the units you work with.")
        if official.started_on and official.ended_on and official.ended_on < official.started_on:
            errors["ended_on"] = _("The term cannot end before it starts.")
        others = Official.objects.filter(current_q(), body_id=official.body_id).exclude(pk=official.pk)
        if not _is_current(official):
            return errors
        if official.is_head:
            head = others.filter(is_head=True).select_related("person").first()
            if head is not None:
                errors["is_head"] = _("%(name)s is the current head of this body: end their term first.") % {
                    "name": head.person
                }
        if "person" not in errors and others.filter(person_id=official.person_id).exists():
            errors["person"] = _("This person already holds a current post in this body.")
        return errors

    return check


@transaction.atomic
def official_appoint(*, actor: Any, body: StateBody, person: Person, **fields: Any) -> Official:
    """Record that person holds a post in body from a date (the head, or another post)."""
    require(actor, OrgAction.CHANGE_STATE_BODY)
    if not body.is_active:
        raise ValidationError({"body": [_("This body is inactive: officials cannot be appointed to it.")]})
    official = Official(body=body, person=person)
    names = assign(official, fields, OFFICIAL_FIELDS)
    check = _official_checks(official, actor)
    validate(official, check, exclude=["person", "body"])
    save_or_explain(official.save, check)
    record(
        actor=actor,
        verb=StructureVerb.OFFICIAL_APPOINTED,
        target=official,
        changes=created_changes(official, ["person", "body", *names]),
    )
    return official


@transaction.atomic
def official_appoint_with_person(
    *,
    actor: Any,
    body: StateBody,
    keeping_unit: OrgUnit,
    person_fields: Mapping[str, Any],
    iin: str = "",
    **fields: Any,
) -> Official:
    """Register a new person (kept by keeping_unit) and appoint them in one step."""
    from amanat.org.services.people import person_create

    require(actor, OrgAction.CHANGE_STATE_BODY)
    if not has_action(actor, OrgAction.CHANGE_PERSON, keeping_unit):
        raise ValidationError({"keeping_unit": [_("You may not add people to this unit.")]})
    person = person_create(actor=actor, org_unit=keeping_unit, iin=iin, **person_fields)
    return official_appoint(actor=actor, body=body, person=person, **fields)


@transaction.atomic
def official_update(*, actor: Any, official: Official, changes: Mapping[str, Any]) -> Official:
    """Change an official's post title, head flag or dates."""
    require(actor, OrgAction.CHANGE_STATE_BODY)
    official = Official.objects.select_for_update().select_related("person", "body").get(pk=official.pk)
    names = [f for f in OFFICIAL_FIELDS if f in changes]
    before = snapshot(official, names)
    assign(official, changes, OFFICIAL_FIELDS)
    check = _official_checks(official, actor)
    validate(official, check, exclude=["person", "body"])
    save_or_explain(official.save, check)
    changed = diff(before, snapshot(official, names))
    if changed:
        record(actor=actor, verb=StructureVerb.OFFICIAL_CHANGED, target=official, changes=changed)
    return official


@transaction.atomic
def official_end(*, actor: Any, official: Official, ended_on: Any) -> Official:
    """End an official's term on a date (not before it started)."""
    require(actor, OrgAction.CHANGE_STATE_BODY)
    official = Official.objects.select_for_update().select_related("person", "body").get(pk=official.pk)
    if official.ended_on is not None:
        raise ValidationError({"ended_on": [_("This term has already ended.")]})
    if ended_on is None:
        raise ValidationError({"ended_on": [_("Give the date the term ended.")]})
    if ended_on < official.started_on:
        raise ValidationError({"ended_on": [_("The term cannot end before it starts.")]})
    official.ended_on = ended_on
    official.save(update_fields=["ended_on", "updated_at"])
    record(actor=actor, verb=StructureVerb.OFFICIAL_ENDED, target=official, changes={"ended_on": [None, ended_on]})
    return official
