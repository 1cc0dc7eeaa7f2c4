"""Demo appeals: the reference data (categories, routing, deadline policies), a few hundred appeals
made through the real services, and a fast bulk generator for benchmarks (`--appeals N`).

The demo appeals go through `appeal_register`, `appeal_assign`, `appeal_transition` and
`appeal_rate`, which stamp their steps "now"; afterwards the steps' moments are spread between
the appeal's receipt and today with plain updates (the history is an ordinary table), so the
demo shows six months of work. Demo code never patches the clock.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import itertools
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from amanat.accounts.models import User
from amanat.appeals.choices import (
    FINAL_STATUSES,
    AnswerChannel,
    AppealStatus,
    AppealType,
    Channel,
    DismissalGround,
    Solved,
)
from amanat.appeals.models import (
    Appeal,
    AppealAnswer,
    AppealCounter,
    AppealEvent,
    AppealFeedback,
    Category,
    DeadlinePolicy,
    RoutingRule,
)
from amanat.appeals.services.deadlines import refresh_deadline, term_end
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.intake import CODE_ALPHABET, Intake, appeal_register, pin_hash, route
from amanat.appeals.services.transitions import appeal_assign, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.calendar import next_working_day
from amanat.demo.appeal_texts import CATEGORIES, TOWNS, sample_appeal
from amanat.demo.data import atyrau
from amanat.demo.fastinsert import RowWriter
from amanat.org.models import OrgUnit, StateBody, Territory

SEED = 2026
ZONE = ZoneInfo("Asia/Atyrau")
DEMO_APPEALS = 600
DEMO_PIN = "202600"  # every generated appeal's PIN (their hash is computed once)

REGISTRAR = "regional.admin@amanat.kz"  # types in what arrives by visit, phone, letter…
# Who works on appeals of which unit (demo logins; the regional secretary for the rest).
EXECUTORS = {
    "atyrau-city": ("operator@amanat.kz", "deputy@amanat.kz"),
    "inder": ("inder.secretary@amanat.kz",),
}
FALLBACK_EXECUTOR = "secretary@amanat.kz"

# Root category → where its state body is looked for: "district" (the district's or city's akimat)
# or the Russian subject of a regional department.
CATEGORY_BODIES = {
    "housing": "district",
    "roads": "district",
    "land": "district",
    "officials": "district",
    "health": "здравоохранения",
    "education": "образования",
    "social": "координации занятости и социальных программ",
    "employment": "координации занятости и социальных программ",
    "ecology": "природных ресурсов и регулирования природопользования",
}

TYPE_WEIGHTS = {
    AppealType.STATEMENT: 45,
    AppealType.COMPLAINT: 30,
    AppealType.PROPOSAL: 8,
    AppealType.REPORT: 5,
    AppealType.REQUEST: 10,
    AppealType.RESPONSE: 2,
}
CHANNEL_WEIGHTS = {
    Channel.VISIT: 25,
    Channel.PHONE: 10,
    Channel.LETTER: 7,
    Channel.WEB: 25,
    Channel.EMAIL: 8,
    Channel.FIELD_MEETING: 4,
    Channel.MOBILE_RECEPTION: 5,
    Channel.SOCIAL: 5,
    Channel.HOTLINE: 9,
    Channel.API: 2,
}

ANSWERS = {
    "ru": (
        "Ваше обращение рассмотрено совместно с местным исполнительным органом. Работы включены в план "
        "текущего года и будут выполнены до конца квартала.",
        "По вашему обращению проведена выездная проверка, выявленные нарушения устранены. Благодарим за неравнодушие.",
        "Сообщаем, что вопрос решён: ответственные службы выполнили необходимые работы, результат проверен "
        "на месте депутатом.",
        "Разъясняем, что решение данного вопроса относится к компетенции акимата; по нашему запросу акимат "
        "взял вопрос на контроль и сообщит вам о результатах.",
    ),
    "kk": (
        "Өтінішіңіз жергілікті атқарушы органмен бірлесіп қаралды. Жұмыстар биылғы жоспарға енгізіліп, "
        "тоқсан соңына дейін орындалады.",
        "Өтінішіңіз бойынша жерге шығып тексеру жүргізілді, анықталған бұзушылықтар жойылды. Бейжай "
        "қарамағаныңызға рахмет.",
        "Мәселе шешілгенін хабарлаймыз: жауапты қызметтер қажетті жұмыстарды атқарды, нәтижесін депутат "
        "орнында тексерді.",
        "Бұл мәселені шешу әкімдіктің құзыретіне жататынын түсіндіреміз; біздің сауалымыз бойынша әкімдік "
        "мәселені бақылауға алып, нәтижесін сізге хабарлайды.",
    ),
}
PAUSE_REASONS = {
    "ru": "Просим уточнить адрес и приложить копию документа.",
    "kk": "Мекенжайды нақтылап, құжаттың көшірмесін қоса беруіңізді сұраймыз.",
}
WITHDRAW_REASON = "Заявитель сообщил по телефону, что вопрос решён, и отозвал обращение."
DISMISS_REASON = "Анонимное обращение, сведений о преступлении или угрозе не содержит."


# --- reference ---------------------------------------------------------------------------------


@transaction.atomic
def load_reference() -> tuple[int, int, int]:
    """Categories, a deadline policy for every type, routing rules; (categories, policies, rules) added."""
    existing = dict(Category.objects.values_list("code", "pk"))
    categories = 0
    for root in CATEGORIES:
        if root.code not in existing:
            fields = {"code": root.code, "name_kk": root.name_kk, "name_ru": root.name_ru, "name_en": root.name_en}
            node = Category.objects.add_root(instance=Category(**fields))
            existing[root.code] = node.pk
            categories += 1
        for leaf in root.children:
            if leaf.code in existing:
                continue
            parent = Category.objects.get(pk=existing[root.code])
            fields = {"code": leaf.code, "name_kk": leaf.name_kk, "name_ru": leaf.name_ru, "name_en": leaf.name_en}
            node = Category.objects.add_child(parent, instance=Category(**fields))
            existing[leaf.code] = node.pk
            categories += 1

    policies = 0
    for appeal_type in AppealType.values:
        _policy, created = DeadlinePolicy.objects.get_or_create(
            appeal_type=appeal_type, defaults={"term_days": 20 if appeal_type == AppealType.COMPLAINT else 15}
        )
        policies += created

    rules = 0
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    places = dict(Territory.objects.values_list("kato", "pk"))
    bodies = _state_bodies()
    have = set(RoutingRule.objects.values_list("category_id", "territory_id"))
    wanted: list[tuple[int | None, int | None, int, int | None]] = []
    if atyrau.REGIONAL.code in units:
        wanted.append((None, None, units[atyrau.REGIONAL.code], None))  # anything else: the regional branch
    for branch in atyrau.BRANCHES:
        unit, place = units.get(branch.code), places.get(branch.kato)
        if unit is None or place is None:
            continue
        wanted.append((None, place, unit, None))
        for root_code, where in CATEGORY_BODIES.items():
            body = bodies.get(branch.kato) if where == "district" else bodies.get(where)
            if body is not None and root_code in existing:
                wanted.append((existing[root_code], place, unit, body))
    for category_id, territory_id, unit_id, body_id in wanted:
        if (category_id, territory_id) in have:
            continue
        RoutingRule.objects.create(
            category_id=category_id, territory_id=territory_id, org_unit_id=unit_id, state_body_id=body_id
        )
        have.add((category_id, territory_id))
        rules += 1
    return categories, policies, rules


def _state_bodies() -> dict[str, int]:
    """{district/city KATO: its akimat, regional department's Russian subject: the department}."""
    found: dict[str, int] = {}
    for pk, kind, name_ru, kato in StateBody.objects.values_list("pk", "kind", "name_ru", "territory__kato"):
        if kind in ("city_akimat", "district_akimat") and kato:
            found.setdefault(kato, pk)
        elif kind == "department":
            for subject in set(CATEGORY_BODIES.values()):
                if f"Управление {subject} " in f"{name_ru} ":
                    found.setdefault(subject, pk)
    return found


# --- demo appeals through the services ---------------------------------------------------------


@dataclass
class People:
    registrar: Any
    by_unit: dict[str, list[Any]]
    fallback: Any

    def executors(self, unit: OrgUnit) -> list[Any]:
        for code, users in self.by_unit.items():
            if unit.code == code or unit.code.startswith(f"{code}-"):
                return users
        return [self.fallback]


def _people() -> People | None:
    emails = {REGISTRAR, FALLBACK_EXECUTOR, *itertools.chain.from_iterable(EXECUTORS.values())}
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    if REGISTRAR not in users or FALLBACK_EXECUTOR not in users:
        return None
    by_unit = {code: [users[e] for e in emails_ if e in users] for code, emails_ in EXECUTORS.items()}
    return People(users[REGISTRAR], {k: v for k, v in by_unit.items() if v}, users[FALLBACK_EXECUTOR])


def _territories() -> dict[str, Territory]:
    return {t.kato: t for t in Territory.objects.filter(kato__in={town.kato for town in TOWNS})}


# (status, weight, age in days: from, to)
PLAN = (
    ("registered", 9, 0, 4),
    ("in_work", 15, 1, 18),
    ("overdue", 5, 35, 80),
    ("forwarded", 7, 2, 18),
    ("paused", 4, 3, 20),
    ("answered", 12, 8, 60),
    ("closed", 38, 15, 180),
    ("dismissed", 4, 5, 170),
    ("withdrawn", 3, 5, 170),
    ("reopened", 3, 20, 60),
)


def load_demo_appeals(n: int = 600, *, seed: int = SEED) -> int:
    """`n` appeals over the last six months in every status, through the services; skipped when any exist."""
    if n <= 0 or Appeal.objects.exists():
        return 0
    people = _people()
    places = _territories()
    if people is None or not places or not Category.objects.exists():
        return 0
    categories = {c.code: c for c in Category.objects.all()}
    rng = random.Random(seed)  # noqa: S311 - demo data
    now = timezone.now()
    # Every kind at least once (a small demo shows them all), the rest by weight.
    plans = list(PLAN[:n]) + rng.choices(PLAN, weights=[p[1] for p in PLAN], k=max(n - len(PLAN), 0))
    # Oldest first, so registration numbers grow with the date of receipt.
    ages = sorted(((plan, rng.uniform(plan[2], plan[3])) for plan in plans), key=lambda pa: -pa[1])
    made = 0
    _unit_for.cache_clear()
    with transaction.atomic():
        for index, (plan, age) in enumerate(ages):
            received_at = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
            _one_appeal(rng, index, plan[0], received_at, now, people, places, categories)
            made += 1
    return made


def _one_appeal(
    rng: random.Random,
    index: int,
    kind: str,
    received_at: dt.datetime,
    now: dt.datetime,
    people: People,
    places: dict[str, Territory],
    categories: dict[str, Category],
) -> Appeal:
    town = rng.choices(TOWNS, weights=[t.weight for t in TOWNS])[0]
    sample = sample_appeal(rng, town=town)
    language = sample["language"]
    category = categories.get(sample["category"])
    territory = places.get(town.kato)
    anonymous = kind == "dismissed"
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    if anonymous:
        channel = rng.choice([Channel.WEB, Channel.LETTER])
    public = channel in (Channel.WEB, Channel.API)
    name = "" if anonymous else _applicant_name(rng, language)
    collective = not anonymous and rng.random() < 0.08
    intake = Intake(
        appeal_type=rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0],
        channel=channel,
        text=sample["text"],
        language=language,
        subject=sample["subject"],
        category=category,
        territory=territory,
        address=town.kk if language == "kk" else town.ru,
        is_collective=collective,
        signatories=rng.randint(5, 120) if collective else 1,
        is_anonymous=anonymous,
        applicant_name=name,
        applicant_phone="" if anonymous else f"+7701{rng.randint(0, 9_999_999):07d}",
        applicant_email="",  # the demo sends no mail about its old appeals
        answer_channel=rng.choice([AnswerChannel.POST, AnswerChannel.IN_PERSON]),
        consent=True,
        received_at=received_at,
    )
    unit = _unit_for(category, territory)
    if not public:
        intake.org_unit = unit
    executor = rng.choice(people.executors(unit))
    if kind not in ("registered", "dismissed"):
        intake.executor = executor  # the operator gives it to an executor as it is registered
    appeal = appeal_register(actor=None if public else people.registrar, intake=intake, public=public).appeal
    admin = people.registrar

    def step(transition: str, **details: Any) -> None:
        nonlocal appeal
        appeal = appeal_transition(appeal=appeal, transition=transition, actor=executor, **details)

    if kind == "dismissed":
        appeal = appeal_transition(
            appeal=appeal,
            transition=Transition.DISMISS,
            actor=admin,
            reason=DISMISS_REASON,
            ground=DismissalGround.ANONYMOUS,
        )
    elif kind == "registered":
        if rng.random() < 0.5:
            appeal = appeal_assign(appeal=appeal, executor=executor, actor=admin)
    else:
        if kind == "withdrawn":
            step(Transition.WITHDRAW, reason=WITHDRAW_REASON)
        elif kind == "forwarded":
            body = appeal.state_body or StateBody.objects.order_by("path").first()
            step(Transition.FORWARD, state_body=body, forward_number=f"{index + 1:04d}-ОП", forward_date=None)
        else:
            step(Transition.TAKE)
            if kind == "paused":
                step(Transition.PAUSE, reason=PAUSE_REASONS[language])
            elif kind in ("answered", "closed", "reopened"):
                positive = rng.random() < 0.85
                step(
                    Transition.ANSWER,
                    text=rng.choice(ANSWERS[language]),
                    language=language,
                    is_positive=positive,
                    hearing_held=not positive,
                )
                if kind == "closed":
                    if rng.random() < 0.75:
                        rating = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
                        solved = Solved.FULLY if rating >= 4 else (Solved.PARTLY if rating == 3 else Solved.NOT)
                        appeal_rate(appeal=appeal, rating=rating, solved=solved)
                        appeal.refresh_from_db()
                    else:
                        appeal = appeal_transition(appeal=appeal, transition=Transition.CLOSE, actor=admin)
                elif kind == "reopened":
                    appeal = appeal_transition(
                        appeal=appeal,
                        transition=Transition.REOPEN,
                        actor=admin,
                        reason="Заявитель сообщил, что работы не выполнены.",
                    )
    _spread_history(rng, appeal, received_at, now, kind)
    return appeal


@functools.cache
def _unit_for(category: Category | None, territory: Territory | None) -> OrgUnit:
    rule = route(category, territory)
    return rule.org_unit if rule else OrgUnit.objects.get(code=atyrau.REGIONAL.code)


def _applicant_name(rng: random.Random, language: str) -> str:
    from amanat.demo.appeal_texts import NAMES_KK, NAMES_RU, SURNAMES_KK, SURNAMES_RU

    names, surnames = (NAMES_KK, SURNAMES_KK) if language == "kk" else (NAMES_RU, SURNAMES_RU)
    (first, female), last = rng.choice(names), rng.choice(surnames)
    return f"{last[female]} {first}"


def _spread_history(rng: random.Random, appeal: Appeal, received_at: dt.datetime, now: dt.datetime, kind: str) -> None:
    """Move the appeal's steps (stamped now by the services) to moments between receipt and today."""
    events = list(AppealEvent.objects.filter(appeal=appeal).order_by("id"))
    if kind in ("answered", "closed", "reopened", "dismissed", "withdrawn"):
        span = dt.timedelta(days=rng.uniform(2, 26 if rng.random() < 0.9 else 40))
        end = min(now, received_at + span)
    else:
        end = now - dt.timedelta(hours=rng.uniform(1, 24))
    first = min(received_at + dt.timedelta(minutes=rng.randint(2, 40)), now)
    end = min(max(end, first), now)
    moments = [first, *sorted(first + (end - first) * rng.random() for _ in events[1:])]
    if kind in ("closed", "reopened") and len(moments) > 1:
        # The rating and closing come some days after the answer, not at random.
        moments[-1] = min(now, max(moments[-1], moments[-2] + dt.timedelta(days=rng.uniform(1, 5))))
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
        if event.is_public:
            event.data = {**(event.data or {}), "notice": {"done": True, "demo": True}}
    AppealEvent.objects.bulk_update(events, ["at", "data"])
    at = {e.kind: e.at for e in events}
    updates: dict[str, Any] = {}
    if "answer" in at:
        updates["answered_at"] = at["answer"]
        AppealAnswer.objects.filter(appeal=appeal).update(created_at=at["answer"])
    if "rated" in at:
        AppealFeedback.objects.filter(appeal=appeal).update(created_at=at["rated"])
    if appeal.status in FINAL_STATUSES:
        updates["closed_at"] = events[-1].at
    appeal.refresh_from_db()
    for name, value in updates.items():
        setattr(appeal, name, value)
    if appeal.status not in FINAL_STATUSES and appeal.status != AppealStatus.ANSWERED:
        refresh_deadline(appeal)
    if appeal.answered_at is not None and appeal.deadline is not None:
        appeal.answered_on_time = timezone.localtime(appeal.answered_at).date() <= appeal.deadline
    Appeal.objects.filter(pk=appeal.pk).update(
        answered_at=appeal.answered_at,
        closed_at=appeal.closed_at,
        deadline=appeal.deadline,
        answered_on_time=appeal.answered_on_time,
        updated_at=events[-1].at,
    )


# --- bulk generation for benchmarks ------------------------------------------------------------

APPEAL_COLUMNS = (
    "number", "tracking_code", "pin_hash", "appeal_type", "channel", "language", "subject", "text",
    "category_id", "territory_id", "address", "is_anonymous", "applicant_name", "applicant_phone",
    "answer_channel", "org_unit_id", "executor_id", "state_body_id", "status", "dismissal_ground",
    "received_at", "registered_on", "deadline", "answered_at", "closed_at", "answered_on_time",
    "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("appeal_id", "kind", "to_status", "at", "data", "is_public")
ANSWER_COLUMNS = ("appeal_id", "language", "text", "signed_by_id", "is_positive", "created_at")
YEARS = 3
TEXT_POOL = 5_000


@dataclass(frozen=True)
class Target:
    unit_id: int
    code: str
    territory_id: int | None
    executors: tuple[int, ...]
    body_id: int | None


def _targets() -> list[tuple[Target, float]]:
    """(where an appeal goes, weight): each town's district/city unit, some to their primaries."""
    units = {u.code: u for u in OrgUnit.objects.all().only("pk", "code", "path", "territory_id")}
    places = dict(Territory.objects.values_list("kato", "pk"))
    bodies = _state_bodies()
    people = dict(User.objects.values_list("email", "pk"))
    fallback = people.get(FALLBACK_EXECUTOR)
    out: list[tuple[Target, float]] = []
    for town in TOWNS:
        unit = units.get(town.branch)
        if unit is None:
            continue
        executors = tuple(people[e] for e in EXECUTORS.get(town.branch, ()) if e in people) or (
            (fallback,) if fallback else ()
        )
        place = places.get(town.kato)
        out.append((Target(unit.pk, unit.code, place, executors, bodies.get(town.kato)), town.weight * 0.85))
        primaries = [u for u in units.values() if u.path.startswith(unit.path) and u.pk != unit.pk]
        for primary in primaries[:6]:
            weight = town.weight * 0.15 / min(len(primaries), 6)
            out.append((Target(primary.pk, primary.code, place, executors, None), weight))
    regional = units.get(atyrau.REGIONAL.code)
    if regional is not None:
        out.append((Target(regional.pk, regional.code, None, (fallback,) if fallback else (), None), 3))
    return out


def _counters() -> dict[int, int]:
    prefix = settings.APPEAL_NUMBER_PREFIX
    return dict(AppealCounter.objects.filter(prefix=prefix).values_list("year", "last"))


def generate_appeals(
    count: int, *, batch: int = 20_000, seed: int = SEED, progress: Callable[[int, float], None] | None = None
) -> int:
    """Add `count` appeals over the last three years with their "registered" events (answers for
    some), numbered after the counters, which are moved on at the end; returns how many."""
    if count <= 0:
        return 0
    targets = _targets()
    categories = dict(Category.objects.filter(depth=2).values_list("code", "pk"))
    if not targets or not categories:
        raise ValueError("The demo's units and categories are missing: load the demo data first.")
    rng = random.Random(f"{seed}:{Appeal.objects.count()}")  # noqa: S311 - demo data
    cum = list(itertools.accumulate(w for _t, w in targets))
    pool = [sample_appeal(rng) for _ in range(min(TEXT_POOL, max(count, 100)))]
    policies = {p.appeal_type: p for p in (DeadlinePolicy.for_type(t) for t in AppealType.values)}
    pin = pin_hash(DEMO_PIN)
    signer = User.objects.filter(email=FALLBACK_EXECUTOR).values_list("pk", flat=True).first()
    signer = signer or User.objects.order_by("pk").values_list("pk", flat=True).first()
    codes = set(Appeal.objects.values_list("tracking_code", flat=True))
    counters = _counters()
    start_counters = dict(counters)
    now = timezone.now()
    today = timezone.localdate()
    span = YEARS * 365 * 86400
    # Receipt moments, oldest first, denser in recent months (the reception grows).
    offsets = sorted((span * (rng.random() ** 1.3) for _ in range(count)), reverse=True)

    @functools.cache
    def registered_on(day: dt.date) -> dt.date:
        return next_working_day(day)

    @functools.cache
    def term_of(start: dt.date, term_days: int, convention: str) -> dt.date:
        return term_end(start, policies_by_term[term_days, convention])

    policies_by_term = {(p.term_days, p.convention): p for p in policies.values()}

    def deadline_of(start: dt.date, appeal_type: str) -> dt.date:
        policy = policies[appeal_type]
        return term_of(start, policy.term_days, policy.convention)

    types, type_w = list(TYPE_WEIGHTS), list(itertools.accumulate(TYPE_WEIGHTS.values()))
    channels, channel_w = list(CHANNEL_WEIGHTS), list(itertools.accumulate(CHANNEL_WEIGHTS.values()))
    appeals_out = RowWriter(Appeal, APPEAL_COLUMNS)
    events_out = RowWriter(AppealEvent, EVENT_COLUMNS)
    answers_out = RowWriter(AppealAnswer, ANSWER_COLUMNS)
    event_data = json.dumps({"generated": True, "notice": {"done": True}})
    moment = _moment_adapter()
    started, done = time.perf_counter(), 0
    with _search_index_paused(count >= PAUSE_SEARCH_FROM):
        for first in range(0, count, batch):
            rows, answers_for = [], []
            for offset in offsets[first : first + batch]:
                received_at = now - dt.timedelta(seconds=offset)
                day = received_at.astimezone(ZONE).date()
                reg = registered_on(day)
                year = reg.year
                counters[year] = counters.get(year, 0) + 1
                number = f"{settings.APPEAL_NUMBER_PREFIX}-{year}-{counters[year]:06d}"
                code = "".join(rng.choices(CODE_ALPHABET, k=10))
                while code in codes:
                    code = "".join(rng.choices(CODE_ALPHABET, k=10))
                codes.add(code)
                target = targets[bisect.bisect(cum, rng.random() * cum[-1])][0] if cum else targets[0][0]
                text = pool[rng.randrange(len(pool))]
                appeal_type = types[bisect.bisect(type_w, rng.random() * type_w[-1])]
                channel = channels[bisect.bisect(channel_w, rng.random() * channel_w[-1])]
                deadline = deadline_of(reg, appeal_type)
                age = (today - day).days
                status, answered_at, closed_at, on_time, ground = _fate(rng, age, deadline, received_at, now)
                anonymous = status == AppealStatus.DISMISSED
                executor = (
                    rng.choice(target.executors)
                    if target.executors and (status != AppealStatus.REGISTERED or rng.random() < 0.5)
                    else None
                )
                rows.append(
                    (
                        number, code, pin, appeal_type, channel, text["language"], text["subject"], text["text"],
                        categories.get(text["category"]), target.territory_id, "", anonymous,
                        "" if anonymous else "Демо Заявитель", "" if anonymous else f"+7702{rng.randint(0, 9_999_999):07d}",
                        AnswerChannel.POST, target.unit_id, executor,
                        target.body_id if status == AppealStatus.FORWARDED else None, status, ground,
                        moment(received_at), reg, deadline, moment(answered_at), moment(closed_at), on_time,
                        moment(received_at), moment(closed_at or received_at),
                    )
                )  # fmt: skip
                answers_for.append((answered_at, text["language"], executor))
            with transaction.atomic():
                ids = appeals_out.write(rows)
                events_out.write(
                    [
                        (pk, "registered", AppealStatus.REGISTERED, row[20], event_data, True)
                        for pk, row in zip(ids, rows, strict=True)
                    ]
                )
                answers = []
                for pk, (answered_at, language, executor) in zip(ids, answers_for, strict=True):
                    if answered_at is not None:
                        text = ANSWERS[language][pk % len(ANSWERS[language])]
                        answers.append((pk, language, text, executor or signer, True, moment(answered_at)))
                answers_out.write(answers)
            done += len(rows)
            if progress is not None:
                progress(done, time.perf_counter() - started)
    _move_counters(counters, start_counters)
    return done


def _fate(
    rng: random.Random, age: int, deadline: dt.date, received_at: dt.datetime, now: dt.datetime
) -> tuple[str, dt.datetime | None, dt.datetime | None, bool | None, str]:
    """(status, answered_at, closed_at, answered_on_time, dismissal ground) for an appeal `age` days old."""
    roll = rng.random()
    if age <= 25:
        # Recent: mostly still open.
        if roll < 0.25:
            return AppealStatus.REGISTERED, None, None, None, ""
        if roll < 0.62:
            return AppealStatus.IN_WORK, None, None, None, ""
        if roll < 0.72:
            return AppealStatus.FORWARDED, None, None, None, ""
        if roll < 0.77:
            return AppealStatus.PAUSED, None, None, None, ""
    elif roll < 0.07:
        # Older and still open: overdue.
        return rng.choice([AppealStatus.IN_WORK, AppealStatus.FORWARDED]), None, None, None, ""
    roll = rng.random()
    if roll < 0.04:
        closed = min(now, received_at + dt.timedelta(days=rng.uniform(1, 10)))
        return AppealStatus.DISMISSED, None, closed, None, DismissalGround.ANONYMOUS
    if roll < 0.06:
        closed = min(now, received_at + dt.timedelta(days=rng.uniform(1, 10)))
        return AppealStatus.WITHDRAWN, None, closed, None, ""
    answered = min(now, received_at + dt.timedelta(days=rng.uniform(2, 24 if rng.random() < 0.9 else 45)))
    on_time = answered.astimezone(ZONE).date() <= deadline
    if roll < 0.25 and (now - answered).days < 30:
        return AppealStatus.ANSWERED, answered, None, on_time, ""
    closed = min(now, answered + dt.timedelta(days=rng.uniform(1, 10)))
    return AppealStatus.CLOSED, answered, closed, on_time, ""


def _move_counters(counters: dict[int, int], before: dict[int, int]) -> None:
    prefix = settings.APPEAL_NUMBER_PREFIX
    with transaction.atomic():
        for year, last in counters.items():
            if last == before.get(year):
                continue
            counter, _created = AppealCounter.objects.select_for_update().get_or_create(
                prefix=prefix, year=year, defaults={"last": last}
            )
            if counter.last < last:
                counter.last = last
                counter.save(update_fields=["last"])


# From this many appeals on, the full-text index is not kept up row by row during the load but
# filled once at the end (SQLite: the FTS5 insert trigger is set aside and the new rows indexed in
# one statement; PostgreSQL: the search indexes are dropped and built again).
PAUSE_SEARCH_FROM = 50_000
FTS_TABLE = "appeals_appeal_fts"
FTS_INSERT_TRIGGER = "appeals_appeal_fts_ai"
PG_SEARCH_INDEXES = ("appeal_search_idx", "appeal_trgm_idx")


def _moment_adapter() -> Callable[[dt.datetime | None], Any]:
    """How a moment goes into a row: COPY takes it as it is; SQLite's executemany takes Django's own
    text form (UTC, no offset), made here without Django's per-value checks."""
    if connection.vendor != "sqlite":
        return lambda value: value

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    return adapt


@contextlib.contextmanager
def _search_index_paused(pause: bool) -> Iterator[None]:
    """Set the appeals' full-text index aside while many rows go in, and bring it up to date after."""
    if not pause or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [FTS_INSERT_TRIGGER])
            row = cursor.fetchone()
            if row is None:
                yield
                return
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM appeals_appeal")
            last_id = cursor.fetchone()[0]
            cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
            try:
                yield
            finally:
                with transaction.atomic():
                    cursor.execute(row[0])
                    cursor.execute(
                        f"INSERT INTO {FTS_TABLE}(rowid, subject, text, address) "  # noqa: S608 - constants
                        "SELECT id, subject, text, address FROM appeals_appeal WHERE id > %s",
                        [last_id],
                    )
            return
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
            [Appeal._meta.db_table, list(PG_SEARCH_INDEXES)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)


def analyze() -> None:
    """Refresh the planner's statistics after a big load."""
    tables = [Appeal._meta.db_table, AppealEvent._meta.db_table, AppealAnswer._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
