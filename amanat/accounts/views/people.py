"""People and roles for staff: who works in my scope, granting and revoking roles, new accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.accounts import selectors, services, two_factor
from amanat.accounts.filtersets import UserFilter
from amanat.accounts.forms import GrantForm, UserCreateForm
from amanat.accounts.models import User
from amanat.accounts.permissions import AccountsAction
from amanat.core.lists import ScopedListView
from amanat.core.permissions import all_actions, has_action

SET_PASSWORD_LINK_KEY = "amanat_set_password_link"  # noqa: S105 - a session key, not a secret


def _grants_text(user: User) -> str:
    return "; ".join(f"{g.role} — {g.org_unit}" for g in getattr(user, "scoped_grants", []))


class UserListView(ScopedListView):
    model = User
    action = AccountsAction.VIEW_USER
    filterset_class = UserFilter
    template_name = "accounts/user_list.html"
    export_filename = "users"
    export_columns = (
        (gettext_lazy("Full name"), "full_name"),
        (gettext_lazy("E-mail"), "email"),
        (gettext_lazy("Phone"), "phone"),
        (gettext_lazy("Language"), "language"),
        (gettext_lazy("Active"), "is_active"),
        (gettext_lazy("Roles"), _grants_text),
    )

    def get_queryset(self) -> models.QuerySet:
        queryset = selectors.user_list(actor=self.request.user)
        self.filterset = UserFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_action(self.request.user, AccountsAction.MANAGE_GRANTS)
        return context


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(actor=request.user, pk=pk)
    grants = list(selectors.user_grants(actor=request.user, user=person))
    for grant in grants:
        grant.can_revoke = grant.revoked_at is None and has_action(
            request.user, AccountsAction.MANAGE_GRANTS, grant.org_unit
        )
    link = request.session.get(SET_PASSWORD_LINK_KEY)
    if link and link.get("user") == person.pk:
        del request.session[SET_PASSWORD_LINK_KEY]
    else:
        link = None
    context = {
        "person": person,
        "set_password_link": link and link["link"],
        "grants": grants,
        "two_factor_on": two_factor.has_two_factor(person),
        "can_grant": has_action(request.user, AccountsAction.MANAGE_GRANTS),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    if not has_action(request.user, AccountsAction.MANAGE_GRANTS):
        raise Http404
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(
                actor=request.user,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                language=data["language"],
                role=data["role"],
                org_unit=data["org_unit"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if person.email:
                messages.success(
                    request,
                    _("Account created. An invitation to set a password was sent to %(email)s.")
                    % {"email": person.email},
                )
            else:
                # No e-mail to send the invitation to: the creator passes the link on (SMS, in person).
                link = request.build_absolute_uri(services.set_password_path(person))
                request.session[SET_PASSWORD_LINK_KEY] = {"user": person.pk, "link": link}
                messages.success(request, _("Account created."))
            return redirect("accounts:user-detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(actor=request.user, pk=pk, action=AccountsAction.MANAGE_GRANTS)
    form = GrantForm(request.POST or None, actor=request.user, user=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.role_grant(
                actor=request.user,
                user=person,
                role=data["role"],
                org_unit=data["org_unit"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Role %(role)s granted on %(unit)s.") % {"role": grant.role, "unit": grant.org_unit}
            )
            return redirect("accounts:user-detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/grant_form.html", {"form": form, "person": person}, status=status)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get(actor=request.user, pk=pk)
    services.role_revoke(actor=request.user, grant=grant)
    messages.success(request, _("Role %(role)s on %(unit)s revoked.") % {"role": grant.role, "unit": grant.org_unit})
    if User.objects.visible_to(request.user, AccountsAction.VIEW_USER).filter(pk=grant.user_id).exists():
        return redirect("accounts:user-detail", pk=grant.user_id)
    return redirect("accounts:user-list")


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    if not has_action(request.user, AccountsAction.VIEW_USER):
        raise Http404
    labels = all_actions()
    roles = [
        {"role": role, "actions": [(code, labels.get(code, code)) for code in role.actions]}
        for role in selectors.role_list()
    ]
    return render(request, "accounts/role_list.html", {"roles": roles})
