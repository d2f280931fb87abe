"""`python -m benchmarks.profile`: where the kernel's time goes, by pyinstrument (`make profile`).

The benchmarks say how slow; this says why. It profiles, in one process over a private copy of the
demo workbook, what the dashboard's kernel does:

- `build`: import the UI and build the page (what a pre-heated kernel does before anyone comes);
- `arrive`: read the workbook again when the visitor arrives (what they wait for);
- `answer`: change a reflection answer 20 times (the kernel's share of a round trip);
- `timeline`: open the timeline step for a person with 10,000 events (table, flags and the chart);
- `binder`: the Binder route's cell, in a fresh Python of its own: a kernel started for the request
  (no pre-heating, BinderHub's variables set, an empty workbook as a new session has), with what
  the floor's kernel imports too (ipykernel, ipywidgets) loaded before the clock starts, runs
  `from workbook import ui; ui.dashboard()`: the app's imports, its content and its widgets, which
  is the kernel's share of the Binder route's first paint (`--only binder` of `python -m
  benchmarks` times the whole of it, browser included).

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
from pathlib import Path

from .report import REPO_ROOT

STAGES = ("build", "arrive", "answer", "timeline", "binder")
IN_PROCESS = STAGES[:4]  # share one process, in this order; `binder` has a fresh one

# The Binder route's cell in a fresh interpreter (see the module's docstring). The floor's kernel has
# ipykernel, IPython and ipywidgets loaded too, so they are loaded before the profile starts.
BINDER_CELL = """
import contextlib, io, time
import ipykernel.ipkernel, ipywidgets, IPython.display
from pyinstrument import Profiler

profiler = Profiler(interval=0.0005)
started = time.perf_counter()
profiler.start()
from workbook import ui
imported = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):  # display() prints the widgets' text form here
    ui.dashboard()
profiler.stop()
done = time.perf_counter()
print(f"import workbook.ui {imported - started:.3f} s, ui.dashboard() {done - imported:.3f} s")
print(profiler.output_text(unicode=True, color=False, show_all=False, time="seconds"))
"""


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

    if any(name in only for name in IN_PROCESS):
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
    if "binder" in only:
        print("\n===== binder =====", flush=True)
        return profile_binder_cell()
    return 0


def profile_binder_cell() -> int:
    """The Binder route's cell in a Python of its own, as a kernel started for the request runs it.

    Binder's pip compiles the package's bytecode when it installs it; a source tree run with
    PYTHONDONTWRITEBYTECODE would compile every module again in each process instead (most of the
    import time), so the cell runs once unprofiled first, writing its bytecode to a folder of its own
    (PYTHONPYCACHEPREFIX), and the profiled run reads it from there."""
    from .binder import BINDER_ENV

    with tempfile.TemporaryDirectory(prefix="workbook-profile-binder-") as folder:
        env = {**os.environ, **BINDER_ENV, "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode")}
        for name in ("VOILA_PREHEAT", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        for run in ("warm", "profiled"):
            home = Path(folder) / f"home-{run}"  # empty: a new Binder session
            home.mkdir(mode=0o700)
            done = subprocess.run(
                [sys.executable, "-c", BINDER_CELL],
                cwd=REPO_ROOT / "notebooks",
                env={**env, "WORKBOOK_HOME": str(home)},
                stdout=subprocess.DEVNULL if run == "warm" else None,
            )
            if done.returncode:
                return done.returncode
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
