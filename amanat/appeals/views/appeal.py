"""The appeal page and its steps: everything about one appeal, and the actions this user may take.

Each step has its own page (works without JavaScript) with a form that carries the appeal's
version: when two operators act at once the second is told, and what they typed is shown again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amanat.accounts.models import User
from amanat.accounts.permissions import AccountsAction
from amanat.appeals import pdf
from amanat.appeals.choices import (
    OPEN_STATUSES,
    AppealStatus,
    AttachmentKind,
    Channel,
    DismissalGround,
    Language,
    LinkKind,
    Solved,
)
from amanat.appeals.forms.staff import STEP_FORMS, AssignForm, LinkForm, ReviewForm, StepForm
from amanat.appeals.models import Appeal, AppealEvent
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeal_get, appeals_for
from amanat.appeals.services.deadlines import clock_of
from amanat.appeals.services.feedback import appeal_review
from amanat.appeals.services.intake import attachment_add
from amanat.appeals.services.transitions import (
    AppealConflictError,
    actions_for,
    appeal_assign,
    appeal_link,
    appeal_reveal_iin,
    appeal_transition,
    can_act,
)
from amanat.appeals.workflow import Transition, can_transition
from amanat.core.forms import add_service_errors
from amanat.core.permissions import has_action, need
from amanat.org.models import OrgUnit, StateBody

# --- the timeline, readable ------------------------------------------------------------------

EVENT_LABELS = {
    "registered": gettext_lazy("Registered"),
    "assigned": gettext_lazy("Executor assigned"),
    "linked": gettext_lazy("Linked to another appeal"),
    "rated": gettext_lazy("Rated by the applicant"),
    "reviewed": gettext_lazy("Reviewed by party control"),
    "reminder": gettext_lazy("Reminder to the executor"),
    "escalated": gettext_lazy("Escalated"),
    "escalation": gettext_lazy("Escalated"),
    **{t.value: t.label for t in Transition},
}

ICONS = {
    "registered": "inbox",
    "assigned": "person-check",
    "take": "play-circle",
    "forward": "send",
    "body_answered": "envelope-open",
    "pause": "pause-circle",
    "resume": "play-circle",
    "extend": "hourglass-split",
    "answer": "chat-left-text",
    "close": "check-circle",
    "dismiss": "x-circle",
    "withdraw": "arrow-return-left",
    "reopen": "arrow-counterclockwise",
    "merge": "union",
    "linked": "link-45deg",
    "rated": "star",
    "reviewed": "clipboard-check",
}


def _date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def _yes(value: Any) -> str:
    return _("yes") if value else _("no")


def _choice(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def _timeline(appeal: Appeal) -> list[dict[str, Any]]:
    """Every step with who, when, its label, the reason and its data as a person reads it."""
    events = list(appeal.events.select_related("actor").order_by("at", "id"))
    user_ids, body_ids, unit_ids = set(), set(), set()
    for event in events:
        data = event.data or {}
        for key in ("executor", "previous"):
            if event.kind == "assigned" and isinstance(data.get(key), int):
                user_ids.add(data[key])
        if isinstance(data.get("state_body"), int):
            body_ids.add(data["state_body"])
        if event.kind == "registered" and isinstance(data.get("unit"), int):
            unit_ids.add(data["unit"])
    users = {u.pk: u.full_name for u in User.objects.filter(pk__in=user_ids).only("full_name")}
    bodies = {b.pk: str(b) for b in StateBody.objects.filter(pk__in=body_ids)}
    units = {u.pk: str(u) for u in OrgUnit.objects.filter(pk__in=unit_ids)}
    return [_describe(event, users=users, bodies=bodies, units=units) for event in events]


def _describe(event: AppealEvent, *, users: dict, bodies: dict, units: dict) -> dict[str, Any]:
    data = event.data or {}
    rows: list[tuple[str, str]] = []
    kind = event.kind
    if kind == "registered":
        if data.get("channel"):
            rows.append((_("Channel"), _choice(Channel, data["channel"])))
        if data.get("unit") in units:
            rows.append((_("Responsible unit"), units[data["unit"]]))
    elif kind == "assigned":
        rows.append((_("Executor"), users.get(data.get("executor"), "—")))
        if data.get("previous"):
            rows.append((_("Previous executor"), users.get(data["previous"], "—")))
    elif kind == Transition.FORWARD:
        rows.append((_("State body"), bodies.get(data.get("state_body"), "—")))
        if data.get("number"):
            rows.append((_("Outgoing No."), data["number"]))
        if data.get("date"):
            rows.append((_("Forwarded on"), _date(data["date"])))
        if data.get("late"):
            rows.append((_("Forwarded later than the rules allow"), _yes(True)))
    elif kind == Transition.BODY_ANSWERED:
        if data.get("number"):
            rows.append((_("State body's answer No."), data["number"]))
        if data.get("date"):
            rows.append((_("Answered on"), _date(data["date"])))
        if data.get("summary"):
            rows.append((_("Summary"), data["summary"]))
    elif kind == Transition.EXTEND:
        if data.get("extended_to"):
            rows.append((_("New deadline"), _date(data["extended_to"])))
        if data.get("previous"):
            rows.append((_("Previous deadline"), _date(data["previous"])))
    elif kind == Transition.ANSWER:
        if data.get("language"):
            rows.append((_("Language"), _choice(Language, data["language"])))
        if "on_time" in data:
            rows.append((_("Within the deadline"), _yes(data["on_time"])))
    elif kind == Transition.DISMISS:
        rows.append((_("Legal ground"), _choice(DismissalGround, data.get("ground", ""))))
    elif kind == Transition.MERGE:
        rows.append((_("Merged into"), data.get("into_number", "—")))
    elif kind == "linked":
        rows.append((_("Appeal"), data.get("number", "—")))
        rows.append((_("Link"), _choice(LinkKind, data.get("kind", ""))))
    elif kind == "rated":
        rows.append((_("Rating"), f"{data.get('rating', '—')}/5"))
        rows.append((_("Was it solved?"), _choice(Solved, data.get("solved", ""))))
        if data.get("review"):
            rows.append((_("Sent to control review"), _yes(True)))
    elif kind == "reviewed":
        rows.append((_("Decision"), _("reopened") if data.get("reopen") else _("answer confirmed")))
    else:
        rows.extend(
            (key.replace("_", " ").capitalize(), str(value))
            for key, value in data.items()
            if isinstance(value, str | int | float) and not isinstance(value, bool)
        )
    return {
        "event": event,
        "label": EVENT_LABELS.get(kind, kind.replace("_", " ").capitalize()),
        "icon": ICONS.get(kind, "dot"),
        "rows": rows,
    }


# --- the page --------------------------------------------------------------------------------


def _may_see_applicant(user: Any, appeal: Appeal) -> bool:
    return has_action(user, AppealAction.VIEW_APPLICANT, appeal.org_unit) or appeal.executor_id == user.pk


def _deadline_info(appeal: Appeal) -> dict[str, Any]:
    clock = clock_of(appeal)
    remaining = clock.remaining() if appeal.status in OPEN_STATUSES else None
    return {
        "clock": clock,
        "remaining": remaining,
        "overdue": remaining is not None and remaining < 0 and clock.deadline is not None,
        "overdue_by": -remaining if remaining is not None and remaining < 0 else 0,
        "paused": clock.paused_since is not None and appeal.status == AppealStatus.PAUSED,
    }


def _linked(user: Any, appeal: Appeal) -> list[dict[str, Any]]:
    rows = [
        {"appeal": link.to_appeal, "kind": link.get_kind_display(), "direction": "out"}
        for link in appeal.links_out.select_related("to_appeal")
    ] + [
        {"appeal": link.from_appeal, "kind": link.get_kind_display(), "direction": "in"}
        for link in appeal.links_in.select_related("from_appeal")
    ]
    if appeal.duplicate_of_id:
        rows.append({"appeal": appeal.duplicate_of, "kind": _("merged into"), "direction": "out"})
    if appeal.parent_id:
        rows.append({"appeal": appeal.parent, "kind": _("split from"), "direction": "out"})
    rows += [{"appeal": child, "kind": _("split off"), "direction": "in"} for child in appeal.children.all()]
    seen: set[tuple[int, str]] = set()
    unique = []
    for row in rows:
        key = (row["appeal"].pk, str(row["kind"]))
        if key not in seen:
            seen.add(key)
            unique.append(row)
    ids = [r["appeal"].pk for r in unique]
    visible = set(appeals_for(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for row in unique:
        row["visible"] = row["appeal"].pk in visible
    return unique


def _context(request: HttpRequest, appeal: Appeal, **extra: Any) -> dict[str, Any]:
    user = request.user
    unit = appeal.org_unit
    answers = list(appeal.answers.select_related("signed_by").order_by("created_at", "id"))
    feedback = {f.answer_id: f for f in appeal.feedback.select_related("reviewed_by")}
    for answer in answers:
        answer.verdict = feedback.get(answer.pk)
    body_answer = next(
        (e for e in reversed(list(appeal.events.filter(kind=Transition.BODY_ANSWERED).order_by("at", "id")))), None
    )
    is_open = appeal.status in OPEN_STATUSES
    coupon_now = request.session.pop("appeals:open-coupon", None) == appeal.pk
    return {
        "appeal": appeal,
        **_deadline_info(appeal),
        "attachments": list(appeal.attachments.select_related("uploaded_by")),
        "can_see_applicant": _may_see_applicant(user, appeal),
        "can_reveal": bool(appeal.applicant_iin_tail) and has_action(user, AppealAction.VIEW_IIN, unit),
        "answers": answers,
        "body_answer": body_answer,
        "linked": _linked(user, appeal),
        "timeline": _timeline(appeal),
        "actions": actions_for(user, appeal),
        "can_assign": is_open and has_action(user, AppealAction.ASSIGN, unit),
        "can_link": has_action(user, AppealAction.MERGE, unit),
        "can_review": appeal.needs_review and has_action(user, AppealAction.REVIEW, unit),
        "show_history": has_action(user, AccountsAction.VIEW_AUDIT, unit),
        "open_coupon": coupon_now,
        **extra,
    }


def _get(user: Any, pk: int) -> Appeal:
    appeal = appeal_get(user, pk)
    # The page also shows who accepted it and what it was split from.
    return Appeal.objects.select_related(
        "org_unit", "category", "territory", "executor", "state_body", "duplicate_of", "parent", "accepted_by"
    ).get(pk=appeal.pk)


@login_required
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _get(request.user, pk)
    return render(request, "appeals/appeal/detail.html", _context(request, appeal))


@never_cache
@login_required
@require_POST
def reveal_iin(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's whole IIN, for a holder of appeals.view_iin; every view is audited."""
    appeal = _get(request.user, pk)
    need(request.user, AppealAction.VIEW_IIN, appeal.org_unit)
    iin = appeal_reveal_iin(appeal=appeal, actor=request.user)
    if request.htmx:
        return render(request, "appeals/appeal/_iin.html", {"appeal": appeal, "revealed_iin": iin, "can_reveal": True})
    return render(request, "appeals/appeal/detail.html", _context(request, appeal, revealed_iin=iin))


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    appeal = appeal_get(request.user, pk)
    attachment = appeal.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_GET
def answer_pdf(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """The answer letter; the addressee's name and address only for those who may see them."""
    appeal = _get(request.user, pk)
    answer = appeal.answers.select_related("signed_by").filter(pk=answer_pk).first()
    if answer is None:
        raise Http404
    answer.appeal = appeal
    content = pdf.answer_letter_pdf(answer, public=not _may_see_applicant(request.user, appeal))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"answer-{appeal.number}.pdf")
    return response


# --- steps -------------------------------------------------------------------------------------


def _step_page(
    request: HttpRequest,
    appeal: Appeal,
    form_class: type[StepForm],
    act: Callable[[Appeal, StepForm], Any],
    *,
    title: Any,
    name: str,
    done: Any,
    blocked: str = "",
) -> HttpResponse:
    """Show a step's form; on POST make the step. A conflict keeps what the user typed and gives
    the form the current version, so that after a look at the appeal they can send it again."""
    form = form_class(request.POST or None, request.FILES or None, appeal=appeal, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                act(appeal, form)
        except AppealConflictError as exc:
            appeal = _get(request.user, appeal.pk)
            data = request.POST.copy()
            data["version"] = str(appeal.version)
            form = form_class(data, appeal=appeal, user=request.user)
            form.is_valid()
            form.add_error(None, exc)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("appeals:detail", pk=appeal.pk)
    context = {
        "appeal": appeal,
        "form": form,
        "title": title,
        "name": name,
        "blocked": blocked,
        "multipart": any(getattr(f.field.widget, "needs_multipart_form", False) for f in form),
        **_deadline_info(appeal),
    }
    return render(request, "appeals/appeal/step.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One named transition: take, forward, answer, extend, close…"""
    appeal = _get(request.user, pk)
    if name not in STEP_FORMS or not can_act(request.user, appeal, name):
        raise Http404
    transition = Transition(name)
    blocked = ""
    if not can_transition(appeal.status, name):
        blocked = _("“%(step)s” is not possible while the appeal is “%(status)s”.") % {
            "step": transition.label,
            "status": appeal.get_status_display(),
        }

    def act(appeal: Appeal, form: StepForm) -> None:
        updated = appeal_transition(
            appeal=appeal,
            transition=name,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data["version"],
            **form.details(),
        )
        upload = form.cleaned_data.get("file")
        if upload:
            kind = AttachmentKind.BODY_ANSWER if name == Transition.BODY_ANSWERED else AttachmentKind.WORK
            attachment_add(appeal=updated, upload=upload, actor=request.user, kind=kind)

    return _step_page(
        request,
        appeal,
        STEP_FORMS[name],
        act,
        title=transition.label,
        name=name,
        done=_("Done: %(step)s.") % {"step": transition.label},
        blocked=blocked,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _get(request.user, pk)
    need(request.user, AppealAction.ASSIGN, appeal.org_unit)

    def act(appeal: Appeal, form: StepForm) -> None:
        appeal_assign(
            appeal=appeal,
            executor=form.cleaned_data["executor"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )

    blocked = "" if appeal.status in OPEN_STATUSES else _("A finished appeal cannot be assigned.")
    return _step_page(
        request,
        appeal,
        AssignForm,
        act,
        title=_("Assign an executor"),
        name="assign",
        done=_("The executor has been assigned."),
        blocked=blocked,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _get(request.user, pk)
    need(request.user, AppealAction.MERGE, appeal.org_unit)

    def act(appeal: Appeal, form: StepForm) -> None:
        appeal_link(
            appeal=appeal,
            other=form.cleaned_data["other"],
            kind=form.cleaned_data["kind"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )

    return _step_page(
        request,
        appeal,
        LinkForm,
        act,
        title=_("Link to another appeal"),
        name="link",
        done=_("The appeals are linked."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _get(request.user, pk)
    need(request.user, AppealAction.REVIEW, appeal.org_unit)

    def act(appeal: Appeal, form: StepForm) -> None:
        appeal_review(
            appeal=appeal,
            actor=request.user,
            conclusion=form.cleaned_data["conclusion"],
            reopen=form.cleaned_data["decision"] == "reopen",
            expected_version=form.cleaned_data["version"],
        )

    blocked = "" if appeal.needs_review else _("This appeal is not waiting for a review.")
    return _step_page(
        request,
        appeal,
        ReviewForm,
        act,
        title=_("Control review"),
        name="review",
        done=_("The review has been recorded."),
        blocked=blocked,
    )


urlpatterns = [
    path("<int:pk>/", appeal_detail, name="detail"),
    path("<int:pk>/reveal-iin/", reveal_iin, name="reveal-iin"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachment_download, name="attachment"),
    path("<int:pk>/answers/<int:answer_pk>/pdf/", answer_pdf, name="answer-pdf"),
    path("<int:pk>/step/<str:name>/", appeal_step, name="transition"),
    path("<int:pk>/assign/", appeal_assign_view, name="assign"),
    path("<int:pk>/link/", appeal_link_view, name="link"),
    path("<int:pk>/review/", appeal_review_view, name="review"),
]
