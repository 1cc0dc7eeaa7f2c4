"""The accounts API: token authentication, who am I, users and grants in scope, roles."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import ApiToken, RoleGrant
from amanat.audit.models import AuditEvent
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
USERS = "/api/v1/users/"
GRANTS = "/api/v1/role-grants/"
ROLES = "/api/v1/roles/"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def makat_secretary(make_user, tree):
    return make_user("executive_secretary", tree.makat, full_name="Makat Secretary")


@pytest.fixture
def makat_person(make_user, tree):
    return make_user("primary_secretary", tree.makat_p1, full_name="Makat Person")


@pytest.fixture
def inder_person(make_user, tree):
    return make_user("primary_secretary", tree.inder_p1, full_name="Inder Person")


# --- Tokens ----------------------------------------------------------------------------------
def test_bearer_token_authenticates_and_records_its_use(api_client, make_user):
    user = make_user()
    token, raw = ApiToken.issue(user=user, name="script")
    response = api_client.get(ME, **bearer(raw))
    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_keyword_works_too(api_client, make_user):
    _token, raw = ApiToken.issue(user=make_user(), name="script")
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200


def test_no_token_is_401(api_client, db):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer amt_not-a-real-token", "Bearer", "Bearer a b"])
def test_wrong_or_malformed_token_is_401(api_client, db, header):
    assert api_client.get(ME, HTTP_AUTHORIZATION=header).status_code == 401


def test_revoked_token_is_401(api_client, make_user):
    user = make_user()
    token, raw = ApiToken.issue(user=user, name="script")
    assert api_client.get(ME, **bearer(raw)).status_code == 200  # now kept by this process
    token.revoked_at = timezone.now()
    token.save()
    assert api_client.get(ME, **bearer(raw)).status_code == 401


def test_a_revocation_in_another_process_is_heard_through_the_shared_cache(api_client, make_user):
    from django.core.cache import cache

    from amanat.accounts.api.authentication import TOKENS_KEY

    token, raw = ApiToken.issue(user=make_user(), name="script")
    assert api_client.get(ME, **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # no signal reaches this process
    assert api_client.get(ME, **bearer(raw)).status_code == 200  # its kept copy
    cache.delete(TOKENS_KEY)  # what the other process's save does to the shared cache
    assert api_client.get(ME, **bearer(raw)).status_code == 401


def test_token_stops_working_when_it_expires(api_client, make_user):
    start = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _token, raw = ApiToken.issue(user=make_user(), name="short", expires_at=start + dt.timedelta(hours=1))
        assert api_client.get(ME, **bearer(raw)).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=1, seconds=1), tick=False):
        assert api_client.get(ME, **bearer(raw)).status_code == 401


def test_token_of_a_switched_off_user_is_401(api_client, make_user):
    user = make_user()
    _token, raw = ApiToken.issue(user=user, name="script")
    assert api_client.get(ME, **bearer(raw)).status_code == 200
    user.is_active = False
    user.save()
    assert api_client.get(ME, **bearer(raw)).status_code == 401


# --- Me --------------------------------------------------------------------------------------
def test_me_tells_the_user_language_and_grants_with_unit_and_role(api_client, make_user, tree):
    user = make_user("primary_secretary", tree.makat_p1, language="ru")
    api_client.force_authenticate(user)
    body = api_client.get(ME).json()
    assert body["language"] == "ru" and body["email"] == user.email
    assert body["two_factor_enabled"] is False
    [grant] = body["grants"]
    assert grant["role"]["code"] == "primary_secretary"
    assert grant["org_unit"] == {"id": tree.makat_p1.pk, "code": "makat-p1", "name": str(tree.makat_p1)}
    assert grant["status"] == "active"


# --- Users -----------------------------------------------------------------------------------
def test_user_detail_follows_the_scope_rule(client, make_user, tree, makat_person):
    scope_matrix(client, make_user, tree, url=f"{USERS}{makat_person.pk}/", role="executive_secretary", api=True)


def test_user_list_holds_only_users_in_scope(
    api_client, makat_secretary, makat_person, inder_person, django_assert_max_num_queries
):
    api_client.force_authenticate(makat_secretary)
    with django_assert_max_num_queries(6):
        body = api_client.get(USERS).json()
    ids = {row["id"] for row in body["results"]}
    assert ids == {makat_secretary.pk, makat_person.pk}
    assert api_client.get(f"{USERS}{inder_person.pk}/").status_code == 404


def test_user_list_filters(api_client, makat_secretary, makat_person, tree):
    api_client.force_authenticate(makat_secretary)
    body = api_client.get(USERS, {"org_unit": tree.makat_p1.pk}).json()
    assert [row["id"] for row in body["results"]] == [makat_person.pk]
    body = api_client.get(USERS, {"q": "makat person"}).json()
    assert [row["id"] for row in body["results"]] == [makat_person.pk]


def test_user_list_without_the_action_is_404(api_client, make_user, tree):
    api_client.force_authenticate(make_user("member", tree.makat))
    assert api_client.get(USERS).status_code == 404


def test_users_cannot_be_changed_through_the_api(api_client, makat_secretary, makat_person):
    api_client.force_authenticate(makat_secretary)
    assert api_client.delete(f"{USERS}{makat_person.pk}/").status_code == 405
    assert api_client.post(USERS, {}).status_code == 405


# --- Grants ----------------------------------------------------------------------------------
def test_grant_in_own_scope_is_created(api_client, makat_secretary, makat_person, tree):
    api_client.force_authenticate(makat_secretary)
    response = api_client.post(
        GRANTS, {"user": makat_person.pk, "role": "reception_operator", "org_unit": tree.makat.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    grant = RoleGrant.objects.get(pk=response.json()["id"])
    assert grant.role.code == "reception_operator" and grant.granted_by == makat_secretary
    assert grant.valid_from == timezone.localdate()
    assert AuditEvent.objects.filter(verb=AccountsVerb.ROLE_GRANTED, target_id=str(grant.pk)).exists()


def test_grant_on_a_sibling_district_is_refused_with_a_field_error(api_client, makat_secretary, makat_person, tree):
    api_client.force_authenticate(makat_secretary)
    before = RoleGrant.objects.count()
    response = api_client.post(
        GRANTS, {"user": makat_person.pk, "role": "deputy", "org_unit": tree.inder.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["org_unit"] == ["Choose a unit within your scope."]
    assert RoleGrant.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "system_admin"}, "role"),
        ({"role": "no-such-role"}, "role"),
        ({"valid_from": "2030-02-01", "valid_to": "2030-01-01"}, "valid_to"),
        ({"valid_from": "yesterday"}, "valid_from"),
        ({"user": 999999}, "user"),
    ],
)
def test_bad_grant_gets_a_field_error_and_changes_nothing(
    api_client, makat_secretary, makat_person, tree, changes, field
):
    api_client.force_authenticate(makat_secretary)
    data = {"user": makat_person.pk, "role": "deputy", "org_unit": tree.makat.pk, **changes}
    before = RoleGrant.objects.count()
    response = api_client.post(GRANTS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert RoleGrant.objects.count() == before


def test_grant_to_a_user_outside_the_scope_is_refused(api_client, makat_secretary, inder_person, tree):
    api_client.force_authenticate(makat_secretary)
    response = api_client.post(
        GRANTS, {"user": inder_person.pk, "role": "deputy", "org_unit": tree.makat.pk}, format="json"
    )
    assert response.status_code == 400
    assert "user" in response.json()["errors"]


def test_grant_list_holds_only_grants_in_scope(
    api_client, makat_secretary, makat_person, inder_person, django_assert_max_num_queries
):
    api_client.force_authenticate(makat_secretary)
    with django_assert_max_num_queries(5):
        body = api_client.get(GRANTS).json()
    users = {row["user"] for row in body["results"]}
    assert users == {makat_secretary.pk, makat_person.pk}
    body = api_client.get(GRANTS, {"user": makat_person.pk}).json()
    assert [row["user"] for row in body["results"]] == [makat_person.pk]


def test_revoking_a_grant_in_scope(api_client, makat_secretary, makat_person):
    grant = makat_person.grants.get()
    api_client.force_authenticate(makat_secretary)
    response = api_client.post(f"{GRANTS}{grant.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_revoking_a_grant_of_a_sibling_district_is_404(api_client, makat_secretary, inder_person):
    grant = inder_person.grants.get()
    api_client.force_authenticate(makat_secretary)
    assert api_client.post(f"{GRANTS}{grant.pk}/revoke/").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_auditor_reads_grants_but_cannot_grant_or_revoke(api_client, make_user, tree, makat_person):
    api_client.force_authenticate(make_user("auditor", tree.makat))
    assert api_client.get(GRANTS).status_code == 200
    response = api_client.post(GRANTS, {"user": makat_person.pk, "role": "deputy", "org_unit": tree.makat.pk})
    assert response.status_code == 404
    assert api_client.post(f"{GRANTS}{makat_person.grants.get().pk}/revoke/").status_code == 404


def test_grants_cannot_be_deleted(api_client, makat_secretary, makat_person):
    api_client.force_authenticate(makat_secretary)
    assert api_client.delete(f"{GRANTS}{makat_person.grants.get().pk}/").status_code == 405


def test_expired_grant_gives_no_api_access(api_client, make_user, tree, roles, makat_person):
    user = make_user()
    today = timezone.localdate()
    RoleGrant.objects.create(
        user=user,
        role=roles["executive_secretary"],
        org_unit=tree.makat,
        valid_from=today - dt.timedelta(days=10),
        valid_to=today - dt.timedelta(days=1),
    )
    api_client.force_authenticate(user)
    assert api_client.get(f"{USERS}{makat_person.pk}/").status_code == 404


# --- Roles -----------------------------------------------------------------------------------
def test_roles_list_their_actions_with_labels(api_client, make_user, roles):
    api_client.force_authenticate(make_user())
    body = api_client.get(ROLES).json()
    by_code = {row["code"]: row for row in body}
    actions = {a["code"]: a["label"] for a in by_code["executive_secretary"]["actions"]}
    assert actions["accounts.manage_grants"] == "Grant and revoke roles"
    assert by_code["executive_secretary"]["requires_2fa"] is True
