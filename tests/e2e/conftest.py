"""The pytest fixtures of the browser tests; what they are built from is the rig, tests/e2e/rig.py."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .rig import (
    ARTIFACTS_DIR,
    DASHBOARD_NOTEBOOK,
    DESKTOP_VIEWPORT,
    REPO_ROOT,
    StartVoila,
    free_port,
    new_phone_context,
    shared_browser,
    start_server,
    stop_server,
    voila_command,
)


@pytest.fixture(scope="session")
def workbook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private WORKBOOK_HOME, so tests never read or write a real person's answers."""
    home = tmp_path_factory.mktemp("workbook-home")
    home.chmod(0o700)
    return home


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ in the repository root (gitignored): screenshots a person can look at."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def start_voila(workbook_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartVoila]:
    """`start_voila(notebook_path) -> base URL`: standalone Voila for any notebook.

    A relative path is taken from the repository root. One server per notebook is started and
    shared by the session's tests (each page load still gets its own kernel); all are stopped at
    the end of the session.
    """
    servers: list[subprocess.Popen[bytes]] = []
    urls: dict[Path, str] = {}
    logs = tmp_path_factory.mktemp("voila-logs")

    def start(notebook_path: str | os.PathLike[str]) -> str:
        notebook = (REPO_ROOT / notebook_path).resolve()
        if notebook in urls:
            return urls[notebook]
        if not notebook.is_file():
            pytest.fail(f"no notebook at {notebook}", pytrace=False)
        port = free_port()
        env = {**os.environ, "WORKBOOK_HOME": str(workbook_home)}
        servers.append(
            start_server(
                voila_command(notebook, port),
                port=port,
                cwd=REPO_ROOT,
                env=env,
                log_path=logs / f"voila-{port}.log",
            )
        )
        urls[notebook] = f"http://127.0.0.1:{port}/"
        return urls[notebook]

    yield start
    for server in servers:
        stop_server(server)


@pytest.fixture(scope="session")
def voila_url(request: pytest.FixtureRequest, start_voila: StartVoila) -> str:
    """Base URL of standalone Voila serving the dashboard.

    Another notebook: `@pytest.mark.parametrize("voila_url", ["path.ipynb"], indirect=True)`.
    """
    return start_voila(getattr(request, "param", DASHBOARD_NOTEBOOK))


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Browser:
    return shared_browser(pytestconfig)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page (1280x900); nothing carries over between tests."""
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (390x844)."""
    context = new_phone_context(browser)
    yield context.new_page()
    context.close()
