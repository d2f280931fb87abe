"""The contact log as CSV: one row per event, names intact in a spreadsheet, no formula ever run."""

from __future__ import annotations

import csv
import io
import json
import stat
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from workbook.csv_export import COLUMNS, csv_bytes, csv_text, neutralise
from workbook.model import (
    Channel,
    Event,
    EventKind,
    Goal,
    Person,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)
from workbook.store import Store
from workbook.transfer import export_document

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NOTES = [
    '=HYPERLINK("http://example.invalid","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =cmd|' /C calc'!A0",
]


def person(name: str, events: list[Event]) -> Person:
    situation = Situation(
        name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
    )
    return Person(situation=situation, events=tuple(events))


def sample() -> list[Person]:
    zoe = person(
        "Zoë 李",
        [
            Event(EventKind.SENT, datetime(2026, 2, 1, 18, 30), Channel.TEXT, note='Said hi, "no rush", 🙂'),
            Event(
                EventKind.RECEIVED,
                datetime(2026, 2, 2, 9, 5),
                Channel.TEXT,
                Tone.POSITIVE,
                "Line one\nline two",
            ),
            *[
                Event(EventKind.SENT, datetime(2026, 3, day, 12, 0), Channel.EMAIL, note=note)
                for day, note in enumerate(HOSTILE_NOTES, start=1)
            ],
        ],
    )
    hostile_name = person("=1+2 Sam", [Event(EventKind.SAID_NO, datetime(2026, 4, 1, 10, 0))])
    return [zoe, hostile_name]


def expected_rows(people: list[Person]) -> list[dict[str, str]]:
    """What the export promises: the JSON export's events, one row each, formulas neutralised."""
    rows = []
    for data in export_document(people)["people"]:
        for event in data["events"]:
            cells = {"person": data["name"], **event}
            rows.append({column: neutralise(str(cells.get(column, ""))) for column in COLUMNS})
    return rows


def test_rows_read_back_with_the_csv_module_are_the_events():
    people = sample()
    data = csv_bytes(people)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(COLUMNS)
    assert rows == expected_rows(people)
    assert len(rows) == sum(len(p.events) for p in people)
    assert rows[0]["person"] == "'=1+2 Sam" and rows[0]["kind"] == "said_no"
    zoe = [r for r in rows if r["person"] == "Zoë 李"]
    assert zoe[0] == {
        "person": "Zoë 李",
        "kind": "sent",
        "at": "2026-02-01T18:30:00",
        "channel": "text",
        "tone": "",
        "note": 'Said hi, "no rush", 🙂',
    }
    assert zoe[1]["note"] == "Line one\nline two"  # a newline stays inside its quoted cell


def test_no_cell_starts_as_a_formula():
    rows = list(csv.reader(io.StringIO(csv_text(sample()).removeprefix("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    notes = [row[5] for row in rows[1:] if row[0] == "Zoë 李"][2:]
    assert notes == ["'" + note for note in HOSTILE_NOTES]  # kept whole, only marked as text


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1", "'=1"),
        ("-", "'-"),
        ("  @x", "'  @x"),
        ("a=b", "a=b"),
        ("2026-01-01T10:00:00", "2026-01-01T10:00:00"),
    ],
)
def test_neutralise(cell, shown):
    assert neutralise(cell) == shown


def test_pandas_reads_it_with_the_names_intact():
    table = pd.read_csv(
        io.BytesIO(csv_bytes(sample())), encoding="utf-8-sig", keep_default_na=False, dtype=str
    )
    assert list(table.columns) == list(COLUMNS)
    assert table.to_dict("records") == expected_rows(sample())


def test_an_empty_workbook_is_a_header_only():
    assert csv_text([]) == "\ufeffperson,kind,at,channel,tone,note\r\n"


def run(*args: str, home: Path):
    return subprocess.run(
        [sys.executable, "-m", "workbook", "--home", str(home), *args],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def test_the_command_line_exports_csv_privately(tmp_path):
    home = tmp_path / "home"
    with Store(home / "workbook.db") as store:
        store.import_people(sample())
    out = run("export", str(tmp_path / "log.CSV"), home=home)
    assert out.returncode == 0, out.stderr
    assert b"10 contact events" in out.stdout
    written = tmp_path / "log.CSV"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(written.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows == expected_rows(sample())


@pytest.mark.parametrize(
    ("name", "words"),
    [("log.txt", ".json or .csv"), ("log", ".json or .csv")],
)
def test_an_unknown_extension_is_one_line_and_writes_nothing(tmp_path, name, words):
    out = run("export", str(tmp_path / name), home=tmp_path / "home")
    assert out.returncode == 2
    assert len(out.stderr.decode().strip().splitlines()) == 1 and words in out.stderr.decode()
    assert not (tmp_path / name).exists()


def test_the_json_export_is_unchanged_by_the_csv_option(tmp_path):
    home = tmp_path / "home"
    assert run("demo", home=home).returncode == 0
    assert run("export", str(tmp_path / "all.json"), home=home).returncode == 0
    assert json.loads((tmp_path / "all.json").read_text("utf-8"))["format"] == "reconnect-workbook"
