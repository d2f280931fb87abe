"""Old files keep working: a version 1 workbook and a version 1 export open with nothing lost.

Both fixtures were written once by the first release and are never edited:

- tests/data/workbook_v1.sqlite, a schema version 1 database written by the version 1 store
  (tests/data/make_workbook_v1.py), with what it held at the time in workbook_v1.expected.json;
- tests/data/export_v1.json, a format version 1 export.

A later schema adds a migration; these tests then prove that the upgrade keeps every word.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from workbook.model import Channel, Event, EventKind
from workbook.store import DB_NAME, MIGRATIONS, Store
from workbook.transfer import dumps

DATA = Path(__file__).resolve().parent / "data"
WORKBOOK_V1 = DATA / "workbook_v1.sqlite"
WORKBOOK_V1_EXPECTED = DATA / "workbook_v1.expected.json"
EXPORT_V1 = DATA / "export_v1.json"


@pytest.fixture
def old_workbook(tmp_path: Path) -> Path:
    """A copy to open: opening may upgrade the file, and the fixture itself must stay as shipped."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    copy = home / DB_NAME
    shutil.copyfile(WORKBOOK_V1, copy)
    return copy


def user_version(path: Path) -> int:
    # immutable: read without creating -wal and -shm files beside the committed fixture
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as raw:
        return raw.execute("PRAGMA user_version").fetchone()[0]


def test_the_database_fixture_is_still_version_1() -> None:
    assert user_version(WORKBOOK_V1) == 1


def test_a_version_1_workbook_opens_with_everything_in_it(old_workbook: Path) -> None:
    with Store(old_workbook) as store:
        exported = dumps(store.export_people())
    assert json.loads(exported) == json.loads(WORKBOOK_V1_EXPECTED.read_text(encoding="utf-8"))
    assert exported == WORKBOOK_V1_EXPECTED.read_text(encoding="utf-8")  # to the byte
    assert user_version(old_workbook) == len(MIGRATIONS)


def test_an_upgraded_workbook_is_sound_and_takes_new_entries(old_workbook: Path) -> None:
    with Store(old_workbook) as store:
        before = len(store.events("Robin (example)"))
        store.add_event("Robin (example)", Event(EventKind.SENT, datetime(2026, 5, 1, 10, 0), Channel.TEXT))
    with Store(old_workbook) as store:  # opening twice migrates nothing twice
        assert len(store.events("Robin (example)")) == before + 1
    with closing(sqlite3.connect(old_workbook)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_version_1_export_imports_with_nothing_lost(tmp_path: Path) -> None:
    original = json.loads(EXPORT_V1.read_text(encoding="utf-8"))
    with Store(tmp_path / DB_NAME) as store:
        summary = store.import_file(EXPORT_V1.read_bytes())
        again = json.loads(dumps(store.export_people()))
    assert sorted(summary.added) == sorted(person["name"] for person in original["people"])
    assert again["people"] == original["people"]


def test_an_upgraded_workbook_opens_on_its_first_person_and_remembers_a_choice(old_workbook: Path) -> None:
    with Store(old_workbook) as store:
        names = store.people()
        assert store.chosen_person() == names[0]  # a version 1 file never chose anyone
        store.choose_person(names[-1])
    with Store(old_workbook) as store:
        assert store.chosen_person() == names[-1]
        assert store.people() == names
