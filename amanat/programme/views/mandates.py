"""Voters' mandates (наказы избирателей) and the programme items that answer them.

The list shows the mandates in the user's appeals scope, each with the items (in the user's
programme scope) that answer it, and how many no item answers yet. Holders of `programme.manage`
link a mandate to an item of their branch, or unlink it; an item or a mandate outside their scope
is a 404. Applicants' personal data is not shown here: the mandate's number leads to the appeal's
own page, which guards it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amanat.appeals.models import Appeal
from amanat.core.exports import Column
from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action, need
from amanat.core.views import safe_next
from amanat.org.models import Territory
from amanat.programme.filtersets import MandateFilterSet
from amanat.programme.models import Item
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import item_get, items_for
from amanat.programme.services.mandates import mandate_link, mandate_unlink, mandates_for

CANDIDATES_MAX = 20
ITEM_COLUMNS = ("pk", "code", "title_kk", "title_ru", "title_en", "org_unit__path", "programme_id", "path")


def _visible_items(user: Any) -> Prefetch:
    """The items answering each mandate, only those the user may see (others are counted apart)."""
    queryset = items_for(user).select_related("org_unit").order_by("programme_id", "path")
    return Prefetch("programme_items", queryset=queryset, to_attr="visible_items")


def _items_text(mandate: Appeal) -> str:
    return "; ".join(f"{item.code} {item.title}".strip() for item in getattr(mandate, "visible_items", []))


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Registration No."), "number"),
    (gettext_lazy("Registered on"), "registered_on"),
    (gettext_lazy("Territory"), lambda m: str(m.territory.name) if m.territory else ""),
    (gettext_lazy("Responsible unit"), lambda m: str(m.org_unit)),
    (gettext_lazy("Subject"), "subject"),
    (gettext_lazy("Text"), "text"),
    (gettext_lazy("Collective"), "is_collective"),
    (gettext_lazy("Signatories"), "signatories"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Programme items that answer it"), _items_text),
]


class MandateListView(ScopedListView):
    """Voters' mandates in the user's scope, with the programme items that answer them."""

    model = Appeal
    action = ProgrammeAction.VIEW
    filterset_class = MandateFilterSet
    template_name = "programme/mandates/list.html"
    export_columns = EXPORT_COLUMNS
    export_filename = "voters-mandates"

    def get_queryset(self) -> QuerySet[Appeal]:
        queryset = mandates_for(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound:
            queryset = self.filterset.qs
        return queryset.select_related("territory", "org_unit").prefetch_related(_visible_items(self.request.user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(context["object_list"])
        linked = dict(
            Item.appeals.through.objects.filter(appeal_id__in=[m.pk for m in page])
            .values("appeal_id")
            .annotate(n=Count("item_id"))
            .values_list("appeal_id", "n")
        )
        rows = []
        for mandate in page:
            items = [
                {"item": item, "may_unlink": has_action(user, ProgrammeAction.MANAGE, item.org_unit)}
                for item in mandate.visible_items
            ]
            rows.append({"mandate": mandate, "items": items, "hidden": linked.get(mandate.pk, 0) - len(items)})
        context.update(
            rows=rows,
            counts=mandate_counts(mandates_for(user)),
            can_manage=has_action(user, ProgrammeAction.MANAGE),
            here=self.request.get_full_path(),
        )
        return context


def mandate_counts(mandates: QuerySet[Appeal]) -> dict[str, int]:
    """How many mandates the user sees in all, and how many no item answers yet (one query)."""
    answered = Item.appeals.through.objects.values("appeal_id")
    totals = mandates.order_by().aggregate(total=Count("pk"), unanswered=Count("pk", filter=~Q(pk__in=answered)))
    return {key: value or 0 for key, value in totals.items()}


def _mandate(user: Any, pk: Any) -> Appeal:
    try:
        return mandates_for(user).select_related("territory", "org_unit").get(pk=int(pk))
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _candidates(user: Any, mandate: Appeal, query: str) -> QuerySet[Item]:
    """Items of the user's branches that could answer the mandate: found by number or words, or,
    with no words, those in the mandate's district."""
    items = items_for(user, ProgrammeAction.MANAGE).select_related("programme", "territory")
    query = query.strip()
    if query:
        items = items.filter(
            Q(code__istartswith=query)
            | Q(title_kk__icontains=query)
            | Q(title_ru__icontains=query)
            | Q(title_en__icontains=query)
        )
    elif mandate.territory is not None:
        district = mandate.territory if mandate.territory.depth <= 2 else _district_of(mandate.territory)
        items = items.filter(territory__path__startswith=district.path)
    else:
        return items.none()
    return items.exclude(appeals=mandate).order_by("programme_id", "path")[:CANDIDATES_MAX]


def _district_of(place: Territory) -> Territory:
    return Territory.objects.filter(path=place.path[: Territory.steplen * 2]).first() or place


@login_required
def mandate_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the item that answers the mandate (a search among the user's items), and link it."""
    need(request.user, ProgrammeAction.MANAGE)
    mandate = _mandate(request.user, pk)
    default = reverse("programme:mandate-list")
    status = 200
    if request.method == "POST":
        item = item_get(request.user, request.POST.get("item"), action=ProgrammeAction.MANAGE)
        try:
            changed = mandate_link(actor=request.user, item=item, appeal=mandate)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
            status = 400
        else:
            if changed:
                done = _("Mandate %(number)s is now answered by item %(item)s.")
            else:
                done = _("Mandate %(number)s was already linked to item %(item)s.")
            messages.success(request, done % {"number": mandate.number, "item": item})
            return redirect(safe_next(request, default))
    query = (request.GET.get("q") or "")[:100]
    context = {
        "mandate": mandate,
        "query": query,
        "candidates": _candidates(request.user, mandate, query),
        "linked": items_for(request.user).filter(appeals=mandate).order_by("programme_id", "path"),
        "next": safe_next(request, default),
        "title": _("Link mandate %(number)s to a programme item") % {"number": mandate.number},
    }
    return render(request, "programme/mandates/link.html", context, status=status)


@login_required
@require_POST
def mandate_unlink_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Take the mandate off the item (the item must be in the user's branches)."""
    mandate = _mandate(request.user, pk)
    item = item_get(request.user, item_pk, action=ProgrammeAction.MANAGE)
    try:
        changed = mandate_unlink(actor=request.user, item=item, appeal=mandate)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        if changed:
            messages.success(
                request,
                _("Mandate %(number)s is no longer linked to item %(item)s.")
                % {"number": mandate.number, "item": item},
            )
    return redirect(safe_next(request, reverse("programme:mandate-list")))


urlpatterns = [
    path("mandates/", MandateListView.as_view(), name="mandate-list"),
    path("mandates/<int:pk>/link/", mandate_link_view, name="mandate-link"),
    path("mandates/<int:pk>/unlink/<int:item_pk>/", mandate_unlink_view, name="mandate-unlink"),
]
