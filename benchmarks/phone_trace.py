"""`python -m benchmarks.phone_trace`: where a phone's load spends its time, app against floor.

`--only tti-phone` of `python -m benchmarks` says how slow the throttled load is; this says why. It
serves the dashboard and the one-slider floor as `benchmarks/browser.py` does (pre-heated Voila over
the demo workbook), warms each one's cache with an unthrottled load, then traces one load of each
with Chromium throttled as the phone (`throttle_as_phone`), and prints, for the renderer's main
thread of that page: how long it was busy before `.wb-ready`, and in what (script evaluation with
the promise jobs it runs, HTML parsing, style and layout, paint). The floor is largely CPU-bound
itself, so the app's extra busy time is what stands between it and the floor's time.

No figure is written anywhere: it is a diagnostic (docs/performance.md, item 12, quotes a run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.e2e import rig

from . import browser as bench

CATEGORIES = ["devtools.timeline", "v8.execute", "loading"]
# The timeline events worth naming; each sums its own nested time (script evaluation holds the
# promise jobs that build widgets, so it is not split further).
KINDS = {
    "EvaluateScript": "script evaluation",
    "FunctionCall": "function calls",
    "ParseHTML": "HTML parsing",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "Paint": "paint",
    "FireAnimationFrame": "animation frames",
    "MinorGC": "garbage collection",
}


@dataclass(frozen=True)
class MainThread:
    busy_ms: float  # top-level tasks of the page's renderer main thread, summed
    span_ms: float  # from its first task to the end of its last
    kinds_ms: dict[str, float]  # KINDS, each with the time inside it


def main_thread(events: list[dict]) -> MainThread:
    """Busy time of the renderer thread that evaluated the page's scripts (a trace also holds the
    browser's and other renderers' threads, and a blank page's)."""
    counts = Counter(
        (e["pid"], e["tid"]) for e in events if e.get("name") == "EvaluateScript" and e.get("ph") == "X"
    )
    if not counts:
        return MainThread(0.0, 0.0, {})
    thread = counts.most_common(1)[0][0]
    tasks = sorted(
        (e for e in events if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X" and "dur" in e),
        key=lambda e: (e["ts"], -e["dur"]),  # a task before the events it holds that start with it
    )
    top, end = [], -1.0
    for event in tasks:
        if event["ts"] >= end:
            top.append(event)
            end = event["ts"] + event["dur"]
    kinds: Counter[str] = Counter()
    for event in tasks:
        if event["name"] in KINDS:
            kinds[KINDS[event["name"]]] += event["dur"] / 1000
    span = (top[-1]["ts"] + top[-1]["dur"] - top[0]["ts"]) / 1000
    return MainThread(sum(e["dur"] for e in top) / 1000, span, dict(kinds))


def trace_load(browser, server: bench.Server, settle_s: float) -> tuple[float, MainThread]:
    context = bench.new_context(browser)
    try:
        bench.settle(server, settle_s)
        page, _ = bench.open_ready(context, server)  # warms the cache, unthrottled and untraced
        bench.close_tab(page, server, settle_s)
        page = context.new_page()
        page.bring_to_front()
        bench.throttle_as_phone(context.new_cdp_session(page))
        browser.start_tracing(page=page, categories=CATEGORIES)
        started = time.perf_counter()
        page.goto(server.url, wait_until="commit", timeout=bench.PHONE_READY_TIMEOUT_MS)
        rig.wait_ready(page, timeout=bench.PHONE_READY_TIMEOUT_MS)
        seconds = time.perf_counter() - started
        events = json.loads(browser.stop_tracing())["traceEvents"]
        bench.close_tab(page, server, settle_s)
    finally:
        context.close()
    return seconds, main_thread(events)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phone_trace", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="traced loads of each, app then floor")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="wb-phone-trace-"))
    env = {**os.environ, "WORKBOOK_HOME": str(bench.demo_home(folder / "home"))}
    servers = []
    try:
        for name, notebook in (("app", bench.DASHBOARD), ("floor", bench.FLOOR_NOTEBOOK)):
            port = rig.free_port()
            process = rig.start_server(
                rig.voila_command(notebook, port),
                port=port,
                cwd=rig.REPO_ROOT,
                env=env,
                log_path=folder / f"voila-{name}.log",
            )
            servers.append(bench.Server(name, f"http://127.0.0.1:{port}/", process, bench.pool_size()))
        with bench.chromium() as browser:
            for round_ in range(1, args.rounds + 1):
                for server in servers:
                    seconds, thread = trace_load(browser, server, settle_s=20)
                    ranked = sorted(thread.kinds_ms.items(), key=lambda kv: -kv[1])
                    kinds = ", ".join(f"{k} {v:.0f}" for k, v in ranked)
                    print(
                        f"round {round_} {server.name}: {seconds:.2f} s to ready; main thread busy "
                        f"{thread.busy_ms:.0f} ms of {thread.span_ms:.0f} ms ({kinds}; ms)"
                    )
    finally:
        for server in servers:
            rig.stop_server(server.process)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
