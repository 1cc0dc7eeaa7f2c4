"""Demo election programme «Халықпен бірге!» 2023–2027 of the Atyrau branch.

Nine directions (roads, water supply, gas, housing, health, education, jobs, ecology, culture), a
road-map item of each direction for the city and every district, one indicator each, quarterly
reports for the last two years (some late, some missed, some not confirmed by party control),
then progress and statuses recomputed from them. Loaded once: running it again adds nothing.
Everything is fictional demo data and is generated from a fixed seed (same result every time).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from amanat.demo.data import bodies
from amanat.demo.data.atyrau import BRANCHES
from amanat.org.choices import StateBodyKind
from amanat.org.models import Official, OrgUnit, StateBody, Territory
from amanat.programme.choices import BudgetSource, ItemKind, ReportState
from amanat.programme.models import Indicator, IndicatorValue, Item, Programme, Report
from amanat.programme.services.progress import quarter_end, quarter_of

CODE = "khalyqpen-birge-2023"
SEED = 2023

# (code, kk, ru, en, department subject (en) or "akimat", indicator (kk, ru, en, unit, baseline, target),
#  item title templates kk/ru/en with {place})
DIRECTIONS: tuple[tuple[Any, ...], ...] = (
    ("1", "Жолдар", "Дороги", "Roads", "akimat",
     ("Жөнделген жолдар", "Отремонтировано дорог", "Roads repaired", "км", 0, 30),
     ("{place}: аудандық жолдарды жөндеу", "{place}: ремонт районных дорог", "{place}: repair of district roads")),
    ("2", "Сумен жабдықтау", "Водоснабжение", "Water supply", "akimat",
     ("Таза суға қосылған үйлер", "Домохозяйства с доступом к чистой воде", "Households with clean water", "%", 70, 100),
     ("{place}: ауылдарды таза сумен қамту", "{place}: обеспечение сёл чистой водой", "{place}: clean water for villages")),
    ("3", "Газдандыру", "Газификация", "Gas", "akimat",
     ("Газдандырылған елді мекендер", "Газифицировано населённых пунктов", "Settlements on gas", "шт.", 0, 6),
     ("{place}: елді мекендерді газдандыру", "{place}: газификация населённых пунктов", "{place}: gas for settlements")),
    ("4", "Тұрғын үй", "Жильё", "Housing", "akimat",
     ("Пайдалануға берілген тұрғын үй", "Введено жилья", "Housing commissioned", "мың м²", 0, 40),
     ("{place}: кезектегілерге жалға берілетін үйлер", "{place}: арендное жильё для очередников", "{place}: rental housing for the waiting list")),
    ("5", "Денсаулық сақтау", "Здравоохранение", "Health", "Health",
     ("Жаңа медициналық пункттер", "Новые медицинские пункты", "New medical posts", "шт.", 0, 4),
     ("{place}: медициналық пункттер салу", "{place}: строительство медицинских пунктов", "{place}: building medical posts")),
    ("6", "Білім", "Образование", "Education", "Education",
     ("Жаңа оқушы орындары", "Новые ученические места", "New school places", "орын", 0, 600),
     ("{place}: үш ауысымды мектептерді жою", "{place}: ликвидация трёхсменных школ", "{place}: ending three-shift schools")),
    ("7", "Жұмыс орындары", "Рабочие места", "Jobs", "Employment and Social Programmes",
     ("Құрылған тұрақты жұмыс орындары", "Создано постоянных рабочих мест", "Permanent jobs created", "адам", 0, 500),
     ("{place}: тұрақты жұмыс орындарын құру", "{place}: создание постоянных рабочих мест", "{place}: creating permanent jobs")),
    ("8", "Экология", "Экология", "Ecology", "Natural Resources",
     ("Рұқсатсыз қоқыс үйінділері", "Несанкционированные свалки", "Illegal dumps", "шт.", 12, 0),
     ("{place}: рұқсатсыз қоқыс үйінділерін жою", "{place}: ликвидация несанкционированных свалок", "{place}: clearing illegal dumps")),
    ("9", "Мәдениет", "Культура", "Culture", "Culture, Archives and Documentation",
     ("Жөнделген мәдениет үйлері", "Отремонтировано домов культуры", "Culture houses repaired", "шт.", 0, 3),
     ("{place}: ауылдық мәдениет үйлерін жөндеу", "{place}: ремонт сельских домов культуры", "{place}: repair of rural culture houses")),
)  # fmt: skip

# How an item's responsible body works: share of quarters reported, chance of "not confirmed",
# chance of a late report, pace (share of the target reached by the end of the two years).
PROFILES = {
    "good": (1.0, 0.0, 0.05, 1.0),
    "steady": (0.9, 0.1, 0.15, 0.75),
    "weak": (0.7, 0.3, 0.35, 0.45),
    "stalled": (0.35, 0.5, 0.5, 0.2),
}


def _quarters_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    out = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        out.append((year, quarter))
    return out[::-1]


def _bodies() -> tuple[dict[str, StateBody], dict[str, StateBody], StateBody]:
    """Departments by English subject, akimats by KATO; departments the demo lacks are created."""
    regional = StateBody.objects.filter(kind=StateBodyKind.REGIONAL_AKIMAT).order_by("path").first()
    if regional is None:
        regional = StateBody.objects.add_root(
            instance=StateBody(kind=StateBodyKind.REGIONAL_AKIMAT, name_kk=bodies.REGIONAL_AKIMAT[0],
                               name_ru=bodies.REGIONAL_AKIMAT[1], name_en=bodies.REGIONAL_AKIMAT[2])
        )  # fmt: skip
    departments: dict[str, StateBody] = {}
    by_name = {b.name_ru: b for b in StateBody.objects.filter(kind=StateBodyKind.DEPARTMENT)}
    for subject in bodies.DEPARTMENTS:
        kk, ru, en = bodies.department_names(subject)
        body = by_name.get(ru)
        if body is None:
            body = StateBody.objects.add_child(
                regional, instance=StateBody(kind=StateBodyKind.DEPARTMENT, name_kk=kk, name_ru=ru, name_en=en)
            )
        departments[subject[2]] = body
    akimats = {
        b.territory.kato: b
        for b in StateBody.objects.filter(
            kind__in=[StateBodyKind.CITY_AKIMAT, StateBodyKind.DISTRICT_AKIMAT], territory__isnull=False
        ).select_related("territory")
    }
    return departments, akimats, regional


# Who the demo reports come from: the Makat akim's reporting login, else the branch administrator.
REPORTERS = ("reporter@amanat.kz", "regional.admin@amanat.kz")


@transaction.atomic
def load_programme(*, today: dt.date | None = None) -> int:
    """The demo programme with its items, indicators and reports; returns items added (0 if loaded)."""
    if Programme.objects.filter(code=CODE).exists():
        return 0
    regional_unit = OrgUnit.objects.filter(code="atyrau").first()
    if regional_unit is None:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    users = get_user_model().objects
    reporter = next((u for e in REPORTERS if (u := users.filter(email=e).first())), None)
    verifiers = [u for u in (users.filter(email=e).first() for e in ("control@amanat.kz", "deputy@amanat.kz")) if u]
    if reporter is None or not verifiers:
        return 0
    departments, akimats, regional_body = _bodies()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[b.code for b in BRANCHES])}
    places = {t.kato: t for t in Territory.objects.filter(kato__in=[b.kato for b in BRANCHES])}
    heads = {o.body_id: o for o in Official.objects.filter(is_head=True, ended_on__isnull=True)}

    programme = Programme.objects.create(
        code=CODE, title_kk="Халықпен бірге!", title_ru="Вместе с народом!", title_en="Together with the people!",
        first_year=2023, last_year=2027, org_unit=regional_unit, is_published=True,
    )  # fmt: skip
    quarters = _quarters_back(today, 8)
    start = dt.date(quarters[0][0], (quarters[0][1] - 1) * 3 + 1, 1)
    leaves: list[tuple[Item, Indicator, str]] = []
    for code, kk, ru, en, owner, indicator, titles in DIRECTIONS:
        direction = Item.objects.add_root({
            "programme": programme, "kind": ItemKind.DIRECTION, "code": code, "title_kk": kk, "title_ru": ru,
            "title_en": en, "org_unit": regional_unit, "responsible_body": departments.get(owner),
        })  # fmt: skip
        for number, branch in enumerate(BRANCHES, start=1):
            unit, place = units.get(branch.code), places.get(branch.kato)
            if unit is None or place is None:
                continue
            body = akimats.get(branch.kato) if owner == "akimat" else departments[owner]
            body = body or regional_body
            end_year = rng.choice([2025, 2026, 2026, 2027, 2027])
            budget = Decimal(rng.randrange(200, 5000) * 1_000_000)
            item = Item.objects.add_child(direction, {
                "programme": programme, "kind": ItemKind.ROADMAP, "code": f"{code}.{number}",
                "title_kk": titles[0].format(place=place.name_kk), "title_ru": titles[1].format(place=place.name_ru),
                "title_en": titles[2].format(place=place.name_en or place.name_ru),
                "org_unit": unit, "territory": place, "responsible_body": body,
                "responsible_official": heads.get(body.pk), "planned_start": start,
                "planned_end": dt.date(end_year, 12, 31), "budget_planned": budget,
                "budget_source": rng.choice([BudgetSource.LOCAL, BudgetSource.REPUBLICAN, BudgetSource.NATIONAL_FUND]),
            })  # fmt: skip
            target = Decimal(indicator[5])
            ind = Indicator.objects.create(
                item=item, name_kk=indicator[0], name_ru=indicator[1], name_en=indicator[2], unit=indicator[3],
                baseline=Decimal(indicator[4]), target=target,
                direction="more" if indicator[5] > indicator[4] else "less", source="Отчёт исполнителя",
            )  # fmt: skip
            leaves.append((item, ind, rng.choice(["good", "steady", "steady", "weak", "weak", "stalled"])))
    _versions(programme, leaves, today)
    _mandates(leaves, today)

    reports: list[Report] = []
    values: list[tuple[Indicator, int, int, Decimal, Decimal]] = []
    for item, ind, profile in leaves:
        share, rejected, late, pace = PROFILES[profile]
        for index, (year, quarter) in enumerate(quarters):
            planned = ind.baseline + (ind.target - ind.baseline) * Decimal(index + 1) / len(quarters)
            if rng.random() > share:
                continue
            reached = Decimal(str(round(pace * (index + 1) / len(quarters) * rng.uniform(0.85, 1.1), 3)))
            actual = (ind.baseline + (ind.target - ind.baseline) * min(reached, Decimal(1))).quantize(Decimal("0.01"))
            due = quarter_end(year, quarter) + dt.timedelta(days=10)
            is_late = rng.random() < late
            submitted = timezone.make_aware(
                dt.datetime.combine(
                    due + dt.timedelta(days=rng.randint(3, 30) if is_late else -rng.randint(0, 8)), dt.time(11)
                )
            )
            last = index == len(quarters) - 1
            if last and rng.random() < 0.6:
                state = ReportState.CLAIMED
            elif rng.random() < rejected:
                state = ReportState.NOT_CONFIRMED
            else:
                state = ReportState.PARTLY if rng.random() < 0.15 else ReportState.CONFIRMED
            verified = state != ReportState.CLAIMED
            reports.append(Report(
                item=item, year=year, quarter=quarter, narrative=f"{item.title_ru}: выполнено {actual} {ind.unit}.",
                submitted_by=reporter, submitted_at=submitted, is_late=is_late, state=state,
                verdict_by=rng.choice(verifiers) if verified else None,
                verdict_at=submitted + dt.timedelta(days=rng.randint(5, 25)) if verified else None,
                verdict_comment=("Выезд на объект: объём работ не соответствует отчёту." if state == ReportState.NOT_CONFIRMED
                                 else "Проверено на месте." if verified else ""),
            ))  # fmt: skip
            values.append((ind, year, quarter, planned.quantize(Decimal("0.01")), actual))
    Report.objects.bulk_create(reports, batch_size=1000)
    by_key = {(r.item_id, r.year, r.quarter): r for r in Report.objects.filter(item__programme=programme)}
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=ind, year=y, quarter=q, planned=p, actual=a, report=by_key[(ind.item_id, y, q)])
            for ind, y, q, p, a in values
        ],
        batch_size=1000,
    )
    from amanat.programme.services.progress import recompute_all

    recompute_all(Item.objects.filter(programme=programme).select_related("programme").order_by("path"), today=today)
    return len(leaves)


def _versions(programme: Programme, leaves: list[tuple[Item, Indicator, str]], today: dt.date) -> None:
    """Version 1 as adopted, then a revision that moves one deadline and lowers one target, so the
    versions pages have something to show (and flag)."""
    from amanat.programme.services.versions import version_adopt

    secretary = get_user_model().objects.filter(email="secretary@amanat.kz").first()
    if secretary is None or len(leaves) < 2:
        return
    first = min(dt.date(2023, 3, 15), today)
    version_adopt(
        actor=secretary, programme=programme, adopted_on=first,
        basis="Решение бюро политсовета Атырауского областного филиала от 15.03.2023 № 3",
        note_kk="Облыстық жол картасы бекітілді.", note_ru="Утверждена региональная дорожная карта.",
        note_en="The regional road map adopted.",
    )  # fmt: skip
    (item, _ind, _p), (_other, indicator, _q) = leaves[0], leaves[1]
    if item.planned_end:
        Item.objects.filter(pk=item.pk).update(planned_end=item.planned_end + dt.timedelta(days=183))
    lowered = indicator.baseline + (indicator.target - indicator.baseline) * Decimal("0.8")
    Indicator.objects.filter(pk=indicator.pk).update(target=lowered.quantize(Decimal("0.01")))
    version_adopt(
        actor=secretary, programme=programme, adopted_on=max(first, today - dt.timedelta(days=200)),
        basis="Решение политсовета Атырауского областного филиала № 7",
        note_kk="Бір тармақтың мерзімі ұзартылды, бір көрсеткіштің нысаналы мәні өзгертілді.",
        note_ru="Продлён срок одного пункта, изменено целевое значение одного показателя.",
        note_en="One item's deadline extended, one indicator's target changed.",
    )  # fmt: skip


# Voters' mandates taken at the 2023 campaign's meetings: (branch, direction, signatories, kk, ru,
# whether a programme item answers it already).
MANDATES: tuple[tuple[str, str, int, str, str, bool], ...] = (
    ("makat", "6", 214, "Доссор кентінде жаңа мектеп салу: балалар үш ауысымда оқиды.",
     "Построить новую школу в посёлке Доссор: дети учатся в три смены.", True),
    ("makat", "2", 87, "Мақат кентінің шетіндегі көшелерге ауыз су құбырын тарту.",
     "Провести водопровод на окраинные улицы посёлка Макат.", True),
    ("inder", "1", 156, "Индербор – Есболай жолын жөндеу, көктемде жол жабылып қалады.",
     "Отремонтировать дорогу Индербор – Есболай: весной её размывает.", True),
    ("zhylyoi", "5", 63, "Қосшағыл ауылында дәрігерлік амбулатория ашу.",
     "Открыть врачебную амбулаторию в селе Косшагыл.", True),
    ("kurmangazy", "3", 120, "Ганюшкино ауылының жаңа көшелерін газдандыру.",
     "Газифицировать новые улицы села Ганюшкино.", False),
    ("atyrau-city", "8", 340, "Жайық жағалауындағы рұқсатсыз қоқыс үйінділерін жою.",
     "Ликвидировать несанкционированные свалки на берегу Урала.", True),
    ("kyzylkoga", "9", 45, "Миялы ауылының мәдениет үйін жөндеу.",
     "Отремонтировать дом культуры в селе Миялы.", False),
    ("isatai", "7", 72, "Аккыстау ауылында жастарға арналған жұмыс орындарын ашу.",
     "Создать рабочие места для молодёжи в селе Аккистау.", False),
)  # fmt: skip


def _mandates(leaves: list[tuple[Item, Indicator, str]], today: dt.date) -> None:
    """Voters' mandates (appeals of that type, registered as staff do) and the items answering them."""
    from amanat.appeals.choices import AppealType, Channel
    from amanat.appeals.services.intake import Intake, appeal_register
    from amanat.programme.services.mandates import mandate_link

    users = get_user_model().objects
    registrar = users.filter(email="regional.admin@amanat.kz").first()
    secretary = users.filter(email="secretary@amanat.kz").first()
    if registrar is None or secretary is None:
        return
    received = timezone.make_aware(dt.datetime.combine(min(dt.date(2023, 3, 10), today), dt.time(15)))
    for branch, direction, signatories, kk, ru, linked in MANDATES:
        item = next(
            (i for i, _ind, _p in leaves if i.org_unit.code == branch and i.code.startswith(f"{direction}.")), None
        )
        if item is None:
            continue
        intake = Intake(
            appeal_type=AppealType.MANDATE, channel=Channel.FIELD_MEETING, text=f"{kk}\n\n{ru}", language="kk",
            subject=ru[:120], territory=item.territory, is_collective=True, signatories=signatories,
            applicant_name="Сайлаушылар жиналысы / Собрание избирателей", answer_channel="in_person", consent=True,
            org_unit=item.org_unit, received_at=received,
        )  # fmt: skip
        appeal = appeal_register(actor=registrar, intake=intake).appeal
        if linked:
            mandate_link(actor=secretary, item=item, appeal=appeal)
