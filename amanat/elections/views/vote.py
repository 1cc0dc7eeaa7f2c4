"""The voter's pages and the public record: the booth and its cast endpoint (members of the
census), the bulletin board and its download, the tracker lookup (anyone, no login), and the
participation list (members of the election's subtree and staff who may view elections).

The board download is streamed: at 100,000 ballots it never sits in memory whole. It stops at
the head the board had when the download began, so it is a consistent prefix of the chain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amanat.core.middleware import client_ip
from amanat.core.permissions import has_action
from amanat.core.ratelimit import hourly_limited
from amanat.elections.booth import booth_assets
from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, BoardEntry, Candidate, CensusEntry, Checkpoint, Credential, Election
from amanat.elections.permissions import ElectionAction
from amanat.elections.services import board
from amanat.elections.services.voting import TIMING, cast_ballot, census_entry

BOARD_PAGE = 50
PEOPLE_PAGE = 100
TRACKER_RE = re.compile(r"^[0-9a-f]{64}$")
# What the board page can filter by (protocol §8).
ENTRY_TYPES = (
    "created",
    "nomination",
    "census",
    "credentials",
    "trustee",
    "deal",
    "check",
    "complaint",
    "election_key",
    "manifest",
    "open",
    "ballot",
    "close",
    "tally",
    "share",
    "result",
)
# Refusals the voter can do nothing about with this ballot: not in the census or another's credential.
FORBIDDEN = frozenset({"not_in_census", "credential_taken", "other_credential"})


def public_election(uuid: Any) -> Election:
    """An election whose board is public: any but a draft."""
    return get_object_or_404(Election.objects.exclude(phase=Phase.DRAFT).select_related("unit"), uuid=uuid)


def tracker_lookups_per_hour() -> int:
    return settings.ELECTIONS_TRACKER_LOOKUPS_PER_HOUR


def normalise_tracker(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").lower()


# --- the booth ---------------------------------------------------------------------------------


def ballot_candidates(election: Election, manifest: dict) -> list[Candidate]:
    """The election's options in the manifest's (ballot) order."""
    by_id = {c.pk: c for c in Candidate.objects.filter(election=election).select_related("member__person")}
    return [by_id[c["id"]] for c in manifest["candidates"] if c["id"] in by_id]


@login_required
def booth(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = public_election(uuid)
    entry = census_entry(election, request.user)
    if entry is None:
        return render(request, "elections/vote/not_voter.html", {"election": election}, status=403)
    if election.phase != Phase.VOTING or not election.manifest:
        return render(request, "elections/vote/not_open.html", {"election": election}, status=409)
    manifest = json.loads(election.manifest)
    return render(
        request,
        "elections/booth.html",
        {
            "election": election,
            "candidates": ballot_candidates(election, manifest),
            "min_choices": manifest["min_choices"],
            "max_choices": manifest["max_choices"],
            "manifest": manifest,
            "manifest_hash": election.manifest_hash,
            "cast_url": reverse("elections:cast", args=[election.uuid]),
            "tracker_lookup_url": reverse("elections:tracker"),
            "already_voted": Credential.objects.filter(election=election, voter=entry.member).exists(),
            "booth_assets": booth_assets(),
        },
    )


def refusal_status(code: str) -> int:
    if code in TIMING:
        return 409
    if code in FORBIDDEN:
        return 403
    return 400


@require_POST
def cast(request: HttpRequest, uuid: Any) -> JsonResponse:
    """POST {"ballot": {...}} from the booth (session and CSRF). 201 with the tracker; 200 when
    the same ballot was already on the board; 4xx {"detail", "code"} otherwise."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Log in to vote."), "code": "not_authenticated"}, status=401)
    try:
        election = public_election(uuid)
    except Http404:
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("ballot"), dict):
        return JsonResponse({"detail": _("The ballot could not be read."), "code": "json"}, status=400)
    try:
        ballot, replaced = cast_ballot(election, request.user, body["ballot"])
    except ValidationError as exc:
        code = exc.code or "invalid"
        return JsonResponse({"detail": exc.messages[0], "code": code}, status=refusal_status(code))
    return JsonResponse(cast_answer(ballot, replaced), status=200 if ballot.repeat else 201)


def cast_answer(ballot: Ballot, replaced: bool) -> dict[str, Any]:
    return {
        "tracker": ballot.tracker,
        "replaced": replaced,
        "seq": ballot.board_seq,
        "tracker_url": f"{reverse('elections:tracker')}?tracker={ballot.tracker}",
    }


# --- the board ---------------------------------------------------------------------------------


def payload_summary(entry: BoardEntry) -> str:
    """A line about what an entry says, for people reading the board page."""
    data = json.loads(entry.payload)
    if entry.type == "ballot":
        return _("Ballot %(tracker)s, unit %(unit)s") % {
            "tracker": board_tracker(data.get("ballot", {})),
            "unit": data.get("unit", ""),
        }
    if entry.type == "close":
        return _("Voting closed: %(n)s ballots counted") % {"n": data.get("ballots", 0)}
    if entry.type == "census":
        return _("Census frozen: %(n)s voters, hash %(hash)s") % {"n": data.get("count", 0), "hash": data.get("hash")}
    if entry.type == "credentials":
        return _("%(n)s public credentials published") % {"n": len(data.get("list", []))}
    if entry.type == "manifest":
        return _("Rules frozen, manifest hash %(hash)s") % {"hash": data.get("hash", "")}
    if entry.type == "election_key":
        return _("Election key %(key)s") % {"key": data.get("public_key", "")}
    if entry.type in ("trustee", "deal", "check", "complaint", "share"):
        return _("Trustee %(index)s") % {"index": data.get("index", "")}
    if entry.type == "result":
        return _("Result: %(counted)s ballots counted, turnout %(turnout)s%%") % {
            "counted": data.get("counted", 0),
            "turnout": data.get("turnout", ""),
        }
    text = entry.payload
    return text if len(text) <= 160 else text[:157] + "…"


def board_tracker(ballot: dict) -> str:
    from votecrypto.ballot import tracker

    try:
        return tracker(ballot)
    except (TypeError, ValueError):
        return "?"


@require_GET
def board_page(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = public_election(uuid)
    entries = BoardEntry.objects.filter(election=election).order_by("seq")
    kind = request.GET.get("type") or ""
    if kind in ENTRY_TYPES:
        entries = entries.filter(type=kind)
    else:
        kind = ""
    page = Paginator(entries, BOARD_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, payload_summary(entry)) for entry in page.object_list]
    return render(
        request,
        "elections/vote/board.html",
        {
            "election": election,
            "page_obj": page,
            "paginator": page.paginator,
            "rows": rows,
            "kind": kind,
            "types": ENTRY_TYPES,
            "query_without_page": f"type={kind}" if kind else "",
            "checkpoints": list(Checkpoint.objects.filter(election=election).order_by("-seq")[:20]),
            "checkpoint_count": Checkpoint.objects.filter(election=election).count(),
            "checkpoint_key": board.checkpoint_public_key(),
            "head": board.head(election),
        },
    )


def _entry_text(entry: dict[str, Any]) -> str:
    # Canonical JSON of board.entry_json without re-parsing the stored payload (already canonical):
    # keys in sorted order at, hash, payload, prev, seq, type.
    return (
        f'{{"at":{json.dumps(entry["at"])},"hash":"{entry["hash"]}","payload":{entry["payload"]},'
        f'"prev":"{entry["prev"]}","seq":{entry["seq"]},"type":{json.dumps(entry["type"])}}}'
    )


def board_chunks(election: Election) -> Iterator[str]:
    """The download of protocol §8, in canonical key order, up to the head at the start."""
    last = board.head(election)
    top = -1 if last is None else last.seq
    checkpoints = [
        json.dumps(board.checkpoint_json(election, cp), sort_keys=True, separators=(",", ":"))
        for cp in Checkpoint.objects.filter(election=election, seq__lte=top).order_by("seq")
    ]
    yield (
        f'{{"checkpoint_key":"{board.checkpoint_public_key()}","checkpoints":[{",".join(checkpoints)}],'
        f'"election":"{election.uuid}","entries":['
    )
    rows = (
        BoardEntry.objects.filter(election=election, seq__lte=top)
        .order_by("seq")
        .values("seq", "prev", "type", "at", "payload", "hash")
        .iterator(chunk_size=2000)
    )
    batch: list[str] = []
    first = True
    for row in rows:
        batch.append(_entry_text(row))
        if len(batch) == 500:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield '],"format":"amanat-board/1"}'


@require_GET
def board_download(request: HttpRequest, uuid: Any) -> StreamingHttpResponse:
    election = public_election(uuid)
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in board_chunks(election)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="board-{election.uuid}.json"'
    return response


# --- the tracker lookup ------------------------------------------------------------------------


@require_GET
def tracker_lookup(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("tracker")
    context: dict[str, Any] = {"tracker": raw or "", "found": None, "error": ""}
    if raw is None:
        return render(request, "elections/vote/tracker.html", context)
    code = normalise_tracker(raw)
    ip = client_ip(request)
    if hourly_limited("election-tracker", ip, tracker_lookups_per_hour()):
        context["error"] = _("Too many look-ups from your address. Try again in an hour.")
        return render(request, "elections/vote/tracker.html", context, status=429)
    hourly_limited("election-tracker", ip, tracker_lookups_per_hour(), count=True)
    if not TRACKER_RE.match(code):
        context["error"] = _("A tracker is 64 characters: digits 0–9 and letters a–f. Check what you typed.")
        return render(request, "elections/vote/tracker.html", context, status=400)
    context["tracker"] = code
    context["found"] = tracker_status(code)
    return render(request, "elections/vote/tracker.html", context)


def tracker_status(code: str) -> dict[str, Any] | None:
    """Where the ballot with this tracker stands on its board (None if on no public board)."""
    ballot = Ballot.objects.filter(tracker=code).exclude(election__phase=Phase.DRAFT).select_related("election").first()
    if ballot is None:
        return None
    election = ballot.election
    entry = BoardEntry.objects.get(election=election, seq=ballot.board_seq)
    later = (
        Ballot.objects.filter(credential_id=ballot.credential_id, board_seq__gt=ballot.board_seq)
        .order_by("-board_seq")
        .values_list("board_seq", flat=True)
        .first()
    )
    checkpoint = Checkpoint.objects.filter(election=election, seq__gte=ballot.board_seq).order_by("seq").first()
    return {
        "election": election,
        "seq": entry.seq,
        "hash": entry.hash,
        "at": entry.at,
        "cast_at": ballot.cast_at,
        "replaced": ballot.replaced,
        "replaced_by_seq": later,
        "checkpoint": checkpoint,
    }


# --- participation -----------------------------------------------------------------------------


def may_see_participation(user: Any, election: Election) -> bool:
    if has_action(user, ElectionAction.VIEW, election.unit):
        return True
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return False
    from amanat.org.models import Member

    return Member.objects.filter(person_id=person_id, org_unit__path__startswith=election.unit.path).exists()


@login_required
@require_GET
def participation(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = public_election(uuid)
    if not may_see_participation(request.user, election):
        raise Http404
    voters = (
        Credential.objects.filter(election=election, voter__isnull=False)
        .select_related("voter__person", "voter__org_unit")
        .order_by("voter__search_name", "voter_id")
    )
    page = Paginator(voters, PEOPLE_PAGE).get_page(request.GET.get("page"))
    census = dict(
        CensusEntry.objects.filter(election=election)
        .values_list("tally_unit")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("tally_unit", "n")
    )
    voted = dict(
        Credential.objects.filter(election=election, voter__isnull=False)
        .values_list("tally_unit")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("tally_unit", "n")
    )
    from amanat.org.models import OrgUnit

    units = []
    for unit in OrgUnit.objects.filter(pk__in=census).order_by("path"):
        total, done = census[unit.pk], voted.get(unit.pk, 0)
        units.append({"unit": unit, "census": total, "voted": done, "percent": round(100 * done / total, 1)})
    census_total = sum(census.values())
    voted_total = sum(voted.values())
    return render(
        request,
        "elections/vote/participation.html",
        {
            "election": election,
            "page_obj": page,
            "paginator": page.paginator,
            "units": units,
            "census_total": census_total,
            "voted_total": voted_total,
            "percent_total": round(100 * voted_total / census_total, 1) if census_total else 0,
        },
    )


urlpatterns = [
    path("<uuid:uuid>/vote/", booth, name="booth"),
    path("<uuid:uuid>/vote/cast/", cast, name="cast"),
    path("<uuid:uuid>/board/", board_page, name="board"),
    path("<uuid:uuid>/board/download/", board_download, name="board-download"),
    path("<uuid:uuid>/participation/", participation, name="participation"),
    path("tracker/", tracker_lookup, name="tracker"),
]
