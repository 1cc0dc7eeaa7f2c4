"""The demo loader: meetings with raised issues as appeals, a signed bureau protocol; idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from amanat.meetings.models import Meeting, RaisedIssue


@pytest.mark.django_db
def test_demo_meetings_load_once(tree: Any, make_user: Any) -> None:
    from django.contrib.auth import get_user_model

    from amanat.accounts.models import Role, RoleGrant
    from amanat.demo.meetings import load_meetings

    user = get_user_model().objects.create_user("secretary@amanat.kz", "x", full_name="Хатшы")
    make_user("executive_secretary", tree.regional)  # makes the roles
    RoleGrant.objects.create(
        user=user, role=Role.objects.get(code="executive_secretary"), org_unit=tree.regional, valid_from="2000-01-01"
    )
    added = load_meetings()
    assert added > 10
    assert RaisedIssue.objects.count() >= 4
    assert Meeting.objects.filter(status="protocol_signed", kind="bureau").count() == 1
    assert Meeting.objects.filter(is_public=True, status="planned").exists()
    assert load_meetings() == 0
