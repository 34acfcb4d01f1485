"""docs/security.md says what the code does: its tables are checked against the code."""

from __future__ import annotations

import re

from bv.accounts.permissions import SITE_ACTIONS, TRANSLATION_ACTIONS
from bv.articles.workflow import TRANSITIONS
from bv.config import PACKAGE_ROOT, PROJECT_ROOT
from bv.security import content_security_policy

DOC = (PROJECT_ROOT / "docs" / "security.md").read_text()
ROLES = ("admin", "editor", "translator", "author")


def _section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _rows(section: str) -> list[list[str]]:
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|")
    ]
    return rows[2:]  # after the header and the ---|--- line


def test_the_permission_table_is_the_codes():
    documented = {
        row[0]: {role for role, cell in zip(ROLES, row[1:], strict=True) if cell == "yes"}
        for row in _rows(_section("Who may do what"))
    }
    assert documented == {**TRANSLATION_ACTIONS, **SITE_ACTIONS}


def test_the_documented_policies_are_the_ones_sent():
    rows = {row[0]: row[1:] for row in _rows(_section("Response headers"))}
    public, staff = rows["Content-Security-Policy"]
    assert public == f"`{content_security_policy(staff=False, https=False)}`"
    assert staff == "the same with `frame-ancestors 'none'`"
    assert "frame-ancestors 'none'" in content_security_policy(staff=True, https=False)


def test_every_audit_event_is_documented_and_every_documented_one_exists():
    documented = {row[0].strip("`") for row in _rows(_section("What is logged"))}
    written = set()
    for path in PACKAGE_ROOT.rglob("*.py"):
        text = path.read_text()
        written |= set(re.findall(r'\brecord\(\s*"([a-z_]+\.[a-z_]+)"', text))
        if re.search(r'\brecord\(\s*f"translation\.\{action\}"', text):
            written |= {f"translation.{action}" for action in TRANSITIONS}
    assert documented == written
