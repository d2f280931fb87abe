"""Nothing a person saved is lost when the app dies: a writer killed with SIGKILL at random moments.

A writer process saves as fast as it can (events, plan items, journal entries, whole imported people,
and now and then a replacing import, which writes a backup first) and prints each change to a pipe
only after the store's transaction has committed. The test kills it with SIGKILL at a random
moment, a hundred times over one growing workbook, and after every kill checks, with a fresh SQLite
connection that knows nothing of the app:

- `PRAGMA integrity_check` says ok;
- every change the writer reported is there, and every import is all or nothing (a batch person
  has all its events or does not exist, even the ones killed before they were reported);
- every backup file is a whole, readable export, and every file is still private (0600).

WORKBOOK_DURABILITY_KILLS lowers the count for a quick run; it never goes below MIN_KILLS.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from workbook.store import DB_NAME, MIGRATIONS, Store
from workbook.transfer import parse_document

REPO = Path(__file__).resolve().parent.parent
KILLS = max(10, int(os.environ.get("WORKBOOK_DURABILITY_KILLS", "100")))
MIN_KILLS = 10
BATCH_EVENTS = 10  # events in each imported "Batch" person: all of them or none
KILL_WINDOW_S = 0.08  # after the writer is ready; long enough for hundreds of commits
EARLY_KILL_SHARE = 0.1  # rounds killed at a random moment while the writer is still opening
EARLY_KILL_WINDOW_S = 0.3  # about the time a writer takes to start and open the workbook
STARTUP_TIMEOUT_S = 30

WRITER = r"""
import random, sys
from datetime import date, datetime, timedelta
from pathlib import Path
from workbook.errors import PersonExists
from workbook.model import (Channel, Event, EventKind, Goal, JournalEntry, JournalKind, Person,
                            Relationship, Situation, WhatHappened)
from workbook.store import Store

path, first, seed, batch_events = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
START = datetime(2025, 1, 1, 9, 0)

def situation(name):
    return Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2025, 1, 1), Goal.FRIENDSHIP)

def sent(minutes, note):
    return Event(EventKind.SENT, START + timedelta(minutes=minutes), Channel.TEXT, note=note)

store = Store(path)
try:
    store.add_person(situation("Log"))
except PersonExists:
    pass
print("ready", flush=True)
number = first
replaced = False
while True:
    number += 1
    roll = rng.random()
    if roll < 0.4:
        store.add_event("Log", sent(number, f"e{number}"))
        kind = "event"
    elif roll < 0.6:
        store.set_plan("Log", f"p{number}", f"v{number}")
        kind = "plan"
    elif roll < 0.8:
        entry = JournalEntry(START + timedelta(minutes=number), JournalKind.JOURNAL, f"j{number}")
        store.add_journal("Log", entry)
        kind = "journal"
    elif roll < 0.95 or replaced:
        events = tuple(sent(i, f"b{number}-{i}") for i in range(batch_events))
        store.import_people([Person(situation(f"Batch {number}"), {"note": f"a{number}"}, events)])
        kind = "batch"
    else:  # at most once per run: a backup of the whole workbook is written first
        replaced = True
        person = Person(situation("Swap"), events=(sent(0, f"s{number}"),))
        store.import_people([person], replace=True, backup_dir=path.parent / "backups",
                            now=START + timedelta(seconds=number))
        kind = "swap"
    print(kind, number, flush=True)
"""


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def run_and_kill(
    db: Path, first: int, rng: random.Random, early_share: float = EARLY_KILL_SHARE
) -> list[tuple[str, int]]:
    """Start the writer, SIGKILL it at a random moment, and return what it reported committed.

    A share of the kills land while the writer is still starting (importing, opening, creating the
    workbook); the rest within a short window of saving."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(first), str(rng.randrange(2**32)), str(BATCH_EVENTS)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        if rng.random() < early_share:
            time.sleep(rng.uniform(0, EARLY_KILL_WINDOW_S))
        else:
            line = writer.stdout.readline()
            assert line == b"ready\n", f"the writer did not start: {writer.stderr.read().decode()[-2000:]}"
            time.sleep(rng.uniform(0, KILL_WINDOW_S))
        os.kill(writer.pid, signal.SIGKILL)
        output, _errors = writer.communicate(timeout=STARTUP_TIMEOUT_S)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL, "the writer stopped by itself: it should run until killed"
    reported = []
    for line in output.decode().splitlines(keepends=True):
        parts = line.split()
        if line.endswith("\n") and len(parts) == 2 and parts[1].isdigit():  # a cut line reports nothing
            reported.append((parts[0], int(parts[1])))
    return reported


def check_workbook(db: Path, reported: dict[str, set[int]], last_swap: int) -> dict[str, int]:
    """Everything reported is there, imports are whole, and the file is sound; returns row counts."""
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        if raw.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            # Killed while the very first writer was still creating it (each migration is its own
            # transaction, so it stops between two): nothing can have been reported yet, since the
            # writer reports only once its workbook is open. The next writer finishes the upgrade.
            assert not any(reported.values()), "changes were reported into a workbook not yet made"
            return {}
        events = {note for (note,) in raw.execute("SELECT note FROM events")}
        plan = {key for (key,) in raw.execute("SELECT key FROM plan")}
        journal = {text for (text,) in raw.execute("SELECT text FROM journal")}
        batches = dict(
            raw.execute(
                """SELECT people.name, count(events.id) FROM people LEFT JOIN events
                   ON events.person_id = people.id WHERE people.name LIKE 'Batch %' GROUP BY people.id"""
            ).fetchall()
        )
        swaps = raw.execute(
            "SELECT events.note FROM people JOIN events ON events.person_id = people.id "
            "WHERE people.name = 'Swap'"
        ).fetchall()
        counts = {
            table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("people", "events", "plan", "journal", "answers")
        }
    assert not {f"e{n}" for n in reported["event"]} - events, "a reported event is missing"
    assert not {f"p{n}" for n in reported["plan"]} - plan, "a reported plan item is missing"
    assert not {f"j{n}" for n in reported["journal"]} - journal, "a reported journal entry is missing"
    assert not {f"Batch {n}" for n in reported["batch"]} - set(batches), "a reported import is missing"
    half_done = {name: count for name, count in batches.items() if count != BATCH_EVENTS}
    assert not half_done, f"an import was half written: {half_done}"
    if last_swap:
        assert len(swaps) == 1, "the replaced person should be there exactly once"
        assert int(swaps[0][0].removeprefix("s")) >= last_swap, "a reported replacement was undone"
    return counts


def check_files(home: Path) -> int:
    """Database files and backups are private; each backup is a whole export. Returns the count."""
    for suffix in ("", "-wal", "-shm"):
        path = home / f"{DB_NAME}{suffix}"
        assert not path.exists() or private(path), f"{path.name} is readable by others"
    backups = sorted((home / "backups").glob("*")) if (home / "backups").exists() else []
    whole = [path for path in backups if path.suffix == ".json" and not path.name.startswith(".")]
    for path in backups:
        assert private(path), f"{path.name} is readable by others"
    for path in whole:
        parse_document(path.read_bytes())  # raises if a backup was ever left half written
    return len(whole)


def test_killing_the_writer_at_random_moments_loses_nothing_it_reported(tmp_path: Path) -> None:
    assert KILLS >= MIN_KILLS
    home = tmp_path / "home"
    db = home / DB_NAME
    rng = random.Random(int(os.environ.get("WORKBOOK_DURABILITY_SEED", "20260601")))
    reported: dict[str, set[int]] = defaultdict(set)
    last_swap = 0
    started = time.monotonic()
    for round_number in range(KILLS):
        for kind, number in run_and_kill(db, first=round_number * 1_000_000, rng=rng):
            reported[kind].add(number)
            if kind == "swap":
                last_swap = max(last_swap, number)
        if db.exists():
            counts = check_workbook(db, reported, last_swap)
        backups = check_files(home)
    elapsed = time.monotonic() - started

    with Store(db) as store:  # and the app itself opens it and reads everyone
        people = store.export_people()
        assert {person.name for person in people} >= {"Log"} | {f"Batch {n}" for n in reported["batch"]}
    changes = sum(len(numbers) for numbers in reported.values())
    assert changes > KILLS, "the writer should have committed many changes between kills"
    print(
        f"\ndurability: {KILLS} kills in {elapsed:.1f} s; {changes} reported changes all present; "
        f"rows {counts}; {backups} backups whole"
    )


def test_a_workbook_killed_while_it_is_first_created_opens_whole(tmp_path: Path) -> None:
    rng = random.Random(7)
    for attempt in range(MIN_KILLS):
        db = tmp_path / f"fresh-{attempt}" / DB_NAME
        run_and_kill(db, first=0, rng=rng, early_share=1.0)  # during creation and the migrations
        with Store(db) as store:
            names = store.people()
            assert names == [] or "Log" in names
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
