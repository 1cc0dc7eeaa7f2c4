"""Staff pages and public pages: calendar and scope, forms with bad input, protocol PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from amanat.meetings.models import Meeting
from amanat.meetings.pdf import protocol_html
from amanat.meetings.services import meetings as services
from amanat.meetings.tests.conftest import at
from conftest import scope_matrix


def _month(meet: Any) -> str:
    return meet.day.strftime("%Y-%m")


def test_calendar_shows_the_unit_subtree_and_filters_by_kind(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.regional)
    url = reverse("meetings:calendar")
    page = client.get(url, {"unit": tree.regional.pk, "month": _month(meet)})
    assert page.status_code == 200
    assert "Тұрғындармен кездесу".encode() in page.content and "Бюро отырысы".encode() in page.content
    page = client.get(url, {"unit": tree.regional.pk, "month": _month(meet), "kind": "bureau"})
    assert "Тұрғындармен кездесу".encode() not in page.content and "Бюро отырысы".encode() in page.content
    page = client.get(url, {"unit": tree.makat.pk, "month": _month(meet)})
    assert "Бюро отырысы".encode() not in page.content


def test_calendar_of_a_unit_out_of_scope_is_404(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.inder)
    assert client.get(reverse("meetings:calendar"), {"unit": tree.makat.pk}).status_code == 404
    assert client.get(reverse("meetings:calendar"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("meetings:calendar"), {"month": "2026-13"}).status_code == 200


def test_meeting_card_scope_matrix(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    scope_matrix(client, make_user, tree, url=reverse("meetings:detail", args=[meet.field.pk]), role="auditor")


def test_day_and_week_lists(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.secretary)
    page = client.get(reverse("meetings:day"), {"unit": tree.makat.pk, "date": meet.day.isoformat()})
    assert "Тұрғындармен кездесу".encode() in page.content
    page = client.get(reverse("meetings:day"), {"unit": tree.makat.pk, "date": meet.day.isoformat(), "days": "7"})
    assert page.status_code == 200 and "Тұрғындармен кездесу".encode() in page.content


def test_creating_a_meeting_that_ends_before_it_starts_shows_the_error(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.secretary)
    before = Meeting.objects.count()
    data = {
        "org_unit": tree.makat.pk, "kind": "party_activ", "title_ru": "Актив",
        "starts_at": f"{meet.day}T12:00", "ends_at": f"{meet.day}T11:00",
    }  # fmt: skip
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 200 and b"cannot end before it starts" in response.content
    assert Meeting.objects.count() == before
    data["ends_at"] = f"{meet.day}T13:00"
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 302
    created = Meeting.objects.latest("pk")
    assert created.org_unit == tree.makat and created.starts_at.hour == 7  # 12:00 in Atyrau is 07:00 UTC


def test_a_viewer_cannot_open_the_forms(client: Any, meet: Any) -> None:
    client.force_login(meet.auditor)
    assert client.get(reverse("meetings:create")).status_code == 404
    assert client.get(reverse("meetings:edit", args=[meet.field.pk])).status_code == 404
    assert client.post(reverse("meetings:transition", args=[meet.field.pk, "hold"])).status_code == 404


def test_the_whole_card_flow_through_pages(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    deputy = make_user("deputy", tree.makat, full_name="Депутат Д.")
    client.force_login(meet.regional)
    bureau = meet.bureau
    base = reverse("meetings:detail", args=[bureau.pk])
    client.post(reverse("meetings:participant-add", args=[bureau.pk]), {"role": "deputy", "user": deputy.pk})
    client.post(reverse("meetings:agenda-add", args=[bureau.pk]), {"agenda-text": "О ходе полевых встреч"})
    client.post(reverse("meetings:transition", args=[bureau.pk, "hold"]))
    client.post(reverse("meetings:decision-add", args=[bureau.pk]), {"decision-text": "Провести встречи во всех сёлах"})
    part = bureau.participants.get()
    client.post(reverse("meetings:attendance", args=[bureau.pk]), {"attendance_count": "12", "present": [part.pk]})
    client.post(
        reverse("meetings:protocol-save", args=[bureau.pk]),
        {
            "protocol_number": "5",
            "protocol_language": "ru",
            "chaired_by": "Председатель",
            "protocol_notes": "Обсудили.",
        },
    )
    client.post(reverse("meetings:transition", args=[bureau.pk, "sign"]))
    bureau.refresh_from_db()
    assert bureau.status == "protocol_signed" and bureau.attendance_count == 12
    page = client.get(base)
    assert "Провести встречи во всех сёлах".encode() in page.content and "Депутат Д.".encode() in page.content
    pdf = client.get(reverse("meetings:protocol-pdf", args=[bureau.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = protocol_html(bureau, lang="ru")
    assert "Провести встречи во всех сёлах" in html and "Депутат Д." in html and "5" in html
    assert 'lang="ru"' in html and 'lang="kk"' in protocol_html(bureau, lang="kk")


def test_invited_deputy_accepts_from_the_invitations_page(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    deputy = make_user("deputy", tree.makat)
    part = services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)
    client.force_login(deputy)
    assert "Тұрғындармен кездесу".encode() in client.get(reverse("meetings:invitations")).content
    client.post(reverse("meetings:invitation-answer", args=[part.pk, "accept"]))
    part.refresh_from_db()
    assert part.response == "accepted"
    client.force_login(meet.inder)
    assert client.post(reverse("meetings:invitation-answer", args=[part.pk, "decline"])).status_code == 404


def test_file_upload_and_bad_file(client: Any, meet: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(meet.secretary)
    url = reverse("meetings:file-add", args=[meet.field.pk])
    client.post(url, {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.4 test", content_type="application/pdf")})
    client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ...", content_type="application/pdf")})
    assert meet.field.files.count() == 1
    item = meet.field.files.get()
    assert client.get(reverse("meetings:file", args=[item.pk])).status_code == 200
    client.force_login(meet.inder)
    assert client.get(reverse("meetings:file", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_render_in_each_language(client: Any, meet: Any, lang: str) -> None:
    client.force_login(meet.secretary)
    client.cookies["django_language"] = lang
    assert client.get(reverse("meetings:calendar")).status_code == 200
    assert client.get(reverse("meetings:detail", args=[meet.field.pk])).status_code == 200
    assert client.get(reverse("meetings:issues", args=[meet.field.pk])).status_code == 200


def test_editing_through_the_page_refuses_an_end_before_the_start(client: Any, meet: Any) -> None:
    client.force_login(meet.secretary)
    url = reverse("meetings:edit", args=[meet.field.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "field_meeting", "title_kk": "Жаңа атау", "title_ru": "", "address": "Клуб",
            "starts_at": f"{meet.day}T15:00", "ends_at": f"{meet.day}T14:00"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and b"cannot end before it starts" in response.content
    meet.field.refresh_from_db()
    assert meet.field.title_kk == "Тұрғындармен кездесу"
    data["ends_at"] = f"{meet.day}T18:00"
    assert client.post(url, data).status_code == 302
    meet.field.refresh_from_db()
    assert meet.field.title_kk == "Жаңа атау" and meet.field.local_date == meet.day


def test_viewers_without_appeal_rights_see_numbers_but_not_texts(
    client: Any, meet: Any, make_user: Any, tree: Any
) -> None:
    from amanat.meetings.services.issues import raised_issue_record

    issue = raised_issue_record(actor=meet.operator, meeting=meet.field, text="Жол бұзылған", applicant_name="A")
    client.force_login(make_user("council_secretary", tree.regional))
    page = client.get(reverse("meetings:detail", args=[meet.field.pk]))
    assert issue.appeal.number.encode() in page.content and "Жол бұзылған".encode() not in page.content
    client.force_login(meet.secretary)
    assert "Жол бұзылған".encode() in client.get(reverse("meetings:detail", args=[meet.field.pk])).content


def test_public_council_sessions_show_in_the_calendar_beside_the_meetings(client: Any, meet: Any, tree: Any) -> None:
    from amanat.councils.services.councils import council_create, session_create

    council = council_create(
        actor=meet.secretary, org_unit=tree.makat, title_kk="Мақат қоғамдық кеңесі", title_ru="Общественный совет Макат"
    )
    session = session_create(actor=meet.secretary, council=council, starts_at=at(meet.day, 18), place="Әкімдік")
    session_url = reverse("councils:session-detail", args=[session.pk])
    client.force_login(meet.regional)
    url = reverse("meetings:calendar")
    page = client.get(url, {"unit": tree.regional.pk, "month": _month(meet)}).content.decode()
    assert f'href="{session_url}"' in page
    day = client.get(reverse("meetings:day"), {"unit": tree.makat.pk, "date": meet.day.isoformat()}).content.decode()
    assert day.index("Тұрғындармен кездесу") < day.index(session_url)  # 15:00, then the council at 18:00
    only_field = client.get(url, {"unit": tree.regional.pk, "month": _month(meet), "kind": "field_meeting"})
    assert session_url not in only_field.content.decode()
    client.force_login(meet.inder)
    inder = client.get(url, {"unit": tree.inder.pk, "month": _month(meet)}).content.decode()
    assert session_url not in inder


def test_a_participant_or_file_added_by_mistake_is_removed_kept_and_audited(
    client: Any, meet: Any, make_user: Any, tree: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from amanat.audit.models import AuditEvent
    from amanat.meetings.models import MeetingFile, Participant

    deputy = make_user("deputy", tree.makat)
    part = services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)
    pdf = SimpleUploadedFile("list.pdf", b"%PDF-1.4 list of residents", content_type="application/pdf")
    item = services.file_add(actor=meet.secretary, meeting=meet.field, upload=pdf)
    detail = reverse("meetings:detail", args=[meet.field.pk])
    remove_part = reverse("meetings:participant-remove", args=[part.pk])
    remove_file = reverse("meetings:file-remove", args=[item.pk])

    client.force_login(meet.inder)  # another district: as if it did not exist
    assert client.post(remove_part).status_code == 404 and client.post(remove_file).status_code == 404
    client.force_login(meet.secretary)
    page = client.get(detail).content.decode()
    assert remove_part in page and remove_file in page
    assert client.post(remove_part).status_code == 302 and client.post(remove_file).status_code == 302
    page = client.get(detail).content.decode()
    assert remove_part not in page and "list.pdf" not in page
    assert Participant.all_objects.get(pk=part.pk).deleted_by == meet.secretary
    assert MeetingFile.all_objects.get(pk=item.pk).deleted_at is not None
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"meetings.participant_removed", "meetings.file_removed"} <= verbs
    # The same person may be invited again.
    services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)


def test_participants_of_a_signed_protocol_stay_on_record(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    from amanat.meetings.models import Participant

    part = services.participant_add(actor=meet.secretary, meeting=meet.field, name="Серікбай Ә.", invite=False)
    services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="hold", note="held")
    services.meeting_update(actor=meet.secretary, meeting=meet.field, changes={"protocol_number": "3"})
    services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="sign")
    client.force_login(meet.secretary)
    remove = reverse("meetings:participant-remove", args=[part.pk])
    assert remove not in client.get(reverse("meetings:detail", args=[meet.field.pk])).content.decode()
    client.post(remove)
    assert Participant.objects.filter(pk=part.pk).exists()
