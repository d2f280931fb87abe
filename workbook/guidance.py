"""The guidance engine: what to do next, and why (guidance rules version 2, DESIGN.md).

Theory of operation
-------------------
`assess(person, today, rules)` is a pure function. It reads the person's situation, their core
reflection answers and the contact log up to the end of `today`, and returns an `Assessment`.

1. The log is sorted by time and cut at the end of `today` (so assessing "as of" a past date works).
2. Each band has one predicate in `BAND_RULES`, listed highest precedence first:

       safety_first > respect_their_wishes > ball_in_their_court > not_yet
                    > keep_going > wait > reach_out

   The first predicate that returns reasons decides the band; the rest are not consulted. The bands
   that stop contact come first, so no permissive rule can ever override a boundary or a risk.
3. The earliest contact date follows from the band: none for the bands that stop contact, `today`
   for keep_going and reach_out, and for `wait` the latest of the cooling-off end, the end of the
   space they asked for and the end of the wait for an answer.
4. Flags are computed independently over the whole log, each by one function in `FLAG_RULES`, and
   name the events that raise them. They describe what already happened, they never change the band.
5. The readiness score measures the person (care, clarity, empathy, acceptance, calm against
   self-serving motives). It is None until the core reflection is complete, and it never decides the
   band on its own.

What lifts what
---------------
- `i_feel_unsafe`, `they_are_afraid`, `stay_away_order`: nothing. They hold while the signal is set.
- A no, a request for no contact, a block on any channel, or romance with someone in a new
  relationship: only a warm or neutral `received` after the latest of them. A cold reply does not.
- A request for space: any message from them after the latest request, or the days in
  `[space] days` running out.
- A signal noted when the person was added has no date of its own: it counts from the day things
  ended. A signal ticked later is logged as a dated event (`STOP_SIGNAL_EVENTS`), so a reply from
  before it cannot lift it.

Thresholds and all the words come from data/guidance.toml through `GuidanceRules`, so the advice can
be tuned without code changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from .model import (
    CORE_IDS,
    Assessment,
    Band,
    Channel,
    Event,
    EventKind,
    Flag,
    FlagCode,
    Goal,
    Person,
    Signal,
    Tone,
    WhatHappened,
    long_date,
)

__all__ = [
    "BAND_RULES",
    "BandText",
    "FLAG_RULES",
    "GuidanceRules",
    "KEEP_AWAY_SIGNALS",
    "SAFETY_SIGNALS",
    "help_pages_for",
    "STOP_SIGNAL_EVENTS",
    "assess",
    "cooling_off_until",
    "readiness_score",
]

SELF_SERVING = ("motive_guilt", "motive_loneliness", "motive_boredom", "motive_attention")

# Respect (a): they are afraid of you, or someone with the authority to say so told you to keep away.
# Never lifted while the signal is set, whatever is logged.
KEEP_AWAY_SIGNALS = {
    Signal.THEY_ARE_AFRAID: "they_are_afraid",
    Signal.STAY_AWAY_ORDER: "stay_away_order",
}
# The signals about safety, theirs and yours: the person form asks them apart, saying why.
SAFETY_SIGNALS = frozenset({*KEEP_AWAY_SIGNALS, Signal.I_FEEL_UNSAFE})
# Respect (b), as signals: a no, a request for no contact, a block anywhere. Each counts from the end.
STOP_SIGNALS = {
    Signal.ASKED_NO_CONTACT: "signal_asked_no_contact",
    Signal.SAID_NO: "signal_said_no",
    Signal.BLOCKED_ALL_CHANNELS: "signal_blocked_all",
    Signal.BLOCKED_SOME_CHANNELS: "signal_blocked_some",
}
# Respect (b), as logged events. A `blocked` on any channel counts (version 1 only counted `all`).
STOP_EVENTS = (EventKind.ASKED_TO_STOP, EventKind.SAID_NO, EventKind.BLOCKED)
# The tones of a reply that can lift a no or a block: a cold reply is an answer, not an opening.
KIND_TONES = (Tone.POSITIVE, Tone.NEUTRAL)

# What a signal ticked later, on someone already in the workbook, is logged as (dated when ticked), so
# that a reply logged before it cannot lift it. Signals left out have nothing to date: the safety
# signals are never lifted anyway; a deleted number, a new partner, friendliness and their reaching
# out have no event kind. A partial block is logged on `other` ("another channel"): the form does not
# say which channel, so the block counts in full for the band, and the channel-switch flag treats
# every message on a channel they have not written to you on as a switch.
STOP_SIGNAL_EVENTS: dict[Signal, tuple[EventKind, Channel | None]] = {
    Signal.ASKED_NO_CONTACT: (EventKind.ASKED_TO_STOP, None),
    Signal.SAID_NO: (EventKind.SAID_NO, None),
    Signal.BLOCKED_ALL_CHANNELS: (EventKind.BLOCKED, Channel.ALL),
    Signal.BLOCKED_SOME_CHANNELS: (EventKind.BLOCKED, Channel.OTHER),
    Signal.ASKED_FOR_SPACE: (EventKind.ASKED_FOR_SPACE, None),
}

# Anything that counts as them having signalled something: with none of it, and only then, the
# reason `ready` ("nothing they have signalled asks you to hold back") may be given.
SIGNALLING_EVENTS = (*STOP_EVENTS, EventKind.ASKED_FOR_SPACE)


@dataclass(frozen=True)
class BandText:
    title: str
    colour: str
    next_step: str
    # respect_their_wishes only: the next step when they are afraid or there is an order.
    next_step_keep_away: str | None = None


@dataclass(frozen=True)
class GuidanceRules:
    """Every number and sentence the engine uses, loaded from data/guidance.toml."""

    cooling_off_days: int
    cooling_off_applies_to: frozenset[WhatHappened]
    cooling_off_signals: frozenset[Signal]
    space_days: int
    unanswered_wait_days: int
    double_text_hours: int
    unanswered_streak: int
    late_night_start_hour: int
    late_night_end_hour: int
    self_serving_high: int
    care_at_most: int
    accept_no_at_most: int
    calm_waiting_at_most: int
    weights: Mapping[str, float]
    bands: Mapping[Band, BandText]
    reasons: Mapping[str, str]
    motive_names: Mapping[str, str]
    flag_texts: Mapping[FlagCode, str]
    channel_names: Mapping[Channel, str]

    def reason(self, code: str, **values: object) -> str:
        return self.reasons[code].format(**values)

    def channels(self, channels: Iterable[Channel]) -> str:
        """Channels as words inside a sentence: "text, social media"."""
        return ", ".join(dict.fromkeys(self.channel_names[c] for c in channels))


# --------------------------------------------------------------------------------------------
# The pieces of a situation the rules look at, derived once.


@dataclass(frozen=True)
class _Stop:
    """One reason to leave them be under respect (b): a signal (dated at the end) or an event."""

    at: datetime
    reason: str


@dataclass(frozen=True)
class _View:
    person: Person
    today: date
    events: tuple[Event, ...]  # sorted, none after today
    rules: GuidanceRules
    ended_at: datetime

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def signals(self) -> frozenset[Signal]:
        return self.person.situation.signals

    def reason(self, code: str, **values: object) -> str:
        return self.rules.reason(code, name=self.name, **values)

    @cached_property
    def received(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.RECEIVED)

    @cached_property
    def last_received(self) -> Event | None:
        return self.received[-1] if self.received else None

    def first_received_after(self, moment: datetime, kindly: bool = False) -> Event | None:
        return next(
            (e for e in self.received if e.at > moment and (not kindly or e.tone in KIND_TONES)), None
        )

    def wrote_after(self, moment: datetime) -> bool:
        """Whether they wrote after this moment, whatever the tone (constant time)."""
        return self.last_received is not None and self.last_received.at > moment

    @cached_property
    def last_kind_reply(self) -> Event | None:
        return next((e for e in reversed(self.received) if e.tone in KIND_TONES), None)

    def wrote_kindly_after(self, moment: datetime) -> bool:
        return self.last_kind_reply is not None and self.last_kind_reply.at > moment

    def trailing_unanswered(self) -> list[Event]:
        """The `sent` events since their last reply (a meeting by agreement counts as one)."""
        trail: list[Event] = []
        for event in self.events:
            if event.kind in (EventKind.RECEIVED, EventKind.MET):
                trail = []
            elif event.kind is EventKind.SENT:
                trail.append(event)
        return trail

    @cached_property
    def keep_away(self) -> list[str]:
        """Respect (a): the reason codes of the keep-away signals set."""
        return [code for signal, code in KEEP_AWAY_SIGNALS.items() if signal in self.signals]

    @cached_property
    def stops(self) -> list[_Stop]:
        """Respect (b): every no, request for no contact, block or new partner, oldest first."""
        found = [
            _Stop(self.ended_at, self.reason(code)) for s, code in STOP_SIGNALS.items() if s in self.signals
        ]
        if self.person.situation.goal is Goal.ROMANCE and Signal.NEW_RELATIONSHIP in self.signals:
            found.append(_Stop(self.ended_at, self.reason("new_partner")))
        for event in self.events:
            if event.kind in STOP_EVENTS:
                found.append(_Stop(event.at, self._stop_event_reason(event)))
        return sorted(found, key=lambda stop: stop.at)

    def _stop_event_reason(self, event: Event) -> str:
        day = long_date(event.at.date())
        if event.kind is EventKind.ASKED_TO_STOP:
            return self.reason("event_asked_to_stop", date=day)
        if event.kind is EventKind.SAID_NO:
            return self.reason("event_said_no", date=day)
        if event.blocks_all:
            return self.reason("event_blocked_all", date=day)
        channel = event.channel or Channel.OTHER
        return self.reason("event_blocked", date=day, channels=self.rules.channels([channel]))

    @cached_property
    def stop_holds(self) -> bool:
        """Respect (b) applies: no warm or neutral reply after the latest stop."""
        return bool(self.stops) and not self.wrote_kindly_after(self.stops[-1].at)

    @cached_property
    def space_from(self) -> datetime | None:
        """The latest request for space: an `asked_for_space` event, or the end for the signal."""
        asked = [e.at for e in self.events if e.kind is EventKind.ASKED_FOR_SPACE]
        if Signal.ASKED_FOR_SPACE in self.signals:
            asked.append(self.ended_at)
        return max(asked, default=None)

    @cached_property
    def space_from_signal(self) -> bool:
        """Whether the latest request for space is the signal (no later event logged)."""
        return (
            self.space_from is not None
            and self.space_from == self.ended_at
            and not any(e.kind is EventKind.ASKED_FOR_SPACE and e.at >= self.ended_at for e in self.events)
        )

    @cached_property
    def space_until(self) -> date | None:
        """The first day after the space they asked for, or None when there is none or they wrote."""
        if self.space_from is None or self.wrote_after(self.space_from):
            return None
        return self.space_from.date() + timedelta(days=self.rules.space_days)

    @cached_property
    def signalled_nothing(self) -> bool:
        """No signal at all, and no stop, space or block in the log."""
        return not self.signals and not any(e.kind in SIGNALLING_EVENTS for e in self.events)


# --------------------------------------------------------------------------------------------
# Bands: each predicate returns its reasons when it applies, or an empty list.


def _safety_first(view: _View) -> list[str]:
    """DESIGN, Safety: your own safety comes before anything the seeds suggest. You owe no contact."""
    if Signal.I_FEEL_UNSAFE not in view.signals:
        return []
    # Their fear or an order is named too: the app then shows both pages of what to do instead.
    return [view.reason("i_feel_unsafe"), *(view.reason(code) for code in view.keep_away)]


def _respect_their_wishes(view: _View) -> list[str]:
    """Seeds 000-003 all agree: a no, a request for no contact or a block is to be respected, and
    seed 002 says never to work around a block. Only they can reopen the door, by writing warmly or
    neutrally after the latest of these; a cold reply does not. When they are afraid of you or you
    have been told to stay away (a), nothing they write lifts it (DESIGN, Safety).
    """
    reasons = [view.reason(code) for code in view.keep_away]
    if reasons and view.wrote_after(view.ended_at):
        reasons.append(view.reason("keep_away_despite_reply", date=long_date(view.last_received.at.date())))
    if view.stop_holds:
        # The stops since their last kind reply are the ones in force; older ones were answered.
        since = view.last_kind_reply.at if view.last_kind_reply else None
        reasons += [stop.reason for stop in view.stops if since is None or stop.at >= since]
        last = view.last_received
        if last is not None and last.at > view.stops[-1].at:  # it can only be a cold one
            reasons.append(view.reason("reply_did_not_lift", date=long_date(last.at.date())))
        met = [e for e in view.events if e.kind is EventKind.MET and e.at > view.stops[-1].at]
        if met:  # seeing each other is not their word: say so, or the meeting reads as an opening
            reasons.append(view.reason("met_did_not_lift", date=long_date(met[-1].at.date())))
        if Signal.REACHED_OUT_TO_ME in view.signals:
            reasons.append(view.reason("reached_out_under_stop"))
    return reasons


def _ball_in_their_court(view: _View) -> list[str]:
    """Seed 002: one message, then wait; two unanswered in a row: stop and let them come to you.
    A cold reply is an answer too: the next word is theirs."""
    reasons = []
    trail = view.trailing_unanswered()
    if len(trail) >= view.rules.unanswered_streak:
        reasons.append(view.reason("unanswered_sends", count=len(trail), date=long_date(trail[0].at.date())))
    last = view.last_received
    if last is not None and last.tone is Tone.NEGATIVE:
        # Once a request for space is logged with it, the reason no longer asks them to log one.
        noted = view.space_from is not None and view.space_from >= last.at
        reasons.append(
            view.reason("cold_reply_noted" if noted else "cold_reply", date=long_date(last.at.date()))
        )
    if reasons and view.space_until is not None and view.today < view.space_until:
        # The space they asked for shapes what comes after the silence: name it, with its end.
        reasons.append(
            view.reason(
                "space_signal_held" if view.space_from_signal else "space_event_held",
                date=long_date(view.space_from.date()),
                ended=long_date(view.person.situation.ended_on),
                days=view.rules.space_days,
                until=long_date(view.space_until),
            )
        )
    return reasons


def _not_yet(view: _View) -> list[str]:
    """Seed 002's motive check and the seeds' insistence on being able to hear a no."""
    rules, answers = view.rules, view.person.answers
    core = {key: answers.get(key) for key in CORE_IDS}
    answered = {k: v for k, v in core.items() if isinstance(v, int) and not isinstance(v, bool)}
    if len(answered) < len(CORE_IDS):
        return [rules.reason("reflection_incomplete", count=len(answered), total=len(CORE_IDS))]
    reasons = []
    if answered["motive_genuine_care"] <= rules.care_at_most:
        for motive in SELF_SERVING:
            if answered[motive] >= rules.self_serving_high:
                reasons.append(view.reason("self_serving_motive", motive=rules.motive_names[motive]))
    if answered["accept_no"] <= rules.accept_no_at_most:
        reasons.append(rules.reason("accept_no_low"))
    if answered["calm_waiting"] <= rules.calm_waiting_at_most:
        reasons.append(rules.reason("calm_low"))
    return reasons


def _keep_going(view: _View) -> list[str]:
    """Seed 001: once they answer, small consistent check-ins, in their channel, at their pace."""
    last = view.events[-1] if view.events else None
    if last is not None and last.kind is EventKind.RECEIVED and last.tone in KIND_TONES:
        reasons = [view.reason("they_replied", date=long_date(last.at.date()))]
    elif last is not None and last.kind is EventKind.MET:
        reasons = [view.reason("they_met", date=long_date(last.at.date()))]
    elif Signal.REACHED_OUT_TO_ME in view.signals and not any(e.kind is EventKind.SENT for e in view.events):
        reasons = [view.reason("they_reached_out")]
    else:
        return []
    return reasons + _context(view)


def _wait_until(view: _View) -> tuple[date | None, list[str]]:
    """The latest of the cooling-off end, the space they asked for and the wait for an answer."""
    rules, reasons, dates = view.rules, [], []
    ended = long_date(view.person.situation.ended_on)
    until = cooling_off_until(view.person, rules)
    if until is not None and view.today < until:
        dates.append(until)
        code = "cooling_off_deleted" if Signal.DELETED_MY_NUMBER in view.signals else "cooling_off"
        reasons.append(view.reason(code, ended=ended, days=rules.cooling_off_days, until=long_date(until)))
    space = view.space_until
    if space is not None and view.today < space:
        dates.append(space)
        asked = long_date(view.space_from.date()) if view.space_from else ""
        code = "space_signal" if view.space_from_signal else "space_event"
        reasons.append(
            view.reason(code, ended=ended, date=asked, days=rules.space_days, until=long_date(space))
        )
    trail = view.trailing_unanswered()
    if trail:
        answer_by = trail[-1].at.date() + timedelta(days=rules.unanswered_wait_days)
        if view.today < answer_by:
            dates.append(answer_by)
            reasons.append(
                view.reason(
                    "last_sent_unanswered",
                    date=long_date(trail[-1].at.date()),
                    days=rules.unanswered_wait_days,
                    until=long_date(answer_by),
                )
            )
    return (max(dates) if dates else None), reasons


def _wait(view: _View) -> list[str]:
    reasons = _wait_until(view)[1]
    return reasons + _context(view) if reasons else []


def _reach_out(view: _View) -> list[str]:
    """Seed 002: one friendly, low-pressure message, then wait."""
    reasons = []
    trail = view.trailing_unanswered()
    if trail:
        reasons.append(
            view.reason(
                "second_message_limit",
                date=long_date(trail[-1].at.date()),
                days=view.rules.unanswered_wait_days,
            )
        )
    reasons += _context(view)
    if not reasons:
        reasons.append(view.reason("ready" if view.signalled_nothing else "considered"))
    return reasons


BAND_RULES: tuple[tuple[Band, Callable[[_View], list[str]]], ...] = (
    (Band.SAFETY_FIRST, _safety_first),
    (Band.RESPECT_THEIR_WISHES, _respect_their_wishes),
    (Band.BALL_IN_THEIR_COURT, _ball_in_their_court),
    (Band.NOT_YET, _not_yet),
    (Band.KEEP_GOING, _keep_going),
    (Band.WAIT, _wait),
    (Band.REACH_OUT, _reach_out),
)


def _context(view: _View) -> list[str]:
    """In the bands that allow a message: each signal or event noted that no longer holds it back,
    named with why, and what it still asks of you. (What does hold it back is the band's own reason.)"""
    rules, reasons = view.rules, []
    if view.stops:  # only reached when a kind reply lifted them
        lifted_by = view.first_received_after(view.stops[-1].at, kindly=True)
        if lifted_by is not None:
            reasons.append(view.reason("stop_lifted", date=long_date(lifted_by.at.date())))
    if Signal.NEW_RELATIONSHIP in view.signals:
        romance = view.person.situation.goal is Goal.ROMANCE
        reasons.append(view.reason("new_partner_lifted" if romance else "new_partner_not_romance"))
    if view.space_from is not None and (view.space_until is None or view.today >= view.space_until):
        lifted = view.space_until is None
        code = ("space_lifted" if lifted else "space_over") + ("_signal" if view.space_from_signal else "")
        reasons.append(
            view.reason(
                code,
                date=long_date(view.space_from.date()),
                days=rules.space_days,
                until=long_date(view.space_until) if view.space_until else "",
            )
        )
    until = cooling_off_until(view.person, rules)
    if Signal.DELETED_MY_NUMBER in view.signals and until is not None and view.today >= until:
        days = rules.cooling_off_days
        reasons.append(view.reason("deleted_number_over", days=days, until=long_date(until)))
    if Signal.FRIENDLY_WHEN_WE_MEET in view.signals:
        reasons.append(view.reason("friendly_when_we_meet"))
    if Signal.REACHED_OUT_TO_ME in view.signals and any(e.kind is EventKind.SENT for e in view.events):
        reasons.append(view.reason("reached_out_answered"))
    blocked = _channel_blocks(view)[0]
    if blocked:
        reasons.append(view.reason("partial_block", channels=rules.channels(blocked)))
    elif Signal.BLOCKED_SOME_CHANNELS in view.signals:
        reasons.append(view.reason("partial_block_signal"))
    return reasons


# --------------------------------------------------------------------------------------------
# Flags: each returns the events that raise it.


def _sends(view: _View) -> list[Event]:
    return [e for e in view.events if e.kind is EventKind.SENT]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _flag_inside_cooling_off(view: _View) -> list[Event]:
    """A `sent` inside the cooling-off period after the end, or inside any space they asked for
    (each request counts from its own day, and ends early when they write)."""
    until = cooling_off_until(view.person, view.rules)
    cooling = (view.ended_at, _day_start(until)) if until is not None else None
    space_days = timedelta(days=view.rules.space_days)
    signal_space = Signal.ASKED_FOR_SPACE in view.signals
    space_end: datetime | None = None  # while a request for space holds: the moment it ends
    raised = []
    for event in view.events:
        if signal_space and event.at >= view.ended_at:
            space_end = _day_start(view.person.situation.ended_on + space_days)
            signal_space = False
        if event.kind is EventKind.ASKED_FOR_SPACE:
            space_end = max(space_end or event.at, _day_start(event.at.date() + space_days))
        elif event.kind is EventKind.RECEIVED:
            space_end = None
        elif event.kind is EventKind.SENT:
            in_cooling = cooling is not None and cooling[0] <= event.at < cooling[1]
            if in_cooling or (space_end is not None and event.at < space_end):
                raised.append(event)
    return raised


def _unanswered_runs(view: _View) -> list[tuple[Event, Event]]:
    """Each `sent` that follows an unanswered `sent`, paired with the one before it."""
    pairs, previous = [], None
    for event in view.events:
        if event.kind in (EventKind.RECEIVED, EventKind.MET):
            previous = None
        elif event.kind is EventKind.SENT:
            if previous is not None:
                pairs.append((previous, event))
            previous = event
    return pairs


def _flag_double_text(view: _View) -> list[Event]:
    limit = timedelta(hours=view.rules.double_text_hours)
    return [later for earlier, later in _unanswered_runs(view) if later.at - earlier.at < limit]


def _flag_unanswered_streak(view: _View) -> list[Event]:
    """Every message in a run of `unanswered_streak` or more sent without a reply between."""
    runs: list[list[Event]] = []
    current: list[Event] = []
    for event in view.events:
        if event.kind in (EventKind.RECEIVED, EventKind.MET):
            runs.append(current)
            current = []
        elif event.kind is EventKind.SENT:
            current.append(event)
    runs.append(current)
    return [e for run in runs if len(run) >= view.rules.unanswered_streak for e in run]


def _flag_contact_after_stop(view: _View) -> list[Event]:
    """A `sent` after a no, a request to stop or a block anywhere (logged, or noted as a signal and
    so dated at the end), with no warm or neutral reply between; or any `sent` after the end while
    they are afraid of you or there is an order, which nothing lifts."""
    keep_away = bool(view.keep_away)
    signal_stop = bool(view.signals & STOP_SIGNALS.keys())
    stopped_at: datetime | None = None
    raised = []
    for event in view.events:
        if signal_stop and event.at >= view.ended_at:
            stopped_at, signal_stop = max(stopped_at or view.ended_at, view.ended_at), False
        if event.kind in STOP_EVENTS:
            stopped_at = event.at  # the latest stop: a reply has to come after it to lift it
        elif event.kind is EventKind.RECEIVED:
            if event.tone in KIND_TONES and stopped_at is not None and event.at > stopped_at:
                stopped_at = None
        elif event.kind is EventKind.SENT and (
            stopped_at is not None or (keep_away and event.at >= view.ended_at)
        ):
            raised.append(event)
    return raised


def _channel_blocks(view: _View) -> tuple[dict[Channel, bool], list[Event]]:
    """Walk the log for blocks on single channels.

    A block on a channel holds until they write to you on that same channel. A message of yours on
    another channel while a block holds is a channel switch, unless they have written to you on
    that channel themselves (then it is their channel too). After a block everywhere, every message
    of yours (through a friend, a letter, a new account) goes around it, until they write to you.
    Returns the blocks still holding (channel -> True) and the sends that switched channel.
    """
    blocked: dict[Channel, bool] = {}
    theirs: set[Channel] = set()  # channels they have written to you on
    everywhere = False  # blocked on every channel: any message of yours goes around it
    switched = []
    for event in view.events:
        if event.kind is EventKind.BLOCKED and event.blocks_all:
            everywhere = True
            theirs.clear()
        elif event.kind is EventKind.BLOCKED and event.channel:
            blocked[event.channel] = True
            theirs.discard(event.channel)
        elif event.kind is EventKind.RECEIVED:
            everywhere = False  # they wrote: that channel is theirs again
            if event.channel:
                blocked.pop(event.channel, None)
                theirs.add(event.channel)
        elif event.kind is EventKind.SENT and (
            everywhere or (blocked and event.channel not in blocked and event.channel not in theirs)
        ):
            switched.append(event)
    return blocked, switched


def _flag_channel_switch(view: _View) -> list[Event]:
    return _channel_blocks(view)[1]


def _flag_after_cold_reply(view: _View) -> list[Event]:
    """A `sent` after a reply that felt negative, with no message from them since."""
    cold, raised = False, []
    for event in view.events:
        if event.kind is EventKind.RECEIVED:
            cold = event.tone is Tone.NEGATIVE
        elif event.kind is EventKind.SENT and cold:
            raised.append(event)
    return raised


def _flag_late_night(view: _View) -> list[Event]:
    start, end = view.rules.late_night_start_hour, view.rules.late_night_end_hour
    if start <= end:
        return [e for e in _sends(view) if start <= e.at.hour < end]
    # A window that crosses midnight, such as 22 to 5.
    return [e for e in _sends(view) if e.at.hour >= start or e.at.hour < end]


def _flag_unasked_call(view: _View) -> list[Event]:
    """Seed 002: no calls until texting is steady, and only when they ask."""
    raised = []
    for event in view.events:
        if event.kind is EventKind.RECEIVED:
            break
        if event.kind is EventKind.SENT and event.channel is Channel.CALL:
            raised.append(event)
    return raised


FLAG_RULES: tuple[tuple[FlagCode, Callable[[_View], list[Event]]], ...] = (
    (FlagCode.INSIDE_COOLING_OFF, _flag_inside_cooling_off),
    (FlagCode.DOUBLE_TEXT, _flag_double_text),
    (FlagCode.UNANSWERED_STREAK, _flag_unanswered_streak),
    (FlagCode.CONTACT_AFTER_STOP, _flag_contact_after_stop),
    (FlagCode.CHANNEL_SWITCH, _flag_channel_switch),
    (FlagCode.AFTER_COLD_REPLY, _flag_after_cold_reply),
    (FlagCode.LATE_NIGHT, _flag_late_night),
    (FlagCode.UNASKED_CALL, _flag_unasked_call),
)


# --------------------------------------------------------------------------------------------
# The public functions.


def cooling_off_until(person: Person, rules: GuidanceRules) -> date | None:
    """The first day after the cooling-off period, or None when none applies to this ending.

    Seed 002's 30 days after a rejection or a break-up, and after any other ending when they
    deleted your number. (A request for space has its own, longer period: `[space] days`.)
    """
    situation = person.situation
    applies = situation.what_happened in rules.cooling_off_applies_to or bool(
        situation.signals & rules.cooling_off_signals
    )
    if not applies:
        return None
    return situation.ended_on + timedelta(days=rules.cooling_off_days)


def readiness_score(answers: Mapping[str, object], rules: GuidanceRules) -> int | None:
    """0-100 from the core reflection, or None until every core question is answered."""
    total = weight_sum = 0.0
    for key, weight in rules.weights.items():
        value = answers.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            return None
        agreement = (value - 1) / 4
        total += abs(weight) * (agreement if weight > 0 else 1 - agreement)
        weight_sum += abs(weight)
    return round(100 * total / weight_sum)


def assess(person: Person, today: date, rules: GuidanceRules) -> Assessment:
    """Decide the band, score, earliest contact date, flags, next step and reasons."""
    end_of_today = datetime.combine(today, time.max)
    events = tuple(sorted((e for e in person.events if e.at <= end_of_today), key=lambda e: e.at))
    view = _View(
        person=person,
        today=today,
        events=events,
        rules=rules,
        ended_at=_day_start(person.situation.ended_on),
    )
    band, reasons = next((b, r) for b, rule in BAND_RULES if (r := rule(view)))
    earliest: date | None
    if band.stops_contact:
        earliest = None
    elif band is Band.WAIT:
        earliest = _wait_until(view)[0]
    else:
        earliest = today
    flags = tuple(Flag(code, tuple(raised)) for code, rule in FLAG_RULES if (raised := rule(view)))
    text = rules.bands[band]
    step = text.next_step
    if band is Band.RESPECT_THEIR_WISHES and view.keep_away and text.next_step_keep_away:
        step = text.next_step_keep_away
    return Assessment(
        band=band,
        score=readiness_score(person.answers, rules),
        earliest_contact=earliest,
        flags=flags,
        next_step=step.format(name=person.name, earliest=long_date(earliest) if earliest else ""),
        reasons=tuple(dict.fromkeys(reasons)),
        cooling_off_until=cooling_off_until(person, rules),
    )


def help_pages_for(band: Band, signals: frozenset[Signal]) -> tuple[str, ...]:
    """The "what to do instead" pages (data/help.toml) this answer comes with (DESIGN.md, Safety):
    your own safety under safety_first; their fear or an order whenever one is noted and the band
    is safety_first or respect_their_wishes; both when both apply."""
    pages: list[str] = []
    if band is Band.SAFETY_FIRST:
        pages.append("own_safety")
    if band in (Band.SAFETY_FIRST, Band.RESPECT_THEIR_WISHES) and signals & KEEP_AWAY_SIGNALS.keys():
        pages.append("their_fear")
    return tuple(pages)
