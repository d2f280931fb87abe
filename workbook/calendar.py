"""Check-in reminders as an iCalendar file a person imports into their own calendar.

The workbook never contacts anyone, and it does not run in the background either: the reminders
live in the person's own calendar, where they can move or delete them. Each reminder is a nudge to
*yourself* to check in at the other person's pace, and only if it still feels welcome; it is never
a prompt to push.

Pure apart from the `icalendar` library: `now` (for DTSTAMP) is a parameter, nothing reads the
clock. UIDs are derived from the name, the first date and the position, so importing the same plan
twice updates the reminders rather than doubling them, and the name itself never appears in a UID.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from .errors import InvalidInput
from .model import LATEST_DATE, MAX_NAME_LENGTH
from .plan import check_first_check_in

__all__ = [
    "ALARM_AFTER_START",
    "MAX_REMINDERS",
    "PRODID",
    "REMINDER_CHANNEL",
    "REMINDER_DESCRIPTION",
    "REMINDER_SUMMARY",
    "reminders_ics",
]

PRODID = "-//Reconnect Workbook//EN"
MAX_REMINDERS = 12
# All-day events start at midnight; the alarm rings mid-morning on the day instead.
ALARM_AFTER_START = timedelta(hours=10)

# A nudge to yourself, never to them (the name and the channel are inserted literally).
REMINDER_SUMMARY = "Check in with {name}?"
REMINDER_DESCRIPTION = (
    "Only if it still feels welcome. Keep it short and let them set the pace. "
    "If they have gone quiet, asked for space or said no, let this one pass: "
    "their answer matters more than any plan."
)
REMINDER_CHANNEL = " The way they prefer to hear from you: {channel}."


def reminders_ics(
    name: str,
    first: date,
    cadence_days: int,
    count: int,
    channel_label: str,
    now: datetime,
) -> bytes:
    """An iCalendar file with `count` all-day reminders, `cadence_days` apart from `first`.

    A cadence of 0 days means "when they reach out": there is nothing to schedule, so the calendar
    holds no events. Raises `InvalidInput` for a missing name, a first date before `now`, or a
    count outside 1..12.
    """
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise InvalidInput("Please choose a person first, so the reminders know who they are about.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Please keep the name under {MAX_NAME_LENGTH} characters.")
    if cadence_days < 0:
        raise InvalidInput("The time between check-ins cannot be negative.")
    if not 1 <= count <= MAX_REMINDERS:
        raise InvalidInput(f"Choose between 1 and {MAX_REMINDERS} reminders.")
    check_first_check_in(first, now.date())
    if first > LATEST_DATE:  # the reminders count weeks on from it, past what a date can hold
        raise InvalidInput(f"The first check-in, {first}, is too far ahead. Please check the year.")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if cadence_days == 0:
        return calendar.to_ical()

    stamp = _utc(now)
    summary = REMINDER_SUMMARY.replace("{name}", name)
    # Each placeholder is replaced in fixed text only, so a name like "{channel}" stays as typed.
    description = REMINDER_DESCRIPTION
    if channel_label.strip():
        description += REMINDER_CHANNEL.replace("{channel}", channel_label.strip())
    key = hashlib.sha256(f"{name.casefold()}|{first.isoformat()}".encode()).hexdigest()[:16]
    for number in range(count):
        day = first + timedelta(days=cadence_days * number)
        event = CalendarEvent()
        event.add("uid", f"{key}-{number + 1}@reconnect-workbook")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", ALARM_AFTER_START)
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def _utc(moment: datetime) -> datetime:
    """DTSTAMP must be UTC; a naive time is the person's local wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)
