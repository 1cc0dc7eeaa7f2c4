"""The public promise tracker under /programme/: what the programme promised and how far it got.

No account is needed. What keeps it honest and safe:
- only published items of published programmes are shown; anything else is 404;
- progress as the responsible body claims it and progress party control verified are shown apart;
- officials appear by post and body, never by a person's name;
- evidence files are served through a view that checks the item is published;
- following by e-mail answers the same whether or not the address already follows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amanat.appeals.choices import AppealStatus, AppealType
from amanat.appeals.models import Appeal
from amanat.core.forms import add_service_errors
from amanat.core.process_cache import cached_choices
from amanat.org.models import Official, StateBody, Territory
from amanat.programme import selectors
from amanat.programme.choices import ItemKind, ItemStatus, ReportState
from amanat.programme.filtersets import within
from amanat.programme.models import Evidence, Follower, IndicatorValue, Item, Report
from amanat.programme.services import follow as follow_service

PER_PAGE = 25
VERIFIED_STATES = (ReportState.CONFIRMED, ReportState.PARTLY)
INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


# --- forms --------------------------------------------------------------------------------------


def _indented(item: Item) -> str:
    return "\u2003" * max(item.depth - 1, 0) + f"{item.code} {item.title}".strip()


def _name(place_or_body: Territory | StateBody) -> str:
    return str(place_or_body.name)


def _post(official: Official) -> str:
    """An official by post and body, never by the person's name."""
    return f"{official.title}, {official.body.name}" if official.body_id else str(official.title)


class TrackerFilterForm(forms.Form):
    """The tracker's filters: direction (or commitment, with everything under it), district,
    status, responsible body and official (by post). The option lists are this process's copies
    (`core.process_cache`), so a tracker page costs no query for them while nothing changes."""

    direction = forms.TypedChoiceField(label=_("Direction"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    body = forms.TypedChoiceField(label=_("Responsible body"), required=False, coerce=int, empty_value=None)
    official = forms.TypedChoiceField(label=_("Responsible official"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, items: QuerySet[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        branches = items.filter(Q(kind__in=[ItemKind.DIRECTION, ItemKind.COMMITMENT]) | Q(numchild__gt=0)).order_by(
            "programme_id", "path"
        )
        self.fields["direction"].choices = everything + cached_choices(branches, _indented)
        territories = Territory.objects.filter(pk__in=items.values("territory_id")).order_by("path")
        self.fields["district"].choices = everything + cached_choices(territories, _name)
        self.fields["status"].choices = everything + list(ItemStatus.choices)
        bodies = StateBody.objects.filter(pk__in=items.values("responsible_body_id")).order_by("path")
        self.fields["body"].choices = everything + cached_choices(bodies, _name)
        officials = (
            Official.objects.filter(pk__in=items.values("responsible_official_id"))
            .select_related("body")
            .order_by("body__path", "-is_head", "pk")
        )
        self.fields["official"].choices = everything + cached_choices(officials, _post)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def apply(self, items: QuerySet[Item]) -> QuerySet[Item]:
        """The items the filters keep. A value that names nothing published (an old link, a typed
        address) matches no item, and the form says why."""
        if not self.is_bound:
            return items
        if not self.is_valid():
            return items.none()
        data = self.cleaned_data
        if data.get("direction"):
            top = items.filter(pk=data["direction"]).only("pk", "path", "programme_id").first()
            items = within(items, top) if top else items.none()
        if data.get("district"):
            place = Territory.objects.filter(pk=data["district"]).first()
            items = items.filter(territory__path__startswith=place.path) if place else items.none()
        if data.get("status"):
            status = data["status"]
            items = items.filter(Q(status_override=status) | Q(status_override="", computed_status=status))
        if data.get("body"):
            items = items.filter(responsible_body_id=data["body"])
        if data.get("official"):
            items = items.filter(responsible_official_id=data["official"])
        return items


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
        help_text=_("We send a link to confirm. Every message has a link to stop."),
    )


# --- helpers ------------------------------------------------------------------------------------


def _published_item(pk: Any) -> Item:
    try:
        return selectors.public_items().select_related("programme", "responsible_body", "territory").get(pk=int(pk))
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _official_post(item: Item) -> str:
    """The responsible official by post only (never the person's name)."""
    official = item.responsible_official
    return official.title if official is not None else ""


def _indicator_rows(item: Item) -> list[dict[str, Any]]:
    rows = []
    for indicator in item.indicators.all():
        values = [
            v
            for v in indicator.values.all()
            if v.actual is not None and v.report is not None and v.report.state != ReportState.NOT_CONFIRMED
        ]
        values.sort(key=lambda v: (v.year, v.quarter))
        verified = [v for v in values if v.report.state in VERIFIED_STATES]
        claimed = [v for v in values if v.report.state == ReportState.CLAIMED]
        rows.append(
            {
                "indicator": indicator,
                "verified": verified[-1] if verified else None,
                "claimed": claimed[-1] if claimed else None,
            }
        )
    return rows


def _mandates(item: Item) -> dict[str, Any]:
    """What the public may know of the voters' mandates an item (or the items under it) answers:
    how many, how many people signed them, and where they came from. Nothing about who gave them:
    no names, no addresses, no phones, not even the mandate's own text (it may name people)."""
    answering = selectors.public_items().filter(programme_id=item.programme_id, path__startswith=item.path)
    mandates = Appeal.objects.filter(
        appeal_type=AppealType.MANDATE, programme_items__in=answering.values("pk")
    ).exclude(status=AppealStatus.MERGED)
    ids = mandates.values("pk").distinct()
    by_place = (
        Appeal.objects.filter(pk__in=ids)
        .order_by()
        .values("territory_id")
        .annotate(n=Count("pk"), people=Sum("signatories"))
    )
    rows = list(by_place)
    places = {t.pk: t for t in Territory.objects.filter(pk__in=[r["territory_id"] for r in rows if r["territory_id"]])}
    return {
        "count": sum(r["n"] for r in rows),
        "signatories": sum(r["people"] or 0 for r in rows),
        "places": sorted(
            ({"territory": places.get(r["territory_id"]), "count": r["n"]} for r in rows),
            key=lambda p: (p["territory"] is None, p["territory"].path if p["territory"] else ""),
        ),
    }


def _share_links(request: HttpRequest, item: Item) -> dict[str, str]:
    url = request.build_absolute_uri(reverse("programme:tracker-item", args=[item.pk]))
    text = f"{item.code} {item.title}".strip()
    return {
        "url": url,
        "telegram": f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(text, safe='')}",
        "whatsapp": f"https://wa.me/?text={quote(f'{text} {url}', safe='')}",
    }


def _item_page(request: HttpRequest, item: Item, form: FollowForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    item = (
        Item.objects.select_related("programme", "responsible_body", "responsible_official", "territory")
        .prefetch_related(
            "co_executors",
            Prefetch(
                "indicators__values",
                queryset=IndicatorValue.objects.select_related("report").order_by("year", "quarter"),
            ),
            Prefetch("reports", queryset=Report.objects.order_by("-year", "-quarter").prefetch_related("evidence")),
        )
        .get(pk=item.pk)
    )
    context = {
        "item": item,
        "official_post": _official_post(item),
        "ancestors": [a for a in Item.objects.get_ancestors(item) if a.is_published],
        "children": selectors.public_items().filter(path__startswith=item.path, depth=item.depth + 1).order_by("path"),
        "indicators": _indicator_rows(item),
        "reports": item.reports.all(),
        "share": _share_links(request, item),
        "form": form,
        "is_direction": item.kind == ItemKind.DIRECTION,
        "mandates": _mandates(item),
        **extra,
    }
    return render(request, "programme/public/item.html", context, status=status)


# --- views --------------------------------------------------------------------------------------


@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    items = selectors.public_items()
    form = TrackerFilterForm(request.GET or None, items=items)
    rows = (
        form.apply(items)
        .select_related("responsible_body", "responsible_official", "territory")
        .order_by("programme_id", "path")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page_obj": page, "items": page.object_list, "query": query.urlencode()}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        response = render(request, "programme/public/tracker.html#results", context)
    else:
        response = render(request, "programme/public/tracker.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def tracker_item(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, _published_item(pk), FollowForm())


@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    record = Evidence.objects.select_related("report__item").filter(pk=pk).first()
    if record is None or not selectors.public_items().filter(pk=record.report.item_id).exists():
        raise Http404
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = record.content_type in INLINE_TYPES
    response = FileResponse(
        handle, content_type=record.content_type, as_attachment=not inline, filename=record.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    item = _published_item(pk)
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            follow_service.follow_request(
                item=item, email=form.cleaned_data["email"], language=translation.get_language() or "ru"
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "programme/public/follow_sent.html", {"item": item})
    return _item_page(request, item, form, status=400, follow_failed=True)


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows a button: mail scanners open links, and must not confirm for the citizen.
    follower = Follower.objects.select_related("item").filter(token=token).first()
    if follower is None:
        raise Http404
    if request.method == "POST":
        follow_service.follow_confirm(token=token)
        return redirect(f"{reverse('programme:tracker-item', args=[follower.item_id])}?followed=1")
    return render(request, "programme/public/follow_confirm.html", {"follower": follower, "item": follower.item})


@require_http_methods(["GET", "POST"])
def unfollow(request: HttpRequest, token: str) -> HttpResponse:
    follower = Follower.objects.select_related("item").filter(token=token).first()
    if request.method == "POST":
        follow_service.unfollow(token=token)
        return render(request, "programme/public/unfollow.html", {"done": True})
    if follower is None:
        return render(request, "programme/public/unfollow.html", {"done": True})
    return render(request, "programme/public/unfollow.html", {"follower": follower, "item": follower.item})


urlpatterns: list = [
    path("", tracker, name="tracker"),
    path("<int:pk>/", tracker_item, name="tracker-item"),
    path("<int:pk>/follow/", follow, name="follow"),
    path("evidence/<int:pk>/", evidence, name="evidence"),
    path("follow/<str:token>/", follow_confirm, name="follow-confirm"),
    path("unfollow/<str:token>/", unfollow, name="unfollow"),
]
