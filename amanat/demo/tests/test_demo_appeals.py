"""Demo appeals: reference data, appeals made through the services, and the bulk generator."""

from __future__ import annotations

import random
import re
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from amanat.accounts.models import User
from amanat.appeals.choices import OPEN_STATUSES, AppealType
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
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeals_for
from amanat.appeals.services.intake import pin_matches, route
from amanat.demo import appeals, structure
from amanat.demo.appeal_texts import CATEGORIES, LEAVES, TOWNS, sample_appeal
from amanat.org.models import OrgUnit, Territory


def test_the_text_generator_writes_varied_appeals_in_both_languages_for_every_category() -> None:
    rng = random.Random(7)
    samples = [sample_appeal(rng) for _ in range(1500)]
    kk = sum(s["language"] == "kk" for s in samples) / len(samples)
    assert 0.28 < kk < 0.42
    assert {s["category"] for s in samples} == set(LEAVES)
    assert len({s["text"] for s in samples}) > 1450
    assert all(s["subject"] and len(s["text"]) > 40 and "{" not in s["text"] for s in samples)
    kazakh = [s["text"] for s in samples if s["language"] == "kk"]
    assert any(re.search("[әғқңөұүһі]", t) for t in kazakh)
    assert len(CATEGORIES) >= 8 and all(2 <= len(root.children) <= 5 for root in CATEGORIES)


@pytest.mark.django_db
def test_reference_data_is_loaded_once_and_routes_each_district_to_its_branch() -> None:
    structure.load_territories()
    structure.load_units()
    structure.load_state_bodies()
    categories, policies, rules = appeals.load_reference()
    assert categories == Category.objects.count() == len(LEAVES) + len(CATEGORIES)
    assert policies == DeadlinePolicy.objects.count() == 7
    assert DeadlinePolicy.objects.get(appeal_type="complaint").term_days == 20
    assert DeadlinePolicy.objects.get(appeal_type="statement").term_days == 15
    assert rules == RoutingRule.objects.count() > 9
    assert appeals.load_reference() == (0, 0, 0)
    assert RoutingRule.objects.count() == rules

    makat = Territory.objects.get(kato="235200000")
    heating = Category.objects.get(code="heating")
    rule = route(heating, makat)
    assert rule.org_unit.code == "makat"
    assert rule.state_body is not None and "Макат" in rule.state_body.name_ru
    assert route(None, Territory.objects.get(kato="231000000")).org_unit.code == "atyrau-city"
    assert route(None, None).org_unit.code == "atyrau"


@pytest.mark.django_db
def test_demo_appeals_and_generated_appeals_land_in_the_right_inboxes() -> None:
    out = StringIO()
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "14", stdout=out)
    assert "Appeals: 14 added" in out.getvalue()

    # Made through the services: every status, both languages, history in the past.
    # the reception's own demo appeals, not the programme's mandates or the meetings' raised issues
    demo = Appeal.objects.exclude(appeal_type=AppealType.MANDATE).exclude(channel="field_meeting")
    demo_ids = set(Appeal.objects.values_list("pk", flat=True))
    statuses = set(demo.values_list("status", flat=True))
    assert {"registered", "in_work", "forwarded", "paused", "answered", "closed", "dismissed", "withdrawn"} <= statuses
    assert set(demo.values_list("language", flat=True)) == {"kk", "ru"}
    today = timezone.localdate()
    assert demo.filter(status__in=list(OPEN_STATUSES), deadline__lt=today).exists()  # a few overdue
    assert demo.filter(status="dismissed", is_anonymous=True, dismissal_ground="anonymous").exists()
    assert AppealFeedback.objects.exists()
    for answer in AppealAnswer.objects.select_related("appeal"):
        assert answer.language == answer.appeal.language
        assert answer.created_at <= timezone.now()
    first = demo.order_by("received_at").first()
    assert (today - timezone.localtime(first.received_at).date()).days > 60
    assert not AppealEvent.objects.filter(at__gt=timezone.now()).exists()
    for appeal in demo:
        events = list(appeal.events.order_by("id"))
        assert events[0].kind == "registered" and events[0].at >= appeal.received_at
        assert [e.at for e in events] == sorted(e.at for e in events)

    # A second run adds no appeals (the programme's mandates and the meetings' raised issues included).
    loaded = Appeal.objects.count()
    call_command("demo_data", "--base-members", "0", stdout=StringIO())
    assert Appeal.objects.count() == loaded

    # Bulk generation continues the numbering and keeps numbers and codes unique.
    year_before = dict(AppealCounter.objects.values_list("year", "last"))
    made = appeals.generate_appeals(2000, batch=700)
    assert made == 2000 and Appeal.objects.count() == loaded + 2000
    numbers = list(Appeal.objects.values_list("number", flat=True))
    codes = list(Appeal.objects.values_list("tracking_code", flat=True))
    assert len(set(numbers)) == len(numbers) and len(set(codes)) == len(codes)
    prefix = settings.APPEAL_NUMBER_PREFIX
    for counter in AppealCounter.objects.all():
        taken = [int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"{prefix}-{counter.year}-")]
        assert counter.last == max(taken) >= year_before.get(counter.year, 0)
        assert sorted(taken) == list(range(1, counter.last + 1))
    generated = Appeal.objects.exclude(pk__in=demo_ids)
    assert AppealEvent.objects.filter(kind="registered", appeal__in=generated).count() == 2000
    assert AppealAnswer.objects.filter(appeal__in=generated).exists()
    assert generated.filter(status__in=list(OPEN_STATUSES), deadline__lt=today).exists()
    assert set(generated.values_list("status", flat=True)) >= {"registered", "in_work", "closed", "answered"}
    sample = generated.order_by("?").first()
    assert pin_matches(sample, appeals.DEMO_PIN)
    assert sample.deadline is not None and sample.registered_on >= timezone.localtime(sample.received_at).date()

    # Each appeal is in the inbox of its unit's staff, and of nobody's outside that branch.
    def inbox(email: str) -> set[int]:
        return set(appeals_for(User.objects.get(email=email), AppealAction.VIEW).values_list("pk", flat=True))

    def subtree(code: str) -> set[int]:
        unit = OrgUnit.objects.get(code=code)
        return set(Appeal.objects.filter(org_unit__path__startswith=unit.path).values_list("pk", flat=True))

    everything = set(Appeal.objects.values_list("pk", flat=True))
    assert inbox("secretary@amanat.kz") == everything
    operator = User.objects.get(email="operator@amanat.kz")
    mine = set(Appeal.objects.filter(executor=operator).values_list("pk", flat=True))
    assert subtree("atyrau-city") and inbox("operator@amanat.kz") == subtree("atyrau-city") | mine
    inder = User.objects.get(email="inder.secretary@amanat.kz")
    assert subtree("inder") and inbox(inder.email) == subtree("inder") | set(
        Appeal.objects.filter(executor=inder).values_list("pk", flat=True)
    )
    assert not subtree("makat") & inbox(operator.email)
    # Generated appeals sit in the branch of their place (or one of its primaries).
    branch_of = {t.kato: t.branch for t in TOWNS}
    branches = {u.code: u.path for u in OrgUnit.objects.filter(code__in=set(branch_of.values()))}
    placed = 0
    for appeal in generated.exclude(territory=None).select_related("org_unit", "territory")[:300]:
        assert appeal.org_unit.path.startswith(branches[branch_of[appeal.territory.kato]])
        placed += 1
    assert placed > 200


def test_a_negative_appeal_count_is_refused(db: Any) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--appeals"):
        call_command("demo_data", "--appeals", "-5")
    assert not Appeal.objects.exists()
