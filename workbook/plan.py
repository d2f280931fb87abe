"""The check-in plan and the pause before sending: stored keys, words, and the two rules they keep.

Pure: `today` and `now` are parameters. The UI (ui/plan.py, ui/message.py) and `calendar.py` call
these rules rather than writing them again; `transfer` and the tests can name the stored keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import InvalidInput
from .messages import Verdict

__all__ = [
    "CADENCE",
    "CHANNEL",
    "FIRST_CHECK_IN",
    "IDEAS",
    "PLAN_KEYS",
    "REMINDERS",
    "Cadence",
    "PlanWords",
    "check_first_check_in",
    "reread_opens_at",
]

# The keys the plan is stored under (store.set_plan); part of the export format.
CADENCE, CHANNEL, IDEAS, FIRST_CHECK_IN, REMINDERS = (
    "cadence",
    "channel",
    "ideas",
    "first_check_in",
    "reminders",
)
PLAN_KEYS = (CADENCE, CHANNEL, IDEAS, FIRST_CHECK_IN, REMINDERS)


@dataclass(frozen=True)
class Cadence:
    value: str  # stored
    label: str  # shown
    days: int  # between reminders; 0 means "no schedule, wait for them"


@dataclass(frozen=True)
class PlanWords:
    """The checked contents of data/plan.toml."""

    pause_minutes: int
    pause_waiting: str
    pause_reread: str
    message_empty: str
    message_stops_contact: str
    verdicts: Mapping[Verdict, str]
    no_pressure_reread: str  # shown with a gentle verdict instead of a perfect score
    support_title: str  # the support card a self-harm draft gets in place of the score
    timing: str  # step 4's paragraph, with {cooling_off_days} and {space_days} from the rules
    plan_not_yet: str
    when_they_reach_out: str
    reminder_note: str
    cadences: tuple[Cadence, ...]
    unsent_note: str
    check_in_prompt: str
    remind_after_days: int
    overdue: str
    moods: tuple[str, ...]  # index 0 is mood 1

    def cadence(self, value: str | None) -> Cadence | None:
        return next((c for c in self.cadences if c.value == value), None)


def check_first_check_in(first: date, today: date) -> date:
    """A first check-in is today or later: reminders for days gone by would only nag."""
    if first < today:
        raise InvalidInput("The first check-in cannot be in the past; choose today or a later day.")
    return first


def reread_opens_at(ready_at: datetime, pause_minutes: int) -> datetime:
    """The pause before sending (seed 003: not in the heat of the moment): the draft can be read
    again, as the other person would, only this long after the person said it was ready."""
    return ready_at + timedelta(minutes=pause_minutes)
