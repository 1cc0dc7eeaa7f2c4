"""Demo party projects: five projects with their indicators, about twenty events across the
city and district branches — past ones with results and confirmed volunteer hours, upcoming ones
with shifts and some sign-ups. Everything goes through the projects app's services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from amanat.org.choices import OrgUnitKind
from amanat.org.models import OrgUnit
from amanat.projects.choices import EventKind, SignUpStatus
from amanat.projects.models import Project
from amanat.projects.services.events import event_create, result_save, shift_create
from amanat.projects.services.projects import kpi_create, project_create
from amanat.projects.services.signups import Volunteer, signup_create, signup_transition

SEED = 2026_05
ACTOR = "secretary@amanat.kz"

# code, kk, ru, en, description ru, event kind, event titles (kk, ru), KPIs (kk, ru, en, measure kk/ru/en, target)
PROJECTS = (
    (
        "taza-like", "Таза like", "Таза like", "Taza like",
        "Субботники и уборка дворов, берегов и парков вместе с молодёжью.",
        EventKind.CLEANUP, ("Аулаларды тазалау", "Уборка дворов"),
        (("Жиналған қоқыс", "Собрано мусора", "Rubbish collected", "т", "т", "t", 120),
         ("Тазаланған аумақ", "Убрано территории", "Area cleaned", "га", "га", "ha", 60)),
    ),
    (
        "taza-beisenbi", "Таза бейсенбі", "Таза бейсенбі", "Taza Beisenbi",
        "Еженедельные четверговые уборки у социальных объектов.",
        EventKind.CLEANUP, ("Бейсенбілік сенбілік", "Четверговый субботник"),
        (("Жиналған қоқыс", "Собрано мусора", "Rubbish collected", "т", "т", "t", 80),),
    ),
    (
        "aleumet", "Әлеумет", "Әлеумет", "Aleumet",
        "Помощь одиноким пожилым людям, многодетным семьям и людям с инвалидностью.",
        EventKind.CHARITY, ("Қайырымдылық акциясы", "Благотворительная акция"),
        (("Көмек алған отбасылар", "Семей получили помощь", "Families helped", "отбасы", "семей", "families", 400),
         ("Азық-түлік себеттері", "Продуктовые корзины", "Food baskets", "дана", "шт.", "pcs", 600)),
    ),
    (
        "kukyktyk-komek", "Құқықтық көмек", "Құқықтық көмек", "Legal aid",
        "Бесплатные юридические консультации для жителей районов.",
        EventKind.CONSULTATION, ("Тегін заң кеңесі", "Бесплатная юридическая консультация"),
        (("Кеңес алған адамдар", "Получили консультацию", "People advised", "адам", "чел.", "people", 1500),),
    ),
    (
        "zher-amanaty", "Жер аманаты", "Жер аманаты", "Zher amanaty",
        "Озеленение: посадка деревьев во дворах, школах и вдоль дорог.",
        EventKind.TREE_PLANTING, ("Ағаш отырғызу", "Посадка деревьев"),
        (("Отырғызылған ағаштар", "Посажено деревьев", "Trees planted", "түп", "шт.", "trees", 5000),),
    ),
)  # fmt: skip

FIRST_NAMES = ("Айгерім", "Нұрлан", "Дана", "Ерлан", "Жансая", "Бауыржан", "Әсел", "Мирас", "Томирис", "Арман")
LAST_NAMES = ("Серікова", "Жақсылықов", "Омарова", "Нұрғалиев", "Қалиева", "Бекенов", "Исаева", "Тұрсынов")


def _units() -> tuple[OrgUnit | None, list[tuple[OrgUnit, OrgUnit | None]]]:
    regional = OrgUnit.objects.filter(code="atyrau").first()
    if regional is None:
        return None, []
    branches = list(
        OrgUnit.objects.filter(
            kind__in=(OrgUnitKind.CITY, OrgUnitKind.DISTRICT), path__startswith=regional.path
        ).order_by("path")
    )
    pairs = []
    for branch in branches:
        primary = (
            OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY, path__startswith=branch.path).order_by("path").first()
        )
        pairs.append((branch, primary))
    return regional, pairs


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _volunteer(rng: random.Random, n: int) -> Volunteer:
    return Volunteer(
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        phone=f"+7701{7_000_000 + n:07d}",
        birth_year=rng.randint(1975, 2008),
        consent=True,
    )


def load_projects(*, today: dt.date | None = None) -> int:
    """The demo projects with events, shifts, volunteers and results; returns events added (0 if loaded)."""
    if Project.all_objects.filter(code=PROJECTS[0][0]).exists():
        return 0
    actor = get_user_model().objects.filter(email=ACTOR).first()
    regional, pairs = _units()
    if actor is None or regional is None or not pairs:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    added = 0
    person = 0
    for index, (code, kk, ru, en, about, kind, (title_kk, title_ru), kpis) in enumerate(PROJECTS):
        project = project_create(
            actor=actor,
            values={
                "code": code,
                "title_kk": kk,
                "title_ru": ru,
                "title_en": en,
                "description_ru": about,
                "org_unit": regional,
                "is_public": True,
            },
            units=[branch for branch, _primary in pairs],
        )
        made = [
            kpi_create(
                actor=actor,
                project=project,
                values={
                    "name_kk": n_kk,
                    "name_ru": n_ru,
                    "name_en": n_en,
                    "measure_kk": m_kk,
                    "measure_ru": m_ru,
                    "measure_en": m_en,
                    "yearly_target": Decimal(target),
                    "position": position,
                },
            )
            for position, (n_kk, n_ru, n_en, m_kk, m_ru, m_en, target) in enumerate(kpis)
        ]
        # Four events per project: two past, two upcoming, across the branches and their primaries.
        for k, offset in enumerate((-40 + index * 3, -12 + index, 4 + index, 15 + index * 2)):
            branch, primary = pairs[(index * 2 + k + (0 if k < 2 else 3)) % len(pairs)]  # past ones cover all
            unit = primary if (k % 2 and primary is not None) else branch
            day = today + dt.timedelta(days=offset)
            start = _at(day, 10)
            event = event_create(actor=actor, project=project, values={
                "org_unit": unit, "title_kk": f"{title_kk}: {branch.name_kk}", "title_ru": f"{title_ru}: {branch.name_ru}",
                "kind": kind, "starts_at": start, "ends_at": start + dt.timedelta(hours=5),
                "territory": branch.territory, "address": branch.address_ru or branch.address_kk,
            })  # fmt: skip
            added += 1
            shifts = [
                shift_create(actor=actor, event=event, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                             capacity=rng.choice((8, 10, 15)), note="Перчатки и мешки выдаются на месте"),
                shift_create(actor=actor, event=event, starts_at=start + dt.timedelta(hours=3),
                             ends_at=start + dt.timedelta(hours=5), capacity=rng.choice((5, 8))),
            ]  # fmt: skip
            past = offset < 0
            for shift in shifts:
                wanted = rng.randint(3, shift.capacity) if past else rng.randint(0, shift.capacity // 2)
                for _n in range(wanted):
                    person += 1
                    signup = signup_create(
                        shift_id=shift.pk, volunteer=_volunteer(rng, person), now=start - dt.timedelta(days=2)
                    )
                    if past:
                        came = rng.random() < 0.85
                        signup_transition(
                            actor=actor,
                            signup=signup,
                            to=SignUpStatus.ATTENDED if came else SignUpStatus.NO_SHOW,
                            hours=Decimal(rng.choice((1, "1.5", 2))) if came else None,
                        )
            if past:
                for kpi in made:
                    scale = float(kpi.yearly_target or 10) / 25
                    value = Decimal(str(round(rng.uniform(0.5, 1.5) * scale, 1)))
                    result_save(actor=actor, event=event, kpi=kpi, value=value)
    return added
