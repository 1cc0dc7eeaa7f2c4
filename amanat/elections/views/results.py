"""Public results (/elections/<uuid>/results/) and the protocol of the count as a PDF.

No login: the result of an intra-party election is public once the trustees have decrypted it.
Before that the page says where the count stands; a draft or cancelled election is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language

from amanat.elections.choices import Phase
from amanat.elections.models import Election
from amanat.elections.services.protocol_pdf import protocol_pdf, result_context

HIDDEN = (Phase.DRAFT, Phase.CANCELLED)


def _election(uuid: Any) -> Election:
    election = Election.objects.select_related("unit").exclude(phase__in=HIDDEN).filter(uuid=uuid).first()
    if election is None:
        raise Http404
    return election


def _lang() -> str:
    lang = (get_language() or "ru")[:2]
    return lang if lang in ("kk", "ru", "en") else "ru"


def results(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = _election(uuid)
    if election.phase != Phase.PUBLISHED:
        return render(request, "elections/results/pending.html", {"election": election})
    return render(request, "elections/results/results.html", result_context(election, _lang()))


def protocol(request: HttpRequest, uuid: Any) -> HttpResponse:
    election = _election(uuid)
    if election.phase != Phase.PUBLISHED:
        raise Http404
    lang = _lang()
    response = HttpResponse(protocol_pdf(election, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protocol-{election.uuid}-{lang}.pdf"'
    return response


urlpatterns = [
    path("<uuid:uuid>/results/", results, name="results"),
    path("<uuid:uuid>/results/protocol.pdf", protocol, name="protocol"),
]
