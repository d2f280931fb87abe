"""The guidance rules of DESIGN.md, one test per rule, plus properties that must always hold."""

from __future__ import annotations

import dataclasses
import random
import tomllib
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.content import DATA_DIR, load_content
from workbook.content.guidance_rules import rules_from_mapping
from workbook.errors import ContentError
from workbook.guidance import assess, cooling_off_until, readiness_score
from workbook.model import (
    CORE_IDS,
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

RULES = load_content().rules
TODAY = date(2026, 6, 1)
READY = {k: 4 for k in CORE_IDS} | {
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
}


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


def received(at: str, tone: Tone = Tone.POSITIVE) -> Event:
    return Event(EventKind.RECEIVED, datetime.fromisoformat(at), Channel.TEXT, tone)


def other(kind: EventKind, at: str, channel: Channel | None = None) -> Event:
    return Event(kind, datetime.fromisoformat(at), channel)


def codes(assessment) -> dict[FlagCode, list[datetime]]:
    return {f.code: [e.at for e in f.events] for f in assessment.flags}


# ---------------------------------------------------------------------------------- bands


def test_ready_person_with_nothing_in_the_way_may_reach_out_today():
    result = assess(person(), TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert result.earliest_contact == TODAY
    assert "Robin" in result.next_step


@pytest.mark.parametrize("signal", [Signal.ASKED_NO_CONTACT, Signal.SAID_NO, Signal.BLOCKED_ALL_CHANNELS])
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
        other(EventKind.BLOCKED, "2026-03-01T10:00", Channel.ALL),
    ],
)
def test_a_stop_event_means_respect_their_wishes(event):
    result = assess(person(received("2026-02-01T10:00"), event), TODAY, RULES)
    assert result.band is Band.RESPECT_THEIR_WISHES
    assert "1 March 2026" in result.reasons[0]


def test_only_a_reply_after_the_request_lifts_it():
    stop = other(EventKind.ASKED_TO_STOP, "2026-03-01T10:00")
    later_reply = received("2026-04-01T10:00")
    assert assess(person(stop, later_reply), TODAY, RULES).band is Band.KEEP_GOING
    earlier_reply = received("2026-02-01T10:00")
    assert assess(person(earlier_reply, stop), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    # Their meeting you, or your own messages, do not lift it.
    met = other(EventKind.MET, "2026-04-01T10:00")
    assert assess(person(stop, met), TODAY, RULES).band is Band.RESPECT_THEIR_WISHES


def test_a_stop_signal_is_lifted_by_any_reply_after_it_ended():
    p = person(received("2026-02-01T10:00"), signals=(Signal.ASKED_NO_CONTACT,))
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING


def test_a_block_on_one_channel_is_not_a_block_everywhere():
    p = person(other(EventKind.BLOCKED, "2026-03-01T10:00", Channel.SOCIAL))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.REACH_OUT
    assert any("social" in reason for reason in result.reasons)


def test_romance_with_someone_in_a_new_relationship_is_respect_their_wishes():
    romance = person(goal=Goal.ROMANCE, signals=(Signal.NEW_RELATIONSHIP,))
    assert assess(romance, TODAY, RULES).band is Band.RESPECT_THEIR_WISHES
    friendship = person(goal=Goal.FRIENDSHIP, signals=(Signal.NEW_RELATIONSHIP,))
    assert assess(friendship, TODAY, RULES).band is Band.REACH_OUT


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
    assert reason_word in " ".join(result.reasons)


def test_a_strong_self_serving_motive_is_fine_when_care_is_stronger():
    answers = READY | {"motive_loneliness": 5, "motive_genuine_care": 4}
    assert assess(person(answers=answers), TODAY, RULES).band is Band.REACH_OUT


def test_thresholds_are_inclusive_at_their_edges():
    assert assess(person(answers=READY | {"accept_no": 3}), TODAY, RULES).band is Band.REACH_OUT
    assert assess(person(answers=READY | {"calm_waiting": 3}), TODAY, RULES).band is Band.REACH_OUT
    edge = READY | {"motive_guilt": 3, "motive_genuine_care": 3}
    assert assess(person(answers=edge), TODAY, RULES).band is Band.REACH_OUT


def test_their_reply_as_the_latest_event_means_keep_going_today():
    p = person(sent("2026-05-01T10:00"), received("2026-05-02T10:00"))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.KEEP_GOING
    assert result.earliest_contact == TODAY


def test_a_negative_reply_keeps_going_but_says_to_read_it_again():
    p = person(sent("2026-05-01T10:00"), received("2026-05-02T10:00", Tone.NEGATIVE))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.KEEP_GOING
    assert any("negative" in r for r in result.reasons)


def test_they_reached_out_means_keep_going_until_you_send():
    p = person(signals=(Signal.REACHED_OUT_TO_ME,), what=WhatHappened.I_BROKE_UP, ended=TODAY)
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING
    after = dataclasses.replace(p, events=(sent("2026-06-01T09:00"),))
    assert assess(after, TODAY, RULES).band is Band.WAIT


@pytest.mark.parametrize("what", [WhatHappened.I_REJECTED_THEM, WhatHappened.I_BROKE_UP])
def test_cooling_off_after_a_rejection_or_break_up(what):
    p = person(what=what, ended=date(2026, 5, 20))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 19)
    assert "rule of thumb" in result.reasons[0]
    # On the 30th day it is over.
    assert assess(p, date(2026, 6, 19), RULES).band is Band.REACH_OUT


def test_no_cooling_off_for_pushing_someone_away_unless_they_asked_for_room():
    recent = date(2026, 5, 20)
    assert assess(person(ended=recent), TODAY, RULES).band is Band.REACH_OUT
    for signal in (Signal.ASKED_FOR_SPACE, Signal.DELETED_MY_NUMBER, Signal.BLOCKED_SOME_CHANNELS):
        result = assess(person(ended=recent, signals=(signal,)), TODAY, RULES)
        assert result.band is Band.WAIT, signal
        assert result.earliest_contact == date(2026, 6, 19)


def test_an_unanswered_message_means_wait_30_days_then_one_last_message():
    p = person(sent("2026-05-20T10:00"))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 19)
    later = assess(p, date(2026, 6, 19), RULES)
    assert later.band is Band.REACH_OUT
    assert "One last gentle message" in later.reasons[0]


def test_wait_gives_the_later_of_the_two_dates():
    p = person(sent("2026-05-21T10:00"), what=WhatHappened.I_BROKE_UP, ended=date(2026, 5, 20))
    result = assess(p, TODAY, RULES)
    assert result.band is Band.WAIT
    assert result.earliest_contact == date(2026, 6, 20)  # message + 30 beats ending + 30
    assert len(result.reasons) == 2


# ----------------------------------------------------------------------------- precedence


def test_respect_beats_every_other_band():
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


def test_keep_going_beats_the_cooling_off_period():
    p = person(received("2026-05-25T10:00"), what=WhatHappened.I_BROKE_UP, ended=date(2026, 5, 20))
    assert assess(p, TODAY, RULES).band is Band.KEEP_GOING


def test_events_after_today_are_not_counted():
    p = person(sent("2026-06-02T10:00"), sent("2026-06-03T10:00"))
    assert assess(p, TODAY, RULES).band is Band.REACH_OUT
    assert assess(p, date(2026, 6, 3), RULES).band is Band.BALL_IN_THEIR_COURT


# ---------------------------------------------------------------------------------- flags


def test_inside_cooling_off_flags_messages_in_the_period_only():
    early, late = sent("2026-01-10T10:00"), sent("2026-03-10T10:00")
    p = person(early, received("2026-01-11T10:00"), late, what=WhatHappened.I_BROKE_UP)
    assert codes(assess(p, TODAY, RULES))[FlagCode.INSIDE_COOLING_OFF] == [early.at]
    pushed = person(early, what=WhatHappened.I_PUSHED_AWAY)
    assert FlagCode.INSIDE_COOLING_OFF not in codes(assess(pushed, TODAY, RULES))


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


def test_contact_after_stop_until_they_write_again():
    stop = other(EventKind.ASKED_TO_STOP, "2026-03-01T10:00")
    after, later = sent("2026-03-05T10:00"), sent("2026-04-05T10:00")
    p = person(stop, after, received("2026-04-01T10:00"), later)
    assert codes(assess(p, TODAY, RULES))[FlagCode.CONTACT_AFTER_STOP] == [after.at]


def test_contact_after_a_stop_signal_is_flagged():
    message = sent("2026-02-01T10:00")
    p = person(message, signals=(Signal.BLOCKED_ALL_CHANNELS,))
    assert codes(assess(p, TODAY, RULES))[FlagCode.CONTACT_AFTER_STOP] == [message.at]


def test_channel_switch_after_a_block_on_one_channel():
    block = other(EventKind.BLOCKED, "2026-03-01T10:00", Channel.SOCIAL)
    email = sent("2026-03-03T10:00", Channel.EMAIL)
    p = person(block, email)
    result = assess(p, TODAY, RULES)
    assert codes(result)[FlagCode.CHANNEL_SWITCH] == [email.at]
    assert FlagCode.CONTACT_AFTER_STOP not in codes(result)


def test_late_night_is_midnight_to_five():
    night, dawn = sent("2026-05-01T00:00"), sent("2026-05-03T05:00")
    late = sent("2026-05-05T04:59")
    p = person(night, received("2026-05-02T10:00"), dawn, received("2026-05-04T10:00"), late)
    assert codes(assess(p, TODAY, RULES))[FlagCode.LATE_NIGHT] == [night.at, late.at]


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
        (lambda d: d["cooling_off"].update(days=-1), "days"),
        (lambda d: d["cooling_off"].update(applies_to=["i_ghosted"]), "applies_to"),
        (lambda d: d["readiness"]["weights"].pop("accept_no"), "weights"),
        (lambda d: d["bands"].pop("wait"), "bands.wait"),
        (lambda d: d["reasons"].pop("ready"), "ready"),
        (lambda d: d["reasons"].update(ready="Hello {nobody}"), "nobody"),
        (lambda d: d["flags"].pop("late_night"), "late_night"),
    ],
)
def test_a_malformed_rules_file_names_the_item_at_fault(mutate, named):
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    mutate(data)
    with pytest.raises(ContentError, match=named):
        rules_from_mapping(data)


# ----------------------------------------------------------------------------- properties

moments = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2026, 6, 1, 23, 59))
channels = st.sampled_from([c for c in Channel if c is not Channel.ALL])
events = st.one_of(
    st.builds(lambda at, c: Event(EventKind.SENT, at, c), moments, channels),
    st.builds(lambda at, t: Event(EventKind.RECEIVED, at, Channel.TEXT, t), moments, st.sampled_from(Tone)),
    st.builds(lambda at: Event(EventKind.ASKED_TO_STOP, at), moments),
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
    st.sets(st.sampled_from(Signal), max_size=3),
    st.one_of(
        st.just(READY),
        st.fixed_dictionaries({k: st.integers(1, 5) for k in CORE_IDS}),
        st.dictionaries(st.sampled_from(CORE_IDS), st.integers(1, 5), max_size=9),
    ),
    st.lists(events, max_size=12),
)


def permissiveness(band: Band) -> int:
    return 0 if band.stops_contact else (1 if band is Band.WAIT else 2)


@settings(max_examples=300, deadline=None)
@given(people)
def test_no_band_that_stops_contact_ever_gives_a_date(p):
    result = assess(p, TODAY, RULES)
    assert (result.earliest_contact is None) == result.band.stops_contact
    if result.earliest_contact is not None:
        assert result.earliest_contact >= TODAY
    assert result.score is None or 0 <= result.score <= 100
    assert result.reasons and result.next_step


@settings(max_examples=300, deadline=None)
@given(people, st.integers(0, 60 * 24 * 30), channels)
def test_one_more_unanswered_message_never_makes_the_advice_more_permissive(p, minutes, channel):
    before = assess(p, TODAY, RULES)
    last = max((e.at for e in p.events), default=datetime(2025, 6, 1))
    at = min(last + timedelta(minutes=minutes + 1), datetime(2026, 6, 1, 23, 59))
    if at <= last:
        return
    after = assess(
        dataclasses.replace(p, events=p.events + (Event(EventKind.SENT, at, channel),)), TODAY, RULES
    )
    assert permissiveness(after.band) <= permissiveness(before.band)
    if before.band is Band.WAIT and after.band is Band.WAIT:
        assert after.earliest_contact >= before.earliest_contact


@settings(max_examples=100, deadline=None)
@given(people, st.randoms())
def test_the_order_events_are_logged_in_does_not_matter(p, rnd: random.Random):
    shuffled = list(p.events)
    rnd.shuffle(shuffled)
    same_times = len({e.at for e in p.events}) == len(p.events)
    if same_times:
        a = assess(p, TODAY, RULES)
        b = assess(dataclasses.replace(p, events=tuple(shuffled)), TODAY, RULES)
        assert (a.band, a.earliest_contact, a.flags) == (b.band, b.earliest_contact, b.flags)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: st.integers(1, 5) for k in CORE_IDS}), st.sampled_from(CORE_IDS))
def test_more_care_never_lowers_the_score_and_more_self_interest_never_raises_it(answers, key):
    base = readiness_score(answers, RULES)
    if answers[key] == 5:
        return
    bumped = readiness_score(answers | {key: answers[key] + 1}, RULES)
    if RULES.weights[key] > 0:
        assert bumped > base or bumped == base
    else:
        assert bumped <= base


def test_a_block_holds_until_they_write_on_that_same_channel():
    block = other(EventKind.BLOCKED, "2026-03-01T10:00", Channel.TEXT)
    email_reply = Event(EventKind.RECEIVED, datetime(2026, 3, 5, 10), Channel.EMAIL, Tone.NEUTRAL)
    social = sent("2026-03-10T10:00", Channel.SOCIAL)
    by_email = sent("2026-03-11T10:00", Channel.EMAIL)
    result = assess(person(block, email_reply, social, by_email), TODAY, RULES)
    assert codes(result)[FlagCode.CHANNEL_SWITCH] == [social.at]  # email is their channel too
    waiting = assess(person(block, email_reply, by_email), TODAY, RULES)
    assert waiting.band is Band.REACH_OUT
    assert any("blocked you on text" in reason for reason in waiting.reasons)
    text_reply = Event(EventKind.RECEIVED, datetime(2026, 3, 20, 10), Channel.TEXT, Tone.NEUTRAL)
    lifted = assess(person(block, text_reply, sent("2026-03-21T10:00", Channel.SOCIAL)), TODAY, RULES)
    assert FlagCode.CHANNEL_SWITCH not in codes(lifted)
    assert not any("blocked you on" in reason for reason in lifted.reasons)


def test_a_late_night_window_may_cross_midnight():
    data = tomllib.loads((DATA_DIR / "guidance.toml").read_text())
    data["pacing"].update(late_night_start_hour=22, late_night_end_hour=5)
    tuned = rules_from_mapping(data)
    late, early, day = sent("2026-05-01T23:10"), sent("2026-05-03T04:00"), sent("2026-05-05T12:00")
    p = person(late, received("2026-05-02T10:00"), early, received("2026-05-04T10:00"), day)
    assert codes(assess(p, TODAY, tuned))[FlagCode.LATE_NIGHT] == [late.at, early.at]
