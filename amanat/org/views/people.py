"""Staff pages for people and members (/manage/org/…).

The pages for positions (`people_positions.py`) and member imports (`member_import.py`) are in their
own modules; all their URLs are listed here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from amanat.core.exports import Column
from amanat.core.lists import CappedPaginator, ScopedListView, rows_in_order
from amanat.core.permissions import has_action, need, require
from amanat.org.choices import MemberStatus
from amanat.org.filtersets.people import MemberFilterSet, PersonFilterSet
from amanat.org.forms.people import (
    MemberAdmitForm,
    MemberTransferForm,
    MemberTransitionForm,
    PersonForm,
)
from amanat.org.models import Member, Person
from amanat.org.permissions import OrgAction
from amanat.org.selectors import people as selectors
from amanat.org.services import people as services
from amanat.org.views.member_import import IMPORT_ERRORS_PER_PAGE as IMPORT_ERRORS_PER_PAGE  # re-exported
from amanat.org.views.member_import import member_import, member_import_detail, member_import_template
from amanat.org.views.people_common import form_errors
from amanat.org.views.people_positions import PositionListView, position_create, position_end

# --- people ----------------------------------------------------------------------------------

PERSON_EXPORT: list[Column] = [
    (gettext_lazy("Last name"), "last_name"),
    (gettext_lazy("First name"), "first_name"),
    (gettext_lazy("Patronymic"), "middle_name"),
    (gettext_lazy("IIN"), "iin_masked"),
    (gettext_lazy("Date of birth"), "birth_date"),
    (gettext_lazy("Sex"), "sex"),
    (gettext_lazy("Phone"), "phone"),
    (gettext_lazy("E-mail"), "email"),
    (gettext_lazy("Keeping unit"), "org_unit"),
]


class IndexPaginator(CappedPaginator):
    """Pages of a long list read from the indexes first (at a million members).

    The capped count runs without ORDER BY, so the database counts from whichever index narrows
    best (a unit's range) instead of walking the name order through the whole table. A page
    first takes the ids (an index-only scan in name order), then reads those rows with their
    joins — reading whole rows while filtering would fetch every matching row from the table.
    """

    select: tuple[str, ...] = ()

    def page(self, number: Any) -> Any:
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        page.object_list = rows_in_order(self.object_list.model, ids, self.select)
        return page


class PersonPaginator(IndexPaginator):
    select = ("org_unit",)


class MemberPaginator(IndexPaginator):
    select = ("person", "org_unit")


class PersonListView(ScopedListView):
    model = Person
    action = OrgAction.VIEW_PERSON
    filterset_class = PersonFilterSet
    template_name = "org/people/person_list.html"
    context_object_name = "people"
    paginator_class = PersonPaginator
    export_columns = PERSON_EXPORT
    export_filename = "people"

    def base_queryset(self) -> QuerySet:
        return Person.objects.select_related("org_unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_create"] = has_action(self.request.user, OrgAction.CHANGE_PERSON)
        return context


def _person_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    user = request.user
    membership = selectors.membership_of(person)
    if membership is not None and not has_action(user, OrgAction.VIEW_MEMBER, membership.org_unit):
        membership = None
    return {
        "person": person,
        "membership": membership,
        "positions": selectors.positions_of(actor=user, person=person),
        "can_edit": has_action(user, OrgAction.CHANGE_PERSON, person.org_unit),
        "can_reveal": person.has_iin and has_action(user, OrgAction.VIEW_IIN, person.org_unit),
        "can_admit": membership is None and has_action(user, OrgAction.CHANGE_MEMBER),
        "can_appoint": has_action(user, OrgAction.CHANGE_POSITION),
        **extra,
    }


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    return render(request, "org/people/person_detail.html", _person_context(request, person))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    need(request.user, OrgAction.CHANGE_PERSON)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.person_fields()
        try:
            person = services.person_create(
                actor=request.user, org_unit=fields.pop("org_unit"), iin=form.cleaned_data["iin"], **fields
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The person has been added."))
            return redirect("org:person-detail", pk=person.pk)
    return render(request, "org/people/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, OrgAction.CHANGE_PERSON, person.org_unit)
    original = selectors.person_get(actor=request.user, pk=pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user, person=original, changes=form.person_fields(), iin=form.iin_change()
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("org:person-detail", pk=person.pk)
    return render(request, "org/people/person_form.html", {"form": form, "person": original})


@login_required
@require_POST
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    try:
        services.person_delete(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("org:person-detail", pk=person.pk)
    messages.success(request, _("The person has been deleted."))
    return redirect("org:person-list")


@never_cache
@login_required
@require_POST
def person_reveal_iin(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole IIN, once, for a user with org.view_iin; each reveal is an audit event."""
    person = selectors.person_get(actor=request.user, pk=pk)
    iin = services.person_reveal_iin(actor=request.user, person=person)
    if request.htmx:
        return render(request, "org/people/_iin.html", {"person": person, "revealed_iin": iin})
    return render(request, "org/people/person_detail.html", _person_context(request, person, revealed_iin=iin))


# --- members ---------------------------------------------------------------------------------

MEMBER_EXPORT: list[Column] = [
    (gettext_lazy("Last name"), "person.last_name"),
    (gettext_lazy("First name"), "person.first_name"),
    (gettext_lazy("Patronymic"), "person.middle_name"),
    (gettext_lazy("IIN"), "person.iin_masked"),
    (gettext_lazy("Date of birth"), "person.birth_date"),
    (gettext_lazy("Primary organisation"), "org_unit"),
    (gettext_lazy("Unit code"), "org_unit.code"),
    (gettext_lazy("Joined on"), "joined_on"),
    (gettext_lazy("Party card number"), "card_number"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Status since"), "status_changed_on"),
    (gettext_lazy("Youth wing"), "youth_wing"),
    (gettext_lazy("Phone"), "person.phone"),
]


class MemberListView(ScopedListView):
    model = Member
    action = OrgAction.VIEW_MEMBER
    filterset_class = MemberFilterSet
    template_name = "org/people/member_list.html"
    context_object_name = "members"
    paginator_class = MemberPaginator
    export_columns = MEMBER_EXPORT
    export_filename = "members"

    def base_queryset(self) -> QuerySet:
        return selectors.member_list_base()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_admit"] = has_action(self.request.user, OrgAction.CHANGE_MEMBER)
        context["can_import"] = has_action(self.request.user, OrgAction.IMPORT_MEMBERS)
        return context


def _member_context(request: HttpRequest, member: Member, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_change = has_action(user, OrgAction.CHANGE_MEMBER, member.org_unit) and member.status != MemberStatus.LEFT
    context = {
        "member": member,
        "person": member.person,
        "history": selectors.member_history(member),
        "positions": selectors.positions_of(actor=user, person=member.person),
        "can_change": can_change,
        "can_reveal": member.person.has_iin and has_action(user, OrgAction.VIEW_IIN, member.person.org_unit),
        "can_readmit": member.status == MemberStatus.LEFT and has_action(user, OrgAction.CHANGE_MEMBER),
    }
    if can_change:
        context["transition_form"] = forms.get("transition_form") or MemberTransitionForm(member=member)
        context["transfer_form"] = forms.get("transfer_form") or MemberTransferForm(user=user, member=member)
    return context


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(actor=request.user, pk=pk)
    return render(request, "org/people/member_detail.html", _member_context(request, member))


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    """Admit a person already known (?person=<id>) or register a new person and admit them."""
    need(request.user, OrgAction.CHANGE_MEMBER)
    data = request.POST or None
    person = None
    if request.GET.get("person"):
        person = selectors.person_get(actor=request.user, pk=request.GET["person"])
    person_form = None if person else PersonForm(data, user=request.user, with_unit=False, prefix="person")
    form = MemberAdmitForm(data, user=request.user)
    if request.method == "POST" and form.is_valid() and (person_form is None or person_form.is_valid()):
        membership = {k: form.cleaned_data[k] for k in ("joined_on", "card_number", "youth_wing")}
        try:
            if person is not None:
                member = services.member_admit(
                    actor=request.user, person=person, org_unit=form.cleaned_data["org_unit"], **membership
                )
            else:
                member = services.member_admit_new_person(
                    actor=request.user,
                    person_fields=person_form.person_fields(),
                    iin=person_form.cleaned_data["iin"],
                    org_unit=form.cleaned_data["org_unit"],
                    **membership,
                )
        except ValidationError as exc:
            target = person_form if person_form is not None and _is_person_error(exc) else form
            form_errors(target, exc)
        else:
            messages.success(request, _("The member has been admitted."))
            return redirect("org:member-detail", pk=member.pk)
    return render(request, "org/people/member_form.html", {"form": form, "person_form": person_form, "person": person})


def _is_person_error(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and bool(set(exc.error_dict) & {*services.PERSON_FIELDS, "iin"})


def _member_change(
    request: HttpRequest, pk: int, *, form_class: Any, form_key: str, done: str, run: Any, **form_kwargs: Any
) -> HttpResponse:
    """A change on the member page: on success back to the page with `done`; refused, the page
    again (400) with the form's errors beside its fields."""
    member = selectors.member_get(actor=request.user, pk=pk)
    require(request.user, OrgAction.CHANGE_MEMBER, member.org_unit)
    form = form_class(request.POST, member=member, **form_kwargs)
    if form.is_valid():
        try:
            run(member, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("org:member-detail", pk=member.pk)
    member.refresh_from_db()
    context = _member_context(request, member, **{form_key: form})
    return render(request, "org/people/member_detail.html", context, status=400)


@login_required
@require_POST
def member_transition(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_change(
        request,
        pk,
        form_class=MemberTransitionForm,
        form_key="transition_form",
        done=_("The status has been changed."),
        run=lambda member, data: services.member_transition(
            actor=request.user, member=member, to=data["to"], on=data["date"], reason=data["reason"]
        ),
    )


@login_required
@require_POST
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_change(
        request,
        pk,
        form_class=MemberTransferForm,
        user=request.user,
        form_key="transfer_form",
        done=_("The member has been transferred."),
        run=lambda member, data: services.member_transfer(
            actor=request.user, member=member, to_unit=data["to_unit"], on=data["date"], reason=data["reason"]
        ),
    )


urlpatterns = [
    path("people/", PersonListView.as_view(), name="person-list"),
    path("people/new/", person_create, name="person-create"),
    path("people/<int:pk>/", person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", person_edit, name="person-edit"),
    path("people/<int:pk>/delete/", person_delete, name="person-delete"),
    path("people/<int:pk>/iin/", person_reveal_iin, name="person-reveal-iin"),
    path("members/", MemberListView.as_view(), name="member-list"),
    path("members/new/", member_create, name="member-create"),
    path("members/<int:pk>/", member_detail, name="member-detail"),
    path("members/<int:pk>/status/", member_transition, name="member-transition"),
    path("members/<int:pk>/transfer/", member_transfer, name="member-transfer"),
    path("members/import/", member_import, name="member-import"),
    path("members/import/template.xlsx", member_import_template, name="member-import-template"),
    path("members/import/<int:pk>/", member_import_detail, name="member-import-detail"),
    path("positions/", PositionListView.as_view(), name="position-list"),
    path("positions/new/", position_create, name="position-create"),
    path("positions/<int:pk>/end/", position_end, name="position-end"),
]
