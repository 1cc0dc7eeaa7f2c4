"""Every string a person reads exists in Kazakh and Russian.

Checks each app's catalogues: no entry left empty or fuzzy, placeholders kept, and the compiled
.mo files (committed, so a machine without gettext still shows translations) match the .po.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parents[1] / "amanat"
LANGUAGES = ("kk", "ru")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")


def _unquote(chunks: list[str]) -> str:
    return "".join(bytes(c, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") for c in chunks)


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr list, context and flags."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def flush() -> None:
        if "msgid" in entry:
            entries.append(
                {
                    "msgctxt": _unquote(entry.get("msgctxt", [])),
                    "msgid": _unquote(entry["msgid"]),
                    "msgid_plural": _unquote(entry.get("msgid_plural", [])),
                    "msgstr": [_unquote(v) for k, v in sorted(entry.items()) if k.startswith("msgstr")],
                    "fuzzy": entry.get("fuzzy", False),
                }
            )

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            entry, field = {}, None
            continue
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if match:
            field = match.group(1)
            entry[field] = [match.group(2)]
        elif line.startswith('"') and field:
            entry[field].append(line[1:-1])
    flush()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def _placeholders_kept(entry: dict) -> bool:
    """Singular: the same placeholders as the English. Plural forms: none the English lacks."""
    english = set(PLACEHOLDER.findall(entry["msgid"])) | set(PLACEHOLDER.findall(entry["msgid_plural"]))
    if not entry["msgid_plural"]:
        return set(PLACEHOLDER.findall(entry["msgstr"][0])) == english
    return all(set(PLACEHOLDER.findall(form)) <= english for form in entry["msgstr"])


def catalogues() -> list[Path]:
    tools = APPS_DIR.parent / "votecrypto" / "locale"  # the offline election tools carry their own
    return sorted([*APPS_DIR.glob("*/locale/*/LC_MESSAGES/django.po"), *tools.glob("*/LC_MESSAGES/votecrypto.po")])


def apps_with_strings() -> list[str]:
    apps = []
    for app in sorted(p for p in APPS_DIR.iterdir() if (p / "apps.py").exists()):
        has_templates = any(app.glob("templates/**/*.html"))
        code = "".join(p.read_text(encoding="utf-8") for p in app.rglob("*.py") if "tests" not in p.parts)
        if has_templates or "gettext" in code:
            apps.append(app.name)
    return apps


@pytest.mark.parametrize("app", apps_with_strings())
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_app_with_strings_has_a_catalogue(app: str, language: str) -> None:
    assert (APPS_DIR / app / "locale" / language / "LC_MESSAGES" / "django.po").exists(), (
        f"amanat/{app} has user-facing strings but no {language} catalogue (run `make messages`)"
    )


@pytest.mark.parametrize(
    "po", [p for p in catalogues() if p.parts[-3] in LANGUAGES], ids=lambda p: "/".join(p.parts[-5:-2])
)
def test_catalogue_is_complete_and_compiled(po: Path) -> None:
    entries = parse_po(po)
    untranslated = [e["msgid"] for e in entries if e["fuzzy"] or not e["msgstr"] or not all(e["msgstr"])]
    assert not untranslated, f"{po}: {len(untranslated)} entries untranslated or fuzzy, e.g. {untranslated[:5]}"
    broken = [e["msgid"] for e in entries if not _placeholders_kept(e)]
    assert not broken, f"{po}: placeholders differ from the English in {broken[:5]}"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages` and commit it"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for e in entries:
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] else e["msgid"]
        if e["msgid_plural"]:
            assert compiled.ngettext(key, e["msgid_plural"], 1) in e["msgstr"], (
                f"{mo} is older than {po}: {e['msgid']!r}"
            )
        else:
            assert compiled.gettext(key) == e["msgstr"][0], f"{mo} is older than {po}: {e['msgid']!r}"
