"""Benchmarks: the app measured against its floor (issue 5), written to results.json and docs/performance.md.

`python -m benchmarks` runs them all (about 20 minutes); `--quick` runs each once at a tiny size and
writes nothing; `--only NAME` runs one. They are not timed tests: tests/test_benchmarks_smoke.py only
checks that each still runs.

    browser.py       Voila + Chromium: time to interactive, round trip, kernel memory, abandoned tabs,
                     bytes of a first and a second visit, time to interactive on a throttled phone
    binder.py        the Binder route (jupyter server + Voila's extension, a Binder-built venv)
    lighthouse.py    Lighthouse's mobile performance score (context)
    timeline.py      assess + chart at 100 / 1,000 / 10,000 events; export and import 10,000
    command_line.py  `python -m workbook assess` against `python -c pass`
    drafts.py        the draft checker on the labelled corpus's held-out fifth (draft_corpus.py)
    report.py        the Figure type, results.json and the table in docs/performance.md

The browser benchmarks reuse the e2e rig (tests/e2e/rig.py): the same Voila command, the same
Chromium, the same readiness signal (`.wb-ready`), so the app is measured exactly as it is tested.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FULL", "QUICK", "Sizes"]


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark does: the real run, or a tiny one that only proves it still works."""

    page_loads: int  # per notebook, alternating app and floor (issue 5: median of at least 5)
    round_trips: int  # per notebook, alternating
    memory_interactions: int  # answer changes before the second memory reading
    tabs: int  # tabs opened and closed, per way of closing
    abandoned_wait_s: float  # how long after closing the kernels are counted
    event_counts: tuple[int, ...]  # timeline sizes
    transfer_events: int  # events exported and imported
    timeline_repeats: int
    process_runs: int  # command-line runs per command, alternating
    settle_s: float  # the most to wait, after closing a tab, for the server to go quiet
    byte_visits: int  # first + second visit pairs per notebook, alternating (bytes)
    phone_loads: int  # throttled loads per notebook, cache warm (tti-phone)
    phone_first_visits: int  # throttled first visits per notebook, cache empty (tti-phone)
    lighthouse_runs: int  # Lighthouse runs per notebook, alternating
    lighthouse_floor: bool  # score the floor too (a quick run scores the app alone)
    binder_loads: int  # Binder-route loads per notebook and workbook, alternating
    binder_build: bool  # build the Binder venv when none is cached (else a stand-in: binder.py)


FULL = Sizes(
    page_loads=7,
    round_trips=15,
    memory_interactions=50,
    tabs=10,
    abandoned_wait_s=60.0,
    event_counts=(100, 1_000, 10_000),
    transfer_events=10_000,
    timeline_repeats=3,
    process_runs=9,
    settle_s=40.0,
    byte_visits=3,
    phone_loads=5,
    phone_first_visits=3,
    lighthouse_runs=3,
    lighthouse_floor=True,
    binder_loads=7,
    binder_build=True,
)
QUICK = Sizes(
    page_loads=1,
    round_trips=2,
    memory_interactions=2,
    tabs=1,
    abandoned_wait_s=3.0,
    event_counts=(10, 100),
    transfer_events=100,
    timeline_repeats=1,
    process_runs=1,
    settle_s=2.0,
    byte_visits=1,
    phone_loads=1,
    phone_first_visits=1,
    lighthouse_runs=1,
    lighthouse_floor=False,
    binder_loads=1,
    binder_build=False,
)
