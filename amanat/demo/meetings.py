"""Demo meetings (issue 5 §2): a month of party work across the districts.

- field meetings with the population in villages of each district over the past weeks, held,
  with the issues residents raised registered as appeals (channel "field meeting") and a mobile
  reception in Makat district;
- a bureau session of the regional branch, held, with its agenda, attendance, decisions and a
  signed protocol;
- primary organisation meetings;
- upcoming field meetings announced on the public site, and an upcoming bureau session with
  invitations.

Everything goes through the services as the regional executive secretary. Loaded once: a second
run adds nothing and returns 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from amanat.meetings.choices import MeetingKind
from amanat.meetings.models import Meeting
from amanat.meetings.services import meetings as services
from amanat.meetings.services.issues import raised_issue_record
from amanat.org.models import OrgUnit, Territory

SECRETARY = "secretary@amanat.kz"
BUREAU_TITLE_RU = "Заседание бюро: о выездных встречах с населением"
ZONE = ZoneInfo("Asia/Atyrau")

ISSUES = [
    ("Асқар Нұрланов", "+77011112233", False, 1, "Ауылдағы жолды жөндеу керек: көктемде өту мүмкін емес."),
    ("Жители улицы Абая", "", True, 23, "Нет уличного освещения на улице Абая, дети ходят в школу в темноте."),
    ("Гүлнар Сейітова", "+77022223344", False, 1, "Ауыл амбулаториясында дәрігер жоқ, аптасына бір рет келеді."),
    ("Марат Жумабаев", "", False, 1, "Автобус в районный центр ходит раз в неделю, просим добавить рейсы."),
    ("Ауыл тұрғындары", "", True, 41, "Ауызсу құбыры ескірген, жазда су жиі тоқтайды."),
    ("Светлана Ким", "+77053334455", False, 1, "Детская площадка во дворе сломана, просим отремонтировать."),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _village(unit: OrgUnit, index: int) -> tuple[Territory | None, str]:
    """A settlement of the unit's district (the demo KATO tree), else the district itself."""
    base = unit.territory
    if base is None:
        return None, ""
    villages = list(Territory.objects.filter(path__startswith=base.path, depth__gt=base.depth).order_by("path")[:40])
    if not villages:
        return base, "Аудандық мәдениет үйі"
    village = villages[index % len(villages)]
    return village, "Ауылдық клуб"


@transaction.atomic
def load_meetings(*, today: dt.date | None = None) -> int:
    """The demo meetings; returns how many records were added (0 when already loaded)."""
    secretary = get_user_model().objects.filter(email=SECRETARY).first()
    regional = OrgUnit.objects.filter(kind="regional").order_by("path").first()
    if secretary is None or regional is None:
        return 0
    if Meeting.all_objects.filter(org_unit=regional, title_ru=BUREAU_TITLE_RU).exists():
        return 0
    today = today or timezone.localdate()
    added = 0
    districts = list(
        OrgUnit.objects.filter(kind__in=["district", "city"], path__startswith=regional.path).order_by("code")
    )

    # Field meetings held over the past weeks, with raised issues turned into appeals.
    issue_no = 0
    for index, district in enumerate(districts):
        village, address = _village(district, index)
        day = today - dt.timedelta(days=3 + index * 2)
        kind = MeetingKind.MOBILE_RECEPTION if district.code == "makat" else MeetingKind.FIELD_MEETING
        meeting = services.meeting_create(
            actor=secretary, org_unit=district, kind=kind,
            title_kk=f"{village.name_kk if village else district.name_kk}: тұрғындармен кездесу",
            title_ru=f"{village.name_ru if village else district.name_ru}: встреча с жителями",
            starts_at=_at(day, 15), ends_at=_at(day, 17), territory=village, address=address, is_public=True,
            chaired_by="Атқарушы хатшы",
        )  # fmt: skip
        services.meeting_transition(actor=secretary, meeting=meeting, transition="hold", note="")
        services.attendance_record(actor=secretary, meeting=meeting, count=35 + index * 7, present=[])
        added += 1
        for _ in range(2 if index % 2 else 3):
            name, phone, collective, signatories, text = ISSUES[issue_no % len(ISSUES)]
            issue_no += 1
            raised_issue_record(
                actor=secretary, meeting=meeting, text=text, applicant_name=name, applicant_phone=phone,
                is_collective=collective, signatories=signatories, language="kk" if text[0] in "АҚҒҰҮӘӨІҺ" else "ru",
                idempotency_key=f"demo-{issue_no}",
            )  # fmt: skip
            added += 1

    # The bureau session: agenda, attendance, decisions, protocol signed.
    day = today - dt.timedelta(days=10)
    bureau = services.meeting_create(
        actor=secretary, org_unit=regional, kind=MeetingKind.BUREAU,
        title_kk="Бюро отырысы: тұрғындармен көшпелі кездесулер туралы", title_ru=BUREAU_TITLE_RU,
        starts_at=_at(day, 10), ends_at=_at(day, 12), address="Филиал ғимараты, мәжіліс залы",
        chaired_by="Филиал төрағасы", protocol_language="kk",
    )  # fmt: skip
    for text in (
        "Аудандарда көшпелі кездесулердің өтуі туралы",
        "Қоғамдық қабылдау бөлмелеріне түскен өтініштердің қаралуы туралы",
    ):
        services.agenda_add(actor=secretary, meeting=bureau, text=text, speaker="Атқарушы хатшы")
    guests = [
        services.participant_add(actor=secretary, meeting=bureau, role="staff", name=name, invite=False)
        for name in ("Бюро мүшесі А.", "Бюро мүшесі Б.", "Бюро мүшесі В.")
    ]
    services.meeting_transition(actor=secretary, meeting=bureau, transition="hold")
    services.attendance_record(actor=secretary, meeting=bureau, count=11, present=[g.pk for g in guests[:2]])
    for text in (
        "Барлық бастауыш партия ұйымдарына ай сайын ауылдарда көшпелі кездесулер өткізу тапсырылсын.",
        "Кездесулерде көтерілген мәселелер қоғамдық қабылдау бөлмесіне өтініш ретінде тіркелсін.",
    ):
        services.decision_add(actor=secretary, meeting=bureau, text=text)
    services.meeting_update(
        actor=secretary, meeting=bureau,
        changes={"protocol_number": "14", "protocol_notes": "Атқарушы хатшының баяндамасы тыңдалды. Сұрақтарға жауап берілді."},
    )  # fmt: skip
    services.meeting_transition(actor=secretary, meeting=bureau, transition="sign")
    added += 1 + 2 + 3 + 2

    # Primary organisation meetings, past and upcoming.
    primaries = list(OrgUnit.objects.filter(kind="primary", path__startswith=regional.path).order_by("code")[:6])
    for index, primary in enumerate(primaries):
        day = today + dt.timedelta(days=index * 3 - 8)
        meeting = services.meeting_create(
            actor=secretary, org_unit=primary, kind=MeetingKind.PRIMARY,
            title_kk="Бастауыш ұйымның жиналысы", title_ru="Собрание первичной организации",
            starts_at=_at(day, 18), ends_at=_at(day, 19, 30), address="Мектеп ғимараты",
        )  # fmt: skip
        if day < today:
            services.meeting_transition(actor=secretary, meeting=meeting, transition="hold")
        added += 1

    # Upcoming: public field meetings in each district, a bureau session with invitations.
    for index, district in enumerate(districts):
        village, address = _village(district, index + 5)
        day = today + dt.timedelta(days=2 + index)
        services.meeting_create(
            actor=secretary, org_unit=district, kind=MeetingKind.FIELD_MEETING,
            title_kk=f"{village.name_kk if village else district.name_kk}: көшпелі кездесу",
            title_ru=f"{village.name_ru if village else district.name_ru}: выездная встреча",
            starts_at=_at(day, 16), ends_at=_at(day, 18), territory=village, address=address, is_public=True,
        )  # fmt: skip
        added += 1
    day = today + dt.timedelta(days=12)
    upcoming = services.meeting_create(
        actor=secretary, org_unit=regional, kind=MeetingKind.POLITICAL_COUNCIL,
        title_kk="Саяси кеңес отырысы", title_ru="Заседание политического совета",
        starts_at=_at(day, 11), ends_at=_at(day, 13), address="Филиал ғимараты",
    )  # fmt: skip
    added += 1
    invited: list[Any] = list(
        get_user_model().objects.filter(
            email__in=["deputy@amanat.kz", "control@amanat.kz", "inder.secretary@amanat.kz"]
        )
    )
    for user in invited:
        services.participant_add(
            actor=secretary, meeting=upcoming, role="deputy" if "deputy" in user.email else "staff", user=user
        )
        added += 1
    return added
