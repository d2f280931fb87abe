"""Lighthouse's mobile performance score of the app and of the floor, as context (`--only lighthouse`).

Lighthouse is pinned (the Makefile's `.venv/.test` installs it into .venv/node with `--save-exact`,
as it does axe-core) and run as its command line does by default: the mobile form factor, simulated
slow 4G and a CPU 4x slower (its `mobileSlow4G` profile), performance category only, against Debian's
Chromium (`CHROME_PATH`) with the flags the rig's browser runs with. Each run starts a Chromium of its
own and loads the page once, cold; app and floor alternate and the figure is the median score, with
the metrics behind it kept in results.json.

The score knows nothing of `.wb-ready`: its "interactive" is when the main thread went quiet, which a
widget page reaches only after every view is drawn. It is context next to the measured time to
interactive on the same throttled phone (`--only tti-phone`), not a goal of its own.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Sizes
from .report import REPO_ROOT, Figure

LIGHTHOUSE = REPO_ROOT / ".venv" / "node" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_PATH = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)
RUN_TIMEOUT_S = 240
# On a busy machine Chromium sometimes records no screenshot of the load, so Lighthouse cannot compute
# the Speed Index, and with it the score (SPEEDINDEX_OF_ZERO): such a run is made again, this often.
ATTEMPTS = 3
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "speed-index",
    "cumulative-layout-shift",
    "interactive",
)


def lighthouse_command(url: str, output: Path) -> list[str]:
    return [
        "node",
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]


class NoScore(RuntimeError):
    """Lighthouse ran but could not compute the score (a metric it needs is missing)."""


def run_lighthouse(url: str) -> dict[str, Any]:
    """One Lighthouse run with a score (0-100) and the metrics behind it, and how many runs it took."""
    errors: list[str] = []
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return {**_run_once(url), "attempts": attempt, "runs_without_score": errors}
        except NoScore as error:
            errors.append(str(error))
    raise RuntimeError(f"lighthouse gave no score in {ATTEMPTS} runs: {errors[-1]}")


def _run_once(url: str) -> dict[str, Any]:
    if not LIGHTHOUSE.is_file():
        raise RuntimeError(
            f"{LIGHTHOUSE.relative_to(REPO_ROOT)} is missing: a new .venv gets it from the Makefile "
            "(.venv/.test); in an older one, run its `npm install ... lighthouse@...` line"
        )
    with tempfile.TemporaryDirectory(prefix="workbook-lighthouse-") as folder:
        output = Path(folder) / "report.json"
        done = subprocess.run(
            lighthouse_command(url, output),
            env={**os.environ, "CHROME_PATH": CHROME_PATH},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            cwd=folder,
        )
        if done.returncode != 0 or not output.is_file():
            raise RuntimeError(f"lighthouse exited with {done.returncode}: {done.stderr.strip()[-1500:]}")
        report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not measure {url}: {report['runtimeError']}")
    score = report["categories"]["performance"]["score"]
    audits = report["audits"]
    if score is None:
        why = sorted({audit["errorMessage"] for audit in audits.values() if audit.get("errorMessage")})
        raise NoScore(f"no performance score for {url}: {'; '.join(why) or report.get('runWarnings')}")
    return {
        "score": round(score * 100, 1),
        "lighthouse": report.get("lighthouseVersion"),
        "chromium": report.get("environment", {}).get("hostUserAgent"),
        "warnings": report.get("runWarnings", []),
        "metrics": {name: audits[name].get("numericValue") for name in METRICS if name in audits},
    }


def lighthouse(app: Any, floor: Any, sizes: Sizes, settle: Callable[[Any, float], None]) -> list[Figure]:
    """App and floor alternately, `lighthouse_runs` each, each on a server left to go quiet first (a
    quick run scores the app alone: it only proves that Lighthouse still runs).

    Lighthouse quits its Chromium at once, so the page's `beforeunload` beacon rarely gets out and the
    visit's kernel stays until culling; it idles, and the servers go when the run ends. (The kernels of
    these runs are the reason this benchmark runs last of those sharing the servers.)"""
    runs: dict[str, list[dict[str, Any]]] = {"app": [], "floor": []}
    sides = (("app", app), ("floor", floor)) if sizes.lighthouse_floor else (("app", app),)
    for _ in range(sizes.lighthouse_runs):
        for side, server in sides:
            settle(server, sizes.settle_s)
            runs[side].append(run_lighthouse(server.url))

    def median(side: str) -> float | None:
        return statistics.median(run["score"] for run in runs[side]) if runs[side] else None

    first = runs["app"][0]
    return [
        Figure(
            key="lighthouse_performance",
            title=(
                f"Lighthouse {first['lighthouse']} mobile performance score (context: simulated slow 4G, "
                "CPU 4×; higher is better)"
            ),
            value=median("app"),
            unit="score",
            floor=median("floor"),
            benchmark="lighthouse",
            detail={"runs": runs, "runs_each": sizes.lighthouse_runs, "chrome_flags": CHROME_FLAGS},
        )
    ]
