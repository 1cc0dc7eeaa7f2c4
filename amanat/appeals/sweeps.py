"""Periodic work for `amanat sweep`: reminders and the escalation ladder.

OWNED BY HELPER G.
"""
