"""Staff pages that decide where appeals go and how long they may take: the category tree, the
routing table (with a "which rule wins" box) and the deadline policies.

Categories and policies are shared by the whole branch: anyone holding `appeals.manage_routing`
somewhere may edit them. Routing rules are seen and edited only within the units where the user
holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amanat.appeals.choices import AppealType
from amanat.appeals.forms.routing import (
    CategoryForm,
    DeadlinePolicyForm,
    RouteTestForm,
    RoutingRuleForm,
)
from amanat.appeals.models import Category, DeadlinePolicy
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services import routing as services
from amanat.appeals.services.intake import route
from amanat.core.permissions import need

FORM_TEMPLATE = "appeals/routing/form.html"


def _need_routing(request: HttpRequest) -> None:
    need(request.user, AppealAction.MANAGE_ROUTING)


def _need_shared(request: HttpRequest) -> None:
    """Categories and deadline policies serve the whole region: only the regional branch edits them."""
    _need_routing(request)
    if not services.can_manage_routing(request.user):
        raise PermissionDenied


def _render_form(request: HttpRequest, context: dict[str, Any], *, template: str = FORM_TEMPLATE) -> HttpResponse:
    """A form page; a refused POST answers 400 so that tools and tests see the refusal."""
    form = context.get("form")
    refused = request.method == "POST" and form is not None and form.is_bound and bool(form._errors)
    return render(request, template, context, status=400 if refused else 200)


def _apply(form: Any, call: Any) -> Any:
    """Run a service; its validation errors go beside the form's fields (and the call gives None)."""
    try:
        return call()
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


def _category_get(pk: int) -> Category:
    # Categories are shared reference data: anyone who may manage routing sees all of them.
    return get_object_or_404(Category, pk=pk)


# --- categories ------------------------------------------------------------------------------


@dataclass
class Node:
    category: Category
    children: list[Node] = field(default_factory=list)


def _tree(categories: list[Category]) -> list[Node]:
    """Nest categories (in path order) under their parents; siblings sorted by name."""
    roots: list[Node] = []
    stack: list[Node] = []
    for category in categories:
        node = Node(category)
        while stack and not category.path.startswith(stack[-1].category.path):
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def sort(nodes: list[Node]) -> None:
        nodes.sort(key=lambda n: str(n.category.name).lower())
        for node in nodes:
            sort(node.children)

    sort(roots)
    return roots


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    _need_routing(request)
    categories = list(Category.objects.order_by("path"))
    context = {
        "nodes": _tree(categories),
        "total": len(categories),
        "active": sum(1 for c in categories if c.is_active),
        "tab": "categories",
        "can_edit": services.can_manage_routing(request.user),
    }
    return render(request, "appeals/routing/category_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    _need_shared(request)
    parent = None
    raw_parent = request.GET.get("parent", "")
    if raw_parent:
        if not raw_parent.isdigit():
            raise Http404
        parent = _category_get(int(raw_parent))
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = _apply(form, lambda: services.category_create(actor=request.user, parent=parent, **form.changes()))
        if category is not None:
            messages.success(request, _("Category %(name)s added.") % {"name": category})
            return redirect("appeals:category-list")
    title = _("New category under %(parent)s") % {"parent": parent} if parent else _("New top-level category")
    return _render_form(
        request, {"form": form, "title": title, "cancel_url": reverse("appeals:category-list"), "tab": "categories"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need_shared(request)
    category = _category_get(pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.category_update(actor=request.user, category=category, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Category saved."))
            return redirect("appeals:category-list")
    return _render_form(
        request,
        {
            "form": form,
            "title": _("Edit category %(name)s") % {"name": category},
            "cancel_url": reverse("appeals:category-list"),
            "history_object": category,
            "tab": "categories",
        },
    )


@login_required
@require_POST
def category_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _need_shared(request)
    category = _category_get(pk)
    changed = services.category_deactivate(actor=request.user, category=category)
    if changed:
        messages.success(request, _("%(name)s is out of use: new appeals will not be given it.") % {"name": category})
    return redirect("appeals:category-list")


@login_required
@require_POST
def category_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _need_shared(request)
    category = _category_get(pk)
    try:
        services.category_reactivate(actor=request.user, category=category)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is in use again.") % {"name": category})
    return redirect("appeals:category-list")


@login_required
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _need_shared(request)
    category = _category_get(pk)
    name = str(category)
    try:
        services.category_delete(actor=request.user, category=category)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Category %(name)s deleted.") % {"name": name})
    return redirect("appeals:category-list")


# --- routing rules ---------------------------------------------------------------------------


@dataclass
class RouteTest:
    form: RouteTestForm
    asked: bool = False
    rule: Any = None


def _route_test(request: HttpRequest) -> RouteTest:
    asked = "test-category" in request.GET or "test-territory" in request.GET
    form = RouteTestForm(request.GET if asked else None, prefix="test")
    result = RouteTest(form=form, asked=asked)
    if asked and form.is_valid():
        result.rule = route(form.cleaned_data["category"], form.cleaned_data["territory"])
    return result


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _need_routing(request)
    rules = services.rules_for(request.user).order_by("category__path", "territory__path", "id")
    page = Paginator(rules, 50).get_page(request.GET.get("page"))
    test = _route_test(request)
    context = {"page_obj": page, "rules": page.object_list, "test": test, "tab": "rules"}
    if getattr(request, "htmx", False) and test.asked:
        return render(request, "appeals/routing/rule_list.html#route_result", context)
    return render(request, "appeals/routing/rule_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    _need_routing(request)
    form = RoutingRuleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        rule = _apply(form, lambda: services.rule_create(actor=request.user, **form.changes()))
        if rule is not None:
            messages.success(request, _("Routing rule added."))
            return redirect("appeals:rule-list")
    return _render_form(
        request,
        {
            "form": form,
            "title": _("New routing rule"),
            "intro": _(
                "The most specific rule wins: a rule for the exact category beats one for its parent, "
                "a rule for a settlement beats one for its district; an empty category or territory means any."
            ),
            "cancel_url": reverse("appeals:rule-list"),
            "tab": "rules",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need_routing(request)
    rule = services.rule_get(request.user, pk)
    form = RoutingRuleForm(request.POST or None, instance=rule, actor=request.user)
    if request.method == "POST" and form.is_valid():
        done = _apply(form, lambda: services.rule_update(actor=request.user, rule=rule, changes=form.changes()))
        if done is not None:
            messages.success(request, _("Routing rule saved."))
            return redirect("appeals:rule-list")
    return _render_form(
        request,
        {
            "form": form,
            "title": _("Edit routing rule"),
            "cancel_url": reverse("appeals:rule-list"),
            "history_object": rule,
            "delete_url": reverse("appeals:rule-delete", args=[rule.pk]),
            "tab": "rules",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _need_routing(request)
    rule = services.rule_get(request.user, pk)
    if request.method == "POST":
        services.rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("Routing rule deleted."))
        return redirect("appeals:rule-list")
    return render(
        request,
        "appeals/routing/confirm_delete.html",
        {"rule": rule, "cancel_url": reverse("appeals:rule-edit", args=[rule.pk]), "tab": "rules"},
    )


# --- deadline policies -----------------------------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    _need_routing(request)
    context = {
        "policies": services.policies(),
        "tab": "policies",
        "can_edit": services.can_manage_routing(request.user),
    }
    return render(request, "appeals/routing/policy_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, appeal_type: str) -> HttpResponse:
    _need_shared(request)
    if appeal_type not in AppealType.values:
        raise Http404
    policy = DeadlinePolicy.for_type(appeal_type)
    form = DeadlinePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.policy_save(actor=request.user, appeal_type=appeal_type, changes=form.changes())
        )
        if done is not None:
            messages.success(
                request,
                _("Deadline policy for %(type)s saved; deadlines of open appeals are being recomputed.")
                % {"type": AppealType(appeal_type).label},
            )
            return redirect("appeals:policy-list")
    return _render_form(
        request,
        {
            "form": form,
            "title": _("Deadline policy: %(type)s") % {"type": AppealType(appeal_type).label},
            "intro": _(
                "Defaults follow the Administrative Procedural-Process Code. A change applies to open "
                "appeals of this type too: their deadlines are recomputed from their history."
            ),
            "cancel_url": reverse("appeals:policy-list"),
            "history_object": policy if policy.pk else None,
            "tab": "policies",
        },
    )


urlpatterns = [
    path("categories/", category_list, name="category-list"),
    path("categories/new/", category_create, name="category-create"),
    path("categories/<int:pk>/edit/", category_edit, name="category-edit"),
    path("categories/<int:pk>/deactivate/", category_deactivate, name="category-deactivate"),
    path("categories/<int:pk>/reactivate/", category_reactivate, name="category-reactivate"),
    path("categories/<int:pk>/delete/", category_delete, name="category-delete"),
    path("routing/", rule_list, name="rule-list"),
    path("routing/new/", rule_create, name="rule-create"),
    path("routing/<int:pk>/edit/", rule_edit, name="rule-edit"),
    path("routing/<int:pk>/delete/", rule_delete, name="rule-delete"),
    path("policies/", policy_list, name="policy-list"),
    path("policies/<slug:appeal_type>/", policy_edit, name="policy-edit"),
]
