"""The campaign's transition table: status -> the statuses it may move to.

planning → nominee chosen → registered (by the territorial election commission) → campaigning →
result. A chosen nominee may be reconsidered (back to planning) before registration; a campaign
may be withdrawn at any point before the result. The result comes only with a final outcome
(`services.outcome_save`); result and withdrawn are final.
"""

from __future__ import annotations

from amanat.akim.choices import CampaignStatus

S = CampaignStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNING: frozenset({S.NOMINEE_CHOSEN, S.WITHDRAWN}),
    S.NOMINEE_CHOSEN: frozenset({S.REGISTERED, S.PLANNING, S.WITHDRAWN}),
    S.REGISTERED: frozenset({S.CAMPAIGNING, S.WITHDRAWN}),
    S.CAMPAIGNING: frozenset({S.RESULT, S.WITHDRAWN}),
    S.RESULT: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Statuses shown on the public site: the party has named its nominee.
PUBLIC = (S.NOMINEE_CHOSEN, S.REGISTERED, S.CAMPAIGNING, S.RESULT)
# Statuses in which the campaign's facts (events, other candidates) may still change.
OPEN = (S.PLANNING, S.NOMINEE_CHOSEN, S.REGISTERED, S.CAMPAIGNING)


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
