"""Staff pages of programme control: who sees which items, the forms and what they refuse."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from amanat.audit.models import AuditEvent
from amanat.programme.choices import ItemStatus, ReportState
from amanat.programme.models import Indicator, IndicatorValue, Item, Report
from amanat.programme.services.progress import quarter_of
from amanat.programme.services.reports import ReportInput, report_submit

pytestmark = pytest.mark.django_db

LIST = reverse("programme:item-list")


def _codes(client: Any, user: Any, query: str = "") -> set[str]:
    client.force_login(user)
    response = client.get(LIST + query)
    assert response.status_code == 200
    return {row["item"].code for row in response.context["rows"]}


def _detail(item: Item) -> str:
    return reverse("programme:item-detail", args=[item.pk])


def _report(prog: SimpleNamespace, **extra: Any) -> Report:
    year, quarter = quarter_of(timezone.localdate())
    data = ReportInput(year=year, quarter=quarter, narrative="Built the walls", actuals={prog.beds.pk: "40"}, **extra)
    return report_submit(actor=prog.health_reporter, item=prog.clinic, data=data)


# The list and its scope


def test_list_scoping_matrix(client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any) -> None:
    assert _codes(client, prog.health_reporter) == {"1.1"}
    assert _codes(client, prog.akimat_reporter) == {"1.2"}
    assert _codes(client, prog.deputy) == {"1.1", "1.2"}
    assert _codes(client, prog.inder_deputy) == set()
    assert _codes(client, make_user("auditor", tree.regional)) == {"1", "1.1", "1.2"}


def test_list_is_404_for_a_user_without_the_module(client: Any, prog: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user())
    assert client.get(LIST).status_code == 404


def test_list_filters(client: Any, prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    prog.road.status_override, prog.road.override_reason = ItemStatus.CANCELLED, "Moved to 2028"
    prog.road.save()
    assert _codes(client, prog.control, f"?responsible_body={prog.health.pk}") == {"1.1"}
    assert _codes(client, prog.control, "?kind=direction") == {"1"}
    assert _codes(client, prog.control, "?q=Дорога") == {"1.2"}
    assert _codes(client, prog.control, "?q=1.1") == {"1.1"}
    assert _codes(client, prog.control, f"?unit={tree.makat.pk}") == {"1.1", "1.2"}
    # The status the item shows: set by hand wins over the rules'.
    assert _codes(client, prog.control, "?status=cancelled") == {"1.2"}
    assert "1.2" not in _codes(client, prog.control, f"?status={prog.road.computed_status}")


def test_list_territory_filter_takes_the_subtree(client: Any, prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    Item.objects.filter(pk=prog.clinic.pk).update(territory=tree.makat_t)
    assert _codes(client, prog.control, f"?territory={tree.region.pk}") == {"1.1"}
    assert _codes(client, prog.control, f"?territory={tree.inder_t.pk}") == set()


def test_export_is_an_xlsx_of_the_filtered_rows(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.health_reporter)
    response = client.get(LIST + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["1.1"]


# The item's card


def test_detail_shows_the_item_and_the_buttons_the_user_may_use(client: Any, prog: SimpleNamespace) -> None:
    report = _report(prog)
    client.force_login(prog.health_reporter)
    page = client.get(_detail(prog.clinic)).content.decode()
    assert str(prog.clinic.title) in page and "Built the walls" in page
    assert reverse("programme:report", args=[prog.clinic.pk]) in page
    assert reverse("programme:verdict", args=[report.pk]) not in page

    client.force_login(prog.deputy)
    page = client.get(_detail(prog.clinic)).content.decode()
    assert reverse("programme:report", args=[prog.clinic.pk]) not in page
    assert reverse("programme:verdict", args=[report.pk]) in page
    assert reverse("programme:override", args=[prog.clinic.pk]) not in page

    client.force_login(prog.control)
    assert reverse("programme:override", args=[prog.clinic.pk]) in client.get(_detail(prog.clinic)).content.decode()


def test_detail_is_404_out_of_scope(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.inder_deputy)
    assert client.get(_detail(prog.clinic)).status_code == 404
    client.force_login(prog.akimat_reporter)
    assert client.get(_detail(prog.clinic)).status_code == 404
    assert client.get(_detail(prog.road)).status_code == 200


# The report form


def _report_post(prog: SimpleNamespace, **data: Any) -> dict[str, Any]:
    year, quarter = quarter_of(timezone.localdate())
    return {"quarter": f"{year}-{quarter}", "narrative": "Walls done", "money_spent": "1000",
            f"actual_{prog.beds.pk}": "30", **data}  # fmt: skip


def test_report_form_saves_a_report(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.health_reporter)
    url = reverse("programme:report", args=[prog.clinic.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _report_post(prog))
    assert response.status_code == 302
    report = Report.objects.get(item=prog.clinic)
    assert report.state == ReportState.CLAIMED and report.money_spent == Decimal(1000)
    assert IndicatorValue.objects.get(indicator=prog.beds).actual == Decimal(30)
    prog.clinic.refresh_from_db()
    assert prog.clinic.progress_claimed > 0


def test_report_form_bad_input_shows_field_errors_and_saves_nothing(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.health_reporter)
    url = reverse("programme:report", args=[prog.clinic.pk])
    response = client.post(
        url, _report_post(prog, narrative="  ", money_spent="a lot", **{f"actual_{prog.beds.pk}": "-5"})
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"narrative", "money_spent", f"actual_{prog.beds.pk}"} <= set(form.errors)
    assert not Report.objects.exists() and not IndicatorValue.objects.exists()


def test_report_form_is_only_for_the_bodys_official(client: Any, prog: SimpleNamespace) -> None:
    url = reverse("programme:report", args=[prog.clinic.pk])
    for user in (prog.akimat_reporter, prog.deputy, prog.control):
        client.force_login(user)
        assert client.post(url, _report_post(prog)).status_code == 404
    assert not Report.objects.exists()


# The verdict form


def test_verdict_not_confirmed_needs_a_comment(client: Any, prog: SimpleNamespace) -> None:
    report = _report(prog)
    client.force_login(prog.deputy)
    url = reverse("programme:verdict", args=[report.pk])
    response = client.post(url, {"verdict": ReportState.NOT_CONFIRMED, "comment": "", "version": report.version})
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    report.refresh_from_db()
    assert report.state == ReportState.CLAIMED

    response = client.post(
        url, {"verdict": ReportState.NOT_CONFIRMED, "comment": "No walls", "version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.NOT_CONFIRMED and report.verdict_comment == "No walls"


def test_verdict_conflict_shows_a_clear_message(client: Any, prog: SimpleNamespace) -> None:
    report = _report(prog)
    client.force_login(prog.deputy)
    response = client.post(
        reverse("programme:verdict", args=[report.pk]),
        {"verdict": ReportState.CONFIRMED, "version": report.version - 1 or 99},
    )
    assert response.status_code == 200
    assert "has changed" in " ".join(response.context["form"].non_field_errors())
    report.refresh_from_db()
    assert report.state == ReportState.CLAIMED


def test_own_report_cannot_be_verified(client: Any, prog: SimpleNamespace, tree: SimpleNamespace, roles: Any) -> None:
    from amanat.accounts.models import RoleGrant

    RoleGrant.objects.create(user=prog.health_reporter, role=roles["deputy"], org_unit=tree.makat)
    report = _report(prog)
    client.force_login(prog.health_reporter)
    response = client.post(
        reverse("programme:verdict", args=[report.pk]), {"verdict": ReportState.CONFIRMED, "version": report.version}
    )
    assert response.status_code == 200 and "verdict" in response.context["form"].errors
    report.refresh_from_db()
    assert report.state == ReportState.CLAIMED


def test_verdict_out_of_scope_is_404(client: Any, prog: SimpleNamespace) -> None:
    report = _report(prog)
    client.force_login(prog.inder_deputy)
    url = reverse("programme:verdict", args=[report.pk])
    assert client.post(url, {"verdict": ReportState.CONFIRMED, "version": report.version}).status_code == 404


# The status set by hand


def test_override_needs_a_reason(client: Any, prog: SimpleNamespace) -> None:
    url = reverse("programme:override", args=[prog.road.pk])
    client.force_login(prog.deputy)
    assert client.get(url).status_code == 404
    client.force_login(prog.control)
    response = client.post(url, {"status": ItemStatus.CANCELLED, "reason": " "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    prog.road.refresh_from_db()
    assert prog.road.status_override == ""

    assert client.post(url, {"status": ItemStatus.CANCELLED, "reason": "Moved to 2028"}).status_code == 302
    prog.road.refresh_from_db()
    assert prog.road.status == ItemStatus.CANCELLED and prog.road.override_reason == "Moved to 2028"


# Editing items and indicators


def _item_post(tree: SimpleNamespace, **data: Any) -> dict[str, Any]:
    return {"kind": "roadmap", "code": "1.3", "title_kk": "Мектеп", "title_ru": "Школа", "weight": "2",
            "org_unit": tree.makat.pk, "planned_start": "2025-01-01", "planned_end": "2025-12-31",
            "is_published": "on", **data}  # fmt: skip


def test_item_create_under_a_parent(client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any) -> None:
    admin = make_user("regional_admin", tree.regional)
    client.force_login(admin)
    url = reverse("programme:item-create") + f"?parent={prog.direction.pk}"
    response = client.post(url, _item_post(tree))
    assert response.status_code == 302
    item = Item.objects.get(code="1.3")
    assert Item.objects.get_parent(item).pk == prog.direction.pk and item.weight == Decimal(2)
    assert AuditEvent.objects.filter(verb="programme.item_created").exists()


def test_item_create_bad_input_changes_nothing(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user("regional_admin", tree.regional))
    url = reverse("programme:item-create") + f"?parent={prog.direction.pk}"
    before = Item.objects.count()
    response = client.post(url, _item_post(tree, weight="0", planned_end="2024-12-31"))
    assert response.status_code == 200
    assert {"weight", "planned_end"} <= set(response.context["form"].errors)
    assert Item.objects.count() == before


def test_item_pages_need_manage(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.control)
    assert client.get(reverse("programme:item-create")).status_code == 404
    assert client.get(reverse("programme:item-edit", args=[prog.clinic.pk])).status_code == 404
    assert client.get(reverse("programme:indicator-create", args=[prog.clinic.pk])).status_code == 404
    assert client.get(reverse("programme:indicator-edit", args=[prog.beds.pk])).status_code == 404


def test_item_move_under_its_own_descendant_is_refused(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user("regional_admin", tree.regional))
    url = reverse("programme:item-edit", args=[prog.direction.pk])
    data = _item_post(tree, code="1", title_ru="Здоровье (new)", kind="direction", parent=prog.clinic.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cycle" in " ".join(response.context["form"].errors["parent"])
    prog.direction.refresh_from_db()
    assert Item.objects.get_parent(prog.direction) is None and prog.direction.title_ru == "Здоровье"
    assert Item.objects.get_parent(prog.clinic).pk == prog.direction.pk


def test_item_edit_moves_and_saves(client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user("regional_admin", tree.regional))
    data = _item_post(tree, code="1.2", title_ru="Дорога Макат", parent=prog.clinic.pk, weight="3")
    assert client.post(reverse("programme:item-edit", args=[prog.road.pk]), data).status_code == 302
    road = Item.objects.get(pk=prog.road.pk)
    assert road.title_ru == "Дорога Макат" and Item.objects.get_parent(road).pk == prog.clinic.pk


def test_indicator_create_target_equal_to_baseline_is_refused(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user("regional_admin", tree.regional))
    url = reverse("programme:indicator-create", args=[prog.road.pk])
    base = {"name_kk": "Жарық", "name_ru": "Освещение", "unit": "шт.", "weight": "1", "direction": "more"}
    before = Indicator.objects.count()
    response = client.post(url, {**base, "baseline": "10", "target": "10"})
    assert "target must differ" in " ".join(response.context["form"].errors["target"])
    response = client.post(url, {**base, "baseline": "10", "target": "5"})
    assert "target" in response.context["form"].errors
    response = client.post(url, {**base, "baseline": "10", "target": "20", "weight": "0"})
    assert "weight" in response.context["form"].errors
    assert Indicator.objects.count() == before
    assert client.post(url, {**base, "baseline": "10", "target": "20"}).status_code == 302
    assert Indicator.objects.filter(item=prog.road, name_ru="Освещение").exists()


def test_indicator_edit_keeps_direction_consistent(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user("regional_admin", tree.regional))
    url = reverse("programme:indicator-edit", args=[prog.waiting.pk])
    data = {"name_kk": "Күту", "name_ru": "Ожидание", "unit": "дн.", "weight": "1", "direction": "less",
            "baseline": "20", "target": "30"}  # fmt: skip
    assert "target" in client.post(url, data).context["form"].errors
    prog.waiting.refresh_from_db()
    assert prog.waiting.target == Decimal(5)
    assert client.post(url, {**data, "target": "3"}).status_code == 302
    prog.waiting.refresh_from_db()
    assert prog.waiting.target == Decimal(3)


def test_form_pages_open_for_a_manager(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any
) -> None:
    report = _report(prog)
    client.force_login(make_user("regional_admin", tree.regional))
    for url in (
        reverse("programme:item-create"),
        reverse("programme:item-create") + f"?parent={prog.direction.pk}",
        reverse("programme:item-edit", args=[prog.clinic.pk]),
        reverse("programme:indicator-create", args=[prog.clinic.pk]),
        reverse("programme:indicator-edit", args=[prog.beds.pk]),
        reverse("programme:verdict", args=[report.pk]),
        reverse("programme:override", args=[prog.clinic.pk]),
        _detail(prog.clinic),
    ):
        assert client.get(url).status_code == 200, url


def test_htmx_request_gets_only_the_results(client: Any, prog: SimpleNamespace) -> None:
    client.force_login(prog.control)
    response = client.get(LIST + "?kind=roadmap", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert _detail(prog.clinic) in page and _detail(prog.direction) not in page


def test_list_query_count_does_not_grow_with_rows(client: Any, prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(prog.control)
    client.get(LIST)  # fill the process's caches of choices
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(10):
        Item.objects.add_child(prog.direction, instance=Item(
            programme=prog.programme, code=f"1.{n + 3}", title_kk="x", title_ru="x", org_unit=tree.makat,
            responsible_body=prog.health,
        ))  # fmt: skip
    client.get(LIST)  # new items drop the kept choices (the direction filter lists items)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 13
    assert len(many) == len(few)


def test_report_with_files_and_evidence_download(
    client: Any, prog: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(prog.health_reporter)
    url = reverse("programme:report", args=[prog.clinic.pk])
    files = [SimpleUploadedFile("act.pdf", b"%PDF-1.4 act", "application/pdf"),
             SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n....", "image/png")]  # fmt: skip
    assert client.post(url, {**_report_post(prog), "files": files}).status_code == 302
    evidence = list(Report.objects.get(item=prog.clinic).evidence.order_by("original_name"))
    assert [e.original_name for e in evidence] == ["act.pdf", "photo.png"]
    download = reverse("programme:manage-evidence", args=[evidence[0].pk])
    assert download in client.get(_detail(prog.clinic)).content.decode()
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 act"
    client.force_login(prog.inder_deputy)
    assert client.get(download).status_code == 404


def test_report_with_a_bad_file_saves_nothing(client: Any, prog: SimpleNamespace, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(prog.health_reporter)
    bad = SimpleUploadedFile("virus.exe", b"MZ....", "application/octet-stream")
    response = client.post(reverse("programme:report", args=[prog.clinic.pk]), {**_report_post(prog), "files": [bad]})
    assert response.status_code == 200 and "files" in response.context["form"].errors
    assert not Report.objects.exists()
