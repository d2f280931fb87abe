"""The guidance engine: what to do next, and why.

Theory of operation
-------------------
`assess(person, today, rules)` is a pure function. It reads the person's situation, their core
reflection answers and the contact log up to the end of `today`, and returns an `Assessment`.

1. The log is sorted by time and cut at the end of `today` (so assessing "as of" a past date works).
2. Each band has one predicate in `BAND_RULES`, listed highest precedence first. The first predicate
   that returns reasons decides the band; the rest are not consulted. Stopping bands come first, so no
   permissive rule can ever override a boundary.
3. The earliest contact date follows from the band: none for the bands that stop contact, `today`
   for keep_going and reach_out, and the later of the cooling-off end and the unanswered-message wait
   for `wait`.
4. Flags are computed independently over the whole log, each by one function in `FLAG_RULES`, and
   name the events that raise them. They describe what already happened, they never change the band.
5. The readiness score measures the person (care, clarity, empathy, acceptance, calm against
   self-serving motives). It is None until the core reflection is complete, and it never decides the
   band on its own.

Thresholds and all the words come from data/guidance.toml through `GuidanceRules`, so the advice can
be tuned without code changes. A signal noted when the person was added (for example "asked for no
contact") has no date of its own: it counts from the day things ended.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    "FLAG_RULES",
    "GuidanceRules",
    "assess",
    "cooling_off_until",
    "readiness_score",
]

SELF_SERVING = ("motive_guilt", "motive_loneliness", "motive_boredom", "motive_attention")
STOP_SIGNALS = {
    Signal.ASKED_NO_CONTACT: "signal_asked_no_contact",
    Signal.SAID_NO: "signal_said_no",
    Signal.BLOCKED_ALL_CHANNELS: "signal_blocked_all",
}


@dataclass(frozen=True)
class BandText:
    title: str
    colour: str
    next_step: str


@dataclass(frozen=True)
class GuidanceRules:
    """Every number and sentence the engine uses, loaded from data/guidance.toml."""

    cooling_off_days: int
    cooling_off_applies_to: frozenset[WhatHappened]
    cooling_off_signals: frozenset[Signal]
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

    def reason(self, code: str, **values: object) -> str:
        return self.reasons[code].format(**values)


# --------------------------------------------------------------------------------------------
# The pieces of a situation the rules look at, derived once.


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

    @cached_property
    def last_received(self) -> datetime | None:
        return max((e.at for e in self.events if e.kind is EventKind.RECEIVED), default=None)

    def received_after(self, moment: datetime) -> bool:
        """Whether they wrote after this moment (constant time: the log can hold 10,000 events)."""
        return self.last_received is not None and self.last_received > moment

    def trailing_unanswered(self) -> list[Event]:
        """The `sent` events since their last reply (a meeting by agreement counts as one)."""
        trail: list[Event] = []
        for event in self.events:
            if event.kind in (EventKind.RECEIVED, EventKind.MET):
                trail = []
            elif event.kind is EventKind.SENT:
                trail.append(event)
        return trail


# --------------------------------------------------------------------------------------------
# Bands: each predicate returns its reasons when it applies, or an empty list.


def _respect_their_wishes(view: _View) -> list[str]:
    """Seeds 000-003 all agree: a no, a request for no contact or a block is to be respected.

    Only a `received` message after it lifts it: they reopened the door, you did not.
    """
    reasons = []
    lifted_for_signals = view.received_after(view.ended_at)
    if not lifted_for_signals:
        for signal, code in STOP_SIGNALS.items():
            if signal in view.signals:
                reasons.append(view.rules.reason(code, name=view.name))
        situation = view.person.situation
        if situation.goal is Goal.ROMANCE and Signal.NEW_RELATIONSHIP in view.signals:
            reasons.append(view.rules.reason("new_partner", name=view.name))
    for event in view.events:
        code = {
            EventKind.ASKED_TO_STOP: "event_asked_to_stop",
            EventKind.SAID_NO: "event_said_no",
        }.get(event.kind)
        if event.blocks_all:
            code = "event_blocked_all"
        if code and not view.received_after(event.at):
            reasons.append(view.rules.reason(code, name=view.name, date=long_date(event.at.date())))
    return reasons


def _ball_in_their_court(view: _View) -> list[str]:
    """Seed 002: one message, then wait. Two unanswered in a row: stop and let them come to you."""
    trail = view.trailing_unanswered()
    if len(trail) >= view.rules.unanswered_streak:
        return [
            view.rules.reason(
                "unanswered_sends", count=len(trail), date=long_date(trail[0].at.date()), name=view.name
            )
        ]
    return []


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
                reasons.append(
                    rules.reason("self_serving_motive", motive=rules.motive_names[motive], name=view.name)
                )
    if answered["accept_no"] <= rules.accept_no_at_most:
        reasons.append(rules.reason("accept_no_low"))
    if answered["calm_waiting"] <= rules.calm_waiting_at_most:
        reasons.append(rules.reason("calm_low"))
    return reasons


def _keep_going(view: _View) -> list[str]:
    """Seed 001: once they answer, small consistent check-ins, in their channel, at their pace."""
    last = view.events[-1] if view.events else None
    if last is not None and last.kind is EventKind.RECEIVED:
        reasons = [view.rules.reason("they_replied", name=view.name, date=long_date(last.at.date()))]
        if last.tone is Tone.NEGATIVE:
            reasons.append(view.rules.reason("they_replied_negative", name=view.name))
        return reasons
    no_sent = not any(e.kind is EventKind.SENT for e in view.events)
    if Signal.REACHED_OUT_TO_ME in view.signals and no_sent:
        return [view.rules.reason("they_reached_out", name=view.name)]
    return []


def _wait_until(view: _View) -> tuple[date | None, list[str]]:
    """The later of the cooling-off end and the unanswered-message wait, if either is ahead."""
    rules, reasons, dates = view.rules, [], []
    until = cooling_off_until(view.person, rules)
    if until is not None and view.today < until:
        dates.append(until)
        reasons.append(
            rules.reason(
                "cooling_off",
                ended=long_date(view.person.situation.ended_on),
                days=rules.cooling_off_days,
                until=long_date(until),
            )
        )
    trail = view.trailing_unanswered()
    if trail:
        answer_by = trail[-1].at.date() + timedelta(days=rules.unanswered_wait_days)
        if view.today < answer_by:
            dates.append(answer_by)
            reasons.append(
                rules.reason(
                    "last_sent_unanswered",
                    date=long_date(trail[-1].at.date()),
                    days=rules.unanswered_wait_days,
                    until=long_date(answer_by),
                )
            )
    return (max(dates) if dates else None), reasons


def _wait(view: _View) -> list[str]:
    return _wait_until(view)[1]


def _reach_out(view: _View) -> list[str]:
    trail = view.trailing_unanswered()
    if trail:
        return [
            view.rules.reason(
                "one_last_message",
                date=long_date(trail[-1].at.date()),
                days=view.rules.unanswered_wait_days,
            )
        ]
    return [view.rules.reason("ready")]


BAND_RULES: tuple[tuple[Band, Callable[[_View], list[str]]], ...] = (
    (Band.RESPECT_THEIR_WISHES, _respect_their_wishes),
    (Band.BALL_IN_THEIR_COURT, _ball_in_their_court),
    (Band.NOT_YET, _not_yet),
    (Band.KEEP_GOING, _keep_going),
    (Band.WAIT, _wait),
    (Band.REACH_OUT, _reach_out),
)


# --------------------------------------------------------------------------------------------
# Flags: each returns the events that raise it.


def _sends(view: _View) -> list[Event]:
    return [e for e in view.events if e.kind is EventKind.SENT]


def _flag_inside_cooling_off(view: _View) -> list[Event]:
    until = cooling_off_until(view.person, view.rules)
    if until is None:
        return []
    start = view.person.situation.ended_on
    return [e for e in _sends(view) if start <= e.at.date() < until]


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
    stopped_at: datetime | None = None
    if view.signals & STOP_SIGNALS.keys():
        stopped_at = view.ended_at
    raised = []
    for event in view.events:
        if event.kind in (EventKind.ASKED_TO_STOP, EventKind.SAID_NO) or event.blocks_all:
            stopped_at = stopped_at or event.at
        elif event.kind is EventKind.RECEIVED:
            stopped_at = None
        elif event.kind is EventKind.SENT and stopped_at is not None and event.at >= stopped_at:
            raised.append(event)
    return raised


def _channel_blocks(view: _View) -> tuple[dict[Channel, bool], list[Event]]:
    """Walk the log for blocks on single channels.

    A block on a channel holds until they write to you on that same channel. A message of yours on
    another channel while a block holds is a channel switch, unless they have written to you on
    that channel themselves (then it is their channel too). Returns the blocks still holding
    (channel -> True) and the sends that switched channel.
    """
    blocked: dict[Channel, bool] = {}
    theirs: set[Channel] = set()  # channels they have written to you on
    switched = []
    for event in view.events:
        if event.kind is EventKind.BLOCKED and not event.blocks_all and event.channel:
            blocked[event.channel] = True
            theirs.discard(event.channel)
        elif event.kind is EventKind.RECEIVED and event.channel:
            blocked.pop(event.channel, None)
            theirs.add(event.channel)
        elif (
            event.kind is EventKind.SENT
            and blocked
            and event.channel not in blocked
            and event.channel not in theirs
        ):
            switched.append(event)
    return blocked, switched


def _flag_channel_switch(view: _View) -> list[Event]:
    return _channel_blocks(view)[1]


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
    (FlagCode.LATE_NIGHT, _flag_late_night),
    (FlagCode.UNASKED_CALL, _flag_unasked_call),
)


# --------------------------------------------------------------------------------------------
# The public functions.


def cooling_off_until(person: Person, rules: GuidanceRules) -> date | None:
    """The first day after the cooling-off period, or None when none applies to this ending."""
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
        ended_at=datetime.combine(person.situation.ended_on, time.min),
    )
    band, reasons = next((b, r) for b, rule in BAND_RULES if (r := rule(view)))
    earliest: date | None
    if band.stops_contact:
        earliest = None
    elif band is Band.WAIT:
        earliest = _wait_until(view)[0]
    else:
        earliest = today
    if band in (Band.WAIT, Band.REACH_OUT, Band.KEEP_GOING):
        reasons = reasons + _partial_block_reasons(view)
    flags = tuple(Flag(code, tuple(raised)) for code, rule in FLAG_RULES if (raised := rule(view)))
    text = rules.bands[band].next_step.format(
        name=person.name, earliest=long_date(earliest) if earliest else ""
    )
    return Assessment(
        band=band,
        score=readiness_score(person.answers, rules),
        earliest_contact=earliest,
        flags=flags,
        next_step=text,
        reasons=tuple(reasons),
        cooling_off_until=cooling_off_until(person, rules),
    )


def _partial_block_reasons(view: _View) -> list[str]:
    blocked = [channel.value.replace("_", " ") for channel in _channel_blocks(view)[0]]
    partial_signal = Signal.BLOCKED_SOME_CHANNELS in view.signals
    if not blocked and partial_signal and not view.received_after(view.ended_at):
        blocked = ["some channels"]
    if not blocked:
        return []
    channels = ", ".join(dict.fromkeys(blocked))
    return [view.rules.reason("partial_block", name=view.name, channels=channels)]
