"""The app in Chromium under Voila, against the one-slider floor served by the same Voila.

Both notebooks are served exactly as the e2e rig serves them (its `voila_command` and `start_server`,
from the repository root so `voila.json` applies), over a private WORKBOOK_HOME holding the demo
people. App and floor are measured alternately (A B A B) so a slow moment of the machine lands on
both, and each figure is a median.

Time to interactive is the wall time from `page.goto` to `.wb-ready`, in a browser context whose
cache was warmed by one unmeasured load (a returning visitor). A round trip is timed inside the page:
from the input event (`mousedown` on a likert label, `keydown` on the slider) to the next animation
frame after the text the person is waiting for has changed, so Playwright's own overhead is left out.
Kernel memory is the RSS of the page's own kernel process, found by the kernel id in the page.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from . import Sizes
from .report import REPO_ROOT, Figure, failed

# The rig is importable as `e2e.conftest` (the name pytest gives it), so under pytest this is the
# very module the e2e tests use and `shared_browser` hands out the one Playwright of the process.
if str(REPO_ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "tests"))
rig = importlib.import_module("e2e.conftest")

FLOOR_NOTEBOOK = REPO_ROOT / "tests" / "e2e" / "fixtures" / "one_slider.ipynb"
DASHBOARD = REPO_ROOT / rig.DASHBOARD_NOTEBOOK
DEMO_PERSON = "Alex (example)"

APP_SCORE = ".wb-app > .wb-readiness .wb-score"
APP_CARD = ".wb-app > .wb-readiness"
APP_ANSWER = ".wb-q-accept_no .widget-radio-box label"
FLOOR_ECHO = ".wb-echo"
FLOOR_HANDLE = ".widget-slider .noUi-handle"

ROUND_TRIP_TIMEOUT_MS = 30_000
KERNEL_EXIT_TIMEOUT_S = 5.0
TAB_READY_TIMEOUT_MS = 120_000
# Lost tabs are reclaimed only by culling, whose committed timeout (voila.json) is longer than a
# benchmark can wait: one server runs with it shortened on the command line, which overrides
# voila.json for these two settings alone.
CULLING_TEST_TIMEOUT_S = 20
CULLING_TEST_OVERRIDES = [
    f"--MappingKernelManager.cull_idle_timeout={CULLING_TEST_TIMEOUT_S}",
    "--MappingKernelManager.cull_interval=5",
]

# Arms a watch before the input: the start is the input event's own timestamp; the end is the
# animation frame after `read` shows new text under `watch`. Resolves to milliseconds.
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
      requestAnimationFrame(() => resolve({ms: performance.now() - window.__wbStart, text: now}));
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

    def kernels(self) -> list[psutil.Process]:
        """The kernels this server runs (children in sessions of their own, found by process tree)."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [child for child in children if _is_kernel(child)]

    def kernel_of(self, page: Page) -> psutil.Process:
        kernel_id = page.evaluate(KERNEL_ID)
        for kernel in self.kernels():
            if any(f"kernel-{kernel_id}.json" in part for part in _cmdline(kernel)):
                return kernel
        raise RuntimeError(f"no kernel process for kernel {kernel_id} under {self.url}")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _is_kernel(process: psutil.Process) -> bool:
    return any("ipykernel_launcher" in part for part in _cmdline(process))


@dataclass
class Servers:
    app: Server
    floor: Server
    culling: Server  # the app again, with culling shortened so that it can be seen within a run


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
    dashboard once more with the culling overrides."""
    home = demo_home(folder / "home")
    env = {**os.environ, "WORKBOOK_HOME": str(home)}
    started: list[Server] = []
    try:
        for name, notebook, extra in (
            ("app", DASHBOARD, []),
            ("floor", FLOOR_NOTEBOOK, []),
            ("culling", DASHBOARD, CULLING_TEST_OVERRIDES),
        ):
            port = rig.free_port()
            process = rig.start_server(
                [*rig.voila_command(notebook, port), *extra],
                port=port,
                cwd=REPO_ROOT,
                env=env,
                log_path=folder / f"voila-{name}.log",
            )
            started.append(Server(name, f"http://127.0.0.1:{port}/", process))
        yield Servers(*started)
    finally:
        for server in started:
            rig.stop_server(server.process)


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


def close_tab(page: Page, server: Server) -> None:
    """Close the tab as a browser does (so `beforeunload` runs) and wait for its kernel to go,
    so one load's shutdown never overlaps the next measurement."""
    kernel = server.kernel_of(page)
    page.close(run_before_unload=True)
    with contextlib.suppress(psutil.TimeoutExpired):
        kernel.wait(timeout=KERNEL_EXIT_TIMEOUT_S)


def new_context(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=rig.DESKTOP_VIEWPORT)


def round_trip_ms(page: Page, watch: str, read: str, trigger: str, act: Callable[[], None]) -> float:
    page.evaluate(ARM_ROUND_TRIP, [watch, read, trigger, ROUND_TRIP_TIMEOUT_MS])
    act()
    return float(page.evaluate(AWAIT_ROUND_TRIP)["ms"])


def open_motives(page: Page) -> None:
    page.locator(".wb-stepper button", has_text="Motives").first.click()
    page.wait_for_selector(APP_ANSWER)


def change_answer(page: Page) -> float:
    """Move `accept_no` between 4 and 5 (both complete the reflection, with different scores)."""
    radios = page.locator(".wb-q-accept_no input[type=radio]")
    checked = radios.evaluate_all("(inputs) => inputs.findIndex((input) => input.checked)")
    target = 3 if checked == 4 else 4  # label index 3 is "4", index 4 is "5 - Strongly agree"
    label = page.locator(APP_ANSWER).nth(target)
    return round_trip_ms(page, APP_CARD, APP_SCORE, "click", label.click)


def nudge_slider(page: Page, step: int) -> float:
    """One key press on the slider (right, then left, so it never sticks at an end)."""
    key = "ArrowRight" if step % 2 == 0 else "ArrowLeft"
    handle = page.locator(FLOOR_HANDLE).first
    handle.focus()
    return round_trip_ms(page, FLOOR_ECHO, FLOOR_ECHO, "keydown", lambda: handle.press(key))


def rss_mb(process: psutil.Process, settle_s: float = 1.0) -> float:
    time.sleep(settle_s)  # let the kernel finish replying before it is weighed
    return process.memory_info().rss / 2**20


# --- the figures -----------------------------------------------------------------------------


def time_to_interactive(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    samples: dict[str, list[float]] = {"app": [], "floor": []}
    contexts = {server.name: new_context(browser) for server in (servers.app, servers.floor)}
    try:
        for server in (servers.app, servers.floor):  # warm the browser cache and the OS page cache
            page, _ = open_ready(contexts[server.name], server)
            close_tab(page, server)
        for _ in range(sizes.page_loads):
            for server in (servers.app, servers.floor):
                page, seconds = open_ready(contexts[server.name], server)
                samples[server.name].append(seconds)
                close_tab(page, server)
    finally:
        for context in contexts.values():
            context.close()
    app, floor = statistics.median(samples["app"]), statistics.median(samples["floor"])
    return [
        Figure(
            key="time_to_interactive",
            title="dashboard time to interactive (navigation to .wb-ready)",
            value=app,
            unit="s",
            floor=floor,
            goal="≤ 1.20× floor",
            met=app / floor <= 1.20,
            benchmark="tti",
            detail={"samples_s": samples, "loads_each": sizes.page_loads},
        )
    ]


def round_trip(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    samples: dict[str, list[float]] = {"app": [], "floor": []}
    # A context each, and each page brought to the front before it is measured: Chromium throttles
    # the timers of a background tab to once a second, which would be measured instead of the app.
    app_context, floor_context = new_context(browser), new_context(browser)
    try:
        app_page, _ = open_ready(app_context, servers.app)
        open_motives(app_page)
        floor_page, _ = open_ready(floor_context, servers.floor)
        for step in range(sizes.round_trips + 1):  # the first change of each warms up, not counted
            app_page.bring_to_front()
            app_ms = change_answer(app_page)
            floor_page.bring_to_front()
            floor_ms = nudge_slider(floor_page, step)
            if step:
                samples["app"].append(app_ms)
                samples["floor"].append(floor_ms)
        close_tab(app_page, servers.app)
        close_tab(floor_page, servers.floor)
    finally:
        app_context.close()
        floor_context.close()
    app, floor = statistics.median(samples["app"]), statistics.median(samples["floor"])
    return [
        Figure(
            key="round_trip",
            title="round trip: reflection answer → new score on the card",
            value=app,
            unit="ms",
            floor=floor,
            goal="≤ 1.5× floor",
            met=app / floor <= 1.5,
            benchmark="round-trip",
            detail={"samples_ms": samples, "changes_each": sizes.round_trips},
        )
    ]


def kernel_memory(browser: Browser, servers: Servers, sizes: Sizes) -> list[Figure]:
    context = new_context(browser)
    try:
        floor_page, _ = open_ready(context, servers.floor)
        floor_mb = rss_mb(servers.floor.kernel_of(floor_page))
        close_tab(floor_page, servers.floor)
        page, _ = open_ready(context, servers.app)
        kernel = servers.app.kernel_of(page)
        after_load = rss_mb(kernel)
        open_motives(page)
        for _ in range(sizes.memory_interactions):
            change_answer(page)
        after_changes = rss_mb(kernel)
        for _ in range(sizes.memory_interactions):
            change_answer(page)
        after_twice = rss_mb(kernel)
        steps = page.locator(".wb-stepper button")
        for index in range(steps.count()):  # every step built once, charts and all
            steps.nth(index).click()
            page.wait_for_selector(f".wb-step-{index}")
        after_all_steps = rss_mb(kernel, settle_s=2.0)
        close_tab(page, servers.app)
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
    """Open tabs, close them two ways, and count their kernels `abandoned_wait_s` later.

    "closed": the way a browser closes a tab, so Voila's `beforeunload` beacon can shut the kernel
    down at once; measured on the app server exactly as committed. "lost": no `beforeunload` at all
    (a crashed browser, a phone that killed the tab); only culling can reclaim those, so they are
    measured on the culling server, whose idle timeout is shortened to fit in the run. A tab left
    open and idle on that server the whole time must keep its kernel.
    """
    keeper_context = new_context(browser)
    keeper, _ = open_ready(keeper_context, servers.culling)
    keeper_kernel = servers.culling.kernel_of(keeper)
    kernels: dict[str, list[psutil.Process]] = {}
    closed_at: dict[str, float] = {}
    came_up: dict[str, int] = {}
    for way, server in (("closed", servers.app), ("lost", servers.culling)):
        context = new_context(browser)
        pages = [context.new_page() for _ in range(sizes.tabs)]
        for page in pages:  # all at once, as a person restoring a session of tabs would
            page.goto(server.url, wait_until="commit")
        came_up[way] = _count_ready(pages, TAB_READY_TIMEOUT_MS / 1000)
        kernels[way] = [server.kernel_of(page) for page in pages]
        for page in pages:
            page.close(run_before_unload=way == "closed")
        closed_at[way] = time.monotonic()
        context.close()
    gone_after: dict[str, list[float]] = {way: [] for way in kernels}
    seen: set[int] = set()
    deadline = max(closed_at.values()) + sizes.abandoned_wait_s
    while time.monotonic() < deadline:
        for way, processes in kernels.items():
            for kernel in processes:
                if kernel.pid not in seen and not kernel.is_running():
                    seen.add(kernel.pid)
                    gone_after[way].append(time.monotonic() - closed_at[way])
        time.sleep(0.5)
    left = {way: sum(kernel.is_running() for kernel in processes) for way, processes in kernels.items()}
    keeper_alive = keeper_kernel.is_running()
    keeper_context.close()
    wait = f"{sizes.abandoned_wait_s:.0f} s"

    def detail(way: str) -> dict:
        times = gone_after[way]
        return {
            "tabs": sizes.tabs,
            "left": left[way],
            "gone_within_s": max(times) if times else None,
            "gone_after_s": sorted(round(t, 1) for t in times),
        }

    return [
        Figure(
            key="tabs_opened_at_once",
            title=f"tabs opened at once that became interactive (of {2 * sizes.tabs})",
            value=sum(came_up.values()),
            unit="kernels",
            goal=f"{2 * sizes.tabs}",
            met=sum(came_up.values()) == 2 * sizes.tabs,
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
            detail=detail("closed"),
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


BROWSER_BENCHMARKS: dict[str, Callable[[Browser, Servers, Sizes], list[Figure]]] = {
    "tti": time_to_interactive,
    "round-trip": round_trip,
    "memory": kernel_memory,
    "abandoned": abandoned_sessions,
}


def run(names: list[str], sizes: Sizes, browser: Browser | None = None) -> list[Figure]:
    """Run these browser benchmarks on one set of servers (and the given browser, or a new one)."""
    figures: list[Figure] = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="workbook-bench-")))
        servers = stack.enter_context(serve_all(folder))
        if browser is None:
            browser = stack.enter_context(chromium())
        for name in names:
            try:
                figures += BROWSER_BENCHMARKS[name](browser, servers, sizes)
            except (pytest.fail.Exception, PlaywrightError) as error:  # one failure, not the whole run
                figures.append(failed(name, error))
    return figures
