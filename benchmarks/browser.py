"""The app in Chromium under Voila, against the one-slider floor served by the same Voila.

Both notebooks are served exactly as the e2e rig serves them (its `voila_command` and `start_server`,
from the repository root so `voila.json` applies, pre-heated kernels and all), over a private
WORKBOOK_HOME holding the demo people. App and floor are measured alternately (A B A B) so a slow
moment of the machine lands on both, and each figure is a median. After each tab is closed the
server is left to go quiet (its kernel gone, the pool refilled), so every load finds an idle server.

Time to interactive is the wall time from `page.goto` to `.wb-ready`, in a browser context whose
cache was warmed by one unmeasured load (a returning visitor). A round trip is timed inside the page,
from the input event (`click` on a likert label, `keydown` on the slider) to the moment the text the
person is waiting for has changed, so Playwright's own overhead is left out; the time to the frame
that paints it is kept too. Kernel memory is the RSS of the page's own kernel process, found by the
kernel id in the page.

Issue 14 adds four more, each app against floor, A B A B, medians. Bytes: every HTTP response as
transferred (Chromium's `Network.loadingFinished` `encodedDataLength`, so compressed where the server
compresses), on a first visit (empty cache) and a second one in the same browser context, with the
WebSocket frames counted apart; the servers for it are started as `make app` starts them (the
launcher, `workbook/launch.py`, with only the notebook swapped for the floor), so whatever that route
adds (compression, caching headers) is what is counted. Phone: time to interactive with Chromium
throttled as a mid-range phone on slow 4G (`PHONE_*` below). Lighthouse's mobile performance score is
kept as context (lighthouse.py); the Binder route has its own server (binder.py).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e import rig

from . import Sizes
from .report import REPO_ROOT, Figure, failed

FLOOR_NOTEBOOK = REPO_ROOT / "tests" / "e2e" / "fixtures" / "one_slider.ipynb"
DASHBOARD = REPO_ROOT / rig.DASHBOARD_NOTEBOOK

APP_SCORE = ".wb-app > .wb-readiness .wb-score"
APP_CARD = ".wb-app > .wb-readiness"
APP_ANSWER = ".wb-q-accept_no .widget-radio-box label"
FLOOR_ECHO = ".wb-echo"
FLOOR_HANDLE = ".widget-slider .noUi-handle"

ROUND_TRIP_TIMEOUT_MS = 30_000
KERNEL_EXIT_TIMEOUT_S = 5.0
SETTLE_WINDOW_S = 0.5
QUIET_CPU_PERCENT = 5.0
TAB_READY_TIMEOUT_MS = 120_000
# Lost tabs are reclaimed only by culling, whose committed timeout (voila.json) is longer than a
# benchmark can wait: one server runs with it shortened on the command line, which overrides
# voila.json for these two settings alone.
CULLING_TEST_TIMEOUT_S = 20
CULLING_TEST_OVERRIDES = [
    f"--MappingKernelManager.cull_idle_timeout={CULLING_TEST_TIMEOUT_S}",
    "--MappingKernelManager.cull_interval=5",
]

# What a tab meets when no pre-heated kernel is free (the pool is refilled `fill_delay` after a visit).
NO_PREHEAT = ["--VoilaConfiguration.preheat_kernel=False"]

# A mid-range phone on slow 4G, as Lighthouse's mobile profile defines it (`mobileSlow4G`: 150 ms
# round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower) and as Lighthouse itself applies it when
# it throttles Chromium through DevTools, which delays whole requests rather than packets: latency
# x 3.75, throughput x 0.9 (the same numbers as DevTools' own "Slow 4G" preset). Kbit here is 1024 bits.
PHONE_LATENCY_MS = 150 * 3.75
PHONE_DOWN_BYTES_S = 1.6 * 1024 * 0.9 * 1024 / 8
PHONE_UP_BYTES_S = 750 * 0.9 * 1024 / 8
PHONE_CPU_SLOWDOWN = 4
PHONE_READY_TIMEOUT_MS = 180_000
# After `.wb-ready` a page may still fetch (an icon font, a late chunk): bytes are counted until no
# request has been in flight for this long.
NETWORK_QUIET_MS = 750
NETWORK_QUIET_TIMEOUT_S = 15.0
BYTES_GOAL_FIRST = 1_500_000  # issue 14: a first visit moves at most 1.5 MB (decimal megabytes)
BYTES_GOAL_SECOND = 200_000  # ... and a second visit, cache warm, at most 0.2 MB

# Arms a watch before the input. The start is the input event's own timestamp; `domMs` is when the
# text the person waits for has changed in the page, `frameMs` the animation frame after that (when
# it is painted; that adds up to one frame, 16.7 ms, at random, to app and floor alike).
ARM_ROUND_TRIP = """
([watch, read, trigger, timeoutMs]) => {
  const text = () => { const el = document.querySelector(read); return el ? el.textContent : null; };
  const before = text();
  window.__wbStart = null;
  document.addEventListener(trigger, (e) => { window.__wbStart = e.timeStamp; },
                            {capture: true, once: true});
  window.__wbRoundTrip = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      const now = text();
      if (now === null || now === before) return;
      observer.disconnect();
      const domMs = performance.now() - window.__wbStart;
      requestAnimationFrame(() => resolve({domMs, frameMs: performance.now() - window.__wbStart}));
    });
    observer.observe(document.querySelector(watch), {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error(`${read} still shows ${before}`)); },
               timeoutMs);
  });
  return before;
}
"""
AWAIT_ROUND_TRIP = "() => window.__wbRoundTrip"
KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    pool: int  # kernels it keeps pre-heated

    def kernels(self) -> list[psutil.Process]:
        """The kernels this server runs."""
        return list(rig.kernels_of(self.process.pid).values())

    def kernel_of(self, page: Page) -> psutil.Process:
        kernel_id = page.evaluate(KERNEL_ID)
        try:
            return rig.kernels_of(self.process.pid)[kernel_id]
        except KeyError:
            raise RuntimeError(f"no kernel process for kernel {kernel_id} under {self.url}") from None


@dataclass
class Servers:
    app: Server
    floor: Server
    culling: Server  # the app again, with culling shortened so that it can be seen within a run
    app_cold: Server  # app and floor once more with no pre-heated kernel: a tab opened while the
    floor_cold: Server  # pool is empty (soon after another) starts its kernel on the request


def demo_home(folder: Path) -> Path:
    """A private WORKBOOK_HOME with the fictional demo people, loaded the way a person would."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    subprocess.run(
        [sys.executable, "-m", "workbook", "--home", str(folder), "demo"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return folder


@contextlib.contextmanager
def serve_all(folder: Path) -> Iterator[Servers]:
    """The dashboard and the floor, each on its own standalone Voila started the same way, and the
    dashboard once more with the culling overrides. Started and stopped side by side: each takes
    seconds."""
    home = demo_home(folder / "home")
    env = {**os.environ, "WORKBOOK_HOME": str(home)}

    def start(name: str, notebook: Path, extra: list[str]) -> Server:
        port = rig.free_port()
        process = rig.start_server(
            [*rig.voila_command(notebook, port), *extra],
            port=port,
            cwd=REPO_ROOT,
            env=env,
            log_path=folder / f"voila-{name}.log",
        )
        return Server(
            name, f"http://127.0.0.1:{port}/", process, 0 if NO_PREHEAT[0] in extra else pool_size()
        )

    specs = (
        ("app", DASHBOARD, []),
        ("floor", FLOOR_NOTEBOOK, []),
        ("culling", DASHBOARD, CULLING_TEST_OVERRIDES),
        ("app_cold", DASHBOARD, NO_PREHEAT),
        ("floor_cold", FLOOR_NOTEBOOK, NO_PREHEAT),
    )
    with ThreadPoolExecutor(len(specs)) as pool:
        futures = [pool.submit(start, *spec) for spec in specs]
    started = [future.result() for future in futures if future.exception() is None]
    try:
        for future in futures:
            future.result()  # the first server that did not start says why
        yield Servers(*started)
    finally:
        with ThreadPoolExecutor(len(specs)) as pool:
            list(pool.map(lambda server: rig.stop_server(server.process), started))


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium with the rig's arguments (outside pytest, where there is no
    `shared_browser`)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(rig.CHROMIUM), headless=True, args=rig.CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# --- pages -----------------------------------------------------------------------------------


def open_ready(context: BrowserContext, server: Server) -> tuple[Page, float]:
    """A new tab on the server, and the seconds from navigation to `.wb-ready`."""
    page = context.new_page()
    page.bring_to_front()
    start = time.perf_counter()
    page.goto(server.url, wait_until="commit")
    rig.wait_ready(page)
    return page, time.perf_counter() - start


def close_tab(page: Page, server: Server, settle_s: float) -> None:
    """Close the tab as a browser does (so `beforeunload` runs), wait for its kernel to go and for
    the server to go quiet, so one load's aftermath never lands on the next measurement."""
    kernel = server.kernel_of(page)
    page.close(run_before_unload=True)
    with contextlib.suppress(psutil.TimeoutExpired):
        kernel.wait(timeout=KERNEL_EXIT_TIMEOUT_S)
    settle(server, settle_s)


def committed(section: str) -> dict:
    """One section of the committed voila.json: what the servers measured here run with."""
    return json.loads((REPO_ROOT / "voila.json").read_text()).get(section, {})


def pool_size() -> int:
    """How many kernels Voila keeps pre-heated per notebook, as voila.json says (0: none)."""
    settings = committed("VoilaConfiguration")
    return int(settings.get("default_pool_size", 1)) if settings.get("preheat_kernel") else 0


def settle(server: Server, timeout_s: float) -> None:
    """Wait until the server is as a visitor who comes along later finds it: its pool of pre-heated
    kernels refilled (Voila refills it a second after each visit) and nothing using the CPU. A kernel
    refilling the pool or shutting down would otherwise be timed as part of the next load."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(server.kernels()) < server.pool:
            time.sleep(SETTLE_WINDOW_S)
            continue
        busy = busy_percent(server.process.pid, server.kernels())
        if busy is not None and busy < QUIET_CPU_PERCENT:
            return


def busy_percent(server_pid: int, kernels: Iterable[psutil.Process]) -> float | None:
    """CPU the server and its kernels use over one settle window, or None when a kernel ended while
    it was being looked at (look again)."""
    try:
        processes = [psutil.Process(server_pid), *kernels]
        for process in processes:
            process.cpu_percent(None)
        time.sleep(SETTLE_WINDOW_S)
        return sum(process.cpu_percent(None) for process in processes if process.is_running())
    except psutil.NoSuchProcess:
        return None


def new_context(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=rig.DESKTOP_VIEWPORT)


@dataclass
class RoundTrip:
    dom_ms: float  # input event to the new text in the page
    frame_ms: float  # ... to the frame that paints it


def time_round_trip(page: Page, watch: str, read: str, trigger: str, act: Callable[[], None]) -> RoundTrip:
    page.evaluate(ARM_ROUND_TRIP, [watch, read, trigger, ROUND_TRIP_TIMEOUT_MS])
    act()
    result = page.evaluate(AWAIT_ROUND_TRIP)
    return RoundTrip(float(result["domMs"]), float(result["frameMs"]))


def open_motives(page: Page) -> None:
    page.locator(".wb-stepper button", has_text="Motives").first.click()
    page.wait_for_selector(APP_ANSWER)


def change_answer(page: Page) -> RoundTrip:
    """Move `accept_no` between 4 and 5 (both complete the reflection, with different scores)."""
    radios = page.locator(".wb-q-accept_no input[type=radio]")
    checked = radios.evaluate_all("(inputs) => inputs.findIndex((input) => input.checked)")
    target = 3 if checked == 4 else 4  # label index 3 is "4", index 4 is "5 - Strongly agree"
    label = page.locator(APP_ANSWER).nth(target)
    return time_round_trip(page, APP_CARD, APP_SCORE, "click", label.click)


def nudge_slider(page: Page, step: int) -> RoundTrip:
    """One key press on the slider (right, then left, so it never sticks at an end)."""
    key = "ArrowRight" if step % 2 == 0 else "ArrowLeft"
    handle = page.locator(FLOOR_HANDLE).first
    handle.focus()
    return time_round_trip(page, FLOOR_ECHO, FLOOR_ECHO, "keydown", lambda: handle.press(key))


def rss_mb(process: psutil.Process, settle_s: float) -> float:
    time.sleep(settle_s)  # let the kernel finish replying before it is weighed
    return process.memory_info().rss / 2**20


# --- the figures -----------------------------------------------------------------------------


def time_to_interactive(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    figures = []
    for key, app_server, floor_server, title, goal in (
        ("time_to_interactive", servers.app, servers.floor, "dashboard time to interactive", "≤ 1.20× floor"),
        (
            "time_to_interactive_cold",
            servers.app_cold,
            servers.floor_cold,
            "… when no pre-heated kernel is free (context: a second tab soon after another)",
            "",
        ),
    ):
        samples = _alternate_loads(browser, app_server, floor_server, sizes)
        app, floor = statistics.median(samples["app"]), statistics.median(samples["floor"])
        figures.append(
            Figure(
                key=key,
                title=f"{title} (navigation to .wb-ready)" if goal else title,
                value=app,
                unit="s",
                floor=floor,
                goal=goal,
                met=app / floor <= 1.20 if goal else None,
                benchmark="tti",
                detail={"samples_s": samples, "loads_each": sizes.page_loads},
            )
        )
    return figures


def _alternate_loads(browser: Browser, app: Server, floor: Server, sizes: Sizes) -> dict[str, list[float]]:
    """Seconds to `.wb-ready` for `page_loads` loads of each, A B A B, each on an idle server."""
    samples: dict[str, list[float]] = {"app": [], "floor": []}
    sides = (("app", app), ("floor", floor))
    contexts = {side: new_context(browser) for side, _ in sides}
    try:
        for side, server in sides:  # warm the browser cache and the OS page cache
            settle(server, sizes.settle_s)
            if sizes.page_loads > 1:  # (a quick run only proves the benchmark still works)
                page, _ = open_ready(contexts[side], server)
                close_tab(page, server, sizes.settle_s)
        for _ in range(sizes.page_loads):
            for side, server in sides:
                page, seconds = open_ready(contexts[side], server)
                samples[side].append(seconds)
                close_tab(page, server, sizes.settle_s)
    finally:
        for context in contexts.values():
            context.close()
    return samples


def interaction_round_trip(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    samples: dict[str, list[RoundTrip]] = {"app": [], "floor": []}
    # A context each, and each page brought to the front before it is measured: Chromium throttles
    # the timers of a background tab to once a second, which would be measured instead of the app.
    app_context, floor_context = new_context(browser), new_context(browser)
    try:
        app_page, _ = open_ready(app_context, servers.app)
        open_motives(app_page)
        floor_page, _ = open_ready(floor_context, servers.floor)
        for server in (servers.app, servers.floor):  # each visit refills its pool: let that finish
            settle(server, sizes.settle_s)
        for step in range(sizes.round_trips + 1):  # the first change of each warms up, not counted
            app_page.bring_to_front()
            app = change_answer(app_page)
            floor_page.bring_to_front()
            floor = nudge_slider(floor_page, step)
            if step:
                samples["app"].append(app)
                samples["floor"].append(floor)
        close_tab(app_page, servers.app, sizes.settle_s)
        close_tab(floor_page, servers.floor, sizes.settle_s)
    finally:
        app_context.close()
        floor_context.close()

    def median(side: str, field: str) -> float:
        return statistics.median(getattr(sample, field) for sample in samples[side])

    app, floor = median("app", "dom_ms"), median("floor", "dom_ms")
    return [
        Figure(
            key="round_trip",
            title="round trip: reflection answer → new score on the card (vs slider → label)",
            value=app,
            unit="ms",
            floor=floor,
            goal="≤ 1.5× floor",
            met=app / floor <= 1.5,
            benchmark="round-trip",
            detail={
                "dom_ms": {side: [round(s.dom_ms, 1) for s in runs] for side, runs in samples.items()},
                "painted_ms_median": {"app": median("app", "frame_ms"), "floor": median("floor", "frame_ms")},
                "painted_ms": {side: [round(s.frame_ms, 1) for s in runs] for side, runs in samples.items()},
                "changes_each": sizes.round_trips,
            },
        ),
        Figure(
            key="round_trip_painted",
            title="… counted to the next animation frame (context: whole frames at 60 Hz, see docs)",
            value=median("app", "frame_ms"),
            unit="ms",
            floor=median("floor", "frame_ms"),
            benchmark="round-trip",
        ),
    ]


def kernel_memory(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    context = new_context(browser)
    try:
        floor_page, _ = open_ready(context, servers.floor)
        floor_mb = rss_mb(servers.floor.kernel_of(floor_page), sizes.settle_s / 10)
        close_tab(floor_page, servers.floor, sizes.settle_s)
        page, _ = open_ready(context, servers.app)
        kernel = servers.app.kernel_of(page)
        after_load = rss_mb(kernel, sizes.settle_s / 10)
        open_motives(page)
        for _ in range(sizes.memory_interactions):
            change_answer(page)
        after_changes = rss_mb(kernel, sizes.settle_s / 10)
        for _ in range(sizes.memory_interactions):
            change_answer(page)
        after_twice = rss_mb(kernel, sizes.settle_s / 10)
        steps = page.locator(".wb-stepper button")
        for index in range(steps.count()):  # every step built once, charts and all
            steps.nth(index).click()
            page.wait_for_selector(f".wb-step-{index}")
        after_all_steps = rss_mb(kernel, sizes.settle_s / 10)
        close_tab(page, servers.app, sizes.settle_s)
    finally:
        context.close()
    growth = after_changes - after_load
    return [
        Figure(
            key="kernel_memory_after_load",
            title="dashboard kernel memory (RSS) after load",
            value=after_load,
            unit="MB",
            floor=floor_mb,
            goal="≤ 150 MB",
            met=after_load <= 150,
            benchmark="memory",
            detail={"floor_after_load_mb": floor_mb},
        ),
        Figure(
            key="kernel_memory_growth",
            title=f"kernel memory growth over {sizes.memory_interactions} answer changes",
            value=growth,
            unit="MB",
            goal="no growth (≤ 2 MB)",
            met=growth <= 2.0,
            benchmark="memory",
            detail={
                "after_load_mb": after_load,
                "after_changes_mb": after_changes,
                "after_as_many_again_mb": after_twice,
                "changes": sizes.memory_interactions,
            },
        ),
        Figure(
            key="kernel_memory_all_steps",
            title="dashboard kernel memory after opening every step (context)",
            value=after_all_steps,
            unit="MB",
            goal="≤ 150 MB",
            met=after_all_steps <= 150,
            benchmark="memory",
        ),
    ]


def abandoned_sessions(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    """Open tabs, close them three ways, and count their kernels `abandoned_wait_s` later.

    "closed": tabs closed the way a browser closes them (`beforeunload` runs, so Voila's beacon can
    shut each kernel down at once) while the browser goes on running; on the app server exactly as
    committed. "quit": the same, but the whole browser goes straight after, which can cut off the
    beacons still queued (context, no goal: culling reclaims those). "lost": no `beforeunload` at all
    (a crashed browser, a phone that killed the tab); only culling can reclaim those, so they are
    measured on the culling server, whose idle timeout is shortened to fit in the run. A tab left
    open and idle on that server the whole time must keep its kernel.
    """
    keeper_context = new_context(browser)
    keeper, _ = open_ready(keeper_context, servers.culling)
    keeper_kernel = servers.culling.kernel_of(keeper)
    watcher = _KernelWatcher()
    came_up: dict[str, int] = {}
    still_open: list[BrowserContext] = []
    ways = (  # (way, server, run beforeunload, the browser goes right after)
        ("closed", servers.app, True, False),
        ("quit", servers.app, True, True),
        ("lost", servers.culling, False, True),
    )
    try:
        for way, server, unload, browser_goes in ways:
            settle(server, sizes.settle_s)
            context = new_context(browser)
            pages = [context.new_page() for _ in range(sizes.tabs)]
            for page in pages:  # all at once, as a person restoring a session of tabs would
                page.goto(server.url, wait_until="commit")
            came_up[way] = _count_ready(pages, TAB_READY_TIMEOUT_MS / 1000)
            kernels = [server.kernel_of(page) for page in pages]
            for page in pages:
                page.close(run_before_unload=unload)
            watcher.watch(way, kernels)
            if browser_goes:
                context.close()
            else:
                still_open.append(context)
        watcher.wait_until_judged(sizes.abandoned_wait_s)
    finally:
        watcher.stop()
        for context in still_open:
            context.close()
    left = {way: watcher.left(way, sizes.abandoned_wait_s) for way, *_ in ways}
    closed_tabs_kernels = watcher.kernels("closed", "quit")
    warm = len(servers.app.kernels()) - sum(kernel.is_running() for kernel in closed_tabs_kernels)
    keeper_alive = keeper_kernel.is_running()
    keeper_context.close()
    wait = f"{sizes.abandoned_wait_s:.0f} s"
    tabs_in_all = len(ways) * sizes.tabs

    def detail(way: str) -> dict:
        times = watcher.gone_after(way)
        return {
            "tabs": sizes.tabs,
            "left": left[way],
            "gone_within_s": max(times) if times else None,
            "gone_after_s": sorted(round(t, 1) for t in times),
        }

    return [
        Figure(
            key="tabs_opened_at_once",
            title=f"tabs opened at once that became interactive (of {tabs_in_all})",
            value=sum(came_up.values()),
            unit="kernels",
            goal=f"{tabs_in_all}",
            met=sum(came_up.values()) == tabs_in_all,
            benchmark="abandoned",
            detail={"by_batch": came_up, "within_s": TAB_READY_TIMEOUT_MS / 1000},
        ),
        Figure(
            key="abandoned_closed",
            title=f"kernels left {wait} after {sizes.tabs} tabs were opened and closed",
            value=left["closed"],
            unit="kernels",
            goal="0",
            met=left["closed"] == 0,
            benchmark="abandoned",
            detail={**detail("closed"), "kernels_kept_warm": warm},
        ),
        Figure(
            key="abandoned_quit",
            title=(
                f"… when the whole browser quits right after closing them (context: "
                f"the rest are culled after {_committed_cull_hours()} idle hours)"
            ),
            value=left["quit"],
            unit="kernels",
            benchmark="abandoned",
            detail=detail("quit"),
        ),
        Figure(
            key="abandoned_lost",
            title=(
                f"kernels left {wait} after {sizes.tabs} tabs were lost without closing "
                f"(crash, killed tab; idle timeout shortened to {CULLING_TEST_TIMEOUT_S} s)"
            ),
            value=left["lost"],
            unit="kernels",
            goal="0",
            met=left["lost"] == 0,
            benchmark="abandoned",
            detail={**detail("lost"), "culling_overrides": CULLING_TEST_OVERRIDES},
        ),
        Figure(
            key="idle_open_tab_kept",
            title="an open tab left idle through the same wait keeps its kernel",
            value=int(keeper_alive),
            unit="kernels",
            goal="1 (never culled)",
            met=keeper_alive,
            benchmark="abandoned",
        ),
    ]


class _KernelWatcher:
    """Notes, from a thread of its own, when each watched kernel process ends, so each batch is judged
    exactly `wait` seconds after its own tabs closed, whatever the batches after it were doing."""

    POLL_S = 0.25

    def __init__(self) -> None:
        self._batches: dict[str, tuple[float, list[psutil.Process]]] = {}
        self._gone: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, way: str, kernels: list[psutil.Process]) -> None:
        with self._lock:
            self._batches[way] = (time.monotonic(), kernels)

    def kernels(self, *ways: str) -> list[psutil.Process]:
        return [kernel for way in ways for kernel in self._batches[way][1]]

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                watched = [kernel for _, kernels in self._batches.values() for kernel in kernels]
            for kernel in watched:
                if kernel.pid not in self._gone and not kernel.is_running():
                    self._gone[kernel.pid] = time.monotonic()
            self._stop.wait(self.POLL_S)

    def wait_until_judged(self, wait_s: float) -> None:
        last_closed = max(closed_at for closed_at, _ in self._batches.values())
        time.sleep(max(0.0, last_closed + wait_s + self.POLL_S - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def gone_after(self, way: str) -> list[float]:
        closed_at, kernels = self._batches[way]
        return [self._gone[k.pid] - closed_at for k in kernels if k.pid in self._gone]

    def left(self, way: str, wait_s: float) -> int:
        """Kernels of this batch still running `wait_s` after its tabs closed."""
        closed_at, kernels = self._batches[way]
        return sum(1 for kernel in kernels if self._gone.get(kernel.pid, math.inf) - closed_at > wait_s)


def _committed_cull_hours() -> float:
    return round(int(committed("MappingKernelManager").get("cull_idle_timeout", 0)) / 3600, 1)


def _count_ready(pages: list[Page], within_s: float) -> int:
    """How many of these tabs show `.wb-ready` by a shared deadline (a tab whose output was lost
    never will, and must not hold the others up)."""
    deadline = time.monotonic() + within_s
    ready = 0
    for page in pages:
        remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            page.wait_for_selector(".wb-ready", timeout=remaining_ms)
            ready += 1
        except PlaywrightTimeoutError:
            pass
    return ready


# --- issue 14: bytes, a phone on slow 4G -------------------------------------------------------


@dataclass
class Traffic:
    """What one tab moved over the network, from Chromium's DevTools protocol (attached before the
    navigation, so the page's own request is counted too).

    `http_bytes` adds up `encodedDataLength` of every finished response (and of redirects on the way):
    bytes as they came over the wire, headers included, compressed where they were sent compressed,
    0 for what came from the browser's cache. WebSocket frames (the kernel's messages) are counted apart,
    by payload: they are the page's conversation with its kernel, not something a cache or gzip could
    save."""

    http_bytes: int = 0
    responses: int = 0  # finished, from the network or from the cache
    from_cache: int = 0  # served by the browser's cache without asking the server
    ws_received: int = 0
    ws_sent: int = 0
    ws_frames: int = 0
    largest: list[tuple[int, str]] = field(default_factory=list)  # (bytes, url), for the record
    _in_flight: set[str] = field(default_factory=set)
    _urls: dict[str, str] = field(default_factory=dict)
    _last_change: float = 0.0

    def attach(self, context: BrowserContext, page: Page) -> Any:
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.requestServedFromCache", lambda _event: self._cached())
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda event: self._done(event["requestId"]))
        cdp.on("Network.webSocketFrameReceived", lambda event: self._frame(event, received=True))
        cdp.on("Network.webSocketFrameSent", lambda event: self._frame(event, received=False))
        cdp.send("Network.enable")
        self._last_change = time.monotonic()
        return cdp

    def _request(self, event: dict) -> None:
        redirect = event.get("redirectResponse")
        if redirect:  # the same request id goes on to the new address: count the redirect itself
            self.http_bytes += int(redirect.get("encodedDataLength", 0))
        self._in_flight.add(event["requestId"])
        self._urls[event["requestId"]] = event["request"]["url"]
        self._last_change = time.monotonic()

    def _cached(self) -> None:
        self.from_cache += 1

    def _finished(self, event: dict) -> None:
        size = int(event.get("encodedDataLength", 0))
        self.http_bytes += size
        self.responses += 1
        url = self._urls.get(event["requestId"], "")
        if size and not url.startswith("data:"):
            self.largest.append((size, url.split("?")[0]))
        self._done(event["requestId"])

    def _done(self, request_id: str) -> None:
        self._in_flight.discard(request_id)
        self._last_change = time.monotonic()

    def _frame(self, event: dict, *, received: bool) -> None:
        response = event["response"]
        payload = response.get("payloadData", "")
        if response.get("opcode") == 2:  # binary frames come base64-encoded
            size = len(payload) * 3 // 4 - payload[-2:].count("=")
        else:
            size = len(payload.encode())
        if received:
            self.ws_received += size
        else:
            self.ws_sent += size
        self.ws_frames += 1

    def wait_quiet(self, page: Page) -> None:
        """Let the page finish what it fetches after `.wb-ready` (events arrive only while Playwright
        waits, hence `wait_for_timeout` rather than `time.sleep`)."""
        deadline = time.monotonic() + NETWORK_QUIET_TIMEOUT_S
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            quiet_for = time.monotonic() - self._last_change
            if not self._in_flight and quiet_for * 1000 >= NETWORK_QUIET_MS:
                return

    def record(self) -> dict[str, Any]:
        largest = sorted(self.largest, reverse=True)[:5]
        return {
            "http_bytes": self.http_bytes,
            "responses": self.responses,
            "from_cache": self.from_cache,
            "ws_received": self.ws_received,
            "ws_sent": self.ws_sent,
            "ws_frames": self.ws_frames,
            "largest": [{"bytes": size, "url": url} for size, url in largest],
        }


def throttle_as_phone(cdp: Any) -> None:
    """Slow this tab's network and CPU to the mid-range phone on slow 4G (`PHONE_*`)."""
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": PHONE_LATENCY_MS,
            "downloadThroughput": PHONE_DOWN_BYTES_S,
            "uploadThroughput": PHONE_UP_BYTES_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN})


@dataclass
class Visit:
    seconds: float  # navigation to `.wb-ready`
    traffic: Traffic


def visit(
    context: BrowserContext,
    server: Server,
    *,
    url: str | None = None,
    phone: bool = False,
    settle_s: float,
    count_until_quiet: bool = False,
) -> Visit:
    """Open a tab on the server (or at `url` on it), time it to `.wb-ready` while counting its
    traffic, close it and let the server go quiet."""
    page = context.new_page()
    page.bring_to_front()
    traffic = Traffic()
    cdp = traffic.attach(context, page)
    if phone:
        throttle_as_phone(cdp)
    start = time.perf_counter()
    page.goto(url or server.url, wait_until="commit", timeout=PHONE_READY_TIMEOUT_MS)
    rig.wait_ready(page, timeout=PHONE_READY_TIMEOUT_MS if phone else 60_000)
    seconds = time.perf_counter() - start
    if count_until_quiet:
        traffic.wait_quiet(page)
    close_tab(page, server, settle_s)
    return Visit(seconds, traffic)


@contextlib.contextmanager
def serve_as_app(folder: Path) -> Iterator[tuple[Server, Server, dict[str, str]]]:
    """The dashboard and the floor each served by the launcher exactly as `make app` runs it
    (`python -m workbook.launch`, from the repository root, voila.json and all), only the notebook
    swapped for the floor's. Yields both servers and, by name, the address each printed (with its
    token, which the first visit swaps for a login cookie)."""
    home = demo_home(folder / "home")
    env = {**os.environ, "WORKBOOK_HOME": str(home)}
    launch = (
        "import sys, workbook.launch as launch; launch.DASHBOARD = sys.argv[1]; launch.main(sys.argv[2:])"
    )

    def start(name: str, notebook: Path) -> tuple[Server, str]:
        port = rig.free_port()
        log = folder / f"launch-{name}.log"
        command = [sys.executable, "-c", launch, str(notebook.relative_to(REPO_ROOT))]
        process = rig.start_server(
            [*command, f"--port={port}", "--no-browser"], port=port, cwd=REPO_ROOT, env=env, log_path=log
        )
        return Server(name, f"http://127.0.0.1:{port}/", process, pool_size()), rig.printed_address(log)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(start, *spec) for spec in (("app", DASHBOARD), ("floor", FLOOR_NOTEBOOK))]
    started = [future.result() for future in futures if future.exception() is None]
    try:
        for future in futures:
            future.result()
        (app, app_address), (floor, floor_address) = started
        yield app, floor, {"app": app_address, "floor": floor_address}
    finally:
        for server, _ in started:
            rig.stop_server(server.process)


def page_bytes(browser: Browser, folder: Path, sizes: Sizes) -> list[Figure]:
    """Bytes of a first visit (a new browser context: empty cache, no cookie yet, so through the
    address with its token) and of a second visit in the same context (cache warm, the login cookie
    kept), app and floor alternately, `byte_visits` pairs each."""
    samples: dict[str, dict[str, list[dict]]] = {
        side: {"first": [], "second": []} for side in ("app", "floor")
    }
    with serve_as_app(folder) as (app, floor, addresses):
        sides = (("app", app), ("floor", floor))
        for _, server in sides:
            settle(server, sizes.settle_s)
        for _ in range(sizes.byte_visits):
            for side, server in sides:
                context = new_context(browser)
                try:
                    for which, url in (("first", addresses[side]), ("second", server.url)):
                        seen = visit(
                            context, server, url=url, settle_s=sizes.settle_s, count_until_quiet=True
                        )
                        samples[side][which].append(
                            {**seen.traffic.record(), "seconds": round(seen.seconds, 3)}
                        )
                finally:
                    context.close()

    def median(side: str, which: str, what: str) -> float:
        return statistics.median(sample[what] for sample in samples[side][which])

    figures = []
    for which, title, goal, limit in (
        ("first", "bytes of a first visit (HTTP as transferred; empty cache)", "≤ 1.5 MB", BYTES_GOAL_FIRST),
        ("second", "bytes of a second visit (same browser, cache warm)", "≤ 0.2 MB", BYTES_GOAL_SECOND),
    ):
        value = median("app", which, "http_bytes")
        figures.append(
            Figure(
                key=f"bytes_{which}_visit",
                title=title,
                value=value,
                unit="bytes",
                floor=median("floor", which, "http_bytes"),
                goal=goal,
                met=value <= limit,
                benchmark="bytes",
                detail={
                    "visits": samples["app"][which],
                    "floor_visits": samples["floor"][which],
                    "pairs_each": sizes.byte_visits,
                },
            )
        )
    for which, title in (
        ("first", "… WebSocket frames of the first visit, both ways (context: the kernel's messages)"),
        ("second", "… WebSocket frames of the second visit (context)"),
    ):
        figures.append(
            Figure(
                key=f"websocket_{which}_visit",
                title=title,
                value=median("app", which, "ws_received") + median("app", which, "ws_sent"),
                unit="bytes",
                floor=median("floor", which, "ws_received") + median("floor", which, "ws_sent"),
                benchmark="bytes",
            )
        )
    return figures


def phone_time_to_interactive(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    """Time to interactive on the phone (`PHONE_*`), on the same pre-heated servers as `tti`, app and
    floor alternately: first visits (a new context each: empty cache), then a returning visitor's
    loads in the context of the first of them, whose cache that visit warmed (as `tti`'s unmeasured
    load warms it)."""
    warm: dict[str, list[float]] = {"app": [], "floor": []}
    cold: dict[str, list[float]] = {"app": [], "floor": []}
    sides = (("app", servers.app), ("floor", servers.floor))
    returning: dict[str, BrowserContext] = {}
    try:
        for _, server in sides:
            settle(server, sizes.settle_s)
        for _ in range(sizes.phone_first_visits):
            for side, server in sides:
                context = new_context(browser)
                cold[side].append(visit(context, server, phone=True, settle_s=sizes.settle_s).seconds)
                if side in returning:
                    context.close()
                else:
                    returning[side] = context
        for side, server in sides:
            if side not in returning:  # no first visit measured: warm the cache unmeasured
                returning[side] = new_context(browser)
                page, _ = open_ready(returning[side], server)
                close_tab(page, server, sizes.settle_s)
        for _ in range(sizes.phone_loads):
            for side, server in sides:
                warm[side].append(visit(returning[side], server, phone=True, settle_s=sizes.settle_s).seconds)
    finally:
        for context in returning.values():
            context.close()
    network = (
        f"{PHONE_LATENCY_MS:g} ms, {PHONE_DOWN_BYTES_S * 8 / 1e6:.2f} Mbit/s down, "
        f"CPU {PHONE_CPU_SLOWDOWN}× slower"
    )
    throttling = {
        "latency_ms": PHONE_LATENCY_MS,
        "download_bytes_per_s": PHONE_DOWN_BYTES_S,
        "upload_bytes_per_s": PHONE_UP_BYTES_S,
        "cpu_slowdown": PHONE_CPU_SLOWDOWN,
    }
    app, floor = statistics.median(warm["app"]), statistics.median(warm["floor"])
    return [
        Figure(
            key="time_to_interactive_phone",
            title=f"time to interactive on a mid-range phone on slow 4G ({network}; cache warm)",
            value=app,
            unit="s",
            floor=floor,
            goal="≤ 1.10× floor",
            met=app / floor <= 1.10,
            benchmark="tti-phone",
            detail={"samples_s": warm, "loads_each": sizes.phone_loads, "throttling": throttling},
        ),
        Figure(
            key="time_to_interactive_phone_first",
            title="… on its first visit (context: empty cache, every byte over the slow network)",
            value=statistics.median(cold["app"]),
            unit="s",
            floor=statistics.median(cold["floor"]),
            benchmark="tti-phone",
            detail={"samples_s": cold, "loads_each": sizes.phone_first_visits},
        ),
    ]


def lighthouse_scores(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    from .lighthouse import lighthouse

    return lighthouse(servers.app, servers.floor, sizes, settle)


def binder_route(browser: Browser, folder: Path, sizes: Sizes) -> list[Figure]:
    from .binder import binder_time_to_interactive

    return binder_time_to_interactive(browser, folder, sizes)


# Benchmarks run on the shared servers of `serve_all` ...
BROWSER_BENCHMARKS: dict[str, Callable[[Browser, Servers, Sizes], list[Figure]]] = {
    "tti": time_to_interactive,
    "round-trip": interaction_round_trip,
    "memory": kernel_memory,
    "abandoned": abandoned_sessions,
    "tti-phone": phone_time_to_interactive,
    "lighthouse": lighthouse_scores,
}
# ... and those that start servers of their own, in a folder of their own.
OWN_SERVER_BENCHMARKS: dict[str, Callable[[Browser, Path, Sizes], list[Figure]]] = {
    "bytes": page_bytes,
    "binder": binder_route,
}
NAMES = (*BROWSER_BENCHMARKS, *OWN_SERVER_BENCHMARKS)


def run(names: list[str], sizes: Sizes, browser: Browser | None = None) -> list[Figure]:
    """Run these browser benchmarks (and the given browser, or a new one); those that share servers
    run on one set of them, started only if one of them is asked for."""
    figures: list[Figure] = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="workbook-bench-")))
        shared = [name for name in names if name in BROWSER_BENCHMARKS]
        servers = stack.enter_context(serve_all(folder)) if shared else None
        if browser is None:
            browser = stack.enter_context(chromium())
        for name in names:
            try:
                if name in BROWSER_BENCHMARKS:
                    figures += BROWSER_BENCHMARKS[name](browser, servers, sizes)
                else:
                    own = folder / name
                    own.mkdir()
                    figures += OWN_SERVER_BENCHMARKS[name](browser, own, sizes)
            except (pytest.fail.Exception, Exception) as error:  # one failure, not the whole run
                figures.append(failed(name, error))
    return figures
