"""A demo loaded without its 3,000 members (`--base-members 0`, for quick runs) still works whole."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from amanat.accounts.models import RoleGrant, User
from amanat.accounts.roles import ROLE_NAMES
from amanat.demo.logins import LOGINS
from amanat.org.choices import OrgUnitKind
from amanat.org.models import Member, OrgUnit, Position


@pytest.mark.django_db
def test_a_demo_without_base_members_still_has_the_structure_posts_and_every_login() -> None:
    out = StringIO()
    call_command("demo_data", "--base-members", "0", "--members", "120", stdout=out)
    assert OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY).count() >= 55
    assert set(RoleGrant.objects.values_list("role__code", flat=True)) == set(ROLE_NAMES)
    assert User.objects.filter(email__in=[login.email for login in LOGINS]).count() == len(LOGINS)
    assert not User.objects.filter(full_name="").exists()
    assert Position.objects.filter(org_unit__code="atyrau", kind="chairman").exists()
    # The akims (and some officials) are members; 120 generated ones come on top.
    assert Member.objects.filter(card_number__startswith="ATB").count() == 120
    assert "Generated 120 members" in out.getvalue()


def test_a_count_that_is_not_a_number_is_refused_before_anything_is_written(db: Any) -> None:
    with pytest.raises(CommandError, match="--members: invalid int value: 'many'"):
        call_command("demo_data", "--members", "many")
    assert not OrgUnit.objects.exists()
