from typing import Any
from django.urls import reverse
from amanat.assignments.models import Assignment


def test_probe(client: Any, org: Any) -> None:
    client.force_login(org.makat_secretary)
    body = {"org_unit": org.tree.makat.pk, "title": "Clean", "text": "x", "control_level": "regular",
            "deadline_days": "10", "unit_recipients": [org.tree.makat_p1.pk]}
    client.post(reverse("assignments:issue"), body)
    client.post(reverse("assignments:issue"), body)
    assert Assignment.objects.count() == 1
