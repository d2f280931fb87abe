"""axe-core, the accessibility engine behind the browsers' own audits, run over a Playwright page.

`violations_by_impact(page)` injects axe (pinned by the Makefile's `$(VENV)/.test` target, from
npm, into `.venv/node`), runs it over the whole document and returns its violations grouped by
impact; `format_violations(...)` turns them into one line per rule (id, how many elements, one
target) for a test's output or failure message.

    grouped = violations_by_impact(page)
    print(format_violations(grouped))
    assert not blocking(grouped), format_violations(grouped, BLOCKING)

How axe gets onto the page: `page.add_script_tag(path=...)`. Playwright reads the file and adds it
as an inline `<script>`, which the app's CSP (voila.json: `script-src 'self' 'unsafe-inline'`)
allows, so neither `bypass_csp=True` nor `page.evaluate` with the file's text is needed; the page
is tested under the very policy a person gets. Should the CSP ever drop 'unsafe-inline', the
injection fails loudly here (a CSP error, `axe` undefined) rather than passing silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from .rig import REPO_ROOT

__all__ = [
    "AXE_JS",
    "AXE_VERSION",
    "BLOCKING",
    "IMPACTS",
    "Grouped",
    "blocking",
    "counts",
    "format_violations",
    "inject_axe",
    "violations_by_impact",
]

AXE_VERSION = (
    "4.14.1"  # keep equal to the Makefile's `axe-core@...` pin (tests/e2e/test_accessibility.py checks)
)
AXE_JS = REPO_ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")  # the test fails on these; the others are printed

# impact -> axe's violation objects (id, impact, help, helpUrl, nodes[{target, html, ...}])
Grouped = dict[str, list[dict[str, Any]]]

# Only violations come back (passes and incompletes are large and unused), and a rule's every node
# is listed, so counts are true counts.
_RUN = """async (options) => {
    const results = await axe.run(document, options);
    // Widget ids are random uuids, so each node also gets the wb-* classes of its nearest
    // ancestors that have some: that names the widget to fix.
    for (const violation of results.violations) {
        for (const node of violation.nodes) {
            let el = null;
            try { el = document.querySelector(node.target[node.target.length - 1]); } catch (e) {}
            const names = [];
            for (; el && names.length < 2; el = el.parentElement) {
                const own = [...el.classList].filter(c => c.startsWith("wb-"));
                if (own.length) names.push("." + own.join("."));
            }
            node.where = names.reverse().join(" ");
        }
    }
    return {version: axe.version, violations: results.violations};
}"""


def inject_axe(page: Page, axe_js: Path = AXE_JS) -> str:
    """Put axe on the page once (a reload or navigation needs it again); return its version."""
    if not axe_js.is_file():
        pytest.fail(
            f"axe-core is not installed at {axe_js}: `make test` installs it "
            f"(npm install --prefix .venv/node axe-core@{AXE_VERSION}).",
            pytrace=False,
        )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js))
    version = page.evaluate("() => typeof window.axe === 'undefined' ? null : axe.version")
    if version is None:
        pytest.fail("axe-core did not load on the page (blocked by the page's CSP?)", pytrace=False)
    return version


def violations_by_impact(page: Page, options: Mapping[str, Any] | None = None) -> Grouped:
    """Run axe over the whole document as it is now; violations grouped by impact, worst first.

    `options` are axe.run's (e.g. `{"runOnly": ["color-contrast"]}`); by default every rule runs.
    Every impact is a key, so `grouped["serious"]` is a list even when empty.
    """
    inject_axe(page)
    run_options = {"resultTypes": ["violations"], **(options or {})}
    result = page.evaluate(_RUN, run_options)
    grouped: Grouped = {impact: [] for impact in IMPACTS}
    for violation in result["violations"]:
        grouped.setdefault(violation.get("impact") or "minor", []).append(violation)
    return grouped


def counts(grouped: Grouped) -> dict[str, int]:
    """impact -> how many elements fail (a rule failing on 29 fields counts 29)."""
    return {impact: sum(len(v["nodes"]) for v in found) for impact, found in grouped.items()}


def blocking(grouped: Grouped, impacts: Iterable[str] = BLOCKING) -> list[dict[str, Any]]:
    """The violations that fail a test (critical and serious by default)."""
    return [violation for impact in impacts for violation in grouped.get(impact, [])]


def _target(node: Mapping[str, Any]) -> str:
    """A node's CSS selector; axe gives a list (one entry per shadow root / frame)."""
    target = " >> ".join(str(part) for part in node.get("target") or ["?"])
    return f"{node['where']} {target}" if node.get("where") else target


def format_violations(grouped: Grouped, impacts: Iterable[str] = IMPACTS, *, summary: str = "") -> str:
    """One line per rule: impact, rule id, element count, one target and what axe says about it.

    For contrast failures, the measured colours and ratio of that one element are added, since
    they say what to fix.
    """
    lines = [summary] if summary else []
    for impact in impacts:
        for violation in grouped.get(impact, []):
            nodes = violation["nodes"]
            first = nodes[0] if nodes else {}
            line = f"  [{impact}] {violation['id']} x{len(nodes)}: {_target(first)} ({violation['help']})"
            data = next(
                (c.get("data") for c in first.get("any", []) if isinstance(c.get("data"), dict)), None
            )
            if data and data.get("fgColor"):
                line += (
                    f" - {data['fgColor']} on {data.get('bgColor')} = {data.get('contrastRatio')}"
                    f", needs {data.get('expectedContrastRatio')}"
                )
            elif data and data.get("contrastRatio"):  # link-in-text-block: the link against its text
                line += f" - contrast with the text around it {data['contrastRatio']}"
            lines.append(line)
    if len(lines) == (1 if summary else 0):
        lines.append("  (none)")
    return "\n".join(lines)
