"""Audit verbs of the programme module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "programme.report_submitted": _("Programme report submitted"),
    "programme.report_corrected": _("Programme report corrected"),
    "programme.report_verified": _("Programme report verified"),
    "programme.status_overridden": _("Programme item status set by hand"),
    "programme.imported": _("Programme road map imported"),
    "programme.version_adopted": _("Programme version adopted"),
    "programme.mandate_linked": _("Voters' mandate linked to a programme item"),
    "programme.mandate_unlinked": _("Voters' mandate unlinked from a programme item"),
    "programme.item_created": _("Programme item added"),
    "programme.item_updated": _("Programme item changed"),
    "programme.item_moved": _("Programme item moved in the tree"),
    "programme.indicator_created": _("Programme indicator added"),
    "programme.indicator_updated": _("Programme indicator changed"),
    "programme.control_plan_created": _("Control plan added"),
    "programme.control_plan_updated": _("Control plan changed"),
    "programme.visit_created": _("Monitoring visit recorded"),
    "programme.visit_updated": _("Monitoring visit changed"),
    "programme.visit_photo_added": _("Photo added to a monitoring visit"),
    "programme.visit_photo_deleted": _("Photo removed from a monitoring visit"),
    "programme.recommendation_created": _("Recommendation issued"),
    "programme.recommendation_updated": _("Recommendation changed"),
    "programme.recommendation_closed": _("Recommendation closed"),
    "programme.recommendation_overdue": _("Recommendation became overdue"),
    "programme.recommendation_escalated": _("Overdue recommendation escalated"),
    "programme.post_created": _("Control post opened"),
    "programme.post_updated": _("Control post changed"),
    "programme.post_checked": _("Control post checked"),
}
