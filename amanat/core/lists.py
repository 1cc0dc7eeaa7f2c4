"""The one list view every module uses: scope, filters, paging, htmx partial, XLSX export.

A list page is one URL: the whole page, just its `results` partial for an htmx request (same
filtering and permission code), or an XLSX file with `?export=xlsx`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.generic import ListView

from amanat.core.exports import Column, xlsx_response
from amanat.core.permissions import has_action

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows: a big filtered list shows "more than 10,000" instead of
    spending seconds counting a million rows for a number nobody reads exactly. The count runs
    without ORDER BY, so the database counts from whichever index narrows best."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def rows_in_order(
    source: type[models.Model] | models.QuerySet, ids: Sequence[Any], select: Sequence[str] = ()
) -> list[Any]:
    """The rows with these ids, in this order, with their joins: a list page takes its page's ids
    from the indexes first, then reads only those rows (reading whole rows while filtering a
    million would fetch every row the filter looks at). `source`: the model, or a queryset that
    names the columns a page shows."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids).select_related(*select)}
    return [by_id[pk] for pk in ids if pk in by_id]


class ScopedListView(LoginRequiredMixin, ListView):
    """Subclasses set model/queryset, `action`, `filterset_class`, `template_name`, `export_columns`.

    A user who holds `action` nowhere gets 404, like any out-of-scope fetch.
    """

    action: Any = None
    filterset_class: Any = None
    export_columns: Sequence[Column] = ()
    export_filename = "export"
    paginate_by = 50
    paginator_class = CappedPaginator
    partial_name = "results"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not has_action(request.user, self.action):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> models.QuerySet:
        return super().get_queryset()

    def get_queryset(self) -> models.QuerySet:
        queryset = self.base_queryset().visible_to(self.request.user, self.action)
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
            queryset = self.filterset.qs if self.filterset.is_bound else queryset
        return queryset

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return xlsx_response(
                self.get_queryset(),
                self.export_columns,
                filename=self.export_filename,
                title=str(self.model._meta.verbose_name_plural),
            )
        response = super().get(request, *args, **kwargs)
        # The same URL answers a whole page or an htmx fragment: caches (and the browser's Back)
        # must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Paginator, Page, list[Any], bool]:
        # An out-of-range or odd page number shows the last or first page, never an error.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#{self.partial_name}"]
        return names

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset  # bound or not, its form renders the filters
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context["query_without_page"] = query.urlencode()
        context["export_query"] = (query.urlencode() + "&" if query else "") + "export=xlsx"
        return context
