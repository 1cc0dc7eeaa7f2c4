"""`amanat demo-data`: what the Atyrau demo contains, that a second run adds nothing, and `--members N`.

The full demo is loaded once for this module (inside a transaction rolled back at the end);
each test runs in its own savepoint on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from amanat.accounts.models import RoleGrant, User
from amanat.accounts.roles import ROLE_NAMES
from amanat.core import crypto
from amanat.core.iin import parse_iin
from amanat.demo.logins import DEMO_PASSWORD, LOGINS
from amanat.org.choices import FactionRole, MemberStatus, OrgUnitKind, StateBodyKind, TerritoryKind
from amanat.org.models import (
    Deputy,
    Faction,
    Maslikhat,
    Member,
    Official,
    OrgUnit,
    Person,
    Position,
    StateBody,
    Territory,
)

DISTRICT_KATO = {
    "233600000": "Жылыой ауданы",
    "234000000": "Индер ауданы",
    "234200000": "Исатай ауданы",
    "234600000": "Құрманғазы ауданы",
    "234800000": "Қызылқоға ауданы",
    "235200000": "Мақат ауданы",
    "235600000": "Махамбет ауданы",
}
BRANCH_CODES = {"atyrau-city", "zhylyoi", "inder", "isatai", "kurmangazy", "kyzylkoga", "makat", "makhambet"}
# One worker loads the demo once for all these tests (make test runs pytest-xdist with loadgroup).
pytestmark = pytest.mark.xdist_group("demo_data")

MODELS = (
    Territory,
    OrgUnit,
    StateBody,
    Person,
    Member,
    Position,
    Official,
    Maslikhat,
    Faction,
    Deputy,
    User,
    RoleGrant,
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    managers = {model.__name__: getattr(model, "all_objects", model.objects) for model in MODELS}
    return {name: manager.count() for name, manager in managers.items()}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The whole demo, loaded once; returns what the command printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = run()
        yield output
        transaction.set_rollback(True)
    cache.clear()  # site settings cached during these tests must not outlive their rows


@pytest.fixture
def loaded(demo: str, db: Any) -> str:
    return demo


def test_demo_has_the_region_the_city_and_the_seven_districts_with_their_kato_codes(loaded: str) -> None:
    region = Territory.objects.get(kato="230000000")
    assert (region.kind, region.name_ru) == (TerritoryKind.REGION, "Атырауская область")
    children = {t.kato: t for t in Territory.objects.get_children(region)}
    assert children["231000000"].kind == TerritoryKind.CITY
    districts = {kato: t.name_kk for kato, t in children.items() if t.kind == TerritoryKind.DISTRICT}
    assert districts == DISTRICT_KATO
    assert Territory.objects.get(kato="231010000").is_centre
    kulsary = Territory.objects.get(kato="233620100")
    assert kulsary.is_centre and kulsary.name_ru == "город Кульсары"
    for kato in DISTRICT_KATO:
        district = Territory.objects.get(kato=kato)
        subtree = Territory.objects.get_tree(district)
        assert subtree.filter(is_centre=True).count() == 1, f"{district} has no centre"
        assert subtree.filter(kind=TerritoryKind.RURAL_OKRUG).exists(), f"{district} has no rural okrug"
    assert not Territory.objects.filter(kato_version__isnull=True).exists()
    assert not Territory.objects.filter(name_en="").exists()


def test_demo_has_the_branches_and_about_sixty_primary_organisations(loaded: str) -> None:
    regional = OrgUnit.objects.get(code="atyrau")
    assert regional.kind == OrgUnitKind.REGIONAL and OrgUnit.objects.get_parent(regional).code == "central"
    assert {u.code for u in OrgUnit.objects.get_children(regional)} == BRANCH_CODES
    primaries = OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY)
    assert 55 <= primaries.count() <= 65
    for code in BRANCH_CODES:
        branch = OrgUnit.objects.get(code=code)
        assert OrgUnit.objects.get_children(branch).filter(kind=OrgUnitKind.PRIMARY).exists(), code
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="makat-p01")).code == "makat"
    receptions = OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY, hosts_reception=True)
    assert receptions.count() >= 5
    assert not receptions.filter(phone="").exists() and not receptions.filter(address_ru="").exists()
    assert not OrgUnit.objects.filter(name_kk="").exists() and not OrgUnit.objects.filter(name_en="").exists()


def test_demo_members_have_valid_iins_matching_their_birth_date_and_sex(loaded: str) -> None:
    members = Member.objects.all()
    assert 2900 <= members.count() <= 3200
    assert not members.exclude(org_unit__kind=OrgUnitKind.PRIMARY).exists()
    for person in Person.objects.filter(memberships__isnull=False).order_by("?")[:60]:
        info = parse_iin(person.reveal_iin())
        assert (info.birth_date, info.sex) == (person.birth_date, person.sex), person
        assert person.iin_masked.endswith(person.iin_tail)
    public_vectors = ["871008401427", "760212350620", "800416300257", "680503450037", "800416100254"]
    public_vectors += ["791028302728", "901123300258", "031231500126", "061211600012"]
    assert not Person.all_objects.filter(iin_hash__in=[crypto.keyed_hash(v) for v in public_vectors]).exists()


def test_demo_members_have_unique_cards_dates_in_range_and_reasons_for_leaving(loaded: str) -> None:
    members = Member.objects.select_related("person")
    cards = list(members.values_list("card_number", flat=True))
    assert len(cards) == len(set(cards)) and None not in cards
    statuses = dict(members.values_list("status").annotate(n=Count("id")))
    assert statuses[MemberStatus.ACTIVE] > 0.85 * len(cards)
    assert statuses[MemberStatus.SUSPENDED] > 0 and statuses[MemberStatus.LEFT] > 0
    assert not members.exclude(status=MemberStatus.ACTIVE).filter(status_reason="").exists()
    assert not members.filter(joined_on__lt=dt.date(1999, 1, 1)).exists()
    assert not members.filter(joined_on__gt=dt.date(2025, 12, 31)).exists()
    assert not members.filter(youth_wing=True, person__birth_date__lt=dt.date(1996, 1, 1)).exists()
    assert members.filter(youth_wing=True).exists()
    for member in members.order_by("?")[:200]:
        age_at_joining = (member.joined_on - member.person.birth_date).days / 365.25
        assert age_at_joining >= 17.9, member


def test_demo_names_agree_with_the_sex_in_the_iin(loaded: str) -> None:
    women = Person.objects.filter(sex="F", middle_name__endswith="ич")
    men = Person.objects.filter(sex="M", middle_name__endswith="вна")
    assert not women.exists() and not men.exists()
    assert not Person.objects.filter(sex="F", middle_name__endswith="ұлы").exists()
    assert not Person.objects.filter(sex="M", last_name__endswith="ова").exists()


def test_demo_has_party_posts_in_every_branch_and_primary(loaded: str) -> None:
    regional = Position.objects.filter(org_unit__code="atyrau", ended_on__isnull=True)
    kinds = set(regional.values_list("kind", flat=True))
    assert {"chairman", "first_deputy", "executive_secretary", "bureau_member", "political_council_member"} <= kinds
    assert {"control_commission_chair", "youth_wing_leader"} <= kinds
    chairman = regional.get(kind="chairman").person
    assert Official.objects.filter(person=chairman, body__kind=StateBodyKind.REGIONAL_AKIMAT, is_head=True).exists()
    assert Member.objects.filter(person=chairman).exists()
    assert Position.objects.filter(org_unit__code="atyrau", kind="executive_secretary", ended_on__isnull=False).exists()
    secretaries = Position.objects.filter(kind="primary_secretary").values("org_unit").distinct().count()
    assert secretaries == OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY).count()
    for post in Position.objects.filter(kind="primary_secretary").select_related("person")[:20]:
        assert Member.objects.filter(person=post.person, org_unit=post.org_unit).exists()


def test_demo_has_the_akimats_with_their_departments_and_officials(loaded: str) -> None:
    region = StateBody.objects.get(kind=StateBodyKind.REGIONAL_AKIMAT)
    departments = StateBody.objects.get_children(region).filter(kind=StateBodyKind.DEPARTMENT)
    assert departments.count() >= 12
    assert departments.filter(name_ru="Управление здравоохранения Атырауской области").exists()
    assert StateBody.objects.filter(kind=StateBodyKind.DISTRICT_AKIMAT).count() == 7
    assert StateBody.objects.filter(kind=StateBodyKind.CITY_AKIMAT).count() == 1
    assert StateBody.objects.filter(kind=StateBodyKind.RURAL_AKIMAT).exists()
    headless = StateBody.objects.exclude(officials__is_head=True)
    assert not headless.exists(), list(headless)


def test_demo_maslikhats_have_a_party_faction_with_a_leader_and_a_deputy_leader(loaded: str) -> None:
    maslikhats = Maslikhat.objects.all()
    assert maslikhats.count() == 9
    assert set(maslikhats.values_list("convocation", flat=True)) == {8}
    for maslikhat in maslikhats:
        roles = list(maslikhat.faction.deputies.values_list("faction_role", flat=True))
        assert roles.count(FactionRole.LEADER) == 1 and roles.count(FactionRole.DEPUTY_LEADER) == 1, maslikhat
        assert maslikhat.deputies.count() <= maslikhat.seats
    district = Deputy.objects.filter(maslikhat__level="district")
    assert not district.filter(constituency_number__isnull=True).exists()
    assert Deputy.objects.filter(maslikhat__level="regional", constituency_number__isnull=True).exists()


def test_demo_has_a_login_for_every_builtin_role_and_prints_them(loaded: str, client: Any) -> None:
    granted = set(RoleGrant.objects.filter(revoked_at__isnull=True).values_list("role__code", flat=True))
    assert granted == set(ROLE_NAMES)
    assert User.objects.get(email="admin@amanat.kz").is_superuser
    for login in LOGINS:
        assert login.email in loaded
        assert client.login(username=login.email, password=DEMO_PASSWORD), login.email
        client.logout()
    assert DEMO_PASSWORD in loaded
    assert (
        User.objects.get(email="makat.secretary@amanat.kz").person.positions.filter(kind="primary_secretary").exists()
    )


def test_demo_inder_secretary_gets_404_for_a_makat_member_and_sees_an_inder_one(loaded: str, client: Any) -> None:
    client.login(username="inder.secretary@amanat.kz", password=DEMO_PASSWORD)
    makat = Member.objects.filter(org_unit__code__startswith="makat-").first()
    inder = Member.objects.filter(org_unit__code__startswith="inder-").first()
    assert client.get(reverse("org:member-detail", args=[makat.pk])).status_code == 404
    assert client.get(reverse("org:member-detail", args=[inder.pk])).status_code == 200


def test_running_the_command_again_adds_nothing(loaded: str) -> None:
    before = counts()
    output = run()
    assert counts() == before
    assert output.count("already loaded") == 21  # every part of the demo, the party work and elections included
    assert " added" not in output


def test_members_option_adds_exactly_that_many_members_with_unique_cards(loaded: str) -> None:
    before = counts()
    output = run("--members", "500")
    after = counts()
    assert after["Member"] - before["Member"] == 500
    assert after["Person"] - before["Person"] == 500
    assert "Generated 500 members" in output
    run("--members", "500")
    cards = list(Member.all_objects.values_list("card_number", flat=True))
    assert len(cards) == before["Member"] + 1000 == len(set(cards))
    generated = Member.objects.filter(card_number__startswith="ATB").select_related("person", "org_unit")
    assert generated.count() == 1000
    for member in generated.order_by("?")[:50]:
        info = parse_iin(member.person.reveal_iin())
        assert (info.birth_date, info.sex) == (member.person.birth_date, member.person.sex)
        assert member.org_unit.kind == OrgUnitKind.PRIMARY and member.person.org_unit_id == member.org_unit_id
        assert member.joined_on >= member.person.birth_date
        if hasattr(member, "search_name"):
            assert member.search_name == member.person.search_name != ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--members", "-5"), "--members must be 0 or more."),
        (("--base-members", "-1"), "--base-members must be 0 or more."),
        (("--batch-size", "0"), "--batch-size must be between 1 and 100000."),
    ],
)
def test_bad_numbers_are_refused_with_a_clear_message_and_change_nothing(
    loaded: str, args: tuple[str, ...], message: str
) -> None:
    before = counts()
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        run(*args)
    assert counts() == before


def test_the_command_says_how_to_sign_in_without_two_factor_when_it_is_required(loaded: str, settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = True
    assert "AMANAT_2FA_REQUIRED=0" in run()
    settings.TWO_FACTOR_REQUIRED = False
    assert "AMANAT_2FA_REQUIRED=0" not in run()
