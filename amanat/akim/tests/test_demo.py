"""The demo campaigns: a won one, a second round, one under way, one being planned; loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from amanat.akim.choices import CampaignStatus
from amanat.akim.models import AkimCampaign, CampaignOutcome
from amanat.demo.akim import load_akim


@pytest.mark.django_db
def test_demo_campaigns_are_realistic_and_idempotent(client: object) -> None:
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    load_akim()  # the demo command may have loaded them already
    statuses = sorted(AkimCampaign.objects.values_list("status", flat=True))
    assert statuses == sorted([CampaignStatus.RESULT, CampaignStatus.RESULT, CampaignStatus.CAMPAIGNING,
                               CampaignStatus.PLANNING])  # fmt: skip
    assert CampaignOutcome.objects.filter(round=2).exists()
    nominees = list(AkimCampaign.objects.filter(nominee__isnull=False).values_list("nominee", flat=True))
    assert len(nominees) == 3 and len(set(nominees)) == 3  # each nominee stands in one okrug
    assert load_akim() == 0
    assert AkimCampaign.objects.count() == 4
    page = client.get(reverse("akim:public-list")).content.decode()  # type: ignore[attr-defined]
    for campaign in AkimCampaign.objects.exclude(status=CampaignStatus.PLANNING):
        assert reverse("akim:public-detail", args=[campaign.pk]) in page
        detail = client.get(reverse("akim:public-detail", args=[campaign.pk]))  # type: ignore[attr-defined]
        assert campaign.nominee.person.full_name in detail.content.decode()
