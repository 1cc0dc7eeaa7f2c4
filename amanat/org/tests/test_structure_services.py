"""Services for territories, units, maslikhats, factions, deputies, state bodies and officials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.core.iin import check_digit
from amanat.org.choices import (
    FactionRole,
    MaslikhatLevel,
    MemberStatus,
    OrgUnitKind,
    StateBodyKind,
    TerritoryKind,
)
from amanat.org.models import Deputy, Faction, Maslikhat, Official, OrgUnit, Person, StateBody, Territory
from amanat.org.services import structure as services
from amanat.org.tests import structure_fixtures
from amanat.org.tests.factories import MemberFactory, PersonFactory, valid_iin

pytestmark = pytest.mark.django_db

masl = structure_fixtures.masl  # fixtures shared by the structure tests
bodies = structure_fixtures.bodies
english = structure_fixtures.english


def make_bin(first11: str = "99034000123") -> str:
    digit = check_digit(first11)
    assert digit is not None
    return first11 + str(digit)


def wrong_bin() -> str:
    good = make_bin()
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def unit_fields(code: str, **extra: Any) -> dict[str, Any]:
    return {"kind": OrgUnitKind.PRIMARY, "code": code, "name_kk": "Жаңа БПҰ", "name_ru": "Новая ППО", **extra}


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- org units -------------------------------------------------------------------------------


def test_executive_secretary_creates_a_primary_under_their_district(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    unit = services.org_unit_create(actor=actor, parent=tree.makat, **unit_fields("makat-p2", phone="+77001112233"))
    assert OrgUnit.objects.get_parent(unit) == tree.makat
    assert unit.depth == tree.makat.depth + 1
    event = AuditEvent.objects.get(verb=services.StructureVerb.UNIT_CREATED, target_id=str(unit.pk))
    assert event.org_unit_id == unit.pk
    assert event.changes["code"] == [None, "makat-p2"]
    assert event.changes["phone"] == [None, "+77001112233"]


def test_wrong_child_kind_is_refused_with_a_clear_message_and_nothing_created(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=actor, parent=tree.makat, **unit_fields("x", kind=OrgUnitKind.DISTRICT))
    message = errors_of(exc)["kind"][0]
    assert "Primary party organisation" in message and str(tree.makat) in message
    assert OrgUnit.objects.count() == before
    assert not AuditEvent.objects.filter(verb=services.StructureVerb.UNIT_CREATED).exists()


def test_a_primary_organisation_holds_no_units(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=actor, parent=tree.makat_p1, **unit_fields("y"))
    assert "Nothing can be placed under" in errors_of(exc)["kind"][0]


def test_a_taken_code_and_missing_names_are_reported_field_by_field(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=actor, parent=tree.makat, kind=OrgUnitKind.PRIMARY, code="makat-p1", name_ru="")
    errors = errors_of(exc)
    assert errors["code"] == ["Another unit already uses this code."]
    assert "name_ru" in errors and "name_kk" in errors


def test_secretary_of_a_sibling_district_cannot_create_units_there(tree, make_user):
    actor = make_user("executive_secretary", tree.inder)
    with pytest.raises(PermissionDenied):
        services.org_unit_create(actor=actor, parent=tree.makat, **unit_fields("makat-p3"))
    assert not OrgUnit.objects.filter(code="makat-p3").exists()


def test_update_records_each_changed_field_before_and_after(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    services.org_unit_update(
        actor=actor,
        unit=tree.makat_p1,
        changes={"phone": "+77010000000", "hosts_reception": True, "name_kk": tree.makat_p1.name_kk},
    )
    event = AuditEvent.objects.get(verb=services.StructureVerb.UNIT_CHANGED)
    assert event.changes == {"hosts_reception": [False, True], "phone": ["", "+77010000000"]}


def test_the_kind_of_an_existing_unit_cannot_change(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.org_unit_update(actor=actor, unit=tree.makat, changes={"kind": OrgUnitKind.CITY})
    assert "cannot be changed" in errors_of(exc)["kind"][0]
    tree.makat.refresh_from_db()
    assert tree.makat.kind == OrgUnitKind.DISTRICT


def test_a_unit_with_active_members_cannot_be_deactivated(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    MemberFactory(org_unit=tree.makat_p1, status=MemberStatus.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        services.org_unit_deactivate(actor=actor, unit=tree.makat_p1)
    assert "1 active member:" in exc.value.messages[0]
    tree.makat_p1.refresh_from_db()
    assert tree.makat_p1.is_active


def test_a_unit_with_active_units_under_it_cannot_be_deactivated(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError, match="deactivate them first"):
        services.org_unit_deactivate(actor=actor, unit=tree.makat)


def test_an_empty_unit_is_deactivated_and_reactivated_with_audit(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    MemberFactory(org_unit=tree.makat_p1, status=MemberStatus.LEFT)
    services.org_unit_deactivate(actor=actor, unit=tree.makat_p1, reason="Merged")
    tree.makat_p1.refresh_from_db()
    assert not tree.makat_p1.is_active
    event = AuditEvent.objects.get(verb=services.StructureVerb.UNIT_DEACTIVATED)
    assert event.data == {"reason": "Merged"} and event.changes == {"is_active": [True, False]}
    with pytest.raises(ValidationError):
        services.org_unit_create(actor=actor, parent=tree.makat_p1, **unit_fields("z"))
    services.org_unit_reactivate(actor=actor, unit=tree.makat_p1)
    tree.makat_p1.refresh_from_db()
    assert tree.makat_p1.is_active


# --- territories -----------------------------------------------------------------------------


def test_regional_secretary_adds_a_rural_okrug_to_a_district(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    okrug = services.territory_create(
        actor=actor,
        parent=tree.makat_t,
        kato="235230000",
        kind=TerritoryKind.RURAL_OKRUG,
        name_kk="Байшатыр",
        name_ru="Байшатыр",
    )
    assert Territory.objects.get_parent(okrug) == tree.makat_t
    assert AuditEvent.objects.filter(verb=services.StructureVerb.TERRITORY_CREATED, target_id=str(okrug.pk)).exists()


def test_district_secretary_may_not_change_the_shared_territory_tree(tree, make_user):
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(PermissionDenied):
        services.territory_update(actor=actor, territory=tree.makat_t, changes={"name_en": "Makat"})


def test_bad_kato_code_and_kind_are_refused(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.territory_create(
            actor=actor, parent=tree.makat_t, kato="23A", kind=TerritoryKind.REGION, name_kk="X", name_ru="X"
        )
    errors = errors_of(exc)
    assert errors["kato"] == ["A KATO code is 9 digits."]
    assert "Rural okrug" in errors["kind"][0]
    with pytest.raises(ValidationError) as exc:
        services.territory_create(
            actor=actor, parent=tree.makat_t, kato="234000000", kind=TerritoryKind.SETTLEMENT, name_kk="X", name_ru="X"
        )
    assert errors_of(exc)["kato"] == ["Another territory already has this KATO code."]


# --- maslikhats, factions, deputies ----------------------------------------------------------


def test_one_maslikhat_per_territory_and_convocation(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError) as exc:
        services.maslikhat_create(
            actor=actor,
            org_unit=tree.makat,
            level=MaslikhatLevel.DISTRICT,
            territory=tree.makat_t,
            convocation=8,
            name_kk="M",
            name_ru="M",
        )
    assert "already has a maslikhat of this convocation" in errors_of(exc)["convocation"][0]


def test_a_maslikhat_level_must_fit_its_territory(tree, make_user):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.maslikhat_create(
            actor=actor,
            org_unit=tree.regional,
            level=MaslikhatLevel.REGIONAL,
            territory=tree.makat_t,
            convocation=8,
            name_kk="M",
            name_ru="M",
        )
    assert errors_of(exc)["territory"] == ["A regional maslikhat sits for a territory of the kind “Region”."]
    maslikhat = services.maslikhat_create(
        actor=actor,
        org_unit=tree.regional,
        level=MaslikhatLevel.REGIONAL,
        territory=tree.region,
        convocation=8,
        name_kk="M",
        name_ru="M",
    )
    assert maslikhat.pk and AuditEvent.objects.filter(verb=services.StructureVerb.MASLIKHAT_CREATED).count() == 1


def test_a_maslikhat_has_one_party_faction(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError) as exc:
        services.faction_create(actor=actor, maslikhat=masl.makat, name_kk="Екінші", name_ru="Вторая")
    assert errors_of(exc)["maslikhat"] == ["This maslikhat already has a party faction."]
    assert Faction.objects.filter(maslikhat=masl.makat).count() == 1


def test_a_faction_has_one_leader(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError) as exc:
        services.deputy_update(actor=actor, deputy=masl.member, changes={"faction_role": FactionRole.LEADER})
    assert "already has a leader: " + str(masl.leader.person) in errors_of(exc)["faction_role"][0]
    masl.member.refresh_from_db()
    assert masl.member.faction_role == FactionRole.MEMBER
    # Once the old leader steps down, the new one may lead.
    services.deputy_update(actor=actor, deputy=masl.leader, changes={"faction_role": FactionRole.DEPUTY_LEADER})
    services.deputy_update(actor=actor, deputy=masl.member, changes={"faction_role": FactionRole.LEADER})
    assert Deputy.objects.get(faction=masl.makat_faction, faction_role=FactionRole.LEADER) == masl.member


def test_a_deputy_cannot_sit_in_the_faction_of_another_maslikhat(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.regional)
    person = PersonFactory(org_unit=tree.makat_p1)
    with pytest.raises(ValidationError) as exc:
        services.deputy_create(
            actor=actor,
            maslikhat=masl.makat,
            person=person,
            term_start=dt.date(2023, 3, 19),
            faction=masl.inder_faction,
        )
    assert errors_of(exc)["faction"] == ["The faction must be the one of the deputy's maslikhat."]
    assert not Deputy.objects.filter(person=person).exists()


def test_a_deputy_joining_the_faction_without_a_role_is_a_member_and_the_term_is_checked(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.makat)
    person = PersonFactory(org_unit=tree.makat_p1)
    deputy = services.deputy_create(
        actor=actor, maslikhat=masl.makat, person=person, term_start=dt.date(2023, 3, 19), faction=masl.makat_faction
    )
    assert deputy.faction_role == FactionRole.MEMBER
    with pytest.raises(ValidationError) as exc:
        services.deputy_update(actor=actor, deputy=deputy, changes={"term_end": dt.date(2020, 1, 1)})
    assert errors_of(exc)["term_end"] == ["The term cannot end before it starts."]
    with pytest.raises(ValidationError) as exc:
        services.deputy_create(actor=actor, maslikhat=masl.makat, person=person, term_start=dt.date(2023, 3, 19))
    assert errors_of(exc)["person"] == ["This person is already a deputy of this maslikhat."]


def test_a_deputy_with_a_new_person_is_created_at_once_or_not_at_all(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.makat)
    deputy = services.deputy_create_with_person(
        actor=actor,
        maslikhat=masl.makat,
        person_fields={"last_name": "Жаңаев", "first_name": "Болат"},
        iin=valid_iin(),
        term_start=dt.date(2023, 3, 19),
    )
    assert deputy.person.org_unit == tree.makat and deputy.person.has_iin
    people = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.deputy_create_with_person(
            actor=actor,
            maslikhat=masl.makat,
            person_fields={"last_name": "Қатеев", "first_name": "Ерлан"},
            iin="010101600586",
            term_start=dt.date(2023, 3, 19),
        )
    assert "check digit" in errors_of(exc)["iin"][0]
    assert Person.objects.count() == people


# --- state bodies and officials --------------------------------------------------------------


def test_a_bin_with_a_bad_check_digit_is_refused(tree, make_user, bodies):
    actor = make_user("executive_secretary", tree.regional)
    fields = {"kind": StateBodyKind.DEPARTMENT, "name_kk": "Білім басқармасы", "name_ru": "Управление образования"}
    with pytest.raises(ValidationError) as exc:
        services.statebody_create(actor=actor, parent=bodies.akimat, bin=wrong_bin(), **fields)
    assert errors_of(exc)["bin"] == ["This BIN has a wrong check digit."]
    assert not StateBody.objects.filter(name_ru="Управление образования").exists()
    body = services.statebody_create(actor=actor, parent=bodies.akimat, bin=make_bin(), **fields)
    assert StateBody.objects.get_parent(body) == bodies.akimat
    with pytest.raises(ValidationError) as exc:
        services.statebody_update(actor=actor, body=bodies.health, changes={"bin": make_bin()})
    assert "already belongs to" in errors_of(exc)["bin"][0]


def test_state_body_kinds_follow_the_tree(tree, make_user, bodies):
    actor = make_user("executive_secretary", tree.regional)
    with pytest.raises(ValidationError) as exc:
        services.statebody_create(
            actor=actor, parent=bodies.health, kind=StateBodyKind.REGIONAL_AKIMAT, name_kk="X", name_ru="X"
        )
    assert "Under “" in errors_of(exc)["kind"][0]


def test_a_body_has_one_current_head_and_terms_end_after_they_start(tree, make_user, bodies):
    actor = make_user("executive_secretary", tree.regional)
    person = PersonFactory(org_unit=tree.makat)
    fields = {"title_kk": "Әкім", "title_ru": "Аким", "started_on": dt.date(2024, 1, 1)}
    with pytest.raises(ValidationError) as exc:
        services.official_appoint(actor=actor, body=bodies.makat_akimat, person=person, is_head=True, **fields)
    assert "current head of this body" in errors_of(exc)["is_head"][0]
    services.official_end(actor=actor, official=bodies.akim, ended_on=dt.date(2023, 12, 31))
    new = services.official_appoint(actor=actor, body=bodies.makat_akimat, person=person, is_head=True, **fields)
    assert new.is_head and Official.objects.filter(body=bodies.makat_akimat).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.official_end(actor=actor, official=new, ended_on=dt.date(2023, 1, 1))
    assert errors_of(exc)["ended_on"] == ["The term cannot end before it starts."]
    assert AuditEvent.objects.filter(verb=services.StructureVerb.OFFICIAL_ENDED).count() == 1


def test_a_reception_operator_cannot_change_state_bodies(tree, make_user, bodies):
    actor = make_user("reception_operator", tree.regional)
    with pytest.raises(PermissionDenied):
        services.statebody_update(actor=actor, body=bodies.health, changes={"phone": "1"})


def test_maslikhat_services_keep_to_the_actors_scope(tree, make_user, masl):
    actor = make_user("executive_secretary", tree.inder)
    with pytest.raises(PermissionDenied):
        services.deputy_update(actor=actor, deputy=masl.member, changes={"constituency_number": 9})
    with pytest.raises(PermissionDenied):
        services.maslikhat_update(actor=actor, maslikhat=masl.makat, changes={"seats": 1})
    assert Maslikhat.objects.get(pk=masl.makat.pk).seats == 15
