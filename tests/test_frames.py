"""Your own data as pandas tables: proper types, shown in notebooks 07 and 09, and pandas loaded only
when a table is asked for (never by `assess`, `check-message` or the dashboard starting)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from workbook.cli import main as cli
from workbook.frames import CHECK_IN_COLUMNS, LOG_COLUMNS, check_ins, contact_log
from workbook.model import (
    Channel,
    Event,
    EventKind,
    Goal,
    JournalEntry,
    JournalKind,
    Person,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "examples" / "demo.json"
HOSTILE = "<img src=x onerror=alert(1)>"


def person(name: str, events=(), journal=()) -> Person:
    situation = Situation(name, Relationship.FRIEND, WhatHappened.I_BROKE_UP, date(2026, 1, 1), Goal.CLOSURE)
    return Person(situation=situation, events=tuple(events), journal=tuple(journal))


PEOPLE = [
    person(
        "Zoë 李",
        events=[
            Event(EventKind.RECEIVED, datetime(2026, 2, 3, 9, 0), Channel.TEXT, Tone.NEGATIVE, HOSTILE),
            Event(EventKind.SENT, datetime(2026, 2, 1, 20, 0), Channel.TEXT, note="hi"),
        ],
        journal=[
            JournalEntry(datetime(2026, 2, 8, 10, 0), JournalKind.CHECK_IN, "low", mood=2),
            JournalEntry(datetime(2026, 2, 8, 11, 0), JournalKind.JOURNAL, "private words"),
        ],
    ),
    person("Sam", events=[Event(EventKind.ASKED_FOR_SPACE, datetime(2026, 2, 2, 8, 0))]),
]


def test_the_contact_log_has_a_row_per_event_oldest_first_with_proper_types():
    log = contact_log(PEOPLE)
    assert tuple(log.columns) == LOG_COLUMNS
    assert list(log["person"]) == ["Zoë 李", "Sam", "Zoë 李"]
    assert list(log["kind"]) == ["sent", "asked_for_space", "received"]
    assert pd.api.types.is_datetime64_any_dtype(log["at"])
    assert log["at"].iloc[0] == pd.Timestamp("2026-02-01 20:00")
    assert isinstance(log["kind"].dtype, pd.CategoricalDtype) and "blocked" in log["kind"].cat.categories
    assert isinstance(log["channel"].dtype, pd.CategoricalDtype) and pd.isna(log["channel"].iloc[1])
    tone = log["tone"].dtype
    assert isinstance(tone, pd.CategoricalDtype) and tone.ordered
    assert list(tone.categories) == ["negative", "neutral", "positive"]
    assert pd.api.types.is_string_dtype(log["note"]) and log["note"].iloc[2] == HOSTILE
    assert "&lt;img" in log.to_html() and "<img" not in log.to_html()  # shown as text in a notebook


def test_the_check_ins_are_only_the_check_ins_with_a_whole_number_mood():
    table = check_ins(PEOPLE)
    assert tuple(table.columns) == CHECK_IN_COLUMNS
    assert table.to_dict("records") == [
        {"person": "Zoë 李", "at": pd.Timestamp("2026-02-08 10:00"), "mood": 2, "note": "low"}
    ]
    assert str(table["mood"].dtype) == "Int64" and pd.api.types.is_datetime64_any_dtype(table["at"])


def test_an_empty_workbook_gives_empty_tables_of_the_same_shape():
    log, moods = contact_log([]), check_ins([])
    assert log.empty and tuple(log.columns) == LOG_COLUMNS
    assert pd.api.types.is_datetime64_any_dtype(log["at"]) and isinstance(
        log["tone"].dtype, pd.CategoricalDtype
    )
    assert moods.empty and str(moods["mood"].dtype) == "Int64"


def loaded_modules(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return set(out.stdout.strip().splitlines()[-1].split())


def test_assess_and_check_message_never_load_pandas():
    modules = loaded_modules(
        "import io, contextlib\n"
        "from workbook.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['assess', {str(DEMO)!r}, '--person', 'Alex (example)', '--json'])\n"
        "    main(['check-message', '--json', 'Hello there'])\n"
    )
    assert "pandas" not in modules and "workbook.frames" not in modules


def test_the_dashboard_starts_without_pandas_and_loads_it_for_a_table():
    start = (
        "from workbook.store import Store\n"
        "from workbook.ui.app import Dashboard\n"
        "from workbook.ui.session import Session, set_session\n"
        "session = Session(Store(memory=True))\n"
        "Dashboard(session)\n"
    )
    assert "pandas" not in loaded_modules(start)
    asked = start + "set_session(session)\nfrom workbook import ui\nui.contact_log()\n"
    assert "pandas" in loaded_modules(asked)


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    home = tmp_path_factory.mktemp("home")
    assert cli(["--home", str(home), "demo"]) == 0
    saved = os.environ.get("WORKBOOK_HOME")
    os.environ["WORKBOOK_HOME"] = str(home)
    try:
        results = {}
        for name in ("07_contact_timeline", "09_if_the_answer_is_no"):
            path = ROOT / "notebooks" / f"{name}.ipynb"
            book = nbformat.read(path, as_version=4)
            NotebookClient(
                book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            ).execute()
            results[name] = book
        return results
    finally:
        if saved is None:
            os.environ.pop("WORKBOOK_HOME", None)
        else:
            os.environ["WORKBOOK_HOME"] = saved


def explore_cell(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    (cell,) = [c for c in book.cells if "explore-your-data" in c.metadata.get("tags", [])]
    return cell


@pytest.mark.parametrize("name", ["07_contact_timeline", "09_if_the_answer_is_no"])
def test_the_explore_cell_stays_open_when_others_are_collapsed(name):
    book = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert explore_cell(book).metadata["jupyter"]["source_hidden"] is False


def test_notebook_07_shows_the_demo_log_as_a_dataframe(executed):
    outputs = explore_cell(executed["07_contact_timeline"]).outputs
    (result,) = [o for o in outputs if o.output_type == "execute_result"]
    table = result.data["text/html"]
    assert 'class="dataframe' in table
    for column in LOG_COLUMNS:
        assert f"<th>{column}</th>" in table
    # Alex (example), the first demo person, logged four events; the last was a positive reply.
    assert table.count("Alex (example)") == 4 and "positive" in table and "2026-11-09 09:15:00" in table
    assert not any(
        o.output_type == "error" for c in executed["07_contact_timeline"].cells for o in c.get("outputs", [])
    )


def test_notebook_09_shows_the_check_ins_as_a_dataframe(executed):
    outputs = explore_cell(executed["09_if_the_answer_is_no"]).outputs
    (result,) = [o for o in outputs if o.output_type == "execute_result"]
    assert (
        'class="dataframe' in result.data["text/html"] and "Steadier this week." in result.data["text/html"]
    )
    assert "<th>mood</th>" in result.data["text/html"]


def test_the_explore_cells_are_marked_for_jupyterlab_only_and_voila_removes_them() -> None:
    """Voila (the app, on both routes) drops cells tagged `jupyterlab-only`: code words and a raw
    table are for someone exploring in JupyterLab, not for the person using the app."""
    config = json.loads((ROOT / "voila.json").read_text("utf-8"))
    assert "jupyterlab-only" in config["TagRemovePreprocessor"]["remove_cell_tags"]
    for name in ("07_contact_timeline", "09_if_the_answer_is_no"):
        book = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        exploring = [
            c
            for c in book.cells
            if "explore" in c.source.lower() or "ui.contact_log" in c.source or "ui.check_ins" in c.source
        ]
        assert exploring, name
        for cell in exploring:
            assert "jupyterlab-only" in cell.metadata.get("tags", []), (name, cell.source[:60])
