"""Two kernels, one workbook: a notebook and the dashboard saving at the same moment lose nothing,
and "database is locked" never reaches the person.

A person may keep a step notebook open beside the dashboard. Each runs in its own kernel with its
own `Store` on the same file. Here two processes play those kernels, driving the real widgets:
the "notebook" types answers key by key (each key is a save) and writes journal entries; the
"dashboard" logs events, types a draft and imports whole people from a file (a long transaction
that holds the write lock). Every inline message is watched: none may be an error. Afterwards
every last-typed answer, every event, every entry and every imported person must be in the file.

Opening a new workbook from two windows at once used to fail: switching SQLite to write-ahead
logging answers "database is locked" at once, without waiting. `store._use_write_ahead_log` waits;
the thread test below fails on the code before that fix about one time in six.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path

from workbook.answer_keys import DRAFT_ID
from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import DB_NAME, Store

REPO = Path(__file__).resolve().parent.parent
OPERATIONS = max(50, int(os.environ.get("WORKBOOK_TWO_WRITERS_OPS", "300")))  # per kernel
FRESH_OPENS = 100  # simultaneous first opens of a new workbook
OPENERS = 3

KERNEL = r"""
import json, sys, time
from datetime import datetime, timedelta
from workbook.content import load_content
from workbook.store import Store
from workbook.transfer import dumps
from workbook.model import Channel, Event, EventKind, Goal, Person, Relationship, Situation, WhatHappened
from workbook.ui.session import Session

role, path, operations = sys.argv[1], sys.argv[2], int(sys.argv[3])
NOW = datetime(2026, 6, 1, 12, 0)
session = Session(Store(path), clock=lambda: NOW)
session.choose("Robin")
errors, expected = [], {"answers": {}, "events": [], "journal": [], "people": [], "draft": None}
saves = 0

def watch(label, doing):
    shown_as_error = "wb-error" in label._dom_classes and label.value
    if shown_as_error or "locked" in label.value or "busy" in label.value:
        errors.append(f"{doing}: {label.value}")

if role == "notebook":
    from workbook.ui.fields import AnswerForm
    from workbook.ui.journal import JournalView
    form = AnswerForm(load_content().questionnaire.section("decision"), session)
    texts = [field for field in form.fields.values() if field.question.kind.value == "text"]
    journal = JournalView(session)
else:
    from workbook.ui.data import DataPage
    from workbook.ui.message import MessageStudio
    from workbook.ui.timeline import EventForm
    events = EventForm(session, on_saved=session.changed)
    studio = MessageStudio(session)
    data = DataPage(session)

print("ready", flush=True)
sys.stdin.readline()  # both kernels start together
started = time.time()
for number in range(operations):
    if role == "notebook" and number % 10 == 9:
        journal.text.value = f"notebook entry {number}"
        journal.keep.click()
        watch(journal.write_message, "journal")
        expected["journal"].append(f"notebook entry {number}")
    elif role == "notebook":
        field = texts[number % len(texts)]
        word = f"answer {number}"
        for end in range(1, len(word) + 1):  # typed key by key: every key is a save
            field.control.value = word[:end]
            watch(field.message, field.question.id)
            saves += 1
        expected["answers"][field.question.id] = word
    elif number % 25 == 24:
        name = f"Imported {number}"
        sent = tuple(Event(EventKind.SENT, datetime(2025, 1, 1) + timedelta(minutes=i), Channel.TEXT,
                           note="x" * 200) for i in range(400))
        content = dumps([Person(Situation(name, Relationship.FRIEND, WhatHappened.OTHER,
                                          datetime(2025, 1, 1).date(), Goal.CLOSURE), events=sent)])
        data.upload.value = ({"name": "x.json", "type": "application/json", "size": len(content),
                              "content": memoryview(content.encode()), "last_modified": NOW},)
        watch(data.import_message, "read the import")
        data.confirm_import.click()
        watch(data.import_message, "import")
        expected["people"].append(name)
    elif number % 5 == 4:
        word = f"draft {number}"
        for end in range(1, len(word) + 1):
            studio.draft.value = word[:end]
            watch(studio.draft_message, "draft")
            saves += 1
        expected["draft"] = word
    else:
        events.kind.value = "sent"
        events.day.value = datetime(2026, 1, 1).date() + timedelta(days=number % 100)
        events.time.value = (datetime(2026, 1, 1) + timedelta(minutes=number)).time()
        events.channel.value = "text"
        events.note.value = f"dashboard event {number}"
        events.save.click()
        watch(events.message, "event")
        if events.saved.value != "Saved":
            errors.append(f"event {number} not saved: {events.message.value!r}")
        expected["events"].append(f"dashboard event {number}")
report = {"errors": errors, "expected": expected, "saves": saves, "started": started, "ended": time.time()}
print(json.dumps(report))
"""


def a_person(name: str) -> Situation:
    return Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP)


def test_a_notebook_and_the_dashboard_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / DB_NAME
    with Store(db) as store:
        store.add_person(a_person("Robin"))
    kernels = {
        role: subprocess.Popen(
            [sys.executable, "-c", KERNEL, role, str(db), str(OPERATIONS)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"},
        )
        for role in ("notebook", "dashboard")
    }
    for role, kernel in kernels.items():
        assert kernel.stdout.readline() == "ready\n", f"{role} did not start: {kernel.stderr.read()[-3000:]}"
    for kernel in kernels.values():
        kernel.stdin.write("go\n")
        kernel.stdin.flush()
    reports = {}
    for role, kernel in kernels.items():
        output, errors = kernel.communicate(timeout=120)
        assert kernel.returncode == 0, f"{role} failed:\n{errors[-3000:]}"
        reports[role] = json.loads(output.strip().splitlines()[-1])

    assert reports["notebook"]["errors"] == [] and reports["dashboard"]["errors"] == []
    overlap = min(r["ended"] for r in reports.values()) - max(r["started"] for r in reports.values())
    assert overlap > 0, "the two kernels should have been saving at the same time"

    with Store(db) as store:
        robin = store.get_person("Robin")
        everyone = store.people()
    notebook, dashboard = reports["notebook"]["expected"], reports["dashboard"]["expected"]
    for question_id, typed in notebook["answers"].items():
        assert robin.answers[question_id] == typed, f"the last keys typed in {question_id} were lost"
    assert robin.answers[DRAFT_ID] == dashboard["draft"]
    assert sorted(entry.text for entry in robin.journal) == sorted(notebook["journal"])
    assert sorted(event.note for event in robin.events) == sorted(dashboard["events"])
    assert set(dashboard["people"]) <= set(everyone)
    saves = sum(report["saves"] for report in reports.values())
    print(
        f"\ntwo writers: {OPERATIONS} operations per kernel, overlapping {overlap:.1f} s; "
        f"{len(dashboard['events'])} events, {len(notebook['journal'])} journal entries, "
        f"{len(dashboard['people'])} imports of 400 events, {saves} keystroke saves; 0 errors"
    )


def test_windows_opening_a_new_workbook_at_the_same_moment_all_open_it(tmp_path: Path) -> None:
    failures: list[str] = []
    for attempt in range(FRESH_OPENS):
        db = tmp_path / f"new-{attempt}" / DB_NAME
        barrier = threading.Barrier(OPENERS)

        def open_and_save(name: str, db: Path = db, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                with Store(db) as store:
                    store.add_person(a_person(name))
            except Exception as error:  # anything at all is a failure the person would see
                failures.append(f"{type(error).__name__}: {error}")

        openers = [threading.Thread(target=open_and_save, args=(f"P{i}",)) for i in range(OPENERS)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
        if not failures:
            with Store(db) as store:
                assert store.people() == [f"P{i}" for i in range(OPENERS)]
    assert failures == []


def test_a_person_deleted_in_the_other_window_is_never_a_crash_and_never_comes_back(tmp_path: Path) -> None:
    """The notebook deletes Robin while the dashboard still shows Robin: whatever the person then
    does on the dashboard answers with a message (or shows who is left), and saves nothing for Robin."""
    import warnings

    import ipywidgets as w

    from workbook.content import DATA_DIR, load_content
    from workbook.ui.app import Dashboard

    STEPS = load_content().steps.pages()
    from workbook.ui.session import Session

    warnings.simplefilter("ignore", UserWarning)  # matplotlib's layout notes on tiny charts
    db = tmp_path / DB_NAME
    dashboard_store = Store(db)
    dashboard_store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
    session = Session(dashboard_store, clock=lambda: datetime(2026, 6, 1, 12, 0))
    session.choose("Robin (example)")
    app = Dashboard(session)
    for page in range(len(STEPS)):
        app.show(page)

    def widgets(root: w.Widget):
        yield root
        for child in getattr(root, "children", ()):
            yield from widgets(child)

    everything = [each for root in (app.widget, *app._pages.values()) for each in widgets(root)]

    def find(cls: str) -> w.Widget:  # looked up afresh: the person form is built when first opened
        current = (each for root in (app.widget, *app._pages.values()) for each in widgets(root))
        return next(each for each in current if cls in getattr(each, "_dom_classes", ()))

    def press(button: w.Button) -> None:  # as a click does, but an exception fails the test
        for handler in button._click_handlers.callbacks:
            handler(button)

    with Store(db) as notebook_store:  # the other kernel
        notebook_store.delete_person("Robin (example)")

    press(next(each for each in everything if isinstance(each, w.Button) and each.description == "Edit"))
    assert "no one called" in find("wb-situation-form").children[-1].value
    field = find("wb-q-decision_reason")
    next(c for c in field.children if isinstance(c, (w.Text, w.Textarea))).value = "typed after the delete"
    assert "no one called" in find("wb-q-decision_reason").children[-1].value
    find("wb-draft").value = "a draft after the delete"
    assert "no one called" in find("wb-draft-message").value
    find("wb-ideas").value = "ideas after the delete"
    assert "no one called" in find("wb-plan-message").value
    find("wb-journal-text").value = "an entry after the delete"
    press(find("wb-keep"))
    assert "no one called" in find("wb-journal-message").value
    find("wb-event-kind").value = "sent"
    find("wb-event-channel").value = "text"
    press(find("wb-save-event"))
    assert "no one called" in find("wb-event-form").children[-2].value
    press(find("wb-delete-person"))
    press(find("wb-confirm-delete"))
    assert "no one called" in find("wb-delete-message").value

    assert session.person in ("Alex (example)", "Sam (example)")  # the page moved on to who is here
    assert "Robin (example)" not in dashboard_store.people(), "a save brought a deleted person back"
    dashboard_store.close()
