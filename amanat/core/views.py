from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The branch's public home: who we are, receptions, contacts."""
    return render(request, "public/home.html", {})


@login_required
def manage_home(request: HttpRequest) -> HttpResponse:
    """The staff workspace's start page."""
    return render(request, "manage/home.html", {})
