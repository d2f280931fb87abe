"""Export and import: the workbook's one file format, read and written without touching the store.

Theory of operation
-------------------
An export is one JSON document, ``{"format": "reconnect-workbook", "version": 1, "people": [...]}``
(the contract in DESIGN.md). Writing is deterministic: people sorted by name, events and journal
entries by time, every mapping by key, and fields that do not apply left out, so exporting, importing
and exporting again gives the same bytes.

Reading is all or nothing. `parse_document` checks the whole document, every person and every field,
before it returns anything, and raises `ImportRefused` with one sentence naming the first problem and
where it is ('person 2 ("Alex"), event 3: ...'). The store only writes what this module returned, so
a refused file never changes a workbook.

Old files must keep working: each format version has its reader in `READERS`. A future version 2
adds a reader and becomes `FORMAT_VERSION`; the version 1 reader stays, untouched.

This module is pure: no database, no clock, no files (the caller opens them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any, TypeVar

from .errors import ImportRefused, InvalidInput
from .model import (
    CORE_IDS,
    MAX_NOTE_LENGTH,
    MAX_TEXT_LENGTH,
    AnswerValue,
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
    parse_date,
    parse_datetime,
    parse_enum,
    parse_signals,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_IMPORT_BYTES",
    "READERS",
    "check_answer_id",
    "check_answer_value",
    "dumps",
    "export_document",
    "parse_document",
    "person_from_dict",
    "person_to_dict",
]

FORMAT_NAME = "reconnect-workbook"
FORMAT_VERSION = 1  # the version this app writes

# Bounds on an import, so a wrong or hostile file is refused instead of filling memory or the disk.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_PEOPLE = 1_000
MAX_EVENTS = 10_000  # per person
MAX_JOURNAL_ENTRIES = 10_000  # per person
MAX_ANSWERS = 1_000  # per person, and again for the plan
MAX_ID_LENGTH = 100  # question ids and plan keys
MAX_LIST_ITEMS = 200  # items in one multiple-choice answer

TIME_FORMAT_SECONDS = "seconds"  # `at` is written as YYYY-MM-DDTHH:MM:SS, local time

_PERSON_FIELDS = (
    "name",
    "relationship",
    "what_happened",
    "ended_on",
    "goal",
    "signals",
    "answers",
    "events",
    "plan",
    "journal",
)
_REQUIRED_PERSON_FIELDS = ("name", "relationship", "what_happened", "ended_on", "goal")
_EVENT_FIELDS = ("kind", "at", "channel", "tone", "note")
_JOURNAL_FIELDS = ("at", "kind", "text", "mood")
_DOCUMENT_FIELDS = ("format", "version", "people")

T = TypeVar("T")


# --- values shared with the store ------------------------------------------------------------


def check_answer_id(key: object, what: str = "A question id") -> str:
    """A question id or plan key: short, non-empty text."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidInput(f"{what} must be a short piece of text (got {_shown(key)}).")
    if len(key) > MAX_ID_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_ID_LENGTH} characters.")
    return key


def check_answer_value(value: object, what: str = "The answer", *, key: str = "") -> AnswerValue:
    """An answer or plan value: a whole number, a piece of text, or a list of texts.

    A core reflection answer (`model.CORE_IDS`) must be a whole number from 1 to 5, because the
    guidance reads it as one. Booleans are refused even though Python counts them as numbers.
    """
    if key in CORE_IDS:
        if type(value) is not int or not 1 <= value <= 5:
            raise InvalidInput(f"{what} must be a whole number from 1 to 5 (got {_shown(value)}).")
        return value
    if type(value) is int:
        if abs(value) > 2**53:
            raise InvalidInput(f"{what} is a number too large to be an answer.")
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise InvalidInput(f"{what} is longer than {MAX_TEXT_LENGTH:,} characters.")
        return value
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            raise InvalidInput(f"{what} has more than {MAX_LIST_ITEMS} choices.")
        for item in value:
            if not isinstance(item, str):
                raise InvalidInput(f"{what} must be a list of texts (found {_shown(item)}).")
            if len(item) > MAX_NOTE_LENGTH:
                raise InvalidInput(f"{what} has a choice longer than {MAX_NOTE_LENGTH} characters.")
        return list(value)
    raise InvalidInput(
        f"{what} must be a whole number, a piece of text or a list of texts (got {_shown(value)})."
    )


# --- writing ---------------------------------------------------------------------------------


def person_to_dict(person: Person) -> dict[str, Any]:
    """One person as the current format writes them, leaving out fields that do not apply."""
    situation = person.situation
    return {
        "name": situation.name,
        "relationship": situation.relationship.value,
        "what_happened": situation.what_happened.value,
        "ended_on": situation.ended_on.isoformat(),
        "goal": situation.goal.value,
        "signals": sorted(signal.value for signal in situation.signals),
        "answers": _sorted_values(person.answers),
        "events": [_event_to_dict(event) for event in sorted(person.events, key=_by_time)],
        "plan": _sorted_values(person.plan),
        "journal": [_journal_to_dict(entry) for entry in sorted(person.journal, key=_by_time)],
    }


def export_document(people: Iterable[Person]) -> dict[str, Any]:
    """The whole export as plain data, people sorted by name so the output is stable."""
    ordered = sorted(people, key=lambda person: (person.name.casefold(), person.name))
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "people": [person_to_dict(person) for person in ordered],
    }


def dumps(people: Iterable[Person]) -> str:
    """The export file's text: readable JSON, identical for identical workbooks."""
    return json.dumps(export_document(people), indent=2, ensure_ascii=False) + "\n"


def _event_to_dict(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": event.kind.value, "at": _time_text(event)}
    if event.channel is not None:
        data["channel"] = event.channel.value
    if event.tone is not None:
        data["tone"] = event.tone.value
    if event.note:
        data["note"] = event.note
    return data


def _journal_to_dict(entry: JournalEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"at": _time_text(entry), "kind": entry.kind.value, "text": entry.text}
    if entry.mood is not None:
        data["mood"] = entry.mood
    return data


def _time_text(item: Event | JournalEntry) -> str:
    return item.at.isoformat(timespec=TIME_FORMAT_SECONDS)


def _by_time(item: Event | JournalEntry) -> str:
    # Sort on the written text, so entries that differ only below a second keep their given order.
    return _time_text(item)


def _sorted_values(values: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in sorted(values.items())}


# --- reading ---------------------------------------------------------------------------------


def parse_document(source: bytes | bytearray | str | IO[bytes] | IO[str]) -> list[Person]:
    """Read and check a whole export file; raise `ImportRefused` on the first problem.

    Nothing is returned until every person in the document has been read, so the caller can write
    all of them or none.
    """
    text = _decode(_read_capped(source))
    document = _load_json(text)
    if not isinstance(document, dict):
        raise ImportRefused(
            "This file is not a workbook export: it should hold one JSON object "
            f"with a list of people, but it holds {_json_kind(document)}."
        )
    if document.get("format") != FORMAT_NAME:
        raise ImportRefused(
            "This file is not a Reconnect Workbook export: it lacks "
            f'"format": "{FORMAT_NAME}" (found {_shown(document.get("format"))}).'
        )
    version = document.get("version")
    if type(version) is not int:
        raise ImportRefused(
            'This export has no usable "version" number, so it cannot be read safely '
            f"(found {_shown(version)})."
        )
    if version > FORMAT_VERSION:
        raise ImportRefused(
            f"This file was made by a newer version of the workbook (format version {version}); "
            f"this one reads up to version {FORMAT_VERSION}. Please update the workbook, then "
            "import it again."
        )
    reader = READERS.get(version)
    if reader is None:
        raise ImportRefused(f"This export has format version {version}, which never existed.")
    try:
        return reader(document)
    except ImportRefused:
        raise
    except InvalidInput as error:
        message = str(error)
        raise ImportRefused(f"{message[:1].upper()}{message[1:]} Nothing was imported.") from None


def person_from_dict(data: object, where: str) -> Person:
    """Read one person in the current format; `where` starts every error ('person 2 ("Alex")')."""
    return _person_from_v1(data, where)


def _read_v1(document: dict[str, Any]) -> list[Person]:
    """Format version 1, as first released. Keep it working for as long as the app exists."""
    _refuse_unknown_fields(document, _DOCUMENT_FIELDS, "The file")
    people_data = document.get("people")
    if not isinstance(people_data, list):
        raise InvalidInput(f'The "people" field must be a list of people (found {_json_kind(people_data)}).')
    if len(people_data) > MAX_PEOPLE:
        raise InvalidInput(f"The file holds more than {MAX_PEOPLE:,} people.")
    people: list[Person] = []
    seen: dict[str, int] = {}
    for number, data in enumerate(people_data, start=1):
        person = _person_from_v1(data, _person_where(number, data))
        folded = person.name.casefold()
        if folded in seen:
            raise InvalidInput(
                f'The file has two people named "{person.name}" (person {seen[folded]} and '
                f"person {number}). Please rename one of them and import again."
            )
        seen[folded] = number
        people.append(person)
    return people


READERS: dict[int, Callable[[dict[str, Any]], list[Person]]] = {1: _read_v1}


def _person_from_v1(data: object, where: str) -> Person:
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: each person must be a JSON object (found {_json_kind(data)}).")
    _refuse_unknown_fields(data, _PERSON_FIELDS, where)
    missing = [name for name in _REQUIRED_PERSON_FIELDS if name not in data]
    if missing:
        raise InvalidInput(f"{where}: missing {', '.join(missing)}.")
    try:
        situation = Situation(
            name=_text(data["name"], "The name", MAX_TEXT_LENGTH),
            relationship=parse_enum(Relationship, data["relationship"], "The relationship"),
            what_happened=parse_enum(WhatHappened, data["what_happened"], "What happened"),
            ended_on=parse_date(data["ended_on"], "The date it ended"),
            goal=parse_enum(Goal, data["goal"], "The goal"),
            signals=parse_signals(_list(data.get("signals", []), "The signals", 50)),
        )
        answers = _values(data.get("answers", {}), "answer", check_cores=True)
        plan = _values(data.get("plan", {}), "plan item", check_cores=False)
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error}") from None
    events_data = _located(where, _list, data.get("events", []), "The events", MAX_EVENTS)
    events = tuple(
        _located(f"{where}, event {number}", _event_from_v1, item)
        for number, item in enumerate(events_data, start=1)
    )
    journal_data = _located(where, _list, data.get("journal", []), "The journal", MAX_JOURNAL_ENTRIES)
    journal = tuple(
        _located(f"{where}, journal entry {number}", _journal_from_v1, item)
        for number, item in enumerate(journal_data, start=1)
    )
    return Person(situation=situation, answers=answers, events=events, plan=plan, journal=journal)


def _event_from_v1(data: object) -> Event:
    if not isinstance(data, dict):
        raise InvalidInput(f"each event must be a JSON object (found {_json_kind(data)}).")
    _refuse_unknown_fields(data, _EVENT_FIELDS, "The event")
    if "kind" not in data or "at" not in data:
        raise InvalidInput('each event needs a "kind" and an "at" time.')
    channel, tone = data.get("channel"), data.get("tone")
    return Event(
        kind=parse_enum(EventKind, data["kind"], "The kind of event"),
        at=parse_datetime(_text(data["at"], "The time", 40), "The time"),
        channel=None if channel is None else parse_enum(Channel, channel, "The channel"),
        tone=None if tone is None else parse_enum(Tone, tone, "The tone"),
        note=_text(data.get("note", ""), "The note", MAX_NOTE_LENGTH),
    )


def _journal_from_v1(data: object) -> JournalEntry:
    if not isinstance(data, dict):
        raise InvalidInput(f"each journal entry must be a JSON object (found {_json_kind(data)}).")
    _refuse_unknown_fields(data, _JOURNAL_FIELDS, "The journal entry")
    if "kind" not in data or "at" not in data:
        raise InvalidInput('each journal entry needs a "kind" and an "at" time.')
    mood = data.get("mood")
    if mood is not None and type(mood) is not int:
        raise InvalidInput(f"The mood must be a whole number from 1 to 5 (got {_shown(mood)}).")
    return JournalEntry(
        at=parse_datetime(_text(data["at"], "The time", 40), "The time"),
        kind=parse_enum(JournalKind, data["kind"], "The kind of entry"),
        text=_text(data.get("text", ""), "The text", MAX_TEXT_LENGTH),
        mood=mood,
    )


def _values(data: object, what: str, *, check_cores: bool) -> dict[str, AnswerValue]:
    """The answers or the plan: a mapping of ids to checked values."""
    if not isinstance(data, dict):
        raise InvalidInput(f"The {what}s must be a JSON object of ids and values.")
    if len(data) > MAX_ANSWERS:
        raise InvalidInput(f"There are more than {MAX_ANSWERS:,} {what}s.")
    values: dict[str, AnswerValue] = {}
    for key, value in data.items():
        check_answer_id(key, f"The {what} id")
        values[key] = check_answer_value(
            value, f'The {what} "{_clipped(key)}"', key=key if check_cores else ""
        )
    return values


def _located(where: str, parse: Callable[..., T], *args: object) -> T:
    """Run one parser, prefixing any problem with where it was found."""
    try:
        return parse(*args)
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error}") from None


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text (got {_shown(value)}).")
    if len(value) > limit:
        raise InvalidInput(f"{what} is longer than {limit:,} characters.")
    return value


def _list(value: object, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{what} must be a list (got {_json_kind(value)}).")
    if len(value) > limit:
        raise InvalidInput(f"{what} hold more than {limit:,} items.")
    return value


def _refuse_unknown_fields(data: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    # A field this version does not know would be silently lost on import: refuse instead.
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        names = ", ".join(f'"{_clipped(key)}"' for key in unknown[:5])
        raise InvalidInput(f"{where} has fields this version of the format does not know: {names}.")


def _person_where(number: int, data: object) -> str:
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, str) and name.strip():
        return f'person {number} ("{_clipped(name.strip())}")'
    return f"person {number}"


# --- bytes to JSON ---------------------------------------------------------------------------


def _read_capped(source: bytes | bytearray | str | IO[bytes] | IO[str]) -> bytes | str:
    """Read at most one byte past the limit, so a huge file is refused without loading it."""
    if isinstance(source, bytes | bytearray | str):
        data: bytes | str = bytes(source) if isinstance(source, bytearray) else source
    else:
        data = source.read(MAX_IMPORT_BYTES + 1)
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"This file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB, far more than any "
            "workbook export. Is it the right file?"
        )
    return data


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "This file is not UTF-8 text, so it cannot be a workbook export. Is it the right file?"
        ) from None


def _load_json(text: str) -> object:
    try:
        loaded = json.loads(text, object_pairs_hook=_object_without_repeats, parse_constant=_refuse_constant)
        # Valid JSON can still hold half an emoji ("\ud83d"), which is not text: no database, file
        # or page can hold it. Writing the document out again finds one wherever it is.
        json.dumps(loaded, ensure_ascii=False).encode("utf-8")
        return loaded
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"This file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "Was it changed by hand or cut short?"
        ) from None
    except RecursionError:
        raise ImportRefused(
            "This file is nested far too deeply to be a workbook export. Is it the right file?"
        ) from None
    except UnicodeEncodeError:
        raise ImportRefused(
            "This file holds a broken character (half of an emoji, perhaps), so it cannot be read "
            "safely. Was it changed by hand?"
        ) from None
    except ValueError as error:  # e.g. a number with thousands of digits
        raise ImportRefused(f"This file holds a value that cannot be read: {error}") from None


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON itself keeps the last of two equal keys; which one the person meant is unclear.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ImportRefused(
                f'This file has the field "{_clipped(key)}" twice in one place, so it is unclear '
                "which one is meant."
            )
        result[key] = value
    return result


def _refuse_constant(name: str) -> float:
    raise ImportRefused(f"This file holds {name}, which is not a number a workbook ever writes.")


def _json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _clipped(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
