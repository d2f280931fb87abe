"""Reads data/guidance.toml into `GuidanceRules`, refusing anything malformed.

Every problem names the file and the key at fault, so a typo shows up at load time, not in front
of a person in a raw moment. The rules themselves (what the numbers mean) live in `guidance.py`.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ContentError
from ..guidance import SELF_SERVING, BandText, GuidanceRules
from ..model import CORE_IDS, Band, Channel, FlagCode, Signal, WhatHappened

__all__ = ["rules_from_mapping"]


_REASON_CODES = {
    # safety_first
    "i_feel_unsafe",
    # respect_their_wishes
    "they_are_afraid",
    "stay_away_order",
    "keep_away_despite_reply",
    "signal_asked_no_contact",
    "signal_said_no",
    "signal_blocked_all",
    "signal_blocked_some",
    "event_asked_to_stop",
    "event_said_no",
    "event_blocked_all",
    "event_blocked",
    "new_partner",
    "reply_did_not_lift",
    "met_did_not_lift",
    "reached_out_under_stop",
    # ball_in_their_court
    "unanswered_sends",
    "cold_reply",
    "cold_reply_noted",
    "space_event_held",
    "space_signal_held",
    # not_yet
    "reflection_incomplete",
    "self_serving_motive",
    "accept_no_low",
    "calm_low",
    # keep_going
    "they_replied",
    "they_met",
    "they_reached_out",
    # wait
    "cooling_off",
    "cooling_off_deleted",
    "space_event",
    "space_signal",
    "last_sent_unanswered",
    # reach_out
    "second_message_limit",
    "ready",
    "considered",
    # what was noted or logged and no longer holds, in the bands that allow a message
    "stop_lifted",
    "new_partner_lifted",
    "new_partner_not_romance",
    "space_over",
    "space_over_signal",
    "space_lifted",
    "space_lifted_signal",
    "deleted_number_over",
    "friendly_when_we_meet",
    "reached_out_answered",
    "partial_block",
    "partial_block_signal",
}
# Channels a sentence can name: every channel but `all` ("everywhere" has its own sentences).
_NAMED_CHANNELS = tuple(c for c in Channel if c is not Channel.ALL)


def rules_from_mapping(data: Mapping[str, Any], source: str = "guidance.toml") -> GuidanceRules:
    """Build and check the rules; any problem names the file and the key at fault."""

    def section(name: str) -> Mapping[str, Any]:
        value = data.get(name)
        if not isinstance(value, Mapping):
            raise ContentError(f"{source}: the [{name}] section is missing.")
        return value

    def whole(table: str, key: str, low: int, high: int) -> int:
        value = section(table).get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ContentError(f"{source}, [{table}] {key}: a whole number from {low} to {high}.")
        return value

    def members(table: str, key: str, kind: type, allowed: Iterable[str]) -> frozenset:
        values = section(table).get(key, [])
        if not isinstance(values, list) or any(v not in set(allowed) for v in values):
            raise ContentError(f"{source}, [{table}] {key}: values must be among {sorted(allowed)}.")
        return frozenset(kind(v) for v in values)

    if data.get("version") != 2:
        raise ContentError(f"{source}: version must be 2 (guidance rules version 2, DESIGN.md).")
    readiness = section("readiness")
    weights = readiness.get("weights")
    if not isinstance(weights, Mapping) or set(weights) != set(CORE_IDS):
        raise ContentError(f"{source}, [readiness.weights]: give a weight for each of {CORE_IDS}.")
    for key, weight in weights.items():
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight == 0:
            raise ContentError(f"{source}, [readiness.weights] {key}: a non-zero number.")
    bands = {}
    for band in Band:
        entry = section("bands").get(band.value)
        if not isinstance(entry, Mapping) or not all(
            isinstance(entry.get(k), str) and entry[k].strip() for k in ("title", "colour", "next_step")
        ):
            raise ContentError(f"{source}, [bands.{band.value}]: needs a title, a colour and a next_step.")
        _check_placeholders(source, f"bands.{band.value}", entry["next_step"], {"name", "earliest"})
        keep_away = entry.get("next_step_keep_away")
        if band is Band.RESPECT_THEIR_WISHES:
            if not isinstance(keep_away, str) or not keep_away.strip():
                raise ContentError(
                    f"{source}, [bands.{band.value}] next_step_keep_away: a sentence is needed "
                    "(the next step when they are afraid or there is an order)."
                )
            _check_placeholders(source, f"bands.{band.value} next_step_keep_away", keep_away, {"name"})
        elif keep_away is not None:
            raise ContentError(
                f"{source}, [bands.{band.value}] next_step_keep_away: only respect_their_wishes has one."
            )
        bands[band] = BandText(entry["title"], entry["colour"], entry["next_step"], keep_away)
    reasons = section("reasons")
    missing = _REASON_CODES - set(reasons)
    if missing:
        raise ContentError(f"{source}, [reasons]: missing {', '.join(sorted(missing))}.")
    motive_names = section("motive_names")
    if set(motive_names) != set(SELF_SERVING):
        raise ContentError(f"{source}, [motive_names]: name each of {SELF_SERVING}.")
    flag_texts = section("flags")
    for code in FlagCode:
        if not isinstance(flag_texts.get(code.value), str) or not flag_texts[code.value].strip():
            raise ContentError(f"{source}, [flags] {code.value}: a sentence is needed.")
    channel_names = section("channel_names")
    for channel in _NAMED_CHANNELS:
        if not isinstance(channel_names.get(channel.value), str) or not channel_names[channel.value].strip():
            raise ContentError(f"{source}, [channel_names] {channel.value}: a name is needed.")
    rules = GuidanceRules(
        cooling_off_days=whole("cooling_off", "days", 0, 365),
        cooling_off_applies_to=members(
            "cooling_off", "applies_to", WhatHappened, [w.value for w in WhatHappened]
        ),
        cooling_off_signals=members("cooling_off", "applies_with_signals", Signal, [s.value for s in Signal]),
        space_days=whole("space", "days", 1, 730),
        unanswered_wait_days=whole("pacing", "unanswered_wait_days", 1, 365),
        double_text_hours=whole("pacing", "double_text_hours", 1, 24 * 14),
        unanswered_streak=whole("pacing", "unanswered_streak", 2, 10),
        late_night_start_hour=whole("pacing", "late_night_start_hour", 0, 23),
        late_night_end_hour=whole("pacing", "late_night_end_hour", 0, 24),
        self_serving_high=whole("readiness", "self_serving_high", 1, 5),
        care_at_most=whole("readiness", "care_at_most", 1, 5),
        accept_no_at_most=whole("readiness", "accept_no_at_most", 1, 5),
        calm_waiting_at_most=whole("readiness", "calm_waiting_at_most", 1, 5),
        weights=dict(weights),
        bands=bands,
        reasons=dict(reasons),
        motive_names=dict(motive_names),
        flag_texts={code: flag_texts[code.value] for code in FlagCode},
        channel_names={channel: channel_names[channel.value] for channel in _NAMED_CHANNELS},
    )
    _check_reason_templates(source, rules)
    return rules


def _check_placeholders(source: str, where: str, text: str, allowed: set[str]) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as error:
        raise ContentError(f"{source}, {where}: {error}.") from None
    unknown = fields - allowed
    if unknown:
        raise ContentError(f"{source}, {where}: unknown placeholder {{{sorted(unknown)[0]}}}.")


_REASON_FIELDS = {"name", "date", "count", "total", "motive", "ended", "days", "until", "channels"}


def _check_reason_templates(source: str, rules: GuidanceRules) -> None:
    for code, text in rules.reasons.items():
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{source}, [reasons] {code}: a sentence is needed.")
        _check_placeholders(source, f"[reasons] {code}", text, _REASON_FIELDS)
