"""The import preview: upload shows what would be written and writes nothing; "Confirm import"
writes the kept file once; a stale, foreign or expired token writes nothing; kept files go away."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.programme import importing
from amanat.programme.models import Indicator, Item, Programme
from amanat.programme.tests.test_importing import indicator_row, item_row, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, make_user):
    return make_user("regional_admin", tree.regional)


@pytest.fixture
def empty(tree):
    return Programme.objects.create(
        code="new", title_kk="Жаңа", title_ru="Новая", first_year=2025, last_year=2029, org_unit=tree.regional
    )


def good_file() -> Any:
    return xlsx([item_row("1"), item_row("1.1", "1"), item_row("1.2", "1")], [indicator_row("1.1")])


def kept_names(token: str) -> list[str]:
    return [f"{importing.KEPT_DIR}/{token}.xlsx", f"{importing.KEPT_DIR}/{token}.json"]


def confirm(client: Any, token: str) -> Any:
    return client.post(reverse("programme:import-confirm"), {"token": token})


def test_preview_writes_nothing_then_confirm_writes_all(client, admin, empty):
    preview = upload(client, admin, empty, good_file())
    assert preview.status_code == 200
    assert preview.context["preview"].items == {"create": 3, "update": 0, "same": 0}
    assert preview.context["preview"].indicators == {"create": 1, "update": 0, "same": 0}
    assert [row.code for row in preview.context["preview"].item_rows] == ["1", "1.1", "1.2"]
    assert "Confirm import" in preview.content.decode()
    assert not Item.objects.filter(programme=empty).exists()
    token = preview.context["token"]
    assert all(default_storage.exists(name) for name in kept_names(token))

    done = confirm(client, token)
    assert done.status_code == 302
    assert done["Location"] == f"{reverse('programme:import')}?imported={empty.pk}"
    assert set(Item.objects.filter(programme=empty).values_list("code", flat=True)) == {"1", "1.1", "1.2"}
    assert Indicator.objects.filter(item__programme=empty).count() == 1
    assert not any(default_storage.exists(name) for name in kept_names(token))
    # After the import: the offer to record the programme as a new version.
    page = client.get(done["Location"])
    assert reverse("programme:version-adopt", args=[empty.pk]) in page.content.decode()


def test_preview_shows_what_an_update_changes(client, admin, prog):
    file = xlsx(
        [
            item_row("1", title_kk="Денсаулық", title_ru="Здоровье", unit_code="atyrau"),
            item_row("1.1", "1", title_kk="Емхана", title_ru="Поликлиника в Макате", responsible_body=prog.health.pk,
                     planned_start="2025-01-01", planned_end="2027-12-31"),
        ],
        [indicator_row("1.1", name_kk="Төсек", name_ru="Койки", unit="шт.", baseline=0, target=60)],
    )  # fmt: skip
    preview = upload(client, admin, prog.programme, file)
    result = preview.context["preview"]
    assert result.items == {"create": 0, "update": 1, "same": 1}
    [_direction, clinic] = result.item_rows
    assert clinic.action == "update"
    assert ("planned end", "31.12.2026", "31.12.2027") in clinic.changes
    [beds] = result.indicator_rows
    assert beds.action == "update" and ("target", "100", "60") in beds.changes
    assert "31.12.2027" in preview.content.decode()
    Item.objects.get(pk=prog.clinic.pk)  # nothing written yet
    assert Item.objects.get(pk=prog.clinic.pk).planned_end == dt.date(2026, 12, 31)


def test_a_file_with_errors_keeps_nothing_and_offers_no_confirm(client, admin, empty):
    response = upload(client, admin, empty, xlsx([item_row("1"), item_row("2.1", "9")]))
    assert response.status_code == 200
    assert [(e.sheet, e.row) for e in response.context["errors"]] == [("Items", 3)]
    assert response.context["token"] == ""
    text = response.content.decode()
    assert "nothing was imported" in text
    assert reverse("programme:import-confirm") not in text


@pytest.mark.parametrize("token", ["0" * 32, "not-a-token", "", "../../etc/passwd"])
def test_confirm_with_an_unknown_token_writes_nothing(client, admin, empty, token):
    client.force_login(admin)
    response = confirm(client, token)
    assert response.status_code == 410
    assert "upload the file again" in response.content.decode()
    assert not Item.objects.filter(programme=empty).exists()


def test_confirming_twice_writes_once(client, admin, empty):
    token = upload(client, admin, empty, good_file()).context["token"]
    assert confirm(client, token).status_code == 302
    assert confirm(client, token).status_code == 410
    assert Item.objects.filter(programme=empty).count() == 3
    assert AuditEvent.objects.filter(verb="programme.imported").count() == 1


def test_the_same_token_is_never_written_twice_even_if_its_file_is_back(client, admin, empty):
    token = upload(client, admin, empty, good_file()).context["token"]
    data = default_storage.open(kept_names(token)[0], "rb").read()
    meta = default_storage.open(kept_names(token)[1], "rb").read()
    assert confirm(client, token).status_code == 302
    # A confirm racing the first one still finds its file: the audit record of the token stops it.
    for name, content in zip(kept_names(token), (data, meta), strict=True):
        with default_storage.open(name, "wb") as handle:
            handle.write(content)
    assert confirm(client, token).status_code == 410
    assert Item.objects.filter(programme=empty).count() == 3


def test_another_persons_token_writes_nothing(client, admin, empty, make_user, tree):
    token = upload(client, admin, empty, good_file()).context["token"]
    client.force_login(make_user("regional_admin", tree.regional))
    assert confirm(client, token).status_code == 410
    assert not Item.objects.filter(programme=empty).exists()
    # The owner still can.
    client.force_login(admin)
    assert confirm(client, token).status_code == 302


def test_a_token_older_than_a_day_has_expired(client, admin, empty):
    with time_machine.travel(dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.UTC)):
        token = upload(client, admin, empty, good_file()).context["token"]
    with time_machine.travel(dt.datetime(2025, 9, 2, 10, 1, tzinfo=dt.UTC)):
        client.force_login(admin)
        assert confirm(client, token).status_code == 410
    assert not Item.objects.filter(programme=empty).exists()
    assert not any(default_storage.exists(name) for name in kept_names(token))


def test_old_kept_files_are_purged(client, admin, empty):
    with time_machine.travel(dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.UTC)):
        old = upload(client, admin, empty, good_file()).context["token"]
    with time_machine.travel(dt.datetime(2025, 9, 2, 9, 0, tzinfo=dt.UTC)):
        fresh = upload(client, admin, empty, good_file()).context["token"]
    with time_machine.travel(dt.datetime(2025, 9, 2, 11, 0, tzinfo=dt.UTC)):
        importing.purge_kept()
    assert not any(default_storage.exists(name) for name in kept_names(old))
    assert all(default_storage.exists(name) for name in kept_names(fresh))
    importing.forget(fresh)


def test_confirm_needs_manage_rights(client, make_user, tree, admin, empty):
    token = upload(client, admin, empty, good_file()).context["token"]
    client.force_login(make_user("deputy", tree.regional))
    assert confirm(client, token).status_code == 404
    assert not Item.objects.filter(programme=empty).exists()
    importing.forget(token)


def test_confirm_rechecks_the_file_against_the_programme_today(client, admin, empty):
    """Between the preview and the confirm someone added item 1 under another parent: the kept file
    would now move it, so it is refused row by row and nothing is written."""
    token = upload(client, admin, empty, xlsx([item_row("1"), item_row("2"), item_row("2.1", "2")])).context["token"]
    parent = Item.objects.add_root(
        {"programme": empty, "code": "9", "title_kk": "Т", "title_ru": "П", "org_unit": empty.org_unit}
    )
    Item.objects.add_child(
        parent, {"programme": empty, "code": "2.1", "title_kk": "Т", "title_ru": "П", "org_unit": empty.org_unit}
    )
    response = confirm(client, token)
    assert response.status_code == 200
    assert [(e.sheet, e.row) for e in response.context["errors"]] == [("Items", 4)]
    assert set(Item.objects.filter(programme=empty).values_list("code", flat=True)) == {"9", "2.1"}
