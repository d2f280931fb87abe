"""Figures, and where they are written: `benchmarks/results.json` and the table in docs/performance.md.

A figure keeps its raw numbers (`detail`) next to the one value the table shows, so results.json can
be checked later against the table without re-running anything. The table lives between two marker
comments in docs/performance.md; everything outside them (the before/after history, the profile
notes) is written by hand and never touched here.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_PATH = REPO_ROOT / "benchmarks" / "results.json"
DOC_PATH = REPO_ROOT / "docs" / "performance.md"
TABLE_START = "<!-- benchmarks:table:start (written by python -m benchmarks; edits here are lost) -->"
TABLE_END = "<!-- benchmarks:table:end -->"
FULL_COMMAND = ".venv/bin/python -m benchmarks"


@dataclass
class Figure:
    """One row of issue 5's table: what was measured, against what, and whether it meets the goal."""

    key: str  # stable id, e.g. "time_to_interactive"
    title: str
    value: float
    unit: str  # "s", "ms", "MB", "x", "kernels", "bytes" (shown in decimal MB), "score" (of 100)
    benchmark: str  # the `--only` name that produces it
    goal: str = ""
    met: bool | None = None  # None: context, no goal of its own
    floor: float | None = None  # the same measure on the floor, when there is one
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    @property
    def command(self) -> str:
        return f"{FULL_COMMAND} --only {self.benchmark}"


def failed(benchmark: str, error: BaseException) -> Figure:
    """A benchmark that could not finish is a row too: the table must not hide it."""
    message = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
    return Figure(
        key=f"{benchmark}_failed",
        title=f"{benchmark}: did not finish ({message})",
        value=0.0,
        unit="failed",
        benchmark=benchmark,
        goal="finishes",
        met=False,
        detail={"error": str(error)[:4000]},
    )


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "failed":
        return "failed"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "kernels":
        return f"{value:.0f}"
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB" if value >= 10_000 else f"{value / 1e3:.1f} kB"
    if unit == "score":
        return f"{value:.0f} / 100"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def machine() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "memory_gb": _memory_gb(),
    }


def _memory_gb() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    return round(psutil.virtual_memory().total / 2**30, 1)


def results_document(figures: list[Figure], *, quick: bool, started: datetime, seconds: float) -> dict:
    return {
        "command": FULL_COMMAND + (" --quick" if quick else ""),
        "date": started.isoformat(timespec="seconds"),
        "quick": quick,
        "duration_s": round(seconds, 1),
        "machine": machine(),
        "figures": [
            {**asdict(figure), "ratio": figure.ratio, "command": figure.command} for figure in figures
        ],
    }


def write_results(document: dict, path: Path = RESULTS_PATH) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def render_table(figures: list[Figure], document: dict) -> str:
    """The markdown table (with the run's date, machine and command above it)."""
    host = document["machine"]
    lines = [
        f"Measured {document['date']} by `{document['command']}` "
        f"({document['duration_s']:.0f} s in all) on {host['nproc']} CPUs, Python {host['python']}, "
        f"{host['platform']}. Ratios are measured in the same run, alternating app and floor.",
        "",
        "| figure | measured | floor | ratio | goal | met | alone |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in figures:
        met = {True: "yes", False: "**no**", None: ""}[figure.met]
        ratio = format_value(figure.ratio, "x") if figure.ratio is not None else ""
        lines.append(
            f"| {figure.title} | {format_value(figure.value, figure.unit)} "
            f"| {format_value(figure.floor, figure.unit)} | {ratio} | {figure.goal} | {met} "
            f"| `--only {figure.benchmark}` |"
        )
    return "\n".join(lines)


def update_doc(table: str, path: Path = DOC_PATH) -> Path:
    """Replace the generated block in docs/performance.md (appended if the markers are missing)."""
    text = path.read_text() if path.exists() else "# Performance\n"
    block = f"{TABLE_START}\n{table}\n{TABLE_END}"
    if TABLE_START in text and TABLE_END in text:
        head, rest = text.split(TABLE_START, 1)
        _, tail = rest.split(TABLE_END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    return path
