from __future__ import annotations

from typing import Any

from tests.browser.conftest import SKIPPED, find_chromium


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SKIPPED or find_chromium() is None:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        for line in SKIPPED or ["Chromium not found (apt-get install chromium): browser journeys were NOT run"]:
            terminalreporter.write_line(line, red=True, bold=True)
