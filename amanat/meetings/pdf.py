"""The meeting's protocol (хаттама / протокол) as a PDF (WeasyPrint), written wholly in Kazakh or
Russian: the branch, number, date, place, chair, attendance, agenda, course, decisions and the
issues raised (their appeal numbers only: no personal data)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from amanat.core.i18n import pick
from amanat.core.models import SiteSettings
from amanat.meetings.choices import MeetingKind


def language(code: str | None) -> str:
    return code if code in ("kk", "ru") else "ru"


def protocol_html(meeting: Any, *, lang: str | None = None) -> str:
    lang = language(lang or meeting.protocol_language)
    site = SiteSettings.load()
    with translation.override(lang):
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        present = [p for p in meeting.participants.select_related("user", "person") if p.attended]
        context = {
            "lang": lang,
            "party": pick(site, "party_name", lang),
            "branch": pick(site, "branch_name", lang),
            "unit": pick(meeting.org_unit, "name", lang),
            "kind": str(MeetingKind(meeting.kind).label),
            "title": pick(meeting, "title", lang),
            "number": meeting.protocol_number,
            "date": starts.strftime("%d.%m.%Y"),
            "time": f"{starts:%H:%M}–{ends:%H:%M}",
            "place": ", ".join(
                x for x in [pick(meeting.territory, "name", lang) if meeting.territory_id else "", meeting.address] if x
            ),
            "chaired_by": meeting.chaired_by,
            "attendance_count": meeting.attendance_count,
            "present": [p.display_name for p in present],
            "agenda": list(meeting.agenda.all()),
            "notes": [p.strip() for p in meeting.protocol_notes.replace("\r\n", "\n").split("\n\n") if p.strip()],
            "decisions": list(meeting.decisions.all()),
            "issues": list(meeting.issues.select_related("appeal").order_by("created_at", "pk")),
            "status": meeting.get_status_display(),
        }
        return render_to_string("meetings/pdf/protocol.html", context)


def protocol_pdf(meeting: Any, *, lang: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=protocol_html(meeting, lang=lang)).write_pdf()
