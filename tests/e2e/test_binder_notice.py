"""The Binder notice in Chromium: shown when the kernel's environment says Binder, on standalone
Voila and on the server-extension route Binder links open (`/voila/render/...`); its one click
saves the workbook as stored; and it is absent when the app runs locally.

Binder itself cannot run here, so its sign is set by hand: `BINDER_LAUNCH_HOST`, one of the
variables BinderHub puts in every session's environment (workbook/ui/session.py).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from workbook.content import load_content
from workbook.store import DB_NAME, HOME_ENV, Store
from workbook.transfer import dumps
from workbook.ui.session import BINDER_VARIABLES

from .rig import (
    DASHBOARD_NOTEBOOK,
    REPO_ROOT,
    add_person,
    assert_no_traceback,
    free_port,
    start_server,
    stop_server,
    voila_command,
    wait_ready,
)

pytestmark = pytest.mark.e2e

WORDS = load_content().binder_notice
BINDER_ENV = {"BINDER_LAUNCH_HOST": "https://mybinder.org/"}


def jupyter_server_command(port: int) -> list[str]:
    """The server Binder runs, from this venv; the page is then the Voila extension's route."""
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "server",
        "--no-browser",
        f"--port={port}",
        "--IdentityProvider.token=",
        "--ServerApp.ip=127.0.0.1",
    ]
    if os.geteuid() == 0:  # Binder runs as jovyan; only a root test machine needs this
        command.append("--allow-root")
    return command


Serve = Callable[[str, dict[str, str]], tuple[str, Path]]


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """`serve(kind, extra_env) -> (page URL, WORKBOOK_HOME)`: "voila" (standalone) or "route" (jupyter
    server, opened at /voila/render/). Each gets its own empty workbook and an environment with
    no Binder variable but those given. All are stopped at the end of the module."""
    servers = []

    def start(kind: str, extra_env: dict[str, str]) -> tuple[str, Path]:
        work = tmp_path_factory.mktemp(f"binder-notice-{kind}")
        home = work / "home"
        home.mkdir(mode=0o700)
        port = free_port()
        env = {key: value for key, value in os.environ.items() if key not in BINDER_VARIABLES}
        env |= {HOME_ENV: str(home), **extra_env}
        if kind == "voila":
            command, url = voila_command(REPO_ROOT / DASHBOARD_NOTEBOOK, port), f"http://127.0.0.1:{port}/"
        else:
            command = jupyter_server_command(port)
            url = f"http://127.0.0.1:{port}/voila/render/{DASHBOARD_NOTEBOOK}"
        servers.append(start_server(command, port=port, cwd=REPO_ROOT, env=env, log_path=work / "server.log"))
        return url, home

    yield start
    for server in servers:
        stop_server(server)


def assert_notice(page: Page) -> None:
    notice = page.locator(".wb-binder-notice")
    expect(notice).to_have_count(1)
    expect(notice).to_be_visible()
    # It sits under the app's own title, before anything a person fills in.
    top = notice.bounding_box()["y"]
    assert page.locator(".wb-header").bounding_box()["y"] < top
    assert top < page.locator(".wb-person-panel").bounding_box()["y"]
    expect(page.get_by_role("region", name=WORDS.title)).to_be_visible()
    expect(page.get_by_role("heading", name=WORDS.title, level=2)).to_be_visible()
    for paragraph in WORDS.paragraphs:
        expect(notice).to_contain_text(paragraph)
    expect(notice.get_by_role("link", name=WORDS.download, exact=True)).to_be_visible()


def test_on_binder_the_notice_shows_and_its_one_click_saves_the_workbook(
    page: Page, serve: Serve, tmp_path: Path, artifacts: Path
) -> None:
    url, home = serve("voila", BINDER_ENV)
    page.goto(url)
    wait_ready(page)
    assert_notice(page)
    assert_no_traceback(page)
    page.locator(".wb-binder-notice").screenshot(path=artifacts / "binder_notice.png")

    add_person(page, "Robin")
    # The link is rebuilt within about a second of each saved change (binder_notice.py).
    page.wait_for_function(
        "() => atob(document.querySelector('.wb-binder-download').href.split(',')[1]).includes('Robin')",
        timeout=30_000,
    )
    with page.expect_download() as caught:
        page.get_by_role("link", name=WORDS.download, exact=True).click()
    saved = tmp_path / "download.json"
    caught.value.save_as(saved)

    store = Store(home / DB_NAME)
    try:
        assert json.loads(saved.read_text("utf-8")) == json.loads(dumps(store.export_people()))
    finally:
        store.close()
    assert caught.value.suggested_filename.endswith(".json")


def test_on_the_binder_route_the_notice_shows_too(page: Page, serve: Serve) -> None:
    url, _home = serve("route", BINDER_ENV)
    page.goto(url)
    wait_ready(page)
    assert_notice(page)
    assert_no_traceback(page)


def test_run_locally_the_dashboard_shows_no_binder_notice(page: Page, serve: Serve) -> None:
    url, _home = serve("voila", {})
    page.goto(url)
    wait_ready(page)
    expect(page.locator(".wb-person-panel")).to_be_visible()  # the page is there, only the notice not
    expect(page.locator(".wb-binder-notice")).to_have_count(0)
    expect(page.get_by_text(WORDS.title)).to_have_count(0)
