"""The browser-test rig: real Voila servers, driven by Debian's Chromium through Playwright.

Plain functions and constants, no fixtures (those are in conftest.py next to this file). It is
imported under one name, `tests.e2e.rig`, by the e2e tests, by tests outside this folder and by
benchmarks/browser.py, so there is one copy of it, and one Playwright, per process.

Why it is built this way:

- Servers run from the repository root, because that is where `voila.json` is read from, both by
  standalone Voila and by the Jupyter server extension that Binder uses. A rig that started them
  elsewhere would test a differently configured app.
- Each server gets its own process group and a free port, and is stopped with everything it
  started: kernels live in sessions of their own, so they are found and stopped by process tree,
  not by group alone. Left-over kernels would pile up across runs.
- A browser cannot be downloaded here, so Playwright drives /usr/bin/chromium. A missing Chromium
  fails the run (a skipped browser test reported as a pass hides a broken app) unless
  WORKBOOK_SKIP_BROWSER=1 says, on purpose, that browser tests should be skipped.
- One Playwright instance per pytest process: Playwright's sync API cannot start twice in a thread,
  so `shared_browser()` is also what tests outside this folder (tests/test_binder.py) call.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

import nbformat
import psutil
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

__all__ = [
    "ARTIFACTS_DIR",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DASHBOARD_NOTEBOOK",
    "DESKTOP_VIEWPORT",
    "LOG_TAIL_CHARS",
    "PHONE_VIEWPORT",
    "REPO_ROOT",
    "SERVER_START_TIMEOUT_S",
    "SERVER_STOP_TIMEOUT_S",
    "TRACEBACK_CANARY",
    "TRACEBACK_MARKERS",
    "StartVoila",
    "add_person",
    "app_command",
    "assert_no_traceback",
    "free_port",
    "kernels_of",
    "log_tail",
    "new_phone_context",
    "printed_address",
    "require_chromium",
    "shared_browser",
    "start_server",
    "stop_server",
    "voila_command",
    "serve_over",
    "voila_over",
    "wait_ready",
    "write_failing_notebook",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
DASHBOARD_NOTEBOOK = "notebooks/dashboard.ipynb"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}

SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 15.0
LOG_TAIL_CHARS = 6000

StartVoila = Callable[[str | os.PathLike[str]], str]
_BROWSER_KEY = pytest.StashKey[Browser]()

TRACEBACK_CANARY = "TRACEBACK-CANARY-7f3a"
# Text that only a Python traceback puts on a page (IPython's arrows, file paths, cell labels).
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "---> ", "site-packages/", "Cell In[")


def require_chromium() -> None:
    """Fail (or, only when asked to, skip) when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    if os.environ.get("WORKBOOK_SKIP_BROWSER") == "1":
        pytest.skip(f"{CHROMIUM} is missing and WORKBOOK_SKIP_BROWSER=1 asks to skip browser tests")
    pytest.fail(
        f"{CHROMIUM} is missing, so the app cannot be tested in a browser. "
        "Install it with `apt-get install chromium`, or set WORKBOOK_SKIP_BROWSER=1 to skip "
        "browser tests on purpose.",
        pytrace=False,
    )


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it, so parallel runs do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log_path: Path) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else "(no log written)"
    return text[-LOG_TAIL_CHARS:]


def start_server(
    command: Sequence[str | os.PathLike[str]],
    *,
    port: int,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    timeout_s: float = SERVER_START_TIMEOUT_S,
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group and return once its port answers.

    On a timeout or an early exit the test fails with the end of the server's log, which is
    where the reason is.
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited with code {process.returncode} before answering on port {port}; "
                f"its log ends:\n{log_tail(log_path)}",
                pytrace=False,
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    pytest.fail(
        f"the server did not answer on port {port} within {timeout_s:.0f} s; "
        f"its log ends:\n{log_tail(log_path)}",
        pytrace=False,
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server, its process group, and the kernels it started in sessions of their own."""
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    # SIGTERM first: Voila and Jupyter server shut their kernels down cleanly on it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=SERVER_STOP_TIMEOUT_S)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=SERVER_STOP_TIMEOUT_S)
    _, survivors = psutil.wait_procs(descendants, timeout=5)
    for survivor in survivors:
        with contextlib.suppress(psutil.NoSuchProcess):
            survivor.kill()


def kernels_of(server_pid: int) -> dict[str, psutil.Process]:
    """Kernel id -> process for every kernel a Voila server runs. Kernels live in sessions of their
    own, so they are found by process tree; the id is in each kernel's connection-file name."""
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for child in children:
        try:
            parts = child.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if any("ipykernel_launcher" in part for part in parts):
            for part in parts:
                name = Path(part).name
                if name.startswith("kernel-") and name.endswith(".json"):
                    found[name.removeprefix("kernel-").removesuffix(".json")] = child
    return found


@contextlib.contextmanager
def voila_over(home: Path, log_dir: Path, notebook: Path | None = None) -> Iterator[str]:
    """Standalone Voila serving `notebook` (the dashboard by default) over the workbook in `home`,
    on a free port: yields its address, and stops it (and its kernels) afterwards."""
    with serve_over(
        home, log_dir, lambda port: voila_command(notebook or REPO_ROOT / DASHBOARD_NOTEBOOK, port)
    ) as address:
        yield address


@contextlib.contextmanager
def serve_over(home: Path, log_dir: Path, command: Callable[[int], list[str]]) -> Iterator[str]:
    """`command(port)` run from the repository root over the workbook in `home`, on a free port:
    yields its address, and stops it (and its kernels) afterwards."""
    port = free_port()
    server = start_server(
        command(port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(home)},
        log_path=log_dir / "voila.log",
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_server(server)


def voila_command(notebook: Path, port: int) -> list[str]:
    """Standalone Voila as voila.json configures it, on a free port, without the token `make app` adds
    (`app_command`): for tests of what the page does rather than of who may open it."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
    ]


def app_command(port: int) -> list[str]:
    """The server exactly as `make app` starts it: the Makefile's own recipe, run by make, on a free port.

    `-o .venv/.app` keeps make from reinstalling the package first, and `PY` is the Python running the
    tests (the virtual environment's, under `make test`), so the launcher runs in the code under test.
    """
    if shutil.which("make") is None:
        pytest.fail("`make` is needed to start the app as `make app` does", pytrace=False)
    make = ["make", "-s", "--no-print-directory", "-o", ".venv/.app"]
    return [*make, "app", f"PORT={port}", f"PY={sys.executable}"]


PRINTED_ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+")


def printed_address(log_path: Path, timeout_s: float = SERVER_START_TIMEOUT_S) -> str:
    """The address with its token that the launcher prints for the person to open, once printed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = PRINTED_ADDRESS.search(log_path.read_text(errors="replace") if log_path.exists() else "")
        if found:
            return found.group(0)
        time.sleep(0.1)
    pytest.fail(f"the server printed no address to open; its log ends:\n{log_tail(log_path)}", pytrace=False)


def wait_ready(page: Page, cls: str = "wb-ready", timeout: int = 60_000) -> None:
    """Wait until Voila has run every cell and the notebook's root widget has drawn.

    Voila removes `#loading` when the last cell has run; widgets draw after that, so the class
    the notebook adds to its root widget is the real signal.
    """
    try:
        page.wait_for_selector("#loading", state="detached", timeout=timeout)
        page.wait_for_selector(f".{cls}", timeout=timeout)
    except PlaywrightTimeoutError:
        # Voila shows a failed cell as a notice on the page: that text says what went wrong.
        pytest.fail(
            f"the page at {page.url} never showed .{cls} within {timeout / 1000:.0f} s; it says:\n"
            f"{page.inner_text('body')[:LOG_TAIL_CHARS]}",
            pytrace=False,
        )


def assert_no_traceback(page: Page) -> None:
    """Fail if the page shows a Python traceback anywhere, including inside Output widgets.

    Voila strips tracebacks from cell errors, but not from errors an `Output` widget captured
    (`with out:` shows the traceback inside the widget), so the app must catch those itself.
    """
    text = page.inner_text("body")
    leaked = [marker for marker in TRACEBACK_MARKERS if marker in text]
    assert not leaked, f"the page shows a traceback ({', '.join(leaked)}):\n{text[:LOG_TAIL_CHARS]}"


def shared_browser(config: pytest.Config) -> Browser:
    """The one headless Chromium of this pytest process, started on first use, closed at exit."""
    browser: Browser | None = config.stash.get(_BROWSER_KEY, None)
    if browser is not None:
        return browser
    require_chromium()
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

    def close() -> None:
        browser.close()
        playwright.stop()

    config.stash[_BROWSER_KEY] = browser
    config.add_cleanup(close)
    return browser


def write_failing_notebook(path: Path) -> Path:
    """A notebook whose second cell raises, with a canary in both its source and its error.

    If either ever reaches the page, sources or tracebacks are leaking to the person using the app.
    """
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("print('first cell ran')"),
            nbformat.v4.new_code_cell(f"raise ValueError('{TRACEBACK_CANARY}')"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, path)
    return path


def new_phone_context(browser: Browser) -> BrowserContext:
    """A context the size of a small phone (390x844), with touch, for layout checks."""
    return browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)


def add_person(
    page: Page,
    name: str,
    *,
    relationship: str = "A friend",
    what_happened: str = "I pulled away or went quiet",
    ended_on: str | date = "2026-01-01",
    goal: str = "To be friends again",
    signals: Iterable[str] = (),
) -> None:
    """Fill the open add-a-person form the way a person would, save it, and wait for it to close.

    Choices are the labels the form shows (`signals`: the labels of the boxes to tick). The form
    must be open already: an empty workbook opens it, otherwise click "Add a person" first.
    """
    form = page.locator(".wb-situation-form")
    expect(form).to_be_visible()
    form.locator(".wb-name input").fill(name)
    form.locator(".wb-relationship select").select_option(label=relationship)
    form.locator(".wb-what-happened label", has_text=what_happened).click()
    form.locator(".wb-ended-on input").fill(ended_on.isoformat() if isinstance(ended_on, date) else ended_on)
    form.locator(".wb-goal label", has_text=goal).click()
    for label in signals:
        form.get_by_label(label, exact=True).check()
    form.locator(".wb-save-person").click()
    expect(form).to_be_hidden()
