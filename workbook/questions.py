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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from .errors import ContentError, InvalidInput
from .model import (
    CORE_IDS,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    AnswerValue,
    Goal,
    WhatHappened,
    parse_date,
)

__all__ = [
    "MAX_SHARED_THING_LENGTH",
    "MAX_TEMPLATE_WORDS",
    "PLACEHOLDERS",
    "SECTION_IDS",
    "Option",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Section",
    "Template",
    "TemplateKind",
    "questionnaire_from_mapping",
    "templates_for",
    "templates_from_mapping",
]

# The sections the notebooks and the dashboard ask for, in the order a person meets them.
SECTION_IDS: tuple[str, ...] = (
    "start",
    "decision",
    "motives",
    "their_side",
    "boundaries",
    "message",
    "keep_going",
    "if_no",
)
CORE_SECTION = "motives"

PLACEHOLDERS: frozenset[str] = frozenset({"name", "shared_thing"})
# A first message should be light (seed 002: "something small, friendly, non-threatening").
MAX_TEMPLATE_WORDS = 80
MAX_SHARED_THING_LENGTH = 200

DEFAULT_LOW_LABEL = "Strongly disagree"
DEFAULT_HIGH_LABEL = "Strongly agree"
LIKERT_RANGE = range(1, 6)

E = TypeVar("E", bound=StrEnum)

_ID = re.compile(r"[a-z][a-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{(name|shared_thing)\}")
_ANY_BRACED = re.compile(r"\{([^{}]*)\}")


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
            raise InvalidInput(f"{_shown(unknown[0])} is not one of the choices here: {self._labels()}.")
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


# --- Reading the content files --------------------------------------------------------------

_SECTION_KEYS = {"id", "title", "intro", "question"}
_QUESTION_KEYS = {
    "id",
    "kind",
    "prompt",
    "help",
    "options",
    "low_label",
    "high_label",
    "required",
    "placeholder",
    "max_length",
    "long",
}
_TEMPLATE_KEYS = {"id", "kind", "title", "text", "goals", "what_happened", "note"}


def questionnaire_from_mapping(mapping: Mapping[str, Any], source: str) -> Questionnaire:
    """Build the questionnaire from parsed questions.toml, refusing anything malformed."""
    _only_keys(mapping, {"section"}, source)
    tables = _tables(mapping.get("section"), source, "section", "[[section]]")
    sections: list[Section] = []
    seen_questions: dict[str, str] = {}
    for number, table in enumerate(tables, start=1):
        where = _item(source, "section", table.get("id"), number)
        section_id = _identifier(table, where)
        if any(s.id == section_id for s in sections):
            raise ContentError(f"{where}: this section id is used twice; ids must be unique.")
        _only_keys(table, _SECTION_KEYS, where)
        title = _text(table, "title", where)
        intro = _text(table, "intro", where)
        question_tables = _tables(table.get("question"), where, "question", "[[section.question]]")
        questions: list[Question] = []
        for q_number, q_table in enumerate(question_tables, start=1):
            q_where = _item(where, "question", q_table.get("id"), q_number)
            question = _question(q_table, section_id, q_where)
            if question.id in seen_questions:
                raise ContentError(
                    f"{q_where}: this question id is already used in section "
                    f"'{seen_questions[question.id]}'; ids must be unique across all sections."
                )
            seen_questions[question.id] = section_id
            questions.append(question)
        sections.append(Section(section_id, title, intro, tuple(questions)))

    questionnaire = Questionnaire(tuple(sections))
    missing_sections = [s for s in SECTION_IDS if s not in {x.id for x in sections}]
    if missing_sections:
        raise ContentError(
            f"{source}: the notebooks need a section '{missing_sections[0]}', and there is none."
        )
    _check_core(questionnaire, source)
    return questionnaire


def _check_core(questionnaire: Questionnaire, source: str) -> None:
    """The readiness score reads these ids; without them it cannot be computed."""
    for core_id in CORE_IDS:
        where = f"{source}, section '{CORE_SECTION}', question '{core_id}'"
        if core_id not in questionnaire:
            raise ContentError(
                f"{where}: this core question is missing; the readiness score needs every one "
                f"of {', '.join(CORE_IDS)}."
            )
        question = questionnaire.question(core_id)
        if question.section != CORE_SECTION:
            raise ContentError(
                f"{source}, section '{question.section}', question '{core_id}': core questions "
                f"belong in section '{CORE_SECTION}'."
            )
        if question.kind is not QuestionKind.LIKERT:
            raise ContentError(f"{where}: a core question must be a likert question.")


def _question(table: Mapping[str, Any], section_id: str, where: str) -> Question:
    question_id = _identifier(table, where)
    _only_keys(table, _QUESTION_KEYS, where)
    kind = _enum(QuestionKind, table.get("kind"), where, "kind")
    options = _options(table.get("options"), where)
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
        if len(options) < 2:
            raise ContentError(f"{where}: a {kind} question needs at least two options.")
    elif options:
        raise ContentError(f"{where}: a {kind} question cannot have options.")
    if kind is not QuestionKind.LIKERT and ("low_label" in table or "high_label" in table):
        raise ContentError(f"{where}: only a likert question has low_label and high_label.")
    if kind is not QuestionKind.TEXT and ("long" in table or "max_length" in table):
        raise ContentError(f"{where}: only a text question can be long or have a max_length.")
    max_length = table.get("max_length")
    if max_length is not None and not (
        isinstance(max_length, int) and not isinstance(max_length, bool) and 0 < max_length <= MAX_TEXT_LENGTH
    ):
        raise ContentError(f"{where}: max_length must be a whole number from 1 to {MAX_TEXT_LENGTH}.")
    return Question(
        id=question_id,
        section=section_id,
        kind=kind,
        prompt=_text(table, "prompt", where),
        help=_text(table, "help", where, required=False),
        options=options,
        low_label=_text(table, "low_label", where, required=False),
        high_label=_text(table, "high_label", where, required=False),
        required=_flag(table, "required", where),
        placeholder=_text(table, "placeholder", where, required=False),
        max_length=max_length,
        long=_flag(table, "long", where),
    )


def _options(raw: object, where: str) -> tuple[Option, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(f'{where}: options must be a list like [{{value = "x", label = "X"}}].')
    options: list[Option] = []
    for number, entry in enumerate(raw, start=1):
        o_where = f"{where}, option {number}"
        if not isinstance(entry, dict):
            raise ContentError(f'{o_where}: write each option as {{value = "x", label = "X"}}.')
        _only_keys(entry, {"value", "label"}, o_where)
        value = _text(entry, "value", o_where)
        if any(option.value == value for option in options):
            raise ContentError(f"{o_where}: the value '{value}' is used twice in this question.")
        options.append(Option(value, _text(entry, "label", o_where)))
    return tuple(options)


def templates_from_mapping(mapping: Mapping[str, Any], source: str) -> tuple[Template, ...]:
    """Build the message templates from parsed templates.toml, refusing anything malformed."""
    _only_keys(mapping, {"template"}, source)
    tables = _tables(mapping.get("template"), source, "template", "[[template]]")
    templates: list[Template] = []
    for number, table in enumerate(tables, start=1):
        where = _item(source, "template", table.get("id"), number)
        template_id = _identifier(table, where)
        if any(t.id == template_id for t in templates):
            raise ContentError(f"{where}: this template id is used twice; ids must be unique.")
        _only_keys(table, _TEMPLATE_KEYS, where)
        text = _text(table, "text", where)
        _check_placeholders(text, where)
        if len(text.split()) > MAX_TEMPLATE_WORDS:
            raise ContentError(
                f"{where}: the text has {len(text.split())} words; keep a first message under "
                f"{MAX_TEMPLATE_WORDS} so it stays light."
            )
        note = _text(table, "note", where)
        if "\n" in note:
            raise ContentError(f"{where}: keep the note to one line.")
        templates.append(
            Template(
                id=template_id,
                kind=_enum(TemplateKind, table.get("kind"), where, "kind"),
                title=_text(table, "title", where),
                text=text.strip(),
                goals=_enum_set(Goal, table.get("goals"), where, "goals"),
                what_happened=_enum_set(WhatHappened, table.get("what_happened"), where, "what_happened"),
                note=note,
            )
        )
    return tuple(templates)


def _check_placeholders(text: str, where: str) -> None:
    known = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
    for name in _ANY_BRACED.findall(text):
        if name not in PLACEHOLDERS:
            raise ContentError(f"{where}: the placeholder {{{name}}} is not known; use only {known}.")
    if "{" in _ANY_BRACED.sub("", text) or "}" in _ANY_BRACED.sub("", text):
        raise ContentError(f"{where}: the text has a stray brace; placeholders are {known}.")


# --- Small readers that name the item at fault ----------------------------------------------


def _item(parent: str, what: str, item_id: object, number: int) -> str:
    if isinstance(item_id, str) and item_id:
        return f"{parent}, {what} '{item_id}'"
    return f"{parent}, {what} #{number}"


def _tables(raw: object, where: str, key: str, header: str) -> list[Mapping[str, Any]]:
    if raw is None:
        raise ContentError(f"{where}: there is no {key}; add one with a {header} table.")
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ContentError(f"{where}: write each {key} as a {header} table.")
    return raw


def _only_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ContentError(
            f"{where}: '{unknown[0]}' is not a known key (known: {', '.join(sorted(allowed))})."
        )


def _identifier(table: Mapping[str, Any], where: str) -> str:
    value = table.get("id")
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ContentError(f"{where}: the id must be lower-case words joined by underscores, like 'why_now'.")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ContentError(f"{where}: {key} must be text in quotes.")
    if required and not value.strip():
        raise ContentError(f"{where}: {key} is empty; please write one.")
    return value.strip()


def _flag(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ContentError(f"{where}: {key} must be true or false.")
    return value


def _enum(kind: type[E], value: object, where: str, key: str) -> E:
    allowed = ", ".join(member.value for member in kind)
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    raise ContentError(f"{where}: {key} {_shown(value)} is not known; use one of: {allowed}.")


def _enum_set(kind: type[E], raw: object, where: str, key: str) -> frozenset[E]:
    if not isinstance(raw, list) or not raw:
        allowed = ", ".join(member.value for member in kind)
        raise ContentError(f"{where}: {key} must be a non-empty list of: {allowed}.")
    return frozenset(_enum(kind, value, where, key) for value in raw)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fill_value(value: str, missing: str, noun: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(missing)
    if len(text) > limit:
        raise InvalidInput(f"Please keep {noun} under {limit} characters.")
    if any(ord(c) < 32 for c in text):
        raise InvalidInput(f"Please keep {noun} on one line, without control characters.")
    return text
