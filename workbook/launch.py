"""`make app`: the dashboard served by standalone Voila to the person who started it, and no one else.

`python -m workbook.launch [--port 8866] [--no-browser]` runs Voila in this process, from the
repository root (where `voila.json` is read), on 127.0.0.1, with two locks Voila alone does not give:

- A token, made afresh at each start (`secrets.token_urlsafe`). Without it a request gets Voila's
  login form: no page, no kernel. It lives in this process only, never on a command line (any account
  on the machine can read those with `ps`), and is printed in the address to open, as Jupyter prints
  its own; the first visit swaps it for a login cookie (`workbook/serving.py`).
- A Host check in front of every route (`serving.refuse_foreign_hosts`), so a page on another site
  whose name is made to point at 127.0.0.1 (DNS rebinding) is refused, as jupyter server refuses it.

It also compresses responses and sets what the browser may keep (`workbook/caching.py`).

Where there is a desktop to show one (not in CI, not with `--no-browser`, not when the output goes to
a file), the address is also opened in the browser, through a private file that redirects to it,
as Jupyter does, so the token is not on the browser's command line either.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import html
import os
import secrets
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from jupyter_server.log import log_request
from tornado.ioloop import IOLoop
from traitlets import Bool
from voila.app import Voila

from . import caching
from .serving import PageCookieIdentityProvider, guard_request_info, refuse_foreign_hosts

__all__ = ["APP_DIR", "DASHBOARD", "OwnerOnlyVoila", "browser_wanted", "main"]

APP_DIR = Path(__file__).resolve().parents[1]  # the repository: voila.json and notebooks/
DASHBOARD = "notebooks/dashboard.ipynb"
DEFAULT_PORT = 8866
IP = "127.0.0.1"
TOKEN_BYTES = 32
# Platforms where a browser needs a graphical session to show in (elsewhere one always can).
NEEDS_A_DISPLAY = ("linux", "freebsd", "openbsd", "netbsd", "sunos")


class OwnerOnlyVoila(Voila):
    """Standalone Voila behind the Host check, announcing the address with its token once listening."""

    open_address = Bool(False, help="Open the address with its token in the browser once listening.")

    def initialize(self, argv: Sequence[str] | None = None) -> None:
        super().initialize(argv)
        # Made after every config file Voila reads (voila.json here, ~/.jupyter, ...), so that none
        # of them can switch the key off or fix it.
        self.token = secrets.token_urlsafe(TOKEN_BYTES)

    def listen(self) -> None:
        if not issubclass(self.identity_provider_class, PageCookieIdentityProvider):
            self.log.critical("voila.json was not read (run this from the repository, as `make app` does)")
            self.exit(1)
        caching.install(self.app)  # done already by the identity provider; made sure of here
        guard_request_info(self.app, self.server_url, self.kernel_manager)
        refuse_foreign_hosts(self.app, {self.ip}, self.log)  # inserted last, so it is tried first
        # jupyter server's request log, which leaves the token out of the addresses it logs.
        self.app.settings["log_function"] = log_request
        IOLoop.current().add_callback(self._announce)  # runs once the port is bound and serving
        super().listen()

    def _announce(self) -> None:
        address = f"{self.connection_url}?token={self.identity_provider.token}"
        print(
            "\n  Reconnect Workbook is running. Open it at this address (Ctrl+C to stop):\n\n"
            f"      {address}\n\n"
            "  The address holds a key made for this start only: without it the app shows nothing,\n"
            "  to anyone. Keep it to yourself.\n",
            flush=True,
        )
        if self.open_address:
            _open_in_browser(address)


def browser_wanted(
    no_browser: bool,
    *,
    env: Mapping[str, str] = os.environ,
    stdout: TextIO = sys.stdout,
    platform: str = sys.platform,
) -> bool:
    """Whether to open the address in a browser: only for a person at a desktop, never in CI."""
    if no_browser or env.get("CI", "").lower() not in ("", "0", "false"):
        return False
    if not stdout.isatty():  # output to a file or a pipe: a service or a test, nobody watching
        return False
    # Without a graphical session `webbrowser` would pick a text browser and take over the terminal.
    return not platform.startswith(NEEDS_A_DISPLAY) or bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _open_in_browser(address: str) -> None:
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        print("  (No browser was found: open the address above yourself.)\n", flush=True)
        return
    # A file only this account can read, which sends the browser on to the address.
    descriptor, path = tempfile.mkstemp(prefix="reconnect-workbook-", suffix=".html")
    with open(descriptor, "w", encoding="utf-8") as page:
        target = html.escape(address, quote=True)
        page.write(
            '<!DOCTYPE html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={target}">'
            f'<title>Reconnect Workbook</title><p><a href="{target}">Open Reconnect Workbook</a></p>'
        )
    atexit.register(_remove, path)
    threading.Thread(target=browser.open, args=(Path(path).as_uri(),), kwargs={"new": 2}, daemon=True).start()


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m workbook.launch",
        description="Serve the Reconnect Workbook on this computer, to you only.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    parser.add_argument("--no-browser", action="store_true", help="print the address, do not open it")
    args = parser.parse_args(argv)
    if not (APP_DIR / "voila.json").is_file() or not (APP_DIR / DASHBOARD).is_file():
        parser.exit(2, f"{parser.prog}: no voila.json and {DASHBOARD} in {APP_DIR}: use `make app`\n")
    os.chdir(APP_DIR)  # Voila reads voila.json from the folder it starts in
    OwnerOnlyVoila.launch_instance(
        [DASHBOARD, "--no-browser", f"--port={args.port}", f"--Voila.ip={IP}"],
        open_address=browser_wanted(args.no_browser),
    )


if __name__ == "__main__":
    main()
