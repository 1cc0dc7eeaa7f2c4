"""Audit verbs of the akim campaigns module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "akim.campaign_created": _("Akim election campaign added"),
    "akim.campaign_updated": _("Akim election campaign changed"),
    "akim.campaign_deleted": _("Akim election campaign removed"),
    "akim.nominee_chosen": _("Nominee for akim chosen"),
    "akim.campaign_transition": _("Akim campaign status changed"),
    "akim.event_created": _("Akim campaign event added"),
    "akim.event_updated": _("Akim campaign event changed"),
    "akim.event_deleted": _("Akim campaign event removed"),
    "akim.candidate_created": _("Other akim candidate added"),
    "akim.candidate_deleted": _("Other akim candidate removed"),
    "akim.outcome_saved": _("Akim election outcome saved"),
}
