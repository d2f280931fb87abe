"""The workbook remembers who it is about: the person chosen last opens every next page.

Working through the notebooks in order is the main way people use the workbook. With three people
in it, a person chooses the last of them in step 0; steps 2 and 7 and the dashboard, each in a
kernel of its own (some pre-heated before the choice was made), must open on that person, or their
answers about one person would be saved under another.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import DB_NAME, Store

from .rig import (
    REPO_ROOT,
    assert_no_traceback,
    free_port,
    start_server,
    stop_server,
    voila_command,
    wait_ready,
)

pytestmark = pytest.mark.e2e

PEOPLE = ("Sam", "Alex", "Jo")  # added out of order: the selector sorts them Alex, Jo, Sam
LOAD_TIMEOUT_MS = 120_000  # the server pre-heats a kernel for every notebook at once: slow on a busy machine


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("remembered-home")
    folder.chmod(0o700)
    with Store(folder / DB_NAME) as store:
        for name in PEOPLE:
            store.add_person(
                Situation(
                    name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
                )
            )
    return folder


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving the notebooks folder (pre-heating as voila.json says) over that workbook."""
    port = free_port()
    process = start_server(
        voila_command(Path("notebooks"), port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(home)},
        log_path=tmp_path_factory.mktemp("remembered-log") / "voila.log",
    )
    try:
        yield f"http://127.0.0.1:{port}/voila/render"
    finally:
        stop_server(process)


def open_notebook(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=LOAD_TIMEOUT_MS)
    expect(selector(page)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    return page


def selector(page: Page):
    return page.locator(".wb-person-panel select").first


def stored_choice(home: Path, expected: str, timeout_s: float = 15.0) -> str | None:
    """The choice as the workbook holds it, once it is `expected` (or the timeout has passed)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with Store(home / DB_NAME) as store:
            chosen = store.chosen_person()
        if chosen == expected or time.monotonic() > deadline:
            return chosen
        time.sleep(0.2)


def test_the_person_chosen_in_step_0_opens_every_later_page(
    browser: Browser, server: str, home: Path
) -> None:
    start = open_notebook(browser, f"{server}/00_start_here.ipynb")
    expect(selector(start)).to_have_value("Alex")  # nothing chosen yet: the first, as before
    selector(start).select_option("Sam")  # the last of the three
    assert stored_choice(home, "Sam") == "Sam"
    start.close()

    for notebook in ("02_check_your_motives", "07_contact_timeline"):
        page = open_notebook(browser, f"{server}/{notebook}.ipynb")
        expect(selector(page)).to_have_value("Sam")
        assert_no_traceback(page)
        page.close()

    dashboard = browser.new_page(viewport={"width": 1280, "height": 900})
    dashboard.goto(f"{server}/dashboard.ipynb", timeout=LOAD_TIMEOUT_MS)
    wait_ready(dashboard, timeout=LOAD_TIMEOUT_MS)
    expect(selector(dashboard)).to_have_value("Sam")
    selector(dashboard).select_option("Jo")  # a choice in the dashboard carries too
    assert stored_choice(home, "Jo") == "Jo"
    assert_no_traceback(dashboard)
    dashboard.close()

    step_two = open_notebook(browser, f"{server}/02_check_your_motives.ipynb")
    expect(selector(step_two)).to_have_value("Jo")
    step_two.close()
