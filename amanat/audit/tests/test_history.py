"""`{% object_history obj %}`: who, when, what (a readable verb), changed fields before → after."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from amanat.audit import services
from amanat.audit.services import REDACTED, record, register_verbs, verb_label

pytestmark = pytest.mark.django_db


def render_history(obj: Any) -> str:
    return Template("{% load audit %}{% object_history obj %}").render(Context({"obj": obj}))


@pytest.fixture(autouse=True)
def _own_verb_registry(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "_VERB_LABELS", dict(services._VERB_LABELS))


def test_history_shows_who_what_and_changed_fields_with_their_labels(tree: Any, make_user: Any) -> None:
    actor = make_user(full_name="Dana Secretary")
    register_verbs({"tests.unit_renamed": "Unit renamed"})
    record(
        actor=actor,
        verb="tests.unit_renamed",
        target=tree.makat,
        changes={"name_ru": ["Старое имя", "Новое имя"], "hosts_reception": [False, True], "phone": ["", "+7 7122"]},
    )
    html = render_history(tree.makat)
    assert "Dana Secretary" in html
    assert "Unit renamed" in html
    assert "Name (ru)" in html  # the field's verbose name, not name_ru
    assert "Старое имя" in html and "Новое имя" in html
    assert "→" in html
    assert "Hosts a public reception" in html and "no" in html and "yes" in html
    assert "—" in html  # an empty value is shown as a dash
    assert "<time" in html


def test_unknown_verb_is_shown_as_its_code_and_system_actor_is_named(tree: Any) -> None:
    record(actor=None, verb="tests.mystery", target=tree.makat)
    html = render_history(tree.makat)
    assert "tests.mystery" in html
    assert "System" in html
    assert verb_label("tests.mystery") == "tests.mystery"


def test_verb_labels_can_be_registered_from_an_enum(tree: Any) -> None:
    from django.db import models

    class Verbs(models.TextChoices):
        CLOSED = "tests.closed", "Appeal closed"

    register_verbs({v.value: v.label for v in Verbs})
    record(actor=None, verb=Verbs.CLOSED, target=tree.makat)
    assert "Appeal closed" in render_history(tree.makat)


def test_secret_fields_show_only_that_they_changed(tree: Any) -> None:
    record(actor=None, verb="tests.secret", target=tree.makat, changes={"phone": [REDACTED, REDACTED]})
    html = render_history(tree.makat)
    assert "(hidden)" in html
    assert REDACTED not in html


def test_history_shows_only_this_objects_events_newest_first(tree: Any) -> None:
    record(actor=None, verb="tests.first", target=tree.makat)
    record(actor=None, verb="tests.about_inder", target=tree.inder)
    record(actor=None, verb="tests.second", target=tree.makat)
    html = render_history(tree.makat)
    assert "tests.about_inder" not in html
    assert html.index("tests.second") < html.index("tests.first")


def test_details_are_shown_when_nothing_changed_field_by_field(tree: Any) -> None:
    record(actor=None, verb="tests.granted", target=tree.makat, data={"role": "auditor"})
    assert "auditor" in render_history(tree.makat)


def test_an_object_without_history_says_so(tree: Any) -> None:
    assert "No recorded changes yet." in render_history(tree.inder)
    assert "No recorded changes yet." in render_history(None)


def test_history_costs_one_query_however_long(tree: Any, django_assert_num_queries: Any) -> None:
    for n in range(20):
        record(actor=None, verb="tests.bump", target=tree.makat, changes={"phone": [str(n), str(n + 1)]})
    render_history(tree.makat)  # content types are cached after the first use
    with django_assert_num_queries(1):
        render_history(tree.makat)
