"""Public and members' pages of intra-party elections (/elections/).

No login: the list of elections past their draft, an election's page (timetable, phase,
candidates, how to verify) and a candidate's page (biography and programme; no photo, no personal
data). Logged in: "My ballots and duties" (where I vote, my nominations, my trustee and secretary
duties), self-nomination, answering a nomination, editing my biography and programme.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amanat.core.forms import submitted
from amanat.elections import forms as ef
from amanat.elections import selectors as sel
from amanat.elections.choices import Phase
from amanat.elections.services import ceremony, nominations
from amanat.elections.services.elections import phase_at_least


def _timetable(election: Any) -> list[tuple[str, Any]]:
    rows = [
        (_("Nominations open"), election.nominations_open_at),
        (_("Nominations close"), election.nominations_close_at),
        (_("Voting opens"), election.voting_opens_at),
        (_("Voting closes"), election.voting_closes_at),
    ]
    return [(label, value) for label, value in rows if value]


def public_list(request: HttpRequest) -> HttpResponse:
    elections = sel.public_elections().order_by("-voting_opens_at", "pk")[:200]
    return render(request, "elections/public/list.html", {"elections": elections})


def public_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = sel.public_election(uuid)
    return render(
        request,
        "elections/public/detail.html",
        {
            "election": election,
            "candidates": sel.public_candidates(election),
            "timetable": _timetable(election),
            "frozen": phase_at_least(election, Phase.FROZEN),
            "voting": election.phase == Phase.VOTING,
            "published": election.phase == Phase.PUBLISHED,
        },
    )


def public_candidate(request: HttpRequest, uuid: Any, pk: int) -> HttpResponse:
    election = sel.public_election(uuid)
    candidate = sel.public_candidate(election, pk)
    return render(request, "elections/public/candidate.html", {"election": election, "candidate": candidate})


# --- members ----------------------------------------------------------------------------------


@login_required
def my(request: HttpRequest) -> HttpResponse:
    mine = sel.my_elections(request.user)
    duties = [(t, ceremony.trustee_step(t)) for t in mine.trustee]
    return render(request, "elections/public/my.html", {"mine": mine, "duties": duties, "Phase": Phase})


@login_required
def nominate(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = sel.public_election(uuid)
    form = ef.NominationForm(request.POST or None, request.FILES or None)

    def save() -> str:
        data = form.cleaned_data
        nominations.nominate_self(
            actor=request.user,
            election=election,
            values={k: data.get(k, "") for k in nominations.PROFILE_FIELDS},
            documents=[(upload.name, upload) for upload in data.get("documents") or []],
        )
        return reverse("elections:my")

    return submitted(request, form, save, _("You stand as a candidate; the commission will decide.")) or render(
        request,
        "elections/public/form.html",
        {
            "form": form,
            "election": election,
            "title": _("Stand as a candidate"),
            "multipart": True,
            "cancel_url": reverse("elections:public-detail", args=[election.uuid]),
        },
    )


@login_required
def nominate_member(request: HttpRequest, uuid: Any) -> HttpResponse:
    """A primary organisation's secretary proposes one of its members."""
    from amanat.elections.views.manage import census_member

    election = sel.public_election(uuid)
    form = ef.PrimaryNominationForm(request.POST or None, request.FILES or None)

    def save() -> str:
        member = census_member(election, form.cleaned_data["number"])
        documents = [(upload.name, upload) for upload in form.cleaned_data.get("documents") or []]
        nominations.nominate_by_primary(actor=request.user, election=election, member=member, documents=documents)
        return reverse("elections:public-detail", args=[election.uuid])

    return submitted(request, form, save, _("The member is nominated and asked to accept.")) or render(
        request,
        "elections/public/form.html",
        {
            "form": form,
            "election": election,
            "title": _("Nominate a member of your primary organisation"),
            "cancel_url": reverse("elections:public-detail", args=[election.uuid]),
        },
    )


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = sel.own_candidate(request.user, pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline", "withdraw"):
        raise Http404
    try:
        if answer == "withdraw":
            nominations.candidate_withdraw(actor=request.user, candidate=candidate)
        else:
            nominations.candidate_respond(actor=request.user, candidate=candidate, accept=answer == "accept")
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("elections:my")


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = sel.own_candidate(request.user, pk)
    form = ef.ProfileForm(request.POST or None, instance=candidate)

    def save() -> str:
        nominations.candidate_profile_update(actor=request.user, candidate=candidate, values=form.cleaned_data)
        return reverse("elections:my")

    return submitted(request, form, save, _("Your biography and programme are saved.")) or render(
        request,
        "elections/public/form.html",
        {
            "form": form,
            "election": candidate.election,
            "title": _("My biography and programme"),
            "cancel_url": reverse("elections:my"),
        },
    )


urlpatterns = [
    path("", public_list, name="public-list"),
    path("my/", my, name="my"),
    path("<uuid:uuid>/", public_detail, name="public-detail"),
    path("<uuid:uuid>/candidates/<int:pk>/", public_candidate, name="public-candidate"),
    path("<uuid:uuid>/stand/", nominate, name="nominate"),
    path("<uuid:uuid>/nominate/", nominate_member, name="nominate-member"),
    path("nominations/<int:pk>/answer/", respond, name="respond"),
    path("nominations/<int:pk>/profile/", profile, name="profile"),
]
