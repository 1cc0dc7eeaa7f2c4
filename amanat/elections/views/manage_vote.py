"""Staff pages of the tally (/manage/elections/<pk>/tally/): where the tally and the trustees'
shares stand, "compute the tally now" for the commission, and a trustee's page to upload the
decryption share that `amanat-trustee decrypt` made on their own computer.

The tally page is for staff who may view the election (out of scope: 404); computing needs
`elections.manage` on the election's unit. The share page is for the election's trustees only:
anyone else gets a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.core.forms import add_service_errors
from amanat.core.permissions import get_visible_or_404, has_action
from amanat.elections.choices import Phase
from amanat.elections.models import DecryptionShare, Election, Trustee
from amanat.elections.permissions import ElectionAction
from amanat.elections.services import board
from amanat.elections.services.tally import accept_share, compute_tally, tally_entry

SHARE_LIMIT = 4 * 2**20


class ShareForm(forms.Form):
    share = forms.FileField(
        label=gettext_lazy("Decryption share (share.json)"),
        help_text=gettext_lazy("The file amanat-trustee decrypt wrote. It holds no secret."),
    )

    def clean_share(self) -> dict[str, Any]:
        upload = self.cleaned_data["share"]
        if upload.size is not None and upload.size > SHARE_LIMIT:
            raise ValidationError(_("The file is too large for a decryption share."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError(_("The file is not JSON: upload the share.json that amanat-trustee wrote.")) from None


def trustee_rows(election: Election) -> list[dict[str, Any]]:
    shares = {s.trustee_id: s for s in DecryptionShare.objects.filter(election=election)}
    return [{"trustee": t, "share": shares.get(t.pk)} for t in election.trustees.select_related("user")]


def tally_status(election: Election) -> dict[str, Any]:
    entry = tally_entry(election)
    tally = json.loads(entry.payload) if entry else None
    rows = trustee_rows(election)
    return {
        "tally_entry": entry,
        "tally": tally,
        "pooled_units": sorted(tally["units"]) if tally else [],
        "trustee_rows": rows,
        "shares_in": sum(1 for r in rows if r["share"]),
        "head": board.head(election),
        "checkpoint": election.checkpoints.order_by("-seq").first(),
    }


@login_required
def manage_tally(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_visible_or_404(Election.objects.select_related("unit"), request.user, ElectionAction.VIEW, pk=pk)
    can_manage = has_action(request.user, ElectionAction.MANAGE, election.unit)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            compute_tally(election, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The encrypted tally is on the board. The trustees can now decrypt it."))
        return redirect("elections:manage-tally", pk=election.pk)
    context = {
        "election": election,
        "can_compute": can_manage and election.phase == Phase.CLOSED,
        "my_trustee": election.trustees.filter(user=request.user).first(),
        **tally_status(election),
    }
    return render(request, "elections/tally/manage.html", context)


@login_required
def share_upload(request: HttpRequest, pk: int) -> HttpResponse:
    trustee = get_object_or_404(
        Trustee.objects.select_related("election", "election__unit"), election__pk=pk, user=request.user
    )
    election = trustee.election
    form = ShareForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            accept_share(election, trustee, form.cleaned_data["share"], actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if election.phase == Phase.PUBLISHED:
                messages.success(
                    request, _("Your share is accepted and completed the decryption: the result is published.")
                )
            else:
                messages.success(request, _("Your share is accepted. Thank you."))
            return redirect("elections:share-upload", pk=election.pk)
    context = {
        "election": election,
        "trustee": trustee,
        "form": form,
        "share": DecryptionShare.objects.filter(election=election, trustee=trustee).first(),
        "command": f"amanat-trustee decrypt --key trustee-{trustee.index}.key --board board.json --out share.json",
        **tally_status(election),
    }
    return render(request, "elections/tally/share_upload.html", context)


urlpatterns = [
    path("<int:pk>/tally/", manage_tally, name="manage-tally"),
    path("<int:pk>/tally/share/", share_upload, name="share-upload"),
]
