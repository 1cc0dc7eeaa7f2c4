"""Demo logins: one user for every built-in role, each on a fitting unit, one shared password."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from amanat.accounts.models import Role, RoleGrant, User
from amanat.accounts.roles import ROLE_NAMES, BuiltinRole
from amanat.accounts.services import role_grant, sync_builtin_roles
from amanat.demo.plan import Plan
from amanat.demo.population import person_ids
from amanat.org.models import OrgUnit, Person

DEMO_PASSWORD = "amanat-demo-2026"  # noqa: S105 - printed for the demo on purpose
GRANTED_ON = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    unit: str
    person: str | None  # a key of Plan.named: the user is that person
    name: str  # shown when the user is nobody from the plan (or the plan has nobody for the post)
    language: str = "ru"


LOGINS: tuple[Login, ...] = (
    Login("admin@amanat.kz", BuiltinRole.SYSTEM_ADMIN, "central", None, "Demo Administrator", "en"),
    Login("regional.admin@amanat.kz", BuiltinRole.REGIONAL_ADMIN, "atyrau", None, "Администратор филиала"),
    Login("secretary@amanat.kz", BuiltinRole.EXECUTIVE_SECRETARY, "atyrau", "regional_secretary", "", "kk"),
    Login("operator@amanat.kz", BuiltinRole.RECEPTION_OPERATOR, "atyrau-city", "member:atyrau-city-p14", ""),
    Login("deputy@amanat.kz", BuiltinRole.DEPUTY, "atyrau-city", "city_faction_leader", "", "kk"),
    Login("control@amanat.kz", BuiltinRole.PARTY_CONTROL, "atyrau", "control_chair", ""),
    Login("makat.secretary@amanat.kz", BuiltinRole.PRIMARY_SECRETARY, "makat-p01", "secretary:makat-p01", "", "kk"),
    Login("inder.secretary@amanat.kz", BuiltinRole.EXECUTIVE_SECRETARY, "inder", "secretary:inder", ""),
    Login("council@amanat.kz", BuiltinRole.COUNCIL_SECRETARY, "atyrau", "member:atyrau-city-p08", ""),
    Login("commission@amanat.kz", BuiltinRole.ELECTION_COMMISSION, "atyrau", "member:atyrau-city-p09", ""),
    # The Makat district akim: reports on the programme items of the Makat akimat.
    Login("reporter@amanat.kz", BuiltinRole.STATE_REPORTER, "atyrau", "akim:makat", ""),
    Login("auditor@amanat.kz", BuiltinRole.AUDITOR, "atyrau", None, "Аудитор филиала"),
    Login("member@amanat.kz", BuiltinRole.MEMBER, "makat-p01", "member:makat-p01", "", "kk"),
)


@transaction.atomic
def load_logins(plan: Plan) -> int:
    """Users and their role grants; returns how many users and grants were added."""
    if Role.objects.filter(code__in=ROLE_NAMES).count() < len(ROLE_NAMES):
        sync_builtin_roles()
    roles = {r.code: r for r in Role.objects.filter(code__in=ROLE_NAMES)}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={login.unit for login in LOGINS})}
    ids = person_ids(plan)
    people = Person.all_objects.in_bulk([pk for pk in ids if pk])
    added = 0
    for login in LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            person = people.get(ids[plan.named[login.person]]) if login.person in plan.named else None  # type: ignore[index]
            if person is not None and User.objects.filter(person=person).exists():
                person = None
            name = login.name or f"{ROLE_NAMES[login.role][1]} (демо)"
            fields = {"full_name": person.full_name if person else name, "language": login.language}
            if login.role == BuiltinRole.SYSTEM_ADMIN:
                user = User.objects.create_superuser(login.email, DEMO_PASSWORD, **fields)
            else:
                user = User.objects.create_user(login.email, DEMO_PASSWORD, person=person, **fields)
            added += 1
        role, unit = roles[login.role], units[login.unit]
        held = RoleGrant.objects.filter(user=user, role=role, org_unit=unit, revoked_at__isnull=True).exists()
        if not held:
            role_grant(
                actor=None, user=user, role=role, org_unit=unit, valid_from=GRANTED_ON, check=False, announce=False
            )
            added += 1
    return added


def login_table() -> list[tuple[str, str, str, str]]:
    """(login, password, role, unit) of every demo login, for the command to print."""
    names = {code: en for code, (_kk, _ru, en) in ROLE_NAMES.items()}
    units = dict(OrgUnit.objects.filter(code__in={login.unit for login in LOGINS}).values_list("code", "name_en"))
    return [
        (login.email, DEMO_PASSWORD, names[login.role], f"{login.unit} ({units.get(login.unit, '?')})")
        for login in LOGINS
    ]
