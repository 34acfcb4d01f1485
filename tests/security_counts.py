"""Counts from the security tests, printed in pytest's terminal summary for the release note."""

from __future__ import annotations

from collections import Counter

COUNTS: Counter = Counter()

LABELS = {
    "rules": "routes in the URL map",
    "rule_roles": "routes x roles walked",
    "requests": "requests sent by the route walk",
    "permission_checks": "permission-table checks",
    "csrf_posts": "POST routes refused without a CSRF token",
    "bad_inputs": "bad inputs tried",
    "server_errors": "5xx seen",
}


class CountsSummary:
    """A pytest plugin object: one line per count after the run (shown without -s too)."""

    def pytest_terminal_summary(self, terminalreporter):
        if not COUNTS:
            return
        terminalreporter.write_sep("-", "security walk")
        for key, label in LABELS.items():
            if key in COUNTS or key == "server_errors":
                terminalreporter.write_line(f"{label}: {COUNTS[key]}")


def register(config) -> None:
    """Add the summary once per run."""
    if not config.pluginmanager.has_plugin("bv-security-counts"):
        config.pluginmanager.register(CountsSummary(), "bv-security-counts")
