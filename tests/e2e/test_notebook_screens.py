"""Three of the step notebooks as a person reads them, rendered in Chromium, saved as screenshots.

Each must render top to bottom with its prose and its widgets and no error; the screenshots in
test-artifacts/ are there to be looked at. Each ends with a link that opens the next step, on both
ways Voila serves the notebooks: standalone (`voila notebooks`, at /voila/render/NN.ipynb) and as
the Jupyter server's extension that Binder uses (at /voila/render/notebooks/NN.ipynb).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from workbook.cli import main as cli

from .rig import PHONE_VIEWPORT, REPO_ROOT, assert_no_traceback, serve_over, voila_over

pytestmark = pytest.mark.e2e

SCREENS = {
    "00_start_here": ("Start here", ".wb-person-panel"),
    "05_readiness": ("Readiness", ".wb-readiness"),
    "07_contact_timeline": ("Contact timeline", ".wb-timeline"),
}


@pytest.fixture(scope="module")
def notebooks_server(tmp_path_factory) -> Iterator[str]:
    """Voila serving the notebooks folder over a workbook holding the fictional demo people."""
    home = tmp_path_factory.mktemp("screens-home")
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli(["--home", str(home), "demo"]) == 0
    # Voila over the notebooks folder (no path in the address but the notebook's own).
    with voila_over(home, tmp_path_factory.mktemp("screens-log"), REPO_ROOT / "notebooks") as address:
        yield address.rstrip("/")


@pytest.mark.parametrize("notebook", list(SCREENS))
def test_a_step_notebook_reads_top_to_bottom(browser, notebooks_server, artifacts, notebook):
    title, widget = SCREENS[notebook]
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{notebooks_server}/voila/render/{notebook}.ipynb", timeout=60_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    expect(page.locator("h1").first).to_contain_text(title)
    expect(page.locator(widget).first).to_be_visible(timeout=30_000)
    expect(page.locator(".wb-person-panel select").first).to_have_value("Alex (example)")
    page.wait_for_timeout(500)  # let the chart image settle before the picture is taken
    page.screenshot(path=artifacts / f"notebook-{notebook}.png", full_page=True)
    assert_no_traceback(page)
    # The "explore your own data" cells are for JupyterLab (tag `jupyterlab-only`, removed by
    # voila.json's TagRemovePreprocessor): the app never shows code words or a raw table.
    body = page.locator("body").inner_text()
    assert "Explore your own data" not in body and "pandas" not in body
    page.close()


@pytest.fixture(scope="module")
def server_route(tmp_path_factory) -> Iterator[str]:
    """The Jupyter server from the repository root with Voila's extension, as on Binder."""
    home = tmp_path_factory.mktemp("route-home")

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            f"--port={port}",
            "--IdentityProvider.token=",
            "--ServerApp.ip=127.0.0.1",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ]

    with serve_over(home, tmp_path_factory.mktemp("route-log"), command) as address:
        yield f"{address}voila/render/notebooks"


def _follow_the_last_link(browser, base: str, notebook: str, words: str, opens: str, title: str) -> None:
    page = browser.new_page(viewport=PHONE_VIEWPORT)
    page.goto(f"{base}/{notebook}.ipynb", timeout=60_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    link = page.get_by_role("link", name=words)
    expect(link).to_be_visible(timeout=30_000)
    link.click()
    expect(page).to_have_url(re.compile(re.escape(f"{base}/{opens}.ipynb") + "$"), timeout=30_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    expect(page.locator("h1").first).to_contain_text(title)
    assert_no_traceback(page)
    page.close()


@pytest.mark.parametrize("route", ["standalone", "server"])
def test_each_notebook_ends_with_a_link_that_opens_the_next_step(
    browser, notebooks_server, server_route, route
):
    base = f"{notebooks_server}/voila/render" if route == "standalone" else server_route
    _follow_the_last_link(
        browser, base, "00_start_here", "Next: Understand your decision", "01_understand_your_decision", "1."
    )
    # After the last step, back to the readiness card.
    _follow_the_last_link(
        browser, base, "09_if_the_answer_is_no", "Back to your readiness card", "05_readiness", "5. Readiness"
    )
