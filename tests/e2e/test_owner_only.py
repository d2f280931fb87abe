"""Only its owner gets in: the server started exactly as `make app` starts it (the Makefile's recipe,
run by make) lets in the person holding the address it printed, and nobody else.

- Without the token there is no page and no kernel: the app's addresses lead to the login form, the
  kernel API and sockets answer 403, and no kernel starts (the server's kernel processes are the
  same before and after).
- With the token but a Host that is not this computer's own name (a DNS-rebinding page, whose name
  an attacker points at 127.0.0.1), every route refuses with 403: the page, the kernel API and its
  socket, Voila's query socket, static files and the files Voila may serve.
- The printed address opens the dashboard in Chromium, then leaves the address bar without its key;
  the key is on no command line (any account can read those) and out of the request log.
- tests/e2e/test_kernels.py runs its pre-heated kernel, XSRF cookie and closed-tab checks against
  the same server.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil
import pytest
from playwright.sync_api import Browser, expect
from voila.app import Voila

from workbook import launch
from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.serving import KERNEL_KEY_HEADER, is_local_host
from workbook.store import DB_NAME, HOME_ENV, Store

from .rig import (
    DESKTOP_VIEWPORT,
    REPO_ROOT,
    app_command,
    free_port,
    kernels_of,
    printed_address,
    start_server,
    stop_server,
    wait_ready,
)

CANARY = "OWNER-ONLY-CANARY-5c2a"  # the workbook's one person's name: never in a refused answer
KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
FOREIGN_HOSTS = ("evil.example", "attacker.example:8866")
QUIET_S = 4.0  # longer than voila.json's fill_delay: a kernel taken from the pool would be replaced


@dataclass
class App:
    base: str  # http://127.0.0.1:PORT/
    address: str  # what the launcher printed: base + ?token=...
    token: str
    port: int
    pid: int
    log: Path

    def kernels(self) -> set[str]:
        return set(kernels_of(self.pid))

    def ask(
        self,
        path: str,
        *,
        host: str | None = None,
        method: str = "GET",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """One request, redirects not followed: (status, headers, body). `host` sets the Host header."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            sent = {"Host": host or f"127.0.0.1:{self.port}", **(headers or {})}
            connection.request(method, path, body=b"" if method == "POST" else None, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            connection.close()

    def open_socket(
        self, path: str, *, host: str | None = None, headers: dict[str, str] | None = None
    ) -> int:
        """The status a websocket handshake gets (101 would be an open socket)."""
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
        sent = {**upgrade, "Sec-WebSocket-Key": key, **(headers or {})}
        status, _, _ = self.ask(path, host=host, headers=sent)
        return status

    def settled_kernels(self) -> set[str]:
        """The server's kernels once none has started or stopped for QUIET_S (its pool is full)."""
        deadline = time.monotonic() + 90
        last, since = self.kernels(), time.monotonic()
        while True:
            now = self.kernels()
            if now != last:
                last, since = now, time.monotonic()
            elif now and time.monotonic() - since >= QUIET_S:
                return now
            assert time.monotonic() < deadline, f"the server's kernels never settled: {now}"
            time.sleep(0.2)

    def pages_built(self) -> int:
        """How many pages the server has built so far (each takes a kernel from the pool)."""
        return self.log.read_text(errors="replace").count("Using pre-heated kernel")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    home = tmp_path_factory.mktemp("owner-only-home")
    home.chmod(0o700)
    with Store(home / DB_NAME) as store:
        store.add_person(
            Situation(
                CANARY,
                Relationship.FRIEND,
                WhatHappened.I_PUSHED_AWAY,
                date(2026, 1, 1),
                Goal.FRIENDSHIP,
            )
        )
    port = free_port()
    log = tmp_path_factory.mktemp("owner-only-log") / "app.log"
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    process = start_server(
        app_command(port), port=port, cwd=REPO_ROOT, env={**env, HOME_ENV: str(home)}, log_path=log
    )
    try:
        address = printed_address(log)
        token = parse_qs(urlsplit(address).query)["token"][0]
        yield App(f"http://127.0.0.1:{port}/", address, token, port, process.pid, log)
    finally:
        stop_server(process)


# --- (a) without the token: no page, no kernel --------------------------------------------------


@pytest.mark.e2e
def test_without_the_key_there_is_no_page_and_no_kernel(app: App, browser: Browser) -> None:
    before, built = app.settled_kernels(), app.pages_built()
    kernel_id = next(iter(before))
    for path in (
        "/",
        "/?token=a-guess",
        "/notebooks/dashboard.ipynb",
        "/voila/render/notebooks/dashboard.ipynb",
    ):
        status, headers, body = app.ask(path)
        assert status == 302 and headers["Location"].startswith("/login"), f"{path}: {status} {headers}"
        assert CANARY not in body
    status, _, login = app.ask("/login")
    assert status == 200 and "Password or token" in login
    assert CANARY not in login and "kernelId" not in login
    assert app.ask(f"/api/kernels/{kernel_id}")[0] == 403
    assert app.ask(f"/voila/api/shutdown/{kernel_id}", method="POST")[0] == 403
    assert app.open_socket(f"/api/kernels/{kernel_id}/channels") == 403

    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(app.base)
        expect(page.get_by_text("Password or token")).to_be_visible()
        assert urlsplit(page.url).path == "/login"
        assert page.locator(".wb-app").count() == 0 and CANARY not in page.content()
    finally:
        context.close()

    time.sleep(QUIET_S)
    assert app.kernels() == before, "a request without the key started or took a kernel"
    assert app.pages_built() == built, "a request without the key had a page built"


# --- (b) with the token, from a name that is not this computer: refused everywhere -------------


@pytest.mark.e2e
def test_a_foreign_host_is_refused_even_with_the_key(app: App) -> None:
    before, built = app.settled_kernels(), app.pages_built()
    kernel_id = next(iter(before))
    token = f"token={app.token}"
    answers = {  # path: what it answers on this computer's own names
        f"/?{token}": 302,  # the key swapped for the login cookie
        f"/api/kernels/{kernel_id}?{token}": 200,
        "/voila/static/voila.js": 200,
        "/voila/files/no-such-picture.png": 404,  # the file route answers, and has no such file
        "/login": 200,
    }
    for host in (f"127.0.0.1:{app.port}", f"localhost:{app.port}", f"[::1]:{app.port}"):
        got = {path: app.ask(path, host=host)[0] for path in answers}
        assert got == answers, f"Host {host} should be let in"
    for host in FOREIGN_HOSTS:
        for path in answers:
            status, _, body = app.ask(path, host=host)
            assert status == 403, f"Host {host}, {path}: {status}"
            assert CANARY not in body and app.token not in body
        for socket in (f"/api/kernels/{kernel_id}/channels?{token}", f"/voila/query/{kernel_id}"):
            assert app.open_socket(socket, host=host) == 403, f"Host {host}: the socket {socket} opened"
    time.sleep(QUIET_S)
    assert app.kernels() == before, "a refused request started or took a kernel"
    assert app.pages_built() == built, "a refused request had a page built"
    assert "Blocking request with non-local 'Host'" not in app.log.read_text(errors="replace"), (
        "a foreign Host reached a route: the launcher's check should have refused it first"
    )


@pytest.mark.e2e
def test_the_query_socket_opens_only_for_the_kernel_it_is_about(app: App) -> None:
    """Voila's request-info socket asks for no login; the launcher's opens only with the kernel's key."""
    kernel_id = next(iter(app.settled_kernels()))
    path = f"/voila/query/{kernel_id}"
    assert app.open_socket(path) == 403, "the query socket opened for a caller with no key"
    assert app.open_socket(f"{path}?token={app.token}") == 403, "the login token is not the kernel's key"
    wrong = {KERNEL_KEY_HEADER: secrets.token_hex(16)}
    assert app.open_socket(path, headers=wrong) == 403, "the query socket opened with a wrong key"
    unknown = app.open_socket("/voila/query/00000000-0000-0000-0000-000000000000", headers=wrong)
    assert unknown in (403, 404), f"the query socket answered {unknown} for a kernel that does not exist"


def test_the_kernel_and_the_server_name_the_same_key_header() -> None:
    from workbook.ui import visitor

    assert visitor.KERNEL_KEY_HEADER == KERNEL_KEY_HEADER


# --- (c) the printed address works --------------------------------------------------------------


@pytest.mark.e2e
def test_the_printed_address_opens_the_dashboard_and_then_drops_its_key(app: App, browser: Browser) -> None:
    assert re.fullmatch(rf"http://127\.0\.0\.1:{app.port}/\?token=[\w-]{{43,}}", app.address)
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(app.address)
        wait_ready(page)
        assert page.url == app.base, "the key stayed in the address bar"
        options = page.locator(".wb-person-panel select").first.locator("option").all_text_contents()
        assert options == [CANARY]
        names = {cookie["name"] for cookie in context.cookies()}
        assert "_xsrf" in names and any(name.startswith("username-") for name in names)
        # The login cookie keeps the session: the same browser needs no key for another tab.
        again = context.new_page()
        again.goto(app.base)
        wait_ready(again)
        assert again.evaluate(KERNEL_ID) != page.evaluate(KERNEL_ID)
    finally:
        context.close()


@pytest.mark.e2e
def test_the_key_swap_redirects_only_within_this_server(app: App) -> None:
    status, headers, _ = app.ask(f"/?token={app.token}&theme=dark")
    assert (status, headers["Location"]) == (302, "/?theme=dark")
    status, headers, _ = app.ask(f"//evil.example/?token={app.token}")
    assert (status, headers["Location"]) == (302, "/evil.example/")


@pytest.mark.e2e
def test_the_key_is_on_no_command_line_and_out_of_the_request_log(app: App) -> None:
    assert app.ask(f"/?token={app.token}")[0] == 302  # a request the log records, with the key in it
    server = psutil.Process(app.pid)
    for process in [server, *server.children(recursive=True)]:  # make, the launcher, its kernels
        assert app.token not in " ".join(process.cmdline()), f"the key is on {process.name()}'s command line"
    log = app.log.read_text(errors="replace")
    assert log.count(app.token) == 1, (
        "the key is in the server's log beyond the address printed for the person"
    )
    assert "token=[secret]" in log


# --- the launcher's decisions, without a server -------------------------------------------------


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1:8866", True),
        ("localhost:8866", True),
        ("LocalHost", True),
        ("[::1]:8866", True),
        ("127.0.0.2", True),
        ("evil.example", False),
        ("attacker.example:8866", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example:8866", False),
        ("0.0.0.0:8866", False),
        ("192.168.1.10:8866", False),
    ],
)
def test_only_this_computers_own_names_are_local(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_the_launcher_runs_voila_on_loopback_with_no_key_on_its_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[tuple[list[str], dict[str, object]]] = []
    monkeypatch.setattr(
        launch.OwnerOnlyVoila, "launch_instance", lambda argv, **kw: started.append((argv, kw))
    )
    monkeypatch.chdir(REPO_ROOT)  # main() moves to the repository, where voila.json is
    launch.main(["--port", "9999", "--no-browser"])
    [(argv, options)] = started
    assert argv == ["notebooks/dashboard.ipynb", "--no-browser", "--port=9999", "--Voila.ip=127.0.0.1"]
    assert options == {"open_address": False}


def test_each_start_makes_a_new_key_whatever_a_config_file_says(monkeypatch: pytest.MonkeyPatch) -> None:
    def read_config(self: Voila, argv: object = None) -> None:
        self.token = ""  # what `"Voila": {"token": ""}` in a config file would leave

    monkeypatch.setattr(Voila, "initialize", read_config)
    keys = []
    for _ in range(2):
        server = launch.OwnerOnlyVoila()
        server.initialize([])
        keys.append(server.token)
    assert keys[0] != keys[1] and all(len(key) >= 43 for key in keys)


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("no_browser", "env", "tty", "platform", "wanted"),
    [
        (False, {"DISPLAY": ":0"}, True, "linux", True),
        (False, {"WAYLAND_DISPLAY": "wayland-0"}, True, "linux", True),
        (False, {}, True, "darwin", True),
        (True, {"DISPLAY": ":0"}, True, "linux", False),  # --no-browser
        (False, {"DISPLAY": ":0", "CI": "true"}, True, "linux", False),  # CI
        (False, {"DISPLAY": ":0"}, False, "linux", False),  # output to a file: nobody watching
        (False, {}, True, "linux", False),  # no desktop: a text browser would take the terminal
    ],
)
def test_a_browser_is_opened_only_for_a_person_at_a_desktop(
    no_browser: bool, env: dict[str, str], tty: bool, platform: str, wanted: bool
) -> None:
    assert launch.browser_wanted(no_browser, env=env, stdout=_Terminal(tty), platform=platform) is wanted
