"""Demo party control work of the Atyrau regional commission (issue 4 §4).

A 2025 and a 2026 annual plan; monitoring visits to schools, roads, clinics and houses across the
districts, linked to the demo programme's road-map items, with findings in Kazakh and Russian,
photos (small PNG pictures drawn here with Pillow) and recommendations to the items' responsible
bodies — most carried out, one rejected, some open, one overdue; and party control posts on
construction sites with their regular checks, some finding wage arrears or unsafe work.

Everything goes through the services (permission checks, audit) as the commission's demo login.
Dates count back from `today`, so the open recommendation stays open and the overdue one overdue
whenever the demo is loaded. Loaded once: a second run adds nothing. All of it is fictional.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from amanat.audit import services as audit
from amanat.demo.programme import CODE
from amanat.org.models import OrgUnit
from amanat.programme.models import (
    CheckResult,
    ControlPlan,
    Item,
    MonitoringVisit,
    ObjectKind,
    Recommendation,
    RecommendationStatus,
    VisitStatus,
)
from amanat.programme.services import control as services

CONTROL_LOGIN = "control@amanat.kz"
DEPUTY_LOGIN = "deputy@amanat.kz"
PLANS = {
    2025: (
        "Партиялық бақылау жөніндегі облыстық комиссияның 2025 жылға арналған жұмыс жоспары",
        "План работы областной комиссии партийного контроля на 2025 год",
        dt.date(2025, 1, 17),
    ),
    2026: (
        "Партиялық бақылау жөніндегі облыстық комиссияның 2026 жылға арналған жұмыс жоспары",
        "План работы областной комиссии партийного контроля на 2026 год",
        dt.date(2026, 1, 16),
    ),
}


@dataclass(frozen=True)
class Rec:
    text: str
    outcome: str  # "done", "rejected", "open" or "overdue"
    days: int = 15
    response: str = ""


@dataclass(frozen=True)
class Visit:
    branch: str  # the party branch (org unit code) and the district of the item
    direction: str  # the code of the programme direction whose item of that district is linked
    kind: str
    name: str
    address: str
    days_back: int  # negative: a visit still to come
    findings_kk: str = ""
    findings_ru: str = ""
    recs: tuple[Rec, ...] = ()
    photos: int = 0


VISITS: tuple[Visit, ...] = (
    Visit("atyrau-city", "6", ObjectKind.SCHOOL, "Школа-лицей № 17 на 1200 мест",
          "г. Атырау, мкр. Нурсая, ул. Жумагали Молдагалиева, 42", 540,
          "Ғимарат пайдалануға берілген, 1200 оқушы орны бар. Спорт залының шатыры ағады, мүмкіндігі шектеулі "
          "оқушыларға арналған пандус жоқ.",
          "Здание введено, 1200 ученических мест. Протекает кровля спортзала, нет пандуса для учеников с "
          "ограниченными возможностями.",
          (Rec("Устранить протечки кровли спортзала до начала учебного года.", "done", 20,
               "Кровля спортзала перекрыта подрядчиком по гарантии, акт от приёмки представлен."),
           Rec("Обустроить пандус и поручни у главного входа.", "done", 15, "Пандус установлен и принят.")),
          2),
    Visit("zhylyoi", "1", ObjectKind.ROAD, "Автодорога Кульсары — Жем, участок 0–18 км",
          "Жылыойский район, автодорога Кульсары — Жем", 470,
          "18 шақырымның 12-сі жөнделген. 7–9 шақырымда асфальт қабаты жобадағыдан жұқа, жол жиегі нығыздалмаған.",
          "Отремонтировано 12 из 18 км. На 7–9 км толщина асфальтового слоя меньше проектной, обочины не уплотнены.",
          (Rec("Переложить асфальт на участке 7–9 км за счёт подрядчика.", "done", 30,
               "Покрытие на 7–9 км переложено, лабораторные пробы соответствуют проекту."),
           Rec("Представить комиссии акты скрытых работ по основанию дороги.", "rejected", 10,
               "Управление сообщило, что акты будут представлены только при приёмке объекта.")),
          2),
    Visit("makat", "5", ObjectKind.CLINIC, "Врачебная амбулатория пос. Доссор", "пос. Доссор, ул. Абая, 12", 430,
          "Амбулатория жаңа жабдықпен қамтылған, бірақ жалпы тәжірибелік дәрігер жоқ: тұрғындар Мақатқа барып "
          "қаралады.",
          "Амбулатория оснащена новым оборудованием, но нет врача общей практики: жители ездят на приём в Макат.",
          (Rec("Укомплектовать амбулаторию врачом общей практики.", "done", 30,
               "Принят врач общей практики по программе «С дипломом — в село»."),),
          1),
    Visit("inder", "2", ObjectKind.OTHER, "Разводящие сети водопровода с. Есбол", "Индерский район, с. Есбол", 400,
          "Таратушы желінің 6,5 шақырымы төселген. Ескі құбырдың бір бөлігі апатты күйде, тұрғындар судың лайлы "
          "екенін айтады.",
          "Проложено 6,5 км разводящих сетей. Часть старой трубы в аварийном состоянии, жители жалуются на мутную "
          "воду.",
          (Rec("Заменить аварийный участок трубы и провести лабораторный анализ воды.", "done", 15,
               "Участок заменён, анализ воды санитарной службы соответствует нормам."),),
          1),
    Visit("kurmangazy", "6", ObjectKind.SCHOOL, "Средняя школа на 300 мест", "с. Курмангазы, ул. Мухита, 5", 330,
          "Құрылыс кестеден екі ай қалып отыр, жылу жүйесін монтаждау басталмаған. Мердігер жұмысшылар санын "
          "азайтқан.",
          "Стройка отстаёт от графика на два месяца, монтаж отопления не начат. Подрядчик сократил число рабочих.",
          (Rec("Представить график наверстывания отставания и начать монтаж отопления до начала отопительного "
               "сезона.", "done", 15, "Утверждён новый график, отопление смонтировано в октябре."),),
          1),
    Visit("makhambet", "4", ObjectKind.HOUSING, "Арендный жилой дом на 60 квартир", "с. Махамбет, мкр. Жастар, 3",
          240,
          "Үй 60 пәтерге арналған, әрлеу жұмыстары аяқталуға жақын. Үй іргесін айнала салынған жабында жарықтар бар, "
          "жертөлеге су кіреді.",
          "Дом на 60 квартир, отделка близка к завершению. Трещины в отмостке, в подвал поступает вода.",
          (Rec("Устранить трещины в отмостке и протечки в подвал до заселения.", "done", 20,
               "Отмостка переделана, гидроизоляция подвала восстановлена."),
           Rec("Опубликовать список очередников, получающих квартиры в доме.", "done", 10,
               "Список размещён на сайте акимата района и в местной газете.")),
          1),
    Visit("isatai", "5", ObjectKind.CLINIC, "Медицинский пункт с. Тущыкудук",
          "Исатайский район, с. Тущыкудук, ул. Бейбитшилик, 7", 150,
          "Медициналық пункт салынып бітті, бірақ лицензиясы жоқ және жабдықтың бір бөлігі жеткізілмеген.",
          "Медпункт построен, но лицензии нет и часть оборудования не поставлена.",
          (Rec("Получить лицензию и завершить поставку оборудования до открытия медпункта.", "done", 30,
               "Лицензия получена, оборудование поставлено, медпункт открыт."),),
          1),
    Visit("kyzylkoga", "1", ObjectKind.ROAD, "Автодорога Миялы — Жамансор", "Кызылкогинский район, 12–14 км", 60,
          "Көктемгі су тасқынынан кейін 12–14 шақырымда жол шайылған, су бұратын науалар қираған. Жолмен жүру "
          "қауіпті.",
          "После весеннего паводка размыт участок 12–14 км, разрушены водоотводные лотки. Проезд опасен.",
          (Rec("Восстановить водоотводные лотки и полотно на размытом участке 12–14 км.", "overdue", 10),),
          1),
    Visit("atyrau-city", "5", ObjectKind.CLINIC, "Городская поликлиника № 4, капитальный ремонт",
          "г. Атырау, мкр. Авангард-3, ул. Смагулова, 14", 30,
          "Күрделі жөндеу жалғасуда: лифт ауыстырылмаған, кіреберіс жөнделуде, науқастар екінші қабатқа баспалдақпен "
          "көтеріледі.",
          "Капремонт продолжается: лифт не заменён, входная группа в ремонте, пациенты поднимаются на второй этаж "
          "по лестнице.",
          (Rec("Завершить замену лифта и ремонт входной группы.", "open", 30),
           Rec("На время ремонта организовать приём маломобильных пациентов на первом этаже.", "open", 25)),
          2),
    Visit("zhylyoi", "6", ObjectKind.SCHOOL, "Школа на 600 мест в г. Кульсары", "г. Кульсары, мкр. Жана Кала, уч. 18",
          14,
          "Қаңқа тұрғызылған. Жұмысшылар мердігердің екі ай бойы жалақы төлемегенін айтты.",
          "Каркас возведён. Рабочие сообщили, что подрядчик два месяца не выплачивает зарплату.",
          (Rec("Погасить задолженность по заработной плате перед рабочими подрядчика.", "open", 15),),
          1),
    Visit("makat", "1", ObjectKind.ROAD, "Улицы пос. Макат, средний ремонт", "пос. Макат, ул. Тауелсиздик", -10),
)  # fmt: skip


@dataclass(frozen=True)
class Check:
    days_back: int
    issues: dict[str, str] = field(default_factory=dict)  # aspect -> what is wrong


@dataclass(frozen=True)
class Post:
    branch: str
    direction: str
    name: str
    address: str
    days_back: int
    checks: tuple[Check, ...]


POSTS: tuple[Post, ...] = (
    Post("atyrau-city", "6", "Строительство школы на 1500 мест в мкр. Нурсая", "г. Атырау, мкр. Нурсая, уч. 105", 300,
         (Check(250), Check(160, {"spending": "Оплачены работы по кровле, которые ещё не выполнены (акт КС-2 на "
                                               "38 млн тенге)."}), Check(60))),
    Post("zhylyoi", "4", "Жилой комплекс для очередников, г. Кульсары", "г. Кульсары, ул. Косшыгулулы, 21", 280,
         (Check(220, {"wage_arrears": "Задолженность по зарплате перед 23 рабочими за два месяца — 14,6 млн тенге."}),
          Check(130),
          Check(40, {"safety": "Рабочие на высоте без страховочных поясов, ограждение лесов снято."}))),
    Post("makat", "5", "Строительство врачебной амбулатории в пос. Макат", "пос. Макат, ул. Бейбитшилик, 2", 200,
         (Check(150), Check(70, {"quality": "Кладка стен с отклонением от вертикали, раствор замешан не по рецепту."}))),
    Post("kurmangazy", "2", "Строительство водовода к с. Асан", "Курмангазинский район, с. Асан", 180,
         (Check(120, {"safety": "Траншея глубиной 2,5 м без креплений стенок, нет предупреждающих знаков."}),
          Check(45))),
    Post("inder", "9", "Капитальный ремонт Дома культуры пос. Индербор", "пос. Индербор, ул. Курмангазы, 11", 150,
         (Check(100, {"wage_arrears": "Субподрядчик задерживает зарплату 11 рабочим за три недели."}),
          Check(60), Check(20))),
)  # fmt: skip


def demo_png(label: str, seed: int) -> bytes:
    """A small real PNG: a coloured "site photo" placeholder with a caption (ASCII only)."""
    from PIL import Image, ImageDraw

    colours = [(96, 125, 139), (121, 85, 72), (56, 142, 60), (25, 118, 210), (245, 124, 0)]
    image = Image.new("RGB", (480, 320), colours[seed % len(colours)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 480, 320), fill=(190, 170, 140))  # the ground
    draw.rectangle((120 + seed % 5 * 10, 90, 360, 200), fill=(230, 230, 225), outline=(60, 60, 60), width=3)
    for x in range(150, 340, 45):
        draw.rectangle((x, 115, x + 25, 145), fill=(120, 160, 200))
    draw.rectangle((0, 0, 480, 28), fill=(0, 0, 0))
    draw.text((10, 8), label[:70], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _item(branch: str, direction: str) -> Item | None:
    return (
        Item.objects.filter(programme__code=CODE, code__startswith=f"{direction}.", org_unit__code=branch)
        .select_related("territory", "responsible_body", "responsible_official", "org_unit")
        .first()
    )


def _recommend(actor: Any, visit: MonitoringVisit, item: Item, rec: Rec, today: dt.date) -> Recommendation:
    issued = min(visit.visited_on + dt.timedelta(days=2), today)
    days = rec.days
    if rec.outcome == "open":  # keep it open whenever the demo is loaded
        while services.recommendation_deadline(issued, days) < today:
            days += 5
    official = item.responsible_official
    if official is not None and official.body_id != item.responsible_body_id:
        official = None
    made = services.recommendation_create(
        actor=actor, visit=visit, text=rec.text, addressee_body=item.responsible_body, addressee_official=official,
        issued_on=issued, deadline_days=days,
    )  # fmt: skip
    if rec.outcome in services.CLOSING:
        closed_on = min(made.deadline - dt.timedelta(days=3), today)
        services.recommendation_close(
            actor=actor,
            recommendation=made,
            outcome=rec.outcome,
            response=rec.response,
            closed_on=max(closed_on, issued),
        )
    elif rec.outcome == "overdue" and made.deadline < today:
        # What the follow-up sweep would have done the day after the deadline.
        Recommendation.objects.filter(pk=made.pk).update(status=RecommendationStatus.OVERDUE)
        audit.record(
            actor=None,
            verb="programme.recommendation_overdue",
            target=made,
            org_unit=visit.org_unit,
            changes={"status": [RecommendationStatus.OPEN, RecommendationStatus.OVERDUE]},
        )
    return made


@transaction.atomic
def load_control(*, today: dt.date | None = None) -> int:
    """The demo party control work; returns visits and posts added (0 when already loaded)."""
    regional = OrgUnit.objects.filter(code="atyrau").first()
    users = get_user_model().objects
    actor = users.filter(email=CONTROL_LOGIN).first()
    if regional is None or actor is None:
        return 0
    if ControlPlan.objects.filter(org_unit=regional, year=2025, title_ru=PLANS[2025][1]).exists():
        return 0
    today = today or timezone.localdate()
    deputy = users.filter(email=DEPUTY_LOGIN).first()
    plans = {
        year: services.control_plan_create(
            actor=actor, org_unit=regional, year=year, title_kk=kk, title_ru=ru, approved_on=min(approved, today)
        )
        for year, (kk, ru, approved) in PLANS.items()
    }
    added = 0
    for number, spec in enumerate(VISITS, start=1):
        item = _item(spec.branch, spec.direction)
        if item is None:
            continue
        visited_on = today - dt.timedelta(days=spec.days_back)
        done = spec.days_back >= 0
        members = [actor] + ([deputy] if deputy is not None and spec.branch == "atyrau-city" else [])
        visit = services.monitoring_visit_create(
            actor=actor, org_unit=item.org_unit, plan=plans.get(visited_on.year), object_name=spec.name,
            kind=spec.kind, address=spec.address, territory=item.territory, visited_on=visited_on,
            status=VisitStatus.DONE if done else VisitStatus.PLANNED,
            findings=f"{spec.findings_kk}\n\n{spec.findings_ru}" if done else "", members=members, items=[item],
        )  # fmt: skip
        added += 1
        for index in range(spec.photos if done else 0):
            name = f"visit-{number}-{index + 1}.png"
            picture = demo_png(f"Monitoring visit {number}, photo {index + 1}, {visited_on:%d.%m.%Y}", number + index)
            upload = SimpleUploadedFile(name, picture, content_type="image/png")
            services.visit_photo_add(actor=actor, visit=visit, upload=upload)
        for rec in spec.recs if done else ():
            _recommend(actor, visit, item, rec, today)
    for spec in POSTS:
        item = _item(spec.branch, spec.direction)
        if item is None:
            continue
        post = services.control_post_create(
            actor=actor, org_unit=item.org_unit, object_name=spec.name, address=spec.address,
            territory=item.territory, opened_on=today - dt.timedelta(days=spec.days_back), items=[item],
        )  # fmt: skip
        added += 1
        for check in spec.checks:
            services.post_check_add(
                actor=actor,
                post=post,
                checked_on=today - dt.timedelta(days=check.days_back),
                results={
                    aspect: CheckResult.ISSUE if aspect in check.issues else CheckResult.OK
                    for aspect in services.CHECK_ASPECTS
                },
                notes=check.issues,
            )
    return added
