"""Reminders for your own calendar: right dates, parseable, and a nudge to yourself only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from workbook.calendar import PRODID, reminders_ics
from workbook.errors import InvalidInput

NOW = datetime(2026, 6, 1, 12, 0)


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def test_weekly_reminders_fall_on_the_right_days_as_all_day_events() -> None:
    ics = reminders_ics("Sam", date(2026, 6, 3), 7, 3, "Text or chat", NOW)
    found = events(ics)
    assert [e.decoded("dtstart") for e in found] == [date(2026, 6, 3), date(2026, 6, 10), date(2026, 6, 17)]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in found)
    assert str(Calendar.from_ical(ics)["prodid"]) == PRODID


def test_every_reminder_has_a_unique_uid_a_stamp_and_a_display_alarm() -> None:
    found = events(reminders_ics("Sam", date(2026, 6, 1), 14, 4, "", NOW))
    assert len({str(e["uid"]) for e in found}) == 4
    assert all(e.decoded("dtstamp") == NOW.astimezone() for e in found)  # the same moment, in UTC
    for event in found:
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"


def test_the_reminder_is_a_nudge_to_yourself_with_the_name_kept_literally() -> None:
    name = "{channel} <b>x</b>, Jo; \\n"
    event = events(reminders_ics(name, date(2026, 6, 2), 7, 1, "Email", NOW))[0]
    assert str(event["summary"]) == f"Check in with {name}?"
    description = str(event["description"])
    assert "Only if it still feels welcome" in description and "Email" in description
    assert "{channel}" not in description
    assert "Sam" not in str(event["uid"]) and "Jo" not in str(event["uid"])


def test_when_they_reach_out_there_is_nothing_to_schedule() -> None:
    assert events(reminders_ics("Sam", date(2026, 6, 2), 0, 5, "", NOW)) == []


@pytest.mark.parametrize(
    ("first", "count", "words"),
    [
        (date(2026, 5, 31), 3, "past"),
        (date(2026, 6, 2), 0, "between 1 and 12"),
        (date(2026, 6, 2), 13, "between"),
    ],
)
def test_a_past_first_date_or_a_count_outside_1_to_12_is_refused(first: date, count: int, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        reminders_ics("Sam", first, 7, count, "", NOW)


def test_today_is_a_valid_first_day() -> None:
    assert len(events(reminders_ics("Sam", NOW.date(), 30, 12, "", NOW))) == 12
