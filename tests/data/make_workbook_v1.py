"""Write the frozen version 1 workbook fixture: tests/data/workbook_v1.sqlite and its expected export.

Run once, with the app at schema version 1 (`len(store.MIGRATIONS) == 1`), then commit both files and
never run it again: the point of the fixture is that it was written by the old code. Later versions
of the app must open it and find everything in workbook_v1.expected.json.

    .venv/bin/python tests/data/make_workbook_v1.py

(The file is named .sqlite, not .db, because the repository ignores *.db so that no one commits
their own workbook by accident.)
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from workbook.content import DATA_DIR
from workbook.model import (
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
from workbook.store import DB_NAME, MIGRATIONS, Store
from workbook.transfer import dumps

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "workbook_v1.sqlite"
EXPECTED = HERE / "workbook_v1.expected.json"


def every_kind_of_thing() -> Person:
    """One person touching every table, enum value and kind of answer the version 1 schema holds."""
    at = datetime(2025, 2, 1, 18, 30, 15)
    events = [
        Event(EventKind.SENT, at.replace(day=d), channel, note=f"sent by {channel.value} ✉️")
        for d, channel in enumerate((c for c in Channel if c is not Channel.ALL), start=1)
    ]
    events += [
        Event(EventKind.RECEIVED, datetime(2025, 2, 10, 9, 0), Channel.TEXT, Tone.POSITIVE, "warm"),
        Event(EventKind.RECEIVED, datetime(2025, 2, 11, 9, 0), Channel.EMAIL, Tone.NEUTRAL),
        Event(EventKind.RECEIVED, datetime(2025, 2, 12, 9, 0), Channel.CALL, Tone.NEGATIVE, "short"),
        Event(EventKind.ASKED_TO_STOP, datetime(2025, 2, 13, 23, 59, 59)),
        Event(EventKind.BLOCKED, datetime(2025, 2, 14, 0, 0), Channel.ALL),
        Event(EventKind.SAID_NO, datetime(2025, 2, 15, 12, 0), Channel.IN_PERSON, note="kindly"),
        Event(EventKind.MET, datetime(2025, 2, 16, 12, 0), note="by agreement, at the café"),
    ]
    journal = [
        JournalEntry(datetime(2025, 2, 20, 21, 0), JournalKind.JOURNAL, "Line one\nLine two\twith a tab"),
        JournalEntry(datetime(2025, 2, 21, 21, 0), JournalKind.UNSENT_LETTER, "Dear you, עברית and 中文"),
        JournalEntry(datetime(2025, 2, 22, 21, 0), JournalKind.CHECK_IN, "", mood=1),
        JournalEntry(datetime(2025, 2, 28, 21, 0), JournalKind.CHECK_IN, "better", mood=5),
    ]
    return Person(
        situation=Situation(
            "Ilse <b>&amp;</b> Ünal",
            Relationship.EX_PARTNER,
            WhatHappened.I_BROKE_UP,
            date(2024, 12, 31),
            Goal.APOLOGY,
            frozenset(Signal),
        ),
        answers={
            "motive_genuine_care": 5,
            "motive_guilt": 1,
            "accept_no": 3,
            "decision_reason": "A long answer.\n" + "Still true. " * 200,
            "their_side_felt": ["hurt", "embarrassed"],
            "message_draft": "Hi. I owe you an apology, with no need to reply.",
            "message_ready_at": "2025-02-23T10:15",
        },
        events=tuple(events),
        plan={"cadence": "weekly", "channel": "email", "ideas": "the allotment 🌱", "reminders": 4},
        journal=tuple(journal),
    )


def main() -> int:
    if len(MIGRATIONS) != 1:
        print("This fixture must be written by schema version 1; it already exists. Leave it be.")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / DB_NAME
        with Store(path) as store:
            store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
            store.import_people([every_kind_of_thing()])
            store.add_person(
                Situation(
                    "Deleted later", Relationship.OTHER, WhatHappened.OTHER, date(2025, 1, 1), Goal.CLOSURE
                )
            )
            store.delete_person("Deleted later")
            expected = dumps(store.export_people())
        with closing(sqlite3.connect(path)) as raw:  # one self-contained file: the log folded in
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        FIXTURE.write_bytes(path.read_bytes())
    EXPECTED.write_text(expected, encoding="utf-8")
    print(f"wrote {FIXTURE.name} ({FIXTURE.stat().st_size} bytes) and {EXPECTED.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
