"""XLSX import of a road map: the happy path (upload, preview, confirm), broken rows (nothing
written, rows named), the template, and export → import round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from amanat.audit.models import AuditEvent
from amanat.programme.importing import INDICATOR_COLUMNS, ITEM_COLUMNS
from amanat.programme.models import Indicator, Item, Programme

pytestmark = pytest.mark.django_db

ITEM_KEYS = [name for name, _help in ITEM_COLUMNS]
INDICATOR_KEYS = [name for name, _help in INDICATOR_COLUMNS]


def item_row(code: str, parent: str = "", **values: Any) -> dict[str, Any]:
    return {
        "code": code, "parent_code": parent, "kind": "roadmap" if parent else "direction",
        "title_kk": f"Тармақ {code}", "title_ru": f"Пункт {code}", "unit_code": "makat", "weight": 1,
    } | values  # fmt: skip


def indicator_row(item: str, **values: Any) -> dict[str, Any]:
    return {
        "item_code": item, "name_kk": "Км", "name_ru": "Километры", "unit": "км", "baseline": 0, "target": 40,
        "direction": "more",
    } | values  # fmt: skip


def xlsx(items: list[dict[str, Any]], indicators: list[dict[str, Any]] = ()) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Items"
    sheet.append(ITEM_KEYS)
    for row in items:
        sheet.append([row.get(key) for key in ITEM_KEYS])
    other = workbook.create_sheet("Indicators")
    other.append(INDICATOR_KEYS)
    for row in indicators:
        other.append([row.get(key) for key in INDICATOR_KEYS])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("roadmap.xlsx", out.getvalue())


@pytest.fixture
def admin(tree, make_user):
    return make_user("regional_admin", tree.regional)


@pytest.fixture
def empty(tree):
    return Programme.objects.create(
        code="new", title_kk="Жаңа", title_ru="Новая", first_year=2025, last_year=2029, org_unit=tree.regional
    )


def upload(client: Any, user: Any, programme: Programme, file: SimpleUploadedFile) -> Any:
    """Step 1: the file is checked and previewed; nothing is written."""
    client.force_login(user)
    return client.post(reverse("programme:import"), {"programme": programme.pk, "file": file})


def import_file(client: Any, user: Any, programme: Programme, file: SimpleUploadedFile) -> Any:
    """Upload, then confirm the preview: the confirm's answer (or the preview's, when the file has
    errors and there is nothing to confirm)."""
    preview = upload(client, user, programme, file)
    if preview.status_code != 200 or not preview.context.get("token"):
        return preview
    return client.post(reverse("programme:import-confirm"), {"token": preview.context["token"]})


def test_import_writes_the_tree_and_indicators(client, admin, empty, prog):
    client.force_login(admin)
    page = client.get(reverse("programme:import"))
    assert page.status_code == 200
    assert empty in page.context["form"].fields["programme"].queryset
    file = xlsx(
        [
            item_row("1"),
            item_row(
                "1.1",
                "1",
                responsible_body=prog.health.pk,
                territory_kato="235200000",
                planned_start="2025-01-01",
                planned_end="31.12.2026",
                budget_planned="1 500 000,50",
                budget_source="local",
            ),
            item_row("1.2", "1", responsible_body="Акимат Макат", weight=3),
        ],
        [indicator_row("1.1"), indicator_row("1.2", name_ru="Ожидание", baseline=20, target=5, direction="less")],
    )
    response = import_file(client, admin, empty, file)
    assert response.status_code == 302, response.content.decode()[:2000]

    items = {item.code: item for item in Item.objects.filter(programme=empty)}
    assert set(items) == {"1", "1.1", "1.2"}
    assert items["1.1"].path.startswith(items["1"].path) and items["1.1"].depth == 2
    assert items["1.1"].responsible_body == prog.health
    assert items["1.1"].budget_planned == Decimal("1500000.50")
    assert items["1.1"].planned_end.isoformat() == "2026-12-31"
    assert items["1.2"].responsible_body == prog.makat_akimat
    assert items["1.2"].weight == 3
    assert Indicator.objects.get(item=items["1.2"]).direction == "less"
    assert AuditEvent.objects.filter(verb="programme.imported").count() == 1


def test_broken_rows_write_nothing_and_are_named(client, admin, empty):
    file = xlsx(
        [
            item_row("1"),
            item_row("1", kind="direction"),  # row 3: duplicate
            item_row("2.1", "9"),  # row 4: unknown parent
            item_row("3.1", "3.2"),  # rows 5 and 6: a cycle
            item_row("3.2", "3.1"),
            item_row(
                "4",
                planned_start="32.13.2025",
                budget_planned="много",
                unit_code="nowhere",
                responsible_body="Нет такого органа",
                territory_kato="999999999",
            ),  # row 7
        ],
        [
            indicator_row("1", baseline=5, target=5),  # row 2: target == baseline
            indicator_row("1", name_ru="Другой", direction="less"),  # row 3: direction mismatch
            indicator_row("77", name_ru="Третий"),  # row 4: unknown item
        ],
    )
    response = upload(client, admin, empty, file)
    assert response.status_code == 200
    errors = {(e.sheet, e.row) for e in response.context["errors"]}
    assert {("Items", 3), ("Items", 4), ("Items", 5), ("Items", 6), ("Items", 7)} <= errors
    assert {("Indicators", 2), ("Indicators", 3), ("Indicators", 4)} <= errors
    messages = " ".join(e.message for e in response.context["errors"] if e.row == 7)
    for word in ("date", "number", "party branch", "state body", "KATO"):
        assert word in messages
    assert "nothing was imported" in response.content.decode()
    assert not Item.objects.filter(programme=empty).exists()
    assert not Indicator.objects.filter(item__programme=empty).exists()


def test_import_needs_manage_rights(client, make_user, tree, empty):
    deputy = make_user("deputy", tree.makat)
    client.force_login(deputy)
    assert client.get(reverse("programme:import")).status_code == 404
    response = upload(client, deputy, empty, xlsx([item_row("1")]))
    assert response.status_code == 404
    assert not Item.objects.filter(programme=empty).exists()


def test_a_branch_outside_the_scope_is_refused(client, make_user, tree, empty):
    makat_admin = make_user("regional_admin", tree.makat)
    other = Programme.objects.create(
        code="makat", title_kk="М", title_ru="М", first_year=2025, last_year=2026, org_unit=tree.makat
    )
    response = upload(client, makat_admin, other, xlsx([item_row("1", unit_code="inder")]))
    assert response.status_code == 200
    assert [e.row for e in response.context["errors"]] == [2]
    assert not Item.objects.filter(programme=other).exists()
    # A programme of another branch is not even offered.
    assert upload(client, makat_admin, empty, xlsx([item_row("1")])).status_code == 200
    assert not Item.objects.filter(programme=empty).exists()


def test_not_an_xlsx_file(client, admin, empty):
    response = upload(client, admin, empty, SimpleUploadedFile("roadmap.xlsx", b"not a workbook"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_template_has_both_sheets(client, admin):
    client.force_login(admin)
    response = client.get(reverse("programme:import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Items"][1]] == ITEM_KEYS
    assert [c.value for c in workbook["Indicators"][1]] == INDICATOR_KEYS


def test_export_then_import_round_trips(client, admin, empty, prog):
    client.force_login(admin)
    exported = client.get(reverse("programme:export"), {"programme": prog.programme.pk})
    assert exported.status_code == 200
    file = SimpleUploadedFile("export.xlsx", exported.content)

    # Into an empty programme: the same tree, fields and indicators.
    assert import_file(client, admin, empty, file).status_code == 302

    def snapshot(programme: Programme) -> list[tuple[Any, ...]]:
        rows = []
        for item in Item.objects.filter(programme=programme).order_by("path"):
            rows.append((item.code, item.depth, item.kind, item.title_ru, item.org_unit_id, item.responsible_body_id,
                         item.planned_start, item.planned_end, item.weight))  # fmt: skip
            rows.extend(
                (ind.name_ru, ind.unit, ind.baseline, ind.target, ind.direction, ind.weight)
                for ind in item.indicators.order_by("name_ru")
            )
        return rows

    assert snapshot(empty) == snapshot(prog.programme)

    # Into the programme it came from: matched by number, nothing doubled.
    before = snapshot(prog.programme)
    again = SimpleUploadedFile("export.xlsx", exported.content)
    assert import_file(client, admin, prog.programme, again).status_code == 302
    assert snapshot(prog.programme) == before


def test_export_is_404_out_of_scope(client, make_user, tree, prog):
    client.force_login(make_user("deputy", tree.inder))
    assert client.get(reverse("programme:export"), {"programme": prog.programme.pk}).status_code == 404
    assert client.get(reverse("programme:export"), {"programme": "x"}).status_code == 404
