"""Labels of the appeals app's audit verbs, for the audit log."""

from django.utils.translation import gettext_lazy as _

from amanat.appeals.workflow import Transition

VERBS = {
    "appeal.registered": _("Appeal registered"),
    "appeal.assigned": _("Appeal assigned"),
    "appeal.linked": _("Appeals linked"),
    "appeal.rated": _("Appeal rated by the applicant"),
    "appeal.reviewed": _("Appeal reviewed by party control"),
    "appeal.iin_revealed": _("Applicant's IIN revealed"),
    "appeal.attachment_added": _("File attached to an appeal"),
    **{f"appeal.{t.value}": t.label for t in Transition},
}
