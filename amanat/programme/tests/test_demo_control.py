"""The demo party control work: plans, visits with photos and recommendations, posts with checks;
realistic, linked to the demo programme, and loaded only once."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from amanat.demo.programme import CODE
from amanat.demo.programme_control import load_control
from amanat.programme.models import (
    ControlPlan,
    ControlPost,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (ControlPlan, MonitoringVisit, VisitPhoto, Recommendation, ControlPost, PostCheck)
    )


def test_demo_control_work_is_realistic_and_loaded_once(client: Any) -> None:
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())

    assert sorted(ControlPlan.objects.values_list("year", flat=True)) == [2025, 2026]
    visits = MonitoringVisit.objects.all()
    assert 9 <= visits.count() <= 12
    assert {ObjectKind.SCHOOL, ObjectKind.ROAD, ObjectKind.CLINIC} <= set(visits.values_list("kind", flat=True))
    assert visits.values("org_unit").distinct().count() >= 6  # across the districts
    assert not visits.filter(items__isnull=True).exists()
    assert not visits.exclude(items__programme__code=CODE).exists()
    done = visits.filter(status=VisitStatus.DONE)
    assert all(v.findings and v.address for v in done)
    assert any("ауыл" in v.findings or "жол" in v.findings for v in done)  # Kazakh findings beside the Russian
    assert visits.filter(status=VisitStatus.PLANNED).exists()

    photo = VisitPhoto.objects.first()
    assert photo is not None and photo.content_type == "image/png"
    with photo.file.open("rb") as handle, Image.open(handle) as picture:
        assert picture.format == "PNG" and picture.size[0] > 100

    recs = Recommendation.objects.all()
    statuses = set(recs.values_list("status", flat=True))
    assert {RecommendationStatus.DONE, RecommendationStatus.OPEN, RecommendationStatus.OVERDUE} <= statuses
    assert recs.filter(status=RecommendationStatus.OVERDUE).count() == 1
    assert all(r.response for r in recs.filter(status__in=[RecommendationStatus.DONE, RecommendationStatus.REJECTED]))
    assert not recs.filter(status=RecommendationStatus.OPEN, deadline__lt=timezone.localdate()).exists()

    posts = ControlPost.objects.all()
    assert 4 <= posts.count() <= 6
    assert all(2 <= p.checks.count() <= 4 for p in posts)
    checks = list(PostCheck.objects.all())
    assert any(c.wage_arrears == "issue" and c.wage_arrears_note for c in checks)
    assert any(c.safety == "issue" and c.safety_note for c in checks)
    assert any(not c.has_issues for c in checks)

    before = _counts()
    assert load_control() == 0
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    assert _counts() == before

    client.force_login(get_user_model().objects.get(email="control@amanat.kz"))
    plan = ControlPlan.objects.get(year=2026)
    page = client.get(f"/manage/programme/control/plans/{plan.pk}/")
    assert page.status_code == 200
    assert page.context["totals"]["visits"] == plan.visits.count() > 0
