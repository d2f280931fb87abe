"""The Binder route: `jupyter server` with Voila's extension, from an environment built as Binder builds
it, no pre-heated kernel (`--only binder`).

The environment is the one tests/test_binder.py builds, by the same steps: a Python 3.11 venv,
`pip install -r binder/requirements.txt`, then binder/postBuild run in a copy of the repository (what
a clone holds), and `jupyter server` started from that copy's root with the same arguments. The venv
after `pip install -r` is cached in .venv/binder-bench/, keyed by every file in binder/ and the exact
Python, so a run does not download and install JupyterLab again; postBuild runs on every run, so the
package (and its Voila template) is always the working tree's. Any change to binder/ makes a new key,
and a build cut short leaves no `complete` mark, so is built again. A lock keeps two runs (say, `make
bench` and the smoke test) from using or building it at once.

A quick run (`--quick`, the smoke test) does not build it: with no cached build for the current
binder/ it runs the same route from the development venv (same pinned versions, the package editable,
without binder/jupyter_server_config.py) and says so in the row's title, so a stand-in is never taken
for the real thing.

The kernels run with BinderHub's variables set (`BINDER_ENV`), so the page is the one a Binder visitor
gets, notice and download included. Each page is timed from navigation to `.wb-ready` on a server left
quiet (its kernel shut down: the beacon Voila sends on `beforeunload` is refused here for want of an
`_xsrf` cookie, voila-dashboards/voila#1458, so the benchmark asks the kernels API, as a culler would).
The phases of each load are kept in results.json, in milliseconds from the navigation:
`kernel_started_ms` (the kernel's process appeared), `response_end_ms` (the server had run the
notebook: the kernel booted, the imports, the widgets built) and `ready_ms` (`.wb-ready`); what lies
between the last two is the browser's (scripts, the kernel's websocket, the widget models, drawing).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import Browser, BrowserContext

from tests.e2e import rig

from . import Sizes
from .report import REPO_ROOT, Figure

CACHE = REPO_ROOT / ".venv" / "binder-bench"
BINDER = REPO_ROOT / "binder"
DASHBOARD_ROUTE = "voila/render/notebooks/dashboard.ipynb"
FLOOR_ROUTE = "voila/render/tests/e2e/fixtures/one_slider.ipynb"
GOAL_RATIO = 1.10
KERNEL_GONE_TIMEOUT_S = 10.0
# What BinderHub puts in every session's environment (workbook/ui/session.py, BINDER_VARIABLES).
BINDER_ENV = {
    "BINDER_LAUNCH_HOST": "https://mybinder.org/",
    "BINDER_REPO_URL": "https://github.com/example/reconnect-workbook",
    "BINDER_REF_URL": "https://github.com/example/reconnect-workbook/tree/main",
    "BINDER_PERSISTENT_REQUEST": "v2/gh/example/reconnect-workbook/main",
    "BINDER_REQUEST": "v2/gh/example/reconnect-workbook/main",
}
# Marks, in the page's own clock, when Voila's "loading" notice went and when `.wb-ready` appeared.
MARKS = """
(() => {
  const marks = (window.__wbMarks = {});
  let loadingSeen = false;  // the notice is parsed some way into the streamed page: gone only after
  const look = () => {
    const loading = document.getElementById('loading');
    loadingSeen = loadingSeen || loading !== null;
    if (marks.loadingGone === undefined && loadingSeen && loading === null)
      marks.loadingGone = performance.now();
    if (marks.ready === undefined && document.querySelector('.wb-ready')) marks.ready = performance.now();
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""
PHASES = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {response_start_ms: nav.responseStart, response_end_ms: nav.responseEnd,
          dom_content_loaded_ms: nav.domContentLoadedEventEnd,
          loading_gone_ms: window.__wbMarks.loadingGone, ready_ms: window.__wbMarks.ready};
}
"""


@dataclass
class Environment:
    venv: Path
    repo: Path  # the server starts here, and serves it
    kind: str  # said in the figures


def binder_key() -> str:
    """What the cached build depends on: every file in binder/ and the exact Python 3.11."""
    from tests.test_binder import python_3_11

    digest = hashlib.sha256()
    for path in sorted(BINDER.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    version = subprocess.run([python_3_11(), "-VV"], capture_output=True, text=True, check=True).stdout
    digest.update(version.encode())
    return digest.hexdigest()[:20]


def clean_env(venv: Path) -> dict[str, str]:
    """The environment the build and the server run in, as tests/test_binder.py sets it."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    return env | {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}


@contextlib.contextmanager
def locked_cache() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cached_venv(key: str) -> Path | None:
    folder = CACHE / key
    return folder / "venv" if (folder / "complete").is_file() else None


def build_venv(key: str, log: Path) -> Path:
    """The venv after `pip install -r binder/requirements.txt`, built once per key (under the lock)."""
    from tests.test_binder import python_3_11, run_step

    for other in CACHE.iterdir():  # builds for older binder/ files, or one cut short
        if other.is_dir() and (other.name != key or not (other / "complete").is_file()):
            shutil.rmtree(other)
    folder = CACHE / key
    venv = folder / "venv"
    env = clean_env(venv)
    folder.mkdir()
    run_step([python_3_11(), "-m", "venv", str(venv)], cwd=REPO_ROOT, env=env, log=log)
    pip = str(venv / "bin" / "pip")
    run_step([pip, "install", "-r", str(BINDER / "requirements.txt")], cwd=REPO_ROOT, env=env, log=log)
    (folder / "complete").write_text(json.dumps({"built": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    return venv


@contextlib.contextmanager
def binder_environment(folder: Path, *, quick: bool) -> Iterator[Environment]:
    """The cached Binder venv with postBuild run from a fresh copy of the repository (built first if
    need be), or, in a quick run without a cached build, the development venv as a stand-in."""
    from tests.test_binder import copy_of_repository, run_step

    log = folder / "build.log"
    with locked_cache():
        key = binder_key()
        venv = cached_venv(key)
        if venv is None and quick:
            yield Environment(Path(sys.prefix), REPO_ROOT, "quick run: development venv as a stand-in")
            return
        kind = "cached Binder build" if venv is not None else "Binder build, made for this run"
        venv = venv or build_venv(key, log)
        repo = copy_of_repository(folder / "repo")
        run_step([str(repo / "binder" / "postBuild")], cwd=repo, env=clean_env(venv), log=log)
        yield Environment(venv, repo, kind)


@dataclass
class BinderServer:
    url: str
    process: subprocess.Popen[bytes]

    def kernels(self) -> list[psutil.Process]:
        return list(rig.kernels_of(self.process.pid).values())


@contextlib.contextmanager
def jupyter_server(environment: Environment, home: Path, log: Path) -> Iterator[BinderServer]:
    """`jupyter server` as tests/test_binder.py (and, but for the token, Binder) starts it."""
    port = rig.free_port()
    command = [
        str(environment.venv / "bin" / "jupyter"),
        "server",
        "--no-browser",
        f"--port={port}",
        "--IdentityProvider.token=",
        "--ServerApp.ip=127.0.0.1",
    ]
    if os.geteuid() == 0:  # Binder runs as jovyan; only a root machine needs this
        command.append("--allow-root")
    env = {**clean_env(environment.venv), **BINDER_ENV, "WORKBOOK_HOME": str(home)}
    process = rig.start_server(command, port=port, cwd=environment.repo, env=env, log_path=log)
    try:
        yield BinderServer(f"http://127.0.0.1:{port}/", process)
    finally:
        rig.stop_server(process)


def shut_down(server: BinderServer, kernel_id: str) -> None:
    """Ask the kernels API to shut a kernel down (the double-submitted `_xsrf` value is made up here:
    jupyter server only checks that cookie and header agree)."""
    request = urllib.request.Request(
        f"{server.url}api/kernels/{kernel_id}",
        method="DELETE",
        headers={"Cookie": "_xsrf=benchmark", "X-XSRFToken": "benchmark"},
    )
    with contextlib.suppress(OSError):
        urllib.request.urlopen(request, timeout=10).close()


def started_since_boot(pid: int) -> float:
    """When a process started, in seconds on the monotonic clock (Linux counts both from boot; the
    wall-clock start psutil gives is rounded to the second of the boot time, this to 10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of proc(5): starttime


def quiet(server: BinderServer, timeout_s: float) -> None:
    """No kernel left and nothing using the CPU (the settle of browser.py, with no pool to refill)."""
    from .browser import QUIET_CPU_PERCENT, busy_percent

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        kernels = server.kernels()
        busy = busy_percent(server.process.pid, kernels)
        if busy is not None and busy < QUIET_CPU_PERCENT and not kernels:
            return


def load(context: BrowserContext, server: BinderServer, route: str, settle_s: float) -> dict[str, Any]:
    """One page on the route, timed to `.wb-ready`, then closed and its kernel shut down."""
    from .browser import KERNEL_ID

    page = context.new_page()
    page.bring_to_front()
    server_process = psutil.Process(server.process.pid)
    server_cpu = _cpu_s(server_process)
    navigated = time.monotonic()
    start = time.perf_counter()
    page.goto(server.url + route, wait_until="commit")
    rig.wait_ready(page)
    seconds = time.perf_counter() - start
    server_cpu = _cpu_s(server_process) - server_cpu
    phases = {name: value for name, value in page.evaluate(PHASES).items() if value is not None}
    kernel_id = page.evaluate(KERNEL_ID)
    kernel = rig.kernels_of(server.process.pid).get(kernel_id)
    cpu: dict[str, float] = {"server_cpu_s": round(server_cpu, 3)}
    if kernel is not None:
        with contextlib.suppress(OSError, psutil.NoSuchProcess):
            phases["kernel_started_ms"] = (started_since_boot(kernel.pid) - navigated) * 1000
            cpu["kernel_cpu_s"] = round(_cpu_s(kernel), 3)
    phases = {name: round(value) for name, value in phases.items()}
    page.close(run_before_unload=True)
    shut_down(server, kernel_id)
    if kernel is not None:
        with contextlib.suppress(psutil.TimeoutExpired):
            kernel.wait(timeout=KERNEL_GONE_TIMEOUT_S)
    quiet(server, settle_s)
    return {"seconds": round(seconds, 3), **phases, **cpu}


def _cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def alternate(browser: Browser, server: BinderServer, sizes: Sizes) -> dict[str, list[dict[str, Any]]]:
    """`binder_loads` loads of the dashboard and of the floor, A B A B, each browser's cache warmed by
    one unmeasured load first (a returning visitor, as in `tti`)."""
    from .browser import new_context

    routes = (("app", DASHBOARD_ROUTE), ("floor", FLOOR_ROUTE))
    samples: dict[str, list[dict[str, Any]]] = {"app": [], "floor": []}
    contexts = {side: new_context(browser) for side, _ in routes}
    try:
        for context in contexts.values():
            context.add_init_script(MARKS)
        quiet(server, sizes.settle_s)
        if sizes.binder_loads > 1:
            for side, route in routes:
                load(contexts[side], server, route, sizes.settle_s)
        for _ in range(sizes.binder_loads):
            for side, route in routes:
                samples[side].append(load(contexts[side], server, route, sizes.settle_s))
    finally:
        for context in contexts.values():
            context.close()
    return samples


def cpu_medians(samples: list[dict[str, Any]]) -> dict[str, float]:
    names = ("kernel_cpu_s", "server_cpu_s")
    return {name: statistics.median(s[name] for s in samples if name in s) for name in names}


def phase_medians(samples: list[dict[str, Any]]) -> dict[str, float]:
    names = {name for sample in samples for name in sample if name.endswith("_ms")}
    return {name: statistics.median(s[name] for s in samples if name in s) for name in sorted(names)}


def binder_time_to_interactive(browser: Browser, folder: Path, sizes: Sizes) -> list[Figure]:
    from .browser import demo_home

    figures = []
    with binder_environment(folder, quick=not sizes.binder_build) as environment:
        for workbook, title in (
            (
                "empty",
                "Binder route: dashboard time to interactive (no pre-heated kernel; "
                "empty workbook, as a new session has it)",
            ),
            ("people", "Binder route, with the three demo people in the workbook"),
        ):
            home = folder / f"home-{workbook}"
            if workbook == "people":
                demo_home(home)
            else:
                home.mkdir(mode=0o700)
            with jupyter_server(environment, home, folder / f"server-{workbook}.log") as server:
                samples = alternate(browser, server, sizes)
            app = statistics.median(s["seconds"] for s in samples["app"])
            floor = statistics.median(s["seconds"] for s in samples["floor"])
            stand_in = "" if environment.kind.startswith(("cached", "Binder")) else f" [{environment.kind}]"
            figures.append(
                Figure(
                    key=f"binder_time_to_interactive_{workbook}",
                    title=title + stand_in,
                    value=app,
                    unit="s",
                    floor=floor,
                    goal=f"≤ {GOAL_RATIO:.2f}× floor",
                    met=app / floor <= GOAL_RATIO,
                    benchmark="binder",
                    detail={
                        "environment": environment.kind,
                        "samples": samples,
                        "phases_median_ms": {side: phase_medians(samples[side]) for side in samples},
                        "cpu_median_s": {side: cpu_medians(samples[side]) for side in samples},
                        "loads_each": sizes.binder_loads,
                    },
                )
            )
            cpu = {side: cpu_medians(samples[side])["kernel_cpu_s"] for side in samples}
            figures.append(
                Figure(
                    key=f"binder_kernel_cpu_{workbook}",
                    title=(
                        "… CPU time its kernel used up to .wb-ready (context: start, imports, widgets; "
                        "a busy machine stretches the wait, not this)" + stand_in
                    ),
                    value=cpu["app"],
                    unit="s",
                    floor=cpu["floor"],
                    benchmark="binder",
                )
            )
    return figures
