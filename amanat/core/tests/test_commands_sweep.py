"""`amanat sweep` (the periodic jobs, one run at a time) and `amanat scheduler`."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from amanat.accounts.models import LoginFailure
from amanat.core import sweep


@pytest.fixture(autouse=True)
def _lock_files_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def jobs() -> Iterator[dict[str, list[str]]]:
    """Two throw-away jobs that note each run; removed again after the test."""
    runs: dict[str, list[str]] = {"first": [], "second": []}

    @sweep.sweep_job("test.first")
    def first() -> int:
        runs["first"].append("ran")
        return 3

    @sweep.sweep_job("test.second")
    def second() -> None:
        runs["second"].append("ran")

    yield runs
    sweep.unregister("test.first")
    sweep.unregister("test.second")


def _sweep(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sweep", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_sweep_runs_every_registered_job_once_and_prints_a_line_for_each(jobs: dict[str, list[str]]) -> None:
    out, _err = _sweep()

    assert jobs == {"first": ["ran"], "second": ["ran"]}
    lines = out.splitlines()
    assert any(line.startswith("test.first: 3 (") for line in lines)
    assert any(line.startswith("test.second: done (") for line in lines)
    assert any(line.startswith("prune_login_failures: 0 deleted") for line in lines)


@pytest.mark.django_db
def test_sweep_twice_in_a_row_is_harmless(jobs: dict[str, list[str]]) -> None:
    _sweep()
    _sweep()

    assert jobs == {"first": ["ran", "ran"], "second": ["ran", "ran"]}


@pytest.mark.django_db(transaction=True)
def test_second_sweep_while_the_lock_is_held_exits_without_running_anything(jobs: dict[str, list[str]]) -> None:
    with sweep.sweep_lock() as acquired:
        assert acquired
        out, _err = _sweep()

    assert "Another sweep is running; this one did nothing." in out
    assert jobs == {"first": [], "second": []}
    _sweep()  # the lock is free again once the first sweep is over
    assert jobs == {"first": ["ran"], "second": ["ran"]}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_started_at_once_run_the_jobs_once() -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    @sweep.sweep_job("test.slow")
    def slow() -> None:
        runs.append("slow")
        started.set()
        release.wait(10)

    outputs: list[str] = []
    first = threading.Thread(target=lambda: outputs.append(_sweep("--job", "test.slow")[0]))
    try:
        first.start()
        assert started.wait(10), "the first sweep never started its job"
        second_out, _err = _sweep("--job", "test.slow")
        release.set()
        first.join(10)
    finally:
        release.set()
        sweep.unregister("test.slow")

    assert runs == ["slow"]
    assert "Another sweep is running" in second_out
    assert outputs and outputs[0].startswith("test.slow: done")


@pytest.mark.django_db
def test_a_failing_job_is_reported_and_the_others_still_run(jobs: dict[str, list[str]]) -> None:
    @sweep.sweep_job("test.broken")
    def broken() -> None:
        raise RuntimeError("disk full")

    total = len(sweep.registered_jobs())  # every app's jobs run too
    try:
        with pytest.raises(CommandError, match=rf"1 of {total} job\(s\) failed: test.broken"):
            _sweep()
    finally:
        sweep.unregister("test.broken")

    assert jobs == {"first": ["ran"], "second": ["ran"]}


def test_sweep_refuses_an_unknown_job_name(jobs: dict[str, list[str]]) -> None:
    with pytest.raises(CommandError, match="Unknown job"):
        _sweep("--job", "no.such.job")

    assert jobs == {"first": [], "second": []}


def test_sweep_lists_the_registered_jobs(jobs: dict[str, list[str]]) -> None:
    out, _err = _sweep("--list")

    assert {"prune_login_failures", "test.first", "test.second"} <= set(out.split())
    assert jobs == {"first": [], "second": []}


def test_two_apps_cannot_register_the_same_job_name(jobs: dict[str, list[str]]) -> None:
    def other() -> None:
        pass

    with pytest.raises(ValueError, match="already registered"):
        sweep.sweep_job("test.first")(other)


@pytest.mark.django_db
def test_prune_login_failures_deletes_only_failures_older_than_a_day() -> None:
    now = timezone.now()
    LoginFailure.objects.create(login="old@example.kz", at=now - dt.timedelta(days=1, minutes=1))
    LoginFailure.objects.create(login="recent@example.kz", at=now - dt.timedelta(hours=23))

    out, _err = _sweep("--job", "prune_login_failures")

    assert "prune_login_failures: 1 deleted" in out
    assert list(LoginFailure.objects.values_list("login", flat=True)) == ["recent@example.kz"]


@pytest.mark.django_db
def test_scheduler_sweeps_every_interval_until_told_to_stop(jobs: dict[str, list[str]]) -> None:
    out = io.StringIO()

    call_command("scheduler", "--interval", "1", "--max-runs", "2", stdout=out, stderr=io.StringIO())

    assert jobs == {"first": ["ran", "ran"], "second": ["ran", "ran"]}
    assert "Scheduler stopped after 2 sweep(s)." in out.getvalue()


@pytest.mark.django_db
def test_scheduler_keeps_going_after_a_failed_sweep(jobs: dict[str, list[str]]) -> None:
    @sweep.sweep_job("test.broken")
    def broken() -> None:
        raise RuntimeError("boom")

    err = io.StringIO()
    try:
        call_command("scheduler", "--interval", "1", "--max-runs", "2", stdout=io.StringIO(), stderr=err)
    finally:
        sweep.unregister("test.broken")

    assert jobs["first"] == ["ran", "ran"]
    assert err.getvalue().count("Sweep failed") == 2


@pytest.mark.parametrize("args", [["--interval", "0"], ["--interval", "-5"], ["--max-runs", "-1"]])
def test_scheduler_refuses_nonsense_settings(args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("scheduler", *args, stdout=io.StringIO())
