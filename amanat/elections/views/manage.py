"""Staff pages of intra-party elections (/manage/elections/): the list in the user's scope, an
election's page (timetable, phase and next step, commission, trustees and the key ceremony, census,
candidates to decide) and its forms; the secretary's census download and credentials upload; a
trustee's ceremony page.

Everything out of the user's scope is a 404; the forms read input, the services check the rules
and the phase, and their refusals come back on the form or as a message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amanat.core.forms import submitted
from amanat.core.permissions import has_action, need
from amanat.elections import forms as ef
from amanat.elections import selectors as sel
from amanat.elections.choices import CandidateStatus, ElectionKind, Phase
from amanat.elections.models import CensusEntry, CommissionMember, Trustee
from amanat.elections.permissions import ElectionAction
from amanat.elections.services import census, ceremony, nominations
from amanat.elections.services import elections as svc

A = ElectionAction


def _detail(election: Any) -> str:
    return reverse("elections:detail", args=[election.pk])


def _form_page(request: HttpRequest, form: Any, *, title: str, cancel: str, intro: str = "") -> HttpResponse:
    return render(
        request,
        "elections/manage/form.html",
        {"form": form, "title": title, "cancel_url": cancel, "intro": intro},
    )


def _run(request: HttpRequest, action: Callable[[], Any], done: str) -> None:
    """Run a service for a button: its success or its refusal becomes the page's message."""
    try:
        action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


def _managed(request: HttpRequest, pk: Any) -> Any:
    election = sel.election_get(request.user, pk)
    if not svc.runs(request.user, election):
        raise Http404
    return election


# --- list and detail ----------------------------------------------------------------------------


@login_required
def election_list(request: HttpRequest) -> HttpResponse:
    need(request.user, A.VIEW)
    elections = sel.election_list(request.user).order_by("-voting_opens_at", "pk")
    phase = request.GET.get("phase", "")
    if phase in Phase.values:
        elections = elections.filter(phase=phase)
    return render(
        request,
        "elections/manage/list.html",
        {
            "elections": elections[:200],
            "phases": Phase.choices,
            "phase": phase,
            "can_manage": has_action(request.user, A.MANAGE),
        },
    )


@login_required
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = sel.election_get(request.user, pk)
    candidates = sel.candidates_of(election)
    census_units = []
    if election.census_hash:
        census_units = list(
            CensusEntry.objects.filter(election=election)
            .values("tally_unit__name_kk", "tally_unit__name_ru", "tally_unit__name_en", "tally_unit_id")
            .order_by("tally_unit_id")
            .annotate(n=Count("pk"))
        )
    options = [c for c in candidates if c.status == CandidateStatus.VALIDATED]
    return render(
        request,
        "elections/manage/detail.html",
        {
            "election": election,
            "candidates": candidates,
            "to_decide": [c for c in candidates if c.status == CandidateStatus.ACCEPTED],
            "commission": election.commission.select_related("user").order_by("role", "pk"),
            "trustees": election.trustees.select_related("user").order_by("index"),
            "step": ceremony.step(election),
            "step_label": ceremony.STEP_LABELS[ceremony.step(election)],
            "census_units": census_units,
            "credentials": election.credentials.count(),
            "problems": svc.freeze_problems(election, options) if election.phase == Phase.PREPARATION else [],
            "can_run": svc.runs(request.user, election),
            "is_poll": election.kind == ElectionKind.POLL,
            "frozen": svc.phase_at_least(election, Phase.FROZEN),
            "Phase": Phase,
        },
    )


# --- create and edit ----------------------------------------------------------------------------


@login_required
def election_create(request: HttpRequest) -> HttpResponse:
    need(request.user, A.MANAGE)
    form = ef.ElectionForm(request.POST or None, user=request.user)

    def save() -> str:
        return _detail(svc.election_create(actor=request.user, values=form.cleaned_data))

    return submitted(request, form, save, _("The election is drafted.")) or _form_page(
        request, form, title=_("New election"), cancel=reverse("elections:list")
    )


@login_required
def election_edit(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    form = ef.ElectionForm(request.POST or None, instance=election, user=request.user)
    if election.unit not in form.fields["unit"].queryset:
        form.fields["unit"].queryset = form.fields["unit"].queryset | type(election.unit).objects.filter(
            pk=election.unit_id
        )

    def save() -> str:
        fresh = sel.election_get(request.user, pk)
        return _detail(svc.election_update(actor=request.user, election=fresh, values=form.cleaned_data))

    intro = _("The rules are frozen: nothing can change.") if svc.phase_at_least(election, Phase.FROZEN) else ""
    return submitted(request, form, save, _("The election is saved.")) or _form_page(
        request, form, title=_("Edit the election"), cancel=_detail(election), intro=intro
    )


# --- phases -------------------------------------------------------------------------------------

PHASE_STEPS = {
    "open_nominations": (svc.open_nominations, gettext_lazy("Nominations are open.")),
    "close_nominations": (svc.close_nominations, gettext_lazy("The census is frozen; prepare credentials and keys.")),
    "freeze": (svc.freeze, gettext_lazy("The election is frozen; voting opens at its time.")),
}


@login_required
@require_POST
def phase_step(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    step = request.POST.get("step", "")
    if step == "cancel":
        _run(
            request,
            lambda: svc.cancel(actor=request.user, election=election, reason=request.POST.get("reason", "")),
            _("The election is cancelled."),
        )
    elif step in PHASE_STEPS:
        func, done = PHASE_STEPS[step]
        _run(request, lambda: func(actor=request.user, election=election), str(done))
    else:
        raise Http404
    return redirect(_detail(election))


# --- commission and trustees --------------------------------------------------------------------


@login_required
def commission_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    form = ef.SeatForm(request.POST or None)

    def save() -> str:
        svc.commission_set(
            actor=request.user, election=election, user=form.cleaned_data["email"], role=form.cleaned_data["role"]
        )
        return _detail(election)

    return submitted(request, form, save, _("The commission is changed.")) or _form_page(
        request, form, title=_("Seat a commission member"), cancel=_detail(election)
    )


@login_required
@require_POST
def commission_remove(request: HttpRequest, pk: int) -> HttpResponse:
    seat = CommissionMember.objects.filter(pk=sel.clean_pk(pk)).select_related("election").first()
    if seat is None:
        raise Http404
    election = _managed(request, seat.election_id)
    _run(request, lambda: svc.commission_remove(actor=request.user, seat=seat), _("The commission is changed."))
    return redirect(_detail(election))


@login_required
def trustee_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    form = ef.TrusteeForm(request.POST or None)

    def save() -> str:
        svc.trustee_add(
            actor=request.user, election=election, user=form.cleaned_data["email"], name=form.cleaned_data["name"]
        )
        return _detail(election)

    return submitted(request, form, save, _("The trustee is named.")) or _form_page(
        request,
        form,
        title=_("Name a trustee"),
        cancel=_detail(election),
        intro=_("A trustee holds a share of the election key on their own computer; t of n decrypt the result."),
    )


@login_required
@require_POST
def trustee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    trustee = Trustee.objects.filter(pk=sel.clean_pk(pk)).select_related("election").first()
    if trustee is None:
        raise Http404
    election = _managed(request, trustee.election_id)
    _run(request, lambda: svc.trustee_remove(actor=request.user, trustee=trustee), _("The trustee is removed."))
    return redirect(_detail(election))


# --- candidates and answers ---------------------------------------------------------------------


@login_required
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    form = ef.MemberNumberForm(request.POST or None)

    def save() -> str:
        member = census_member(election, form.cleaned_data["number"])
        nominations.nominate_by_commission(actor=request.user, election=election, member=member)
        return _detail(election)

    return submitted(request, form, save, _("The candidate is entered and asked to accept.")) or _form_page(
        request, form, title=_("Enter a candidate"), cancel=_detail(election)
    )


def census_member(election: Any, number: str) -> Any:
    """The eligible member with this card number (or M<register number>), or a field error."""
    number = (number or "").strip()
    members = census.eligible_members(election).select_related("person")
    found = members.filter(card_number=number).first()
    if found is None and number[:1].upper() == "M" and number[1:].isdigit():
        found = members.filter(pk=int(number[1:]), card_number__isnull=True).first()
    if found is None:
        raise ValidationError({"number": [_("No member of the election's units in good standing has this number.")]})
    return found


@login_required
def answer_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = _managed(request, pk)
    if request.method == "POST" and request.POST.get("standard"):
        _run(
            request,
            lambda: nominations.poll_answers_standard(actor=request.user, election=election),
            _("The answers are added."),
        )
        return redirect(_detail(election))
    form = ef.AnswerForm(request.POST or None)

    def save() -> str:
        nominations.poll_answer_add(actor=request.user, election=election, values=form.cleaned_data)
        return _detail(election)

    return submitted(request, form, save, _("The answer is added.")) or _form_page(
        request, form, title=_("Add an answer"), cancel=_detail(election)
    )


@login_required
@require_POST
def candidate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_get(request.user, pk)
    election = _managed(request, candidate.election_id)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if decision in ("validate", "reject"):
        _run(
            request,
            lambda: nominations.candidate_decide(
                actor=request.user, candidate=candidate, validate=decision == "validate", reason=reason
            ),
            _("The nomination is decided."),
        )
    elif decision == "withdraw":
        _run(
            request,
            lambda: nominations.candidate_withdraw(actor=request.user, candidate=candidate, reason=reason),
            _("The nomination is withdrawn."),
        )
    else:
        raise Http404
    return redirect(_detail(election))


# --- the secretary --------------------------------------------------------------------------------


@login_required
def census_download(request: HttpRequest, pk: int) -> HttpResponse:
    election = sel.secretary_election(request.user, pk)
    try:
        data = census.census_export(actor=request.user, election=election)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("elections:my")
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="census-{election.uuid}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def credentials_upload(request: HttpRequest, pk: int) -> HttpResponse:
    election = sel.secretary_election(request.user, pk)
    form = ef.FileForm(request.POST or None, request.FILES or None)

    def save() -> str:
        census.credentials_upload(actor=request.user, election=election, raw=form.read())
        return reverse("elections:my")

    return submitted(request, form, save, _("The public credentials are published.")) or render(
        request, "elections/manage/secretary.html", {"election": election, "form": form}
    )


# --- a trustee ------------------------------------------------------------------------------------

TRUSTEE_UPLOADS = {
    ceremony.Step.REGISTER: ceremony.trustee_register,
    ceremony.Step.DEAL: ceremony.trustee_deal,
    ceremony.Step.CHECK: ceremony.trustee_check,
}


@login_required
def trustee_page(request: HttpRequest, pk: int) -> HttpResponse:
    trustee = sel.trustee_get(request.user, pk)
    election = trustee.election
    todo = ceremony.trustee_step(trustee)
    form = ef.FileForm(request.POST or None, request.FILES or None)

    def save() -> str:
        if todo not in TRUSTEE_UPLOADS:
            raise ValidationError(_("Nothing is expected from you now."), code="phase")
        TRUSTEE_UPLOADS[todo](actor=request.user, trustee=trustee, raw=form.read())
        return reverse("elections:trustee", args=[election.pk])

    return submitted(request, form, save, _("Your file is verified and published on the board.")) or render(
        request,
        "elections/manage/trustee.html",
        {
            "election": election,
            "trustee": trustee,
            "todo": todo,
            "step": ceremony.step(election),
            "step_label": ceremony.STEP_LABELS[ceremony.step(election)],
            "form": form,
            "trustees": election.trustees.order_by("index"),
        },
    )


urlpatterns = [
    path("", election_list, name="list"),
    path("new/", election_create, name="create"),
    path("<int:pk>/", election_detail, name="detail"),
    path("<int:pk>/edit/", election_edit, name="edit"),
    path("<int:pk>/phase/", phase_step, name="phase"),
    path("<int:pk>/commission/", commission_add, name="commission-add"),
    path("commission/<int:pk>/remove/", commission_remove, name="commission-remove"),
    path("<int:pk>/trustees/", trustee_add, name="trustee-add"),
    path("trustees/<int:pk>/remove/", trustee_remove, name="trustee-remove"),
    path("<int:pk>/candidates/new/", candidate_add, name="candidate-add"),
    path("<int:pk>/answers/new/", answer_add, name="answer-add"),
    path("candidates/<int:pk>/decide/", candidate_decide, name="candidate-decide"),
    path("<int:pk>/census.json", census_download, name="census-download"),
    path("<int:pk>/credentials/", credentials_upload, name="credentials-upload"),
    path("<int:pk>/trustee/", trustee_page, name="trustee"),
]
