"""Step 8: the keep-going plan saves as it changes, and the reminders are a calendar file."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime

import pytest
from icalendar import Calendar

from workbook.content import load_content
from workbook.content.plan_words import plan_words_from_mapping
from workbook.errors import ContentError
from workbook.model import (
    CORE_IDS,
    Channel,
    Event,
    EventKind,
    Goal,
    Relationship,
    Situation,
    Tone,
    WhatHappened,
)
from workbook.store import Store
from workbook.ui.plan import PlanView
from workbook.ui.session import Session
from workbook.ui.widgets import is_hidden

NOW = datetime(2026, 6, 1, 12, 0)
GOOD_ANSWERS = {
    core_id: 1
    if core_id in {"motive_guilt", "motive_loneliness", "motive_boredom", "motive_attention"}
    else 5
    for core_id in CORE_IDS
}


def a_session(name: str = "Sam", *, replied: bool = False) -> Session:
    store = Store(memory=True)
    store.add_person(
        Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2025, 12, 1), Goal.FRIENDSHIP)
    )
    if replied:
        for core_id, value in GOOD_ANSWERS.items():
            store.set_answer(name, core_id, value)
        store.add_event(name, Event(EventKind.SENT, datetime(2026, 5, 20, 18), Channel.TEXT))
        store.add_event(
            name, Event(EventKind.RECEIVED, datetime(2026, 5, 21, 9), Channel.TEXT, Tone.POSITIVE)
        )
    return Session(store, clock=lambda: NOW)


def ics_from(view: PlanView) -> Calendar:
    match = re.search(r'href="data:text/calendar;base64,([A-Za-z0-9+/=]+)"', view.link.value)
    assert match, view.link.value
    return Calendar.from_ical(base64.b64decode(match.group(1)))


def test_every_plan_field_is_saved_as_it_changes_and_shown_again() -> None:
    session = a_session()
    view = PlanView(session)
    view.cadence.value = "fortnightly"
    view.channel.value = Channel.VOICE_NOTE.value
    view.ideas.value = "The allotment; that band we both like"
    view.first.value = date(2026, 6, 5)
    view.reminders.value = 6
    assert session.store.plan("Sam") == {
        "cadence": "fortnightly",
        "channel": "voice_note",
        "ideas": "The allotment; that band we both like",
        "first_check_in": "2026-06-05",
        "reminders": 6,
    }
    again = PlanView(session)
    assert (again.cadence.value, again.channel.value, again.first.value, again.reminders.value) == (
        "fortnightly",
        "voice_note",
        date(2026, 6, 5),
        6,
    )
    assert again.ideas.value == "The allotment; that band we both like"


def test_the_channel_choice_never_offers_all_channels() -> None:
    assert Channel.ALL.value not in {value for _label, value in PlanView(a_session()).channel.options}


def test_a_first_check_in_in_the_past_is_refused_inline_and_not_stored() -> None:
    session = a_session()
    view = PlanView(session)
    view.first.value = date(2026, 5, 31)
    assert "past" in view.message.value and "wb-error" in view.message._dom_classes
    assert "first_check_in" not in session.store.plan("Sam")


def test_the_plan_shows_a_gentle_note_until_they_reply_and_still_allows_planning() -> None:
    waiting = PlanView(a_session())
    assert not is_hidden(waiting.not_yet)
    waiting.cadence.value = "weekly"
    assert waiting.session.store.plan("Sam") == {"cadence": "weekly"}
    assert is_hidden(PlanView(a_session(replied=True)).not_yet)


def test_download_builds_reminders_on_the_right_dates_with_a_fixed_link() -> None:
    view = PlanView(a_session("<b>Jo</b>", replied=True))
    view.cadence.value = "weekly"
    view.channel.value = Channel.TEXT.value
    view.first.value = date(2026, 6, 2)
    view.reminders.value = 3
    view.download.click()
    calendar = ics_from(view)
    found = calendar.walk("VEVENT")
    assert [e.decoded("dtstart") for e in found] == [date(2026, 6, 2), date(2026, 6, 9), date(2026, 6, 16)]
    assert str(found[0]["summary"]) == "Check in with <b>Jo</b>?"
    assert 'download="reminders.ics"' in view.link.value and "<b>" not in view.link.value


def test_when_they_reach_out_no_reminders_are_made_and_it_says_so() -> None:
    view = PlanView(a_session(replied=True))
    view.cadence.value = "when_they_reach_out"
    view.first.value = date(2026, 6, 2)
    view.download.click()
    assert view.link.value == ""
    assert "nothing to schedule" in view.ics_message.value


def test_download_without_a_cadence_or_a_date_says_what_is_missing() -> None:
    view = PlanView(a_session(replied=True))
    view.download.click()
    assert "how often" in view.ics_message.value and view.link.value == ""
    view.cadence.value = "monthly"
    view.download.click()
    assert "first check-in" in view.ics_message.value and view.link.value == ""


def test_changing_the_plan_withdraws_a_link_made_for_the_old_plan() -> None:
    view = PlanView(a_session(replied=True))
    view.cadence.value = "weekly"
    view.first.value = date(2026, 6, 2)
    view.download.click()
    assert view.link.value
    view.reminders.value = 2
    assert view.link.value == ""


def test_the_plan_follows_the_chosen_person() -> None:
    session = a_session()
    session.store.add_person(
        Situation("Robin", Relationship.FAMILY, WhatHappened.OTHER, date(2025, 1, 1), Goal.APOLOGY)
    )
    view = PlanView(session)
    view.cadence.value = "monthly"
    session.choose("Robin")
    assert view.cadence.value is None
    session.choose("Sam")
    assert view.cadence.value == "monthly"


def test_plan_words_must_name_five_moods_and_known_keys() -> None:
    from workbook.content import read_toml

    words = read_toml("plan.toml")
    words["journal"] = dict(words["journal"], moods=["low", "high"])
    with pytest.raises(ContentError, match="five words"):
        plan_words_from_mapping(words, source="plan.toml")
    assert load_content().plan_words.pause_minutes >= 1


def test_no_reminders_to_get_in_touch_when_they_asked_for_no_contact() -> None:
    session = a_session("Jo", replied=True)
    session.store.add_event("Jo", Event(EventKind.ASKED_TO_STOP, datetime(2026, 5, 25, 9)))
    session.changed()
    view = PlanView(session)
    assert is_hidden(view.download)
    view.cadence.value = "weekly"
    view.first.value = date(2026, 6, 2)
    view.reminders.value = 3
    assert view.make_reminders() is None
    assert view.link.value == ""
    assert "leave them be" in view.ics_message.value
