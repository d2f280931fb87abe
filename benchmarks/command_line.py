"""The command line: `python -m workbook assess` on the demo file, against `python -c pass`.

Both are run as fresh processes with the same interpreter, alternately, and the median wall times
compared: the difference is what the workbook adds to a bare Python start (imports, reading the
rules and the file, assessing, printing).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from . import Sizes
from .report import REPO_ROOT, Figure

ASSESS = [
    sys.executable,
    "-m",
    "workbook",
    "assess",
    "data/examples/demo.json",
    "--person",
    "Alex (example)",
    "--json",
]
BARE = [sys.executable, "-c", "pass"]
ADDED_GOAL_S = 0.5


def _wall_s(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def command_line(sizes: Sizes) -> list[Figure]:
    _wall_s(ASSESS)  # the first run pays for the OS file cache and bytecode, for both
    _wall_s(BARE)
    samples: dict[str, list[float]] = {"assess": [], "bare": []}
    for _ in range(sizes.process_runs):
        samples["assess"].append(_wall_s(ASSESS))
        samples["bare"].append(_wall_s(BARE))
    assess_s, bare_s = statistics.median(samples["assess"]), statistics.median(samples["bare"])
    added = assess_s - bare_s
    return [
        Figure(
            key="command_line_added",
            title="`python -m workbook assess … --json`: time added over `python -c pass`",
            value=added,
            unit="s",
            goal=f"≤ {ADDED_GOAL_S} s added",
            met=added <= ADDED_GOAL_S,
            benchmark="command-line",
            detail={
                "assess_s": assess_s,
                "bare_s": bare_s,
                "samples_s": samples,
                "runs_each": sizes.process_runs,
            },
        ),
        Figure(
            key="command_line_assess",
            title="`python -m workbook assess … --json`, whole run (context)",
            value=assess_s,
            unit="s",
            floor=bare_s,
            benchmark="command-line",
        ),
    ]
