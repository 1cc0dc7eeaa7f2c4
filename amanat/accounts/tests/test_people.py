"""People and roles for staff: scope of the lists, granting, revoking, new accounts, validity dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.audit.models import AuditEvent
from amanat.core.permissions import has_action
from amanat.org.tests.factories import add_unit
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def grant_data(unit, role, **extra):
    return {"org_unit": unit.pk, "role": role.pk, "valid_from": TODAY().isoformat(), **extra}


@pytest.fixture
def makat_secretary(make_user, tree):
    return make_user("executive_secretary", tree.makat, full_name="Makat Secretary")


@pytest.fixture
def makat_person(make_user, tree):
    return make_user("primary_secretary", tree.makat_p1, full_name="Makat Person")


@pytest.fixture
def inder_person(make_user, tree):
    return make_user("primary_secretary", tree.inder_p1, full_name="Inder Person")


def test_user_page_follows_the_scope_rule(client, make_user, tree, makat_person):
    scope_matrix(
        client, make_user, tree, url=reverse("accounts:user-detail", args=[makat_person.pk]), role="executive_secretary"
    )


def test_district_secretary_sees_only_people_of_their_district(client, makat_secretary, makat_person, inder_person):
    client.force_login(makat_secretary)
    response = client.get(reverse("accounts:user-list"))
    people = set(response.context["object_list"])
    assert makat_person in people and makat_secretary in people
    assert inder_person not in people


def test_operator_of_sibling_district_gets_404_on_a_user_page(client, makat_secretary, inder_person):
    client.force_login(makat_secretary)
    assert client.get(reverse("accounts:user-detail", args=[inder_person.pk])).status_code == 404
    assert client.get(reverse("accounts:user-detail", args=[999999])).status_code == 404


def test_user_without_the_action_gets_404_on_the_list(client, make_user, tree):
    client.force_login(make_user("member", tree.makat))
    assert client.get(reverse("accounts:user-list")).status_code == 404
    assert client.get(reverse("accounts:role-list")).status_code == 404


def test_user_list_filters_by_unit_and_finds_by_phone(client, make_user, tree, makat_secretary, makat_person):
    phone_person = User.objects.create_user("+77021112233", None, full_name="Phone Person")
    RoleGrant.objects.create(user=phone_person, role=makat_person.grants.get().role, org_unit=tree.makat)
    client.force_login(makat_secretary)
    response = client.get(reverse("accounts:user-list"), {"org_unit": tree.makat_p1.pk})
    assert list(response.context["object_list"]) == [makat_person]
    response = client.get(reverse("accounts:user-list"), {"q": "8 702 111"})
    assert list(response.context["object_list"]) == [phone_person]
    response = client.get(reverse("accounts:user-list"), {"org_unit": tree.inder.pk})
    assert response.status_code == 200  # a unit outside the scope is just not a choice
    assert response.context["filter"].form.errors


def test_user_list_query_count_does_not_grow_with_people(
    client, make_user, tree, roles, makat_secretary, django_assert_max_num_queries
):
    for n in range(30):
        person = make_user("primary_secretary", tree.makat_p1)
        RoleGrant.objects.create(user=person, role=roles["deputy"], org_unit=tree.makat)
        if n % 3 == 0:
            RoleGrant.objects.create(user=person, role=roles["member"], org_unit=tree.inder)
    client.force_login(makat_secretary)
    client.get(reverse("accounts:user-list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:user-list"))
    assert response.status_code == 200
    html = response.content.decode()
    # Grants outside the viewer's scope are not shown.
    assert str(tree.inder) not in html


def test_user_list_exports_xlsx(client, makat_secretary, makat_person):
    client.force_login(makat_secretary)
    response = client.get(reverse("accounts:user-list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_htmx_request_gets_only_the_results(client, makat_secretary, makat_person):
    client.force_login(makat_secretary)
    response = client.get(reverse("accounts:user-list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Makat Person" in html and "<html" not in html


def test_granting_a_role_in_own_scope(client, makat_secretary, makat_person, tree, roles):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    response = client.post(url, grant_data(tree.makat, roles["reception_operator"]))
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=makat_person, role=roles["reception_operator"])
    assert grant.org_unit == tree.makat and grant.granted_by == makat_secretary
    assert AuditEvent.objects.filter(verb=AccountsVerb.ROLE_GRANTED, target_id=str(grant.pk)).exists()


def test_granting_on_a_sibling_district_is_refused(client, makat_secretary, makat_person, tree, roles):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    response = client.post(url, grant_data(tree.inder, roles["reception_operator"]))
    assert response.status_code == 400
    assert "Choose a unit within your scope" in response.content.decode()
    assert not RoleGrant.objects.filter(user=makat_person, role=roles["reception_operator"]).exists()


def test_unit_choices_are_only_units_in_scope(client, makat_secretary, makat_person, tree):
    client.force_login(makat_secretary)
    form = client.get(reverse("accounts:grant-create", args=[makat_person.pk])).context["form"]
    assert set(form.fields["org_unit"].queryset) == {tree.makat, tree.makat_p1}


def test_granting_to_someone_outside_the_scope_is_404(client, makat_secretary, inder_person, tree, roles):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[inder_person.pk])
    assert client.post(url, grant_data(tree.makat, roles["deputy"])).status_code == 404
    assert inder_person.grants.count() == 1


def test_system_admin_is_granted_only_by_a_superuser(client, makat_secretary, makat_person, make_user, tree, roles):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    response = client.post(url, grant_data(tree.makat, roles["system_admin"]))
    assert response.status_code == 400
    assert not RoleGrant.objects.filter(role=roles["system_admin"]).exists()
    client.force_login(make_user(is_superuser=True))
    assert client.post(url, grant_data(tree.makat, roles["system_admin"])).status_code == 302
    assert RoleGrant.objects.filter(role=roles["system_admin"], user=makat_person).exists()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"valid_from": "2030-05-10", "valid_to": "2030-05-01"}, "must not be before the start date"),
        ({"valid_from": "2020-01-01", "valid_to": "2020-12-31"}, "has already passed"),
        ({"valid_from": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_dates_get_a_message_and_change_nothing(client, makat_secretary, makat_person, tree, roles, dates, message):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    response = client.post(url, grant_data(tree.makat, roles["deputy"], **dates))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoleGrant.objects.filter(user=makat_person, role=roles["deputy"]).exists()


def test_the_same_role_twice_on_the_same_unit_is_refused(client, makat_secretary, makat_person, tree, roles):
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    response = client.post(url, grant_data(tree.makat_p1, roles["primary_secretary"]))
    assert response.status_code == 400
    assert "already holds this role" in response.content.decode()
    assert makat_person.grants.count() == 1


def test_revoking_a_grant(client, makat_secretary, makat_person):
    grant = makat_person.grants.get()
    client.force_login(makat_secretary)
    response = client.post(reverse("accounts:grant-revoke", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert not has_action(User.objects.get(pk=makat_person.pk), "org.view_member")
    assert AuditEvent.objects.filter(verb=AccountsVerb.ROLE_REVOKED, target_id=str(grant.pk)).exists()


def test_revoking_a_grant_in_a_sibling_district_is_404(client, makat_secretary, inder_person):
    grant = inder_person.grants.get()
    client.force_login(makat_secretary)
    assert client.post(reverse("accounts:grant-revoke", args=[grant.pk])).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_revoke_is_a_post(client, makat_secretary, makat_person):
    client.force_login(makat_secretary)
    assert client.get(reverse("accounts:grant-revoke", args=[makat_person.grants.get().pk])).status_code == 405


def test_auditor_sees_people_but_cannot_grant(client, make_user, tree, roles, makat_person):
    client.force_login(make_user("auditor", tree.makat))
    assert client.get(reverse("accounts:user-detail", args=[makat_person.pk])).status_code == 200
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    assert client.post(url, grant_data(tree.makat, roles["deputy"])).status_code == 404
    assert client.get(reverse("accounts:user-create")).status_code == 404


def test_expired_and_future_grants_give_no_access(client, make_user, tree, roles):
    today = TODAY()
    expired = make_user()
    RoleGrant.objects.create(
        user=expired,
        role=roles["executive_secretary"],
        org_unit=tree.makat,
        valid_from=today - dt.timedelta(days=30),
        valid_to=today - dt.timedelta(days=1),
    )
    future = make_user()
    RoleGrant.objects.create(
        user=future, role=roles["executive_secretary"], org_unit=tree.makat, valid_from=today + dt.timedelta(days=1)
    )
    for user in (expired, future):
        assert not has_action(user, AccountsAction.VIEW_USER, tree.makat)
        client.force_login(user)
        assert client.get(reverse("accounts:user-list")).status_code == 404


def test_grant_works_from_its_first_day_to_its_last(make_user, tree, roles):
    import time_machine

    user = make_user()
    RoleGrant.objects.create(
        user=user,
        role=roles["auditor"],
        org_unit=tree.makat,
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 5, 31),
    )
    for day, expected in [("2026-04-30", False), ("2026-05-01", True), ("2026-05-31", True), ("2026-06-01", False)]:
        with time_machine.travel(dt.datetime.fromisoformat(f"{day}T12:00:00+05:00"), tick=False):
            fresh = User.objects.get(pk=user.pk)
            assert has_action(fresh, AccountsAction.VIEW_USER, tree.makat) is expected, day


def test_creating_an_account_sends_an_invitation_whose_link_sets_a_password(
    client, makat_secretary, tree, roles, django_capture_on_commit_callbacks
):
    client.force_login(makat_secretary)
    data = {
        "full_name": "Жаңа Қызметкер",
        "email": "New@Example.kz",
        "phone": "",
        "language": "kk",
        **grant_data(tree.makat_p1, roles["primary_secretary"]),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user-create"), data)
    assert response.status_code == 302
    person = User.objects.get(email="new@example.kz")
    assert not person.has_usable_password()
    assert person.grants.get().org_unit == tree.makat_p1
    assert AuditEvent.objects.filter(verb=AccountsVerb.USER_CREATED, target_id=str(person.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.kz"]
    assert mail.outbox[0].extra_headers["Content-Language"] == "kk"
    link = re.search(r"http://testserver(\S+/password/reset/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "A-new-Passw0rd-1", "new_password2": "A-new-Passw0rd-1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("A-new-Passw0rd-1")


def test_creating_a_phone_only_account_shows_the_set_password_link_once(client, makat_secretary, tree, roles):
    client.force_login(makat_secretary)
    data = {
        "full_name": "Phone Only",
        "email": "",
        "phone": "8 705 000 11 22",
        "language": "ru",
        **grant_data(tree.makat, roles["reception_operator"]),
    }
    response = client.post(reverse("accounts:user-create"), data, follow=True)
    person = User.objects.get(phone="+77050001122")
    assert person.email is None
    assert "/accounts/password/reset/" in response.content.decode()
    assert response.context["set_password_link"]
    again = client.get(reverse("accounts:user-detail", args=[person.pk]))
    assert again.context["set_password_link"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "", "phone": ""}, "one of them is the login"),
        ({"phone": "12"}, "+7 and ten digits"),
        ({"full_name": ""}, "This field is required"),
        ({"org_unit": "inder"}, "Choose a unit within your scope"),
    ],
)
def test_bad_new_account_gets_a_message_and_creates_nothing(client, makat_secretary, tree, roles, changes, message):
    client.force_login(makat_secretary)
    data = {
        "full_name": "X Y",
        "email": "x@example.kz",
        "phone": "",
        "language": "en",
        **grant_data(tree.makat, roles["deputy"]),
    }
    data.update(changes)
    if data["org_unit"] == "inder":
        data["org_unit"] = tree.inder.pk
    before = User.objects.count()
    response = client.post(reverse("accounts:user-create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_existing_email_is_refused_for_a_new_account(client, makat_secretary, makat_person, tree, roles):
    client.force_login(makat_secretary)
    data = {
        "full_name": "Dup",
        "email": makat_person.email,
        "phone": "",
        "language": "en",
        **grant_data(tree.makat, roles["deputy"]),
    }
    response = client.post(reverse("accounts:user-create"), data)
    assert response.status_code == 400
    assert "Another account already uses this e-mail" in response.content.decode()


def test_role_list_shows_each_roles_actions(client, makat_secretary):
    client.force_login(makat_secretary)
    html = client.get(reverse("accounts:role-list")).content.decode()
    assert str(AccountsAction.MANAGE_GRANTS.label) in html
    assert "executive_secretary" in html


def test_grant_on_a_new_unit_deep_in_scope(client, makat_secretary, makat_person, tree, roles):
    deep = add_unit(tree.makat_p1, code="makat-p1-cell", kind=tree.makat_p1.kind, name="Cell")
    client.force_login(makat_secretary)
    url = reverse("accounts:grant-create", args=[makat_person.pk])
    assert client.post(url, grant_data(deep, roles["member"])).status_code == 302


def test_a_granter_cannot_hand_out_actions_they_do_not_hold(client, tree, make_user, roles):
    """A primary secretary may not be a stepping stone to an auditor's reach on their unit."""
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    from amanat.accounts.models import Role, RoleGrant
    from amanat.accounts.services import role_grant
    from amanat.core.permissions import all_actions

    limited = Role.objects.create(code="grant-only", name_kk="x", name_ru="x", actions=["accounts.manage_grants"])
    granter = make_user()
    RoleGrant.objects.create(user=granter, role=limited, org_unit=tree.makat, valid_from=dt.date(2000, 1, 1))
    target = make_user()
    assert "org.view_iin" in all_actions()
    with pytest.raises(ValidationError) as err:
        role_grant(actor=granter, user=target, role=roles["auditor"], org_unit=tree.makat)
    assert "role" in err.value.message_dict
    assert not RoleGrant.objects.filter(user=target).exists()


def test_a_granted_user_is_notified_in_their_language(tree, make_user, roles):
    from amanat.accounts.services import role_grant
    from amanat.notifications.models import Notification

    secretary = make_user("executive_secretary", tree.regional)
    target = make_user(language="en")
    role_grant(actor=secretary, user=target, role=roles["deputy"], org_unit=tree.makat)
    note = Notification.objects.get(user=target)
    assert tree.makat.name in note.title
