"""The party control pages added for issue 4: a plan's card and its edit form, editing an open
recommendation, deleting a visit photo — who may, what bad input gets, and that it is audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.programme.models import (
    ControlPlan,
    MonitoringVisit,
    ObjectKind,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)
from amanat.programme.services import control

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Atyrau")), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def plan(prog: SimpleNamespace, tree: SimpleNamespace) -> ControlPlan:
    return control.control_plan_create(
        actor=prog.control, org_unit=tree.makat, year=2026, title_kk="Мақат жоспары", title_ru="План Макат"
    )


@pytest.fixture
def visit(prog: SimpleNamespace, tree: SimpleNamespace, plan: ControlPlan) -> MonitoringVisit:
    return control.monitoring_visit_create(
        actor=prog.control,
        org_unit=tree.makat,
        plan=plan,
        object_name="Makat clinic",
        kind=ObjectKind.CLINIC,
        visited_on=TODAY,
        status=VisitStatus.DONE,
        members=[prog.deputy],
        items=[prog.clinic],
    )


def _recommend(prog: SimpleNamespace, visit: MonitoringVisit, **extra: Any) -> Recommendation:
    values = {"text": "Repair the roof", "addressee_body": prog.health, "issued_on": TODAY} | extra
    return control.recommendation_create(actor=prog.control, visit=visit, **values)


# A plan's card


def test_the_plan_card_counts_each_visits_recommendations(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, plan: ControlPlan, visit: MonitoringVisit
) -> None:
    _recommend(prog, visit, text="Open one")
    late = _recommend(prog, visit, text="Late one", issued_on=dt.date(2026, 11, 2), deadline_days=5)
    Recommendation.objects.filter(pk=late.pk).update(status=RecommendationStatus.OVERDUE)
    done = _recommend(prog, visit, text="Done one")
    control.recommendation_close(actor=prog.control, recommendation=done, outcome="done", response="Done.")
    control.monitoring_visit_create(
        actor=prog.control, org_unit=tree.makat, plan=plan, object_name="Makat road", visited_on=TODAY + dt.timedelta(3)
    )
    control.monitoring_visit_create(actor=prog.control, org_unit=tree.makat, object_name="Unplanned", visited_on=TODAY)

    client.force_login(prog.deputy)
    listing = client.get(reverse("programme:control-plan-list"))
    url = reverse("programme:control-plan-detail", args=[plan.pk])
    assert url in listing.text
    page = client.get(url)
    assert page.status_code == 200
    rows = {v.object_name: (v.rec_total, v.rec_open, v.rec_overdue, v.rec_done) for v in page.context["visits"]}
    assert rows == {"Makat clinic": (3, 2, 1, 1), "Makat road": (0, 0, 0, 0)}
    assert page.context["totals"] == {"visits": 2, "done": 1, "recommendations": 3, "open": 2, "overdue": 1}
    assert "Unplanned" not in page.text and "Makat clinic" in page.text


def test_the_plan_card_follows_the_scope_matrix(
    client: Any, make_user: Any, tree: SimpleNamespace, plan: ControlPlan
) -> None:
    from conftest import scope_matrix

    scope_matrix(
        client, make_user, tree, url=reverse("programme:control-plan-detail", args=[plan.pk]), role="party_control"
    )


# Editing a plan


def test_a_plan_is_corrected_through_its_form(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, plan: ControlPlan
) -> None:
    client.force_login(prog.deputy)
    url = reverse("programme:control-plan-edit", args=[plan.pk])
    assert client.get(url).status_code == 200
    data = {"org_unit": tree.makat.pk, "year": "2026", "title_kk": "Жаңа атау", "title_ru": "  ", "approved_on": ""}
    page = client.post(url, data)
    assert page.status_code == 200
    plan.refresh_from_db()
    assert plan.title_kk == "Мақат жоспары"
    answer = client.post(url, data | {"title_ru": "Новое название", "approved_on": "2026-01-20"})
    assert answer.status_code == 302 and answer.url == reverse("programme:control-plan-detail", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.title_kk, plan.title_ru, plan.approved_on) == ("Жаңа атау", "Новое название", dt.date(2026, 1, 20))
    event = AuditEvent.objects.get(verb="programme.control_plan_updated", target_id=str(plan.pk))
    assert set(event.changes) == {"title_kk", "title_ru", "approved_on"}


def test_a_plan_cannot_be_moved_out_of_ones_scope_or_edited_from_outside(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, plan: ControlPlan, make_user: Any
) -> None:
    url = reverse("programme:control-plan-edit", args=[plan.pk])
    client.force_login(prog.inder_deputy)
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"org_unit": tree.inder.pk, "year": "2026", "title_kk": "x", "title_ru": "x"}).status_code
        == 404
    )
    client.force_login(prog.deputy)
    page = client.post(url, {"org_unit": tree.inder.pk, "year": "2026", "title_kk": "x", "title_ru": "x"})
    assert page.status_code == 200 and page.context["form"].errors["org_unit"]
    client.force_login(make_user("auditor", tree.regional))
    assert client.get(url).status_code == 404
    plan.refresh_from_db()
    assert (plan.org_unit, plan.title_kk) == (tree.makat, "Мақат жоспары")


# Editing a recommendation


def test_an_open_recommendation_is_corrected_and_its_deadline_counted_again(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = _recommend(prog, visit)
    client.force_login(prog.deputy)
    detail = client.get(reverse("programme:control-visit-detail", args=[visit.pk]))
    url = reverse("programme:control-recommendation-edit", args=[rec.pk])
    assert url in detail.text
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"text": "Fix it", "addressee_body": prog.health.pk, "issued_on": "2026-12-11", "deadline_days": "0"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["deadline_days"]
    data = {
        "text": "Fix the roof and gutters",
        "addressee_body": prog.health.pk,
        "issued_on": "2026-12-11",
        "deadline_days": "3",
    }
    assert client.post(url, data).status_code == 302
    rec.refresh_from_db()
    assert (rec.text, rec.deadline) == ("Fix the roof and gutters", dt.date(2026, 12, 17))
    assert AuditEvent.objects.filter(verb="programme.recommendation_updated", target_id=str(rec.pk)).exists()


def test_a_closed_recommendation_cannot_be_edited(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    rec = _recommend(prog, visit)
    control.recommendation_close(actor=prog.control, recommendation=rec, outcome="done", response="Repaired.")
    client.force_login(prog.deputy)
    url = reverse("programme:control-recommendation-edit", args=[rec.pk])
    assert url not in client.get(reverse("programme:control-visit-detail", args=[visit.pk])).text
    shown = client.get(url, follow=True)
    assert "A closed recommendation cannot be changed." in shown.text
    data = {"text": "Other", "addressee_body": prog.health.pk, "issued_on": "2026-12-01", "deadline_days": "5"}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "A closed recommendation cannot be changed." in page.text
    rec.refresh_from_db()
    assert (rec.text, rec.status) == ("Repair the roof", RecommendationStatus.DONE)


def test_a_recommendation_of_another_district_cannot_be_edited(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = _recommend(prog, visit)
    client.force_login(prog.inder_deputy)
    url = reverse("programme:control-recommendation-edit", args=[rec.pk])
    data = {"text": "Other", "addressee_body": prog.health.pk, "issued_on": "2026-12-01", "deadline_days": "5"}
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    rec.refresh_from_db()
    assert rec.text == "Repair the roof"


# Deleting a photo


@pytest.fixture
def photo(prog: SimpleNamespace, visit: MonitoringVisit) -> VisitPhoto:
    return control.visit_photo_add(
        actor=prog.control, visit=visit, upload=SimpleUploadedFile("roof.png", PNG, content_type="image/png")
    )


def test_a_removed_photo_is_hidden_after_confirmation_and_kept_for_the_record(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit, photo: VisitPhoto
) -> None:
    storage, name = photo.file.storage, photo.file.name
    client.force_login(prog.deputy)
    url = reverse("programme:control-photo-delete", args=[photo.pk])
    assert url in client.get(reverse("programme:control-visit-detail", args=[visit.pk])).text
    confirm = client.get(url)
    assert confirm.status_code == 200 and "roof.png" in confirm.text and 'method="post"' in confirm.text
    assert VisitPhoto.objects.filter(pk=photo.pk).exists()  # asking is not removing

    answer = client.post(url)
    assert answer.status_code == 302 and answer.url == reverse("programme:control-visit-detail", args=[visit.pk])
    assert not VisitPhoto.objects.filter(pk=photo.pk).exists()
    assert "roof.png" not in client.get(answer.url).text
    assert client.get(reverse("programme:control-photo", args=[photo.pk])).status_code == 404
    kept = VisitPhoto.all_objects.get(pk=photo.pk)
    assert kept.deleted_by == prog.deputy and storage.exists(name)
    event = AuditEvent.objects.get(verb="programme.visit_photo_deleted", target_id=str(visit.pk))
    assert event.data["name"] == "roof.png"


def test_only_those_who_verify_in_the_branch_may_delete_a_photo(
    client: Any, prog: SimpleNamespace, photo: VisitPhoto, make_user: Any, tree: SimpleNamespace
) -> None:
    url = reverse("programme:control-photo-delete", args=[photo.pk])
    for user in (prog.inder_deputy, make_user("auditor", tree.regional), prog.health_reporter):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert VisitPhoto.objects.filter(pk=photo.pk).exists()
    assert photo.file.storage.exists(photo.file.name)
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    assert VisitPhoto.objects.filter(pk=photo.pk).exists()


def test_the_new_pages_render_in_kazakh_and_russian(
    client: Any, prog: SimpleNamespace, plan: ControlPlan, visit: MonitoringVisit, photo: VisitPhoto
) -> None:
    rec = _recommend(prog, visit)
    client.force_login(prog.control)
    urls = [
        reverse("programme:control-plan-detail", args=[plan.pk]),
        reverse("programme:control-plan-edit", args=[plan.pk]),
        reverse("programme:control-recommendation-edit", args=[rec.pk]),
        reverse("programme:control-photo-delete", args=[photo.pk]),
        reverse("programme:control-visit-create") + f"?plan={plan.pk}",
    ]
    for language in ("kk", "ru", "en"):
        for url in urls:
            assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, (language, url)
