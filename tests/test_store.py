"""The store: private files, one transaction per change, and nothing ever half-written."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from workbook import store as store_module
from workbook.errors import InvalidInput, PersonExists, PersonNotFound, StoreError
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
from workbook.store import DB_NAME, MIGRATIONS, Store, default_home
from workbook.transfer import dumps, parse_document

REPO = Path(__file__).resolve().parent.parent


def a_situation(name: str = "Sam", **fields: object) -> Situation:
    values: dict[str, object] = {
        "relationship": Relationship.EX_PARTNER,
        "what_happened": WhatHappened.I_BROKE_UP,
        "ended_on": date(2026, 1, 10),
        "goal": Goal.CLOSURE,
    }
    values.update(fields)
    return Situation(name=name, **values)  # type: ignore[arg-type]


def sent(at: datetime, note: str = "") -> Event:
    return Event(EventKind.SENT, at, Channel.TEXT, note=note)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(memory=True) as memory_store:
        yield memory_store


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("WORKBOOK_HOME", str(folder))
    return folder


def everyone(store: Store) -> str:
    return dumps(store.export_people())


# --- where the workbook lives, and who may read it -------------------------------------------


def test_the_home_is_workbook_home_when_set(home: Path) -> None:
    assert default_home() == home


def test_the_default_home_is_a_user_folder_outside_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKBOOK_HOME", raising=False)
    assert "reconnect-workbook" in str(default_home())
    assert REPO not in default_home().parents


def test_the_workbook_folder_and_files_are_private(home: Path) -> None:
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    with Store.open_default() as workbook:
        workbook.add_person(a_situation())
        assert mode(home) == 0o700
        database = home / DB_NAME
        for path in (database, home / f"{DB_NAME}-wal", home / f"{DB_NAME}-shm"):
            assert path.exists(), path
            assert mode(path) == 0o600, path


def test_the_home_is_locked_down_however_the_workbook_in_it_is_opened(home: Path) -> None:
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    Store(home / DB_NAME).close()
    assert mode(home) == 0o700


def test_a_folder_someone_chose_is_left_as_it_is(home: Path, tmp_path: Path) -> None:
    chosen = tmp_path / "my-folder"
    chosen.mkdir()
    chosen.chmod(0o755)
    Store(chosen / DB_NAME).close()
    assert mode(chosen) == 0o755
    assert mode(chosen / DB_NAME) == 0o600


def test_the_database_uses_write_ahead_logging(tmp_path: Path) -> None:
    with Store(tmp_path / DB_NAME), sqlite3.connect(tmp_path / DB_NAME) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_windows_can_write_to_one_workbook(tmp_path: Path) -> None:
    with Store(tmp_path / DB_NAME) as first, Store(tmp_path / DB_NAME) as second:
        first.add_person(a_situation("Sam"))
        second.add_person(a_situation("Alex"))
        assert first.people() == ["Alex", "Sam"]


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    path.write_text("my shopping list")
    with pytest.raises(StoreError, match="not a workbook database"):
        Store(path)


def test_a_closed_store_says_so(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.people()


# --- migrations ------------------------------------------------------------------------------


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        return int(raw.execute("PRAGMA user_version").fetchone()[0])


def test_a_new_database_runs_every_migration(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    Store(path).close()
    assert user_version(path) == len(MIGRATIONS)
    with sqlite3.connect(path) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"people", "answers", "events", "plan", "journal"} <= tables


def test_a_new_migration_is_applied_once_on_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / DB_NAME
    Store(path).close()
    calls: list[int] = []

    def add_reminders(db: sqlite3.Connection) -> None:
        calls.append(1)
        db.execute("CREATE TABLE reminders (id INTEGER PRIMARY KEY)")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*MIGRATIONS, add_reminders])
    Store(path).close()
    Store(path).close()
    assert calls == [1]
    assert user_version(path) == len(MIGRATIONS) + 1


def test_a_failing_migration_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / DB_NAME
    Store(path).close()

    def half_done(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE reminders (id INTEGER PRIMARY KEY)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*MIGRATIONS, half_done])
    with pytest.raises(StoreError, match="Could not upgrade the workbook"):
        Store(path)
    assert user_version(path) == len(MIGRATIONS)
    with sqlite3.connect(path) as raw:
        assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name='reminders'").fetchall()


def test_a_workbook_from_a_newer_app_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    Store(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(StoreError, match="newer version of the app"):
        Store(path)


# --- people ----------------------------------------------------------------------------------


def test_people_are_listed_ignoring_case(store: Store) -> None:
    for name in ("sam", "Alex", "bea"):
        store.add_person(a_situation(name))
    assert store.people() == ["Alex", "bea", "sam"]


@pytest.mark.parametrize("clash", ["sam", "SAM", " Sam "])
def test_a_name_that_differs_only_in_case_is_taken(store: Store, clash: str) -> None:
    store.add_person(a_situation("Sam"))
    with pytest.raises(PersonExists, match='already someone called "Sam"'):
        store.add_person(a_situation(clash))
    assert store.people() == ["Sam"]


def test_names_beyond_ascii_also_clash_ignoring_case(store: Store) -> None:
    store.add_person(a_situation("Émile"))
    with pytest.raises(PersonExists):
        store.add_person(a_situation("émile"))


def test_lookups_ignore_case(store: Store) -> None:
    store.add_person(a_situation("Sam"))
    assert store.has_person("sam")
    assert store.get_person("SAM").name == "Sam"
    assert not store.has_person("Alex")


def test_an_unknown_person_is_named_in_the_error(store: Store) -> None:
    with pytest.raises(PersonNotFound, match='no one called "Kim"'):
        store.get_person("Kim")
    with pytest.raises(PersonNotFound):
        store.add_event("Kim", sent(datetime(2026, 2, 1, 9)))


def test_a_situation_can_be_changed_and_renamed(store: Store) -> None:
    store.add_person(a_situation("Sam"))
    store.set_answer("Sam", "accept_no", 4)
    store.update_situation("Sam", a_situation("sam", goal=Goal.APOLOGY))
    person = store.get_person("sam")
    assert person.name == "sam" and person.situation.goal is Goal.APOLOGY
    assert person.answers == {"accept_no": 4}


def test_renaming_onto_someone_else_is_refused(store: Store) -> None:
    store.add_person(a_situation("Sam"))
    store.add_person(a_situation("Alex"))
    with pytest.raises(PersonExists):
        store.update_situation("Sam", a_situation("ALEX"))
    assert store.people() == ["Alex", "Sam"]


def test_deleting_a_person_deletes_everything_about_them(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with Store(path) as workbook:
        for name in ("Sam", "Alex"):
            workbook.add_person(a_situation(name))
            workbook.set_answer(name, "accept_no", 3)
            workbook.set_plan(name, "channel", "text")
            workbook.add_event(name, sent(datetime(2026, 2, 1, 9)))
            workbook.add_journal(name, JournalEntry(datetime(2026, 2, 1), JournalKind.JOURNAL))
        workbook.delete_person("Sam")
        assert workbook.people() == ["Alex"]
    with sqlite3.connect(path) as raw:
        for table in ("answers", "plan", "events", "journal"):
            assert raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1, table


def test_delete_everything_empties_the_workbook(store: Store) -> None:
    store.add_person(a_situation("Sam"))
    store.add_event("Sam", sent(datetime(2026, 2, 1, 9)))
    store.delete_everything()
    assert store.people() == []


# --- answers and plan ------------------------------------------------------------------------


def test_answers_are_saved_changed_and_cleared(store: Store) -> None:
    store.add_person(a_situation())
    store.set_answer("Sam", "accept_no", 2)
    store.set_answer("Sam", "accept_no", 4)
    store.set_answer("Sam", "their_side_felt", ["hurt", "lost"])
    store.set_answer("Sam", "decision_reason", "It was too soon.")
    assert store.answers("Sam") == {
        "accept_no": 4,
        "decision_reason": "It was too soon.",
        "their_side_felt": ["hurt", "lost"],
    }
    store.set_answer("Sam", "accept_no", None)
    assert "accept_no" not in store.answers("Sam")


@pytest.mark.parametrize(
    ("question_id", "value"),
    [("x", True), ("x", 1.5), ("x", ["a", 2]), ("x", {"a": 1}), ("accept_no", 6), ("", 1)],
)
def test_answers_that_are_not_numbers_text_or_lists_of_text_are_refused(
    store: Store, question_id: str, value: object
) -> None:
    store.add_person(a_situation())
    with pytest.raises(InvalidInput):
        store.set_answer("Sam", question_id, value)  # type: ignore[arg-type]
    assert store.answers("Sam") == {}


def test_the_plan_is_saved_and_cleared(store: Store) -> None:
    store.add_person(a_situation())
    store.set_plan("Sam", "check_in_every_days", 14)
    store.set_plan("Sam", "channel", "text")
    store.set_plan("Sam", "channel", None)
    assert store.plan("Sam") == {"check_in_every_days": 14}
    with pytest.raises(InvalidInput):
        store.set_plan("Sam", "channel", False)


# --- events and journal ----------------------------------------------------------------------


def test_events_come_back_by_time_then_in_the_order_they_were_logged(store: Store) -> None:
    store.add_person(a_situation())
    late = store.add_event("Sam", sent(datetime(2026, 3, 1, 9), "late"))
    first = store.add_event("Sam", sent(datetime(2026, 2, 1, 9), "first"))
    second = store.add_event("Sam", sent(datetime(2026, 2, 1, 9), "second"))
    assert [event_id for event_id, _ in store.events("Sam")] == [first, second, late]
    assert [event.note for event in store.get_person("Sam").events] == ["first", "second", "late"]


def test_an_event_keeps_every_field_to_the_second(store: Store) -> None:
    store.add_person(a_situation())
    reply = Event(EventKind.RECEIVED, datetime(2026, 2, 1, 9, 5, 7, 999), Channel.EMAIL, Tone.NEUTRAL)
    store.add_event("Sam", reply)
    ((_, saved),) = store.events("Sam")
    assert saved == Event(EventKind.RECEIVED, datetime(2026, 2, 1, 9, 5, 7), Channel.EMAIL, Tone.NEUTRAL)


def test_an_event_can_be_corrected_and_deleted(store: Store) -> None:
    store.add_person(a_situation())
    event_id = store.add_event("Sam", sent(datetime(2026, 2, 1, 9)))
    corrected = Event(EventKind.BLOCKED, datetime(2026, 2, 1, 10), Channel.ALL)
    store.update_event(event_id, corrected)
    assert store.events("Sam") == [(event_id, corrected)]
    store.delete_event(event_id)
    assert store.events("Sam") == []
    with pytest.raises(StoreError, match="no longer in the log"):
        store.update_event(event_id, corrected)


def test_journal_entries_come_back_by_time(store: Store) -> None:
    store.add_person(a_situation())
    later = JournalEntry(datetime(2026, 2, 8, 20), JournalKind.CHECK_IN, "Better.", mood=4)
    earlier = JournalEntry(datetime(2026, 2, 1, 20), JournalKind.UNSENT_LETTER, "Dear Sam,")
    later_id = store.add_journal("Sam", later)
    earlier_id = store.add_journal("Sam", earlier)
    assert store.journal("Sam") == [(earlier_id, earlier), (later_id, later)]
    store.delete_journal(earlier_id)
    assert store.journal("Sam") == [(later_id, later)]


# --- import, replace, backup -----------------------------------------------------------------


def a_person(name: str, note: str = "") -> Person:
    return Person(
        situation=a_situation(name),
        answers={"accept_no": 4},
        events=(sent(datetime(2026, 2, 1, 9), note),),
        plan={"channel": "text"},
        journal=(JournalEntry(datetime(2026, 2, 1, 20), JournalKind.JOURNAL, "Notes."),),
    )


def test_an_import_adds_everyone_and_says_who(store: Store) -> None:
    summary = store.import_people([a_person("Sam"), a_person("Alex")])
    assert summary.added == ("Sam", "Alex") and summary.replaced == () and summary.backup is None
    assert store.get_person("Alex") == a_person("Alex")


def test_an_import_with_a_name_already_here_changes_nothing(store: Store) -> None:
    store.import_people([a_person("Sam", "mine")])
    before = everyone(store)
    with pytest.raises(PersonExists, match="Already in this workbook: sam"):
        store.import_people([a_person("Alex"), a_person("sam", "theirs")])
    assert everyone(store) == before


def test_replacing_writes_a_private_backup_first(store: Store, tmp_path: Path) -> None:
    store.import_people([a_person("Sam", "mine"), a_person("Bea")])
    before = everyone(store)
    backups = tmp_path / "backups"
    summary = store.import_people(
        [a_person("Sam", "theirs"), a_person("Alex")],
        replace=True,
        backup_dir=backups,
        now=datetime(2026, 11, 23, 10, 15, 0),
    )
    assert summary.added == ("Alex",) and summary.replaced == ("Sam",)
    assert summary.backup == backups / "backup-20261123-101500.json"
    assert summary.backup.read_text(encoding="utf-8") == before
    assert mode(summary.backup) == 0o600 and mode(backups) == 0o700
    assert store.get_person("Sam").events[0].note == "theirs"
    assert store.people() == ["Alex", "Bea", "Sam"]


def test_replacing_without_a_backup_folder_uses_the_home(home: Path) -> None:
    with Store.open_default() as workbook:
        workbook.import_people([a_person("Sam")])
        summary = workbook.import_people([a_person("Sam")], replace=True)
    assert summary.backup is not None and summary.backup.parent == home / "backups"


def test_an_import_that_fails_midway_leaves_nothing_half_written(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store.import_people([a_person("Sam", "mine"), a_person("Bea")])
    before = everyone(store)
    real_insert = store_module._insert_person
    inserted: list[str] = []

    def insert_then_fail(db: sqlite3.Connection, person: Person) -> int:
        if inserted:
            raise sqlite3.OperationalError("disk I/O error")
        inserted.append(person.name)
        return real_insert(db, person)

    monkeypatch.setattr(store_module, "_insert_person", insert_then_fail)
    with pytest.raises(StoreError, match="Could not import"):
        store.import_people([a_person("Sam", "theirs"), a_person("Alex")], replace=True, backup_dir=tmp_path)
    assert inserted == ["Sam"]
    assert everyone(store) == before


def test_a_backup_file_is_written_whole_and_private(store: Store, tmp_path: Path) -> None:
    store.import_people([a_person("Sam"), a_person("Alex")])
    path = store.backup(tmp_path / "exports" / "mine.json")
    assert mode(path) == 0o600
    assert parse_document(path.read_bytes()) == store.export_people()
    assert [p.name for p in path.parent.iterdir()] == ["mine.json"]  # no temporary file left


def test_a_backup_that_cannot_be_written_is_an_error_not_a_crash(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError):
        store.backup(blocker / "mine.json")


def test_the_export_is_ordered_the_same_every_time(store: Store) -> None:
    store.import_people([a_person("zoe"), a_person("Adam")])
    assert [person.name for person in store.export_people()] == ["Adam", "zoe"]
    assert json.loads(everyone(store))["people"][0]["name"] == "Adam"


# --- who the workbook opens on -----------------------------------------------------------------


def three_people(store: Store) -> None:
    for name in ("Sam", "Alex", "Jo"):
        store.add_person(a_situation(name))


def test_with_no_choice_yet_it_opens_on_the_first_person(store: Store) -> None:
    assert store.chosen_person() is None
    three_people(store)
    assert store.chosen_person() == "Alex"


def test_the_chosen_person_is_remembered_across_a_restart(tmp_path: Path) -> None:
    with Store(tmp_path / DB_NAME) as first:
        three_people(first)
        first.choose_person("Sam")
    with Store(tmp_path / DB_NAME) as again:
        assert again.chosen_person() == "Sam"
        again.choose_person("Jo")
        assert again.chosen_person() == "Jo"


def test_choosing_someone_not_here_is_refused_and_keeps_the_choice(store: Store) -> None:
    three_people(store)
    store.choose_person("Sam")
    with pytest.raises(PersonNotFound):
        store.choose_person("Nobody")
    assert store.chosen_person() == "Sam"


def test_forgetting_the_choice_opens_on_the_first_again(store: Store) -> None:
    three_people(store)
    store.choose_person("Sam")
    store.choose_person(None)
    assert store.chosen_person() == "Alex"


def test_deleting_the_chosen_person_falls_back_to_the_first_remaining(store: Store) -> None:
    three_people(store)
    store.choose_person("Alex")
    store.delete_person("Alex")
    assert store.chosen_person() == "Jo"
    store.delete_everything()
    assert store.chosen_person() is None


def test_renaming_the_chosen_person_carries_the_choice(store: Store) -> None:
    three_people(store)
    store.choose_person("Sam")
    store.update_situation("Sam", a_situation("Samira"))
    assert store.chosen_person() == "Samira"


def test_an_import_that_replaces_the_chosen_person_keeps_them_chosen(store: Store, tmp_path: Path) -> None:
    three_people(store)
    store.choose_person("Sam")
    incoming = [Person(situation=a_situation("sam")), Person(situation=a_situation("Alex"))]
    store.import_people(incoming, replace=True, backup_dir=tmp_path / "backups")
    assert store.chosen_person() == "sam"  # the imported spelling, and a person who is here
    assert store.has_person(store.chosen_person() or "")


def test_an_import_that_replaces_others_leaves_the_choice_alone(store: Store, tmp_path: Path) -> None:
    three_people(store)
    store.choose_person("Jo")
    store.import_people([Person(situation=a_situation("Alex"))], replace=True, backup_dir=tmp_path / "b")
    assert store.chosen_person() == "Jo"


def test_a_failed_import_leaves_the_choice_as_it_was(store: Store) -> None:
    three_people(store)
    store.choose_person("Sam")
    with pytest.raises(PersonExists):
        store.import_people([Person(situation=a_situation("Sam"))])
    assert store.chosen_person() == "Sam"


# --- where a person stands in the steps (migration 3) ------------------------------------------


def test_visited_steps_are_remembered_per_person_and_go_with_them(store: Store) -> None:
    three_people(store)
    store.visit_steps("Sam", ["05_readiness", "data"])
    store.visit_steps("Sam", ["05_readiness"])  # twice is once
    assert store.progress("Sam").visited == {"05_readiness", "data"}
    assert store.progress("Alex").visited == frozenset()
    store.update_situation("Sam", a_situation("Samira"))
    assert store.progress("Samira").visited == {"05_readiness", "data"}
    store.delete_person("Samira")
    store.add_person(a_situation("Samira"))
    assert store.progress("Samira").visited == frozenset()  # a new person starts afresh


def test_visits_are_not_part_of_the_export(store: Store) -> None:
    three_people(store)
    before = dumps(store.export_people())
    store.visit_steps("Sam", ["05_readiness"])
    assert dumps(store.export_people()) == before


def test_progress_reads_what_is_kept_without_the_words(store: Store) -> None:
    """The same as the person's whole record says, for the demo people and a fresh one."""
    from workbook.content import DATA_DIR
    from workbook.steps import kept_views

    store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
    store.add_person(a_situation("New"))
    for name in store.people():
        person = store.get_person(name)
        progress = store.progress(name)
        assert progress.answered == set(person.answers), name
        assert progress.kept == kept_views(
            person.answers, events=bool(person.events), plan=bool(person.plan), journal=bool(person.journal)
        ), name
    assert store.progress("New").kept == frozenset() and store.progress("New").answered == frozenset()
    with pytest.raises(PersonNotFound):
        store.progress("Nobody")
