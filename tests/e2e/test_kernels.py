"""Kernels as `make app` runs them (voila.json, behind its token): pre-heated ahead of the visitor,
gone when the tab closes.

- A kernel Voila pre-heats builds the page before anyone asks; what it shows must still be what is
  stored when the person arrives (ui/visitor.py), or old words could be saved over new ones.
- Closing the tab shuts its kernel down at once (Voila's beacon, with the `_xsrf` cookie that
  workbook/serving.py sets), and the server still refuses that request from anywhere else, even
  one that carries the login cookie.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, expect

from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import Store

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

pytestmark = pytest.mark.e2e

QID = "decision_what_happened"
KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
WAIT_S = 60.0


@dataclass
class Served:
    url: str
    address: str  # the one `make app` prints, with its token
    port: int
    process: psutil.Process
    home: Path

    def kernels(self) -> dict[str, psutil.Process]:
        """Kernel id -> process, for every kernel this server runs."""
        return kernels_of(self.process.pid)

    def waiting_kernel(self) -> tuple[str, psutil.Process]:
        """The pre-heated kernel, once it has built the page and waits on Voila for a visitor."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for kernel_id, kernel in self.kernels().items():
                try:
                    connections = kernel.net_connections(kind="tcp")
                except psutil.NoSuchProcess:
                    continue
                if any(c.raddr and c.raddr.port == self.port for c in connections):
                    return kernel_id, kernel
            time.sleep(0.2)
        pytest.fail("no pre-heated kernel was waiting for a visitor; is preheat_kernel on in voila.json?")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("kernels-home")
    home.chmod(0o700)
    store = Store(home / "workbook.db")
    store.add_person(
        Situation("Robin", Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP)
    )
    store.set_answer("Robin", QID, "words from before the server started")
    store.close()
    port = free_port()
    log_path = tmp_path_factory.mktemp("kernels-log") / "voila.log"
    process = start_server(
        app_command(port),
        port=port,
        cwd=REPO_ROOT,
        env={**os.environ, "WORKBOOK_HOME": str(home)},
        log_path=log_path,
    )
    address = printed_address(log_path)
    yield Served(f"http://127.0.0.1:{port}/", address, port, psutil.Process(process.pid), home)
    stop_server(process)


def test_a_preheated_page_shows_what_was_stored_after_it_was_built(browser: Browser, served: Served) -> None:
    kernel_id, _ = served.waiting_kernel()
    store = Store(served.home / "workbook.db")  # meanwhile, another tab saves
    store.set_answer("Robin", QID, "words saved while the page waited")
    store.add_person(
        Situation("Zoe", Relationship.FAMILY, WhatHappened.I_PUSHED_AWAY, date(2026, 2, 1), Goal.CLOSURE)
    )
    store.close()

    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(served.address)
        wait_ready(page)
        assert page.evaluate(KERNEL_ID) == kernel_id, "the page did not come from the pre-heated kernel"
        expect(page.locator(f".wb-q-{QID} textarea")).to_have_value("words saved while the page waited")
        options = page.locator(".wb-person-panel select").first.locator("option").all_text_contents()
        assert options == ["Robin", "Zoe"]

        page.locator(f".wb-q-{QID} textarea").fill("words saved while the page waited, and more")
        deadline = time.monotonic() + 10
        while Store(served.home / "workbook.db").answers("Robin").get(QID) != (
            "words saved while the page waited, and more"
        ):
            assert time.monotonic() < deadline, "typing on the pre-heated page was not saved"
            time.sleep(0.2)
    finally:
        context.close()


def test_closing_the_tab_shuts_its_kernel_down(browser: Browser, served: Served) -> None:
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    page = context.new_page()
    page.goto(served.address)
    wait_ready(page)
    kernel = served.kernels()[page.evaluate(KERNEL_ID)]
    assert "_xsrf" in {cookie["name"] for cookie in context.cookies()}
    page.close(run_before_unload=True)
    try:  # the browser stays open meanwhile, as it does when one tab is closed
        kernel.wait(timeout=15)
    except psutil.TimeoutExpired:
        pytest.fail("the closed tab's kernel was still running 15 s later (its shutdown beacon was refused?)")
    finally:
        context.close()


def test_a_shutdown_request_from_elsewhere_is_still_refused(browser: Browser, served: Served) -> None:
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(served.address)
        wait_ready(page)
        kernel_id = page.evaluate(KERNEL_ID)
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        real = cookies["_xsrf"]
        # Signed in, so that what refuses these is the XSRF check (without the login cookie the
        # server would refuse them anyway). Another site's page can make the browser send the real
        # cookies, but cannot read them to put the token in the form, nor forge a matching pair.
        login = next(f"{name}={value}" for name, value in cookies.items() if name.startswith("username-"))
        signed_in = urllib.request.Request(f"{served.url}api/kernels/{kernel_id}", headers={"Cookie": login})
        with urllib.request.urlopen(signed_in, timeout=10) as answer:
            assert answer.status == 200, "the login cookie alone did not sign in"
        for cookie in ("", "; _xsrf=forged", f"; _xsrf={real}"):
            headers = {"Cookie": login + cookie}
            url = f"{served.url}voila/api/shutdown/{kernel_id}"
            request = urllib.request.Request(url, data=b"_xsrf=guess", method="POST", headers=headers)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 403
        time.sleep(1)
        assert kernel_id in served.kernels(), "a request without the page's token shut the kernel down"
        expect(page.locator(".wb-app")).to_be_visible()
    finally:
        context.close()
