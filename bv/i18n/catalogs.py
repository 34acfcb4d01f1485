"""Catalog maintenance: extract, update, compile and the completeness check CI runs."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bv.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"
BABEL_CFG = PROJECT_ROOT / "babel.cfg"
REQUIRED = ("sq", "mk")
KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2"]

# strings that are honestly the same in a catalog (names, symbols); anything else equal is a copy
SAME_ALLOWED = {"BalkanView", "RSS", "%(name)s", "{{ name }}", "SQ", "MK", "EN", "XLIFF", "PO", "OK"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")

# who answers for each catalog: written into its header on every update, so that gettext's
# template defaults ("FULL NAME <EMAIL@ADDRESS>") never come back and `msgfmt -c` stays quiet
NEWSROOM_ADDRESS = "newsroom@balkanview.example"
CATALOG_TEAMS = {
    "sq": f"BalkanView Albanian desk <{NEWSROOM_ADDRESS}>",
    "mk": f"BalkanView Macedonian desk <{NEWSROOM_ADDRESS}>",
}


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT_FILE) -> None:
    """Collect every marked string into the template."""
    keyword_args = [arg for k in KEYWORDS for arg in ("-k", k)]
    _pybabel(
        "extract", "-F", str(BABEL_CFG), *keyword_args, "--no-location", "--sort-output",
        "--project", "bv", "--copyright-holder", "BalkanView",
        "--msgid-bugs-address", NEWSROOM_ADDRESS,
        "-o", str(output), str(PROJECT_ROOT),
    )


def update() -> None:
    """Merge the template into every catalog."""
    _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete")
    for locale in REQUIRED:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            set_header(po, locale)


def set_header(path: Path, locale: str, now: datetime | None = None) -> None:
    """Put the desk and the revision date in a catalog's header, in place of gettext's defaults."""
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    team = CATALOG_TEAMS.get(locale, f"BalkanView {locale} desk <{NEWSROOM_ADDRESS}>")
    catalog.last_translator = team
    catalog.language_team = team
    catalog.msgid_bugs_address = NEWSROOM_ADDRESS
    catalog.revision_date = now or datetime.now(UTC)
    catalog.header_comment = catalog.header_comment.replace("FIRST AUTHOR <EMAIL@ADDRESS>", team)
    with path.open("wb") as f:
        write_po(f, catalog, ignore_obsolete=True)


def compile_catalogs() -> None:
    """Build the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@dataclass
class CatalogReport:
    """What `translate check` found."""

    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_catalog(path: Path, locale: str) -> list[str]:
    """Every entry translated, not fuzzy, not copied from English, placeholders intact."""
    problems = []
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        label = f"{locale}: {ids[0]!r}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        if not all(strings):
            problems.append(f"{label} is untranslated")
            continue
        wanted = {m.group(0) for m in PLACEHOLDER.finditer(ids[-1])} | {
            m.group(0) for m in PLACEHOLDER.finditer(ids[0])
        }
        for index, s in enumerate(strings):
            found = {m.group(0) for m in PLACEHOLDER.finditer(s)}
            # only the singular may leave the number out ("one article"); other forms never
            singular = len(ids) > 1 and index == 0
            if found != wanted and not (singular and found <= wanted):
                form = f" msgstr[{index}]" if len(ids) > 1 else ""
                problems.append(f"{label}{form} placeholders {sorted(found)} != {sorted(wanted)}")
        if any(s == i for s in strings for i in ids) and ids[0] not in SAME_ALLOWED:
            problems.append(f"{label} is copied from English")
        letters = PLACEHOLDER.sub("", strings[0])
        if locale == "mk" and re.search(r"[A-Za-z]{3,}", letters) and not CYRILLIC.search(letters):
            problems.append(f"{label} has no Cyrillic")
    return problems


def check() -> CatalogReport:
    """Stale template, stale catalogs, incomplete or broken translations."""
    report = CatalogReport()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        with fresh.open("rb") as f:
            fresh_ids = {m.id for m in read_po(f) if m.id}
        with POT_FILE.open("rb") as f:
            committed_ids = {m.id for m in read_po(f) if m.id}
        if fresh_ids != committed_ids:
            added = sorted(str(i) for i in fresh_ids - committed_ids)[:5]
            removed = sorted(str(i) for i in committed_ids - fresh_ids)[:5]
            report.problems.append(
                f"messages.pot is stale: run `flask --app bv translate extract` and `update` "
                f"(new: {added}, gone: {removed})"
            )
    for locale in REQUIRED:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            report.problems.append(f"{locale}: catalog missing")
            continue
        with po.open("rb") as f:
            catalog_ids = {m.id for m in read_po(f) if m.id}
        if catalog_ids != committed_ids:
            report.problems.append(f"{locale}: catalog is stale against messages.pot")
        report.problems.extend(check_catalog(po, locale))
    return report
