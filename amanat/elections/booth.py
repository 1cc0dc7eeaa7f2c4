"""The browser booth's files and their SHA-256, which the site publishes.

The booth encrypts on the voter's device with the vendored noble bundle; a voter, an observer or
a journalist can compare the published hashes with the files their browser received and with a
rebuild of the bundle from tools/booth (pinned versions, deterministic output).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders

# In the order the page loads them: the entry module imports the core, the core the bundle.
BOOTH_FILES = (
    "elections/booth.js",
    "elections/booth-core.js",
    "vendor/noble/noble-secp256k1.js",
)


@functools.cache
def _assets() -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    for path in BOOTH_FILES:
        found = finders.find(path)
        if not found:
            raise FileNotFoundError(f"booth file missing from the static files: {path}")
        digest = hashlib.sha256(Path(found).read_bytes()).digest()
        rows.append((Path(path).name, path, digest.hex(), "sha256-" + base64.b64encode(digest).decode()))
    return tuple(rows)


def booth_assets() -> list[dict[str, str]]:
    """Each booth file: name, static path, sha256 (hex) and integrity (SRI form). Computed once
    per process from the files the static finders serve."""
    return [
        {"name": name, "path": path, "sha256": sha256, "integrity": integrity}
        for name, path, sha256, integrity in _assets()
    ]
