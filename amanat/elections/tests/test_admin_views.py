"""Staff pages of elections: scope, forms, the phase buttons, the secretary's and a trustee's pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.elections.choices import CommissionRole, Phase
from amanat.elections.models import Candidate, Credential, Election
from amanat.elections.tests.factories import (
    add_candidate,
    make_election,
    make_member,
    make_user,
    name_trustees,
    phase,
    seat,
    secretary_of,
    to_nominations,
    to_preparation,
)
from conftest import scope_matrix
from votecrypto.testkit import make_credentials, run_ceremony

pytestmark = pytest.mark.django_db


def test_list_and_detail_follow_the_scope(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    scope_matrix(client, make_user, tree, url=reverse("elections:detail", args=[election.pk]), role="auditor")
    user = make_user("auditor", tree.makat)
    client.force_login(user)
    assert election.title_en in client.get(reverse("elections:list")).content.decode()
    client.force_login(make_user("auditor", tree.inder))
    assert election.title_en not in client.get(reverse("elections:list")).content.decode()


def test_a_commission_member_without_a_role_sees_the_election(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    user = make_user()
    seat(election, user, CommissionRole.OBSERVER)
    client.force_login(user)
    response = client.get(reverse("elections:detail", args=[election.pk]))
    assert response.status_code == 200
    assert "Open nominations" not in response.content.decode()  # observers watch, they do not act


def test_create_an_election_through_the_form(client: Any, tree: Any, make_user: Any) -> None:
    client.force_login(make_user("executive_secretary", tree.makat))
    data = {
        "kind": "branch_body",
        "unit": tree.makat.pk,
        "title_kk": "Бюро",
        "title_ru": "Бюро",
        "method": "single",
        "seats": 1,
        "min_choices": 1,
        "max_choices": 1,
        "threshold": 2,
        "min_unit_voters": 20,
        "joined_before": "2026-01-01",
        "voting_opens_at": "2026-12-01T08:00",
        "voting_closes_at": "2026-12-03T20:00",
    }
    response = client.post(reverse("elections:create"), data)
    election = Election.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("elections:detail", args=[election.pk])
    assert election.voting_opens_at.utcoffset() is not None


def test_form_errors_are_shown_and_nothing_is_saved(client: Any, tree: Any, make_user: Any) -> None:
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(reverse("elections:create"), {"kind": "poll", "unit": tree.makat.pk})
    assert response.status_code == 200
    assert "Give the title in Kazakh." in response.content.decode()
    assert not Election.objects.exists()


def test_an_auditor_cannot_create_or_edit(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    client.force_login(make_user("auditor", tree.makat))
    assert client.get(reverse("elections:create")).status_code == 404
    assert client.get(reverse("elections:edit", args=[election.pk])).status_code == 404


def test_edit_after_the_freeze_says_so_and_changes_nothing(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(
        reverse("elections:edit", args=[election.pk]),
        {
            "kind": election.kind,
            "unit": tree.makat.pk,
            "title_kk": "Өзгерді",
            "title_ru": "Изменено",
            "method": "single",
            "seats": 1,
            "min_choices": 1,
            "max_choices": 1,
            "threshold": 2,
            "min_unit_voters": 20,
            "joined_before": "2026-01-01",
            "voting_opens_at": "2026-12-01T08:00",
            "voting_closes_at": "2026-12-03T20:00",
        },
    )
    assert response.status_code == 200
    assert "frozen" in response.content.decode()
    assert Election.objects.get(pk=election.pk).title_ru == election.title_ru


def test_phase_buttons(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    make_member(tree.makat_p1)
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("elections:phase", args=[election.pk])
    client.post(url, {"step": "open_nominations"})
    assert phase(election) == Phase.NOMINATIONS
    client.post(url, {"step": "close_nominations"})
    assert phase(election) == Phase.PREPARATION
    response = client.post(url, {"step": "freeze"}, follow=True)
    assert phase(election) == Phase.PREPARATION
    assert "not uploaded" in response.content.decode()
    client.post(url, {"step": "cancel", "reason": "Қайта жоспарлау"})
    assert phase(election) == Phase.CANCELLED


def test_commission_trustees_and_candidates_through_the_pages(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    member = make_member(tree.makat_p1, card_number="55501")
    client.force_login(make_user("executive_secretary", tree.makat))
    other = make_user()
    response = client.post(
        reverse("elections:commission-add", args=[election.pk]), {"email": other.email, "role": "secretary"}
    )
    assert response.status_code == 302
    assert election.commission.get().role == CommissionRole.SECRETARY
    response = client.post(
        reverse("elections:commission-add", args=[election.pk]), {"email": "nobody@x.kz", "role": "member"}
    )
    assert "No active user" in response.content.decode()
    client.post(reverse("elections:trustee-add", args=[election.pk]), {"email": other.email, "name": "Асқар"})
    assert election.trustees.get().name == "Асқар"
    response = client.post(reverse("elections:candidate-add", args=[election.pk]), {"number": "nope"})
    assert "No member" in response.content.decode()
    client.post(reverse("elections:candidate-add", args=[election.pk]), {"number": "55501"})
    assert Candidate.objects.get(member=member).status == "proposed"
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert str(member.person) in page


def test_decide_buttons(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    candidate = add_candidate(election, validate=False)
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("elections:candidate-decide", args=[candidate.pk])
    response = client.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "Give the reason" in response.content.decode()
    client.post(url, {"decision": "validate"})
    assert Candidate.objects.get(pk=candidate.pk).status == "validated"
    client.force_login(make_user("executive_secretary", tree.inder))
    assert client.post(url, {"decision": "withdraw"}).status_code == 404


def test_secretary_downloads_the_census_and_uploads_credentials(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    make_member(tree.makat_p1, card_number="A1")
    to_nominations(election)
    to_preparation(election)
    secretary = secretary_of(election)
    client.force_login(secretary)
    response = client.get(reverse("elections:census-download", args=[election.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [m["number"] for m in data["members"]] == ["A1"]
    assert AuditEvent.objects.filter(verb="elections.census_downloaded", actor=secretary).exists()
    url = reverse("elections:credentials-upload", args=[election.pk])
    wrong = json.dumps({"election": str(election.uuid), "credentials": []}).encode()
    response = client.post(url, {"file": SimpleUploadedFile("public.json", wrong)})
    assert response.status_code == 200 and "one per voter" in response.content.decode()
    publics = sorted(p for _c, p in make_credentials(str(election.uuid), 1))
    body = json.dumps({"election": str(election.uuid), "credentials": publics}).encode()
    assert client.post(url, {"file": SimpleUploadedFile("public.json", body)}).status_code == 302
    assert Credential.objects.filter(election=election).count() == 1


def test_census_download_is_404_for_anyone_but_the_secretary(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    client.force_login(make_user("executive_secretary", tree.makat))
    assert client.get(reverse("elections:census-download", args=[election.pk])).status_code == 404
    assert client.get(reverse("elections:credentials-upload", args=[election.pk])).status_code == 404


def test_trustee_page_walks_the_ceremony(client: Any, tree: Any) -> None:
    election = make_election(tree.makat, threshold=1)
    (trustee,) = name_trustees(election, 1)
    to_nominations(election)
    kit = run_ceremony(str(election.uuid), 1, 1)
    client.force_login(trustee.user)
    url = reverse("elections:trustee", args=[election.pk])
    page = client.get(url).content.decode()
    assert f"amanat-trustee init --election {election.uuid} --index 1" in page
    bad = SimpleUploadedFile("reg.json", b"{}")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200 and "trustee number" in response.content.decode()
    for step in (kit.registrations[0], kit.deals[0], kit.checks[0]):
        response = client.post(url, {"file": SimpleUploadedFile("f.json", json.dumps(step).encode())})
        assert response.status_code == 302, response.content.decode()[:2000]
    election.refresh_from_db()
    assert election.public_key == kit.public_key.hex()
    assert "The election key is ready" in client.get(url).content.decode()


def test_trustee_page_of_someone_else_is_404(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    name_trustees(election, 1)
    client.force_login(make_user("executive_secretary", tree.makat))
    assert client.get(reverse("elections:trustee", args=[election.pk])).status_code == 404


def test_list_filters_by_phase(client: Any, tree: Any, make_user: Any) -> None:
    draft = make_election(tree.makat, title_en="Draft one")
    other = make_election(tree.makat, title_en="Nominating one", voting_opens_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
                          voting_closes_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC))  # fmt: skip
    to_nominations(other)
    client.force_login(make_user("auditor", tree.makat))
    page = client.get(reverse("elections:list"), {"phase": "nominations"}).content.decode()
    assert "Nominating one" in page and draft.title_en not in page


def test_django_admin_reads_but_never_writes(client: Any, tree: Any) -> None:
    from amanat.elections.tests.factories import system_user

    election = make_election(tree.makat)
    client.force_login(system_user())
    assert client.get("/admin/elections/election/").status_code == 200
    assert client.get(f"/admin/elections/election/{election.pk}/change/").status_code == 200
    assert client.get("/admin/elections/election/add/").status_code == 403
    client.post(f"/admin/elections/election/{election.pk}/delete/", {"post": "yes"})
    assert Election.objects.filter(pk=election.pk).exists()


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_cost_the_same_whatever_their_length(client: Any, tree: Any, make_user: Any) -> None:
    first = make_election(tree.makat)
    to_nominations(first)
    client.force_login(make_user("auditor", tree.makat))
    urls = [reverse("elections:list"), reverse("elections:public-list"), "/api/v1/elections/"]
    for url in urls:
        _queries(client, url)  # the first request also fills the caches of the session and the site
    before = [_queries(client, url) for url in urls]
    for _ in range(4):
        to_nominations(make_election(tree.makat_p1))
    assert [_queries(client, url) for url in urls] == before


def test_blank_rule_fields_take_their_defaults(client: Any, tree: Any, make_user: Any) -> None:
    client.force_login(make_user("executive_secretary", tree.makat))
    data = {
        "kind": "poll",
        "unit": tree.makat.pk,
        "title_kk": "Сауалнама",
        "title_ru": "Опрос",
        "joined_before": "2026-01-01",
        "voting_opens_at": "2026-12-01T08:00",
        "voting_closes_at": "2026-12-03T20:00",
    }
    assert client.post(reverse("elections:create"), data).status_code == 302
    election = Election.objects.get()
    assert (election.method, election.min_choices, election.max_choices, election.threshold) == ("single", 1, 1, 1)
    assert election.min_unit_voters == 20


def test_detail_of_a_frozen_election_shows_its_fixed_state(client: Any, tree: Any) -> None:
    from amanat.elections.tests.factories import ready_election, system_user

    prepared = ready_election(tree.makat)
    client.force_login(system_user())
    page = client.get(reverse("elections:detail", args=[prepared.election.pk])).content.decode()
    assert prepared.election.manifest_hash in page and prepared.election.public_key in page
    assert reverse("elections:edit", args=[prepared.election.pk]) not in page  # nothing to edit any more


def test_a_chair_without_a_staff_role_edits_the_election(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    chair = make_user()
    seat(election, chair, CommissionRole.CHAIR)
    client.force_login(chair)
    url = reverse("elections:edit", args=[election.pk])
    assert client.get(url).status_code == 200
    client.post(reverse("elections:phase", args=[election.pk]), {"step": "open_nominations"})
    assert phase(election) == Phase.NOMINATIONS
