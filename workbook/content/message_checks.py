"""Reads data/message_checks.toml into `MessageRules`: patterns compiled, thresholds checked.

Every problem names the file and the item at fault. How the checker uses the rules lives in
`messages.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ContentError
from ..messages import (
    HelpRoute,
    IssueCode,
    IssueRule,
    MessageLimits,
    MessageRules,
    PatternGroup,
    Support,
)
from ..second_reader import SecondReader

__all__ = ["message_rules_from_mapping"]


_SHORTHAND = re.compile(r"\{([a-z_]+)\}")
_UNESCAPED_SPACE = re.compile(r"(?<!\\) ")
# An escape such as \W, \S or \U0001F642 may hold a capital that is not a letter; a character
# written as a code (\x41, \u0041, \U00000041) is the letter it names.
_ESCAPE = re.compile(r"\\(?:U([0-9A-Fa-f]{8})|u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|N\{[^}]*\}|.)")


def _has_capital(pattern: str) -> bool:
    """A letter lower-casing would change (capitals and titlecase letters), outside escapes."""

    def named(match: re.Match[str]) -> str:
        code = next((group for group in match.groups() if group), None)
        return chr(int(code, 16)) if code else ""

    return any(char != char.lower() for char in _ESCAPE.sub(named, pattern))


# A pattern matches whole words: it starts where a word starts (which also keeps a long run of
# punctuation cheap to scan), and where it ends on a letter the next character must not be one.
_WHOLE_WORDS = r"(?<!\w)(?=\w)(?:{})(?:(?<=\w)(?!\w)|(?<!\w))"


def message_rules_from_mapping(
    mapping: Mapping[str, Any],
    help_routes: tuple[HelpRoute, ...],
    source: str = "message_checks.toml",
    second_reader: SecondReader | None = None,
) -> MessageRules:
    """Build and check the checker's rules; any problem names the file and the item at fault.

    `help_routes` (data/help.toml) are what the support card offers: the crisis ones."""

    def fail(where: str, problem: str) -> ContentError:
        return ContentError(f"{source}, {where}: {problem}")

    def table(value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(where, "this table is missing or is not a table.")
        return value

    def sentence(entry: Mapping[str, Any], key: str, where: str, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(where, f"a {key} (one plain sentence) is needed.")
        return value.strip()

    def number(entry: Mapping[str, Any], key: str, where: str, low: float, high: float) -> float:
        value = entry.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            raise fail(f"{where} {key}", f"a number from {low} to {high} is needed.")
        return value

    def whole(entry: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = number(entry, key, where, low, high)
        if not isinstance(value, int):
            raise fail(f"{where} {key}", "a whole number is needed.")
        return value

    if mapping.get("version") != 2:
        raise fail("version", "this checker reads version = 2.")
    shorthands = table(mapping.get("shorthands", {}), "[shorthands]")
    for name, value in shorthands.items():
        if not isinstance(value, str) or not _SHORTHAND.fullmatch("{" + name + "}"):
            raise fail(f"[shorthands] {name}", "a lower-case name and a pattern text are needed.")

    def patterns(values: Any, where: str) -> re.Pattern[str]:
        """Check each pattern on its own (so an error names it), then join them into one."""
        if not isinstance(values, list) or not values:
            raise fail(where, "a list of pattern texts is needed.")
        expanded = []
        for n, value in enumerate(values, 1):
            if not isinstance(value, str) or not value.strip():
                raise fail(f"{where} pattern {n}", "a pattern text is needed.")
            expanded.append(
                _expand(value, shorthands, lambda problem, n=n: fail(f"{where} pattern {n}", problem))
            )
        return _join(expanded, lambda problem: fail(where, problem))

    limits_table = table(mapping.get("limits"), "[limits]")
    limits = MessageLimits(
        scan_chars=whole(limits_table, "scan_chars", "[limits]", 1_000, 1_000_000),
        max_words=whole(limits_table, "max_words", "[limits]", 10, 10_000),
        questions_flagged_at=whole(limits_table, "questions_flagged_at", "[limits]", 1, 100),
        apologies_flagged_at=whole(limits_table, "apologies_flagged_at", "[limits]", 2, 100),
        exclamations_flagged_at=whole(limits_table, "exclamations_flagged_at", "[limits]", 2, 100),
        shout_run_words=whole(limits_table, "shout_run_words", "[limits]", 1, 100),
        shout_word_letters=whole(limits_table, "shout_word_letters", "[limits]", 2, 100),
    )
    score_table = table(mapping.get("score"), "[score]")

    def band(key: str) -> tuple[int, int]:
        value = score_table.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] <= value[1] <= 99
        ):
            raise fail(f"[score] {key}", "two whole numbers, low then high, from 0 to 99.")
        return value[0], value[1]

    needs_work_band, pressuring_band = band("needs_work_band"), band("pressuring_band")
    if pressuring_band[1] >= needs_work_band[0]:
        raise fail("[score] pressuring_band", "it must lie wholly below needs_work_band.")

    issues_table = table(mapping.get("issues"), "[issues]")
    known = [code.value for code in IssueCode]
    for name in issues_table:
        if name not in known:
            raise fail(f"[issues.{name}]", f"'{name}' is not an issue code; use one of {', '.join(known)}.")
    issue_rules = []
    for code in IssueCode:
        where = f"[issues.{code.value}]"
        entry = table(issues_table.get(code.value), where)
        raw_groups = entry.get("groups", [])
        if not isinstance(raw_groups, list):
            raise fail(f"{where} groups", f"write each group as a [[issues.{code.value}.groups]] table.")
        groups = []
        for position, raw in enumerate(raw_groups, 1):
            group_where = f"{where} group {position}"
            group = table(raw, group_where)
            about = sentence(group, "about", group_where) or ""
            groups.append(
                PatternGroup(
                    about=about,
                    pattern=patterns(group.get("patterns"), f"{where} group '{about}'"),
                    explanation=sentence(group, "explanation", group_where, required=False),
                    suggestion=sentence(group, "suggestion", group_where, required=False),
                )
            )
        issue_rules.append(
            IssueRule(
                code=code,
                explanation=sentence(entry, "explanation", where) or "",
                suggestion=sentence(entry, "suggestion", where) or "",
                penalty=number(entry, "penalty", where, 1, 100),
                repeat_penalty=number(entry, "repeat_penalty", where, 0, 100),
                groups=tuple(groups),
                not_when=(patterns(entry["not_when"], f"{where} not_when") if "not_when" in entry else None),
            )
        )

    counting = table(mapping.get("counting"), "[counting]")
    shouting = table(mapping.get("shouting"), "[shouting]")
    capitals = shouting.get("allowed_capitals")
    if not isinstance(capitals, list) or not all(isinstance(c, str) for c in capitals):
        raise fail("[shouting] allowed_capitals", "a list of words in capitals is needed.")
    named_after = shouting.get("names_after", [])
    if not isinstance(named_after, list) or not all(isinstance(c, str) and c.strip() for c in named_after):
        raise fail("[shouting] names_after", "a list of words is needed.")
    gentle = table(mapping.get("gentle"), "[gentle]")
    support = table(mapping.get("support"), "[support]")
    crisis = tuple(route for route in help_routes if "crisis" in route.kinds)
    if not crisis:
        raise fail("[support]", "help.toml has no crisis route for the support card to offer.")
    ties = table(mapping.get("self_harm_ties"), "[self_harm_ties]")
    emoji = table(mapping.get("backhanded_emoji"), "[backhanded_emoji]").get("emoji")
    if not isinstance(emoji, list) or not all(isinstance(e, str) and len(e) == 1 for e in emoji):
        raise fail("[backhanded_emoji] emoji", "a list of single emoji characters is needed.")
    return MessageRules(
        limits=limits,
        issue_rules=tuple(issue_rules),
        apology_word=patterns([counting.get("apology_word")], "[counting] apology_word"),
        allowed_capitals=frozenset(c.upper().replace("'", "") for c in capitals),
        capitals_named_after=(
            re.compile(
                r"\b(?:" + "|".join(re.escape(w.strip().lower()) for w in named_after) + r")"
                r"(?:\s+(?:on|for|of|in)\s+(?:the|my|your|our|this)\s+\w+)?"
                r"(?:\s+(?:is|was|will be|number|no\.?))?\s*[:#=]?\s*[\"']?$",
                re.IGNORECASE,
            )
            if named_after
            else None
        ),
        gentle_phrases=patterns(gentle.get("patterns"), "[gentle] patterns"),
        gentle_bonus=number(gentle, "bonus", "[gentle]", 0, 20),
        needs_work_band=needs_work_band,
        pressuring_band=pressuring_band,
        support=Support(sentence(support, "message", "[support]") or "", crisis),
        self_harm_ties=patterns(ties.get("patterns"), "[self_harm_ties] patterns"),
        self_harm_recovery=patterns(ties.get("unless_looked_after"), "[self_harm_ties] unless_looked_after"),
        jab_emoji=frozenset(emoji),
        second_reader=second_reader,
    )


def _expand(text: str, shorthands: Mapping[str, str], fail: Callable[[str], ContentError]) -> str:
    """Expand {shorthands} and let a space match one gap; refuse a pattern that cannot work."""
    expanded = text.strip()
    for _ in range(10):  # shorthands may use shorthands, a few levels deep
        names = _SHORTHAND.findall(expanded)
        if not names:
            break
        for name in names:
            if name not in shorthands:
                raise fail(f"{{{name}}} is not defined under [shorthands].")
        expanded = _SHORTHAND.sub(lambda match: shorthands[match.group(1)], expanded)
    else:
        raise fail("its shorthands refer to each other in a loop.")
    expanded = _UNESCAPED_SPACE.sub(lambda _: r"\s", expanded)
    if _has_capital(expanded):
        # The draft is lower-cased before it is read, so the patterns need no case folding, which
        # would halve their speed on long text; a capital letter in one could never match.
        raise fail(f"'{text}' has a capital letter: write patterns in lower case.")
    try:
        bare = re.compile(expanded)
    except re.error as error:
        raise fail(f"'{text}' is not a valid pattern ({error}).") from None
    if bare.match("") is not None:
        raise fail(f"'{text}' can match empty text; a pattern needs at least one word.")
    return expanded


def _join(expanded: list[str], fail: Callable[[str], ContentError]) -> re.Pattern[str]:
    """One regular expression for a list of checked patterns, matching whole words only."""
    try:
        return re.compile(_WHOLE_WORDS.format("|".join(f"(?:{e})" for e in expanded)))
    except re.error as error:  # each compiled alone, so only a clash between them lands here
        raise fail(f"the patterns cannot be joined ({error}).") from None
