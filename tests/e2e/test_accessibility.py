"""axe-core over the app, in light and dark: every dashboard step, the add-a-person form, the data
page, and three step notebooks as Voila renders them.

Critical and serious violations fail the test; moderate and minor ones are printed (`pytest -s`
shows them, and a failure message includes them). Screenshots of every step, light and dark,
desktop and phone, land in test-artifacts/ to be looked at (`a11y-<scheme>-<size>-<n>-<step>.png`).

The workbook holds the fictional demo people, so the timeline and check-in charts have something
to draw. One Voila serves the notebooks folder: the dashboard and the step notebooks are rendered
under `/voila/render/...` by standalone Voila with the repository's voila.json (and its CSP); the
Binder route itself (jupyter server and its hook) is tested in tests/test_binder.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from workbook.cli import main as cli

from .axe import AXE_VERSION, BLOCKING, blocking, counts, format_violations, inject_axe, violations_by_impact
from .rig import (
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    REPO_ROOT,
    assert_no_traceback,
    free_port,
    start_server,
    stop_server,
    wait_ready,
)

pytestmark = pytest.mark.e2e

SCHEMES = ("light", "dark")
STEP_NOTEBOOKS = {
    "00_start_here": ".wb-person-panel",
    "05_readiness": ".wb-readiness",
    "07_contact_timeline": ".wb-timeline",
}


@pytest.fixture(scope="module")
def notebooks_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving notebooks/ (dashboard and steps) over a workbook holding the demo people."""
    home = tmp_path_factory.mktemp("a11y-home")
    home.chmod(0o700)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli(["--home", str(home), "demo"]) == 0
    port = free_port()
    server = start_server(
        [
            REPO_ROOT / ".venv" / "bin" / "python",
            "-m",
            "voila",
            "notebooks",
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ],
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(home)},
        log_path=tmp_path_factory.mktemp("a11y-log") / "voila.log",
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(server)


def _context(browser: Browser, scheme: str, *, phone: bool = False) -> BrowserContext:
    """A context that tells the page the OS is in light or dark mode (`prefers-color-scheme`)."""
    if phone:
        return browser.new_context(
            viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, color_scheme=scheme
        )
    return browser.new_context(viewport=DESKTOP_VIEWPORT, color_scheme=scheme)


def _settle(page: Page) -> None:
    """Wait until widgets have drawn and every image (the charts) has loaded."""
    page.wait_for_function("() => [...document.images].every(img => img.complete)", timeout=30_000)
    page.wait_for_timeout(300)  # widget views draw a frame after their models arrive


def _screenshot(page: Page, path: Path) -> None:
    """The whole page: Voila scrolls inside #rendered_cells, so `full_page` alone stops at the fold."""
    viewport = page.viewport_size
    height = page.evaluate("() => (document.querySelector('#rendered_cells') || document.body).scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    page.screenshot(path=path)
    page.set_viewport_size(viewport)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _audit(page: Page, where: str, report: list[str], failures: list[str]) -> None:
    """Run axe, note every violation in the report, and the blocking ones in failures."""
    grouped = violations_by_impact(page)
    tally = counts(grouped)
    summary = f"{where}: " + ", ".join(f"{impact} {n}" for impact, n in tally.items())
    report.append(format_violations(grouped, summary=summary))
    if blocking(grouped):
        failures.append(format_violations(grouped, BLOCKING, summary=summary))


def _finish(report: list[str], failures: list[str]) -> None:
    print(f"\naxe-core {AXE_VERSION}\n" + "\n".join(report))
    assert not failures, "axe-core found critical or serious violations:\n" + "\n".join(failures)


def _open_dashboard(page: Page, base: str) -> list[str]:
    page.goto(f"{base}/voila/render/dashboard.ipynb", timeout=60_000)
    wait_ready(page)
    assert_no_traceback(page)
    return page.locator(".wb-stepper button").all_inner_texts()


def _show_step(page: Page, index: int) -> None:
    page.locator(".wb-stepper button").nth(index).click()
    expect(page.locator(f".wb-step-page .wb-step-{index}")).to_be_visible(timeout=30_000)
    _settle(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_dashboard_step_has_no_serious_violations(
    browser: Browser, notebooks_server: str, artifacts: Path, scheme: str
) -> None:
    context = _context(browser, scheme)
    page = context.new_page()
    captions = _open_dashboard(page, notebooks_server)
    assert len(captions) >= 9, f"the stepper shows {captions}"
    assert inject_axe(page) == AXE_VERSION, "the installed axe-core is not the pinned one: run make test"
    report: list[str] = []
    failures: list[str] = []
    for index, caption in enumerate(captions):
        _show_step(page, index)
        _screenshot(page, artifacts / f"a11y-{scheme}-desktop-{index}-{_slug(caption)}.png")
        _audit(page, f"[{scheme}] step {index} {caption}", report, failures)

    # The person form, opened the way a person opens it.
    page.locator(".wb-person-panel button", has_text="Add a person").click()
    expect(page.locator(".wb-situation-form")).to_be_visible()
    _settle(page)
    _screenshot(page, artifacts / f"a11y-{scheme}-desktop-person-form.png")
    _audit(page, f"[{scheme}] add-a-person form", report, failures)
    assert_no_traceback(page)
    context.close()
    _finish(report, failures)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_dashboard_step_reads_on_a_phone(
    browser: Browser, notebooks_server: str, artifacts: Path, scheme: str
) -> None:
    """Phone-sized, light and dark: no sideways scrolling and no contrast failure on any step."""
    context = _context(browser, scheme, phone=True)
    page = context.new_page()
    captions = _open_dashboard(page, notebooks_server)
    report: list[str] = []
    failures: list[str] = []
    wide: list[str] = []
    for index, caption in enumerate(captions):
        _show_step(page, index)
        _screenshot(page, artifacts / f"a11y-{scheme}-phone-{index}-{_slug(caption)}.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_VIEWPORT["width"] + 2:
            wide.append(f"{caption}: {width}px")
        grouped = violations_by_impact(page, {"runOnly": ["color-contrast", "link-in-text-block"]})
        if blocking(grouped):
            failures.append(format_violations(grouped, BLOCKING, summary=f"[{scheme}] phone step {caption}"))
    context.close()
    assert not wide, f"steps scroll sideways on a phone: {wide}"
    _finish(report, failures)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("notebook", list(STEP_NOTEBOOKS))
def test_a_step_notebook_has_no_serious_violations(
    browser: Browser, notebooks_server: str, artifacts: Path, notebook: str, scheme: str
) -> None:
    context = _context(browser, scheme)
    page = context.new_page()
    page.goto(f"{notebooks_server}/voila/render/{notebook}.ipynb", timeout=60_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    expect(page.locator(STEP_NOTEBOOKS[notebook]).first).to_be_visible(timeout=30_000)
    expect(page.locator(".wb-person-panel select").first).to_have_value("Alex (example)")
    _settle(page)
    _screenshot(page, artifacts / f"a11y-{scheme}-notebook-{notebook}.png")
    report: list[str] = []
    failures: list[str] = []
    _audit(page, f"[{scheme}] notebook {notebook}", report, failures)
    assert_no_traceback(page)
    context.close()
    _finish(report, failures)


def test_the_makefile_pins_the_axe_version_the_harness_expects() -> None:
    """The harness names the version it was written against; the Makefile installs exactly that."""
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert f"axe-core@{AXE_VERSION}" in makefile


HARNESS_PROBE = """<!doctype html><html lang="en"><head><title>probe</title></head><body><main>
<h1>A page with three known faults</h1>
<p style="color:#aaaaaa;background:#ffffff">Faint grey text on white.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text">
</main></body></html>"""


def test_the_harness_finds_groups_and_names_known_faults(browser: Browser) -> None:
    """So that "0 violations" above means a clean page, not a harness that looks at nothing."""
    page = browser.new_page()
    page.set_content(HARNESS_PROBE)
    grouped = violations_by_impact(page)
    page.close()
    found = {impact: {v["id"] for v in violations} for impact, violations in grouped.items()}
    assert "color-contrast" in found["serious"]
    assert {"image-alt", "label"} <= found["critical"]
    assert counts(grouped)["serious"] >= 1
    text = format_violations(grouped, BLOCKING)
    assert "[serious] color-contrast x1" in text and "#aaaaaa on #ffffff" in text


# Text colours of the theme and what they are shown on; borders and focus rings need 3:1.
TEXT_ON = {
    "text": ("bg", "surface", "sunken", "support-bg", "button", "button-hover", "button-active"),
    "muted": ("bg", "surface", "sunken", "support-bg"),
    "soft": ("bg", "surface"),
    "error": ("bg", "surface"),
    "saved": ("bg", "surface"),
    "warn": ("bg", "surface"),
    "link": ("bg", "surface", "support-bg"),
    "on-accent": ("primary", "primary-hover", "danger", "warning"),
}
BORDERS = ("control-border", "focus", "primary")  # the current step's outline, the stepper's ticks


@pytest.mark.parametrize("name", ["LIGHT", "DARK"])
def test_every_theme_colour_pair_passes_wcag_aa(name: str) -> None:
    """The figures axe checks on the pages, checked here for every pair, shown or not yet shown."""
    from tests.test_chart import contrast
    from workbook.ui import theme

    colours = getattr(theme, name)
    weak = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
        for fg, backgrounds in TEXT_ON.items()
        for bg in backgrounds
        if contrast(colours[fg], colours[bg]) < 4.5
    ]
    weak += [
        f"{b}: {contrast(colours[b], colours['bg']):.2f}"
        for b in BORDERS
        if contrast(colours[b], colours["bg"]) < 3
    ]
    # The band's colour is the card's title text (and its stripe): 4.5:1 on the card.
    from workbook.content import load_content

    bands = theme.DARK_BANDS if name == "DARK" else theme.band_colours(load_content().rules.bands)
    weak += [
        f"band {band}: {contrast(c, colours['surface']):.2f}"
        for band, c in bands.items()
        if contrast(c, colours["surface"]) < 4.5
    ]
    assert not weak, weak


# In each field, top to bottom: the question, its help, the input, its message. Returns the fields
# that read out of order, and the checkbox labels cut short (wider inside than their box).
_LAYOUT_PROBLEMS = """() => {
  // An element with `display: contents` has no box of its own: measure what it holds instead.
  const rect = el => {
    const box = el.getBoundingClientRect();
    if (box.height > 0) return box;
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const top = el => rect(el).top;
  const shown = el => el && rect(el).height > 0;
  const wrong = [];
  for (const field of document.querySelectorAll('.wb-field')) {
    if (!shown(field)) continue;
    const question = field.querySelector(':scope > * > .widget-label, :scope > .wb-legend');
    const help = field.querySelector(':scope > .wb-help');
    const input = field.querySelector('input, textarea, select');
    const message = field.querySelector(':scope > .wb-saved, :scope > .wb-error');
    const order = [question, help, input].filter(shown);
    for (let i = 1; i < order.length; i++) {
      if (top(order[i]) < top(order[i - 1])) wrong.push('order: ' + field.className);
    }
    if (shown(message) && input && top(message) < top(input)) {
      wrong.push('message above input: ' + field.className);
    }
  }
  for (const group of document.querySelectorAll('.widget-radio-box')) {
    const options = [...group.querySelectorAll('label')].filter(shown);
    for (const option of options) {  // its words taller than its row: they run into the next one
      if (option.scrollHeight > option.clientHeight + 1) wrong.push('overlaps: ' + option.textContent);
    }
  }
  for (const label of document.querySelectorAll('.widget-checkbox label')) {
    if (shown(label) && label.scrollWidth > label.clientWidth + 1) wrong.push('cut: ' + label.textContent);
  }
  return wrong;
}"""


def test_each_field_reads_question_help_input_and_no_choice_is_cut_or_overlaps(
    browser: Browser, notebooks_server: str
) -> None:
    context = _context(browser, "light", phone=True)
    page = context.new_page()
    captions = _open_dashboard(page, notebooks_server)
    problems: list[str] = []
    for index, caption in enumerate(captions):
        _show_step(page, index)
        problems += [f"{caption}: {p}" for p in page.evaluate(_LAYOUT_PROBLEMS)]
    page.locator(".wb-person-panel button", has_text="Add a person").click()
    expect(page.locator(".wb-situation-form")).to_be_visible()
    _settle(page)
    problems += [f"person form: {p}" for p in page.evaluate(_LAYOUT_PROBLEMS)]
    context.close()
    assert not problems, "\n".join(problems)
