"""The workbook's questions and message templates, read from data/ and checked before use.

The words live in data/questions.toml and data/templates.toml so that someone who is not a
programmer can change them. This module turns those mappings into frozen types and refuses
anything malformed with a `ContentError` that names the file and the item ("questions.toml,
section 'their_side', question 'x': ..."), so a typo shows up at load time, not in front of a
person in a raw moment.

Two rules are enforced here rather than trusted to the content:
- the core reflection instrument (`model.CORE_IDS`) is present, as likert questions in `motives`,
  because the readiness score cannot be computed without it;
- template text uses only the `{name}` and `{shared_thing}` placeholders, and `Template.fill`
  inserts the caller's words literally, never through `str.format`.

Answers come in from widgets and imports as loose values; `Question.validate` is the one place
that turns them into an `AnswerValue` or refuses them with `InvalidInput`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from .errors import InvalidInput
from .model import (
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    AnswerValue,
    Goal,
    WhatHappened,
    parse_date,
    shown,
)

__all__ = [
    "MAX_SHARED_THING_LENGTH",
    "MAX_TEMPLATE_WORDS",
    "PLACEHOLDERS",
    "Option",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Section",
    "Template",
    "TemplateKind",
    "templates_for",
]

CORE_SECTION = "motives"

PLACEHOLDERS: frozenset[str] = frozenset({"name", "shared_thing"})
# A first message should be light (seed 002: "something small, friendly, non-threatening").
MAX_TEMPLATE_WORDS = 80
MAX_SHARED_THING_LENGTH = 200

DEFAULT_LOW_LABEL = "Strongly disagree"
DEFAULT_HIGH_LABEL = "Strongly agree"
LIKERT_RANGE = range(1, 6)

E = TypeVar("E", bound=StrEnum)

_PLACEHOLDER = re.compile(r"\{(name|shared_thing)\}")


class QuestionKind(StrEnum):
    LIKERT = "likert"  # 1 (strongly disagree) .. 5 (strongly agree)
    CHOICE = "choice"  # exactly one of the options
    MULTI = "multi"  # any of the options
    TEXT = "text"  # free text, one line or several (`long`)
    DATE = "date"  # an ISO date, never in the future


class TemplateKind(StrEnum):
    CHECK_IN = "check_in"
    ACKNOWLEDGEMENT = "acknowledgement"
    SHARED_MEMORY = "shared_memory"
    APOLOGY = "apology"
    CLOSURE = "closure"


@dataclass(frozen=True)
class Option:
    value: str  # what is stored
    label: str  # what the person reads


@dataclass(frozen=True)
class Question:
    """One question; `validate` is how any raw answer to it becomes a stored value."""

    id: str
    section: str
    kind: QuestionKind
    prompt: str
    help: str = ""
    options: tuple[Option, ...] = ()
    low_label: str = ""
    high_label: str = ""
    required: bool = False
    placeholder: str = ""
    max_length: int | None = None
    long: bool = False  # for text: several lines rather than one

    def __post_init__(self) -> None:
        if self.kind is QuestionKind.LIKERT:
            object.__setattr__(self, "low_label", self.low_label or DEFAULT_LOW_LABEL)
            object.__setattr__(self, "high_label", self.high_label or DEFAULT_HIGH_LABEL)

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def validate(self, value: object, today: date | None = None) -> AnswerValue:
        """Parse a raw answer from a widget or an import, or say kindly what is wrong with it.

        A date answer is refused if it is after `today`; without `today` (this module never
        reads the clock) only its form is checked.
        """
        if value is None:
            raise InvalidInput("Please answer this question, or leave it for later.")
        match self.kind:
            case QuestionKind.LIKERT:
                return self._likert(value)
            case QuestionKind.CHOICE:
                return self._choice(value)
            case QuestionKind.MULTI:
                return self._multi(value)
            case QuestionKind.TEXT:
                return self._text(value)
            case QuestionKind.DATE:
                return self._date(value, today)

    def _likert(self, value: object) -> int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or number not in LIKERT_RANGE:
            raise InvalidInput(
                f"Please choose a number from 1 ({self.low_label.lower()}) to 5 ({self.high_label.lower()})."
            )
        return number

    def _choice(self, value: object) -> str:
        if isinstance(value, str) and value.strip() in self.option_values:
            return value.strip()
        raise InvalidInput(f"Please choose one of: {self._labels()}.")

    def _multi(self, value: object) -> list[str]:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise InvalidInput(f"Please choose any of: {self._labels()}, as a list.")
        chosen = list(value)
        unknown = [item for item in chosen if item not in self.option_values]
        if unknown:
            raise InvalidInput(f"{shown(unknown[0])} is not one of the choices here: {self._labels()}.")
        if self.required and not chosen:
            raise InvalidInput("Please choose at least one.")
        # Stored in the order the options are shown, once each, so equal answers compare equal.
        return [option for option in self.option_values if option in chosen]

    def _text(self, value: object) -> str:
        if not isinstance(value, str):
            raise InvalidInput("Please type your answer as text.")
        limit = self.max_length or MAX_TEXT_LENGTH
        if len(value) > limit:
            raise InvalidInput(f"Please keep this under {limit:,} characters (it is {len(value):,} now).")
        if "\x00" in value:
            raise InvalidInput(
                "This text holds an invisible character (NUL) that cannot be stored; "
                "please retype or re-paste it."
            )
        text = value.strip()
        if self.required and not text:
            raise InvalidInput("Please write something here, even a few words.")
        return text

    def _date(self, value: object, today: date | None) -> str:
        day = parse_date(value, "The date")
        if today is not None and day > today:
            raise InvalidInput(f"{day.isoformat()} is in the future; please choose today or an earlier day.")
        return day.isoformat()

    def _labels(self) -> str:
        return ", ".join(f'"{option.label}"' for option in self.options)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    """Every section in order, with lookups by id."""

    sections: tuple[Section, ...]
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise InvalidInput(f"There is no section called {section_id!r} in the workbook.")

    def question(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise InvalidInput(f"There is no question called {question_id!r}.") from None

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id


@dataclass(frozen=True)
class Template:
    """A short, low-pressure starting point for a message; the person edits it before use."""

    id: str
    kind: TemplateKind
    title: str
    text: str
    goals: frozenset[Goal]
    what_happened: frozenset[WhatHappened]
    note: str  # one line: when to use it

    @property
    def needs_shared_thing(self) -> bool:
        return "{shared_thing}" in self.text

    def suits(self, goal: Goal, what_happened: WhatHappened) -> bool:
        return goal in self.goals and what_happened in self.what_happened

    def fill(self, name: str, shared_thing: str = "") -> str:
        """The text with the placeholders replaced by the caller's words, exactly as typed.

        One pass with a function replacement, so a name like "{shared_thing}" or "{0.__class__}"
        lands in the message verbatim and is never read as a placeholder or a format field.
        """
        values = {
            "name": _fill_value(
                name, "Please give their name, or what you call them.", "the name", MAX_NAME_LENGTH
            ),
            "shared_thing": "",
        }
        if self.needs_shared_thing:
            values["shared_thing"] = _fill_value(
                shared_thing,
                "This message mentions something you share; please say what it is, "
                "like 'that band we both like'.",
                "the shared thing",
                MAX_SHARED_THING_LENGTH,
            )
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], self.text)


# Which kind of message to offer first for each goal. Owning responsibility is the part of an
# apology that matters most (Lewicki et al. 2016), so it leads wherever a relationship is to be
# rebuilt; a closure or an apology leads when that is all the person wants to give.
_KIND_ORDER: dict[Goal, tuple[TemplateKind, ...]] = {
    Goal.ROMANCE: (
        TemplateKind.ACKNOWLEDGEMENT,
        TemplateKind.CHECK_IN,
        TemplateKind.SHARED_MEMORY,
        TemplateKind.APOLOGY,
        TemplateKind.CLOSURE,
    ),
    Goal.FRIENDSHIP: (
        TemplateKind.ACKNOWLEDGEMENT,
        TemplateKind.CHECK_IN,
        TemplateKind.SHARED_MEMORY,
        TemplateKind.APOLOGY,
        TemplateKind.CLOSURE,
    ),
    Goal.CLOSURE: (
        TemplateKind.CLOSURE,
        TemplateKind.APOLOGY,
        TemplateKind.ACKNOWLEDGEMENT,
        TemplateKind.SHARED_MEMORY,
        TemplateKind.CHECK_IN,
    ),
    Goal.APOLOGY: (
        TemplateKind.APOLOGY,
        TemplateKind.ACKNOWLEDGEMENT,
        TemplateKind.CLOSURE,
        TemplateKind.CHECK_IN,
        TemplateKind.SHARED_MEMORY,
    ),
}


def templates_for(
    templates: Iterable[Template], goal: Goal, what_happened: WhatHappened
) -> tuple[Template, ...]:
    """The templates that suit this goal and what happened, best first.

    Best: the kind that fits the goal first, then the templates written for fewer situations
    (more specific), then the order of the file.
    """
    order = _KIND_ORDER[goal]
    suitable = [t for t in templates if t.suits(goal, what_happened)]
    return tuple(
        sorted(
            suitable,
            key=lambda t: (order.index(t.kind), len(t.what_happened), len(t.goals)),
        )
    )


def _fill_value(value: str, missing: str, noun: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(missing)
    if len(text) > limit:
        raise InvalidInput(f"Please keep {noun} under {limit} characters.")
    if any(ord(c) < 32 for c in text):
        raise InvalidInput(f"Please keep {noun} on one line, without control characters.")
    return text
