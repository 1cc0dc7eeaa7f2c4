"""Staff pages of rural akim elections (/manage/akim/): the campaigns in scope, a campaign with its
nominee, events, other candidates and outcome, and the forms that change them.

Everything out of the user's scope is a 404; the forms only read input, the services check the
rules and the right, and their field errors come back on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amanat.akim.choices import CampaignStatus
from amanat.akim.filtersets import CampaignFilterSet
from amanat.akim.forms import CampaignForm, CandidateForm, EventForm, NomineeForm, OutcomeForm, TransitionForm
from amanat.akim.models import AkimCampaign
from amanat.akim.permissions import AkimAction
from amanat.akim.selectors import (
    MAX_ID,
    campaign_get,
    candidate_get,
    event_get,
    nominee_votes,
    second_round_pending,
    winner_offers,
)
from amanat.akim.services import activity
from amanat.akim.services import campaigns as services
from amanat.akim.workflow import TRANSITIONS
from amanat.core.exports import Column
from amanat.core.forms import submitted
from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action, need

A = AkimAction
S = CampaignStatus

CAMPAIGN_COLUMNS: list[Column] = [
    (gettext_lazy("Rural okrug"), "okrug"),
    (gettext_lazy("Election day"), "election_date"),
    (gettext_lazy("Branch"), "org_unit"),
    (gettext_lazy("Nominee"), "nominee"),
    (gettext_lazy("Status"), "status"),
]
STATUS_CSS = {
    S.PLANNING: "text-bg-light border",
    S.NOMINEE_CHOSEN: "text-bg-info",
    S.REGISTERED: "text-bg-primary",
    S.CAMPAIGNING: "text-bg-warning",
    S.RESULT: "text-bg-success",
    S.WITHDRAWN: "text-bg-secondary",
}
# The buttons of the named transitions a campaign page offers (the nominee and the result have forms).
TRANSITION_BUTTONS = {
    S.REGISTERED: gettext_lazy("Nominee registered"),
    S.CAMPAIGNING: gettext_lazy("Start campaigning"),
    S.PLANNING: gettext_lazy("Reconsider the nominee"),
    S.WITHDRAWN: gettext_lazy("Withdraw"),
}


def _form_page(request: HttpRequest, form: Any, *, title: str, cancel: str, intro: str = "") -> HttpResponse:
    return render(
        request, "akim/manage/form.html", {"form": form, "title": title, "cancel_url": cancel, "intro": intro}
    )


def _detail_url(campaign: AkimCampaign | int) -> str:
    return reverse("akim:detail", args=[getattr(campaign, "pk", campaign)])


def _fields_done(request: HttpRequest, form: Any, save: Callable[[], Any], done: str, to: str) -> HttpResponse | None:
    def run() -> str:
        save()
        return to

    return submitted(request, form, run, done)


class CampaignListView(ScopedListView):
    model = AkimCampaign
    action = A.VIEW
    filterset_class = CampaignFilterSet
    template_name = "akim/manage/list.html"
    export_columns = CAMPAIGN_COLUMNS
    export_filename = "akim-campaigns"

    def base_queryset(self) -> QuerySet[AkimCampaign]:
        return AkimCampaign.objects.select_related("org_unit", "okrug", "nominee__person").order_by(
            "-election_date", "pk"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_action(self.request.user, A.MANAGE)
        for campaign in context["object_list"]:
            campaign.css = STATUS_CSS.get(campaign.status, "")
        return context


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    can_manage = has_action(request.user, A.MANAGE, campaign.org_unit)
    buttons = [(to, label) for to, label in TRANSITION_BUTTONS.items() if to in TRANSITIONS[campaign.status]]
    return render(
        request,
        "akim/manage/detail.html",
        {
            "campaign": campaign,
            "css": STATUS_CSS.get(campaign.status, ""),
            "events": list(campaign.events.all()),
            "candidates": list(campaign.other_candidates.all()),
            "outcomes": list(campaign.outcomes.all()),
            "transitions": list(campaign.transitions.select_related("actor").order_by("at", "pk")),
            "can_manage": can_manage,
            "offers": winner_offers(campaign) if can_manage and campaign.status == S.PLANNING else [],
            "buttons": buttons if can_manage else [],
            "second_round": second_round_pending(campaign),
            "open": campaign.status != S.WITHDRAWN,
            "statuses": S,
            "candidate_form": CandidateForm(),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    need(request.user, A.MANAGE)
    form = CampaignForm(request.POST or None, user=request.user)

    def save() -> str:
        return _detail_url(services.campaign_create(actor=request.user, values=form.cleaned_data))

    if answer := submitted(request, form, save, _("The campaign was added.")):
        return answer
    intro = _("The party's campaign in one rural okrug: the election day and the registration period of candidates.")
    return _form_page(request, form, title=_("New akim election campaign"), cancel=reverse("akim:list"), intro=intro)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)

    def save() -> Any:
        return services.campaign_update(actor=request.user, campaign=campaign, values=form.cleaned_data)

    to = _detail_url(campaign)
    if answer := _fields_done(request, form, save, _("The campaign was saved."), to):
        return answer
    return _form_page(request, form, title=_("Edit %(campaign)s") % {"campaign": campaign}, cancel=to)


@login_required
@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    try:
        services.campaign_delete(actor=request.user, campaign=campaign)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(campaign))
    messages.success(request, _("The campaign was removed."))
    return redirect("akim:list")


@login_required
def nominee(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    initial = {name: getattr(campaign, name) for name in ("nominee_bio_kk", "nominee_bio_ru", "nominee_bio_en")}
    form = NomineeForm(request.POST or None, campaign=campaign, initial=initial)

    def save() -> Any:
        data = form.cleaned_data
        return services.campaign_choose_nominee(
            actor=request.user, campaign=campaign, values=data, note=data.get("note") or ""
        )

    to = _detail_url(campaign)
    done = _("The nominee was chosen.")
    if answer := _fields_done(request, form, save, done, to):
        return answer
    intro = _(
        "By an internal vote: choose the vote, whose winner is the nominee. By a decision: give the body, the date "
        "and the number of the decision."
    )
    return _form_page(request, form, title=_("Nominee for %(campaign)s") % {"campaign": campaign}, cancel=to,
                      intro=intro)  # fmt: skip


@login_required
@require_POST
def take_winner(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Take the winner of the internal vote" as the nominee."""
    campaign = campaign_get(request.user, pk, A.MANAGE)
    raw = request.POST.get("election") or ""
    election = nominee_votes(campaign).filter(pk=int(raw)).first() if raw.isdigit() and int(raw) <= MAX_ID else None
    if election is None:
        messages.error(request, _("Choose the internal vote."))
        return redirect(_detail_url(campaign))
    try:
        services.campaign_take_winner(actor=request.user, campaign=campaign, election=election)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(campaign))
    messages.success(request, _("The winner of the internal vote is the nominee."))
    return redirect(_detail_url(campaign))


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    form = TransitionForm(request.POST)
    to = _detail_url(campaign)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(to)
    data = form.cleaned_data
    try:
        services.campaign_transition(
            actor=request.user, campaign=campaign, to=data["to"], note=data.get("note") or "",
            registered_on=data.get("registered_on"),
        )  # fmt: skip
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(to)
    messages.success(request, _("The campaign's status was changed."))
    return redirect(to)


@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    form = EventForm(request.POST or None)

    def save() -> Any:
        return activity.event_create(actor=request.user, campaign=campaign, values=form.cleaned_data)

    to = _detail_url(campaign) + "#events"
    if answer := _fields_done(request, form, save, _("The event was added."), to):
        return answer
    return _form_page(request, form, title=_("New event of %(campaign)s") % {"campaign": campaign}, cancel=to)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk)
    form = EventForm(request.POST or None, instance=event)

    def save() -> Any:
        return activity.event_update(actor=request.user, event=event, values=form.cleaned_data)

    to = _detail_url(event.campaign_id) + "#events"
    if answer := _fields_done(request, form, save, _("The event was saved."), to):
        return answer
    return _form_page(request, form, title=_("Edit the event"), cancel=to,
                      intro=_("Record how many people came once the event has taken place."))  # fmt: skip


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk)
    try:
        activity.event_delete(actor=request.user, event=event)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The event was removed."))
    return redirect(_detail_url(event.campaign_id) + "#events")


@login_required
def candidate_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    form = CandidateForm(request.POST or None)

    def save() -> Any:
        data = form.cleaned_data
        return activity.candidate_create(
            actor=request.user, campaign=campaign, name=data["name"], nominated_by=data["nominated_by"],
            nominator=data["nominator"],
        )  # fmt: skip

    to = _detail_url(campaign) + "#candidates"
    if answer := _fields_done(request, form, save, _("The candidate was added."), to):
        return answer
    title = _("Other candidate in %(campaign)s") % {"campaign": campaign}
    return _form_page(request, form, title=title, cancel=to)


@login_required
@require_POST
def candidate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(request.user, pk)
    try:
        activity.candidate_delete(actor=request.user, candidate=candidate)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The candidate was removed from the list."))
    return redirect(_detail_url(candidate.campaign_id) + "#candidates")


@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk, A.MANAGE)
    round_ = 2 if request.GET.get("round") == "2" or second_round_pending(campaign) else 1
    current = {o.round: o for o in campaign.outcomes.all()}.get(round_)
    initial: dict[str, Any] = {"round": round_}
    if current is not None:
        fields = ("outcome", "votes_for_nominee", "votes_total", "turnout", "decided_on", "source")
        initial |= {name: getattr(current, name) for name in fields}
    form = OutcomeForm(request.POST or None, initial=initial)

    def save() -> Any:
        return activity.outcome_save(actor=request.user, campaign=campaign, values=form.cleaned_data)

    to = _detail_url(campaign) + "#outcome"
    if answer := _fields_done(request, form, save, _("The outcome was saved."), to):
        return answer
    title = _("Outcome of %(campaign)s") % {"campaign": campaign}
    intro = _("As the election commission announced it. A win or a loss completes the campaign.")
    return _form_page(request, form, title=title, cancel=to, intro=intro)


manage_urlpatterns = [
    path("", CampaignListView.as_view(), name="list"),
    path("new/", campaign_create, name="create"),
    path("<int:pk>/", campaign_detail, name="detail"),
    path("<int:pk>/edit/", campaign_edit, name="edit"),
    path("<int:pk>/delete/", campaign_delete, name="delete"),
    path("<int:pk>/nominee/", nominee, name="nominee"),
    path("<int:pk>/take-winner/", take_winner, name="take-winner"),
    path("<int:pk>/transition/", transition, name="transition"),
    path("<int:pk>/events/new/", event_create, name="event-create"),
    path("<int:pk>/candidates/new/", candidate_create, name="candidate-create"),
    path("<int:pk>/outcome/", outcome, name="outcome"),
    path("events/<int:pk>/edit/", event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", event_delete, name="event-delete"),
    path("candidates/<int:pk>/delete/", candidate_delete, name="candidate-delete"),
]
