"""Every benchmark still runs: each once, at a tiny size (benchmarks.QUICK), with no timing asserted.

The figures themselves are not checked against their goals here (a loaded CI machine is not a
benchmark machine); only that each benchmark produces the figures the table promises, with real
numbers, and that the report writes a table and a results file that say what was measured.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks import QUICK
from benchmarks.report import Figure, render_table, results_document, update_doc, write_results
from tests.e2e.rig import shared_browser


def assert_measured(figures: list[Figure], keys: set[str]) -> None:
    failures = [
        f"{figure.benchmark}: {figure.detail.get('error', figure.title)}"
        for figure in figures
        if figure.unit == "failed"
    ]
    assert not failures, f"benchmarks did not finish: {failures}"
    assert {figure.key for figure in figures} >= keys
    for figure in figures:
        assert math.isfinite(figure.value), figure
        assert figure.benchmark and figure.title


def test_timeline_at_scale_assesses_draws_exports_and_imports() -> None:
    from benchmarks.timeline import synthetic_person, timeline_at_scale

    figures = timeline_at_scale(QUICK)
    keys = {f"timeline_{count}" for count in QUICK.event_counts}
    assert_measured(figures, keys | {"timeline_growth", "export_events", "import_events"})
    assert all(figure.value > 0 for figure in figures)
    person, today = synthetic_person(50)
    assert len(person.events) == 50 and today > person.events[-1].at.date()


def test_synthetic_log_raises_pacing_flags_so_the_flag_code_is_timed_too() -> None:
    from benchmarks.timeline import synthetic_person
    from workbook.content import load_content
    from workbook.guidance import assess

    person, today = synthetic_person(200)
    assert assess(person, today, load_content().rules).flags


def test_command_line_is_measured_against_a_bare_python() -> None:
    from benchmarks.command_line import command_line

    figures = command_line(QUICK)
    assert_measured(figures, {"command_line_added", "command_line_assess"})
    assess = next(f for f in figures if f.key == "command_line_assess")
    assert assess.floor and assess.value > assess.floor


def test_the_report_writes_results_and_replaces_only_its_own_table(tmp_path: Path) -> None:
    from datetime import datetime

    figures = [
        Figure("tti", "time to interactive", 2.4, "s", "tti", goal="≤ 1.20× floor", met=True, floor=2.2),
        Figure("left", "kernels left", 0, "kernels", "abandoned", goal="0", met=True),
    ]
    document = results_document(figures, quick=True, started=datetime(2026, 1, 2, 3, 4), seconds=5.0)
    results = json.loads(write_results(document, tmp_path / "results.json").read_text())
    assert results["machine"]["nproc"] and results["machine"]["python"]
    assert results["date"] == "2026-01-02T03:04:00"
    assert results["figures"][0]["ratio"] == pytest.approx(2.4 / 2.2)
    assert results["figures"][0]["command"].endswith("--only tti")

    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nWritten by hand.\n")
    update_doc(render_table(figures, document), doc)
    update_doc(render_table(figures[:1], document), doc)  # a second run replaces, never appends
    text = doc.read_text()
    assert text.startswith("# Performance\n\nWritten by hand.\n")
    assert text.count("| time to interactive |") == 1
    assert "| kernels left |" not in text
    assert "1.09×" in text


def test_bytes_and_scores_are_shown_in_their_own_units() -> None:
    from benchmarks.report import format_value

    assert format_value(1_234_567, "bytes") == "1.23 MB"
    assert format_value(4_321, "bytes") == "4.3 kB"
    assert format_value(87.0, "score") == "87 / 100"


def test_the_profile_runs_every_stage_and_shows_where_time_went(capfd: pytest.CaptureFixture[str]) -> None:
    from benchmarks.profile import STAGES, main

    assert main(["--events", "50"]) == 0
    printed = capfd.readouterr().out
    for stage in STAGES:
        assert f"===== {stage} =====" in printed
    assert "Dashboard.__init__" in printed  # the build stage really built the page
    assert "AnswerForm._save" in printed  # the answer stage really saved answers
    assert "import workbook.ui " in printed and "ui.dashboard() " in printed  # the Binder cell ran


@pytest.mark.e2e
def test_browser_benchmarks_run_against_voila_and_chromium(pytestconfig: pytest.Config) -> None:
    from benchmarks import browser

    figures = browser.run(list(browser.BROWSER_BENCHMARKS), QUICK, shared_browser(pytestconfig))
    assert_measured(
        figures,
        {
            "time_to_interactive",
            "time_to_interactive_cold",
            "round_trip",
            "kernel_memory_after_load",
            "kernel_memory_growth",
            "abandoned_closed",
            "abandoned_quit",
            "abandoned_lost",
            "idle_open_tab_kept",
            "time_to_interactive_phone",
            "time_to_interactive_phone_first",
            "lighthouse_performance",
        },
    )
    by_key = {figure.key: figure for figure in figures}
    assert by_key["time_to_interactive"].floor and by_key["round_trip"].floor
    assert by_key["kernel_memory_after_load"].value > 20  # a real kernel was found and weighed
    assert by_key["idle_open_tab_kept"].value == 1  # culling must never take an open tab's kernel
    phone = by_key["time_to_interactive_phone"]
    assert phone.floor and phone.value > by_key["time_to_interactive"].value  # the throttling took
    lighthouse = by_key["lighthouse_performance"]
    assert 0 <= lighthouse.value <= 100  # (a quick run scores the app alone)
    assert lighthouse.detail["runs"]["app"][0]["metrics"]["first-contentful-paint"] > 0


@pytest.mark.e2e
def test_bytes_and_binder_benchmarks_start_servers_of_their_own(pytestconfig: pytest.Config) -> None:
    """Bytes through the launcher, and the Binder route through `jupyter server`. A quick run builds
    no Binder venv: it uses the cached build if binder/ has not changed since one was made, and
    otherwise the development venv as a stand-in, which the row's title then says (test_binder.py
    builds and checks the real environment)."""
    from benchmarks import browser

    figures = browser.run(["bytes", "binder"], QUICK, shared_browser(pytestconfig))
    assert_measured(
        figures,
        {
            "bytes_first_visit",
            "bytes_second_visit",
            "websocket_first_visit",
            "websocket_second_visit",
            "binder_time_to_interactive_empty",
            "binder_time_to_interactive_people",
            "binder_kernel_cpu_empty",
            "binder_kernel_cpu_people",
        },
    )
    by_key = {figure.key: figure for figure in figures}
    first, second = by_key["bytes_first_visit"], by_key["bytes_second_visit"]
    assert first.value > 100_000 and first.floor  # the page's scripts were counted
    assert second.value < first.value  # the second visit found them in the cache
    assert by_key["websocket_first_visit"].value > 0
    for workbook in ("empty", "people"):
        binder = by_key[f"binder_time_to_interactive_{workbook}"]
        assert binder.floor and binder.detail["phases_median_ms"]["app"]["response_end_ms"] > 0
        assert by_key[f"binder_kernel_cpu_{workbook}"].value > 0.1  # a real kernel's start and imports
        if binder.detail["environment"].startswith("quick run"):
            assert "stand-in" in binder.title  # a stand-in is never reported as the Binder build


def test_the_phone_trace_counts_the_pages_own_main_thread_once() -> None:
    """Nested events are not counted twice, and another thread's work (the browser's, a blank page's)
    is not the page's."""
    from benchmarks.phone_trace import main_thread

    page, other = {"pid": 2, "tid": 1}, {"pid": 3, "tid": 1}
    events = [
        # Chrome writes an event when it ends: a child that starts with its task comes first.
        {**page, "ph": "X", "name": "EvaluateScript", "ts": 0, "dur": 6_000},
        {**page, "ph": "X", "name": "RunTask", "ts": 0, "dur": 10_000},
        {**page, "ph": "X", "name": "FunctionCall", "ts": 2_000, "dur": 3_000},  # inside the script
        {**page, "ph": "X", "name": "RunTask", "ts": 20_000, "dur": 5_000},
        {**page, "ph": "X", "name": "Layout", "ts": 21_000, "dur": 2_000},
        {**page, "ph": "M", "name": "thread_name", "args": {"name": "CrRendererMain"}},
        {**other, "ph": "X", "name": "RunTask", "ts": 0, "dur": 90_000},
        {**other, "ph": "X", "name": "Paint", "ts": 0, "dur": 90_000},
    ]
    thread = main_thread(events)
    assert thread.busy_ms == 15 and thread.span_ms == 25
    assert thread.kinds_ms == {"script evaluation": 6, "function calls": 3, "layout": 2}
    assert main_thread([]).busy_ms == 0
