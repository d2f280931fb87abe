"""The workbook's memory: one private SQLite file, and the only module that touches a database.

Theory of operation
-------------------
- Where: `default_home()` is `$WORKBOOK_HOME` if set, else the per-user data folder
  (`platformdirs`), never the repository. The folder is 0700 and the database files 0600: the
  answers are as private as a diary.
- How: WAL mode (readers never wait for the writer), a 5 s busy timeout (two tabs on one
  workbook), foreign keys on (deleting a person deletes everything about them), secure delete
  on (deleted text is overwritten, not left in free pages).
- Changes: every public method that writes runs in one transaction (`_tx`): it all happens or,
  on any error, none of it does. sqlite errors leave as `StoreError` with a sentence a person can
  act on.
- Schema: `PRAGMA user_version` counts the migrations applied. `MIGRATIONS` is a list of named
  functions, applied in order, each in its own transaction together with its version bump.
  Add a function at the end to change the schema; never edit one that has shipped.
- Import: `import_people` is all or nothing in one transaction. With `replace`, it first writes a
  backup export of the whole workbook, inside that same transaction, so the backup is exactly what
  is about to be replaced.

Values cross this boundary as `model` types; JSON columns hold signals, answers and plan values.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

import platformdirs

from .errors import InvalidInput, PersonExists, PersonNotFound, StoreError
from .model import (
    AnswerValue,
    Channel,
    Event,
    EventKind,
    Goal,
    JournalEntry,
    JournalKind,
    Person,
    Relationship,
    Signal,
    Situation,
    Tone,
    WhatHappened,
)
from .steps import Progress, kept_views
from .transfer import check_answer_id, check_answer_value, dumps, parse_document

__all__ = [
    "APP_NAME",
    "create_schema",
    "DB_NAME",
    "HOME_ENV",
    "MIGRATIONS",
    "ImportSummary",
    "Store",
    "default_home",
    "remember_chosen_person",
    "remember_visited_steps",
]

APP_NAME = "reconnect-workbook"
HOME_ENV = "WORKBOOK_HOME"
DB_NAME = "workbook.db"
BACKUP_DIR_NAME = "backups"
BUSY_TIMEOUT_MS = 5000
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def default_home() -> Path:
    """Where the workbook lives: `$WORKBOOK_HOME`, else the per-user data folder."""
    configured = os.environ.get(HOME_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the sentence the UI shows afterwards."""

    added: tuple[str, ...]
    replaced: tuple[str, ...]
    backup: Path | None = None  # the export written before anything was replaced


# --- migrations ------------------------------------------------------------------------------


def create_schema(db: sqlite3.Connection) -> None:
    """Migration 1: people and everything about them, deleted with them."""
    statements = (
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            relationship TEXT NOT NULL,
            what_happened TEXT NOT NULL,
            ended_on TEXT NOT NULL,
            goal TEXT NOT NULL,
            signals TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE answers (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (person_id, question_id)
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            channel TEXT,
            tone TEXT,
            note TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX events_by_person_and_time ON events (person_id, at)",
        """CREATE TABLE plan (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (person_id, key)
        )""",
        """CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            mood INTEGER
        )""",
        "CREATE INDEX journal_by_person_and_time ON journal (person_id, at)",
    )
    for statement in statements:
        db.execute(statement)


def remember_chosen_person(db: sqlite3.Connection) -> None:
    """Migration 2: who was chosen last, so every notebook and the dashboard open on them.

    At most one row, pointing at the person's row rather than holding a copy of the name: a rename
    carries the choice with it, and deleting them deletes it (the app then opens on the first)."""
    db.execute(
        """CREATE TABLE chosen_person (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
        )"""
    )


def remember_visited_steps(db: sqlite3.Connection) -> None:
    """Migration 3: which steps were opened for each person, so the stepper can mark a step
    without questions (the readiness card, the timeline) as visited in any later session.

    Like the chosen person, it is the app's memory rather than the person's words: it is not in
    the export, and deleting the person deletes it."""
    db.execute(
        """CREATE TABLE visited_steps (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            step TEXT NOT NULL,
            PRIMARY KEY (person_id, step)
        )"""
    )


Migration = Callable[[sqlite3.Connection], None]

# Applied in order; the database's user_version is how many have run. Append, never edit.
MIGRATIONS: list[Migration] = [create_schema, remember_chosen_person, remember_visited_steps]


# --- the store -------------------------------------------------------------------------------


class Store:
    """One workbook database. `Store(memory=True)` for tests; `Store.open_default()` for the app."""

    def __init__(self, path: Path | str | None = None, *, memory: bool = False) -> None:
        db_path = Path(path or default_home() / DB_NAME)
        self.path: Path | None = None if memory else db_path
        # The default home is ours to lock down; a folder someone chose is only created if missing.
        self._owns_folder = not memory and db_path.parent.resolve() == default_home().resolve()
        self._db: sqlite3.Connection | None = self._connect()

    @classmethod
    def open_default(cls) -> Store:
        """The person's own workbook, in `default_home()`."""
        return cls()

    @property
    def home(self) -> Path:
        """The folder holding the workbook (and its backups); the default home for memory stores."""
        return self.path.parent if self.path is not None else default_home()

    # --- people ---------------------------------------------------------------------------

    def people(self) -> list[str]:
        """Everyone in the workbook, sorted as a person would sort them (ignoring case)."""
        names = [row["name"] for row in self._rows("SELECT name FROM people")]
        return sorted(names, key=lambda name: (name.casefold(), name))

    def has_person(self, name: str) -> bool:
        return bool(self._rows("SELECT 1 FROM people WHERE name = ?", (name.strip(),)))

    def add_person(self, situation: Situation) -> None:
        with self._tx("add this person") as db:
            _refuse_clash(db, situation.name)
            _insert_situation(db, situation)

    def update_situation(self, name: str, situation: Situation) -> None:
        """Change who this person is for you; renaming is allowed if the new name is free."""
        with self._tx("save the changes") as db:
            person_id = _person_id(db, name)
            _refuse_clash(db, situation.name, except_id=person_id)
            db.execute(
                """UPDATE people SET name = ?, relationship = ?, what_happened = ?, ended_on = ?,
                   goal = ?, signals = ? WHERE id = ?""",
                (*_situation_row(situation), person_id),
            )

    def get_person(self, name: str) -> Person:
        """Everything held about one person, events and journal sorted by time."""
        with self._snapshot() as db:
            return _load_person(db, _person_id(db, name))

    def chosen_person(self) -> str | None:
        """Who to open on: the person chosen last if they are still here, else the first person
        (after a deletion, or in a workbook that never chose), else no one."""
        with self._snapshot() as db:
            chosen = _chosen_name(db)
            if chosen is not None:
                return chosen
            names = sorted((row["name"] for row in db.execute(_ALL_PEOPLE)), key=lambda n: (n.casefold(), n))
        return names[0] if names else None

    def choose_person(self, name: str | None) -> None:
        """Remember who was chosen, so the next notebook (or a restart) opens on them; None forgets."""
        with self._tx("remember who you chose") as db:
            if name is None:
                db.execute("DELETE FROM chosen_person")
            else:
                _remember_chosen(db, _person_id(db, name))

    def delete_person(self, name: str) -> None:
        with self._tx("delete this person") as db:
            db.execute("DELETE FROM people WHERE id = ?", (_person_id(db, name),))

    def delete_everything(self) -> None:
        """Erase the whole workbook, including the copies SQLite keeps in its write-ahead log and
        the backups it wrote before imports replaced people: "everything" leaves no words behind."""
        with self._tx("delete everything") as db:
            db.execute("DELETE FROM people")
        if self.path is not None:
            self._rows("PRAGMA wal_checkpoint(TRUNCATE)")
            _delete_backups(self.home / BACKUP_DIR_NAME)

    # --- answers and plan -----------------------------------------------------------------

    def set_answer(self, name: str, question_id: str, value: AnswerValue | None) -> None:
        """Save one answer; None clears it."""
        self._set_value("answers", "question_id", name, question_id, value, core_check=True)

    def answers(self, name: str) -> dict[str, AnswerValue]:
        with self._snapshot() as db:
            return _values(db, "answers", "question_id", _person_id(db, name))

    def set_plan(self, name: str, key: str, value: AnswerValue | None) -> None:
        """Save one part of the keep-going plan; None clears it."""
        self._set_value("plan", "key", name, key, value, core_check=False)

    def plan(self, name: str) -> dict[str, AnswerValue]:
        with self._snapshot() as db:
            return _values(db, "plan", "key", _person_id(db, name))

    # --- where a person stands in the steps ---------------------------------------------

    def visit_steps(self, name: str, steps: Sequence[str]) -> None:
        """Remember that these steps (by `Step.key`) were opened for this person."""
        with self._tx("remember the step you opened") as db:
            person_id = _person_id(db, name)
            db.executemany(
                "INSERT OR IGNORE INTO visited_steps (person_id, step) VALUES (?, ?)",
                [(person_id, step) for step in steps],
            )

    def progress(self, name: str) -> Progress:
        """What the stepper needs to know about one person, without reading their words: which
        answers exist, whether a log, a plan or a journal does, and which steps were opened."""
        with self._snapshot() as db:
            person_id = _person_id(db, name)
            answered = frozenset(
                row[0]
                for row in db.execute("SELECT question_id FROM answers WHERE person_id = ?", (person_id,))
            )
            exists = {
                table: db.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {table} WHERE person_id = ?)", (person_id,)
                ).fetchone()[0]
                == 1
                for table in ("events", "plan", "journal")
            }
            visited = frozenset(
                row[0]
                for row in db.execute("SELECT step FROM visited_steps WHERE person_id = ?", (person_id,))
            )
        kept = kept_views(answered, events=exists["events"], plan=exists["plan"], journal=exists["journal"])
        return Progress(answered, kept, visited)

    # --- events ---------------------------------------------------------------------------

    def add_event(self, name: str, event: Event) -> int:
        """Log one event (its time kept to the second); returns its id for later edits."""
        with self._tx("log this event") as db:
            return _insert_event(db, _person_id(db, name), event)

    def add_events(self, name: str, events: Sequence[Event]) -> list[int]:
        """Log several events in one transaction: all of them, or (on any error) none."""
        with self._tx("log these events") as db:
            person_id = _person_id(db, name)
            return [_insert_event(db, person_id, event) for event in events]

    def update_event(self, event_id: int, event: Event) -> None:
        with self._tx("save this event") as db:
            cursor = db.execute(
                "UPDATE events SET kind = ?, at = ?, channel = ?, tone = ?, note = ? WHERE id = ?",
                (*_event_row(event), event_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(
                    "That event is no longer in the log; it may have been deleted in another tab."
                )

    def delete_event(self, event_id: int) -> None:
        with self._tx("delete this event") as db:
            db.execute("DELETE FROM events WHERE id = ?", (event_id,))

    def events(self, name: str) -> list[tuple[int, Event]]:
        """The log with ids, oldest first (ties in the order they were logged)."""
        with self._snapshot() as db:
            return _events(db, _person_id(db, name))

    # --- journal --------------------------------------------------------------------------

    def add_journal(self, name: str, entry: JournalEntry) -> int:
        with self._tx("save this entry") as db:
            return _insert_journal(db, _person_id(db, name), entry)

    def delete_journal(self, entry_id: int) -> None:
        with self._tx("delete this entry") as db:
            db.execute("DELETE FROM journal WHERE id = ?", (entry_id,))

    def journal(self, name: str) -> list[tuple[int, JournalEntry]]:
        with self._snapshot() as db:
            return _journal(db, _person_id(db, name))

    # --- export, import, backup -----------------------------------------------------------

    def export_people(self) -> list[Person]:
        """Everyone, read in one snapshot so the export is consistent."""
        with self._snapshot() as db:
            return _export(db)

    def import_people(
        self,
        people: Sequence[Person],
        *,
        replace: bool = False,
        backup_dir: Path | None = None,
        now: datetime | None = None,
    ) -> ImportSummary:
        """Add these people, all or none. A name already here is refused unless `replace`.

        With `replace`, a backup of the whole workbook is written to `backup_dir` (default
        `<home>/backups`) before anyone is replaced; if the backup cannot be written, nothing is.
        """
        folded = [person.name.casefold() for person in people]
        if len(set(folded)) != len(folded):
            raise InvalidInput("The import names the same person twice; nothing was imported.")
        with self._tx("import these people") as db:
            existing = {row["name"].casefold(): row["id"] for row in db.execute(_ALL_PEOPLE)}
            clashes = [person.name for person in people if person.name.casefold() in existing]
            if clashes and not replace:
                raise PersonExists(
                    f"Already in this workbook: {', '.join(clashes)}. Nothing was imported. "
                    "Import again choosing to replace them (a backup is saved first), "
                    "or rename them in the file."
                )
            chosen = (_chosen_name(db) or "").casefold()
            backup = None
            if clashes:
                folder = backup_dir if backup_dir is not None else self.home / BACKUP_DIR_NAME
                backup = _write_backup(folder, dumps(_export(db)), now or datetime.now())
            for person in people:
                if person.name.casefold() in existing:
                    db.execute("DELETE FROM people WHERE id = ?", (existing[person.name.casefold()],))
                person_id = _insert_person(db, person)
                if chosen and person.name.casefold() == chosen:  # replaced: still the one chosen
                    _remember_chosen(db, person_id)
        added = tuple(person.name for person in people if person.name not in clashes)
        return ImportSummary(added=added, replaced=tuple(clashes), backup=backup)

    def import_file(
        self,
        source: bytes | str | IO[bytes] | IO[str],
        *,
        replace: bool = False,
        backup_dir: Path | None = None,
        now: datetime | None = None,
    ) -> ImportSummary:
        """Read an export file and import it; a refused file (`ImportRefused`) changes nothing."""
        people = parse_document(source)
        return self.import_people(people, replace=replace, backup_dir=backup_dir, now=now)

    def backup(self, path: Path) -> Path:
        """Write a full export to `path`, private (0600) and atomically: never half a file."""
        path = Path(path)
        _private_folder(path.parent, lock_down=False)
        _write_private_file(path, dumps(self.export_people()))
        return path

    # --- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- plumbing -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            return self._prepared(sqlite3.connect(":memory:", isolation_level=None))
        _private_folder(self.path.parent, lock_down=self._owns_folder)
        previous_umask = os.umask(0o077)  # so the -wal and -shm files are born private too
        try:
            db = self._prepared(sqlite3.connect(self.path, isolation_level=None))
        except sqlite3.Error as error:
            raise self._error(error, "open the workbook") from None
        finally:
            os.umask(previous_umask)
        for suffix in ("", "-wal", "-shm"):
            _make_private(self.path.with_name(self.path.name + suffix), PRIVATE_FILE_MODE)
        return db

    def _prepared(self, db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")
            if self.path is not None:
                _use_write_ahead_log(db)
            self._db = db
            self._migrate()
        except BaseException:
            db.close()
            self._db = None
            raise
        return db

    def _migrate(self) -> None:
        if _user_version(self._connection()) > len(MIGRATIONS):
            raise StoreError(
                "This workbook was saved by a newer version of the app. Please update the app, "
                "or open an export of your data instead."
            )
        for version, migration in enumerate(MIGRATIONS, start=1):
            with self._tx(f"upgrade the workbook ({migration.__name__})") as db:
                if _user_version(db) >= version:  # another tab may have just done it
                    continue
                migration(db)
                db.execute(f"PRAGMA user_version = {version}")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError("The workbook is closed; please reopen it.")
        return self._db

    @contextmanager
    def _tx(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: commit if the block finishes, roll back on any error."""
        db = self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self._error(error, doing) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as error:
            with suppress(sqlite3.Error):  # SQLite may already have rolled back by itself
                db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise self._error(error, doing) from None
            if isinstance(error, UnicodeEncodeError):  # a lone surrogate ("\ud83d"): not storable text
                raise InvalidInput(
                    f"Could not {doing}: the text holds a broken character, perhaps half of an emoji "
                    "from a paste. Please retype that part."
                ) from None
            raise

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent state of the workbook."""
        db = self._connection()
        try:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._error(error, "read the workbook") from None

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return self._connection().execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._error(error, "read the workbook") from None

    def _set_value(
        self,
        table: str,
        key_column: str,
        name: str,
        key: str,
        value: AnswerValue | None,
        *,
        core_check: bool,
    ) -> None:
        check_answer_id(key)
        if value is not None:
            value = check_answer_value(value, key=key if core_check else "")
        with self._tx("save your answer") as db:
            person_id = _person_id(db, name)
            if value is None:
                db.execute(
                    f"DELETE FROM {table} WHERE person_id = ? AND {key_column} = ?",
                    (person_id, key),
                )
            else:
                _insert_value(db, table, key_column, person_id, key, value)

    def _error(self, error: sqlite3.Error, doing: str) -> StoreError:
        """A sentence for a person, from whatever SQLite said."""
        text = str(error).lower()
        where = f" at {self.path}" if self.path is not None else ""
        if "locked" in text or "busy" in text:
            reason = "the workbook is busy in another tab or window. Please try again in a moment"
        elif "full" in text:
            reason = "the disk is full. Free some space, then try again"
        elif "readonly" in text or "read-only" in text:
            reason = f"the workbook file{where} is read-only"
        elif "not a database" in text or "malformed" in text:
            reason = (
                f"the file{where} is not a workbook database, or it is damaged. "
                "Move it aside and import your latest export"
            )
        elif "unable to open" in text:
            reason = f"the workbook{where} cannot be opened. Check that you may write to that folder"
        else:
            reason = f"the database reported: {error}"
        return StoreError(f"Could not {doing}: {reason}.")


# --- rows in and out (module functions take the connection, so they compose inside one tx) ----

_ALL_PEOPLE = "SELECT id, name FROM people"


def _person_id(db: sqlite3.Connection, name: str) -> int:
    row = db.execute("SELECT id FROM people WHERE name = ?", (name.strip(),)).fetchone()
    if row is None:
        raise PersonNotFound(f'There is no one called "{name}" in this workbook.')
    return int(row["id"])


def _chosen_name(db: sqlite3.Connection) -> str | None:
    row = db.execute(
        "SELECT people.name FROM chosen_person JOIN people ON people.id = chosen_person.person_id"
    ).fetchone()
    return None if row is None else str(row["name"])


def _remember_chosen(db: sqlite3.Connection, person_id: int) -> None:
    db.execute(
        """INSERT INTO chosen_person (only, person_id) VALUES (1, ?)
           ON CONFLICT (only) DO UPDATE SET person_id = excluded.person_id""",
        (person_id,),
    )


def _refuse_clash(db: sqlite3.Connection, name: str, except_id: int | None = None) -> None:
    """Names are unique ignoring case (also beyond ASCII, which SQLite's NOCASE misses)."""
    for row in db.execute(_ALL_PEOPLE):
        if row["id"] != except_id and row["name"].casefold() == name.casefold():
            raise PersonExists(
                f'There is already someone called "{row["name"]}" in this workbook. '
                "Please choose another name or nickname."
            )


def _situation_row(situation: Situation) -> tuple[object, ...]:
    signals = json.dumps(sorted(signal.value for signal in situation.signals))
    return (
        situation.name,
        situation.relationship.value,
        situation.what_happened.value,
        situation.ended_on.isoformat(),
        situation.goal.value,
        signals,
    )


def _insert_situation(db: sqlite3.Connection, situation: Situation) -> int:
    cursor = db.execute(
        """INSERT INTO people (name, relationship, what_happened, ended_on, goal, signals,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (*_situation_row(situation), datetime.now().isoformat(timespec="seconds")),
    )
    return int(cursor.lastrowid or 0)


def _insert_person(db: sqlite3.Connection, person: Person) -> int:
    person_id = _insert_situation(db, person.situation)
    for question_id, value in person.answers.items():
        checked = check_answer_value(value, f'The answer "{question_id}"', key=question_id)
        _insert_value(db, "answers", "question_id", person_id, check_answer_id(question_id), checked)
    for key, value in person.plan.items():
        checked = check_answer_value(value, f'The plan item "{key}"')
        _insert_value(db, "plan", "key", person_id, check_answer_id(key), checked)
    for event in person.events:
        _insert_event(db, person_id, event)
    for entry in person.journal:
        _insert_journal(db, person_id, entry)
    return person_id


def _insert_value(
    db: sqlite3.Connection,
    table: str,
    key_column: str,
    person_id: int,
    key: str,
    value: AnswerValue,
) -> None:
    db.execute(
        f"""INSERT INTO {table} (person_id, {key_column}, value) VALUES (?, ?, ?)
            ON CONFLICT (person_id, {key_column}) DO UPDATE SET value = excluded.value""",
        (person_id, key, json.dumps(value, ensure_ascii=False)),
    )


def _event_row(event: Event) -> tuple[object, ...]:
    return (
        event.kind.value,
        event.at.isoformat(timespec="seconds"),
        event.channel.value if event.channel is not None else None,
        event.tone.value if event.tone is not None else None,
        event.note,
    )


def _insert_event(db: sqlite3.Connection, person_id: int, event: Event) -> int:
    cursor = db.execute(
        "INSERT INTO events (person_id, kind, at, channel, tone, note) VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, *_event_row(event)),
    )
    return int(cursor.lastrowid or 0)


def _insert_journal(db: sqlite3.Connection, person_id: int, entry: JournalEntry) -> int:
    cursor = db.execute(
        "INSERT INTO journal (person_id, at, kind, text, mood) VALUES (?, ?, ?, ?, ?)",
        (person_id, entry.at.isoformat(timespec="seconds"), entry.kind.value, entry.text, entry.mood),
    )
    return int(cursor.lastrowid or 0)


@contextmanager
def _decoding(what: str) -> Iterator[None]:
    """A stored value this version cannot read means the file was damaged or edited by hand."""
    try:
        yield
    except (ValueError, TypeError, KeyError, InvalidInput) as error:
        raise StoreError(
            f"Could not read {what}: the workbook file looks damaged ({error}). "
            "Import your latest export into a fresh workbook."
        ) from None


def _load_person(db: sqlite3.Connection, person_id: int) -> Person:
    row = db.execute("SELECT * FROM people WHERE id = ?", (person_id,)).fetchone()
    with _decoding(f'the saved details of "{row["name"]}"'):
        situation = Situation(
            name=row["name"],
            relationship=Relationship(row["relationship"]),
            what_happened=WhatHappened(row["what_happened"]),
            ended_on=date.fromisoformat(row["ended_on"]),
            goal=Goal(row["goal"]),
            signals=frozenset(Signal(value) for value in json.loads(row["signals"])),
        )
    return Person(
        situation=situation,
        answers=_values(db, "answers", "question_id", person_id),
        events=tuple(event for _, event in _events(db, person_id)),
        plan=_values(db, "plan", "key", person_id),
        journal=tuple(entry for _, entry in _journal(db, person_id)),
    )


def _values(db: sqlite3.Connection, table: str, key_column: str, person_id: int) -> dict[str, AnswerValue]:
    rows = db.execute(
        f"SELECT {key_column} AS key, value FROM {table} WHERE person_id = ? ORDER BY key",
        (person_id,),
    )
    with _decoding("the saved answers"):
        return {row["key"]: json.loads(row["value"]) for row in rows}


def _events(db: sqlite3.Connection, person_id: int) -> list[tuple[int, Event]]:
    rows = db.execute("SELECT * FROM events WHERE person_id = ? ORDER BY at, id", (person_id,)).fetchall()
    with _decoding("the contact log"):
        return [
            (
                row["id"],
                Event(
                    kind=EventKind(row["kind"]),
                    at=datetime.fromisoformat(row["at"]),
                    channel=Channel(row["channel"]) if row["channel"] else None,
                    tone=Tone(row["tone"]) if row["tone"] else None,
                    note=row["note"],
                ),
            )
            for row in rows
        ]


def _journal(db: sqlite3.Connection, person_id: int) -> list[tuple[int, JournalEntry]]:
    rows = db.execute("SELECT * FROM journal WHERE person_id = ? ORDER BY at, id", (person_id,)).fetchall()
    with _decoding("the journal"):
        return [
            (
                row["id"],
                JournalEntry(
                    at=datetime.fromisoformat(row["at"]),
                    kind=JournalKind(row["kind"]),
                    text=row["text"],
                    mood=row["mood"],
                ),
            )
            for row in rows
        ]


def _export(db: sqlite3.Connection) -> list[Person]:
    people = [_load_person(db, row["id"]) for row in db.execute(_ALL_PEOPLE).fetchall()]
    return sorted(people, key=lambda person: (person.name.casefold(), person.name))


def _use_write_ahead_log(db: sqlite3.Connection) -> None:
    """Switch to WAL, waiting (up to the busy timeout) while another window opens the same workbook.

    Switching needs the file to itself, and SQLite answers "database is locked" at once, without
    waiting out the busy timeout, when another connection is opening it at the same moment (a
    notebook and the dashboard started together on a new workbook). So the waiting happens here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.002
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


# --- private files -------------------------------------------------------------------------


def _private_folder(folder: Path, *, lock_down: bool) -> None:
    """Create the folder 0700; tighten an existing one only if it is the workbook's own home."""
    try:
        if not folder.exists():
            previous_umask = os.umask(0o077)
            try:
                folder.mkdir(parents=True, mode=PRIVATE_DIR_MODE, exist_ok=True)
            finally:
                os.umask(previous_umask)
            _make_private(folder, PRIVATE_DIR_MODE)
        elif lock_down:
            _make_private(folder, PRIVATE_DIR_MODE)
    except OSError as error:
        raise StoreError(
            f"Could not create the folder {folder} for the workbook: {error.strerror}."
        ) from None


def _make_private(path: Path, mode: int) -> None:
    """chmod a file or folder that exists and belongs to this user; leave anyone else's alone."""
    with suppress(FileNotFoundError):
        if not hasattr(os, "getuid") or path.stat().st_uid == os.getuid():
            path.chmod(mode)


def _delete_backups(folder: Path) -> None:
    """Remove the backups `_write_backup` made (and any it left half written); nothing else."""
    try:
        for path in [*folder.glob("backup-*.json"), *folder.glob(".backup-*.tmp")]:
            path.unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError as error:
        raise StoreError(
            f"The workbook was emptied, but its backups in {folder} could not all be deleted "
            f"({error.strerror}). Please delete that folder yourself."
        ) from None


def _write_backup(folder: Path, text: str, now: datetime) -> Path:
    _private_folder(folder, lock_down=True)
    stem = f"backup-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.json"
    number = 1
    while path.exists():  # two backups within one second: keep both
        number += 1
        path = folder / f"{stem}-{number}.json"
    _write_private_file(path, text)
    return path


def _write_private_file(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, fsync, rename."""
    temporary = ""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
        temporary = ""
    except OSError as error:
        raise StoreError(f"Could not write {path}: {error.strerror or error}.") from None
    finally:
        if temporary:
            with suppress(OSError):
                os.unlink(temporary)
