"""Reads data/labels.toml: the words shown for each fixed choice. Every enum member needs one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..errors import ContentError
from ..model import Channel, EventKind, Goal, JournalKind, Relationship, Signal, Tone, WhatHappened

__all__ = ["Labels", "labels_from_mapping"]

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


def labels_from_mapping(data: Mapping[str, Any], source: str = "labels.toml") -> Labels:
    """The display words for every enum; every member must have one."""
    for table, kind in _LABELLED.items():
        entries = data.get(table)
        if not isinstance(entries, Mapping):
            raise ContentError(f"{source}: the [{table}] table is missing.")
        for member in kind:
            text = entries.get(member.value)
            if not isinstance(text, str) or not text.strip():
                raise ContentError(f"{source}, [{table}] {member.value}: a label is needed.")
        unknown = set(entries) - {m.value for m in kind}
        if unknown:
            raise ContentError(f"{source}, [{table}]: unknown key {sorted(unknown)[0]}.")
    return Labels({table: dict(data[table]) for table in _LABELLED})
