"""Categories, the routing table and deadline policies: the pages, the services and what routing
does to a registered appeal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amanat.appeals.choices import AppealStatus, AppealType, Channel
from amanat.appeals.models import Appeal, Category, DeadlinePolicy, RoutingRule
from amanat.appeals.services import routing as services
from amanat.appeals.services.deadlines import clock_of
from amanat.appeals.services.intake import Intake, appeal_register, route
from amanat.audit.models import AuditEvent
from amanat.core.calendar import add_working_days
from amanat.org.choices import StateBodyKind, TerritoryKind
from amanat.org.models import StateBody
from amanat.org.tests.factories import add_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user: Any, tree: Any) -> Any:
    return make_user("regional_admin", tree.regional, full_name="Regional Admin")


@pytest.fixture
def makat_admin(make_user: Any, tree: Any) -> Any:
    return make_user("executive_secretary", tree.makat, full_name="Makat Secretary")


@pytest.fixture
def akimat(tree: Any) -> StateBody:
    return StateBody.objects.add_root(
        {
            "kind": StateBodyKind.DISTRICT_AKIMAT,
            "name_kk": "Мақат ауданының әкімдігі",
            "name_ru": "Акимат Макатского района",
        }
    )


@pytest.fixture
def settlement(tree: Any) -> Any:
    return add_territory(tree.makat_t, kato="235220100", kind=TerritoryKind.SETTLEMENT, name="Доссор")


# --- categories ------------------------------------------------------------------------------


def test_admin_sees_the_category_tree_sorted_by_name(client, admin, cats):
    client.force_login(admin)
    response = client.get(reverse("appeals:category-list"))
    assert response.status_code == 200
    html = response.content.decode()
    # Siblings by name: "Heating" before "Water supply" under "Housing and utilities".
    assert html.index("Heating") < html.index("Water supply")
    assert html.index("Housing and utilities") < html.index("Roads") < html.index("Social aid")
    assert "heating" in html


def test_category_pages_are_404_without_manage_routing(client, staff, cats):
    client.force_login(staff.makat_operator)  # an operator registers appeals but does not edit routing
    for url in (
        reverse("appeals:category-list"),
        reverse("appeals:category-create"),
        reverse("appeals:category-edit", args=[cats.roads.pk]),
        reverse("appeals:rule-list"),
        reverse("appeals:policy-list"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("appeals:category-deactivate", args=[cats.roads.pk])).status_code == 404
    cats.roads.refresh_from_db()
    assert cats.roads.is_active


def test_create_root_and_child_category(client, admin, cats):
    client.force_login(admin)
    response = client.post(
        reverse("appeals:category-create"),
        {"code": "ecology", "name_kk": "Экология", "name_ru": "Экология", "name_en": "Ecology"},
    )
    assert response.status_code == 302
    ecology = Category.objects.get(code="ecology")
    assert ecology.is_root()
    response = client.post(
        reverse("appeals:category-create") + f"?parent={ecology.pk}",
        {"code": "waste", "name_kk": "Қоқыс", "name_ru": "Вывоз мусора", "name_en": "Waste"},
    )
    assert response.status_code == 302
    waste = Category.objects.get(code="waste")
    assert Category.objects.get_parent(waste).pk == ecology.pk
    assert AuditEvent.objects.filter(verb="appeals.category_created", target_id=str(waste.pk)).exists()


def test_category_with_a_taken_code_or_no_names_is_refused(client, admin, cats):
    client.force_login(admin)
    before = Category.objects.count()
    response = client.post(reverse("appeals:category-create"), {"code": "roads", "name_kk": "", "name_ru": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert "name_kk" in form.errors and "name_ru" in form.errors
    response = client.post(
        reverse("appeals:category-create"), {"code": "roads", "name_kk": "Жол", "name_ru": "Дороги 2"}
    )
    assert response.status_code == 400
    assert "Another category already uses this code." in response.context["form"].errors["code"]
    assert Category.objects.count() == before


def test_edit_category_names(client, admin, cats):
    client.force_login(admin)
    response = client.post(
        reverse("appeals:category-edit", args=[cats.roads.pk]),
        {
            "code": "roads",
            "name_kk": "Жолдар мен көпірлер",
            "name_ru": "Дороги и мосты",
            "name_en": "Roads and bridges",
        },
    )
    assert response.status_code == 302
    cats.roads.refresh_from_db()
    assert cats.roads.name_ru == "Дороги и мосты"
    event = AuditEvent.objects.get(verb="appeals.category_changed", target_id=str(cats.roads.pk))
    assert event.changes["name_ru"] == ["Дороги", "Дороги и мосты"]


def test_deactivate_takes_the_subtree_out_of_use_and_reactivate_brings_it_back(client, admin, cats):
    client.force_login(admin)
    response = client.post(reverse("appeals:category-deactivate", args=[cats.housing.pk]))
    assert response.status_code == 302
    states = dict(Category.objects.values_list("code", "is_active"))
    assert states["housing"] is False and states["heating"] is False and states["water"] is False
    assert states["roads"] is True
    # A child cannot come back while its parent is out of use.
    with pytest.raises(ValidationError):
        services.category_reactivate(actor=admin, category=cats.heating)
    client.post(reverse("appeals:category-reactivate", args=[cats.housing.pk]))
    cats.housing.refresh_from_db()
    assert cats.housing.is_active


def test_a_category_with_appeals_is_never_deleted(client, admin, cats, appeal_factory):
    appeal_factory(category=cats.water)
    client.force_login(admin)
    response = client.post(reverse("appeals:category-delete", args=[cats.water.pk]), follow=True)
    assert Category.objects.filter(pk=cats.water.pk).exists()
    assert "cannot be deleted" in response.content.decode()
    # Nor its parent.
    with pytest.raises(ValidationError):
        services.category_delete(actor=admin, category=cats.housing)
    # An unused leaf can go.
    client.post(reverse("appeals:category-delete", args=[cats.social.pk]))
    assert not Category.objects.filter(pk=cats.social.pk).exists()


def test_categories_and_policies_serve_the_region_so_a_district_secretary_only_reads_them(
    client, makat_admin, admin, cats
):
    client.force_login(makat_admin)
    page = client.get(reverse("appeals:category-list"))
    assert page.status_code == 200 and cats.roads.name_ru in page.content.decode()
    assert reverse("appeals:category-edit", args=[cats.roads.pk]) not in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.category_update(actor=makat_admin, category=cats.roads, changes={"name_en": "Roads!"})
    edit = client.post(reverse("appeals:category-edit", args=[cats.roads.pk]), {"code": "roads", "name_en": "Roads!"})
    assert edit.status_code == 403
    assert client.post(reverse("appeals:policy-edit", args=["complaint"]), {"term_days": 5}).status_code == 403
    assert reverse("appeals:policy-edit", args=["complaint"]) not in client.get(reverse("appeals:policy-list")).text
    cats.roads.refresh_from_db()
    assert cats.roads.name_en != "Roads!"
    # The regional branch edits them.
    services.category_update(actor=admin, category=cats.roads, changes={"name_en": "Roads!"})
    cats.roads.refresh_from_db()
    assert cats.roads.name_en == "Roads!"


def test_category_services_refuse_users_without_the_action(staff, cats):
    with pytest.raises(PermissionDenied):
        services.category_create(actor=staff.makat_operator, code="x", name_kk="x", name_ru="x")
    with pytest.raises(PermissionDenied):
        services.category_deactivate(actor=staff.makat_deputy, category=cats.roads)


# --- routing rules ---------------------------------------------------------------------------


def test_rule_specificity_exact_category_beats_parent_settlement_beats_district_any_last(admin, tree, cats, settlement):
    any_rule = services.rule_create(actor=admin, org_unit=tree.regional)
    parent_rule = services.rule_create(actor=admin, category=cats.housing, org_unit=tree.city)
    district_rule = services.rule_create(
        actor=admin, category=cats.heating, territory=tree.makat_t, org_unit=tree.makat
    )
    village_rule = services.rule_create(
        actor=admin, category=cats.heating, territory=settlement, org_unit=tree.makat_p1
    )
    assert route(cats.heating, settlement) == village_rule
    assert route(cats.heating, tree.makat_t) == district_rule
    assert route(cats.heating, tree.inder_t) == parent_rule  # the parent category, any place
    assert route(cats.water, settlement) == parent_rule
    assert route(cats.roads, settlement) == any_rule
    assert route(None, None) == any_rule


def test_duplicate_rule_is_refused_with_a_clear_message(client, admin, tree, cats):
    services.rule_create(actor=admin, category=cats.roads, territory=tree.makat_t, org_unit=tree.makat)
    services.rule_create(actor=admin, org_unit=tree.regional)  # the "any × any" rule
    client.force_login(admin)
    response = client.post(
        reverse("appeals:rule-create"),
        {"category": cats.roads.pk, "territory": tree.makat_t.pk, "org_unit": tree.inder.pk},
    )
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["category"])
    # Empty category and territory are "any": a second any × any rule is a duplicate too.
    response = client.post(reverse("appeals:rule-create"), {"org_unit": tree.city.pk})
    assert response.status_code == 400
    assert RoutingRule.objects.count() == 2


def test_admin_creates_edits_and_deletes_a_rule_through_the_pages(client, admin, tree, cats, akimat, staff):
    client.force_login(admin)
    response = client.post(
        reverse("appeals:rule-create"),
        {
            "category": cats.heating.pk,
            "territory": tree.makat_t.pk,
            "org_unit": tree.makat.pk,
            "default_executor": staff.makat_deputy.pk,
            "state_body": akimat.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    rule = RoutingRule.objects.get()
    assert (rule.org_unit, rule.default_executor, rule.state_body) == (tree.makat, staff.makat_deputy, akimat)
    page = client.get(reverse("appeals:rule-list")).content.decode()
    assert "Makat Deputy" in page
    response = client.post(
        reverse("appeals:rule-edit", args=[rule.pk]),
        {"category": cats.heating.pk, "territory": tree.makat_t.pk, "org_unit": tree.makat_p1.pk},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.org_unit == tree.makat_p1 and rule.default_executor is None
    assert client.get(reverse("appeals:rule-delete", args=[rule.pk])).status_code == 200
    client.post(reverse("appeals:rule-delete", args=[rule.pk]))
    assert not RoutingRule.objects.exists()
    verbs = set(AuditEvent.objects.filter(verb__startswith="appeals.rule_").values_list("verb", flat=True))
    assert verbs == {"appeals.rule_created", "appeals.rule_changed", "appeals.rule_deleted"}


def test_default_executor_must_work_on_the_unit(admin, tree, cats, staff):
    with pytest.raises(ValidationError) as exc:
        services.rule_create(actor=admin, category=cats.roads, org_unit=tree.makat, default_executor=staff.inder_deputy)
    assert "default_executor" in exc.value.message_dict
    assert not RoutingRule.objects.exists()


def test_makat_admin_cannot_create_a_rule_for_an_inder_unit(client, makat_admin, tree, cats):
    client.force_login(makat_admin)
    response = client.post(reverse("appeals:rule-create"), {"category": cats.roads.pk, "org_unit": tree.inder.pk})
    assert response.status_code == 400
    assert "org_unit" in response.context["form"].errors
    with pytest.raises(ValidationError) as exc:
        services.rule_create(actor=makat_admin, category=cats.roads, org_unit=tree.inder)
    assert "org_unit" in exc.value.message_dict
    assert not RoutingRule.objects.exists()
    # Within Makat it works.
    services.rule_create(actor=makat_admin, category=cats.roads, org_unit=tree.makat_p1)
    assert RoutingRule.objects.count() == 1


def test_rules_of_other_districts_are_invisible_and_404(client, admin, makat_admin, tree, cats):
    inder_rule = services.rule_create(actor=admin, category=cats.roads, territory=tree.inder_t, org_unit=tree.inder)
    makat_rule = services.rule_create(actor=admin, category=cats.roads, territory=tree.makat_t, org_unit=tree.makat)
    client.force_login(makat_admin)
    page = client.get(reverse("appeals:rule-list"))
    assert [r.pk for r in page.context["rules"]] == [makat_rule.pk]
    assert client.get(reverse("appeals:rule-edit", args=[inder_rule.pk])).status_code == 404
    assert client.post(reverse("appeals:rule-delete", args=[inder_rule.pk])).status_code == 404
    assert RoutingRule.objects.filter(pk=inder_rule.pk).exists()
    with pytest.raises(PermissionDenied):
        services.rule_delete(actor=makat_admin, rule=inder_rule)


def test_route_test_box_shows_which_rule_wins(client, admin, tree, cats):
    services.rule_create(actor=admin, category=cats.housing, org_unit=tree.city)
    winner = services.rule_create(actor=admin, category=cats.heating, territory=tree.makat_t, org_unit=tree.makat)
    client.force_login(admin)
    url = reverse("appeals:rule-list")
    response = client.get(url, {"test-category": cats.heating.pk, "test-territory": tree.makat_t.pk})
    assert response.context["test"].rule == winner
    assert f'data-route-rule="{winner.pk}"' in response.content.decode()
    # htmx asks for the result box only.
    response = client.get(url, {"test-category": cats.roads.pk, "test-territory": ""}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "No rule applies" in html and "<table" not in html


def test_registered_appeal_follows_the_rule_unit_executor_and_state_body(admin, tree, cats, staff, akimat):
    services.rule_create(
        actor=admin,
        category=cats.heating,
        territory=tree.makat_t,
        org_unit=tree.makat,
        default_executor=staff.makat_deputy,
        state_body=akimat,
    )
    intake = Intake(
        appeal_type=AppealType.COMPLAINT,
        channel=Channel.VISIT,
        text="В посёлке Макат нет отопления в школе.",
        category=cats.heating,
        territory=tree.makat_t,
        applicant_name="Иванов Иван",
        applicant_phone="+77011112233",
    )
    appeal = appeal_register(actor=staff.regional_secretary, intake=intake).appeal
    assert appeal.org_unit == tree.makat
    assert appeal.executor == staff.makat_deputy
    assert appeal.state_body == akimat


# --- deadline policies -----------------------------------------------------------------------


def test_policy_list_shows_the_law_defaults_for_types_never_saved(client, admin):
    client.force_login(admin)
    response = client.get(reverse("appeals:policy-list"))
    assert response.status_code == 200
    policies = {p.appeal_type: p for p in response.context["policies"]}
    assert set(policies) == set(AppealType.values)
    assert policies[AppealType.COMPLAINT].term_days == 20
    assert policies[AppealType.STATEMENT].term_days == 15
    assert not DeadlinePolicy.objects.exists()


def _policy_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "term_days": 15,
        "forward_days": 3,
        "max_total_months": 2,
        "max_extensions": 1,
        "notify_extension_days": 3,
        "convention": "next_day",
        "reminder_days": "3,1",
        "escalation_days": "0,2,5",
        "reopen_days": 30,
        "review_below": 3,
    }
    data.update(overrides)
    return data


def test_policy_with_bad_escalation_changes_nothing(client, admin):
    client.force_login(admin)
    url = reverse("appeals:policy-edit", args=[AppealType.STATEMENT])
    response = client.post(url, _policy_data(term_days=10, escalation_days="5,2"))
    assert response.status_code == 400
    assert "escalation_days" in response.context["form"].errors
    response = client.post(url, _policy_data(reminder_days="three"))
    assert response.status_code == 400
    assert "reminder_days" in response.context["form"].errors
    assert not DeadlinePolicy.objects.exists()
    assert not AuditEvent.objects.filter(verb="appeals.policy_changed").exists()


def test_policy_save_recomputes_open_appeals_deadlines(
    client, admin, appeal_factory, django_capture_on_commit_callbacks
):
    received = dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
    appeal = appeal_factory(received_at=received)
    closed = appeal_factory(received_at=received)
    Appeal.objects.filter(pk=closed.pk).update(status=AppealStatus.CLOSED)
    assert appeal.deadline == add_working_days(appeal.registered_on, 15)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appeals:policy-edit", args=[AppealType.STATEMENT]), _policy_data(term_days=10))
    assert response.status_code == 302
    policy = DeadlinePolicy.objects.get(appeal_type=AppealType.STATEMENT)
    assert policy.term_days == 10
    appeal.refresh_from_db()
    assert appeal.deadline == add_working_days(appeal.registered_on, 10)
    assert appeal.deadline == clock_of(appeal).deadline
    closed_before = closed.deadline
    closed.refresh_from_db()
    assert closed.deadline == closed_before  # a finished appeal keeps the deadline it had
    event = AuditEvent.objects.get(verb="appeals.policy_changed")
    assert event.changes["term_days"] == [15, 10]


def test_policy_edit_is_audited_with_a_diff_on_later_saves(admin):
    services.policy_save(actor=admin, appeal_type=AppealType.COMPLAINT, changes={"term_days": 25})
    services.policy_save(actor=admin, appeal_type=AppealType.COMPLAINT, changes={"term_days": 25, "reopen_days": 10})
    events = list(AuditEvent.objects.filter(verb="appeals.policy_changed").order_by("id"))
    assert events[0].changes == {"term_days": [20, 25]}  # from the law's default for complaints
    assert events[1].changes == {"reopen_days": [30, 10]}


def test_policy_save_needs_manage_routing(staff):
    with pytest.raises(PermissionDenied):
        services.policy_save(actor=staff.makat_operator, appeal_type=AppealType.COMPLAINT, changes={"term_days": 5})
    assert not DeadlinePolicy.objects.exists()


def test_unknown_policy_type_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("appeals:policy-edit", args=["nonsense"])).status_code == 404


def test_route_test_box_with_a_bad_choice_says_so(client, admin, cats):
    client.force_login(admin)
    response = client.get(reverse("appeals:rule-list"), {"test-category": "999999", "test-territory": ""})
    assert response.status_code == 200
    assert response.context["test"].rule is None
    assert "Select a valid choice" in response.content.decode()


def test_policy_and_rule_forms_render(client, admin, tree, cats):
    client.force_login(admin)
    page = client.get(reverse("appeals:policy-edit", args=[AppealType.COMPLAINT]))
    assert page.status_code == 200
    assert page.context["form"]["term_days"].value() == 20  # the law's default for complaints
    page = client.get(reverse("appeals:rule-create"))
    assert page.status_code == 200
    units = list(page.context["form"].fields["org_unit"].queryset)
    assert tree.regional in units and tree.central not in units
