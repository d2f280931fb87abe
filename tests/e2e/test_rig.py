"""The rig proves itself on the smallest app, and proves that voila.json is what gets served."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Page, expect

from . import rig
from .rig import (
    REPO_ROOT,
    TRACEBACK_CANARY,
    StartVoila,
    assert_no_traceback,
    free_port,
    require_chromium,
    start_server,
    stop_server,
    voila_command,
    wait_ready,
    write_failing_notebook,
)

pytestmark = pytest.mark.e2e

ONE_SLIDER = "tests/e2e/fixtures/one_slider.ipynb"


def test_moving_the_slider_with_the_keyboard_updates_the_label(
    page: Page, start_voila: StartVoila, artifacts: Path
) -> None:
    page.goto(start_voila(ONE_SLIDER))
    wait_ready(page)
    echo = page.locator(".wb-echo")
    expect(echo).to_have_text("Echo: 3")

    page.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")

    expect(echo).to_have_text("Echo: 4")
    page.screenshot(path=artifacts / "one_slider.png", full_page=True)


def test_the_page_is_titled_by_voila_json_not_by_the_notebook_file(
    page: Page, start_voila: StartVoila
) -> None:
    page.goto(start_voila(ONE_SLIDER))
    wait_ready(page)
    assert page.title() == "Reconnect Workbook"


def test_code_is_not_shown_to_the_person_using_the_app(page: Page, start_voila: StartVoila) -> None:
    page.goto(start_voila(ONE_SLIDER))
    wait_ready(page)
    assert "slider.observe" not in page.content()


def test_a_failing_cell_shows_a_notice_and_no_traceback(
    page: Page, start_voila: StartVoila, tmp_path: Path
) -> None:
    notebook = write_failing_notebook(tmp_path / "failing.ipynb")
    page.goto(start_voila(notebook))
    page.wait_for_selector("#loading", state="detached", timeout=60_000)

    expect(page.get_by_text("There was an error when executing cell")).to_be_visible()
    assert TRACEBACK_CANARY not in page.content()
    assert_no_traceback(page)


def test_only_images_are_served_as_files(page: Page, start_voila: StartVoila, tmp_path: Path) -> None:
    # Standalone Voila serves /voila/files/ from the notebook's folder.
    notebook = write_failing_notebook(tmp_path / "files.ipynb")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "answers.json").write_text('{"private": true}')
    (tmp_path / "notes.toml").write_text("private = true\n")
    files = start_voila(notebook) + "voila/files/"

    assert page.request.get(files + "picture.png").status == 200
    assert page.request.get(files + "answers.json").status == 403
    assert page.request.get(files + "notes.toml").status == 403
    assert page.request.get(files + "files.ipynb").status == 403


def test_stopping_a_server_leaves_no_kernel_behind(page: Page, tmp_path: Path) -> None:
    port = free_port()
    server = start_server(
        voila_command(REPO_ROOT / ONE_SLIDER, port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(tmp_path)},
        log_path=tmp_path / "voila.log",
    )
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        wait_ready(page)
        kernels = [
            child
            for child in psutil.Process(server.pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(child.cmdline())
        ]
        assert kernels, "the page should have started a kernel"
    finally:
        stop_server(server)

    assert not [kernel for kernel in kernels if _alive(kernel)]


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_missing_chromium_fails_the_run_rather_than_skipping(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(rig, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("WORKBOOK_SKIP_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium()

    monkeypatch.setenv("WORKBOOK_SKIP_BROWSER", "1")
    with pytest.raises(pytest.skip.Exception):
        require_chromium()
