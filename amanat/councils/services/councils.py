"""Writes about councils themselves: the council, its members and their terms, its sessions and
who attended them.

Each write is one transaction that checks `councils.manage` on the council's branch, refuses bad
input with field errors (a `ValidationError` with a dict, nothing changed) and writes an audit
event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.councils.choices import MemberKind, MemberRole
from amanat.councils.models import Council, CouncilMember, CouncilSession
from amanat.councils.permissions import CouncilAction

Errors = dict[str, list[str]]

COUNCIL_FIELDS = (
    "org_unit", "state_body", "title_kk", "title_ru", "title_en", "description_kk", "description_ru",
    "description_en", "established_on", "is_public",
)  # fmt: skip
SESSION_FIELDS = ("starts_at", "ends_at", "place", "agenda")


def need_manage(actor: Any, unit: Any) -> None:
    if unit is None or not has_action(actor, CouncilAction.MANAGE, unit):
        raise PermissionDenied


def blank(value: Any) -> bool:
    return not (value or "").strip()


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before) if before is not None else "", str(value) if value is not None else ""]
    return changes


# Councils


def _council_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    if values.get("org_unit") is None:
        errors["org_unit"] = [_("Choose the party branch.")]
    if blank(values.get("title_kk")):
        errors["title_kk"] = [_("Give the title in Kazakh.")]
    if blank(values.get("title_ru")):
        errors["title_ru"] = [_("Give the title in Russian.")]
    return errors


@transaction.atomic
def council_create(
    *,
    actor: Any,
    org_unit: Any,
    title_kk: str,
    title_ru: str,
    title_en: str = "",
    state_body: Any = None,
    description_kk: str = "",
    description_ru: str = "",
    description_en: str = "",
    established_on: dt.date | None = None,
    is_public: bool = True,
) -> Council:
    """Set up a public council at a branch (or at an akimat of its territory)."""
    values = {
        "org_unit": org_unit, "state_body": state_body, "title_kk": (title_kk or "").strip(),
        "title_ru": (title_ru or "").strip(), "title_en": (title_en or "").strip(),
        "description_kk": description_kk or "", "description_ru": description_ru or "",
        "description_en": description_en or "", "established_on": established_on, "is_public": is_public,
    }  # fmt: skip
    raise_errors(_council_errors(values))
    need_manage(actor, org_unit)
    council = Council.objects.create(**values)
    audit.record(actor=actor, verb="councils.council_created", target=council, data={"title": council.title_ru})
    return council


@transaction.atomic
def council_update(*, actor: Any, council: Council, values: Mapping[str, Any]) -> Council:
    """Correct a council (any of COUNCIL_FIELDS); the actor manages its branch before and after."""
    need_manage(actor, council.org_unit)
    unknown = set(values) - set(COUNCIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    merged = {name: getattr(council, name) for name in COUNCIL_FIELDS} | dict(values)
    raise_errors(_council_errors(merged))
    need_manage(actor, merged["org_unit"])
    changes = _changes(council, values)
    for name, value in values.items():
        setattr(council, name, value)
    council.save()
    audit.record(actor=actor, verb="councils.council_updated", target=council, changes=changes)
    return council


# Members


@transaction.atomic
def member_add(
    *,
    actor: Any,
    council: Council,
    term_start: dt.date | None,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    person: Any = None,
    kind: str = MemberKind.CITIZEN,
    role: str = MemberRole.MEMBER,
    organisation: str = "",
    term_end: dt.date | None = None,
) -> CouncilMember:
    """Seat someone on the council for a term. A person from the registry lends their name; a
    citizen not in it is entered by name. One chair at a time."""
    need_manage(actor, council.org_unit)
    if person is not None:
        last_name = last_name or person.last_name
        first_name = first_name or person.first_name
        middle_name = middle_name or person.middle_name
    errors: Errors = {}
    if blank(last_name):
        errors["last_name"] = [_("Give the last name.")]
    if blank(first_name):
        errors["first_name"] = [_("Give the first name.")]
    if kind not in MemberKind.values:
        errors["kind"] = [_("Choose whom the member represents.")]
    if role not in MemberRole.values:
        errors["role"] = [_("Choose the member's role.")]
    if term_start is None:
        errors["term_start"] = [_("Give the start of the term.")]
    elif term_end is not None and term_end < term_start:
        errors["term_end"] = [_("The term cannot end before it starts.")]
    if role == MemberRole.CHAIR and term_start is not None and not errors:
        overlapping = CouncilMember.objects.filter(council=council, role=MemberRole.CHAIR).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=term_start)
        )
        if term_end is not None:
            overlapping = overlapping.filter(term_start__lte=term_end)
        if overlapping.exists():
            errors["role"] = [_("The council already has a chair for this term: end their term first.")]
    if person is not None and not errors:
        same = CouncilMember.objects.filter(council=council, person=person).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=term_start)
        )
        if same.exists():
            errors["person"] = [_("This person already sits on the council.")]
    raise_errors(errors)
    member = CouncilMember.objects.create(
        council=council, person=person, last_name=last_name.strip(), first_name=first_name.strip(),
        middle_name=(middle_name or "").strip(), kind=kind, role=role, organisation=(organisation or "").strip(),
        term_start=term_start, term_end=term_end,
    )  # fmt: skip
    audit.record(
        actor=actor,
        verb="councils.member_added",
        target=member,
        org_unit=council.org_unit,
        data={"council": council.pk, "role": role, "term_start": term_start, "term_end": term_end},
    )
    return member


@transaction.atomic
def member_end_term(*, actor: Any, member: CouncilMember, ended_on: dt.date | None, reason: str = "") -> CouncilMember:
    """End a member's term on a day (they cannot vote at sessions after it)."""
    member = CouncilMember.objects.select_for_update().select_related("council__org_unit").get(pk=member.pk)
    need_manage(actor, member.council.org_unit)
    today = timezone.localdate()
    errors: Errors = {}
    if ended_on is None:
        errors["ended_on"] = [_("Give the day the term ends.")]
    elif ended_on < member.term_start:
        errors["ended_on"] = [_("The term cannot end before it starts.")]
    if member.term_end is not None and member.term_end < today:
        errors["__all__"] = [_("This member's term has already ended.")]
    raise_errors(errors)
    before = member.term_end
    member.term_end, member.end_reason = ended_on, (reason or "").strip()
    member.save(update_fields=["term_end", "end_reason", "updated_at"])
    audit.record(
        actor=actor,
        verb="councils.member_term_ended",
        target=member,
        org_unit=member.council.org_unit,
        changes={"term_end": [before, ended_on]},
        data={"reason": member.end_reason},
    )
    return member


# Sessions


def _session_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is None:
        errors["starts_at"] = [_("Give the date and time the session starts.")]
    elif ends is not None and ends <= starts:
        errors["ends_at"] = [_("The session cannot end before it starts.")]
    return errors


@transaction.atomic
def session_create(
    *,
    actor: Any,
    council: Council,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    place: str = "",
    agenda: str = "",
) -> CouncilSession:
    """Schedule (or record) a sitting of the council; sessions are numbered in order."""
    values = {"starts_at": starts_at, "ends_at": ends_at, "place": (place or "").strip(), "agenda": agenda or ""}
    raise_errors(_session_errors(values))
    need_manage(actor, council.org_unit)
    Council.objects.select_for_update().filter(pk=council.pk).first()  # numbers are taken one at a time
    if repeat := CouncilSession.objects.filter(council=council, **values).first():
        return repeat  # the same sitting again (a second click): it is scheduled already
    number = (CouncilSession.objects.filter(council=council).aggregate(n=Max("number"))["n"] or 0) + 1
    session = CouncilSession.objects.create(council=council, number=number, **values)
    audit.record(
        actor=actor,
        verb="councils.session_created",
        target=session,
        org_unit=council.org_unit,
        data={"number": number, "starts_at": starts_at},
    )
    return session


@transaction.atomic
def session_update(*, actor: Any, session: CouncilSession, values: Mapping[str, Any]) -> CouncilSession:
    need_manage(actor, session.council.org_unit)
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    merged = {name: getattr(session, name) for name in SESSION_FIELDS} | dict(values)
    raise_errors(_session_errors(merged))
    changes = _changes(session, values)
    for name, value in values.items():
        setattr(session, name, value)
    session.save()
    audit.record(
        actor=actor, verb="councils.session_updated", target=session, org_unit=session.council.org_unit, changes=changes
    )
    return session


def session_day(session: CouncilSession) -> dt.date:
    return timezone.localtime(session.starts_at).date()


@transaction.atomic
def attendance_record(
    *, actor: Any, session: CouncilSession, members: Iterable[CouncilMember], guests: int = 0
) -> CouncilSession:
    """Who was present: members of this council whose term covers the session's day."""
    need_manage(actor, session.council.org_unit)
    chosen = list(members)
    day = session_day(session)
    errors: Errors = {}
    strangers = [m for m in chosen if m.council_id != session.council_id]
    if strangers:
        errors["members"] = [_("Only members of this council can be marked present.")]
    out_of_term = [m for m in chosen if m.council_id == session.council_id and not m.serves_on(day)]
    if out_of_term:
        errors.setdefault("members", []).extend(
            _("%(name)s was not a member of the council on %(day)s.") % {"name": m.full_name, "day": f"{day:%d.%m.%Y}"}
            for m in out_of_term
        )
    if guests is None or int(guests) < 0:
        errors["guests"] = [_("The number of guests cannot be negative.")]
    voted = set(session.recommendations.filter(votes__isnull=False).values_list("votes__member_id", flat=True))
    dropped = voted - {m.pk for m in chosen}
    if dropped:
        errors.setdefault("members", []).append(_("A member who has already voted at this session must stay present."))
    raise_errors(errors)
    before = sorted(session.attendees.values_list("pk", flat=True))
    session.attendees.set(chosen)
    session.guests = int(guests)
    session.save(update_fields=["guests", "updated_at"])
    audit.record(
        actor=actor,
        verb="councils.attendance_recorded",
        target=session,
        org_unit=session.council.org_unit,
        changes={"attendees": [before, sorted(m.pk for m in chosen)]},
        data={"guests": session.guests},
    )
    return session
