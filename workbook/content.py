"""Loads the content under data/ and validates it before anything uses it.

Content is what a non-programmer may edit: the questions, the message templates, the draft
checker's patterns and the guidance thresholds. Each file is TOML (comments allowed, so every
threshold can name the seed it comes from). This module only finds and parses the files; the
meaning of each is checked by the module that owns it (`*_from_mapping`), which raises
`ContentError` naming the file and the item at fault. Loads are cached: content does not change
while the app runs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError
from .model import Channel, EventKind, Goal, JournalKind, Relationship, Signal, Tone, WhatHappened

if TYPE_CHECKING:
    from .guidance import GuidanceRules
    from .messages import MessageRules
    from .questions import Questionnaire, Template

__all__ = [
    "DATA_DIR",
    "Labels",
    "load_labels",
    "load_message_rules",
    "load_questionnaire",
    "load_rules",
    "load_templates",
    "read_toml",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_toml(name: str, data_dir: Path | None = None) -> dict[str, Any]:
    """Parse one content file, turning any problem into a `ContentError` that names it."""
    path = (data_dir or DATA_DIR) / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"Content file {path} is missing.") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"Content file {path} is not valid TOML: {error}") from None


@cache
def load_rules(data_dir: Path | None = None) -> GuidanceRules:
    """The guidance thresholds and band wording (data/guidance.toml)."""
    from .guidance import rules_from_mapping

    return rules_from_mapping(read_toml("guidance.toml", data_dir), source="guidance.toml")


@cache
def load_message_rules(data_dir: Path | None = None) -> MessageRules:
    """The draft checker's patterns and suggestions (data/message_checks.toml)."""
    from .messages import message_rules_from_mapping

    return message_rules_from_mapping(
        read_toml("message_checks.toml", data_dir), source="message_checks.toml"
    )


@cache
def load_questionnaire(data_dir: Path | None = None) -> Questionnaire:
    """Every section's questions (data/questions.toml)."""
    from .questions import questionnaire_from_mapping

    return questionnaire_from_mapping(read_toml("questions.toml", data_dir), source="questions.toml")


@cache
def load_templates(data_dir: Path | None = None) -> tuple[Template, ...]:
    """The message templates (data/templates.toml)."""
    from .questions import templates_from_mapping

    return templates_from_mapping(read_toml("templates.toml", data_dir), source="templates.toml")


_LABELLED: dict[str, type[StrEnum]] = {
    "relationship": Relationship,
    "what_happened": WhatHappened,
    "goal": Goal,
    "signals": Signal,
    "event_kinds": EventKind,
    "channels": Channel,
    "tones": Tone,
    "journal_kinds": JournalKind,
}


@dataclass(frozen=True)
class Labels:
    """The words shown for each fixed choice, by table and stored value."""

    tables: Mapping[str, Mapping[str, str]]

    def __call__(self, member: StrEnum) -> str:
        table = next(name for name, kind in _LABELLED.items() if isinstance(member, kind))
        return self.tables[table][member.value]

    def options(self, kind: type[StrEnum], exclude: tuple[StrEnum, ...] = ()) -> list[tuple[str, str]]:
        """(label, value) pairs for a widget, in the enum's order."""
        return [(self(m), m.value) for m in kind if m not in exclude]


@cache
def load_labels(data_dir: Path | None = None) -> Labels:
    """The display words for every enum (data/labels.toml); every member must have one."""
    data = read_toml("labels.toml", data_dir)
    for table, kind in _LABELLED.items():
        entries = data.get(table)
        if not isinstance(entries, Mapping):
            raise ContentError(f"labels.toml: the [{table}] table is missing.")
        for member in kind:
            text = entries.get(member.value)
            if not isinstance(text, str) or not text.strip():
                raise ContentError(f"labels.toml, [{table}] {member.value}: a label is needed.")
        unknown = set(entries) - {m.value for m in kind}
        if unknown:
            raise ContentError(f"labels.toml, [{table}]: unknown key {sorted(unknown)[0]}.")
    return Labels({table: dict(data[table]) for table in _LABELLED})
