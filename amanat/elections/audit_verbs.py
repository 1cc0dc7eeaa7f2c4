"""Audit verbs of the elections module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "elections.election_created": _("Election created"),
    "elections.election_updated": _("Election changed"),
    "elections.phase_changed": _("Election moved to another phase"),
    "elections.commission_changed": _("Election commission changed"),
    "elections.trustee_named": _("Trustee named"),
    "elections.candidate_proposed": _("Candidate proposed"),
    "elections.candidate_decided": _("Nomination accepted, declined, registered or refused"),
    "elections.census_frozen": _("Electoral census frozen"),
    "elections.census_downloaded": _("Electoral census downloaded by the commission's secretary"),
    "elections.candidate_profile_changed": _("Candidate's biography or programme changed"),
    "elections.credentials_published": _("Public credentials published"),
    "elections.key_ceremony": _("Trustee key ceremony step"),
    "elections.manifest_frozen": _("Election rules frozen"),
    "elections.tallied": _("Encrypted tally computed"),
    "elections.share_accepted": _("Trustee decryption share accepted"),
    "elections.result_published": _("Election result published"),
}
