"""Reads data/questions.toml and data/templates.toml into the types of `questions.py`.

Refuses anything malformed with a `ContentError` that names the file and the item
("questions.toml, section 'their_side', question 'x': ..."), and checks that the core reflection
instrument (`model.CORE_IDS`) is present as likert questions in `motives`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from ..answer_keys import RESERVED
from ..errors import ContentError
from ..model import CORE_IDS, MAX_TEXT_LENGTH, Goal, WhatHappened, shown
from ..questions import (
    CORE_SECTION,
    MAX_TEMPLATE_WORDS,
    PLACEHOLDERS,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Section,
    Template,
    TemplateKind,
)

__all__ = ["questionnaire_from_mapping", "templates_from_mapping"]

E = TypeVar("E", bound=StrEnum)

_ID = re.compile(r"[a-z][a-z0-9_]*")
_ANY_BRACED = re.compile(r"\{([^{}]*)\}")

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


def questionnaire_from_mapping(
    mapping: Mapping[str, Any], source: str, required: tuple[str, ...]
) -> Questionnaire:
    """Build the questionnaire from parsed questions.toml, refusing anything malformed.

    `required` are the section ids the steps ask for (data/steps.toml)."""
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
    missing_sections = [s for s in required if s not in {x.id for x in sections}]
    if missing_sections:
        raise ContentError(
            f"{source}: the steps (steps.toml) need a section '{missing_sections[0]}', and there is none."
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
    if question_id in RESERVED:
        raise ContentError(
            f"{where}: the id '{question_id}' is kept for the workbook's own use; choose another."
        )
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
    raise ContentError(f"{where}: {key} {shown(value)} is not known; use one of: {allowed}.")


def _enum_set(kind: type[E], raw: object, where: str, key: str) -> frozenset[E]:
    if not isinstance(raw, list) or not raw:
        allowed = ", ".join(member.value for member in kind)
        raise ContentError(f"{where}: {key} must be a non-empty list of: {allowed}.")
    return frozenset(_enum(kind, value, where, key) for value in raw)
