"""State bodies and maslikhats of the Atyrau region for the demo.

Names follow the official pattern of the region's bodies; the people who hold posts in them are
generated (fictional). Seats and dates of the maslikhats are demo values (configurable here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from amanat.demo.data.atyrau import BRANCHES, DISTRICTS, Place

REGION_KK = "Атырау облысының"
REGION_RU = "Атырауской области"

# Departments (басқарма / управление) of the regional akimat: (kk subject, ru subject, en name).
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("денсаулық сақтау", "здравоохранения", "Health"),
    ("білім", "образования", "Education"),
    ("энергетика және тұрғын үй-коммуналдық шаруашылық", "энергетики и жилищно-коммунального хозяйства", "Energy and Housing"),
    ("жолаушылар көлігі және автомобиль жолдары", "пассажирского транспорта и автомобильных дорог", "Passenger Transport and Roads"),
    ("ауыл шаруашылығы", "сельского хозяйства", "Agriculture"),
    ("жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар", "координации занятости и социальных программ", "Employment and Social Programmes"),
    ("құрылыс", "строительства", "Construction"),
    ("табиғи ресурстар және табиғат пайдалануды реттеу", "природных ресурсов и регулирования природопользования", "Natural Resources"),
    ("кәсіпкерлік және индустриялық-инновациялық даму", "предпринимательства и индустриально-инновационного развития", "Entrepreneurship and Industrial Development"),
    ("мәдениет, архивтер және құжаттама", "культуры, архивов и документации", "Culture, Archives and Documentation"),
    ("дене шынықтыру және спорт", "физической культуры и спорта", "Physical Culture and Sport"),
    ("ішкі саясат", "внутренней политики", "Internal Policy"),
    ("жастар саясаты мәселелері", "по вопросам молодёжной политики", "Youth Policy"),
)  # fmt: skip


def department_names(subject: tuple[str, str, str]) -> tuple[str, str, str]:
    kk, ru, en = subject
    return (
        f"{REGION_KK} {kk} басқармасы",
        f"Управление {ru} {REGION_RU}",
        f"Atyrau Region {en} Department",
    )


REGIONAL_AKIMAT = (f"{REGION_KK} әкімдігі", f"Акимат {REGION_RU}", "Atyrau Region Akimat")
CITY_AKIMAT = ("Атырау қаласының әкімдігі", "Акимат города Атырау", "Atyrau City Akimat")


def district_akimat_names(district: Place) -> tuple[str, str, str]:
    kk_base = district.kk.removesuffix(" ауданы")
    ru_adj = district.ru.removesuffix(" район")
    ru = ru_adj[:-2] + "ого района" if ru_adj.endswith("ий") else district.ru
    return (f"{kk_base} ауданының әкімдігі", f"Акимат {ru}", f"{district.en} Akimat")


def rural_akim_names(okrug: Place) -> tuple[str, str, str]:
    return (
        f"{okrug.kk} әкімінің аппараты",
        "Аппарат акима " + okrug.ru.replace("сельский округ", "сельского округа"),
        f"Office of the Akim of {okrug.en}",
    )


# How many rural okrugs of each district (and of the city) get an akim's office in the demo.
RURAL_OFFICES_PER_DISTRICT = 2

# Posts: (kk, ru, en).
TITLE_REGIONAL_AKIM = ("Облыс әкімі", "Аким области", "Akim of the Region")
TITLE_REGIONAL_DEPUTY = ("Облыс әкімінің орынбасары", "Заместитель акима области", "Deputy Akim of the Region")
TITLE_CITY_AKIM = ("Қала әкімі", "Аким города", "City Akim")
TITLE_CITY_DEPUTY = ("Қала әкімінің орынбасары", "Заместитель акима города", "Deputy City Akim")
TITLE_DISTRICT_AKIM = ("Аудан әкімі", "Аким района", "District Akim")
TITLE_DISTRICT_DEPUTY = ("Аудан әкімінің орынбасары", "Заместитель акима района", "Deputy District Akim")
TITLE_DEPARTMENT_HEAD = ("Басқарма басшысы", "Руководитель управления", "Head of Department")
TITLE_DEPARTMENT_DEPUTY = (
    "Басқарма басшысының орынбасары",
    "Заместитель руководителя управления",
    "Deputy Head of Department",
)
TITLE_RURAL_AKIM = ("Ауылдық округ әкімі", "Аким сельского округа", "Rural Okrug Akim")
REGIONAL_DEPUTY_AKIMS = 4


# --- maslikhats -------------------------------------------------------------------------------

ELECTED_ON = dt.date(2023, 3, 19)  # elections of maslikhat deputies, VIII convocation
CONVOCATION = 8
PARTY_SHARE = 0.7  # the party's deputies among all


@dataclass(frozen=True)
class MaslikhatSpec:
    level: str
    kato: str
    branch: str  # org unit code of the party branch at this level
    names: tuple[str, str, str]
    seats: int
    list_seats: int  # seats filled from party lists (no constituency); the rest are single-member


def _maslikhat_names(kk_place: str, ru_adj: str, en_place: str) -> tuple[str, str, str]:
    return (f"{kk_place} мәслихаты", f"{ru_adj} маслихат", f"{en_place} Maslikhat")


def maslikhats() -> list[MaslikhatSpec]:
    # Since 2023 regional and city maslikhats are elected half by party lists, half in
    # single-member constituencies; district maslikhats in single-member constituencies only.
    specs = [
        MaslikhatSpec("regional", "230000000", "atyrau", _maslikhat_names("Атырау облыстық", "Атырауский областной", "Atyrau Regional"), 32, 16),
        MaslikhatSpec("city", "231000000", "atyrau-city", _maslikhat_names("Атырау қалалық", "Атырауский городской", "Atyrau City"), 24, 12),
    ]  # fmt: skip
    districts = {d.kato: d for d in DISTRICTS}
    for branch in BRANCHES:
        place = districts.get(branch.kato)
        if place is None:
            continue
        kk = place.kk.removesuffix(" ауданы") + " аудандық"
        specs.append(
            MaslikhatSpec("district", place.kato, branch.code, _maslikhat_names(kk, branch.ru, place.en), 16, 0)
        )
    return specs


def faction_names(maslikhat: tuple[str, str, str]) -> tuple[str, str, str]:
    kk, ru, en = maslikhat
    # Russian prepositional case of "Атырауский областной маслихат" and the like.
    endings = {"ский": "ском", "ской": "ском", "ной": "ном", "ный": "ном", "маслихат": "маслихате"}
    ru_prep = " ".join(next((w[: -len(a)] + b for a, b in endings.items() if w.endswith(a)), w) for w in ru.split())
    return (
        f"{kk}ндағы AMANAT партиясының депутаттық фракциясы",
        f"Депутатская фракция партии AMANAT в {ru_prep}",
        f"AMANAT Party Faction in the {en}",
    )
