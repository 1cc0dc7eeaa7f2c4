"""The demo projects: five projects, about twenty events, results and hours, loaded only once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from amanat.demo.projects import load_projects
from amanat.projects.choices import SignUpStatus
from amanat.projects.models import Event, EventResult, Project, SignUp
from amanat.projects.selectors import ranking


@pytest.mark.django_db
def test_demo_projects_are_realistic_and_idempotent(client: object) -> None:
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    load_projects()
    assert Project.objects.count() == 5
    assert Event.objects.count() == 20
    assert EventResult.objects.exists()
    assert SignUp.objects.filter(status=SignUpStatus.ATTENDED, hours__gt=0).exists()
    assert SignUp.objects.filter(status=SignUpStatus.SIGNED_UP).exists()
    assert len(ranking()) >= 5
    assert load_projects() == 0
    assert Event.objects.count() == 20
    assert client.get(reverse("projects:public-list")).status_code == 200  # type: ignore[attr-defined]
    assert client.get(reverse("projects:public-detail", args=["taza-like"])).status_code == 200  # type: ignore[attr-defined]
