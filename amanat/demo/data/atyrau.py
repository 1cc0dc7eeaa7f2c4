"""The Atyrau region for the demo: places (KATO), the party's branches and primary organisations.

KATO codes of the region, the city and the seven districts, and of Kulsary, are the ones seen in
public code (DOMAIN.md §4). The codes of rural okrugs and of the other centres are *inferred*
from the classifier's pattern (district prefix, two digits for the okrug, "000"; a settlement
ends in "100"): they are configured here, stamped with `KATO_VERSION`, and must be replaced by
the official dated classifier before production.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from amanat.org.choices import TerritoryKind

KATO_VERSION = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Place:
    kato: str
    kind: str
    kk: str
    ru: str
    en: str
    is_centre: bool = False
    children: tuple[Place, ...] = ()


def okrug(kato: str, kk: str, ru: str, en: str, *children: Place) -> Place:
    return Place(
        kato,
        TerritoryKind.RURAL_OKRUG,
        f"{kk} ауылдық округі",
        f"сельский округ {ru}",
        f"{en} Rural Okrug",
        False,
        children,
    )


def settlement(kato: str, kk: str, ru: str, en: str, *, centre: bool = False) -> Place:
    return Place(kato, TerritoryKind.SETTLEMENT, kk, ru, en, centre)


def district(kato: str, kk: str, ru: str, en: str, *children: Place) -> Place:
    return Place(kato, TerritoryKind.DISTRICT, kk, ru, en, False, children)


CITY = Place(
    "231000000",
    TerritoryKind.CITY,
    "Атырау қаласы (қалалық әкімшілік)",
    "город Атырау (городская администрация)",
    "Atyrau City (city administration)",
    False,
    (
        settlement("231010000", "Атырау қаласы", "город Атырау", "Atyrau", centre=True),
        okrug("231033000", "Ақжар", "Акжар", "Akzhar"),
        okrug("231035000", "Геолог", "Геолог", "Geolog"),
        okrug("231037000", "Дамба", "Дамба", "Damba"),
        okrug("231039000", "Еркінқала", "Еркинкала", "Erkinkala"),
        okrug("231041000", "Қайыршақты", "Кайыршакты", "Kaiyrshakty"),
        okrug("231043000", "Талғайран", "Талгайран", "Talgairan"),
    ),
)

DISTRICTS: tuple[Place, ...] = (
    district(
        "233600000", "Жылыой ауданы", "Жылыойский район", "Zhylyoi District",
        settlement("233620100", "Құлсары қаласы", "город Кульсары", "Kulsary", centre=True),
        okrug("233633000", "Ақкиізтоғай", "Аккиизтогай", "Akkiiztogai"),
        okrug("233635000", "Жем", "Жем", "Zhem"),
        okrug("233637000", "Қосшағыл", "Косшагыл", "Kosshagyl"),
        okrug("233639000", "Майкөмген", "Майкомген", "Maikomgen"),
        okrug("233641000", "Тұрғызба", "Тургызба", "Turgyzba"),
        okrug("233643000", "Шоқпартоғай", "Шокпартогай", "Shokpartogai"),
    ),
    district(
        "234000000", "Индер ауданы", "Индерский район", "Inder District",
        settlement("234020100", "Индербор кенті", "посёлок Индербор", "Inderbor", centre=True),
        okrug("234033000", "Бөдене", "Бодене", "Bodene"),
        okrug("234035000", "Елтай", "Елтай", "Eltai"),
        okrug("234037000", "Есбол", "Есбол", "Esbol"),
        okrug("234039000", "Жарсуат", "Жарсуат", "Zharsuat"),
        okrug("234041000", "Көктоғай", "Коктогай", "Koktogai"),
        okrug("234043000", "Өрлік", "Орлик", "Orlik"),
    ),
    district(
        "234200000", "Исатай ауданы", "Исатайский район", "Isatai District",
        okrug(
            "234233000", "Аққыстау", "Аккистау", "Akkystau",
            settlement("234233100", "Аққыстау ауылы", "село Аккистау", "Akkystau", centre=True),
        ),
        okrug("234235000", "Жанбай", "Жанбай", "Zhanbai"),
        okrug("234237000", "Забурын", "Забурунье", "Zaburyn"),
        okrug("234239000", "Исатай", "Исатай", "Isatai"),
        okrug("234241000", "Нарын", "Нарын", "Naryn"),
        okrug("234243000", "Тұщықұдық", "Тущикудук", "Tushchykuduk"),
    ),
    district(
        "234600000", "Құрманғазы ауданы", "Курмангазинский район", "Kurmangazy District",
        okrug("234633000", "Азғыр", "Азгир", "Azgyr"),
        okrug("234635000", "Ақкөл", "Акколь", "Akkol"),
        okrug("234637000", "Бірлік", "Бирлик", "Birlik"),
        okrug("234639000", "Дыңғызыл", "Дынгызыл", "Dyngyzyl"),
        okrug("234641000", "Еңбекші", "Енбекши", "Enbekshi"),
        okrug("234643000", "Жыланды", "Жыланды", "Zhylandy"),
        okrug(
            "234645000", "Құрманғазы", "Курмангазы", "Kurmangazy",
            settlement(
                "234645100", "Құрманғазы ауылы", "село Курмангазы (Ганюшкино)", "Kurmangazy (Ganyushkino)", centre=True
            ),
        ),
        okrug("234647000", "Нұржау", "Нуржау", "Nurzhau"),
        okrug("234649000", "Теңіз", "Тениз", "Teniz"),
        okrug("234651000", "Шортанбай", "Шортанбай", "Shortanbai"),
    ),
    district(
        "234800000", "Қызылқоға ауданы", "Кзылкогинский район", "Kyzylkoga District",
        okrug("234833000", "Жасқайрат", "Жаскайрат", "Zhaskairat"),
        okrug("234835000", "Қарабау", "Карабау", "Karabau"),
        okrug(
            "234837000", "Миялы", "Миялы", "Miyaly",
            settlement("234837100", "Миялы ауылы", "село Миялы", "Miyaly", centre=True),
        ),
        okrug("234839000", "Мұқыр", "Мукур", "Mukyr"),
        okrug("234841000", "Ойыл", "Ойыл", "Oiyl"),
        okrug("234843000", "Сағыз", "Сагыз", "Sagyz"),
        okrug("234845000", "Тайсойған", "Тайсойган", "Taisoigan"),
        okrug("234847000", "Тасшағыл", "Тасшагыл", "Tasshagyl"),
    ),
    district(
        "235200000", "Мақат ауданы", "Макатский район", "Makat District",
        settlement("235220100", "Мақат кенті", "посёлок Макат", "Makat", centre=True),
        settlement("235222100", "Доссор кенті", "посёлок Доссор", "Dossor"),
        settlement("235224100", "Байшонас кенті", "посёлок Байшонас", "Baishonas"),
        okrug("235233000", "Бекбике", "Бекбике", "Bekbike"),
    ),
    district(
        "235600000", "Махамбет ауданы", "Махамбетский район", "Makhambet District",
        okrug("235633000", "Алға", "Алга", "Alga"),
        okrug("235635000", "Ақжайық", "Акжаик", "Akzhaiyk"),
        okrug("235637000", "Алмалы", "Алмалы", "Almaly"),
        okrug("235639000", "Бақсай", "Баксай", "Baksai"),
        okrug("235641000", "Бейбарыс", "Бейбарыс", "Beibarys"),
        okrug("235643000", "Жалғансай", "Жалгансай", "Zhalgansai"),
        okrug(
            "235645000", "Махамбет", "Махамбет", "Makhambet",
            settlement("235645100", "Махамбет ауылы", "село Махамбет", "Makhambet", centre=True),
        ),
        okrug("235647000", "Ортақшыл", "Ортакшыл", "Ortakshyl"),
        okrug("235649000", "Сарайшық", "Сарайшык", "Saraishyk"),
    ),
)  # fmt: skip

REGION = Place(
    "230000000", TerritoryKind.REGION, "Атырау облысы", "Атырауская область", "Atyrau Region", False, (CITY, *DISTRICTS)
)


def walk(place: Place, parent: Place | None = None) -> list[tuple[Place, Place | None]]:
    """Every place with its parent, parents first."""
    result = [(place, parent)]
    for child in place.children:
        result.extend(walk(child, place))
    return result


# --- party units ------------------------------------------------------------------------------

PARTY = "AMANAT партиясының"
PARTY_RU = "партии AMANAT"


@dataclass(frozen=True)
class Branch:
    code: str
    kato: str
    kk: str  # "Атырау облыстық", "Жылыой аудандық"… — completed into the branch's full name
    ru: str
    en: str
    address: tuple[str, str, str]  # kk, ru, en
    phone: str


REGIONAL = Branch(
    "atyrau",
    "230000000",
    "Атырау облыстық",
    "Атырауский областной",
    "Atyrau Regional",
    ("Атырау қ., Сәтбаев даңғылы, 3", "г. Атырау, проспект Сатпаева, 3", "3 Satpayev Avenue, Atyrau"),
    "+7 (7122) 27-15-00",
)

BRANCHES: tuple[Branch, ...] = (
    Branch(
        "atyrau-city", "231000000", "Атырау қалалық", "Атырауский городской", "Atyrau City",
        ("Атырау қ., Азаттық даңғылы, 15", "г. Атырау, проспект Азаттык, 15", "15 Azattyk Avenue, Atyrau"),
        "+7 (7122) 32-40-10",
    ),
    Branch(
        "zhylyoi", "233600000", "Жылыой аудандық", "Жылыойский районный", "Zhylyoi District",
        ("Құлсары қ., Желтоқсан көшесі, 12", "г. Кульсары, ул. Желтоксан, 12", "12 Zheltoksan Street, Kulsary"),
        "+7 (71237) 5-12-40",
    ),
    Branch(
        "inder", "234000000", "Индер аудандық", "Индерский районный", "Inder District",
        ("Индербор кенті, Құрманғазы көшесі, 5", "пос. Индербор, ул. Курмангазы, 5", "5 Kurmangazy Street, Inderbor"),
        "+7 (71234) 2-11-35",
    ),
    Branch(
        "isatai", "234200000", "Исатай аудандық", "Исатайский районный", "Isatai District",
        ("Аққыстау ауылы, Исатай көшесі, 21", "с. Аккистау, ул. Исатая, 21", "21 Isatai Street, Akkystau"),
        "+7 (71231) 2-07-18",
    ),
    Branch(
        "kurmangazy", "234600000", "Құрманғазы аудандық", "Курмангазинский районный", "Kurmangazy District",
        ("Құрманғазы ауылы, Абай көшесі, 8", "с. Курмангазы, ул. Абая, 8", "8 Abai Street, Kurmangazy"),
        "+7 (71233) 2-02-64",
    ),
    Branch(
        "kyzylkoga", "234800000", "Қызылқоға аудандық", "Кзылкогинский районный", "Kyzylkoga District",
        ("Миялы ауылы, Тәуелсіздік көшесі, 4", "с. Миялы, ул. Тауелсиздик, 4", "4 Tauelsizdik Street, Miyaly"),
        "+7 (71238) 2-15-09",
    ),
    Branch(
        "makat", "235200000", "Мақат аудандық", "Макатский районный", "Makat District",
        ("Мақат кенті, Тәуелсіздік көшесі, 23", "пос. Макат, ул. Тауелсиздик, 23", "23 Tauelsizdik Street, Makat"),
        "+7 (71239) 3-12-77",
    ),
    Branch(
        "makhambet", "235600000", "Махамбет аудандық", "Махамбетский районный", "Makhambet District",
        ("Махамбет ауылы, Абай көшесі, 30", "с. Махамбет, ул. Абая, 30", "30 Abai Street, Makhambet"),
        "+7 (71236) 2-16-50",
    ),
)  # fmt: skip


def branch_names(branch: Branch) -> tuple[str, str, str]:
    return (
        f"{PARTY} {branch.kk} филиалы",
        f"{branch.ru} филиал {PARTY_RU}",
        f"AMANAT Party {branch.en} Branch",
    )


# How many members a primary organisation of each kind has, relative to a rural okrug's.
SIZE = {"enterprise": 3.0, "university": 2.5, "residential": 2.5, "hospital": 2.0, "school": 1.2, "college": 1.2}


@dataclass(frozen=True)
class Primary:
    branch: str
    kato: str
    kind: str  # a key of SIZE, or "okrug"
    kk: str  # what the organisation is formed at: a school, a hospital, a rural okrug…
    ru: str
    en: str
    reception: tuple[str, str, str, str] | None = field(default=None)  # address kk, ru, en; phone


def okrug_primary(branch: str, kato: str, kk: str, ru: str, en: str) -> Primary:
    return Primary(branch, kato, "okrug", f"{kk} ауылдық округі", f"сельский округ {ru}", f"{en} Rural Okrug")


ATYRAU = "231010000"
PRIMARIES: tuple[Primary, ...] = (
    Primary("atyrau-city", ATYRAU, "hospital", "Атырау облыстық көпсалалы ауруханасы", "Атырауская областная многопрофильная больница", "Atyrau Regional Multidisciplinary Hospital"),
    Primary("atyrau-city", ATYRAU, "hospital", "Облыстық перинаталдық орталық", "Областной перинатальный центр", "Regional Perinatal Centre"),
    Primary("atyrau-city", ATYRAU, "hospital", "№ 2 қалалық емхана", "Городская поликлиника № 2", "City Polyclinic No. 2"),
    Primary("atyrau-city", ATYRAU, "hospital", "Жедел медициналық жәрдем станциясы", "Станция скорой медицинской помощи", "Ambulance Station"),
    Primary("atyrau-city", ATYRAU, "school", "№ 9 жалпы орта білім беретін мектеп", "Общеобразовательная средняя школа № 9", "Secondary School No. 9"),
    Primary("atyrau-city", ATYRAU, "school", "№ 17 мектеп-лицей", "Школа-лицей № 17", "School-Lyceum No. 17"),
    Primary("atyrau-city", ATYRAU, "school", "№ 30 мектеп-гимназия", "Школа-гимназия № 30", "School-Gymnasium No. 30"),
    Primary("atyrau-city", ATYRAU, "university", "Атырау университеті", "Атырауский университет", "Atyrau University"),
    Primary("atyrau-city", ATYRAU, "university", "Атырау мұнай және газ университеті", "Атырауский университет нефти и газа", "Atyrau University of Oil and Gas"),
    Primary("atyrau-city", ATYRAU, "college", "Атырау политехникалық колледжі", "Атырауский политехнический колледж", "Atyrau Polytechnic College"),
    Primary(
        "atyrau-city", ATYRAU, "enterprise", "Атырау мұнай өңдеу зауыты", "Атырауский нефтеперерабатывающий завод", "Atyrau Oil Refinery",
        ("Атырау қ., Құрманғазы көшесі, 1", "г. Атырау, ул. Курмангазы, 1", "1 Kurmangazy Street, Atyrau", "+7 (7122) 25-90-31"),
    ),
    Primary("atyrau-city", ATYRAU, "enterprise", "Атырау жылу электр орталығы", "Атырауская ТЭЦ", "Atyrau Combined Heat and Power Plant"),
    Primary("atyrau-city", ATYRAU, "enterprise", "Қалалық су құбыры және кәріз шаруашылығы", "Городской водопровод и канализация", "City Water and Sewerage Utility"),
    Primary(
        "atyrau-city", ATYRAU, "residential", "Авангард шағын ауданы", "Микрорайон Авангард", "Avangard Microdistrict",
        ("Атырау қ., Авангард шағын ауданы, 4-үй", "г. Атырау, мкр. Авангард, дом 4", "4 Avangard Microdistrict, Atyrau", "+7 (7122) 21-44-18"),
    ),
    Primary("atyrau-city", ATYRAU, "residential", "Нұрсая шағын ауданы", "Микрорайон Нурсая", "Nursaya Microdistrict"),
    Primary("atyrau-city", ATYRAU, "college", "Жастар ресурстық орталығы", "Молодёжный ресурсный центр", "Youth Resource Centre"),
    Primary(
        "atyrau-city", "231039000", "okrug", "Еркінқала ауылдық округі", "сельский округ Еркинкала", "Erkinkala Rural Okrug",
        ("Еркінқала ауылы, Бейбітшілік көшесі, 2", "с. Еркинкала, ул. Бейбитшилик, 2", "2 Beibitshilik Street, Erkinkala", "+7 (7122) 29-61-05"),
    ),
    okrug_primary("atyrau-city", "231037000", "Дамба", "Дамба", "Damba"),
    Primary("zhylyoi", "233620100", "school", "Құлсары қаласындағы № 3 орта мектеп", "Средняя школа № 3 г. Кульсары", "Kulsary Secondary School No. 3"),
    Primary("zhylyoi", "233620100", "hospital", "Жылыой аудандық орталық ауруханасы", "Жылыойская центральная районная больница", "Zhylyoi Central District Hospital"),
    Primary(
        "zhylyoi", "233620100", "enterprise", "Теңіз мұнайшылары", "Нефтяники Тенгиза", "Tengiz Oil Workers",
        ("Құлсары қ., Мұнайшылар көшесі, 7", "г. Кульсары, ул. Мунайшылар, 7", "7 Munaishylar Street, Kulsary", "+7 (71237) 5-30-12"),
    ),
    Primary("zhylyoi", "233620100", "enterprise", "Қаратон мұнай-газ өндіру басқармасы", "Нефтегазодобывающее управление «Каратон»", "Karaton Oil and Gas Production Unit"),
    Primary("zhylyoi", "233620100", "college", "Құлсары колледжі", "Кульсаринский колледж", "Kulsary College"),
    okrug_primary("zhylyoi", "233635000", "Жем", "Жем", "Zhem"),
    okrug_primary("zhylyoi", "233637000", "Қосшағыл", "Косшагыл", "Kosshagyl"),
    okrug_primary("zhylyoi", "233639000", "Майкөмген", "Майкомген", "Maikomgen"),
    okrug_primary("zhylyoi", "233641000", "Тұрғызба", "Тургызба", "Turgyzba"),
    Primary("inder", "234020100", "school", "Индербор орта мектебі", "Индерборская средняя школа", "Inderbor Secondary School"),
    Primary("inder", "234020100", "hospital", "Индер аудандық ауруханасы", "Индерская районная больница", "Inder District Hospital"),
    Primary("inder", "234020100", "enterprise", "Индер бор кеніші", "Индерский борный рудник", "Inder Boron Mine"),
    okrug_primary("inder", "234035000", "Елтай", "Елтай", "Eltai"),
    okrug_primary("inder", "234037000", "Есбол", "Есбол", "Esbol"),
    okrug_primary("inder", "234039000", "Жарсуат", "Жарсуат", "Zharsuat"),
    Primary("isatai", "234233100", "school", "Аққыстау мектеп-гимназиясы", "Аккистауская школа-гимназия", "Akkystau School-Gymnasium"),
    Primary("isatai", "234233100", "hospital", "Исатай аудандық ауруханасы", "Исатайская районная больница", "Isatai District Hospital"),
    okrug_primary("isatai", "234237000", "Забурын", "Забурунье", "Zaburyn"),
    okrug_primary("isatai", "234241000", "Нарын", "Нарын", "Naryn"),
    okrug_primary("isatai", "234243000", "Тұщықұдық", "Тущикудук", "Tushchykuduk"),
    Primary("kurmangazy", "234645100", "school", "Құрманғазы ауылындағы № 1 орта мектеп", "Средняя школа № 1 с. Курмангазы", "Kurmangazy Secondary School No. 1"),
    Primary("kurmangazy", "234645100", "hospital", "Құрманғазы аудандық орталық ауруханасы", "Курмангазинская центральная районная больница", "Kurmangazy Central District Hospital"),
    Primary(
        "kurmangazy", "234645100", "enterprise", "Каспий балық өңдеу зауыты", "Каспийский рыбоперерабатывающий завод", "Caspian Fish Processing Plant",
        ("Құрманғазы ауылы, Балықшылар көшесі, 3", "с. Курмангазы, ул. Балыкшылар, 3", "3 Balykshylar Street, Kurmangazy", "+7 (71233) 2-21-90"),
    ),
    okrug_primary("kurmangazy", "234633000", "Азғыр", "Азгир", "Azgyr"),
    okrug_primary("kurmangazy", "234641000", "Еңбекші", "Енбекши", "Enbekshi"),
    okrug_primary("kurmangazy", "234643000", "Жыланды", "Жыланды", "Zhylandy"),
    okrug_primary("kurmangazy", "234649000", "Теңіз", "Тениз", "Teniz"),
    Primary("kyzylkoga", "234837100", "school", "Миялы орта мектебі", "Миялинская средняя школа", "Miyaly Secondary School"),
    Primary("kyzylkoga", "234837100", "hospital", "Қызылқоға аудандық ауруханасы", "Кзылкогинская районная больница", "Kyzylkoga District Hospital"),
    okrug_primary("kyzylkoga", "234835000", "Қарабау", "Карабау", "Karabau"),
    okrug_primary("kyzylkoga", "234843000", "Сағыз", "Сагыз", "Sagyz"),
    okrug_primary("kyzylkoga", "234847000", "Тасшағыл", "Тасшагыл", "Tasshagyl"),
    Primary(
        "makat", "235220100", "enterprise", "Мақат теміржол станциясы", "Железнодорожная станция Макат", "Makat Railway Station",
        ("Мақат кенті, Вокзал көшесі, 1", "пос. Макат, ул. Вокзальная, 1", "1 Vokzalnaya Street, Makat", "+7 (71239) 3-05-44"),
    ),
    Primary("makat", "235220100", "school", "Мақат кентіндегі № 1 орта мектеп", "Средняя школа № 1 пос. Макат", "Makat Secondary School No. 1"),
    Primary("makat", "235220100", "hospital", "Мақат аудандық ауруханасы", "Макатская районная больница", "Makat District Hospital"),
    Primary("makat", "235222100", "okrug", "Доссор кенті", "посёлок Доссор", "Dossor Settlement"),
    Primary("makat", "235224100", "okrug", "Байшонас кенті", "посёлок Байшонас", "Baishonas Settlement"),
    Primary("makhambet", "235645100", "school", "Махамбет мектеп-гимназиясы", "Махамбетская школа-гимназия", "Makhambet School-Gymnasium"),
    Primary("makhambet", "235645100", "hospital", "Махамбет аудандық ауруханасы", "Махамбетская районная больница", "Makhambet District Hospital"),
    okrug_primary("makhambet", "235649000", "Сарайшық", "Сарайшык", "Saraishyk"),
    okrug_primary("makhambet", "235641000", "Бейбарыс", "Бейбарыс", "Beibarys"),
    okrug_primary("makhambet", "235633000", "Алға", "Алга", "Alga"),
    okrug_primary("makhambet", "235635000", "Ақжайық", "Акжаик", "Akzhaiyk"),
)  # fmt: skip


def primary_codes() -> list[tuple[str, Primary]]:
    """Stable codes: the branch's code and the primary's number within it ("makat-p01")."""
    counters: dict[str, int] = {}
    result = []
    for primary in PRIMARIES:
        counters[primary.branch] = counters.get(primary.branch, 0) + 1
        result.append((f"{primary.branch}-p{counters[primary.branch]:02d}", primary))
    return result


def primary_names(primary: Primary) -> tuple[str, str, str]:
    return (
        f"«{primary.kk}» бастауыш партия ұйымы",
        f"Первичная партийная организация «{primary.ru}»",
        f"{primary.en} Primary Party Organisation",
    )
