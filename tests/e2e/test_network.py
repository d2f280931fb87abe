"""What the app's page costs to download, and what the browser may keep of it (issue 14).

Measured in Chromium through the DevTools protocol: every HTTP response of a page load with the bytes
it took on the wire (`Network.loadingFinished`'s `encodedDataLength`: headers and body, compressed),
`data:` addresses left out, WebSocket frames counted apart. The goals: a first visit at most 1.5 MB,
a second one from the same browser at most 0.2 MB (5.08 MB and, by Chromium's guesswork, 0.02 MB
before the work). And, on every response (workbook/caching.py):

- the page itself is `no-store` (it is built from a person's answers) and still carries the app's
  Content-Security-Policy; so is every API response;
- every static file it loads has an address naming its content and is kept for a year
  (`immutable`), JavaScript and CSS come gzip-compressed, and the second visit loads none of them
  over the network;
- no Font Awesome font is downloaded: the icons the app draws are in the page (workbook/icons.py).

tests/test_binder.py checks the same on the Binder route with `assert_served_well`.

`python -m tests.e2e.test_network URL` prints the figures and every response for any page.
"""

from __future__ import annotations

import base64
import gzip
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Browser, Page

from workbook import caching, icons
from workbook.cli import main as cli_main

from .rig import DESKTOP_VIEWPORT, voila_over, wait_ready
from .test_privacy import app_policy

FIRST_VISIT_MAX_BYTES = 1_500_000
SECOND_VISIT_MAX_BYTES = 200_000
STATIC_ROUTES = caching.STATIC_ROUTES  # under the server's base URL
FONT_FILES = re.compile(r"\.(woff2?|ttf|otf|eot)$")
COMPRESSIBLE = ("javascript", "text/css")


@dataclass
class Transfer:
    """One HTTP response as the browser got it."""

    url: str
    status: int
    headers: dict[str, str]  # names in lower case
    bytes: int = 0  # on the wire: headers and body as sent (compressed)
    finished: bool = False  # the browser reported the load complete (so `bytes` is known)
    cache_flag: bool = False  # the browser said so: fromDiskCache, fromMemoryCache, ServedFromCache

    @property
    def from_cache(self) -> bool:
        """Nothing crossed the network. Chromium often reports a cached file only by that: a load
        of 0 bytes, not even headers, with no cache flag set."""
        return self.cache_flag or (self.finished and self.bytes == 0)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


@dataclass
class Visit:
    url: str
    transfers: list[Transfer] = field(default_factory=list)
    websocket_bytes: int = 0  # frame payloads both ways, counted apart from HTTP
    websocket_extensions: list[str] = field(default_factory=list)  # each socket's, as agreed

    @property
    def http_bytes(self) -> int:
        return sum(transfer.bytes for transfer in self.transfers)

    def document(self) -> Transfer:
        return next(t for t in self.transfers if t.url == self.url)

    def static(self, base_path: str) -> list[Transfer]:
        return [t for t in self.transfers if t.path.removeprefix(base_path).startswith(STATIC_ROUTES)]

    def report(self, label: str) -> str:
        lines = [
            f"{label}: {self.http_bytes:,} bytes over {len(self.transfers)} HTTP responses "
            f"({self.http_bytes / 1e6:.3f} MB; WebSocket frames {self.websocket_bytes:,} bytes apart)"
        ]
        for t in sorted(self.transfers, key=lambda t: -t.bytes):
            cached = "cache" if t.from_cache else "net  "
            encoding = t.headers.get("content-encoding", "-")
            policy = t.headers.get("cache-control", "-")
            lines.append(f"  {t.bytes:>9,} {t.status} {cached} {encoding:<4} {policy:<40} {t.url[:140]}")
        return "\n".join(lines)


def record_visit(page: Page, url: str) -> Visit:
    """Open `url` in `page`, wait until the app is ready and the network idle, and return every
    HTTP response of the load."""
    visit = Visit(url)
    by_id: dict[str, Transfer] = {}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")

    def received(event: dict[str, Any]) -> None:
        response = event["response"]
        if response["url"].startswith(("data:", "blob:")):
            return
        headers = {name.lower(): value for name, value in response["headers"].items()}
        cached = bool(response.get("fromDiskCache") or response.get("fromMemoryCache"))
        by_id[event["requestId"]] = Transfer(response["url"], response["status"], headers, cache_flag=cached)

    def finished(event: dict[str, Any]) -> None:
        transfer = by_id.get(event["requestId"])
        if transfer is not None:
            transfer.bytes = int(event["encodedDataLength"])
            transfer.finished = True

    def from_cache(event: dict[str, Any]) -> None:
        transfer = by_id.get(event["requestId"])
        if transfer is not None:
            transfer.cache_flag = True

    def frame(event: dict[str, Any]) -> None:
        visit.websocket_bytes += len(event["response"].get("payloadData", ""))

    def handshake(event: dict[str, Any]) -> None:
        headers = {name.lower(): value for name, value in event["response"].get("headers", {}).items()}
        visit.websocket_extensions.append(headers.get("sec-websocket-extensions", ""))

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", from_cache)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    cdp.on("Network.webSocketHandshakeResponseReceived", handshake)
    page.goto(url)
    wait_ready(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # the last events of the load reach us
    cdp.detach()
    visit.transfers = list(by_id.values())
    unfinished = [t.url for t in visit.transfers if not t.finished and not t.cache_flag]
    assert not unfinished, f"responses whose size the browser never reported: {unfinished}"
    return visit


def two_visits(browser: Browser, url: str, *, icons_shown: bool = True) -> tuple[Visit, Visit]:
    """A first visit in a fresh browser profile, then a second one in the same profile; checks on
    the way that every icon on the page draws (and that there is one, if `icons_shown`)."""
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        first = record_visit(page, url)
        icons_drawn = page.evaluate(
            """() => [...document.querySelectorAll('i.fa')].map(i => [
                   i.className, i.getBoundingClientRect().width,
                   getComputedStyle(i, '::before').content, getComputedStyle(i, '::before').fontFamily])"""
        )
        second = record_visit(page, url)
    finally:
        context.close()
    if icons_shown:
        assert icons_drawn, "the page shows no icon: nothing here checks that icons draw without Font Awesome"
    for class_name, width, content, family in icons_drawn:
        assert width > 0 and content not in ("none", "normal", '""'), f"{class_name} draws nothing"
        assert "Font Awesome 5 Free" in family, f"{class_name} is not drawn with Font Awesome ({family})"
    return first, second


def assert_served_well(first: Visit, second: Visit, base_path: str = "/") -> None:
    """The checks of this module's docstring, on one route; `base_path` is the server's base URL."""
    report = first.report("first visit") + "\n" + second.report("second visit")
    page = first.document()
    assert page.headers.get("cache-control") == caching.NEVER_STORE, f"the page may be stored\n{report}"
    assert page.headers.get("content-encoding") == "gzip", f"the page is not compressed\n{report}"
    assert page.headers.get("content-security-policy") == app_policy(), "the page lost the app's policy"
    assert page.headers.get("x-content-type-options") == "nosniff"
    assert second.document().headers.get("cache-control") == caching.NEVER_STORE

    static = first.static(base_path)
    assert len(static) > 20, f"the page loaded hardly any of Voila's files: is this the app?\n{report}"
    kept = [t.url for t in static if t.headers.get("cache-control") != caching.IMMUTABLE]
    assert not kept, f"static files without a version, or not kept: {_few(kept)}\n{report}"
    plain = [
        t.url
        for t in static
        if any(kind in t.headers.get("content-type", "") for kind in COMPRESSIBLE)
        and t.headers.get("content-encoding") != "gzip"
    ]
    assert not plain, f"JavaScript or CSS sent uncompressed: {_few(plain)}\n{report}"
    api = [t for t in first.transfers + second.transfers if "/api/" in t.path]
    assert api, "the page called no API: the check of API responses would pass by default"
    stored = [t.url for t in api if t.headers.get("cache-control") != caching.NEVER_STORE]
    assert not stored, f"API responses the browser may store: {stored}"
    # The kernel's socket carries the widgets' state: compressed too (caching.WEBSOCKET_COMPRESSION).
    assert first.websocket_extensions, "no WebSocket was opened: the kernel's socket went unchecked"
    plain_sockets = [e for e in first.websocket_extensions if "permessage-deflate" not in e]
    assert not plain_sockets, f"WebSockets without compression: {first.websocket_extensions}"
    fonts = [t.url for t in first.transfers if FONT_FILES.search(t.path)]
    assert not fonts, f"the page downloaded fonts it has inline (workbook/icons.py): {fonts}"

    refetched = [t.url for t in second.static(base_path) if not t.from_cache]
    assert not refetched, f"the second visit fetched static files again: {_few(refetched)}\n{report}"
    assert first.http_bytes <= FIRST_VISIT_MAX_BYTES, f"first visit too heavy\n{report}"
    assert second.http_bytes <= SECOND_VISIT_MAX_BYTES, f"second visit too heavy\n{report}"


def _few(urls: list[str]) -> str:
    return ", ".join(urls[:5]) + (f" and {len(urls) - 5} more" if len(urls) > 5 else "")


# --- standalone Voila, as voila.json configures it -------------------------------------------------


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard over the demo workbook (people in it, so the person panel and its icons show)."""
    home = tmp_path_factory.mktemp("network-home")
    home.chmod(0o700)
    assert cli_main(["--home", str(home), "demo"]) == 0
    with voila_over(home, tmp_path_factory.mktemp("network-log")) as url:
        yield url


@pytest.mark.e2e
def test_the_page_is_light_compressed_never_stored_and_its_files_kept(
    standalone: str, browser: Browser
) -> None:
    first, second = two_visits(browser, standalone)
    print(
        f"\nstandalone: first visit {first.http_bytes / 1e6:.3f} MB ({len(first.transfers)} responses), "
        f"second visit {second.http_bytes / 1e6:.3f} MB; WebSocket {first.websocket_bytes:,} and "
        f"{second.websocket_bytes:,} bytes apart"
    )
    assert_served_well(first, second)


@pytest.mark.e2e
def test_compression_follows_what_the_browser_accepts(standalone: str) -> None:
    """gzip only when asked for, and the same file either way."""
    page = urlopen(Request(standalone, headers={"Accept-Encoding": "gzip"}), timeout=60)
    versioned = re.search(r'"fullStaticUrl": "([^"]+)"', _gunzip(page.read()).decode()).group(1)
    script = standalone.rstrip("/") + versioned + "/voila.js"

    plain = urlopen(Request(script), timeout=30)
    # Compressed once, then sent again as kept (caching.StaticGZip): the same bytes both times.
    zipped, again = (urlopen(Request(script, headers={"Accept-Encoding": "gzip"}), timeout=30) for _ in "12")

    assert plain.headers.get("Content-Encoding") is None
    body = plain.read()
    for response in (zipped, again):
        assert response.headers.get("Content-Encoding") == "gzip"
        assert "Accept-Encoding" in response.headers.get("Vary", "")
        assert response.headers.get("Cache-Control") == caching.IMMUTABLE
        assert _gunzip(response.read()) == body
    # Another version's address is not this one's file under a year-long promise.
    other = standalone.rstrip("/") + re.sub(r"v-[0-9a-f]+", "v-" + "0" * 20, versioned) + "/voila.js"
    with pytest.raises(HTTPError) as refused:
        urlopen(other, timeout=30)
    assert refused.value.code in (403, 404)  # Voila's own route: not a file it has


def _gunzip(data: bytes) -> bytes:
    return gzip.decompress(data)


# --- the policy itself, without a server --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "content_type", "status", "expected"),
    [
        ("/voila/static/v-0123456789abcdef0123/7155.voila.js", {}, "text/javascript", 200, caching.IMMUTABLE),
        ("/voila/static/7155.voila.js", {}, "text/javascript", 200, caching.REVALIDATE),
        ("/voila/static/7155.voila.js", {}, "text/javascript", 304, caching.REVALIDATE),
        ("/voila/templates/workbook/static/index.css", {"v": [b"ab12"]}, "text/css", 200, caching.IMMUTABLE),
        (
            "/voila/labextensions/x/static/remoteEntry.c8c9eed2cdefdeac.js",
            {},
            "text/javascript",
            200,
            caching.IMMUTABLE,
        ),
        ("/voila/static/missing.js", {}, "text/html; charset=UTF-8", 404, caching.NEVER_STORE),
        ("/", {}, "text/html", 200, caching.NEVER_STORE),
        ("/voila/render/notebooks/dashboard.ipynb", {}, "text/html; charset=UTF-8", 200, caching.NEVER_STORE),
        ("/api/kernels/1", {}, "application/json", 200, caching.NEVER_STORE),
        ("/lab/api/settings", {}, "application/json", 200, caching.NEVER_STORE),
        ("/static/lab/main.abcdef.js", {}, "text/javascript", 200, None),  # JupyterLab's own: left alone
        ("/api/kernels/1/channels", {}, "", 101, None),  # a websocket's handshake
    ],
)
def test_the_cache_policy(
    path: str, query: dict, content_type: str, status: int, expected: str | None
) -> None:
    assert caching.cache_control_for(path, query, content_type, status) == expected


def test_the_policy_follows_the_base_url() -> None:
    base = "/user/sam/abc/"
    assert caching.cache_control_for(base + "voila/static/1.voila.js", {}, "text/javascript", 200, base) == (
        caching.REVALIDATE
    )
    assert caching.cache_control_for(base + "api/contents", {}, "application/json", 200, base) == (
        caching.NEVER_STORE
    )


# --- the icons the page draws itself -------------------------------------------------------------------


def test_every_icon_the_ui_names_is_in_the_pages_own_font() -> None:
    """Else that icon makes the browser download Font Awesome's whole solid font (78 KB) again."""
    css = icons.STYLESHEET.read_text("utf-8")
    drawn = dict(re.findall(r'\.fa-([a-z0-9-]+):before\{content:"\\([0-9a-f]+)"\}', css))
    wanted = icons.icons_in_ui() | set(icons.WIDGET_ICONS)
    missing = sorted(wanted - set(drawn))
    assert not missing, f"{icons.STYLESHEET.name} has no {', '.join(missing)}: run `python -m workbook.icons`"

    font = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    covered = set(_font_codepoints(base64.b64decode(font)))
    unicode_range = re.search(r"unicode-range:([^;]+);", css).group(1)
    declared = {int(code, 16) for code in re.findall(r"U\+([0-9A-F]+)", unicode_range)}
    glyphs = {int(code, 16) for code in drawn.values()} | set(icons.WIDGET_GLYPHS)
    assert glyphs <= covered, f"the embedded font lacks {sorted(map(hex, glyphs - covered))}"
    assert declared == glyphs, "unicode-range must name exactly the glyphs the embedded font has"

    # The same glyph Font Awesome's own CSS in Voila gives each name (v4 names included).
    voila_fa = (icons._voila_static() / "voila-style.js").read_text("utf-8")
    assert {name: int(code, 16) for name, code in drawn.items()} == icons.codepoints(drawn, voila_fa)


def test_the_ui_icon_scan_finds_icons_however_they_are_written(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "w.Button(icon='trash')\nw.ToggleButtons(icons=['check', 'times'])\n"
        "b.icon = 'eye'\nw.Button(icon='')\nw.Button(description='icon')\n"
    )
    assert icons.icons_in_ui(tmp_path) == {"trash", "check", "times", "eye"}


def _font_codepoints(woff: bytes) -> list[int]:
    from fontTools.ttLib import TTFont

    return list(TTFont(io.BytesIO(woff)).getBestCmap())


if __name__ == "__main__":  # python -m tests.e2e.test_network URL
    from playwright.sync_api import sync_playwright

    from .rig import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        visits = two_visits(chromium, sys.argv[1], icons_shown=False)
        chromium.close()
    for label, visit in zip(("first visit", "second visit"), visits, strict=True):
        print(visit.report(label))
