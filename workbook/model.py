"""Domain types: the words the whole workbook speaks.

Everything past the edges (import, command line, widgets) is one of these types: dates are `date`,
times are naive local `datetime`, kinds are enums. Parsing from strings happens once, at the edge,
through the `parse_*` functions here, which raise `InvalidInput` with a sentence a person can act on.

Nothing in this module reads the clock, touches a file or knows about widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from .errors import InvalidInput

__all__ = [
    "AnswerValue",
    "Assessment",
    "Band",
    "Channel",
    "CORE_IDS",
    "Event",
    "EventKind",
    "Flag",
    "FlagCode",
    "Goal",
    "JournalEntry",
    "JournalKind",
    "Person",
    "Relationship",
    "Signal",
    "Situation",
    "Tone",
    "WhatHappened",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_TEXT_LENGTH",
    "parse_date",
    "parse_datetime",
    "parse_enum",
    "parse_signals",
    "long_date",
    "quantity",
    "short_datetime",
    "shown",
]

E = TypeVar("E", bound=StrEnum)

# Limits on what a person can type, so one stray paste cannot swell the store or the export.
MAX_NAME_LENGTH = 80
MAX_NOTE_LENGTH = 2_000
MAX_TEXT_LENGTH = 20_000

# The dates a workbook holds. A typo such as 0202 or 9999 is refused where it is typed or imported,
# instead of breaking the guidance and the chart later, which count weeks forward and back from them.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class Relationship(StrEnum):
    ROMANTIC_INTEREST = "romantic_interest"
    EX_PARTNER = "ex_partner"
    FRIEND = "friend"
    FAMILY = "family"
    COLLEAGUE = "colleague"
    OTHER = "other"


class WhatHappened(StrEnum):
    I_REJECTED_THEM = "i_rejected_them"
    I_BROKE_UP = "i_broke_up"
    I_PUSHED_AWAY = "i_pushed_away"
    OTHER = "other"


class Goal(StrEnum):
    ROMANCE = "romance"
    FRIENDSHIP = "friendship"
    CLOSURE = "closure"
    APOLOGY = "apology"


class Signal(StrEnum):
    """What the person knew about the other's side when they added them."""

    DELETED_MY_NUMBER = "deleted_my_number"
    BLOCKED_SOME_CHANNELS = "blocked_some_channels"
    BLOCKED_ALL_CHANNELS = "blocked_all_channels"
    ASKED_FOR_SPACE = "asked_for_space"
    ASKED_NO_CONTACT = "asked_no_contact"
    SAID_NO = "said_no"
    NEW_RELATIONSHIP = "new_relationship"
    FRIENDLY_WHEN_WE_MEET = "friendly_when_we_meet"
    REACHED_OUT_TO_ME = "reached_out_to_me"
    # New in version 2: the safety of both people.
    THEY_ARE_AFRAID = "they_are_afraid"  # they said they feel unsafe with me or are afraid of me
    STAY_AWAY_ORDER = "stay_away_order"  # police, a court, a school or an employer told me to stay away
    I_FEEL_UNSAFE = "i_feel_unsafe"  # I do not feel safe with them


class EventKind(StrEnum):
    SENT = "sent"  # me to them
    RECEIVED = "received"  # them to me, directly
    ASKED_TO_STOP = "asked_to_stop"
    ASKED_FOR_SPACE = "asked_for_space"  # new in version 2: a request for space counts from its own day
    BLOCKED = "blocked"
    SAID_NO = "said_no"
    MET = "met"  # in person, by agreement


class Channel(StrEnum):
    TEXT = "text"
    CALL = "call"
    VOICE_NOTE = "voice_note"
    SOCIAL = "social"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    VIA_FRIEND = "via_friend"
    OTHER = "other"
    ALL = "all"  # only for a `blocked` event: blocked everywhere


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Band(StrEnum):
    """The answer to "what should I do now?", highest precedence first."""

    SAFETY_FIRST = "safety_first"  # new in version 2
    RESPECT_THEIR_WISHES = "respect_their_wishes"
    BALL_IN_THEIR_COURT = "ball_in_their_court"
    NOT_YET = "not_yet"
    KEEP_GOING = "keep_going"
    WAIT = "wait"
    REACH_OUT = "reach_out"

    @property
    def stops_contact(self) -> bool:
        """Bands whose advice is: send nothing now, with no date to count down to.

        Under these the app offers no ready-made messages and makes no reminders to get in touch.
        """
        return self in (
            Band.SAFETY_FIRST,
            Band.RESPECT_THEIR_WISHES,
            Band.BALL_IN_THEIR_COURT,
            Band.NOT_YET,
        )


class FlagCode(StrEnum):
    INSIDE_COOLING_OFF = "inside_cooling_off"
    DOUBLE_TEXT = "double_text"
    UNANSWERED_STREAK = "unanswered_streak"
    CONTACT_AFTER_STOP = "contact_after_stop"
    CHANNEL_SWITCH = "channel_switch"
    AFTER_COLD_REPLY = "after_cold_reply"  # new in version 2
    LATE_NIGHT = "late_night"
    UNASKED_CALL = "unasked_call"


class JournalKind(StrEnum):
    JOURNAL = "journal"  # free private writing
    UNSENT_LETTER = "unsent_letter"  # a letter never to be sent
    CHECK_IN = "check_in"  # the weekly "how am I doing", with a mood from 1 to 5


# The core reflection instrument: fixed ids, each answered 1 (strongly disagree) .. 5 (strongly agree).
CORE_IDS: tuple[str, ...] = (
    "motive_genuine_care",
    "motive_guilt",
    "motive_loneliness",
    "motive_boredom",
    "motive_attention",
    "clarity_reason",
    "clarity_changed",
    "accept_no",
    "empathy_hurt",
    "calm_waiting",
)

# An answer is a likert number, a choice or free text, a set of choices, or an ISO date string.
AnswerValue = int | str | list[str]


@dataclass(frozen=True)
class Situation:
    """Who this person is for you, and what you knew of their side when you added them."""

    name: str
    relationship: Relationship
    what_happened: WhatHappened
    ended_on: date
    goal: Goal
    signals: frozenset[Signal] = frozenset()

    def __post_init__(self) -> None:
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name:
            raise InvalidInput("Please give this person a name or a nickname.")
        if len(name) > MAX_NAME_LENGTH:
            raise InvalidInput(f"Please keep the name under {MAX_NAME_LENGTH} characters.")
        if any(ord(c) < 32 for c in name):
            raise InvalidInput("The name cannot contain line breaks or control characters.")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "signals", frozenset(self.signals))
        _check_year(self.ended_on, "The date it ended")


@dataclass(frozen=True)
class Event:
    """One contact event in the log: your own action, or their direct reply or request.

    The log never holds what they post elsewhere: checking an ex's social media goes with more
    distress (Marshall 2012), so the workbook gives it nowhere to go.
    """

    kind: EventKind
    at: datetime
    channel: Channel | None = None
    tone: Tone | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_year(self.at.date(), "The date")
        if self.at.tzinfo is not None:
            # Stored and compared as local wall-clock time, as the person lived it.
            object.__setattr__(self, "at", self.at.replace(tzinfo=None))
        if self.channel is Channel.ALL and self.kind is not EventKind.BLOCKED:
            raise InvalidInput('"All channels" only goes with a block.')
        if self.kind in (EventKind.SENT, EventKind.RECEIVED, EventKind.BLOCKED) and not self.channel:
            raise InvalidInput(f"Please choose the channel for this {self.kind.value} event.")
        if self.kind is EventKind.RECEIVED and self.tone is None:
            raise InvalidInput("Please choose how their message felt: positive, neutral or negative.")
        if self.kind is not EventKind.RECEIVED and self.tone is not None:
            object.__setattr__(self, "tone", None)
        if len(self.note) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"Please keep the note under {MAX_NOTE_LENGTH} characters.")

    @property
    def blocks_all(self) -> bool:
        return self.kind is EventKind.BLOCKED and self.channel is Channel.ALL


@dataclass(frozen=True)
class JournalEntry:
    """Private writing that never leaves the workbook unless the person exports it."""

    at: datetime
    kind: JournalKind
    text: str = ""
    mood: int | None = None  # 1 (very low) .. 5 (good), for check-ins

    def __post_init__(self) -> None:
        _check_year(self.at.date(), "The date")
        if self.mood is not None and not (1 <= self.mood <= 5):
            raise InvalidInput("Mood is a number from 1 (very low) to 5 (good).")
        if self.kind is JournalKind.CHECK_IN and self.mood is None:
            raise InvalidInput("Please choose how you are doing, from 1 to 5.")
        if len(self.text) > MAX_TEXT_LENGTH:
            raise InvalidInput(f"Please keep this under {MAX_TEXT_LENGTH:,} characters.")


@dataclass(frozen=True)
class Person:
    """Everything the workbook holds about one person: the unit of export and import."""

    situation: Situation
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    plan: Mapping[str, AnswerValue] = field(default_factory=dict)
    journal: tuple[JournalEntry, ...] = ()

    @property
    def name(self) -> str:
        return self.situation.name


@dataclass(frozen=True)
class Flag:
    """A pacing flag and the logged events that raise it."""

    code: FlagCode
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Assessment:
    """What `guidance.assess` concludes. `score` is None until the core reflection is complete."""

    band: Band
    score: int | None
    earliest_contact: date | None
    flags: tuple[Flag, ...]
    next_step: str
    reasons: tuple[str, ...]
    cooling_off_until: date | None = None


def long_date(day: date) -> str:
    """A day as a person reads it: "Tuesday 1 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def quantity(n: int, one: str, many: str) -> str:
    """A count with its noun: "1 person", "3 people" (written once, for every message that counts)."""
    return f"{n} {one if n == 1 else many}"


def short_datetime(at: datetime) -> str:
    """A moment in the log: "Tue 1 Dec 2026, 18:30"."""
    return f"{at:%a} {at.day} {at:%b %Y}, {at:%H:%M}"


def parse_enum(kind: type[E], value: object, what: str) -> E:
    """Read an enum value from outside, naming the allowed values when it is wrong."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value.strip())
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in kind)
    raise InvalidInput(f"{what} must be one of: {allowed} (got {shown(value)}).")


def parse_date(value: object, what: str = "The date") -> date:
    """Read an ISO date (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(f"{what} must be a real date like 2026-03-01 (got {shown(value)}).")


def parse_datetime(value: object, what: str = "The time") -> datetime:
    """Read an ISO local date-time (YYYY-MM-DDTHH:MM[:SS]); a bare date means midday."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 12, 0)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return parse_datetime(date.fromisoformat(text))
            return datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            pass
    raise InvalidInput(f"{what} must be a real date and time like 2026-03-01T18:30 (got {shown(value)}).")


def parse_signals(values: Iterable[object]) -> frozenset[Signal]:
    return frozenset(parse_enum(Signal, v, "Each signal") for v in values)


def _check_year(day: date, what: str) -> None:
    if isinstance(day, datetime):
        day = day.date()
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(
            f"{what} {day.isoformat()} is outside the years a workbook can hold "
            f"({EARLIEST_DATE.year} to {LATEST_DATE.year}): please check the year."
        )


def shown(value: object) -> str:
    """A value as a person may read it back in an error message, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
