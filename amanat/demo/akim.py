"""Demo rural akim election campaigns: in the first district branches with rural okrugs, one
campaign won in the first round, one decided in a second round, one under way with meetings
planned, and one still being planned. Everything goes through the akim app's services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from amanat.akim.choices import CampaignStatus, ChosenBy, DecisionBody, EventKind, NominatedBy, Outcome
from amanat.akim.models import AkimCampaign
from amanat.akim.services.activity import candidate_create, event_create, outcome_save
from amanat.akim.services.campaigns import campaign_choose_nominee, campaign_create, campaign_transition
from amanat.org.choices import MemberStatus, OrgUnitKind, TerritoryKind
from amanat.org.models import Member, OrgUnit, Territory

ACTOR = "secretary@amanat.kz"
S = CampaignStatus
DAY = dt.timedelta(days=1)

BIO = (
    "Ауыл шаруашылығы саласында 15 жыл жұмыс істеген, ауылдық округ әкімінің орынбасары болған.",
    "15 лет работал в сельском хозяйстве, был заместителем акима сельского округа.",
    "Fifteen years in agriculture, formerly deputy akim of the rural okrug.",
)
RIVALS = (
    ("Қайратұлы Самат", NominatedBy.PARTY, "«Ақ жол» ҚДП"),
    ("Ержанова Әйгүл", NominatedBy.SELF, ""),
    ("Тілеуов Марат", NominatedBy.PARTY, "«Ауыл» партиясы"),
)
MEETINGS = (
    ("Мәдениет үйінде тұрғындармен кездесу", "Встреча с жителями в доме культуры", "Meeting residents at the house of culture",
     "Мәдениет үйі"),
    ("Мектепте ата-аналармен кездесу", "Встреча с родителями в школе", "Meeting parents at the school", "№1 орта мектеп"),
    ("Шаруа қожалықтарымен кездесу", "Встреча с фермерами", "Meeting farmers", "Ауылдық округ әкімдігі"),
)  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _places() -> list[tuple[OrgUnit, list[Territory], list[Member]]]:
    """District branches with their rural okrugs and a few active members with party cards."""
    found = []
    for branch in OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT, territory__isnull=False).order_by("path"):
        okrugs = list(
            Territory.objects.filter(kind=TerritoryKind.RURAL_OKRUG, path__startswith=branch.territory.path).order_by(
                "path"
            )[:2]
        )
        members = list(
            Member.objects.filter(
                org_unit__path__startswith=branch.path, status=MemberStatus.ACTIVE, card_number__isnull=False
            )
            .select_related("org_unit")
            .order_by("org_unit__path", "pk")[:3]
        )
        if okrugs and members:
            found.append((branch, okrugs, members))
    return found


def _campaign(actor: object, branch: OrgUnit, okrug: Territory, day: dt.date) -> AkimCampaign:
    return campaign_create(
        actor=actor,
        values={
            "org_unit": branch, "okrug": okrug, "election_date": day, "registration_opens_on": day - 50 * DAY,
            "registration_closes_on": day - 20 * DAY, "is_public": True,
            "nominee_bio_kk": BIO[0], "nominee_bio_ru": BIO[1], "nominee_bio_en": BIO[2],
        },
    )  # fmt: skip


def _nominate_and_run(actor: object, campaign: AkimCampaign, member: Member, *, today: dt.date) -> AkimCampaign:
    day = campaign.election_date
    decided = min(day - 55 * DAY, today)
    campaign = campaign_choose_nominee(
        actor=actor,
        campaign=campaign,
        values={
            "nominee": member, "chosen_by": ChosenBy.DECISION, "decision_on": decided,
            "decision_body": DecisionBody.BUREAU, "decision_number": f"{decided:%m}/{decided.day}",
        },
        today=today,
    )  # fmt: skip
    registered = min(day - 40 * DAY, today)
    campaign = campaign_transition(
        actor=actor, campaign=campaign, to=S.REGISTERED, registered_on=registered, today=today
    )
    campaign = campaign_transition(actor=actor, campaign=campaign, to=S.CAMPAIGNING)
    for name, nominated_by, nominator in RIVALS[:2]:
        candidate_create(actor=actor, campaign=campaign, name=name, nominated_by=nominated_by, nominator=nominator)
    now = timezone.now()
    for offset, (title_kk, title_ru, title_en, place) in zip((30, 18, 6), MEETINGS, strict=True):
        start = _at(day - offset * DAY, 17)
        event_create(
            actor=actor,
            campaign=campaign,
            values={
                "kind": EventKind.MEETING, "title_kk": title_kk, "title_ru": title_ru, "title_en": title_en,
                "starts_at": start,
                "ends_at": start + 2 * dt.timedelta(hours=1), "place": place,
                "attendance": 40 + offset * 3 if start < now else None,
            },
        )  # fmt: skip
    return campaign


def load_akim(*, today: dt.date | None = None) -> int:
    """The demo campaigns; returns how many were added (0 if loaded or there is nothing to load on)."""
    if AkimCampaign.all_objects.exists():
        return 0
    actor = get_user_model().objects.filter(email=ACTOR).first()
    places = _places()
    if actor is None or not places:
        return 0
    today = today or timezone.localdate()
    added = 0
    plans = [
        (today - 150 * DAY, "won"),
        (today - 90 * DAY, "second_round"),
        (today + 45 * DAY, "running"),
        (today + 200 * DAY, "planning"),
    ]
    # One okrug after another, each with its own nominee (a member stands in one okrug only).
    slots = [(b, okrug, members[k % len(members)]) for b, okrugs, members in places for k, okrug in enumerate(okrugs)]
    for (day, plan), (branch, okrug, member) in zip(plans, slots, strict=False):
        campaign = _campaign(actor, branch, okrug, day)
        added += 1
        if plan == "planning":
            continue
        campaign = _nominate_and_run(actor, campaign, member, today=today)
        source = f"{branch.name_kk}: аумақтық сайлау комиссиясының шешімі"
        if plan == "won":
            outcome_save(actor=actor, campaign=campaign, today=today, values={
                "round": 1, "outcome": Outcome.WON, "votes_for_nominee": 1184, "votes_total": 1930,
                "turnout": "71.40", "decided_on": day + DAY, "source": source,
            })  # fmt: skip
        elif plan == "second_round":
            outcome_save(actor=actor, campaign=campaign, today=today, values={
                "round": 1, "outcome": Outcome.SECOND_ROUND, "votes_for_nominee": 702, "votes_total": 1610,
                "turnout": "63.10", "decided_on": day + DAY, "source": source,
            })  # fmt: skip
            outcome_save(actor=actor, campaign=campaign, today=today, values={
                "round": 2, "outcome": Outcome.WON, "votes_for_nominee": 861, "votes_total": 1422,
                "turnout": "55.70", "decided_on": day + 15 * DAY, "source": source,
            })  # fmt: skip
    return added
