"""Reads data/steps.toml into `Steps`, refusing a table the dashboard or the notebooks could not use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import ContentError
from ..steps import VIEWS, Step, Steps, StepStatus, StepWords

__all__ = ["steps_from_mapping"]

_NOTEBOOK = re.compile(r"(\d\d)_[a-z0-9_]+")


def steps_from_mapping(mapping: Mapping[str, Any], source: str = "steps.toml") -> Steps:
    if mapping.get("version") != 1:
        raise ContentError(f"{source}: version must be 1.")
    tables = mapping.get("step")
    if not isinstance(tables, list) or not tables:
        raise ContentError(f"{source}: add at least one [[step]] table.")
    steps: list[Step] = []
    for number, table in enumerate(tables, start=1):
        where = f"{source}, step #{number}"
        if not isinstance(table, Mapping):
            raise ContentError(f"{where}: write each step as a [[step]] table.")
        notebook = table.get("notebook")
        if notebook is not None and (not isinstance(notebook, str) or not _NOTEBOOK.fullmatch(notebook)):
            raise ContentError(f"{where}: notebook must be a name like 02_check_your_motives.")
        stepper = table.get("stepper")
        if not isinstance(stepper, str) or not stepper.strip():
            raise ContentError(f"{where}: stepper (the dashboard button's caption) is needed.")
        title = table.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ContentError(f"{where}: title (what a link to the step says) is needed.")
        sections = _words(table.get("sections"), f"{where} sections", allow_empty=True)
        parts = _words(table.get("parts"), f"{where} parts", allow_empty=False)
        for part in parts:
            kind, _, section = part.partition(":")
            if kind == "section" and section not in sections:
                raise ContentError(f"{where}: part '{part}' names a section the step does not list.")
            if kind != "section" and part not in VIEWS:
                raise ContentError(f"{where}: '{part}' is not a view; use one of {sorted(VIEWS)}.")
        steps.append(Step(notebook, sections, stepper.strip(), parts, title.strip()))
    numbers = [int(s.notebook[:2]) for s in steps if s.notebook]
    if numbers != list(range(len(numbers))):
        raise ContentError(f"{source}: the notebooks must be numbered 00, 01, ... in order.")
    all_sections = [section for step in steps for section in step.sections]
    if len(set(all_sections)) != len(all_sections):
        raise ContentError(f"{source}: each questionnaire section belongs to one step only.")
    return Steps(tuple(steps), _stepper_words(mapping.get("words"), source))


# Each of the words, with the placeholders it must fill (and may not add to).
_WORDS = {
    "position": {"number", "count"},
    "positions": {"first", "last", "count"},
    "next": {"title"},
    "back": set(),
    "answers_about": {"name"},
}


def _stepper_words(raw: object, source: str) -> StepWords:
    where = f"{source}, [words]"
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: a table of the stepper's words is needed.")
    texts: dict[str, str] = {}
    for key, needed in {**_WORDS, **{status.value: set() for status in StepStatus}}.items():
        text = raw.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: {key} is needed.")
        found = set(_FIELD.findall(text))
        if found != needed:
            wanted = ", ".join(f"{{{name}}}" for name in sorted(needed)) or "no {placeholder}"
            raise ContentError(f"{where}: {key} must use {wanted}.")
        texts[key] = text.strip()
    statuses = {status: texts[status.value] for status in StepStatus}
    return StepWords(
        texts["position"],
        texts["positions"],
        statuses,
        texts["next"],
        texts["back"],
        texts["answers_about"],
    )


_FIELD = re.compile(r"\{(\w*)\}")


def _words(raw: object, where: str, *, allow_empty: bool) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise ContentError(f"{where}: a list of names in quotes is needed.")
    if not raw and not allow_empty:
        raise ContentError(f"{where}: name at least one.")
    return tuple(v.strip() for v in raw)
