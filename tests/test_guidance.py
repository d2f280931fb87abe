"""The guidance rules of DESIGN.md (version 2), one test per rule, plus properties that must always hold."""

from __future__ import annotations

import dataclasses
import random
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbook.content import DATA_DIR, read_toml
from workbook.content.guidance_rules import rules_from_mapping
from workbook.errors import ContentError
from workbook.guidance import (
    BAND_RULES,
    FLAG_RULES,
    KEEP_AWAY_SIGNALS,
    STOP_SIGNAL_EVENTS,
    assess,
    cooling_off_until,
    readiness_score,
)
from workbook.model import (
    CORE_IDS,
    Assessment,
    Band,
    Channel,
    Event,
    EventKind,
    FlagCode,
    Goal,
    Person,
    Relationship,
    Signal,
    Situation,
    Tone,
    WhatHappened,
)
from workbook.transfer import parse_document

RULES = rules_from_mapping(read_toml("guidance.toml"))  # the guidance file alone: no other content
TODAY = date(2026, 6, 1)
READY = {k: 4 for k in CORE_IDS} | {
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
}
SAFETY_SIGNALS = (Signal.I_FEEL_UNSAFE, Signal.THEY_ARE_AFRAID, Signal.STAY_AWAY_ORDER)
EXPORT_V1 = Path(__file__).resolve().parent / "data" / "export_v1.json"


def person(
    *events: Event,
    what: WhatHappened = WhatHappened.I_PUSHED_AWAY,
    ended: date = date(2026, 1, 1),
    goal: Goal = Goal.FRIENDSHIP,
    signals: tuple[Signal, ...] = (),
    answers: dict | None = None,
) -> Person:
    situation = Situation("Robin", Relationship.FRIEND, what, ended, goal, frozenset(signals))
    return Person(situation, answers=READY if answers is None else answers, events=events)


def sent(at: str, channel: Channel = Channel.TEXT) -> Event:
    return Event(EventKind.SENT, datetime.fromisoformat(at), channel)


def received(at: str, tone: Tone = Tone.POSITIVE, channel: Channel = Channel.TEXT) -> Event:
    return Event(EventKind.RECEIVED, datetime.fromisoformat(at), channel, tone)


def blocked(at: str, channel: Channel = Channel.ALL) -> Event:
    return Event(EventKind.BLOCKED, datetime.fromisoformat(at), channel)


def other(kind: EventKind, at: str, channel: Channel | None = None) -> Event:
    return Event(kind, datetime.fromisoformat(at), channel)


def codes(assessment: Assessment) -> dict[FlagCode, list[datetime]]:
    return {f.code: [e.at for e in f.events] for f in assessment.flags}


def said(assessment: Assessment) -> str:
    return " ".join(assessment.reasons)


READY_SENTENCE = RULES.reasons["ready"]


# ------------------------------------------------------------------------------ precedence


def test_the_bands_are_tried_in_the_order_design_gives():
    assert [band for band, _rule in BAND_RULES] == [
        Band.SAFETY_FIRST,
        Band.RESPECT_THEIR_WISHES,
        Band.BALL_IN_THEIR_COURT,
        Band.NOT_YET,
        Band.KEEP_GOING,
        Band.WAIT,
        Band.REACH_OUT,
    ]
    assert [band for band in Band] == [band for band, _rule in BAND_RULES]


def test_exactly_the_bands_with_no_date_stop_contact():
    stopping = {band for band in Band if band.stops_contact}
    assert stopping == {Band.SAFETY_FIRST, Band.RESPECT_THEIR_WISHES, Band.BALL_IN_THEIR_COURT, Band.NOT_YET}


def test_every_flag_has_a_rule():
    assert {code for code, _rule in FLAG_RULES} == set(FlagCode)


# ---------------------------------------------------------------------------- safety_first


def test_feeling_unsafe_puts_your_safety_first_with_no_date():
    result = assess(person(signals=(Signal.I_FEEL_UNSAFE,)), TODAY, RULES)
    assert result.band is Band.SAFETY_FIRST
    assert result.earliest_contact is None
    assert "owe them nothing" in result.next_step
    assert "What to do instead" in result.next_step
    assert "do not feel safe" in said(result)


def test_your_safety_comes_before_everything_even_their_warm_reply():
    p = person(
        sent("2026-05-01T10:00"),
        received("2026-05-02T10:00"),
        signals=(Signal.I_FEEL_UNSAFE, Signal.REACHED_OUT_TO_ME, Signal.SAID_NO),
        answers={},
    )
    assert assess(p, TODAY, RULES).band is Band.SAFETY_FIRST


def test_safety_first_also_names_their_fear_or_an_order_so_both_help_pages_show():
    p = person(signals=(Signal.I_FEEL_UNSAFE, Signal.STAY_AWAY_ORDER))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.SAFETY_FIRST
    assert "told to stay away" in said(result)


def test_no_band_text_names_a_phone_number():
    texts = [text.next_step for text in RULES.bands.values()]
    texts += [RULES.bands[Band.RESPECT_THEIR_WISHES].next_step_keep_away or ""]
    assert not any(re.search(r"\d{3}", text) for text in texts)


# -------------------------------------------------------------------- respect_their_wishes (a)


@pytest.mark.parametrize("signal", [Signal.THEY_ARE_AFRAID, Signal.STAY_AWAY_ORDER])
def test_their_fear_or_an_order_means_keep_away_whatever_they_write(signal):
    p = person(
        received("2026-03-01T10:00"),
        other(EventKind.MET, "2026-04-01T10:00"),
        received("2026-05-01T10:00", Tone.POSITIVE),
        signals=(signal, Signal.REACHED_OUT_TO_ME),
    )
    result = assess(p, TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert result.earliest_contact is None
    assert "Keep away" in result.next_step
    assert "even if Robin writes to you" in result.next_step
    assert "What to do instead" in result.next_step
    assert "1 May 2026" in said(result)  # their message is named, and said not to change it


def test_a_plain_no_gets_the_ordinary_respect_text_not_the_keep_away_one():
    result = assess(person(signals=(Signal.SAID_NO,)), TODAY, RULES)
    assert "leave them be" in result.next_step
    assert "Keep away" not in result.next_step


# -------------------------------------------------------------------- respect_their_wishes (b)


@pytest.mark.parametrize(
    "signal",
    [
        Signal.ASKED_NO_CONTACT,
        Signal.SAID_NO,
        Signal.BLOCKED_ALL_CHANNELS,
        Signal.BLOCKED_SOME_CHANNELS,
    ],
)
def test_a_stop_signal_means_respect_their_wishes_with_no_date(signal):
    result = assess(person(signals=(signal,)), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert result.earliest_contact is None
    assert result.reasons


@pytest.mark.parametrize(
    "event",
    [
        other(EventKind.ASKED_TO_STOP, "2026-03-01T10:00"),
        other(EventKind.SAID_NO, "2026-03-01T10:00"),
        blocked("2026-03-01T10:00", Channel.ALL),
        blocked("2026-03-01T10:00", Channel.SOCIAL),
        blocked("2026-03-01T10:00", Channel.OTHER),
    ],
)
def test_a_stop_event_means_respect_their_wishes(event):
    result = assess(person(received("2026-02-01T10:00"), event), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "1 March 2026" in result.reasons[0]


def test_a_block_on_one_channel_stops_contact_until_they_write_kindly():
    block = blocked("2026-03-01T10:00", Channel.SOCIAL)
    result = assess(person(block), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "blocked you on social media" in said(result)
    cold = received("2026-03-10T10:00", Tone.NEGATIVE, Channel.EMAIL)
    assert assess(person(block, cold), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    kind = received("2026-03-10T10:00", Tone.NEUTRAL, Channel.EMAIL)
    lifted = assess(person(block, kind), TODAY, RULES)
    assert lifted.band is Band.KEEP_GOING
    # The block on social media itself still holds: they have not written there.
    assert "blocked you on social media and has not written to you there" in said(lifted)


def test_only_a_kind_reply_after_the_request_lifts_it():
    stop = other(EventKind.ASKED_TO_STOP, "2026-03-01T10:00")
    later_reply = received("2026-04-01T10:00")
    assert assess(person(stop, later_reply), TODAY, RULES).band is Band.KEEP_GOING
    earlier_reply = received("2026-02-01T10:00")
    assert assess(person(earlier_reply, stop), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    # Their meeting you, or your own messages, do not lift it.
    met = other(EventKind.MET, "2026-04-01T10:00")
    assert assess(person(stop, met), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    assert assess(person(stop, sent("2026-04-01T10:00")), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES


def test_a_cold_reply_after_a_no_does_not_lift_it_and_is_named():
    stop = other(EventKind.SAID_NO, "2026-03-01T10:00")
    cold = received("2026-04-01T10:00", Tone.NEGATIVE)
    result = assess(person(stop, cold), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "1 April 2026" in said(result) and "does not change this" in said(result)


def test_a_kind_reply_has_to_come_after_the_latest_stop():
    p = person(
        received("2026-02-01T10:00"),  # lifts the signal...
        blocked("2026-03-01T10:00", Channel.TEXT),  # ...but not this later block
        signals=(Signal.ASKED_NO_CONTACT,),
    )
    result = assess(p, TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "1 March 2026" in said(result)
    assert "asked for no contact" not in said(result)  # answered by their reply of February


def test_a_stop_signal_is_lifted_by_a_kind_reply_after_it_ended_and_the_reasons_say_so():
    p = person(received("2026-02-01T10:00"), signals=(Signal.ASKED_NO_CONTACT,))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.KEEP_GOING
    assert "1 February 2026" in said(result) and "no longer asks you to leave them be" in said(result)


def test_romance_with_someone_in_a_new_relationship_is_respect_their_wishes():
    romance = person(goal=Goal.ROMANCE, signals=(Signal.NEW_RELATIONSHIP,))
    assert assess(romance, TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    friendship = assess(person(goal=Goal.FRIENDSHIP, signals=(Signal.NEW_RELATIONSHIP,)), TODAY, RULES)
    assert friendship.band is Band.REACH_OUT
    assert "not looking for romance" in said(friendship)
    kind = dataclasses.replace(romance, events=(received("2026-03-01T10:00"),))
    lifted = assess(kind, TODAY, RULES)
    assert lifted.band is Band.KEEP_GOING
    assert "not an opening for romance" in said(lifted)


# ---------------------------------------------------------------------- ball_in_their_court


def test_two_unanswered_messages_put_the_ball_in_their_court():
    p = person(sent("2026-03-01T10:00"), sent("2026-04-15T10:00"))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.BALL_IN_THEIR_COURT
    assert result.earliest_contact is None


def test_a_reply_between_messages_resets_the_streak():
    p = person(sent("2026-03-01T10:00"), received("2026-03-02T10:00"), sent("2026-05-25T10:00"))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 24)


def test_a_cold_reply_puts_the_ball_in_their_court():
    p = person(sent("2026-05-01T10:00"), received("2026-05-02T10:00", Tone.NEGATIVE))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.BALL_IN_THEIR_COURT
    assert result.earliest_contact is None
    assert "upset or cold" in said(result) and "2 May 2026" in said(result)


def test_a_cold_reply_stays_their_answer_after_you_write_or_meet():
    cold = received("2026-03-02T10:00", Tone.NEGATIVE)
    later = (sent("2026-04-20T10:00"), other(EventKind.MET, "2026-05-01T10:00"))
    assert assess(person(cold, *later), TODAY, RULES).band is Band.BALL_IN_THEIR_COURT


def test_a_kind_reply_after_a_cold_one_opens_it_again():
    p = person(received("2026-03-02T10:00", Tone.NEGATIVE), received("2026-03-05T10:00", Tone.NEUTRAL))
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING


# --------------------------------------------------------------------------------- not_yet


@pytest.mark.parametrize(
    ("answers", "reason_word"),
    [
        ({k: 3 for k in CORE_IDS[:9]}, "not finished"),
        (READY | {"motive_loneliness": 5, "motive_genuine_care": 3}, "loneliness"),
        (READY | {"motive_guilt": 4, "motive_genuine_care": 2}, "guilt"),
        (READY | {"motive_boredom": 4, "motive_genuine_care": 1}, "boredom"),
        (READY | {"motive_attention": 5, "motive_genuine_care": 3}, "attention"),
        (READY | {"accept_no": 2}, "accept a no"),
        (READY | {"calm_waiting": 1}, "calm"),
    ],
)
def test_not_yet_when_the_person_is_not_ready(answers, reason_word):
    result = assess(person(answers=answers), TODAY, RULES)
    assert result.band is Band.NOT_YET
    assert result.earliest_contact is None
    assert reason_word in said(result)


def test_a_strong_self_serving_motive_is_fine_when_care_is_stronger():
    answers = READY | {"motive_loneliness": 5, "motive_genuine_care": 4}
    assert assess(person(answers=answers), TODAY, RULES).band is Band.REACH_OUT


def test_thresholds_are_inclusive_at_their_edges():
    assert assess(person(answers=READY | {"accept_no": 3}), TODAY, RULES).band is Band.REACH_OUT
    assert assess(person(answers=READY | {"calm_waiting": 3}), TODAY, RULES).band is Band.REACH_OUT
    edge = READY | {"motive_guilt": 3, "motive_genuine_care": 3}
    assert assess(person(answers=edge), TODAY, RULES).band is Band.REACH_OUT


# ------------------------------------------------------------------------------ keep_going


@pytest.mark.parametrize("tone", [Tone.POSITIVE, Tone.NEUTRAL])
def test_their_kind_reply_as_the_latest_event_means_keep_going_today(tone):
    p = person(sent("2026-05-01T10:00"), received("2026-05-02T10:00", tone))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.KEEP_GOING
    assert result.earliest_contact == TODAY


def test_a_meeting_by_agreement_as_the_latest_event_means_keep_going():
    p = person(
        sent("2026-05-01T10:00"), received("2026-05-02T10:00"), other(EventKind.MET, "2026-05-09T10:00")
    )
    result = assess(p, TODAY, RULES)
    assert result.band is Band.KEEP_GOING
    assert "9 May 2026" in said(result)


def test_they_reached_out_means_keep_going_until_you_send():
    p = person(signals=(Signal.REACHED_OUT_TO_ME,), what=WhatHappened.I_BROKE_UP, ended=TODAY)
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING
    after = dataclasses.replace(p, events=(sent("2026-06-01T09:00"),))
    assert assess(after, TODAY, RULES).band is Band.WAIT


def test_keep_going_beats_the_cooling_off_period():
    p = person(received("2026-05-25T10:00"), what=WhatHappened.I_BROKE_UP, ended=date(2026, 5, 20))
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING


# ------------------------------------------------------------------------------------ wait


@pytest.mark.parametrize("what", [WhatHappened.I_REJECTED_THEM, WhatHappened.I_BROKE_UP])
def test_cooling_off_after_a_rejection_or_break_up(what):
    p = person(what=what, ended=date(2026, 5, 20))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 19)
    assert "rule of thumb" in result.reasons[0]
    # On the 30th day it is over.
    assert assess(p, date(2026, 6, 19), RULES).band is Band.REACH_OUT


def test_pulling_away_starts_a_cooling_off_only_when_they_deleted_your_number():
    recent = date(2026, 5, 20)
    assert assess(person(ended=recent), TODAY, RULES).band is Band.REACH_OUT
    deleted = assess(person(ended=recent, signals=(Signal.DELETED_MY_NUMBER,)), TODAY, RULES)
    assert deleted.band is Band.WAIT
    assert deleted.earliest_contact == date(2026, 6, 19)
    assert "deleted your number" in said(deleted)
    over = assess(person(ended=recent, signals=(Signal.DELETED_MY_NUMBER,)), date(2026, 6, 19), RULES)
    assert over.band is Band.REACH_OUT
    assert "deleted your number" in said(over)


@pytest.mark.parametrize("what", list(WhatHappened))
def test_a_request_for_space_is_given_60_days_from_the_end_whatever_happened(what):
    p = person(what=what, ended=date(2026, 5, 1), signals=(Signal.ASKED_FOR_SPACE,))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 30)
    assert "asked for space" in said(result) and "rule of thumb" in said(result)
    assert assess(p, date(2026, 6, 30), RULES).band is Band.REACH_OUT


def test_a_request_for_space_logged_later_counts_from_its_own_day():
    space = other(EventKind.ASKED_FOR_SPACE, "2026-05-10T20:00")
    p = person(received("2026-05-01T10:00"), space, ended=date(2025, 1, 1), signals=(Signal.ASKED_FOR_SPACE,))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 7, 9)
    assert "On Sunday 10 May 2026, Robin asked for space" in said(result)


def test_a_request_for_space_ends_when_they_write():
    space = other(EventKind.ASKED_FOR_SPACE, "2026-05-10T20:00")
    reply = received("2026-05-20T10:00", Tone.NEUTRAL)
    assert assess(person(space, reply), TODAY, RULES).band is Band.KEEP_GOING
    # After your answer, only the usual wait for a reply remains.
    answered = assess(person(space, reply, sent("2026-05-21T10:00")), TODAY, RULES)
    assert answered.band is Band.WAIT
    assert answered.earliest_contact == date(2026, 6, 20)
    assert "written to you since" in said(answered)


def test_a_reply_before_the_request_for_space_does_not_end_it():
    reply = received("2026-05-10T20:00", Tone.POSITIVE)
    space = other(EventKind.ASKED_FOR_SPACE, "2026-05-10T20:05")
    result = assess(person(reply, space), TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 7, 9)


def test_the_space_days_are_tunable_in_the_data_file():
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    data["space"]["days"] = 90
    tuned = rules_from_mapping(data)
    p = person(other(EventKind.ASKED_FOR_SPACE, "2026-05-01T10:00"))
    assert assess(p, TODAY, tuned).earliest_contact == date(2026, 7, 30)


def test_an_unanswered_message_means_wait_30_days_then_a_clear_limit():
    p = person(sent("2026-05-20T10:00"))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 19)
    later = assess(p, date(2026, 6, 19), RULES)
    assert later.band is Band.REACH_OUT
    assert "silence is an answer" in later.reasons[0]
    assert "that is the limit" in later.reasons[0]
    assert READY_SENTENCE not in later.reasons


def test_wait_gives_the_latest_of_the_dates():
    p = person(sent("2026-05-21T10:00"), what=WhatHappened.I_BROKE_UP, ended=date(2026, 5, 20))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 20)  # message + 30 beats ending + 30
    assert len(result.reasons) == 2
    spaced = dataclasses.replace(
        p, situation=dataclasses.replace(p.situation, signals={Signal.ASKED_FOR_SPACE})
    )
    assert assess(spaced, TODAY, RULES).earliest_contact == date(2026, 7, 19)  # ending + 60 beats both


# ------------------------------------------------------------------------------- reach_out


def test_ready_person_with_nothing_in_the_way_may_reach_out_today():
    result = assess(person(), TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert result.earliest_contact == TODAY
    assert "Robin" in result.next_step
    assert result.reasons == (READY_SENTENCE,)


@pytest.mark.parametrize("signal", list(Signal))
def test_nothing_to_hold_back_is_said_only_when_they_signalled_nothing(signal):
    # A situation as open as it gets with this signal: long ago, and a kind reply since.
    p = person(
        received("2025-06-01T10:00"), sent("2025-06-02T10:00"), ended=date(2025, 1, 1), signals=(signal,)
    )
    result = assess(p, TODAY, RULES)
    assert READY_SENTENCE not in result.reasons
    assert result.reasons


@pytest.mark.parametrize(
    "event",
    [
        other(EventKind.ASKED_TO_STOP, "2025-05-01T10:00"),
        other(EventKind.SAID_NO, "2025-05-01T10:00"),
        other(EventKind.ASKED_FOR_SPACE, "2025-05-01T10:00"),
        blocked("2025-05-01T10:00", Channel.ALL),
        blocked("2025-05-01T10:00", Channel.CALL),
    ],
)
def test_nothing_to_hold_back_is_not_said_after_a_stop_space_or_block_event(event):
    p = person(event, received("2025-06-01T10:00"), sent("2025-06-02T10:00"), ended=date(2025, 1, 1))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert READY_SENTENCE not in result.reasons
    assert "2025" in said(result)  # the event is named, with its date


def test_friendliness_when_you_meet_is_named_as_kindness_not_an_invitation():
    result = assess(person(signals=(Signal.FRIENDLY_WHEN_WE_MEET,)), TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert "not an invitation" in said(result)


def test_the_wording_never_nudges():
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    words = [entry[key] for entry in data["bands"].values() for key in entry if key.startswith("next_step")]
    words += list(data["reasons"].values()) + list(data["flags"].values())
    for nudge in ("for now", "in the meantime", "one last", "don't give up", "last chance", "try again"):
        assert not [text for text in words if nudge in text.lower()], nudge


def test_events_after_today_are_not_counted():
    p = person(sent("2026-06-02T10:00"), sent("2026-06-03T10:00"))
    assert assess(p, TODAY, RULES).band is Band.REACH_OUT
    assert assess(p, date(2026, 6, 3), RULES).band is Band.BALL_IN_THEIR_COURT


# ------------------------------------------------------------------------ precedence, pairwise


def test_respect_beats_every_band_below_it():
    p = person(
        sent("2026-03-01T10:00"),
        sent("2026-03-05T10:00"),
        signals=(Signal.SAID_NO, Signal.REACHED_OUT_TO_ME),
        answers={},
    )
    assert assess(p, TODAY, RULES).band is Band.RESPECT_THEIR_WISHES


def test_ball_in_their_court_beats_not_yet_and_wait():
    p = person(
        sent("2026-05-28T10:00"),
        sent("2026-05-30T10:00"),
        what=WhatHappened.I_BROKE_UP,
        ended=date(2026, 5, 20),
        answers={},
    )
    assert assess(p, TODAY, RULES).band is Band.BALL_IN_THEIR_COURT


def test_not_yet_beats_keep_going():
    p = person(received("2026-05-30T10:00"), answers=READY | {"accept_no": 1})
    assert assess(p, TODAY, RULES).band is Band.NOT_YET


def test_a_meeting_after_a_request_for_space_is_keep_going_and_your_next_message_waits():
    space = other(EventKind.ASKED_FOR_SPACE, "2026-05-01T10:00")
    met = other(EventKind.MET, "2026-05-15T10:00")
    assert assess(person(space, met), TODAY, RULES).band is Band.KEEP_GOING
    after = assess(person(space, met, sent("2026-05-16T10:00")), TODAY, RULES)
    assert after.band is Band.WAIT and after.earliest_contact == date(2026, 6, 30)


# ---------------------------------------------------------------------- signals ticked later


def test_every_signal_a_reply_can_lift_becomes_a_dated_event_when_ticked_later():
    liftable = {Signal.ASKED_NO_CONTACT, Signal.SAID_NO, Signal.BLOCKED_ALL_CHANNELS}
    liftable |= {Signal.BLOCKED_SOME_CHANNELS, Signal.ASKED_FOR_SPACE}
    assert set(STOP_SIGNAL_EVENTS) == liftable
    assert not set(STOP_SIGNAL_EVENTS) & set(KEEP_AWAY_SIGNALS)  # never lifted: nothing to date


@pytest.mark.parametrize("signal", sorted(STOP_SIGNAL_EVENTS))
def test_a_signal_ticked_later_is_not_lifted_by_an_older_kind_reply(signal):
    kind, channel = STOP_SIGNAL_EVENTS[signal]
    reply = received("2026-03-01T10:00")
    ticked = Event(kind, datetime(2026, 5, 20, 12, 0), channel, note="Noted in the person form")
    result = assess(person(reply, ticked, signals=(signal,)), TODAY, RULES)
    assert result.earliest_contact is None or result.earliest_contact > TODAY
    if signal is Signal.ASKED_FOR_SPACE:
        assert result.earliest_contact == date(2026, 7, 19)
    else:
        assert result.band is Band.RESPECT_THEIR_WISHES


def test_a_partial_block_ticked_later_is_a_block_on_another_channel():
    kind, channel = STOP_SIGNAL_EVENTS[Signal.BLOCKED_SOME_CHANNELS]
    assert (kind, channel) == (EventKind.BLOCKED, Channel.OTHER)
    result = assess(person(Event(kind, datetime(2026, 5, 20, 12), channel)), TODAY, RULES)
    assert "blocked you on another channel" in said(result)


# ------------------------------------------------------------------------------ old exports


def test_a_version_1_export_still_assesses():
    jordan, kai = parse_document(EXPORT_V1.read_bytes())
    # Jordan asked to stop after their last (neutral) reply: that still holds.
    result = assess(jordan, date(2026, 1, 1), RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "21 March 2025" in said(result)
    # Version 2 reads their partial block (noted when they were added) as a stop: the letter sent
    # after it is now flagged, and so is its being inside the 60 days of space they asked for.
    assert codes(result)[FlagCode.CONTACT_AFTER_STOP] == [datetime(2025, 3, 1, 18, 30)]
    assert codes(result)[FlagCode.INSIDE_COOLING_OFF] == [datetime(2025, 3, 1, 18, 30)]
    # Kai has answered nothing yet.
    assert assess(kai, date(2026, 1, 1), RULES).band is Band.NOT_YET


# ---------------------------------------------------------------------------------- flags


def test_inside_cooling_off_flags_messages_in_the_period_only():
    early, late = sent("2026-01-10T10:00"), sent("2026-03-10T10:00")
    p = person(early, received("2026-01-11T10:00"), late, what=WhatHappened.I_BROKE_UP)
    assert codes(assess(p, TODAY, RULES))[FlagCode.INSIDE_COOLING_OFF] == [early.at]
    pushed = person(early, what=WhatHappened.I_PUSHED_AWAY)
    assert FlagCode.INSIDE_COOLING_OFF not in codes(assess(pushed, TODAY, RULES))


def test_inside_cooling_off_flags_messages_inside_the_space_they_asked_for():
    space = other(EventKind.ASKED_FOR_SPACE, "2026-03-01T10:00")
    inside, after_reply = sent("2026-03-20T10:00"), sent("2026-04-10T10:00")
    p = person(space, inside, received("2026-04-01T10:00"), after_reply)
    assert codes(assess(p, TODAY, RULES))[FlagCode.INSIDE_COOLING_OFF] == [inside.at]
    noted = person(sent("2026-02-20T10:00"), sent("2026-03-05T10:00"), signals=(Signal.ASKED_FOR_SPACE,))
    assert codes(assess(noted, TODAY, RULES))[FlagCode.INSIDE_COOLING_OFF] == [datetime(2026, 2, 20, 10)]


def test_double_text_is_a_second_message_within_24_hours_of_an_unanswered_one():
    first, second = sent("2026-05-01T10:00"), sent("2026-05-02T09:59")
    third = sent("2026-05-04T10:00")
    flags = codes(assess(person(first, second, third), TODAY, RULES))
    assert flags[FlagCode.DOUBLE_TEXT] == [second.at]
    answered = person(first, received("2026-05-01T12:00"), sent("2026-05-01T13:00"))
    assert FlagCode.DOUBLE_TEXT not in codes(assess(answered, TODAY, RULES))


def test_unanswered_streak_names_every_message_in_the_run():
    a, b, c = sent("2026-03-01T10:00"), sent("2026-03-10T10:00"), sent("2026-03-25T10:00")
    p = person(a, b, received("2026-03-21T10:00"), c)
    assert codes(assess(p, TODAY, RULES))[FlagCode.UNANSWERED_STREAK] == [a.at, b.at]


def test_contact_after_stop_until_they_write_kindly_again():
    stop = other(EventKind.ASKED_TO_STOP, "2026-03-01T10:00")
    after, after_cold, later = sent("2026-03-05T10:00"), sent("2026-03-20T10:00"), sent("2026-04-05T10:00")
    cold, kind = received("2026-03-10T10:00", Tone.NEGATIVE), received("2026-04-01T10:00")
    p = person(stop, after, cold, after_cold, kind, later)
    assert codes(assess(p, TODAY, RULES))[FlagCode.CONTACT_AFTER_STOP] == [after.at, after_cold.at]


@pytest.mark.parametrize("signal", [Signal.BLOCKED_ALL_CHANNELS, Signal.BLOCKED_SOME_CHANNELS])
def test_contact_after_a_block_signal_is_flagged(signal):
    message = sent("2026-02-01T10:00")
    p = person(message, signals=(signal,))
    assert codes(assess(p, TODAY, RULES))[FlagCode.CONTACT_AFTER_STOP] == [message.at]


def test_contact_while_they_are_afraid_is_flagged_whatever_they_wrote():
    before, first, second = sent("2025-12-01T10:00"), sent("2026-02-01T10:00"), sent("2026-03-01T10:00")
    p = person(before, first, received("2026-02-10T10:00"), second, signals=(Signal.THEY_ARE_AFRAID,))
    assert codes(assess(p, TODAY, RULES))[FlagCode.CONTACT_AFTER_STOP] == [first.at, second.at]


def test_a_message_on_another_channel_after_a_block_on_one_is_a_switch_and_contact_after_a_stop():
    block = blocked("2026-03-01T10:00", Channel.SOCIAL)
    email = sent("2026-03-03T10:00", Channel.EMAIL)
    result = assess(person(block, email), TODAY, RULES)
    assert codes(result)[FlagCode.CHANNEL_SWITCH] == [email.at]
    assert codes(result)[FlagCode.CONTACT_AFTER_STOP] == [email.at]


def test_a_block_holds_for_the_switch_flag_until_they_write_on_that_same_channel():
    block = blocked("2026-03-01T10:00", Channel.TEXT)
    email_reply = received("2026-03-05T10:00", Tone.NEUTRAL, Channel.EMAIL)
    social = sent("2026-03-10T10:00", Channel.SOCIAL)
    by_email = sent("2026-03-11T10:00", Channel.EMAIL)
    result = assess(person(block, email_reply, social, by_email), TODAY, RULES)
    assert codes(result)[FlagCode.CHANNEL_SWITCH] == [social.at]  # email is their channel too
    waiting = assess(person(block, email_reply, by_email), TODAY, RULES)
    assert waiting.band is Band.REACH_OUT
    assert "blocked you on text" in said(waiting)
    text_reply = received("2026-03-20T10:00", Tone.NEUTRAL, Channel.TEXT)
    lifted = assess(person(block, text_reply, sent("2026-03-21T10:00", Channel.SOCIAL)), TODAY, RULES)
    assert FlagCode.CHANNEL_SWITCH not in codes(lifted)
    assert "blocked you on" not in said(lifted)


def test_after_cold_reply_flags_each_message_until_they_write_again():
    cold = received("2026-03-01T10:00", Tone.NEGATIVE)
    a, b = sent("2026-03-02T10:00"), sent("2026-03-20T10:00")
    c = sent("2026-04-02T10:00")
    p = person(cold, a, b, received("2026-04-01T10:00", Tone.NEUTRAL), c)
    assert codes(assess(p, TODAY, RULES))[FlagCode.AFTER_COLD_REPLY] == [a.at, b.at]
    assert FlagCode.AFTER_COLD_REPLY not in codes(assess(person(cold), TODAY, RULES))


def test_late_night_is_midnight_to_five():
    night, dawn = sent("2026-05-01T00:00"), sent("2026-05-03T05:00")
    late = sent("2026-05-05T04:59")
    p = person(night, received("2026-05-02T10:00"), dawn, received("2026-05-04T10:00"), late)
    assert codes(assess(p, TODAY, RULES))[FlagCode.LATE_NIGHT] == [night.at, late.at]


def test_a_late_night_window_may_cross_midnight():
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    data["pacing"].update(late_night_start_hour=22, late_night_end_hour=5)
    tuned = rules_from_mapping(data)
    late, early, day = sent("2026-05-01T23:10"), sent("2026-05-03T04:00"), sent("2026-05-05T12:00")
    p = person(late, received("2026-05-02T10:00"), early, received("2026-05-04T10:00"), day)
    assert codes(assess(p, TODAY, tuned))[FlagCode.LATE_NIGHT] == [late.at, early.at]


def test_unasked_call_is_a_call_before_any_reply():
    call = sent("2026-05-01T10:00", Channel.CALL)
    later_call = sent("2026-05-10T10:00", Channel.CALL)
    p = person(call, received("2026-05-02T10:00"), later_call)
    assert codes(assess(p, TODAY, RULES))[FlagCode.UNASKED_CALL] == [call.at]


def test_flags_never_change_the_band():
    p = person(sent("2026-04-01T02:00", Channel.CALL))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert set(codes(result)) == {FlagCode.LATE_NIGHT, FlagCode.UNASKED_CALL}


def test_every_flag_has_a_sentence_in_plain_words():
    for code in FlagCode:
        text = RULES.flag_texts[code]
        assert text[0].isupper() and text.endswith(".") and "_" not in text


# ---------------------------------------------------------------------------------- score


def test_score_is_none_until_the_reflection_is_complete():
    assert readiness_score({k: 3 for k in CORE_IDS[:9]}, RULES) is None
    assert readiness_score(READY | {"accept_no": True}, RULES) is None


def test_score_spans_zero_to_one_hundred():
    best = {k: 5 for k in CORE_IDS} | {k: 1 for k in CORE_IDS if k.startswith("motive_")}
    best["motive_genuine_care"] = 5
    worst = {k: 1 for k in CORE_IDS} | {k: 5 for k in CORE_IDS if k.startswith("motive_")}
    worst["motive_genuine_care"] = 1
    assert readiness_score(best, RULES) == 100
    assert readiness_score(worst, RULES) == 0


# ---------------------------------------------------------------------------------- the file


def test_cooling_off_days_are_tunable_in_the_data_file():
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    data["cooling_off"]["days"] = 45
    tuned = rules_from_mapping(data)
    p = person(what=WhatHappened.I_BROKE_UP, ended=date(2026, 5, 1))
    assert cooling_off_until(p, tuned) == date(2026, 6, 15)
    assert assess(p, TODAY, tuned).earliest_contact == date(2026, 6, 15)


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d.update(version=1), "version must be 2"),
        (lambda d: d["cooling_off"].update(days=-1), "days"),
        (lambda d: d["cooling_off"].update(applies_to=["i_ghosted"]), "applies_to"),
        (lambda d: d["space"].update(days=0), r"\[space\] days"),
        (lambda d: d.pop("space"), r"\[space\]"),
        (lambda d: d["readiness"]["weights"].pop("accept_no"), "weights"),
        (lambda d: d["bands"].pop("wait"), "bands.wait"),
        (lambda d: d["bands"].pop("safety_first"), "bands.safety_first"),
        (lambda d: d["bands"]["respect_their_wishes"].pop("next_step_keep_away"), "next_step_keep_away"),
        (lambda d: d["bands"]["wait"].update(next_step_keep_away="Hi"), "next_step_keep_away"),
        (lambda d: d["reasons"].pop("ready"), "ready"),
        (lambda d: d["reasons"].pop("they_are_afraid"), "they_are_afraid"),
        (lambda d: d["reasons"].update(ready="Hello {nobody}"), "nobody"),
        (lambda d: d["flags"].pop("after_cold_reply"), "after_cold_reply"),
        (lambda d: d["channel_names"].pop("social"), "social"),
    ],
)
def test_a_malformed_rules_file_names_the_item_at_fault(mutate, named):
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    mutate(data)
    with pytest.raises(ContentError, match=named):
        rules_from_mapping(data)


def test_the_60_days_name_their_source_and_say_they_are_a_rule_of_thumb():
    text = (DATA_DIR / "guidance.toml").read_text()
    section = text[text.index("[space]") : text.index("[pacing]")]
    assert "seed 000" in section and "seed 001" in section and "rule of thumb" in section


# ----------------------------------------------------------------------------- properties

moments = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2026, 6, 1, 23, 59))
channels = st.sampled_from([c for c in Channel if c is not Channel.ALL])
events = st.one_of(
    st.builds(lambda at, c: Event(EventKind.SENT, at, c), moments, channels),
    st.builds(lambda at, t, c: Event(EventKind.RECEIVED, at, c, t), moments, st.sampled_from(Tone), channels),
    st.builds(lambda at: Event(EventKind.ASKED_TO_STOP, at), moments),
    st.builds(lambda at: Event(EventKind.ASKED_FOR_SPACE, at), moments),
    st.builds(lambda at: Event(EventKind.SAID_NO, at), moments),
    st.builds(lambda at, c: Event(EventKind.BLOCKED, at, c), moments, st.sampled_from(list(Channel))),
    st.builds(lambda at: Event(EventKind.MET, at), moments),
)
people = st.builds(
    lambda what, ended, goal, signals, answers, evs: Person(
        Situation("Sky", Relationship.OTHER, what, ended, goal, frozenset(signals)),
        answers=answers,
        events=tuple(evs),
    ),
    st.sampled_from(WhatHappened),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 1)),
    st.sampled_from(Goal),
    st.sets(st.sampled_from([s for s in Signal if s not in SAFETY_SIGNALS]), max_size=3),
    st.one_of(
        st.just(READY),
        st.just(READY),
        st.fixed_dictionaries({k: st.integers(1, 5) for k in CORE_IDS}),
        st.dictionaries(st.sampled_from(CORE_IDS), st.integers(1, 5), max_size=9),
    ),
    st.lists(events, max_size=12),
)
# Now and then a safety signal too, so the invariants are checked under every band.
any_people = st.builds(
    lambda p, extra: dataclasses.replace(
        p, situation=dataclasses.replace(p.situation, signals=p.situation.signals | set(extra))
    ),
    people,
    st.sets(st.sampled_from(SAFETY_SIGNALS), max_size=1),
)


def more_permissive(after: Assessment, before: Assessment) -> bool:
    """An earlier earliest date, or any date where there was none."""
    if after.earliest_contact is None:
        return False
    return before.earliest_contact is None or after.earliest_contact < before.earliest_contact


def with_signals(p: Person, *signals: Signal) -> Person:
    return dataclasses.replace(
        p, situation=dataclasses.replace(p.situation, signals=p.situation.signals | set(signals))
    )


def permissiveness(band: Band) -> int:
    return 0 if band.stops_contact else (1 if band is Band.WAIT else 2)


@settings(max_examples=300, deadline=None)
@given(any_people)
def test_no_band_that_stops_contact_ever_gives_a_date(p):
    result = assess(p, TODAY, RULES)
    assert (result.earliest_contact is None) == result.band.stops_contact
    if result.earliest_contact is not None:
        assert result.earliest_contact >= TODAY
    assert result.score is None or 0 <= result.score <= 100
    assert result.reasons and result.next_step


@settings(max_examples=300, deadline=None)
@given(any_people)
def test_nothing_to_hold_back_is_said_only_when_nothing_was_signalled(p):
    result = assess(p, TODAY, RULES)
    if READY_SENTENCE in result.reasons:
        assert not p.situation.signals
        assert not [e for e in p.events if e.kind not in (EventKind.SENT, EventKind.RECEIVED, EventKind.MET)]


@settings(max_examples=400, deadline=None)
@given(any_people, moments, st.sampled_from(list(Channel)))
def test_a_block_anywhere_with_no_kind_reply_after_it_never_yields_an_earliest_date(p, at, channel):
    block = Event(EventKind.BLOCKED, at, channel)
    kept = tuple(
        e
        for e in p.events
        if not (e.kind is EventKind.RECEIVED and e.tone is not Tone.NEGATIVE and e.at > at)
    )
    result = assess(dataclasses.replace(p, events=kept + (block,)), TODAY, RULES)
    assert result.earliest_contact is None
    assert result.band.stops_contact


@settings(max_examples=300, deadline=None)
@given(any_people, st.sampled_from([Signal.BLOCKED_SOME_CHANNELS, Signal.BLOCKED_ALL_CHANNELS]))
def test_a_block_noted_as_a_signal_with_no_kind_reply_since_the_end_never_yields_a_date(p, signal):
    ended_at = datetime.combine(p.situation.ended_on, datetime.min.time())
    kept = tuple(
        e
        for e in p.events
        if not (e.kind is EventKind.RECEIVED and e.tone is not Tone.NEGATIVE and e.at > ended_at)
    )
    result = assess(dataclasses.replace(with_signals(p, signal), events=kept), TODAY, RULES)
    assert result.earliest_contact is None


@settings(max_examples=400, deadline=None)
@given(any_people, moments, channels)
def test_a_negative_reply_never_makes_the_advice_more_permissive(p, at, channel):
    before = assess(p, TODAY, RULES)
    cold = Event(EventKind.RECEIVED, at, channel, Tone.NEGATIVE)
    after = assess(dataclasses.replace(p, events=p.events + (cold,)), TODAY, RULES)
    assert not more_permissive(after, before)


@settings(max_examples=300, deadline=None)
@given(any_people, st.sampled_from(SAFETY_SIGNALS))
def test_adding_a_safety_signal_never_makes_the_advice_more_permissive(p, signal):
    before = assess(p, TODAY, RULES)
    after = assess(with_signals(p, signal), TODAY, RULES)
    assert not more_permissive(after, before)
    assert after.earliest_contact is None


@settings(max_examples=300, deadline=None)
@given(any_people, st.integers(0, 60 * 24 * 30), channels)
def test_one_more_unanswered_message_never_makes_the_advice_more_permissive(p, minutes, channel):
    before = assess(p, TODAY, RULES)
    last = max((e.at for e in p.events), default=datetime(2025, 6, 1))
    at = min(last + timedelta(minutes=minutes + 1), datetime(2026, 6, 1, 23, 59))
    assume(at > last)
    after = assess(
        dataclasses.replace(p, events=p.events + (Event(EventKind.SENT, at, channel),)), TODAY, RULES
    )
    assert permissiveness(after.band) <= permissiveness(before.band)
    assert not more_permissive(after, before)


@settings(max_examples=100, deadline=None)
@given(any_people, st.randoms())
def test_the_order_events_are_logged_in_does_not_matter(p, rnd: random.Random):
    assume(len({e.at for e in p.events}) == len(p.events))
    shuffled = list(p.events)
    rnd.shuffle(shuffled)
    a = assess(p, TODAY, RULES)
    b = assess(dataclasses.replace(p, events=tuple(shuffled)), TODAY, RULES)
    assert (a.band, a.earliest_contact, a.flags, a.reasons) == (
        b.band,
        b.earliest_contact,
        b.flags,
        b.reasons,
    )


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: st.integers(1, 5) for k in CORE_IDS}), st.sampled_from(CORE_IDS))
def test_more_care_never_lowers_the_score_and_more_self_interest_never_raises_it(answers, key):
    base = readiness_score(answers, RULES)
    assume(answers[key] < 5)
    bumped = readiness_score(answers | {key: answers[key] + 1}, RULES)
    if RULES.weights[key] > 0:
        assert bumped >= base
    else:
        assert bumped <= base


def test_a_cold_reply_asking_for_space_names_the_space_and_its_end():
    from workbook.model import Event, EventKind, Goal, Person, Relationship, Situation, Tone, WhatHappened

    at = datetime(2026, 5, 30, 10, 0)
    person = Person(
        Situation("Lee", Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP),
        events=(
            Event(EventKind.RECEIVED, at, Channel.TEXT, Tone.NEGATIVE),
            Event(EventKind.ASKED_FOR_SPACE, at),
        ),
    )
    result = assess(person, date(2026, 6, 1), RULES)
    assert result.band is Band.BALL_IN_THEIR_COURT and result.earliest_contact is None
    text = " ".join(result.reasons)
    assert "asked for space" in text and "log that too" not in text


def test_after_a_block_everywhere_any_message_goes_around_it_until_they_write():
    block = blocked("2026-03-01T10:00")  # everywhere
    via_friend = sent("2026-03-03T10:00", Channel.VIA_FRIEND)
    letter = sent("2026-03-04T10:00", Channel.LETTER)
    result = assess(person(block, via_friend, letter), TODAY, RULES)
    assert codes(result)[FlagCode.CHANNEL_SWITCH] == [via_friend.at, letter.at]
    assert codes(result)[FlagCode.CONTACT_AFTER_STOP] == [via_friend.at, letter.at]
    reply = received("2026-03-10T10:00", Tone.NEUTRAL, Channel.EMAIL)
    after = sent("2026-03-12T10:00", Channel.EMAIL)
    answered = assess(person(block, reply, after), TODAY, RULES)
    assert FlagCode.CHANNEL_SWITCH not in codes(answered)


def test_meeting_them_after_a_stop_does_not_lift_it_and_the_reasons_say_so():
    block = blocked("2026-03-01T10:00")
    met = other(EventKind.MET, "2026-03-20T18:00", Channel.IN_PERSON)
    result = assess(person(block, met), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert result.earliest_contact is None
    assert RULES.reason("met_did_not_lift", name="Robin", date="Friday 20 March 2026") in result.reasons


def test_a_reach_out_noted_under_a_stop_is_named_and_does_not_lift_it():
    result = assess(person(signals=(Signal.SAID_NO, Signal.REACHED_OUT_TO_ME)), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert result.earliest_contact is None
    assert RULES.reason("reached_out_under_stop", name="Robin") in result.reasons
