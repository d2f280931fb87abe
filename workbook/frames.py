"""Your own data as pandas tables, for anyone who wants to sort, filter or plot it their own way in
JupyterLab (notebooks 07 and 09 show them; `ui.contact_log()` and `ui.check_ins()` call these).

Each column has the type its meaning calls for, so pandas sorts and groups it correctly: times are
`datetime64`, the kinds, channels and tones are categoricals listing every value the workbook knows
(the tone ordered from negative to positive), the mood a whole number, names and notes text.

pandas is imported inside the functions: the dashboard and the command line load it only when
someone asks for a table, never to start (`assess` and `check-message` never touch it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .model import Channel, EventKind, JournalKind, Person, Tone

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHECK_IN_COLUMNS", "LOG_COLUMNS", "check_ins", "contact_log"]

LOG_COLUMNS = ("person", "kind", "at", "channel", "tone", "note")
CHECK_IN_COLUMNS = ("person", "at", "mood", "note")
TONE_ORDER = (Tone.NEGATIVE.value, Tone.NEUTRAL.value, Tone.POSITIVE.value)


def contact_log(people: Iterable[Person]) -> pd.DataFrame:
    """One row per contact event, oldest first, as the export writes them."""
    import pandas as pd

    rows = [
        (person.name, event.kind.value, event.at, _value(event.channel), _value(event.tone), event.note)
        for person in people
        for event in person.events
    ]
    rows.sort(key=lambda row: (row[2], row[0]))
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(LOG_COLUMNS)
    frame = pd.DataFrame(
        {
            "person": pd.Series(columns[0], dtype="string"),
            "kind": pd.Series(columns[1], dtype=pd.CategoricalDtype([k.value for k in EventKind])),
            "at": pd.Series(columns[2], dtype="datetime64[ns]"),
            "channel": pd.Series(columns[3], dtype=pd.CategoricalDtype([c.value for c in Channel])),
            "tone": pd.Series(columns[4], dtype=pd.CategoricalDtype(TONE_ORDER, ordered=True)),
            "note": pd.Series(columns[5], dtype="string"),
        }
    )
    return frame


def check_ins(people: Iterable[Person]) -> pd.DataFrame:
    """The weekly check-ins (how you were doing, 1 very low to 5 good), oldest first."""
    import pandas as pd

    rows = [
        (person.name, entry.at, entry.mood, entry.text)
        for person in people
        for entry in person.journal
        if entry.kind is JournalKind.CHECK_IN
    ]
    rows.sort(key=lambda row: (row[1], row[0]))
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(CHECK_IN_COLUMNS)
    return pd.DataFrame(
        {
            "person": pd.Series(columns[0], dtype="string"),
            "at": pd.Series(columns[1], dtype="datetime64[ns]"),
            "mood": pd.Series(columns[2], dtype="Int64"),
            "note": pd.Series(columns[3], dtype="string"),
        }
    )


def _value(member: Channel | Tone | None) -> str | None:
    return None if member is None else member.value
