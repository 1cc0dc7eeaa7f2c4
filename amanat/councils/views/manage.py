"""Staff pages under /manage/councils/: the councils list, a council's card (members, sessions,
recommendations), forms for members and their terms, sessions and attendance, a recommendation's
card where each next step of its life is taken (votes, decision, sending, response, follow-up,
implementation, assessment), and the overview of recommendations with the overdue first.

Reads need `councils.view` on the council's branch, writes `councils.manage`; anything out of
scope answers 404. Forms only read input; the services' field errors come back beside the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.core.forms import submitted
from amanat.core.lists import ScopedListView
from amanat.core.permissions import get_visible_or_404, has_action, need
from amanat.councils import forms as cf
from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.filtersets import CouncilFilterSet, RecommendationFilterSet
from amanat.councils.models import Council, CouncilMember, CouncilSession, Recommendation
from amanat.councils.permissions import CouncilAction
from amanat.councils.selectors import REC_JOINS, overdue_q, serving_q
from amanat.councils.services import councils as council_services
from amanat.councils.services import recommendations as rec_services

VIEW, MANAGE = CouncilAction.VIEW, CouncilAction.MANAGE


# Helpers


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, cancel: str, intro: str = "", council: Any = None
) -> HttpResponse:
    return render(
        request,
        "councils/manage/form.html",
        {"form": form, "title": title, "cancel_url": cancel, "intro": intro, "council": council},
    )


def _council_url(council: Council) -> str:
    return reverse("councils:detail", args=[council.pk])


def _session_url(session: CouncilSession) -> str:
    return reverse("councils:session-detail", args=[session.pk])


def _rec_url(rec: Recommendation) -> str:
    return reverse("councils:recommendation-detail", args=[rec.pk])


# Councils


class CouncilListView(ScopedListView):
    model = Council
    action = VIEW
    filterset_class = CouncilFilterSet
    template_name = "councils/manage/council_list.html"
    export_filename = "councils"
    export_columns = (
        (gettext_lazy("Council"), "title"),
        (gettext_lazy("Party branch"), "org_unit"),
        (gettext_lazy("At the state body"), "state_body"),
        (gettext_lazy("Members serving"), "serving"),
        (gettext_lazy("Recommendations"), "recommendation_count"),
        (gettext_lazy("No response past the deadline"), "overdue_count"),
    )

    def base_queryset(self) -> Any:
        today = timezone.localdate()
        return (
            Council.objects.select_related("org_unit", "state_body")
            .annotate(
                serving=Count("members", filter=serving_q(today, prefix="members__"), distinct=True),
                recommendation_count=Count("recommendations", distinct=True),
                overdue_count=Count(
                    "recommendations",
                    filter=Q(recommendations__status=S.SENT, recommendations__response_deadline__lt=today),
                    distinct=True,
                ),
            )
            .order_by("org_unit__path", "id")
        )  # fmt: skip

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_action(self.request.user, MANAGE)
        return context


@login_required
def council_create(request: HttpRequest) -> HttpResponse:
    need(request.user, MANAGE)
    form = cf.CouncilForm(request.POST or None, user=request.user, initial={"is_public": True})

    def save() -> str:
        return _council_url(council_services.council_create(actor=request.user, **form.cleaned_data))

    if answer := submitted(request, form, save, _("The council was created.")):
        return answer
    return _form_page(request, form, title=_("New public council"), cancel=reverse("councils:list"))


@login_required
def council_edit(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_visible_or_404(Council.objects.all(), request.user, MANAGE, pk=pk)
    initial = {name: getattr(council, name) for name in council_services.COUNCIL_FIELDS}
    form = cf.CouncilForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        council_services.council_update(actor=request.user, council=council, values=form.cleaned_data)
        return _council_url(council)

    if answer := submitted(request, form, save, _("The council was saved.")):
        return answer
    return _form_page(request, form, title=_("Edit the council"), cancel=_council_url(council), council=council)


@login_required
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_visible_or_404(Council.objects.select_related("org_unit", "state_body"), request.user, VIEW, pk=pk)
    today = timezone.localdate()
    members = list(council.members.select_related("person"))
    for member in members:
        member.serving = member.serves_on(today)
    sessions = council.sessions.annotate(present_count=Count("attendees", distinct=True)).order_by("-starts_at")
    recs = council.recommendations.select_related("session", "addressee_body").order_by("-session__starts_at", "id")
    return render(
        request,
        "councils/manage/council_detail.html",
        {
            "council": council,
            "members": [m for m in members if m.serving],
            "former": [m for m in members if not m.serving],
            "sessions": sessions,
            "recommendations": recs,
            "today": today,
            "can_manage": has_action(request.user, MANAGE, council.org_unit),
        },
    )


# Members


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_visible_or_404(Council.objects.all(), request.user, MANAGE, pk=pk)
    form = cf.MemberForm(request.POST or None, user=request.user, initial={"term_start": timezone.localdate()})

    def save() -> str:
        council_services.member_add(actor=request.user, council=council, **form.cleaned_data)
        return _council_url(council)

    if answer := submitted(request, form, save, _("The member was added.")):
        return answer
    return _form_page(request, form, title=_("Add a member to %(council)s") % {"council": council.title},
                      cancel=_council_url(council), council=council)  # fmt: skip


@login_required
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(CouncilMember.objects.select_related("council"), request.user, MANAGE, pk=pk)
    form = cf.EndTermForm(request.POST or None, initial={"ended_on": timezone.localdate()})

    def save() -> str:
        council_services.member_end_term(actor=request.user, member=member, **form.cleaned_data)
        return _council_url(member.council)

    if answer := submitted(request, form, save, _("The member's term was ended.")):
        return answer
    return _form_page(request, form, title=_("End the term of %(name)s") % {"name": member.full_name},
                      intro=_("From the day after this date the member cannot vote."),
                      cancel=_council_url(member.council), council=member.council)  # fmt: skip


# Sessions


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_visible_or_404(Council.objects.all(), request.user, MANAGE, pk=pk)
    form = cf.SessionForm(request.POST or None)

    def save() -> str:
        return _session_url(council_services.session_create(actor=request.user, council=council, **form.cleaned_data))

    if answer := submitted(request, form, save, _("The session was added.")):
        return answer
    return _form_page(request, form, title=_("New session of %(council)s") % {"council": council.title},
                      cancel=_council_url(council), council=council)  # fmt: skip


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(CouncilSession.objects.select_related("council"), request.user, MANAGE, pk=pk)
    initial = {name: getattr(session, name) for name in council_services.SESSION_FIELDS}
    for name in ("starts_at", "ends_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    form = cf.SessionForm(request.POST or None, initial=initial)

    def save() -> str:
        council_services.session_update(actor=request.user, session=session, values=form.cleaned_data)
        return _session_url(session)

    if answer := submitted(request, form, save, _("The session was saved.")):
        return answer
    return _form_page(request, form, title=_("Edit session No. %(number)s") % {"number": session.number},
                      cancel=_session_url(session), council=session.council)  # fmt: skip


def _session_page(request: HttpRequest, session: CouncilSession, attendance: Any = None) -> HttpResponse:
    council = session.council
    can_manage = has_action(request.user, MANAGE, council.org_unit)
    day = council_services.session_day(session)
    if attendance is None and can_manage:
        attendance = cf.AttendanceForm(
            session=session, initial={"members": list(session.attendees.all()), "guests": session.guests}
        )
    if attendance is not None:
        serving = {m.pk for m in council.members.filter(serving_q(day))}
        attendance.fields["members"].queryset = council.members.filter(
            Q(pk__in=serving) | Q(pk__in=session.attendees.values("pk"))
        )
    return render(
        request,
        "councils/manage/session_detail.html",
        {
            "session": session,
            "council": council,
            "attendees": session.attendees.all(),
            "recommendations": session.recommendations.select_related("addressee_body"),
            "attendance": attendance,
            "can_manage": can_manage,
        },
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(CouncilSession.objects.select_related("council__org_unit"), request.user, VIEW, pk=pk)
    return _session_page(request, session)


@login_required
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(
        CouncilSession.objects.select_related("council__org_unit"), request.user, MANAGE, pk=pk
    )
    if request.method != "POST":
        return redirect(_session_url(session))
    form = cf.AttendanceForm(request.POST, session=session)

    def save() -> str:
        council_services.attendance_record(
            actor=request.user,
            session=session,
            members=form.cleaned_data["members"],
            guests=form.cleaned_data["guests"],
        )
        return _session_url(session)

    if answer := submitted(request, form, save, _("The attendance was saved.")):
        return answer
    return _session_page(request, session, attendance=form)


@login_required
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(CouncilSession.objects.select_related("council"), request.user, MANAGE, pk=pk)
    form = cf.RecommendationForm(request.POST or None, initial={"response_days": rec_services.DEFAULT_RESPONSE_DAYS})

    def save() -> str:
        return _rec_url(rec_services.recommendation_draft(actor=request.user, session=session, **form.cleaned_data))

    if answer := submitted(request, form, save, _("The draft recommendation was added; record the votes next.")):
        return answer
    return _form_page(request, form, title=_("New recommendation at session No. %(number)s") % {"number": session.number},
                      intro=_("The response term is counted in working days from the day it is sent."),
                      cancel=_session_url(session), council=session.council)  # fmt: skip


# Recommendations


class RecommendationListView(ScopedListView):
    """Every recommendation in scope: those past their response deadline first."""

    model = Recommendation
    action = VIEW
    filterset_class = RecommendationFilterSet
    template_name = "councils/manage/recommendation_list.html"
    export_filename = "council-recommendations"
    export_columns = (
        (gettext_lazy("Council"), "council.title"),
        (gettext_lazy("Session"), lambda r: r.session.number),
        (gettext_lazy("Adopted on"), "decided_on"),
        (gettext_lazy("Recommendation"), "text"),
        (gettext_lazy("Addressee"), "addressee_body"),
        (gettext_lazy("Addressee official"), "addressee_official"),
        (gettext_lazy("Status"), "status"),
        (gettext_lazy("Sent on"), "sent_on"),
        (gettext_lazy("Response due"), "response_deadline"),
        (gettext_lazy("Response"), "response_kind"),
        (gettext_lazy("Reasons"), "response_reasons"),
        (gettext_lazy("Response received on"), "response_on"),
        (gettext_lazy("Council's assessment"), "assessment"),
    )

    def base_queryset(self) -> Any:
        rank = Case(
            When(overdue_q(), then=Value(0)),
            When(status=S.SENT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            Recommendation.objects.select_related(*REC_JOINS)
            .annotate(rank=rank)
            .order_by("rank", "response_deadline", "-id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


STEPS = ("votes", "decide", "send", "respond", "progress", "implementation", "assess")


def _step_forms(rec: Recommendation, data: Any = None, step: str = "") -> dict[str, forms.Form]:
    """The forms of the steps open at the recommendation's stage (`data` binds the one posted)."""
    today = timezone.localdate()

    def bound(name: str) -> Any:
        return data if step == name else None

    found: dict[str, forms.Form] = {}
    if rec.status == S.DRAFT:
        voted = set(rec.votes.values_list("member_id", flat=True))
        waiting = [m for m in rec.session.attendees.all() if m.pk not in voted]
        if waiting:
            found["votes"] = cf.VotesForm(bound("votes"), members=waiting, prefix="votes")
        found["decide"] = forms.Form(bound("decide"), prefix="decide")
    elif rec.status == S.ADOPTED:
        found["send"] = cf.SendForm(bound("send"), initial={"sent_on": today}, prefix="send")
    elif rec.status == S.SENT:
        found["respond"] = cf.ResponseForm(bound("respond"), initial={"received_on": today}, prefix="respond")
    elif rec.status == S.ANSWERED:
        found["implementation"] = cf.ImplementationForm(bound("implementation"), initial={"on": today},
                                                        prefix="implementation")  # fmt: skip
    elif rec.status in (S.IMPLEMENTED, S.NOT_IMPLEMENTED):
        found["assess"] = cf.AssessmentForm(bound("assess"), initial={"on": today}, prefix="assess")
    if rec.status in rec_services.FOLLOW_UP:
        found["progress"] = cf.ProgressForm(bound("progress"), initial={"noted_on": today}, prefix="progress")
    return found


def _rec_page(
    request: HttpRequest, rec: Recommendation, step_forms: dict[str, forms.Form] | None = None
) -> HttpResponse:
    can_manage = has_action(request.user, MANAGE, rec.council.org_unit)
    if step_forms is None:
        step_forms = _step_forms(rec) if can_manage else {}
    return render(
        request,
        "councils/manage/recommendation_detail.html",
        {
            "rec": rec,
            "council": rec.council,
            "votes": rec.votes.select_related("member"),
            "events": rec.events.select_related("actor"),
            "notes": rec.progress_notes.select_related("author"),
            "forms": step_forms,
            "can_manage": can_manage,
        },
    )


@login_required
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_visible_or_404(Recommendation.objects.select_related(*REC_JOINS), request.user, VIEW, pk=pk)
    return _rec_page(request, rec)


DONE_MESSAGES = {
    "votes": gettext_lazy("The votes were recorded."),
    "decide": gettext_lazy("The votes were counted and the decision recorded."),
    "send": gettext_lazy("The recommendation was sent; the response deadline is set."),
    "respond": gettext_lazy("The response was recorded."),
    "progress": gettext_lazy("The progress note was added."),
    "implementation": gettext_lazy("The implementation was recorded."),
    "assess": gettext_lazy("The council's assessment was recorded."),
}


@login_required
def recommendation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """POST one step of the recommendation's life; GET shows its card."""
    rec = get_visible_or_404(Recommendation.objects.select_related(*REC_JOINS), request.user, MANAGE, pk=pk)
    if step not in STEPS:
        raise Http404
    if request.method != "POST":
        return redirect(_rec_url(rec))
    step_forms = _step_forms(rec, request.POST, step)
    form = step_forms.get(step)
    if form is None:
        messages.error(request, _("This step is not possible at the recommendation's current stage."))
        return redirect(_rec_url(rec))
    user = request.user

    def save() -> str:
        data = form.cleaned_data
        if step == "votes":
            votes = form.votes()  # type: ignore[attr-defined]
            if not votes:
                raise ValidationError(_("Choose a vote for at least one member."))
            rec_services.votes_record(actor=user, recommendation=rec, votes=votes)
        elif step == "decide":
            rec_services.recommendation_decide(actor=user, recommendation=rec)
        elif step == "send":
            rec_services.recommendation_send(actor=user, recommendation=rec, sent_on=data["sent_on"])
        elif step == "respond":
            rec_services.recommendation_respond(actor=user, recommendation=rec, **data)
        elif step == "progress":
            rec_services.progress_note_add(actor=user, recommendation=rec, **data)
        elif step == "implementation":
            rec_services.recommendation_implementation(actor=user, recommendation=rec, **data)
        else:
            rec_services.recommendation_assess(actor=user, recommendation=rec, **data)
        return _rec_url(rec)

    if answer := submitted(request, form, save, str(DONE_MESSAGES[step])):
        return answer
    return _rec_page(request, rec, step_forms)


urlpatterns = [
    path("", CouncilListView.as_view(), name="list"),
    path("new/", council_create, name="create"),
    path("<int:pk>/", council_detail, name="detail"),
    path("<int:pk>/edit/", council_edit, name="edit"),
    path("<int:pk>/members/new/", member_add, name="member-add"),
    path("members/<int:pk>/end/", member_end, name="member-end"),
    path("<int:pk>/sessions/new/", session_create, name="session-create"),
    path("sessions/<int:pk>/", session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", session_edit, name="session-edit"),
    path("sessions/<int:pk>/attendance/", session_attendance, name="session-attendance"),
    path("sessions/<int:pk>/recommendations/new/", recommendation_create, name="recommendation-create"),
    path("recommendations/", RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/<int:pk>/", recommendation_detail, name="recommendation-detail"),
    path("recommendations/<int:pk>/<slug:step>/", recommendation_step, name="recommendation-step"),
]
