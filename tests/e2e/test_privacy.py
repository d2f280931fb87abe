"""Privacy and access, proven against the real app: files only the owner can read, a server that
never hands out the workbook, no tracebacks, hostile text that stays text, and no network.

- Files: the workbook folder is 0700; the database, its -wal and -shm, every backup and every export
  are 0600, whatever the umask.
- Serving: Voila serves the page and its own assets, nothing else. Every obvious way of asking it for
  the database, a backup, an export, a source file or a notebook is refused (4xx), and the canary
  words written into them never come back in any answer.
- Errors: a notebook that raises and a workbook file that is damaged both show a short notice, never
  a traceback.
- Hostile text typed into every field that is shown back renders as text in Chromium: no dialog,
  no injected element.
- No outbound network: during a whole journey through every step, the browser attempts no request
  to another host (not even one the page's Content-Security-Policy would refuse), the page carries
  the app's policy, and every socket of the Voila process and its kernels, sampled all along, is on
  loopback. A link cannot switch the page to one of Voila's templates that load from CDNs.
"""

from __future__ import annotations

import ipaddress
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil
import pytest
from playwright.sync_api import Page, Request, expect

from workbook.cli import main as cli_main
from workbook.content import DATA_DIR, load_content
from workbook.model import Goal, JournalEntry, JournalKind, Person, Relationship, Situation, WhatHappened
from workbook.store import BACKUP_DIR_NAME, DB_NAME, HOME_ENV, Store

from .rig import (
    DASHBOARD_NOTEBOOK,
    REPO_ROOT,
    TRACEBACK_CANARY,
    add_person,
    assert_no_traceback,
    free_port,
    start_server,
    stop_server,
    voila_command,
    wait_ready,
    write_failing_notebook,
)

CANARY = "PRIVATE-CANARY-3d9b1e"  # written into the workbook, a backup and an export
HOSTILE = '<img src=x onerror=alert(1)> <script>alert(1)</script> "><svg onload=alert(1)>'
SAMPLE_EVERY_S = 0.05


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_workbook(home: Path) -> dict[str, Path]:
    """A workbook with the canary in it, a backup and an export beside it, made as the app makes them."""
    home.mkdir(mode=0o755, exist_ok=True)
    ended = datetime(2026, 1, 1).date()
    letter = JournalEntry(datetime(2026, 2, 1, 21, 0), JournalKind.UNSENT_LETTER, f"Dear Sam, {CANARY}")
    secret = Person(
        Situation(f"Sam {CANARY}", Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, ended, Goal.FRIENDSHIP),
        journal=(letter,),
    )
    with Store(home / DB_NAME) as store:
        store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
        store.import_people([secret])
        summary = store.import_people([secret], replace=True, now=datetime(2026, 3, 1, 9, 0))
        export = store.backup(home / "my-export.json")
    return {"database": home / DB_NAME, "backup": summary.backup, "export": export}


# --- files ---------------------------------------------------------------------------------


def test_the_workbook_its_backups_and_exports_are_readable_by_their_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = os.umask(0o022)  # a usual umask: the app must not rely on a strict one
    try:
        home = tmp_path / "home"
        monkeypatch.setenv(HOME_ENV, str(home))
        files = private_workbook(home)
        exported = tmp_path / "exports" / "workbook.json"
        assert cli_main(["export", str(exported)]) == 0
        with Store(home / DB_NAME):  # the -wal and -shm files exist while the workbook is open
            files |= {"log": home / f"{DB_NAME}-wal", "index": home / f"{DB_NAME}-shm", "cli": exported}
            modes = {name: mode(path) for name, path in files.items()}
    finally:
        os.umask(previous)
    assert mode(home) == 0o700
    assert mode(home / BACKUP_DIR_NAME) == 0o700
    assert mode(exported.parent) == 0o700  # a folder the export had to create
    assert modes == dict.fromkeys(files, 0o600)


def test_deleting_everything_leaves_no_words_behind(tmp_path: Path) -> None:
    """Not in the database, not in its write-ahead log, not in a backup made before a replace."""
    home = tmp_path / "home"
    files = private_workbook(home)
    with Store(home / DB_NAME) as store:
        store.delete_everything()
        remaining = {path.name: path.read_bytes() for path in home.rglob("*") if path.is_file()}
    assert files["backup"].name not in remaining
    holding = [name for name, content in remaining.items() if CANARY.encode() in content]
    assert holding == [files["export"].name], f"still holding the words: {holding}"  # the person's own copy


# --- the server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def private_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, Path], int]]:
    """The dashboard over a workbook holding the canary: (base URL, home, its files, Voila's pid)."""
    home = tmp_path_factory.mktemp("private") / "home"
    files = private_workbook(home)
    port = free_port()
    server = start_server(
        voila_command(REPO_ROOT / DASHBOARD_NOTEBOOK, port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, HOME_ENV: str(home)},
        log_path=tmp_path_factory.mktemp("private-log") / "voila.log",
    )
    try:
        yield f"http://127.0.0.1:{port}/", home, files, server.pid
    finally:
        stop_server(server)


def attempts(home: Path, files: dict[str, Path]) -> list[str]:
    """Every obvious way to ask for the workbook, a backup, an export or the sources."""
    secrets = [files["database"], files["backup"], files["export"], home / f"{DB_NAME}-wal"]
    paths = []
    for secret in secrets:
        absolute = str(secret)
        relative_to_repo = os.path.relpath(secret, REPO_ROOT)
        paths += [
            f"voila/files/{absolute}",
            f"voila/files/{quote(absolute, safe='')}",
            f"voila/files/{relative_to_repo}",
            f"voila/files/{relative_to_repo.replace('..', '%2e%2e')}",
            f"voila/files/{quote(relative_to_repo, safe='')}",
            f"voila/files/notebooks/{relative_to_repo}",
            f"files/{absolute}",
            f"files{absolute}",
            f"static/{relative_to_repo}",
            f"voila/static/{relative_to_repo}",
            f"voila/static/{relative_to_repo.replace('..', '%2e%2e')}",
            f"api/contents{absolute}",
            f"voila/render{absolute}",
        ]
    paths += [
        "voila/files/dashboard.ipynb",
        "voila/files/notebooks/dashboard.ipynb",
        "voila/files/../notebooks/dashboard.ipynb",
        "voila/files/00_start_here.ipynb",
        "voila/files/../workbook/store.py",
        "voila/files/%2e%2e/workbook/store.py",
        "voila/files/..%2fworkbook%2fstore.py",
        "voila/files/notebooks/../data/guidance.toml",
        "voila/files/../data/examples/demo.json",
        "voila/files/../voila.json",
        "voila/files/../.git/config",
        "voila/static/../../workbook/store.py",
        "voila/static/%2e%2e/%2e%2e/workbook/store.py",
        "notebooks/../data/examples/demo.json",
        "notebooks/dashboard.ipynb",
        "api/contents/notebooks/dashboard.ipynb",
        "tree",
    ]
    return paths


@pytest.mark.e2e
def test_the_server_never_hands_out_the_workbook_backups_exports_or_sources(page: Page, private_app) -> None:
    base, home, files, _pid = private_app
    secrets = [path.read_bytes() for path in files.values()]
    assert all(CANARY.encode() in secret or b"SQLite format 3" in secret for secret in secrets)
    served = page.request.get(base + "voila/static/voila.js")
    assert served.status == 200, "the rig should reach Voila's own files, or every refusal proves nothing"
    leaks, statuses = [], {}
    for path in attempts(home, files):
        response = page.request.get(base + path, max_redirects=5)
        body = response.body()
        statuses[path] = response.status
        if CANARY.encode() in body or b"SQLite format 3" in body or b'"cells"' in body or b"import " in body:
            leaks.append(path)
    assert leaks == [], f"served private bytes for: {leaks}"
    not_refused = {path: status for path, status in statuses.items() if not 400 <= status < 500}
    assert not_refused == {}, f"expected a refusal (4xx) for each: {not_refused}"
    print(f"\nprivacy: {len(statuses)} URLs tried, all refused ({sorted(set(statuses.values()))}), 0 leaks")


@pytest.mark.e2e
def test_voilas_template_files_cannot_be_walked_out_of(page: Page, private_app) -> None:
    """Voila's template-asset handler answers a path that climbs out with a 500 (an assertion inside
    Voila), not a 403; it is still a refusal and no bytes come back."""
    base, home, files, _pid = private_app
    for secret in (files["database"], REPO_ROOT / "workbook" / "store.py"):
        climb = "x/" + "../" * 12 + str(secret).lstrip("/")
        for path in (climb, climb.replace("..", "%2e%2e")):
            response = page.request.get(base + "voila/templates/lab/static/" + path, max_redirects=5)
            assert response.status >= 400
            assert secret.read_bytes()[:64] not in response.body()
            assert b"Traceback" not in response.body()


# --- errors never reach the page as tracebacks --------------------------------------------


@pytest.mark.e2e
def test_a_notebook_that_raises_shows_no_traceback(page: Page, start_voila, tmp_path: Path) -> None:
    notebook = write_failing_notebook(tmp_path / "raises.ipynb")
    page.goto(start_voila(notebook))
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    assert TRACEBACK_CANARY not in page.content()
    assert_no_traceback(page)


@pytest.mark.e2e
def test_a_damaged_workbook_says_what_to_do_and_shows_no_traceback(page: Page, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / DB_NAME).write_text(f"my shopping list {CANARY}")
    port = free_port()
    server = start_server(
        voila_command(REPO_ROOT / DASHBOARD_NOTEBOOK, port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, HOME_ENV: str(home)},
        log_path=tmp_path / "voila.log",
    )
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("#loading", state="detached", timeout=60_000)
        expect(page.locator(".wb-app .wb-error")).to_contain_text("damaged")
        expect(page.locator(".wb-app .wb-error")).to_contain_text("import your latest export")
        assert CANARY not in page.content()
        assert_no_traceback(page)
    finally:
        stop_server(server)


# --- a whole journey: hostile text and the network ------------------------------------------


class ConnectionWatch:
    """Samples the sockets of a process and all its children (the kernels) until stopped."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.samples = 0
        self.processes = 0  # the most seen at once: Voila and its kernels
        self.seen: set[tuple[str, str, str]] = set()  # (type, local, remote)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            self.processes = max(self.processes, len(processes))
            for process in processes:
                try:
                    connections = process.net_connections(kind="inet")
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                for connection in connections:
                    remote = f"{connection.raddr.ip}:{connection.raddr.port}" if connection.raddr else ""
                    local = f"{connection.laddr.ip}:{connection.laddr.port}" if connection.laddr else ""
                    self.seen.add((connection.type.name, local, remote))
            self.samples += 1
            time.sleep(SAMPLE_EVERY_S)

    def off_loopback(self) -> list[tuple[str, str, str]]:
        def loopback(address: str) -> bool:
            return not address or ipaddress.ip_address(address.rsplit(":", 1)[0]).is_loopback

        return sorted(
            c for c in self.seen if c[0] != "SOCK_STREAM" or not loopback(c[1]) or not loopback(c[2])
        )


def step(page: Page, caption: str) -> None:
    page.locator(".wb-stepper button", has_text=caption).first.click()


def app_policy() -> str:
    """The Content-Security-Policy voila.json gives the app: every route must send this one."""
    settings = json.loads((REPO_ROOT / "voila.json").read_text())
    return settings["Voila"]["tornado_settings"]["headers"]["Content-Security-Policy"]


def open_every_step(page: Page) -> int:
    """Open each step from its stepper button, as a person would, and wait until it shows.

    Returns how many were opened, which is every step data/steps.toml names (asserted here, so a
    stepper that lost a button cannot make a network check pass by showing less).
    """
    buttons = page.locator(".wb-stepper button")
    expected = len(load_content().steps.pages())
    expect(buttons).to_have_count(expected)
    for index in range(expected):
        buttons.nth(index).click()
        expect(page.locator(f".wb-step-page .wb-step-{index}")).to_be_visible()
    return expected


def beyond_this_machine(requests: list[Request]) -> list[str]:
    """Every request the browser attempted to a host other than 127.0.0.1.

    A request the page's Content-Security-Policy refused counts too: Playwright reports it as an
    attempt (failure "csp"), and only the policy stood between it and the network. The page must
    not even ask.
    """
    addresses = [urlsplit(request.url) for request in requests]
    return [
        address.geturl()
        for address in addresses
        if address.scheme not in ("data", "blob") and address.hostname != "127.0.0.1"
    ]


def no_code_ran(page: Page, dialogs: list[str]) -> None:
    assert dialogs == [], f"hostile text ran as code: {dialogs}"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg[onload]").count() == 0
    assert page.evaluate("[...document.scripts].every(s => !s.textContent.includes('alert(1)'))")


@pytest.mark.e2e
def test_a_whole_journey_shows_hostile_text_as_text_and_makes_no_outbound_connection(
    browser, private_app, artifacts: Path, tmp_path: Path
) -> None:
    base, home, _files, voila_pid = private_app
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    requests: list[Request] = []
    context.on("request", lambda request: requests.append(request))
    sockets: list[str] = []
    page = context.new_page()
    page.on("websocket", lambda socket: sockets.append(socket.url))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    with ConnectionWatch(voila_pid) as watch:
        response = page.goto(base)
        assert response is not None and response.headers.get("content-security-policy") == app_policy()
        wait_ready(page)
        page.locator(".wb-person-panel button", has_text="Add a person").click()
        add_person(page, HOSTILE)  # and the form closes
        expect(page.locator(".wb-app > .wb-readiness")).to_contain_text(HOSTILE)

        answer = page.locator(".wb-q-decision_reason textarea, .wb-q-decision_reason input").first
        answer.fill(HOSTILE)
        expect(page.locator(".wb-q-decision_reason .wb-saved")).to_have_text("Saved")

        step(page, "Message")
        page.locator(".wb-draft textarea").fill(HOSTILE)
        expect(page.locator(".wb-draft-message")).to_contain_text("Saved")

        step(page, "Timeline")
        event = page.locator(".wb-event-form")
        event.locator(".wb-event-kind label", has_text="I sent a message").click()
        event.locator(".wb-event-day input").fill("2026-02-01")
        event.locator(".wb-event-time input").fill("18:30")
        event.locator(".wb-event-channel select").select_option(label="Text or chat")
        event.locator(".wb-event-note input").fill(HOSTILE)
        event.locator(".wb-save-event").click()
        expect(page.locator(".wb-events-table")).to_contain_text(HOSTILE)

        step(page, "Plan")
        page.locator(".wb-ideas textarea").fill(HOSTILE)
        expect(page.locator(".wb-plan-message")).to_have_text("Saved")

        step(page, "Look after you")
        page.locator(".wb-journal-text textarea").fill(HOSTILE)
        page.locator(".wb-keep").click()
        expect(page.locator(".wb-journal-entries")).to_contain_text(HOSTILE)
        no_code_ran(page, dialogs)

        step(page, "Your data")
        page.locator(".wb-export").click()
        with page.expect_download() as download:
            page.locator(".wb-export-link a").click()
        exported = tmp_path / "export.json"
        download.value.save_as(exported)
        with page.expect_file_chooser() as chooser:
            page.locator(".wb-upload").click()
        chooser.value.set_files(str(exported))
        expect(page.locator(".wb-import-preview")).to_contain_text(f"{HOSTILE} (already here)")
        page.get_by_label("Replace people who are already here", exact=False).check()
        page.locator(".wb-confirm-import").click()
        expect(page.locator(".wb-import-message")).to_contain_text("Imported")

        # Everything again, as the store gives it back to a fresh page.
        page.reload()
        wait_ready(page)
        page.locator(".wb-person-panel select").first.select_option(label=HOSTILE)
        expect(page.locator(".wb-app > .wb-readiness")).to_contain_text(HOSTILE)
        expect(
            page.locator(".wb-q-decision_reason textarea, .wb-q-decision_reason input").first
        ).to_have_value(HOSTILE)
        step(page, "Message")
        expect(page.locator(".wb-draft textarea")).to_have_value(HOSTILE)
        step(page, "Timeline")
        expect(page.locator(".wb-events-table")).to_contain_text(HOSTILE)
        step(page, "Plan")
        expect(page.locator(".wb-ideas textarea")).to_have_value(HOSTILE)
        step(page, "Look after you")
        expect(page.locator(".wb-journal-entries")).to_contain_text(HOSTILE)
        page.screenshot(path=artifacts / "privacy-hostile-text.png", full_page=True)
        steps = open_every_step(page)
        no_code_ran(page, dialogs)
        assert_no_traceback(page)
        time.sleep(0.5)  # a last sample after the final saves
    context.close()

    outside = beyond_this_machine(requests)
    assert outside == [], f"the page asked for something beyond this machine: {outside[:10]}"
    assert sockets and all(urlsplit(url).hostname == "127.0.0.1" for url in sockets)
    assert watch.samples > 20 and any(c[2] for c in watch.seen), "the socket sampler saw nothing"
    assert watch.off_loopback() == [], f"the server's sockets left loopback: {watch.off_loopback()}"
    backups = list((home / BACKUP_DIR_NAME).glob("*.json"))
    assert len(backups) >= 2 and all(mode(path) == 0o600 for path in backups)  # the app's own, too
    print(
        f"\nno network: {len(requests)} browser requests (every one of {steps} steps opened) and "
        f"{len(sockets)} websockets, none beyond 127.0.0.1, none even attempted; {watch.samples} socket "
        f"samples of up to {watch.processes} processes, "
        f"{len(watch.seen)} distinct sockets, all loopback TCP"
    )


@pytest.mark.e2e
@pytest.mark.parametrize("template", ["classic", "reveal"])
def test_a_link_cannot_switch_the_page_to_a_template_that_loads_from_cdns(
    page: Page, private_app, template: str
) -> None:
    """Voila's classic and reveal templates link Font Awesome on cdn.jsdelivr.net; voila.json allows
    no template override, so `?template=` in a link still gets the app's own page."""
    base, _home, _files, _pid = private_app
    response = page.request.get(f"{base}?template={template}", timeout=90_000)
    body = response.body()
    assert response.status == 200
    assert b"wb-" in body or b"jupyter-config-data" in body, "the rig should have reached the app's page"
    assert b"cdn.jsdelivr.net" not in body
    assert b"cdnjs.cloudflare.com" not in body
