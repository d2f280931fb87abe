"""Three of the step notebooks as a person reads them, rendered in Chromium, saved as screenshots.

Each must render top to bottom with its prose and its widgets and no error; the screenshots in
test-artifacts/ are there to be looked at.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from workbook.cli import main as cli

from .rig import REPO_ROOT, assert_no_traceback, free_port, start_server, stop_server

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
    port = free_port()
    command = [
        str(REPO_ROOT / ".venv" / "bin" / "python") if (REPO_ROOT / ".venv").exists() else "python",
        "-m",
        "voila",
        "notebooks",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
    ]
    server = start_server(
        command,
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(home)},
        log_path=tmp_path_factory.mktemp("screens-log") / "voila.log",
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(server)


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
