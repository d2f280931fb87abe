"""Bad input everywhere: every form field and every import path, fed what people and files really hold.

Empty text, a megabyte of it, control characters, right-to-left marks, emoji and half an emoji,
HTML and script, impossible dates, wrong types, cut-off and non-UTF-8 files, deep nesting and files
over the size limit (`transfer.MAX_IMPORT_BYTES`). Whatever comes in, one of two things happens:

- it is kept exactly as the person gave it (text trimmed where the form says so), or
- it is refused with a clear message where the person is (the view's `wb-error` label, or one line
  on stderr and exit code 2), and the workbook is byte-for-byte unchanged: the same export AND the
  same database file bytes after a checkpoint.

Never a traceback: widget callbacks are called the way a browser click calls them, but directly,
so an exception that ipywidgets would only log fails the test here.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbook.chart
import workbook.ui.journal
from workbook import chart as chart_module
from workbook.answer_keys import DRAFT_ID
from workbook.cli import main as cli_main
from workbook.content import DATA_DIR, load_content
from workbook.errors import ImportRefused, WorkbookError
from workbook.guidance import assess
from workbook.model import Channel, EventKind, Goal, JournalKind, Relationship, Tone, WhatHappened
from workbook.questions import QuestionKind
from workbook.store import DB_NAME, HOME_ENV, Store
from workbook.transfer import MAX_IMPORT_BYTES, dumps, parse_document
from workbook.ui import journal as journal_module
from workbook.ui.data import DataPage
from workbook.ui.fields import AnswerForm
from workbook.ui.journal import JournalView
from workbook.ui.message import MessageStudio
from workbook.ui.person import PersonPanel
from workbook.ui.plan import PlanView
from workbook.ui.readiness import render_card
from workbook.ui.timeline import TimelineView

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 6, 1, 12, 0)
PERSON = "Robin (example)"
DEMO = (DATA_DIR / "examples" / "demo.json").read_bytes()
MEGABYTE = 1_000_000

# --- what people type and paste --------------------------------------------------------------

HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", '"><svg onload=alert(1)>']
ODD_TEXTS = [
    "",
    " ",
    " \n\t ",
    "\x00",
    "before\x00after",
    "\x01\x02\x07\x1b[2J\x7f\x85",
    "line\r\nbreak\u2028separator\u2029",
    "\u202eright-to-left override\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd \u05dc\u05da",
    "\u0645\u0631\u062d\u0628\u0627",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "Z\u0335\u0321a\u0338l\u0337g\u0335o\u0336",
    "\u200b\ufeff\u00ad",
    "\ud800",
    "half an emoji \ud83d",
    *HOSTILE,
    "'; DROP TABLE people; --",
    "{0} %s %n ${name} {name} {shared_thing}",
    "null",
    "x" * 2_001,
    "x" * 20_001,
]
HUGE_TEXTS = ["a" * MEGABYTE, "😀" * (MEGABYTE // 4), "<b>" * (MEGABYTE // 3), "\u202e" * MEGABYTE]

texts = st.one_of(
    st.sampled_from(ODD_TEXTS + HUGE_TEXTS),
    st.text(max_size=300),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Mn", "So"]), max_size=40),
    st.lists(st.sampled_from(ODD_TEXTS[:-2]), max_size=6).map("".join),
)
any_day = st.one_of(st.none(), st.dates(), st.sampled_from([date.min, date.max, NOW.date()]))
any_time = st.one_of(st.none(), st.times(), st.sampled_from([time.min, time.max, NOW.time()]))

UI_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- the workbook under test, and what "unchanged" means ------------------------------------


@dataclass
class Workbook:
    store: Store

    def state(self) -> tuple[str, bytes]:
        """The export and the database file's bytes, with the write-ahead log folded in first."""
        with closing(sqlite3.connect(self.store.path)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return dumps(self.store.export_people()), self.store.path.read_bytes()


@pytest.fixture
def workbook(tmp_path: Path) -> Iterator[Workbook]:
    """A file workbook (so its bytes can be compared) holding the demo people."""
    with Store(tmp_path / "home" / DB_NAME) as store:
        store.import_file(DEMO)
        yield Workbook(store)


@pytest.fixture
def session(workbook: Workbook):
    from workbook.ui.session import Session

    session = Session(workbook.store, clock=lambda: NOW)
    session.choose(PERSON)
    return session


def press(button: w.Button) -> None:
    """Click as the browser does, but let an exception escape: ipywidgets would only log it."""
    for handler in button._click_handlers.callbacks:
        handler(button)


def error_shown(label: w.Label) -> str:
    return label.value if "wb-error" in label._dom_classes else ""


def refused_or_kept(
    workbook: Workbook, before: tuple[str, bytes], message: str, kept: Callable[[], bool]
) -> None:
    """The rule of this file: an error is shown and nothing changed, or the value is kept."""
    if message:
        assert workbook.state() == before, f"refused ({message!r}) but the workbook changed"
        assert "Traceback" not in message and len(message) < 600
    else:
        assert kept(), "no message was shown, so the value should have been kept exactly"


# --- every form field ----------------------------------------------------------------------


@UI_SETTINGS
@given(
    name=texts,
    ended_on=any_day,
    relationship=st.sampled_from([None, *Relationship]),
    what_happened=st.sampled_from([None, *WhatHappened]),
    goal=st.sampled_from([None, *Goal]),
    editing=st.booleans(),
)
def test_the_person_form(
    workbook, session, panel, name, ended_on, relationship, what_happened, goal, editing
):
    form = panel.form
    form.open(session.person if editing else None)
    before = workbook.state()
    form.name.value = name
    form.ended_on.value = ended_on
    form.relationship.value = relationship and relationship.value
    form.what_happened.value = what_happened and what_happened.value
    form.goal.value = goal and goal.value
    press(form.save)

    def kept() -> bool:
        return session.store.get_person(name.strip()).situation.ended_on == ended_on

    refused_or_kept(workbook, before, error_shown(form.message), kept)


TEXT_QUESTIONS = [q for q in load_content().questionnaire.questions if q.kind is QuestionKind.TEXT]


@pytest.fixture
def panel(session) -> PersonPanel:
    return PersonPanel(session)


@pytest.fixture
def answer_forms(session) -> dict[str, AnswerForm]:
    """Every section's form, built once: a view per example would pile up observers."""
    return {section.id: AnswerForm(section, session) for section in load_content().questionnaire.sections}


@pytest.fixture
def studio(session) -> MessageStudio:
    return MessageStudio(session)


@pytest.fixture
def journal(session, monkeypatch) -> JournalView:
    """The journal, its mood chart stubbed (tests/test_ui_journal.py draws it) so examples run fast."""
    monkeypatch.setattr(journal_module, "mood_chart_pngs", lambda *args, **kwargs: (b"\x89PNG", b"\x89PNG"))
    return JournalView(session)


@pytest.fixture
def data_page(session) -> DataPage:
    return DataPage(session)


@UI_SETTINGS
@given(question=st.sampled_from(TEXT_QUESTIONS), text=texts)
def test_free_text_answers(workbook, session, answer_forms, question, text):
    section = next(s for s in load_content().questionnaire.sections if question in s.questions)
    field = answer_forms[section.id].fields[question.id]
    before = workbook.state()
    field.control.value = text

    def kept() -> bool:
        stored = session.store.answers(PERSON).get(question.id)
        return stored == text.strip() if text.strip() else stored in ("", None)  # blank: cleared

    refused_or_kept(workbook, before, error_shown(field.message), kept)


@pytest.fixture
def timeline(session, monkeypatch) -> TimelineView:
    """The timeline, its picture stubbed: tests/test_chart.py draws odd logs, and a chart that fails
    is caught by the view anyway. Here it would only make each example slow."""
    monkeypatch.setattr(chart_module, "timeline_pngs", lambda *args, **kwargs: (b"\x89PNG", b"\x89PNG"))
    return TimelineView(session)


@settings(UI_SETTINGS, max_examples=60)
@given(
    kind=st.sampled_from([None, *EventKind]),
    day=any_day,
    at=any_time,
    channel=st.sampled_from([None, "", *Channel]),
    tone=st.sampled_from([None, *Tone]),
    note=texts,
)
def test_the_event_form(workbook, session, timeline, kind, day, at, channel, tone, note):
    form = timeline.form
    form.reset()
    before = workbook.state()
    count = len(session.store.events(PERSON))
    form.kind.value = kind and kind.value
    form.day.value = day
    form.time.value = at
    wanted = None if channel is None else (channel.value if channel else "")
    if wanted is None or wanted in [value for _label, value in form.channel.options]:
        form.channel.value = wanted
    form.tone.value = tone and tone.value
    form.note.value = note
    press(form.save)

    message = error_shown(form.message) or error_shown(timeline.problem)
    events = session.store.events(PERSON)
    if len(events) == count:  # not logged: say why, unless nothing was entered at all
        assert message or form._pristine
        assert workbook.state() == before
    else:
        assert not message and len(events) == count + 1
        assert any(event.note == note.strip() and event.at.date() == day for _id, event in events)


@UI_SETTINGS
@given(draft=texts, shared=texts)
def test_the_draft_and_the_template_words(workbook, session, studio, draft, shared):
    before = workbook.state()
    studio.draft.value = draft

    def draft_kept(text: str) -> bool:
        return session.store.answers(PERSON).get(DRAFT_ID) == (text if text.strip() else None)

    refused_or_kept(workbook, before, error_shown(studio.draft_message), lambda: draft_kept(draft))

    studio.draft.value = ""  # an empty draft, so the template fills it without asking
    for template_id in studio.templates:
        studio.template.value = template_id
        before = workbook.state()
        studio.shared_thing.value = shared
        press(studio.use)
        message = error_shown(studio.template_message) or error_shown(studio.draft_message)
        refused_or_kept(workbook, before, message, lambda: draft_kept(studio.draft.value))
        studio.draft.value = ""


@UI_SETTINGS
@given(text=texts, kind=st.sampled_from([JournalKind.JOURNAL, JournalKind.UNSENT_LETTER]), line=texts)
def test_the_journal_and_the_check_in(workbook, session, journal, text, kind, line):
    view = journal
    for entry_id, _entry in session.store.journal(PERSON):  # a short list keeps each redraw quick
        session.store.delete_journal(entry_id)
    view.kind.value = kind.value
    view.text.value = text
    before = workbook.state()
    count = len(session.store.journal(PERSON))
    press(view.keep)

    def kept_entry(expected: str) -> Callable[[], bool]:
        def kept() -> bool:
            entries = session.store.journal(PERSON)
            return len(entries) == count + 1 and any(e.text == expected for _i, e in entries)

        return kept

    refused_or_kept(workbook, before, error_shown(view.write_message), kept_entry(text.strip()))

    view.mood.value = 3
    view.line.value = line
    before = workbook.state()
    count = len(session.store.journal(PERSON))
    press(view.save_check_in)
    refused_or_kept(workbook, before, error_shown(view.check_in_message), kept_entry(line.strip()))


@UI_SETTINGS
@given(
    ideas=texts,
    first=any_day,
    reminders=st.integers(-(10**6), 10**6),
    cadence=st.sampled_from([None, "weekly", "monthly", "when_they_reach_out"]),
    channel=st.sampled_from([None, *[c.value for c in Channel if c is not Channel.ALL]]),
)
def test_the_plan(workbook, session, ideas, first, reminders, cadence, channel):
    view = PlanView(session)  # fresh each time: a refused value left in a field would not fire again
    for control, value, key in (
        (view.ideas, ideas, "ideas"),
        (view.first, first, "first_check_in"),
        (view.reminders, reminders, "reminders"),
        (view.cadence, cadence, "cadence"),
        (view.channel, channel, "channel"),
    ):
        before = workbook.state()
        control.value = value

        def kept(control=control, key=key) -> bool:
            stored = session.store.plan(PERSON).get(key)
            shown = control.value
            if isinstance(shown, date):
                shown = shown.isoformat()
            if isinstance(shown, str) and not shown.strip():
                shown = None
            return stored == shown

        refused_or_kept(workbook, before, error_shown(view.message), kept)
    press(view.download)  # the reminders are built from whatever was kept, or it says what is missing
    assert view.link.value or view.ics_message.value


@UI_SETTINGS
@given(words=texts, what=st.sampled_from(["person", "everything"]))
def test_the_delete_confirmation(workbook, session, data_page, words, what):
    page = data_page
    before = workbook.state()
    page.ask_delete(what)
    page.confirm_text.value = words
    press(page.confirm_no)
    assert workbook.state() == before
    if what == "everything" and words.strip().casefold() != "delete everything":
        page.ask_delete(what)
        page.confirm_text.value = words
        press(page.confirm_yes)
        assert "nothing was deleted" in page.delete_message.value
        assert workbook.state() == before


# --- files: what an import meets -------------------------------------------------------------

VALID = DEMO
IMPOSSIBLE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31T23:59:59",
    "2025-02-30",
    "2025-13-01",
    "2025-00-10",
    "0000-01-01",
    "-0001-01-01",
    "10000-01-01",
    "2025-1-1",
    "2025-01-01T24:00:00",
    "2025-01-01T23:61",
    "2025-01-01T12:00:00+25:00",
    "tomorrow",
    "",
    "٢٠٢٥-٠١-٠١",
]
ODD_VALUES = [None, True, 0, -1, 1.5, 2**64, [], {}, [[[]]], "x", "\ud800", *IMPOSSIBLE_DATES, *HOSTILE]

json_values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ),
)
DELETE = object()


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


@st.composite
def mutated_exports(draw) -> bytes:
    """A real export with one place changed to an odd value, or removed: wrong types, bad dates."""
    document = json.loads(VALID)
    path = draw(st.sampled_from(list(_paths(document))[1:]))
    value = draw(st.one_of(json_values, st.just(DELETE)))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    text = json.dumps(document, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


def _nested(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    inside = b"[" * depth + b"]" * depth  # deep inside an otherwise fine export
    return VALID.replace(b'"answers": {', b'"answers": {"deep": ' + inside + b", ", 1)


FIXED_FILES = [
    b"",
    b"\xef\xbb\xbf",
    b"null",
    b"[]",
    b'"just text"',
    b"{}",
    b'{"format": "reconnect-workbook", "version": 2, "people": []}',
    b'{"format": "reconnect-workbook", "version": 0, "people": []}',
    b'{"format": "reconnect-workbook", "version": "1", "people": []}',
    b'{"format": "reconnect-workbook", "version": 1, "people": {}}',
    b'{"format": "reconnect-workbook", "version": 1, "version": 1, "people": []}',
    b'{"format": "reconnect-workbook", "version": 1, "people": [NaN]}',
    b'{"format": "reconnect-workbook", "version": 1, "people": [' + b"9" * 5000 + b"]}",
    VALID.decode().encode("utf-16"),
    VALID.decode().replace("Robin", "Rób\u00efn").encode("latin-1"),
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"PK\x03\x04" + bytes(range(256)),
    VALID.replace(b'"Robin (example)"', b'"Robin \\ud800"'),
    VALID.replace(b'"Robin (example)"', b'"Robin \\udfff\\ud83d"'),
    VALID.replace(b'"note": "', b'"note": "\\u0000', 1),
]

files = st.one_of(
    st.sampled_from(FIXED_FILES),
    st.integers(0, len(VALID) - 1).map(lambda cut: VALID[:cut]),  # cut short
    st.tuples(
        st.integers(0, len(VALID) - 1), st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"])
    ).map(
        lambda spot: VALID[: spot[0]] + spot[1] + VALID[spot[0] + 1 :]  # one byte broken
    ),
    st.tuples(st.integers(1, 200_000), st.sampled_from(["list", "object", "inside"])).map(
        lambda d: _nested(*d)
    ),
    mutated_exports(),
    st.binary(max_size=400),
)


def assert_clear(error: WorkbookError) -> None:
    message = str(error)
    assert message.strip() and len(message) < 600 and "Traceback" not in message


@settings(max_examples=1000, deadline=None)
@given(data=files)
def test_reading_a_file_gives_people_or_a_clear_refusal(data):
    try:
        people = parse_document(data)
    except ImportRefused as error:
        assert_clear(error)
        return
    written = dumps(people)  # what is read can be written, and reads back the same
    assert dumps(parse_document(written.encode("utf-8"))) == written


@settings(UI_SETTINGS, max_examples=300)
@given(data=files, replace=st.booleans())
def test_importing_a_file_into_the_store(workbook, tmp_path, data, replace):
    before = workbook.state()
    try:
        summary = workbook.store.import_file(data, replace=replace, backup_dir=tmp_path / "backups", now=NOW)
    except WorkbookError as error:
        assert_clear(error)
        assert workbook.state() == before
        return
    imported = set(summary.added) | set(summary.replaced)
    assert imported <= set(workbook.store.people())
    for name in imported:  # and whatever was let in can be assessed and shown
        person = workbook.store.get_person(name)
        assert render_card(assess(person, NOW.date(), load_content().rules), name, load_content().rules)


@settings(UI_SETTINGS, max_examples=150)
@given(data=files, replace=st.booleans())
def test_importing_a_file_in_the_app(workbook, session, data_page, data, replace):
    page = data_page
    page.replace.value = replace
    page.upload.value = ()  # as if the page were fresh: the same file chosen twice is read twice
    before = workbook.state()
    page.upload.value = (
        {
            "name": "x.json",
            "type": "application/json",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": NOW,
        },
    )
    if error_shown(page.import_message):
        assert page.confirm_import.disabled
        assert workbook.state() == before
        return
    assert workbook.state() == before, "reading a file, before Import is pressed, changes nothing"
    pending = [person.name for person in page.pending]
    press(page.confirm_import)
    refused_or_kept(
        workbook,
        before,
        error_shown(page.import_message),
        lambda: set(pending) <= set(session.store.people()),
    )


@settings(UI_SETTINGS, max_examples=150)
@given(data=files, replace=st.booleans())
def test_importing_a_file_on_the_command_line(workbook, tmp_path, capsys, monkeypatch, data, replace):
    monkeypatch.setenv(HOME_ENV, str(workbook.store.path.parent))
    path = tmp_path / "import.json"
    path.write_bytes(data)
    before = workbook.state()
    code = cli_main(["import", str(path), *(["--replace"] if replace else [])])
    out, err = capsys.readouterr()
    if code == 0:
        assert out.startswith("Imported") and err == ""
        return
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, f"not one line: {err!r}"
    assert workbook.state() == before

    code = cli_main(["assess", str(path), "--person", PERSON, "--today", "2026-06-01", "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 0:
        assert json.loads(out)["person"] == PERSON
    else:
        assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ended_on", "9999-12-31"),
        ("ended_on", "0001-01-01"),
        ("at", "9999-12-31T12:00:00"),
        ("at", "0202-02-02T12:00:00"),
    ],
)
def test_a_year_no_one_lives_in_is_refused_on_import(workbook, field, value):
    """A mistyped year used to be let in, then could break the guidance and the chart for that
    person, which count weeks on and back from these dates."""
    document = json.loads(VALID)
    alex = document["people"][0]
    if field == "ended_on":
        alex["ended_on"] = value
    else:
        alex["events"][0]["at"] = value
    before = workbook.state()
    with pytest.raises(ImportRefused, match="check the year"):
        workbook.store.import_file(json.dumps(document), replace=True)
    assert workbook.state() == before


# --- over the size limit --------------------------------------------------------------------

TOO_BIG = b" " * (MAX_IMPORT_BYTES + 1)  # whitespace: valid JSON padding, so only the size is wrong


def test_a_file_over_the_limit_is_refused_without_reading_it_all(workbook, tmp_path):
    before = workbook.state()
    with pytest.raises(ImportRefused, match="larger than"):
        parse_document(VALID + TOO_BIG)
    big = tmp_path / "big.json"
    big.write_bytes(VALID + TOO_BIG)
    with big.open("rb") as stream, pytest.raises(ImportRefused, match="larger than"):
        parse_document(stream)
    with pytest.raises(ImportRefused, match="larger than"):
        workbook.store.import_file(VALID + TOO_BIG, replace=True)
    assert workbook.state() == before


def test_a_file_over_the_limit_is_refused_in_the_app(workbook, session):
    page = DataPage(session)
    before = workbook.state()
    content = VALID + TOO_BIG
    for claimed_size in (len(content), 10):  # the browser's size, or a size that lies
        page.upload.value = (
            {
                "name": "big.json",
                "type": "application/json",
                "size": claimed_size,
                "content": memoryview(content),
                "last_modified": NOW,
            },
        )
        assert "20 MB" in error_shown(page.import_message)
        assert page.confirm_import.disabled
    assert workbook.state() == before


# --- the real command line: exit code 2 and one line, whatever the file ----------------------


@pytest.mark.parametrize(
    "content",
    [
        VALID.decode().encode("utf-16"),
        VALID[: len(VALID) // 2],
        b"[" * 100_000 + b"]" * 100_000,
        VALID.replace(b'"Robin (example)"', b'"Robin \\ud800"'),
        VALID + TOO_BIG,
    ],
    ids=["utf-16", "cut-short", "deep-nesting", "lone-surrogate", "over-the-limit"],
)
def test_the_command_line_refuses_a_bad_file_in_one_line(tmp_path, content):
    home = tmp_path / "home"
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for command in (["import", str(path)], ["assess", str(path), "--person", PERSON, "--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "workbook", "--home", str(home), *command],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_a_draft_on_standard_input_that_is_not_utf8_is_refused_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "check-message", "-"],
        cwd=REPO,
        input="Hi, I've been thinking of you. Sorry.".encode("utf-16"),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: ") and result.stderr.count(b"\n") == 1
