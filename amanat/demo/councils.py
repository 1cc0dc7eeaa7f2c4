"""Demo public councils (issue 5 §3): the regional branch's public council and the public council
at the Atyrau city akimat, a dozen members each (citizens, NGO representatives, experts, a
deputy; one member of each whose term has ended), two sessions each with attendance and votes,
and ten recommendations at every stage of their life: assessed after being carried out, rejected
with reasons, overdue without a response, waiting for one, not adopted, partly accepted and being
followed up, not carried out, adopted and not yet sent, a draft.

Everything goes through the services (permission checks, audit) as the council secretary's demo
login. Dates count back from `today`, so the overdue recommendation stays overdue and the waiting
one waiting whenever the demo is loaded. Loaded once: a second run adds nothing. All of it is
fictional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from amanat.councils.choices import Assessment, MemberKind, MemberRole, ResponseKind, VoteChoice
from amanat.councils.models import Council, CouncilMember, CouncilSession
from amanat.councils.services import councils as cs
from amanat.councils.services import recommendations as rs
from amanat.demo.data import bodies
from amanat.org.models import OrgUnit, StateBody

COUNCIL_LOGIN = "council@amanat.kz"
TZ = ZoneInfo("Asia/Atyrau")
K, R = MemberKind, MemberRole

# (last name, first name, patronymic, kind, role, organisation)
REGIONAL_MEMBERS = (
    ("Құдайбергенова", "Гүлнар", "Сейітқызы", K.NGO, R.CHAIR, "«Атырау әйелдері» қоғамдық бірлестігі"),
    ("Мұханов", "Ерлан", "Бақытұлы", K.EXPERT, R.DEPUTY_CHAIR, "Х. Досмұхамедов атындағы Атырау университеті"),
    ("Сидоренко", "Ирина", "Владимировна", K.CITIZEN, R.SECRETARY, ""),
    ("Тасмағамбетов", "Нұрлан", "Әбілұлы", K.DEPUTY, R.MEMBER, "Облыстық мәслихат"),
    ("Жұмабаева", "Әйгерім", "Қайратқызы", K.NGO, R.MEMBER, "«Жастар үні» жастар ұйымы"),
    ("Ким", "Виктор", "Алексеевич", K.BUSINESS, R.MEMBER, "«Атамекен» облыстық кәсіпкерлер палатасы"),
    ("Есенғалиев", "Бауыржан", "Төлеуұлы", K.EXPERT, R.MEMBER, "Құрылыс сарапшысы"),
    ("Петрова", "Наталья", "Сергеевна", K.CITIZEN, R.MEMBER, ""),
    ("Сағынтаева", "Мәдина", "Ержанқызы", K.NGO, R.MEMBER, "Мүгедектер қоғамы"),
    ("Өтепов", "Асқар", "Мұратұлы", K.CITIZEN, R.MEMBER, ""),
    ("Ахмедов", "Руслан", "Ильясович", K.EXPERT, R.MEMBER, "Медицина колледжі"),
    ("Байжанова", "Сәуле", "Оразқызы", K.CITIZEN, R.MEMBER, "Ардагерлер кеңесі"),
)
CITY_MEMBERS = (
    ("Нұрғалиев", "Серік", "Жанболатұлы", K.NGO, R.CHAIR, "«Таза Атырау» экологиялық қозғалысы"),
    ("Иванова", "Елена", "Петровна", K.EXPERT, R.DEPUTY_CHAIR, "Құқық қорғаушы"),
    ("Қасымова", "Динара", "Бекенқызы", K.CITIZEN, R.SECRETARY, ""),
    ("Әбдірахманов", "Талғат", "Серікұлы", K.DEPUTY, R.MEMBER, "Қалалық мәслихат"),
    ("Исаев", "Марат", "Кайратович", K.BUSINESS, R.MEMBER, "Шағын бизнес өкілі"),
    ("Шәріпова", "Ақмарал", "Жолдасқызы", K.NGO, R.MEMBER, "Көп балалы аналар бірлестігі"),
    ("Ли", "Андрей", "Владимирович", K.EXPERT, R.MEMBER, "Көлік инженері"),
    ("Төлегенов", "Ғалым", "Арыстанұлы", K.CITIZEN, R.MEMBER, "ПИК төрағасы"),
    ("Смағұлова", "Жанар", "Тимурқызы", K.CITIZEN, R.MEMBER, ""),
    ("Воронцов", "Дмитрий", "Игоревич", K.CITIZEN, R.MEMBER, ""),
    ("Хамитова", "Айсұлу", "Маратқызы", K.NGO, R.MEMBER, "«Балалар қорғауда» қоры"),
    ("Ермеков", "Данияр", "Сабитұлы", K.EXPERT, R.MEMBER, "Сәулетші"),
)
FORMER = {
    "regional": ("Оспанов", "Қайрат", "Нұрұлы", K.CITIZEN, R.MEMBER, ""),
    "city": ("Григорьева", "Ольга", "Николаевна", K.NGO, R.MEMBER, ""),
}


@dataclass(frozen=True)
class Rec:
    session: int  # 0 or 1: which of the council's sessions adopted it
    text: str
    addressee: str  # "akimat" (the council's own), "health", "education", "roads", "housing"
    fate: str  # draft, not_adopted, adopted, sent, overdue, rejected, partly, implemented, assessed, not_done
    response_days: int = 15
    response: str = ""
    reasons: str = ""
    notes: tuple[str, ...] = ()
    assessment_note: str = ""


RECS = {
    "regional": (
        Rec(
            0,
            "Облыстық перинаталдық орталықта кезек күту уақытын қысқарту үшін электрондық жазылуды енгізу. / "
            "Внедрить электронную запись в областном перинатальном центре, чтобы сократить очереди.",
            "health",
            "assessed",
            response="Электронная запись запущена с 1-го числа, очередь сократилась вдвое.",
            notes=("Запись работает в тестовом режиме.",),
        ),
        Rec(
            0,
            "Атырау қаласындағы үш мектепте үшінші ауысымды жою үшін модульдік сыныптар салу. / "
            "Построить модульные классы в трёх школах Атырау, чтобы убрать третью смену.",
            "education",
            "rejected",
            reasons="В бюджете 2026 года средств не предусмотрено; вопрос будет рассмотрен при уточнении бюджета. / "
            "2026 жылғы бюджетте қаражат қарастырылмаған.",
        ),
        Rec(
            0,
            "Облыстық мүгедектер қоғамына пандустар мониторингінің нәтижелерін жариялау. / "
            "Опубликовать итоги мониторинга пандусов вместе с обществом инвалидов.",
            "akimat",
            "not_adopted",
        ),
        Rec(
            1,
            "Мақат–Доссор автожолының жөндеу кестесін тұрғындарға жариялау. / "
            "Опубликовать для жителей график ремонта автодороги Макат–Доссор.",
            "roads",
            "overdue",
            response_days=10,
        ),
        Rec(
            1,
            "Жылу беру маусымына дайындық туралы есепті қоғамдық кеңес отырысында тыңдау. / "
            "Заслушать на заседании совета отчёт о готовности к отопительному сезону.",
            "housing",
            "sent",
        ),
    ),
    "city": (
        Rec(
            0,
            "Ауладағы балалар алаңдарын жөндеу тізімін тұрғындармен келісу. / "
            "Согласовать с жителями перечень дворовых детских площадок под ремонт.",
            "akimat",
            "implemented",
            response="Перечень согласован на сходах жителей пяти микрорайонов.",
        ),
        Rec(
            0,
            "№ 19 және № 27 автобус бағыттарының жүру аралығын қысқарту. / "
            "Сократить интервалы движения автобусов по маршрутам № 19 и № 27.",
            "roads",
            "partly",
            response="Интервал маршрута № 19 сокращён до 12 минут.",
            reasons="По маршруту № 27 не хватает автобусов до поставки новых в следующем году.",
            notes=("Маршрут № 19: интервал 12 минут, проверено членами совета.", "Маршрут № 27 без изменений."),
        ),
        Rec(
            0,
            "Жағалаудағы жаяу жүргінші жолын түнгі уақытта жарықтандыру. / "
            "Осветить пешеходную набережную в ночное время.",
            "akimat",
            "not_done",
            response="Освещение будет установлено до конца сезона.",
            assessment_note="Освещение так и не установлено, жители продолжают жаловаться.",
        ),
        Rec(
            1,
            "Қоқыс шығару кестесін әр аула үшін онлайн жариялау. / "
            "Публиковать график вывоза мусора по каждому двору онлайн.",
            "akimat",
            "adopted",
        ),
        Rec(
            1,
            "Көп балалы отбасыларға арналған тұрғын үй кезегін ашық жариялау. / "
            "Открыто публиковать очередь на жильё для многодетных семей.",
            "akimat",
            "draft",
        ),
    ),
}


def _body(ru: str) -> StateBody | None:
    return StateBody.objects.filter(name_ru=ru).first()


def _addressees(akimat: StateBody) -> dict[str, StateBody]:
    found = {"akimat": akimat}
    for key, subject in (("health", 0), ("education", 1), ("housing", 2), ("roads", 3)):
        body = _body(bodies.department_names(bodies.DEPARTMENTS[subject])[1])
        found[key] = body or akimat
    return found


def _at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _seat(actor: Any, council: Council, rows: tuple, start: dt.date) -> list[CouncilMember]:
    return [
        cs.member_add(
            actor=actor,
            council=council,
            last_name=last,
            first_name=first,
            middle_name=middle,
            kind=kind,
            role=role,
            organisation=org,
            term_start=start,
        )
        for last, first, middle, kind, role, org in rows
    ]


def _life(
    actor: Any, session: CouncilSession, present: list[CouncilMember], spec: Rec, akimats: dict, today: dt.date
) -> None:
    rec = rs.recommendation_draft(
        actor=actor, session=session, text=spec.text, addressee_body=akimats[spec.addressee],
        response_days=spec.response_days,
    )  # fmt: skip
    if spec.fate == "draft":
        return
    against = 6 if spec.fate == "not_adopted" else 1
    choices = [VoteChoice.AGAINST] * against + [VoteChoice.ABSTAIN]
    votes = {m: (choices[i] if i < len(choices) else VoteChoice.FOR) for i, m in enumerate(reversed(present))}
    rs.votes_record(actor=actor, recommendation=rec, votes=votes)
    rec = rs.recommendation_decide(actor=actor, recommendation=rec)
    if spec.fate in ("not_adopted", "adopted"):
        return
    day = rec.decided_on
    # The one still waiting was sent a few days ago; the others two days after the session.
    sent_on = max(day, today - dt.timedelta(days=5)) if spec.fate == "sent" else day + dt.timedelta(days=2)
    rec = rs.recommendation_send(actor=actor, recommendation=rec, sent_on=sent_on)
    if spec.fate in ("sent", "overdue"):
        return
    answered_on = min(rec.response_deadline - dt.timedelta(days=2), today)
    for index, note in enumerate(spec.notes):
        rs.progress_note_add(actor=actor, recommendation=rec, text=note,
                             noted_on=min(sent_on + dt.timedelta(days=3 + 10 * index), today))  # fmt: skip
    kind = {"rejected": ResponseKind.REJECTED, "partly": ResponseKind.PARTLY}.get(spec.fate, ResponseKind.ACCEPTED)
    rec = rs.recommendation_respond(actor=actor, recommendation=rec, kind=kind, text=spec.response,
                                    reasons=spec.reasons, received_on=answered_on)  # fmt: skip
    if spec.fate in ("rejected", "partly"):
        return
    done_on = min(answered_on + dt.timedelta(days=20), today)
    done = spec.fate != "not_done"
    rec = rs.recommendation_implementation(
        actor=actor, recommendation=rec, done=done, on=done_on,
        note="" if done else "Срок, названный в ответе, прошёл; работы не начаты.",
    )  # fmt: skip
    if spec.fate in ("assessed", "not_done"):
        rs.recommendation_assess(
            actor=actor, recommendation=rec, assessment=Assessment.SATISFIED if done else Assessment.NOT_SATISFIED,
            note=spec.assessment_note, on=min(done_on + dt.timedelta(days=7), today),
        )  # fmt: skip


@transaction.atomic
def load_councils(*, today: dt.date | None = None) -> int:
    """The demo public councils; returns how many councils were added (0 when already loaded)."""
    actor = get_user_model().objects.filter(email=COUNCIL_LOGIN).first()
    regional = OrgUnit.objects.filter(code="atyrau").first()
    city = OrgUnit.objects.filter(code="atyrau-city").first()
    region_akimat = _body(bodies.REGIONAL_AKIMAT[1])
    city_akimat = _body(bodies.CITY_AKIMAT[1])
    if None in (actor, regional, city, region_akimat, city_akimat):
        return 0
    titles = {
        "regional": ("AMANAT партиясы Атырау облыстық филиалы жанындағы қоғамдық кеңес",
                     "Общественный совет при Атырауском областном филиале партии AMANAT",
                     "Public Council of the AMANAT Atyrau Regional Branch"),
        "city": ("Атырау қаласы әкімдігі жанындағы қоғамдық кеңес", "Общественный совет при акимате города Атырау",
                 "Public Council at the Atyrau City Akimat"),
    }  # fmt: skip
    if Council.objects.filter(title_ru=titles["regional"][1]).exists():
        return 0
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=400)
    plans = {
        "regional": (regional, None, region_akimat, REGIONAL_MEMBERS, (120, 40), "Облыстық филиал, мәжіліс залы"),
        "city": (city, city_akimat, city_akimat, CITY_MEMBERS, (90, 12), "Атырау қаласы әкімдігі, 2-қабат, кіші зал"),
    }
    agendas = (
        "1. Денсаулық сақтау және білім беру мәселелері.\n2. Азаматтардың өтініштері бойынша ұсынымдар.",
        "1. Инфрақұрылым және коммуналдық қызметтер.\n2. Бұрынғы ұсынымдардың орындалуы.",
    )
    added = 0
    for key, (unit, state_body, akimat, rows, days_back, place) in plans.items():
        kk, ru, en = titles[key]
        council = cs.council_create(
            actor=actor, org_unit=unit, state_body=state_body, title_kk=kk, title_ru=ru, title_en=en,
            description_kk="Азаматтардың, үкіметтік емес ұйымдар мен сарапшылардың өкілдері кіретін кеңесші орган.",
            description_ru="Консультативный орган из представителей граждан, НКО и экспертов.",
            description_en="An advisory body of citizens, NGO representatives and experts.",
            established_on=start,
        )  # fmt: skip
        added += 1
        members = _seat(actor, council, rows, start)
        former = _seat(actor, council, (FORMER[key],), start)[0]
        cs.member_end_term(actor=actor, member=former, ended_on=today - dt.timedelta(days=150),
                           reason="Өз еркімен шықты / По собственному желанию")  # fmt: skip
        akimats = _addressees(akimat)
        for number, back in enumerate(days_back):
            day = today - dt.timedelta(days=back)
            session = cs.session_create(actor=actor, council=council, starts_at=_at(day), ends_at=_at(day, 17),
                                        place=place, agenda=agendas[number])  # fmt: skip
            present = [m for i, m in enumerate(members) if (i + number) % 6 != 5]  # one or two absent
            cs.attendance_record(actor=actor, session=session, members=present, guests=4 + number)
            for spec in RECS[key]:
                if spec.session == number:
                    _life(actor, session, present, spec, akimats, today)
    return added
