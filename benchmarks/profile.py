"""`python -m benchmarks.profile`: where the kernel's time goes, by pyinstrument (`make profile`).

The benchmarks say how slow; this says why. It profiles, in one process over a private copy of the
demo workbook, what the dashboard's kernel does:

- `build`: import the UI and build the page (what a pre-heated kernel does before anyone comes);
- `arrive`: read the workbook again when the visitor arrives (what they wait for);
- `answer`: change a reflection answer 20 times (the kernel's share of a round trip);
- `timeline`: open the timeline step for a person with 10,000 events (table, flags and the chart).

Each profile is printed as pyinstrument's call tree, trimmed to the frames that took 2% or more.
Widgets are built without a browser attached, so the messages they would send cost nothing here:
this is the Python side only; the browser side is what `python -m benchmarks` measures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable

from .report import REPO_ROOT

STAGES = ("build", "arrive", "answer", "timeline")


def _stages(events: int) -> list[tuple[str, Callable[[], None] | None, Callable[[], None]]]:
    """(name, setup left out of the profile, what is profiled), sharing one kernel-like state, in
    the order a visit runs them."""
    import ipywidgets as w

    state: dict[str, object] = {}

    def build() -> None:
        from workbook.ui.app import Dashboard
        from workbook.ui.session import get_session

        state["app"] = Dashboard(get_session(ahead=True))

    def arrive() -> None:
        from workbook.ui.session import get_session

        get_session(ahead=True).reload(as_opened=True)

    def open_motives() -> None:
        state["app"].stepper.value = 1  # Motives: the reflection questions, built on first visit

    def answer() -> None:
        field = _find(state["app"].widget, "wb-q-accept_no")
        radio = next(x for x in _walk(field) if isinstance(x, w.RadioButtons))
        for i in range(20):
            radio.value = radio.options[3 + i % 2][1]

    def add_synthetic_person() -> None:
        from dataclasses import replace

        from benchmarks.timeline import synthetic_person
        from workbook.ui.session import get_session

        session = get_session(ahead=True)
        person, _ = synthetic_person(events)
        name = "Profiled (synthetic)"
        session.store.add_person(replace(person.situation, name=name))
        for event in person.events:
            session.store.add_event(name, event)
        session.choose(name)

    def timeline() -> None:
        state["app"].stepper.value = 5  # Timeline: table, flags and the chart

    return [
        ("build", None, build),
        ("arrive", None, arrive),
        ("answer", open_motives, answer),
        ("timeline", add_synthetic_person, timeline),
    ]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _find(root, cls: str):
    return next(x for x in _walk(root) if cls in getattr(x, "_dom_classes", ()))


def profile(only: list[str], events: int) -> int:
    from pyinstrument import Profiler

    for name, setup, run in _stages(events):
        if setup is not None:
            setup()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        run()
        profiler.stop()
        if name in only:
            print(f"\n===== {name} =====")
            print(profiler.output_text(unicode=True, color=False, show_all=False, time="seconds"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--only", action="append", choices=STAGES, help="print only this stage (repeatable)")
    parser.add_argument("--events", type=int, default=10_000, help="events in the timeline stage")
    args = parser.parse_args(argv)
    if os.environ.get("WORKBOOK_PROFILE_CHILD") != "1":
        # A private workbook holding the demo, so nobody's real answers are read or changed.
        with tempfile.TemporaryDirectory(prefix="workbook-profile-") as home:
            env = {**os.environ, "WORKBOOK_HOME": home, "WORKBOOK_PROFILE_CHILD": "1"}
            env.pop("VOILA_PREHEAT", None)
            python = sys.executable
            demo = [python, "-m", "workbook", "--home", home, "demo"]
            subprocess.run(demo, check=True, capture_output=True, cwd=REPO_ROOT)
            again = sys.argv[1:] if argv is None else argv
            child = subprocess.run([python, "-m", "benchmarks.profile", *again], cwd=REPO_ROOT, env=env)
            return child.returncode
    return profile(args.only or list(STAGES), args.events)


if __name__ == "__main__":
    raise SystemExit(main())
