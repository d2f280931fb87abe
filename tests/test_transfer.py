"""The export format: stable to write, strict to read, and version 1 readable forever."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook import transfer
from workbook.content import load_content
from workbook.errors import ImportRefused, InvalidInput
from workbook.guidance import assess
from workbook.model import (
    CORE_IDS,
    MAX_NOTE_LENGTH,
    Band,
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
from workbook.store import Store
from workbook.transfer import dumps, export_document, parse_document, person_from_dict

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "examples" / "demo.json"
V1_FIXTURE = Path(__file__).resolve().parent / "data" / "export_v1.json"


def a_person(name: str = "Sam", **fields: object) -> Person:
    situation = Situation(
        name=name,
        relationship=Relationship.FRIEND,
        what_happened=WhatHappened.I_PUSHED_AWAY,
        ended_on=date(2026, 1, 10),
        goal=Goal.FRIENDSHIP,
    )
    return Person(situation=situation, **fields)  # type: ignore[arg-type]


def a_document(*people: dict[str, object], **top: object) -> str:
    document: dict[str, object] = {"format": "reconnect-workbook", "version": 1}
    document["people"] = list(people)
    document.update(top)
    return json.dumps(document)


def a_person_dict(name: str = "Alex", **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": name,
        "relationship": "friend",
        "what_happened": "i_pushed_away",
        "ended_on": "2026-01-10",
        "goal": "friendship",
    }
    data.update(fields)
    return data


@pytest.fixture
def store() -> Store:
    with Store(memory=True) as populated:
        populated.import_people(
            [
                a_person("Sam", answers={"accept_no": 4}),
                a_person(
                    "Alex",
                    events=(Event(EventKind.SENT, datetime(2026, 2, 1, 9, 0), Channel.TEXT),),
                ),
            ]
        )
        yield populated


# --- writing -------------------------------------------------------------------------------


def test_the_document_names_its_format_and_version() -> None:
    document = export_document([a_person()])
    assert document["format"] == "reconnect-workbook"
    assert document["version"] == 1
    assert [person["name"] for person in document["people"]] == ["Sam"]


def test_fields_that_do_not_apply_are_left_out() -> None:
    person = a_person(
        events=(
            Event(EventKind.SENT, datetime(2026, 2, 1, 9, 30), Channel.TEXT),
            Event(EventKind.RECEIVED, datetime(2026, 2, 2, 10, 0), Channel.TEXT, Tone.POSITIVE),
            Event(EventKind.ASKED_TO_STOP, datetime(2026, 2, 3, 11, 0), note="They asked."),
        ),
        journal=(
            JournalEntry(datetime(2026, 2, 3, 20, 0), JournalKind.JOURNAL, "Hard day."),
            JournalEntry(datetime(2026, 2, 4, 20, 0), JournalKind.CHECK_IN, "", mood=2),
        ),
    )
    written = export_document([person])["people"][0]
    assert written["events"] == [
        {"kind": "sent", "at": "2026-02-01T09:30:00", "channel": "text"},
        {"kind": "received", "at": "2026-02-02T10:00:00", "channel": "text", "tone": "positive"},
        {"kind": "asked_to_stop", "at": "2026-02-03T11:00:00", "note": "They asked."},
    ]
    assert written["journal"] == [
        {"at": "2026-02-03T20:00:00", "kind": "journal", "text": "Hard day."},
        {"at": "2026-02-04T20:00:00", "kind": "check_in", "text": "", "mood": 2},
    ]


def test_people_are_written_by_name_and_events_by_time() -> None:
    later = Event(EventKind.SENT, datetime(2026, 3, 1, 9, 0), Channel.TEXT)
    earlier = Event(EventKind.SENT, datetime(2026, 2, 1, 9, 0), Channel.EMAIL)
    document = export_document([a_person("zoe"), a_person("Adam", events=(later, earlier))])
    assert [person["name"] for person in document["people"]] == ["Adam", "zoe"]
    assert [event["channel"] for event in document["people"][0]["events"]] == ["email", "text"]


def test_the_text_is_readable_json_that_keeps_non_ascii_letters() -> None:
    text = dumps([a_person("Zoë")])
    assert '"name": "Zoë"' in text
    assert text.startswith('{\n  "format": "reconnect-workbook"')


# --- reading what was written ----------------------------------------------------------------


def test_a_person_reads_back_as_the_same_person() -> None:
    person = a_person(
        answers={"motive_genuine_care": 5, "decision_reason": "It was too soon.", "felt": ["hurt"]},
        events=(
            Event(EventKind.SENT, datetime(2026, 2, 1, 9, 30), Channel.LETTER, note="Short."),
            Event(EventKind.BLOCKED, datetime(2026, 2, 5, 8, 0), Channel.ALL),
        ),
        plan={"channel": "text", "check_in_every_days": 14},
        journal=(JournalEntry(datetime(2026, 2, 4, 20, 0), JournalKind.CHECK_IN, "", mood=2),),
    )
    assert parse_document(dumps([person])) == [person]


def test_export_import_export_is_byte_identical_through_the_store(store: Store) -> None:
    first = dumps(store.export_people())
    with Store(memory=True) as fresh:
        fresh.import_file(first)
        assert dumps(fresh.export_people()) == first


def test_the_demo_workbook_loads_and_shows_one_person_waiting_and_one_replied() -> None:
    people = parse_document(DEMO.read_bytes())
    assert len(people) in (2, 3)
    assert all("(example)" in person.name for person in people)
    for person in people:
        assert set(CORE_IDS) & set(person.answers), f"{person.name} answers no core question"
    bands = {person.name: assess(person, date(2026, 11, 23), load_content().rules).band for person in people}
    assert Band.WAIT in bands.values()
    assert Band.KEEP_GOING in bands.values()
    replied = [p for p in people if any(e.tone is Tone.POSITIVE for e in p.events)]
    assert replied and any(person.plan for person in replied)
    assert any(person.journal for person in people)


def test_a_version_1_file_always_imports() -> None:
    """Frozen fixture: if this fails, a change broke files people already have. Fix the reader."""
    jordan, kai = parse_document(V1_FIXTURE.read_bytes())
    assert jordan.name == "Jordan (fixture)"
    assert jordan.situation.relationship is Relationship.EX_PARTNER
    assert jordan.situation.ended_on == date(2025, 1, 15)
    assert jordan.situation.signals == {Signal.ASKED_FOR_SPACE, Signal.BLOCKED_SOME_CHANNELS}
    assert jordan.answers["accept_no"] == 5
    assert jordan.answers["their_side_felt"] == ["hurt", "angry"]
    assert [event.kind for event in jordan.events] == [
        EventKind.SENT,
        EventKind.BLOCKED,
        EventKind.RECEIVED,
        EventKind.ASKED_TO_STOP,
    ]
    assert jordan.events[2].tone is Tone.NEUTRAL
    assert jordan.events[3].channel is None
    assert jordan.plan == {"check_in_every_days": 30, "channel": "email"}
    assert jordan.journal[0].mood == 2
    assert kai.name == "Kai (fixture)" and not kai.events and not kai.answers
    with Store(memory=True) as fresh:
        summary = fresh.import_file(V1_FIXTURE.read_bytes())
        assert summary.added == ("Jordan (fixture)", "Kai (fixture)")


def test_the_version_1_reader_stays_registered() -> None:
    assert 1 in transfer.READERS


def test_a_file_object_and_a_byte_order_mark_are_accepted() -> None:
    text = a_document(a_person_dict())
    assert parse_document(io.BytesIO(b"\xef\xbb\xbf" + text.encode()))[0].name == "Alex"
    assert parse_document(io.StringIO(text))[0].name == "Alex"


def test_only_the_required_fields_are_needed() -> None:
    (person,) = parse_document(a_document(a_person_dict()))
    assert person.events == () and person.answers == {} and person.situation.signals == set()


def test_person_from_dict_names_where_the_problem_is() -> None:
    bad_event = {"kind": "sent", "at": "2026-02-01T09:00:00"}
    with pytest.raises(InvalidInput, match=r'^person 2 \("Alex"\), event 1: .*channel'):
        person_from_dict(a_person_dict(events=[bad_event]), 'person 2 ("Alex")')


# --- refusing what cannot be read ------------------------------------------------------------

REFUSALS = {
    "not_utf8": (b'{"format": "reconnect-workbook", "name": "\xff\xfe"}', "not UTF-8"),
    "not_json": ('{\n  "format": "reconnect-workbook",\n  "version": 1,,\n}', "not valid JSON (line 3"),
    "not_an_object": ("[1, 2]", "holds a list"),
    "wrong_format": ('{"format": "something-else", "version": 1, "people": []}', "not a Reconnect"),
    "no_format": ('{"version": 1, "people": []}', "not a Reconnect"),
    "no_version": ('{"format": "reconnect-workbook", "people": []}', 'no usable "version"'),
    "version_text": (a_document(version="1"), 'no usable "version"'),
    "version_bool": (a_document(version=True), 'no usable "version"'),
    "version_newer": (a_document(version=2), "made by a newer version of the workbook"),
    "version_zero": (a_document(version=0), "never existed"),
    "people_not_list": (a_document(people={"name": "Alex"}), '"people" field must be a list'),
    "duplicate_names": (
        a_document(a_person_dict("Alex"), a_person_dict("alex")),
        'two people named "alex" (person 1 and person 2)',
    ),
    "person_not_object": (a_document("Alex"), "Person 1: each person must be a JSON object"),
    "missing_field": (
        a_document({"name": "Alex", "relationship": "friend"}),
        'Person 1 ("Alex"): missing what_happened, ended_on, goal',
    ),
    "unknown_field": (a_document(a_person_dict(nickname="Al")), '"nickname"'),
    "bad_enum": (a_document(a_person_dict(goal="win_back")), "The goal must be one of"),
    "bad_date": (a_document(a_person_dict(ended_on="last spring")), "real date"),
    "signals_as_text": (a_document(a_person_dict(signals="said_no")), "signals must be a list"),
    "event_without_channel": (
        a_document(a_person_dict(events=[{"kind": "sent", "at": "2026-02-01T09:00:00"}])),
        'Person 1 ("Alex"), event 1: Please choose the channel',
    ),
    "received_without_tone": (
        a_document(a_person_dict(events=[{"kind": "received", "at": "2026-02-01", "channel": "text"}])),
        "event 1: Please choose how their message felt",
    ),
    "bad_event_time": (
        a_document(a_person_dict(events=[{"kind": "met", "at": "yesterday"}])),
        "event 1: The time must be a real date and time",
    ),
    "note_too_long": (
        a_document(a_person_dict(events=[{"kind": "met", "at": "2026-02-01", "note": "x" * 2001}])),
        "longer than 2,000 characters",
    ),
    "name_too_long": (a_document(a_person_dict("A" * 200)), "under 80 characters"),
    "answer_bool": (a_document(a_person_dict(answers={"x": True})), 'answer "x" must be'),
    "answer_float": (a_document(a_person_dict(answers={"x": 2.5})), 'answer "x" must be'),
    "answer_nested": (a_document(a_person_dict(answers={"x": [["a"]]})), "list of texts"),
    "answer_object": (a_document(a_person_dict(answers={"x": {"a": 1}})), 'answer "x" must be'),
    "core_out_of_range": (
        a_document(a_person_dict(answers={"accept_no": 7})),
        'answer "accept_no" must be a whole number from 1 to 5',
    ),
    "answers_as_list": (a_document(a_person_dict(answers=[1, 2])), "answers must be a JSON object"),
    "plan_value_null": (a_document(a_person_dict(plan={"channel": None})), 'plan item "channel"'),
    "answer_too_long": (
        a_document(a_person_dict(answers={"x": "y" * 20_001})),
        "longer than 20,000 characters",
    ),
    "mood_not_number": (
        a_document(a_person_dict(journal=[{"at": "2026-02-01", "kind": "check_in", "mood": True}])),
        "journal entry 1: The mood must be a whole number",
    ),
    "check_in_without_mood": (
        a_document(a_person_dict(journal=[{"at": "2026-02-01", "kind": "check_in"}])),
        "journal entry 1: Please choose how you are doing",
    ),
    "repeated_key": ('{"format": "reconnect-workbook", "format": "x"}', '"format" twice'),
    "not_a_number": ('{"format": "reconnect-workbook", "version": NaN}', "NaN"),
    "too_deep": ("[" * 100_000 + "]" * 100_000, "nested far too deeply"),
    "too_large": (b" " * (20 * 1024 * 1024 + 1), "larger than 20 MB"),
}


@pytest.mark.parametrize(("source", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_an_unreadable_file_is_refused_with_a_clear_sentence_and_changes_nothing(
    store: Store, source: str | bytes, message: str
) -> None:
    before = dumps(store.export_people())
    with pytest.raises(ImportRefused) as refused:
        store.import_file(source)
    assert message in str(refused.value)
    assert dumps(store.export_people()) == before


def test_a_huge_file_object_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        requested: list[int] = []

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.requested.append(size)
            return b" " * size

    with pytest.raises(ImportRefused, match="larger than 20 MB"):
        parse_document(Endless())  # type: ignore[arg-type]
    assert Endless.requested == [transfer.MAX_IMPORT_BYTES + 1]


def test_a_newer_version_is_refused_even_when_everything_else_looks_fine() -> None:
    newer = json.loads(V1_FIXTURE.read_text())
    newer["version"] = 2
    with pytest.raises(ImportRefused, match="made by a newer version"):
        parse_document(json.dumps(newer))


def test_one_bad_person_among_many_refuses_the_whole_file(store: Store) -> None:
    good = a_person_dict("Robin")
    bad = a_person_dict("Kim", answers={"accept_no": "yes"})
    with pytest.raises(ImportRefused, match=r'Person 2 \("Kim"\)'):
        store.import_file(a_document(good, bad))
    assert store.people() == ["Alex", "Sam"]


def test_answer_values_are_checked_by_one_rule() -> None:
    assert transfer.check_answer_value(["a", "b"]) == ["a", "b"]
    assert transfer.check_answer_value(3, key="accept_no") == 3
    with pytest.raises(InvalidInput):
        transfer.check_answer_value(False)
    with pytest.raises(InvalidInput):
        transfer.check_answer_value(["a", 1])
    with pytest.raises(InvalidInput):
        transfer.check_answer_value(["x" * (MAX_NOTE_LENGTH + 1)])


# --- the round trip, for any person ----------------------------------------------------------

names = st.text(
    alphabet=st.characters(min_codepoint=32, blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda text: text.strip() != "")
short_text = st.text(max_size=40)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
plain_channels = st.sampled_from([c for c in Channel if c is not Channel.ALL])


@st.composite
def events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(list(EventKind)))
    if kind is EventKind.BLOCKED:
        channel: Channel | None = draw(st.sampled_from(list(Channel)))
    elif kind in (EventKind.SENT, EventKind.RECEIVED):
        channel = draw(plain_channels)
    else:
        channel = draw(st.none() | plain_channels)
    tone = draw(st.sampled_from(list(Tone))) if kind is EventKind.RECEIVED else None
    return Event(kind, draw(moments), channel, tone, draw(short_text))


@st.composite
def journal_entries(draw: st.DrawFn) -> JournalEntry:
    kind = draw(st.sampled_from(list(JournalKind)))
    mood = draw(st.integers(1, 5)) if kind is JournalKind.CHECK_IN else draw(st.none())
    return JournalEntry(draw(moments), kind, draw(short_text), mood)


answer_values = st.integers(-1000, 1000) | short_text | st.lists(short_text, max_size=3)


@st.composite
def people(draw: st.DrawFn) -> Person:
    situation = Situation(
        name=draw(names),
        relationship=draw(st.sampled_from(list(Relationship))),
        what_happened=draw(st.sampled_from(list(WhatHappened))),
        ended_on=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
        goal=draw(st.sampled_from(list(Goal))),
        signals=draw(st.frozensets(st.sampled_from(list(Signal)))),
    )
    core = draw(st.dictionaries(st.sampled_from(CORE_IDS), st.integers(1, 5)))
    other = draw(st.dictionaries(st.text("abcdef_", min_size=1, max_size=8), answer_values))
    return Person(
        situation=situation,
        answers={**other, **core},
        events=tuple(draw(st.lists(events(), max_size=4))),
        plan=draw(st.dictionaries(st.text("ghij_", min_size=1, max_size=8), answer_values)),
        journal=tuple(draw(st.lists(journal_entries(), max_size=3))),
    )


workbooks = st.lists(people(), max_size=3, unique_by=lambda person: person.name.casefold())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks)
def test_any_workbook_survives_export_import_export_unchanged(workbook: list[Person]) -> None:
    text = dumps(workbook)
    assert dumps(parse_document(text)) == text
    with Store(memory=True) as fresh:
        fresh.import_file(text.encode("utf-8"))
        assert dumps(fresh.export_people()) == text
