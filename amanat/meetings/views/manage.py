"""Staff pages under /manage/meetings/: the month calendar (with a day/week list for phones), a
meeting's card with participants, agenda, decisions, raised issues, files and the protocol, the
forms, the phone-first page for entering raised issues, and calendar-feed links.

Reads need `meetings.view` on the meeting's unit, writes `meetings.manage` (raised issues:
`meetings.record_issues`); anything out of scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amanat.core.permissions import get_visible_or_404, has_action, need, units_for
from amanat.meetings import pdf, selectors
from amanat.meetings.choices import MeetingKind, MeetingStatus, Response
from amanat.meetings.forms import (
    AssignmentForm,
    AttendanceForm,
    FileForm,
    IssueForm,
    MeetingForm,
    ParticipantForm,
    ProtocolForm,
    TextForm,
)
from amanat.meetings.models import Decision, Meeting, MeetingFile, Participant, RaisedIssue
from amanat.meetings.permissions import MeetingAction
from amanat.meetings.services import feeds as feed_services
from amanat.meetings.services import issues as issue_services
from amanat.meetings.services import meetings as services
from amanat.meetings.workflow import Transition, allowed
from amanat.org.models import OrgUnit

VIEW, MANAGE = MeetingAction.VIEW, MeetingAction.MANAGE


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _chosen_unit(request: HttpRequest) -> OrgUnit:
    units = units_for(request.user, VIEW)
    raw = request.GET.get("unit")
    if raw:
        try:
            return units.get(pk=int(raw))
        except (ValueError, OrgUnit.DoesNotExist) as exc:
            raise Http404 from exc
    unit = units.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    return unit


def _chosen_kind(request: HttpRequest) -> str | None:
    kind = request.GET.get("kind") or None
    return kind if kind in MeetingKind.values else None


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A unit's month: a grid on wide screens, a list of the busy days on phones."""
    need(request.user, VIEW)
    unit = _chosen_unit(request)
    kind = _chosen_kind(request)
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    month_data = selectors.month_calendar(actor=request.user, unit=unit, year=year, month=month, kind=kind)
    context = {
        "unit": unit,
        "units": units_for(request.user, VIEW).order_by("path")[:500],
        "kind": kind or "",
        "kinds": MeetingKind.choices,
        "cal": month_data,
        "today": today,
        "may_manage": has_action(request.user, MANAGE),
        # Built once: a busy month has hundreds of links (reversing each costs more than the query).
        "detail_prefix": reverse("meetings:detail", args=[0])[: -len("0/")],
        "day_prefix": f"{reverse('meetings:day')}?unit={unit.pk}&kind={kind or ''}&date=",
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "meetings/calendar.html", context)


@login_required
def day_view(request: HttpRequest) -> HttpResponse:
    """All meetings of a day, or of a week (`days=7`), of the unit's subtree."""
    need(request.user, VIEW)
    unit = _chosen_unit(request)
    kind = _chosen_kind(request)
    try:
        first = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        first = timezone.localdate()
    days = 7 if request.GET.get("days") == "7" else 1
    context = {
        "unit": unit,
        "kind": kind or "",
        "first": first,
        "span": days,
        "days": selectors.day_list(actor=request.user, unit=unit, first=first, days=days, kind=kind),
        "previous": first - dt.timedelta(days=days),
        "next": first + dt.timedelta(days=days),
        "last": first + dt.timedelta(days=days - 1),
    }
    return render(request, "meetings/day.html", context)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    need(request.user, MANAGE)
    initial = {}
    if request.GET.get("date"):
        initial = {"starts_at": f"{request.GET['date']}T10:00", "ends_at": f"{request.GET['date']}T12:00"}
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": _("New meeting")})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    fields = [
        "kind",
        "title_kk",
        "title_ru",
        "starts_at",
        "ends_at",
        "territory",
        "address",
        "is_public",
        "chaired_by",
        "description",
    ]
    initial = {name: getattr(meeting, name) for name in fields}
    initial["org_unit"] = meeting.org_unit_id
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    initial["ends_at"] = timezone.localtime(meeting.ends_at)
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    form.fields["org_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, changes={name: form.cleaned_data[name] for name in fields}
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": _("Edit the meeting"), "meeting": meeting})


ASSIGNMENTS_ISSUE = "assignments.issue"
APPEALS_VIEW = "appeals.view"


def _attach_assignments(decisions: list[Decision]) -> None:
    """Each decision's assignments (with their counts of done and total), on `.assignments`."""
    try:
        from amanat.assignments.selectors import assignments_from
    except ImportError:
        assignments_from = None
    for decision in decisions:
        decision.assignments = list(assignments_from(decision)) if assignments_from else []


def may_assign(user: Any, meeting: Meeting) -> bool:
    """Whether the user may turn the meeting's decisions into assignments (the assignments
    module's own right on the meeting's branch)."""
    try:
        from amanat.assignments.services import assignment_issue  # noqa: F401
    except ImportError:
        return False
    return has_action(user, MANAGE, meeting.org_unit) and has_action(user, ASSIGNMENTS_ISSUE, meeting.org_unit)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    may_manage = has_action(request.user, MANAGE, meeting.org_unit)
    decisions = list(meeting.decisions.all())
    _attach_assignments(decisions)
    context = {
        "meeting": meeting,
        "may_manage": may_manage,
        "may_record": issue_services.may_record(request.user, meeting) and meeting.status != MeetingStatus.CANCELLED,
        "transitions": [(name, Transition(name).label) for name in allowed(meeting.status)] if may_manage else [],
        "participants": meeting.participants.select_related("user", "person"),
        "agenda": meeting.agenda.all(),
        "decisions": decisions,
        "may_assign": may_assign(request.user, meeting),
        "issues": meeting.issues.select_related("appeal").order_by("created_at", "pk"),
        # The appeals' texts and cards only for who may read appeals there; others see number and status.
        "may_see_appeals": has_action(request.user, APPEALS_VIEW, issue_services.appeal_unit(meeting)),
        "files": meeting.files.all(),
        "history": meeting.transitions.select_related("actor"),
        "my_invitation": meeting.participants.filter(user=request.user, response=Response.PENDING).first(),
        "participant_form": ParticipantForm(meeting=meeting) if may_manage else None,
        "attendance_form": AttendanceForm(
            meeting=meeting,
            initial={
                "attendance_count": meeting.attendance_count,
                "present": [p.pk for p in meeting.participants.all() if p.attended],
            },
        )
        if may_manage
        else None,
        "agenda_form": TextForm(with_speaker=True, prefix="agenda") if may_manage else None,
        "decision_form": TextForm(prefix="decision") if may_manage else None,
        "file_form": FileForm() if may_manage else None,
        "protocol_form": ProtocolForm(
            initial={
                "protocol_number": meeting.protocol_number,
                "protocol_language": meeting.protocol_language,
                "chaired_by": meeting.chaired_by,
                "protocol_notes": meeting.protocol_notes,
            }
        )
        if may_manage
        else None,
    }
    return render(request, "meetings/detail.html", context)


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else ""))


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def meeting_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    try:
        services.meeting_transition(
            actor=request.user, meeting=meeting, transition=name, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The meeting's status is changed."))
    return _back(meeting)


@login_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    try:
        services.meeting_delete(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return _back(meeting)
    messages.success(request, _("The meeting is deleted."))
    return redirect("meetings:calendar")


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    form = ParticipantForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.participant_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The participant is added."))
    else:
        messages.error(request, _("Please correct the errors below."))
    return _back(meeting, "participants")


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    participant = get_object_or_404(Participant.objects.select_related("meeting"), pk=pk, user=request.user)
    if answer not in ("accept", "decline"):
        raise Http404
    try:
        services.invitation_answer(actor=request.user, participant=participant, accept=answer == "accept")
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Your answer is sent."))
    if has_action(request.user, VIEW, participant.meeting.org_unit):
        return _back(participant.meeting)
    return redirect("meetings:invitations")


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The meetings I am invited to (a deputy or an official may see no calendar at all)."""
    rows = (
        Participant.objects.filter(user=request.user, meeting__deleted_at__isnull=True)
        .select_related("meeting", "meeting__territory")
        .order_by("-meeting__starts_at")[:100]
    )
    return render(request, "meetings/invitations.html", {"rows": rows})


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    form = AttendanceForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.attendance_record(
                actor=request.user,
                meeting=meeting,
                count=form.cleaned_data["attendance_count"],
                present=[p.pk for p in form.cleaned_data["present"]],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Attendance is saved."))
    else:
        messages.error(request, _("Please correct the errors below."))
    return _back(meeting, "attendance")


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    try:
        services.agenda_add(
            actor=request.user,
            meeting=meeting,
            text=request.POST.get("agenda-text", ""),
            speaker=request.POST.get("agenda-speaker", ""),
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back(meeting, "agenda")


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    try:
        services.decision_add(actor=request.user, meeting=meeting, text=request.POST.get("decision-text", ""))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back(meeting, "decisions")


@login_required
@require_POST
def protocol_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    form = ProtocolForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, changes=form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The protocol is saved."))
    return _back(meeting, "protocol")


@login_required
def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    lang = request.GET.get("lang") or meeting.protocol_language
    content = pdf.protocol_pdf(meeting, lang=lang)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protocol-{meeting.pk}-{pdf.language(lang)}.pdf"'
    return response


@login_required
@require_POST
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.user, pk=pk, action=MANAGE)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_add(actor=request.user, meeting=meeting, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The file is added."))
    else:
        messages.error(request, _("Choose a file."))
    return _back(meeting, "files")


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_visible_or_404(
        Participant.objects.select_related("meeting__org_unit"), request.user, MANAGE, pk=pk
    )
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The participant is removed from the list."))
    return _back(participant.meeting, "participants")


@login_required
@require_POST
def file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(MeetingFile.objects.select_related("meeting__org_unit"), request.user, MANAGE, pk=pk)
    services.file_remove(actor=request.user, item=item)
    messages.success(request, _("The file is removed."))
    return _back(item.meeting, "files")


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_visible_or_404(MeetingFile.objects.select_related("meeting"), request.user, VIEW, pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


@login_required
def issues(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter raised issues one by one, phone first: "Save and next" keeps the page for the next."""
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    if not issue_services.may_record(request.user, meeting):
        raise Http404
    lang = "kk" if (request.LANGUAGE_CODE or "").startswith("kk") else "ru"
    form = IssueForm(request.POST or None, meeting=meeting, initial={"language": lang})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = issue_services.raised_issue_record(
                actor=request.user,
                meeting=meeting,
                text=data["text"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                is_collective=data["is_collective"],
                signatories=data["signatories"] or 1,
                category=data["category"],
                territory=data["territory"],
                appeal_type=data["appeal_type"],
                language=data["language"],
                idempotency_key=data["key"] or None,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Saved as appeal %(number)s.") % {"number": issue.appeal.number})
            if "finish" in request.POST:
                return _back(meeting, "issues")
            return redirect("meetings:issues", meeting.pk)
    recorded = meeting.issues.select_related("appeal").order_by("-created_at", "-pk")
    return render(request, "meetings/issues.html", {"meeting": meeting, "form": form, "recorded": recorded})


@login_required
def decision_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Make an assignment from a decision, through the assignments module's own service."""
    decision = get_visible_or_404(
        Decision.objects.select_related("meeting", "meeting__org_unit"), request.user, MANAGE, pk=pk
    )
    meeting = decision.meeting
    if not may_assign(request.user, meeting):
        raise Http404
    try:
        from amanat.assignments.choices import ControlLevel
        from amanat.assignments.services import assignment_issue
    except ImportError as exc:
        raise Http404 from exc
    form = AssignmentForm(
        request.POST or None,
        meeting=meeting,
        control_levels=list(ControlLevel.choices),
        initial={"title": decision.text[:120], "text": decision.text},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment_issue(
                actor=request.user,
                org_unit=meeting.org_unit,
                title=data["title"],
                text=data["text"],
                deadline=data["deadline"],
                deadline_days=data["deadline_days"],
                control_level=data["control_level"],
                unit_recipients=list(data["unit_recipients"]),
                user_recipients=list(data["user_recipients"]),
                source=decision,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The assignment is issued."))
            return _back(meeting, "decisions")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("Assignment from a decision"), "meeting": meeting, "intro": decision.text},
    )


@login_required
@require_POST
def feed_link(request: HttpRequest) -> HttpResponse:
    """Make (or show again) my secret link to the unit's calendar, for a calendar app."""
    unit = get_object_or_404(units_for(request.user, VIEW), pk=request.POST.get("unit") or 0)
    feed = feed_services.feed_for(actor=request.user, org_unit=unit)
    url = request.build_absolute_uri(reverse("meetings:feed", args=[feed.token]))
    messages.info(request, _("Subscribe your calendar app to this link (keep it secret): %(url)s") % {"url": url})
    return redirect(f"{reverse('meetings:calendar')}?unit={unit.pk}")


def issue_rows(meeting: Meeting) -> Any:
    return RaisedIssue.objects.filter(meeting=meeting).select_related("appeal")
