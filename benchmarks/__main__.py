"""`python -m benchmarks [--quick] [--only NAME ...]`: run the benchmarks and report.

A full run of everything writes benchmarks/results.json and the table in docs/performance.md.
`--quick` (tiny sizes) and `--only` print the table and write nothing, so a partial or tiny run can
never overwrite the real figures; `--save PATH` keeps such a run's raw figures in a file of its own.
A benchmark that fails becomes a "failed" row; the others still run.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from . import FULL, QUICK, Sizes
from .report import Figure, failed, render_table, results_document, update_doc, write_results

BROWSER = ("tti", "round-trip", "memory", "abandoned", "tti-phone", "bytes", "binder", "lighthouse")
NAMES = ("drafts", "timeline", "command-line", *BROWSER)


def run(names: list[str], sizes: Sizes) -> list[Figure]:
    figures: list[Figure] = []
    for name in ("drafts", "timeline", "command-line"):
        if name not in names:
            continue
        try:
            if name == "drafts":
                from .drafts import drafts

                figures += drafts(sizes)
            elif name == "timeline":
                from .timeline import timeline_at_scale

                figures += timeline_at_scale(sizes)
            else:
                from .command_line import command_line

                figures += command_line(sizes)
        except Exception as error:  # reported as a failed row; the run goes on
            figures.append(failed(name, error))
        _progress(name)
    browser_names = [name for name in BROWSER if name in names]
    if browser_names:
        from . import browser

        try:
            figures += browser.run(browser_names, sizes)
        except (pytest.fail.Exception, Exception) as error:  # the servers did not start
            figures += [failed(name, error) for name in browser_names]
        _progress(", ".join(browser_names))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes; writes nothing")
    parser.add_argument("--only", action="append", choices=NAMES, help="run only this one (repeatable)")
    parser.add_argument("--save", type=Path, help="also write this run's results document (JSON) here")
    args = parser.parse_args(argv)
    started, clock = datetime.now(), time.monotonic()
    figures = run(args.only or list(NAMES), QUICK if args.quick else FULL)
    document = results_document(figures, quick=args.quick, started=started, seconds=time.monotonic() - clock)
    table = render_table(figures, document)
    print(table)
    if args.save:
        print(f"\nwrote {write_results(document, args.save)}")
    if args.quick or args.only:
        print("\n(quick or partial run: results.json and docs/performance.md left as they were)")
    else:
        print(f"\nwrote {write_results(document)} and {update_doc(table)}")
    return 1 if any(figure.unit == "failed" for figure in figures) else 0


def _progress(what: str) -> None:
    print(f"done: {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
