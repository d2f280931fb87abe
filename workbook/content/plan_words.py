"""Reads data/plan.toml: the words of the pause before sending, the plan and the journal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ContentError
from ..messages import Verdict
from ..plan import Cadence, PlanWords

__all__ = ["plan_words_from_mapping"]


def plan_words_from_mapping(mapping: Mapping[str, Any], source: str) -> PlanWords:
    """Check parsed plan.toml, naming the table and key at fault."""

    def table(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = parent.get(key)
        if not isinstance(value, Mapping):
            raise ContentError(f"{where}: the [{key}] table is missing.")
        return value

    def text(parent: Mapping[str, Any], key: str, where: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: {key} must be some text in quotes.")
        return " ".join(value.split())

    def whole(parent: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = parent.get(key)
        if type(value) is not int or not low <= value <= high:
            raise ContentError(f"{where}: {key} must be a whole number from {low} to {high}.")
        return value

    timing = text(table(mapping, "timing", source), "text", f"{source}, [timing]")
    try:
        timing.format(cooling_off_days=30, space_days=60)
    except (KeyError, IndexError, ValueError) as error:
        raise ContentError(f"{source}, [timing] text: unknown placeholder {error}.") from None
    pause = table(mapping, "pause", source)
    message = table(mapping, "message", source)
    plan = table(mapping, "plan", source)
    journal = table(mapping, "journal", source)
    where_pause, where_message = f"{source}, [pause]", f"{source}, [message]"
    where_plan, where_journal = f"{source}, [plan]", f"{source}, [journal]"

    raw_cadences = plan.get("cadence")
    if not isinstance(raw_cadences, list) or not raw_cadences:
        raise ContentError(f"{where_plan}: add at least one [[plan.cadence]] table.")
    cadences: list[Cadence] = []
    for number, entry in enumerate(raw_cadences, start=1):
        where = f"{source}, cadence #{number}"
        if not isinstance(entry, Mapping):
            raise ContentError(f"{where}: write each cadence as a [[plan.cadence]] table.")
        cadence = Cadence(
            text(entry, "value", where), text(entry, "label", where), whole(entry, "days", where, 0, 365)
        )
        if any(c.value == cadence.value for c in cadences):
            raise ContentError(f"{where}: the value '{cadence.value}' is used twice.")
        cadences.append(cadence)

    moods = journal.get("moods")
    if (
        not isinstance(moods, list)
        or len(moods) != 5
        or not all(isinstance(m, str) and m.strip() for m in moods)
    ):
        raise ContentError(f"{where_journal}: moods must list five words, from 1 (very low) to 5 (good).")

    return PlanWords(
        pause_minutes=whole(pause, "minutes", where_pause, 1, 24 * 60),
        pause_waiting=text(pause, "waiting", where_pause),
        pause_reread=text(pause, "reread", where_pause),
        message_empty=text(message, "empty", where_message),
        message_stops_contact=text(message, "stops_contact", where_message),
        verdicts={verdict: text(message, verdict.value, where_message) for verdict in Verdict},
        no_pressure_reread=text(message, "no_pressure_reread", where_message),
        support_title=text(message, "support_title", where_message),
        timing=timing,
        plan_not_yet=text(plan, "not_yet", where_plan),
        when_they_reach_out=text(plan, "when_they_reach_out", where_plan),
        reminder_note=text(plan, "reminder_note", where_plan),
        cadences=tuple(cadences),
        unsent_note=text(journal, "unsent_note", where_journal),
        check_in_prompt=text(journal, "check_in_prompt", where_journal),
        remind_after_days=whole(journal, "remind_after_days", where_journal, 1, 365),
        overdue=text(journal, "overdue", where_journal),
        moods=tuple(m.strip() for m in moods),
    )
