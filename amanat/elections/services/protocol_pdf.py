"""The published result as the pages show it and as the protocol PDF prints it (WeasyPrint).

    result_context(election, lang) -> dict     what the results page and the PDF both read
    protocol_html(election, lang) -> str       the protocol as HTML (tests read this)
    protocol_pdf(election, lang) -> bytes      the protocol of the count, in the reader's language

The protocol holds what an observer needs to hold the published result to account: the election
and its commission, the timetable, the census count, ballots counted, votes per candidate and per
unit, the trustees who decrypted, and the hashes that tie it to the board (head, last checkpoint,
manifest) so that `amanat-verify` over a board download can confirm every figure in it.
"""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amanat.core.i18n import pick
from amanat.core.models import SiteSettings
from amanat.elections.models import BoardEntry, Checkpoint, DecryptionShare, Election
from amanat.elections.services import board
from amanat.elections.services.tally import percent, tally_payload
from amanat.org.models import OrgUnit

OTHER = "other"


def _name(names: dict[str, str], lang: str) -> str:
    for code in (lang, "ru", "kk", "en"):
        if names.get(code):
            return names[code]
    return ""


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def unit_rows(election: Election, result: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per-unit results in the units' order, the pool of small units last."""
    tally = tally_payload(election) or {"units": {}}
    keys = list(result.get("units") or {})
    units = {str(u.pk): u for u in OrgUnit.objects.filter(pk__in=[k for k in keys if k.isdigit()])}
    rows = []
    for key in sorted(keys, key=lambda k: (k == OTHER, pick(units[k], "name", lang) if k in units else k)):
        counted = tally["units"].get(key, {}).get("counted", 0)
        counts = result["units"][key]
        name = pick(units[key], "name", lang) if key in units else _("Other units together")
        rows.append(
            {
                "key": key,
                "name": name,
                "pooled": key == OTHER,
                "counted": counted,
                "cells": [{"votes": v, "percent": percent(v, counted)} for v in counts],
            }
        )
    return rows


def result_context(election: Election, lang: str) -> dict[str, Any]:
    """Everything the results page and the protocol show, in `lang`."""
    result = election.result or {}
    head = board.head(election)
    checkpoint = Checkpoint.objects.filter(election=election).order_by("-seq").first()
    manifest = json.loads(election.manifest) if election.manifest else {}
    result_entry = BoardEntry.objects.filter(election=election, type="result").order_by("-seq").first()
    with translation.override(lang):
        candidates = [{**c, "label": _name(c["name"], lang)} for c in result.get("candidates", [])]
        return {
            "election": election,
            "lang": lang,
            "title": pick(election, "title", lang),
            "unit": pick(election.unit, "name", lang),
            "kind": election.get_kind_display(),
            "method": election.get_method_display(),
            "result": result,
            "candidates": candidates,
            "elected": [c for c in candidates if c["elected"]],
            "tied": [c for c in candidates if c["tied"]],
            "units": unit_rows(election, result, lang) if result else [],
            "min_unit_voters": election.min_unit_voters,
            "trustees": [
                s.trustee
                for s in DecryptionShare.objects.filter(election=election)
                .select_related("trustee")
                .order_by("trustee__index")
            ],
            "commission": [
                {"name": m.user.full_name or m.user.email, "role": m.get_role_display()}
                for m in election.commission.select_related("user")
            ],
            "timetable": [
                (_("Nominations open"), _when(election.nominations_open_at)),
                (_("Nominations close"), _when(election.nominations_close_at)),
                (_("Voting opens"), _when(election.voting_opens_at)),
                (_("Voting closes"), _when(election.voting_closes_at)),
            ],
            "head": head,
            "checkpoint": checkpoint,
            "result_entry": result_entry,
            "checkpoint_key": manifest.get("checkpoint_key", ""),
            "manifest_hash": election.manifest_hash,
            "census_hash": election.census_hash,
        }


def protocol_html(election: Election, lang: str) -> str:
    site = SiteSettings.load()
    context = result_context(election, lang)
    with translation.override(lang):
        context.update(
            party=pick(site, "party_name", lang),
            branch=pick(site, "branch_name", lang),
            printed=timezone.localtime().strftime("%d.%m.%Y %H:%M"),
        )
        return render_to_string("elections/results/protocol_pdf.html", context)


def protocol_pdf(election: Election, lang: str) -> bytes:
    """The protocol of the count of a published election, in `lang` (kk, ru or en)."""
    from weasyprint import HTML

    return HTML(string=protocol_html(election, lang)).write_pdf()  # self-contained: nothing fetched
