"""The draft checker: does this message leave the other person free to answer, or not at all?

Theory of operation
-------------------
`check_message(text, rules)` is a pure function from a draft to a `MessageCheck`.

1. Only the first `scan_chars` characters are read closely (a pasted novel stays fast); the word
   count for `too_long` still covers the whole draft.
2. The scanned text is normalised into a second string with a map back to the original: curly
   quotes made straight, letters lower-cased, each run of whitespace made one space (or one newline),
   and the apostrophe inside a word dropped, so "I'm", "I’m" and "Im" all read `im` and the phrase
   lists in data/message_checks.toml need no apostrophes at all. Every match is mapped back, so an
   issue's span always points at the words the person typed.
3. Phrase checks: each issue code has groups of patterns (data/message_checks.toml). A match is an
   issue unless it lies inside a `not_when` match of the same code ("No need to reply" contains
   "reply" and is kind). A gentle phrase elsewhere never cancels an issue; it only adds a small bonus.
4. Structural checks, in code with thresholds from the same file, live in `STRUCTURAL_CHECKS`:
   shouting, too many apologies, too many questions, too many words.
5. Matches of one code that overlap are merged; the verdict is `pressuring` when any issue takes
   the choice away from them (`PRESSURING_CODES`), `needs_work` for any other issue, else `gentle`.
   The score starts at 100, loses each code's penalty once and a smaller penalty per repeat, and is
   kept inside its verdict's band, so a pressuring draft always scores below every other draft.

Research behind it: owning what you did is the part of an apology that matters most
(Lewicki et al. 2016), so "I'm sorry for how I ended things" is never flagged; an "if" or a pile of
apologies is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .errors import InvalidInput
from .second_reader import SecondReader

__all__ = [
    "PRESSURING_CODES",
    "SUPPORT_CODES",
    "HelpPage",
    "HelpRoute",
    "Support",
    "STRUCTURAL_CHECKS",
    "IssueCode",
    "IssueRule",
    "MessageCheck",
    "MessageIssue",
    "MessageLimits",
    "MessageRules",
    "NormalisedText",
    "PatternGroup",
    "Verdict",
    "check_message",
    "normalise",
]


class IssueCode(StrEnum):
    DEMANDS_REPLY = "demands_reply"
    GUILT_TRIP = "guilt_trip"
    OVER_APOLOGY = "over_apology"
    CONDITIONAL_APOLOGY = "conditional_apology"
    BLAME = "blame"
    PRESSURE_TO_MEET = "pressure_to_meet"
    ULTIMATUM = "ultimatum"
    SHOUTING = "shouting"
    TOO_LONG = "too_long"
    MANY_QUESTIONS = "many_questions"
    # Version 2: each kind of pressure that version 1 folded into another code, or missed.
    AROUND_A_NO = "around_a_no"  # getting around a block or a no: another channel, account, a friend
    TURNING_UP = "turning_up"  # turning up or waiting where they live, work or study
    ENTITLEMENT = "entitlement"  # you owe me, the least you can do
    BACKHANDED = "backhanded"  # a jab dressed as kindness, sarcasm, 🙃
    APOLOGY_EXCUSE = "apology_excuse"  # sorry, but I was going through a lot
    LOVE_BOMBING = "love_bombing"  # you're my everything, I can't live without you
    SELF_HARM = "self_harm"  # hurting oneself or not wanting to live, not tied to them
    SELF_HARM_PRESSURE = "self_harm_pressure"  # the same, tied to them or to their answer
    READS_AS_PRESSURE = "reads_as_pressure"  # the second reader's concern (second_reader.py)
    SECOND_LOOK = "worth_a_second_look"  # its softer one: it leans towards pressure, less sure


class Verdict(StrEnum):
    GENTLE = "gentle"
    NEEDS_WORK = "needs_work"
    PRESSURING = "pressuring"


# Issues that take the choice away from the other person; any one of them makes a draft pressuring.
PRESSURING_CODES = frozenset(
    {
        IssueCode.DEMANDS_REPLY,
        IssueCode.GUILT_TRIP,
        IssueCode.PRESSURE_TO_MEET,
        IssueCode.ULTIMATUM,
        IssueCode.BLAME,
        IssueCode.AROUND_A_NO,
        IssueCode.TURNING_UP,
        IssueCode.ENTITLEMENT,
        IssueCode.BACKHANDED,
        IssueCode.LOVE_BOMBING,
        IssueCode.SELF_HARM_PRESSURE,
        # The second reader's concern: raised only where the rules found no pressure and the whole
        # draft reads like the labelled drafts that pressure. On fresh blind drafts it was right 12
        # times in 13 (docs/guidance.md), so it weighs as pressure, not as a hint.
        IssueCode.READS_AS_PRESSURE,
    }
)
# A draft with either of these gets the support card (help now) in place of the score.
SUPPORT_CODES = frozenset({IssueCode.SELF_HARM, IssueCode.SELF_HARM_PRESSURE})


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageIssue:
    """One passage that may land badly: where it is, why, and what to do instead."""

    code: IssueCode
    start: int
    end: int
    excerpt: str
    explanation: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "explanation": self.explanation,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class HelpRoute:
    """One place to find help now, with where it is listed (data/help.toml names every source)."""

    id: str
    kinds: frozenset[str]  # what it helps with: "crisis", "abuse", "order" (data/help.toml)
    name: str
    contact: str
    where: str  # the countries or people it serves
    source: str  # who runs it and where it is listed

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact, "where": self.where, "source": self.source}


@dataclass(frozen=True)
class HelpPage:
    """A short page of what to do instead (data/help.toml [pages]), with the routes of its kinds."""

    title: str
    paragraphs: tuple[str, ...]
    routes: tuple[HelpRoute, ...]


@dataclass(frozen=True)
class Support:
    """What a draft that mentions self-harm gets instead of a score: kind words and help now."""

    message: str
    routes: tuple[HelpRoute, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "help": [route.to_dict() for route in self.routes]}


@dataclass(frozen=True)
class MessageCheck:
    """The checker's answer for one draft; `to_dict()` is what the command line prints.

    `support` is set when the draft mentions hurting oneself or not wanting to live: the person
    writing it matters more than the message, so the app shows this in place of the score."""

    verdict: Verdict
    score: int
    issues: tuple[MessageIssue, ...]
    support: Support | None = None

    @property
    def suggestions(self) -> tuple[str, ...]:
        """Each distinct suggestion once, in the order of the issues that raised it."""
        return tuple(dict.fromkeys(issue.suggestion for issue in self.issues))

    @property
    def codes(self) -> frozenset[IssueCode]:
        return frozenset(issue.code for issue in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "score": self.score,
            "issues": [issue.to_dict() for issue in self.issues],
            "suggestions": list(self.suggestions),
            **({"support": self.support.to_dict()} if self.support else {}),
        }


# --- Rules (built from data/message_checks.toml) ------------------------------------------------


@dataclass(frozen=True)
class PatternGroup:
    """Phrasings of one idea, compiled as one alternation (one pass over the text per group).

    A group may carry its own, more specific explanation and suggestion.
    """

    about: str
    pattern: re.Pattern[str]
    explanation: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class IssueRule:
    """Everything about one issue code: its words, its phrase groups and what it costs the score."""

    code: IssueCode
    explanation: str
    suggestion: str
    penalty: float
    repeat_penalty: float
    groups: tuple[PatternGroup, ...] = ()
    not_when: re.Pattern[str] | None = None


@dataclass(frozen=True)
class MessageLimits:
    """Thresholds for the structural checks ([limits] in data/message_checks.toml)."""

    scan_chars: int
    max_words: int
    questions_flagged_at: int
    apologies_flagged_at: int
    exclamations_flagged_at: int
    shout_run_words: int
    shout_word_letters: int


@dataclass(frozen=True)
class MessageRules:
    """The whole checker configuration, validated; build it with `message_rules_from_mapping`."""

    limits: MessageLimits
    issue_rules: tuple[IssueRule, ...]
    apology_word: re.Pattern[str]
    allowed_capitals: frozenset[str]
    # A word in capitals right after one of these is a name or a code, not a raised voice:
    # "the reference is CORNWALL", "password: SUNFLOWER".
    capitals_named_after: re.Pattern[str] | None
    gentle_phrases: re.Pattern[str]
    gentle_bonus: float
    needs_work_band: tuple[int, int]
    pressuring_band: tuple[int, int]
    support: Support
    # A self_harm passage is self_harm_pressure when its sentence, or one beside it, ties it to them.
    self_harm_ties: re.Pattern[str]
    # ...unless it is told as something past and being looked after ("I'm getting help now").
    self_harm_recovery: re.Pattern[str]
    jab_emoji: frozenset[str]  # faces that turn a line into a jab (backhanded)
    second_reader: SecondReader | None = None  # raises a concern the rules missed, never clears one

    def rule(self, code: IssueCode) -> IssueRule:
        return next(rule for rule in self.issue_rules if rule.code == code)


# --- Normalisation ------------------------------------------------------------------------------

_CHARACTER_SWAPS = {
    # Letters that lower-casing leaves alone but that read as i and s: the dotless i of a Turkish
    # keyboard (where "i" is typed "ı") and the long s. (The patterns once matched them by case
    # folding; they read the lower-cased text as it is now, so the text says it.)
    "\u0131": "i",
    "\u017f": "s",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\uff01": "!",
    "\uff1f": "?",
}
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


@dataclass(frozen=True)
class NormalisedText:
    """The text the patterns read, and for each of its characters the index it came from."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> NormalisedText:
    """Lower-case, straight quotes, one space per gap, no in-word apostrophes; keeps a char map."""
    chars: list[str] = []
    origin: list[int] = []
    for index, raw in enumerate(text):
        if raw in _INVISIBLE:
            continue
        if raw.isspace():
            is_break = raw in _LINE_BREAKS
            if chars and chars[-1] in " \n":
                if is_break:
                    chars[-1] = "\n"
                continue
            chars.append("\n" if is_break else " ")
            origin.append(index)
            continue
        swapped = _CHARACTER_SWAPS.get(raw, raw)
        if swapped == "'" and chars and chars[-1].isalpha():
            following = text[index + 1 : index + 2]
            if following.isalpha():
                continue  # "don't" reads "dont", as many people type it anyway
        for char in swapped:
            chars.append(char.lower()[0])  # "İ" lowers to two characters: keep one per place
            origin.append(index)
    return NormalisedText("".join(chars), tuple(origin))


# --- The check ----------------------------------------------------------------------------------


def check_message(text: str, rules: MessageRules) -> MessageCheck:
    """Check a draft for pressure, blame and over-apology; pure, and fast on any length."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Write a draft first, then check it: the message is empty.")
    scanned = text[: rules.limits.scan_chars]
    normalised = normalise(scanned)
    found = _phrase_issues(scanned, normalised, rules)
    for structural_check in STRUCTURAL_CHECKS:
        found.extend(structural_check(text, normalised, rules))
    issues = _merge_overlaps(_tie_self_harm(found, scanned, normalised, rules))
    issues = _second_reading(issues, scanned, normalised, rules)
    verdict = _verdict(issues)
    support = rules.support if any(issue.code in SUPPORT_CODES for issue in issues) else None
    return MessageCheck(verdict, _score(issues, verdict, normalised, rules), issues, support)


def _second_reading(
    issues: tuple[MessageIssue, ...], text: str, normalised: NormalisedText, rules: MessageRules
) -> tuple[MessageIssue, ...]:
    """The second reader adds one concern where the rules found no pressure: it only ever adds.

    Sure enough, it says the draft reads as pressure; less sure, and where nothing at all was found,
    it asks for a second look: its point is that such a draft is not shown as "no pressure found"."""
    reader = rules.second_reader
    if reader is None or any(issue.code in PRESSURING_CODES for issue in issues):
        return issues
    if reader.raises(normalised.text):
        code = IssueCode.READS_AS_PRESSURE
    elif not issues and reader.asks_a_second_look(normalised.text):
        code = IssueCode.SECOND_LOOK
    else:
        return issues
    start, end = reader.weightiest_sentence(normalised.text)
    while end > start and normalised.text[end - 1] in " \n":
        end -= 1
    while start < end and normalised.text[start] in " \n":
        start += 1
    if end <= start:
        return issues
    concern = _make_issue(rules.rule(code), text, *normalised.original_span(start, end))
    return tuple(sorted((*issues, concern), key=lambda i: (i.start, _CODE_ORDER[i.code])))


def _tie_self_harm(
    found: list[MessageIssue], text: str, normalised: NormalisedText, rules: MessageRules
) -> list[MessageIssue]:
    """Self-harm tied to them or to their answer, openly or by hint, is pressure (DESIGN.md).

    A mention becomes `self_harm_pressure` when its sentence or the next one speaks to them in a
    way that hands them the weight ("if you don't", "because of you", "not your fault", "you'll be
    sorry"); a mention that only says how the writer has been stays `self_harm`."""
    ties = [m.span() for m in rules.self_harm_ties.finditer(normalised.text)]
    if not ties:
        return found
    looked_after = rules.self_harm_recovery.search(normalised.text) is not None
    pressure = rules.rule(IssueCode.SELF_HARM_PRESSURE)
    tied: list[MessageIssue] = []
    for issue in found:
        if issue.code is IssueCode.SELF_HARM and not looked_after:
            start, end = _normalised_window(normalised, issue.start, issue.end)
            if any(a < end and b > start for a, b in ties):
                issue = _make_issue(pressure, text, issue.start, issue.end)
        tied.append(issue)
    return tied


def _normalised_window(normalised: NormalisedText, start: int, end: int) -> tuple[int, int]:
    """The normalised span of the issue's sentence with the sentences either side of it."""
    origin, text = normalised.origin, normalised.text
    lo, hi = bisect_left(origin, start), bisect_left(origin, end)  # origin only ever rises
    for _ in range(2):  # back over this sentence's start, then the one before
        lo = max(0, lo - 1)
        while lo > 0 and text[lo - 1] not in ".!?\n":
            lo -= 1
    for _ in range(2):  # on to the end of this sentence, then the next
        while hi < len(text) and text[hi] not in ".!?\n":
            hi += 1
        hi = min(len(text), hi + 1)
    return lo, hi


def _make_issue(
    rule: IssueRule, text: str, start: int, end: int, group: PatternGroup | None = None
) -> MessageIssue:
    return MessageIssue(
        code=rule.code,
        start=start,
        end=end,
        excerpt=text[start:end],
        explanation=(group and group.explanation) or rule.explanation,
        suggestion=(group and group.suggestion) or rule.suggestion,
    )


def _phrase_issues(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    issues = []
    for rule in rules.issue_rules:
        exempt = [m.span() for m in rule.not_when.finditer(normalised.text)] if rule.not_when else []
        for group in rule.groups:
            for match in group.pattern.finditer(normalised.text):
                start, end = match.span()
                if start == end or any(a <= start and end <= b for a, b in exempt):
                    continue
                issues.append(_make_issue(rule, text, *normalised.original_span(start, end), group))
    return issues


def _sentence_start(text: str, index: int, reach: int = 300) -> int:
    """Where the sentence holding `index` begins (looking back at most `reach` characters)."""
    floor = max(0, index - reach)
    start = index
    while start > floor and text[start - 1] not in ".!?\n":
        start -= 1
    while start < index and text[start].isspace():
        start += 1
    return start


def _too_many_apologies(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    """Seed 001: own it without over-apologising; a third "sorry" asks them to comfort you."""
    matches = list(rules.apology_word.finditer(normalised.text))
    if len(matches) < rules.limits.apologies_flagged_at:
        return []
    start, _ = normalised.original_span(*matches[0].span())
    _, end = normalised.original_span(*matches[-1].span())
    return [_make_issue(rules.rule(IssueCode.OVER_APOLOGY), text, start, end)]


def _too_many_questions(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    """Many questions ask them for many answers; one open question at most leaves room."""
    scanned = text[: rules.limits.scan_chars]
    marks = [i for i, char in enumerate(scanned) if char in "?\uff1f"]
    if len(marks) < rules.limits.questions_flagged_at:
        return []
    start = _sentence_start(scanned, marks[0])
    return [_make_issue(rules.rule(IssueCode.MANY_QUESTIONS), text, start, marks[-1] + 1)]


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_STACKED_EXCLAMATIONS = re.compile(r"[!\uff01][!?\uff01\uff1f]*[!\uff01]")


def _shouting(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    """Capitals and stacked exclamation marks read as a raised voice; acronyms like OK are fine."""
    limits, scanned = rules.limits, text[: rules.limits.scan_chars]
    rule = rules.rule(IssueCode.SHOUTING)
    issues = []
    run: list[re.Match[str]] = []  # the loud words of the current run of capitals

    def close_run() -> None:
        if run and (
            len(run) >= limits.shout_run_words
            or any(len(m.group()) >= limits.shout_word_letters for m in run)
        ):
            issues.append(_make_issue(rule, text, run[0].start(), run[-1].end()))
        run.clear()

    for word in _WORD.finditer(scanned):
        letters = word.group()
        if not letters.isupper():
            close_run()
            continue
        bare = letters.replace("'", "").replace("\u2019", "")
        named = rules.capitals_named_after is not None and rules.capitals_named_after.search(
            scanned[max(0, word.start() - 40) : word.start()]
        )
        if named:
            close_run()
        elif len(bare) >= 2 and bare not in rules.allowed_capitals:
            run.append(word)
    close_run()
    stacked = [_make_issue(rule, text, *m.span()) for m in _STACKED_EXCLAMATIONS.finditer(scanned)]
    singles = [i for i, char in enumerate(scanned) if char in "!\uff01"]
    if not stacked and len(singles) >= limits.exclamations_flagged_at:
        start = _sentence_start(scanned, singles[0])
        stacked.append(_make_issue(rule, text, start, singles[-1] + 1))
    return issues + stacked


def _too_long(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    """Seed 002: a first message after silence is short; the span is what runs past the limit."""
    limit = rules.limits.max_words
    for count, word in enumerate(re.finditer(r"\S+", text), start=1):
        if count > limit:
            end = len(text.rstrip())
            return [_make_issue(rules.rule(IssueCode.TOO_LONG), text, word.start(), end)]
    return []


def _jab_emoji(text: str, normalised: NormalisedText, rules: MessageRules) -> list[MessageIssue]:
    """An eye-roll or an upside-down smile turns the line before it into a jab.

    Not where the line laughs at the writer ("me, 6 months late, finally replying 🙃"): the
    backhanded `not_when` phrases hold there as they do for the phrase rules.
    """
    scanned = text[: rules.limits.scan_chars]
    rule = rules.rule(IssueCode.BACKHANDED)
    exempt = [
        normalised.original_span(*m.span())
        for m in (rule.not_when.finditer(normalised.text) if rule.not_when else ())
        if m.end() > m.start()
    ]
    issues = []
    for index, char in enumerate(scanned):
        if char in rules.jab_emoji and not any(a <= index < b for a, b in exempt):
            issues.append(_make_issue(rule, text, _sentence_start(scanned, index, reach=120), index + 1))
    return issues


StructuralCheck = Callable[[str, NormalisedText, MessageRules], list[MessageIssue]]

# Checks that count or measure rather than match a phrase; each reads its thresholds from the rules.
STRUCTURAL_CHECKS: tuple[StructuralCheck, ...] = (
    _too_many_apologies,
    _too_many_questions,
    _shouting,
    _too_long,
    _jab_emoji,
)

_CODE_ORDER = {code: position for position, code in enumerate(IssueCode)}


def _merge_overlaps(found: Iterable[MessageIssue]) -> tuple[MessageIssue, ...]:
    """One issue per passage and code: overlapping matches of a code become one span."""
    merged: list[MessageIssue] = []
    for issue in sorted(found, key=lambda i: (_CODE_ORDER[i.code], i.start, -i.end)):
        last = merged[-1] if merged else None
        if last and last.code == issue.code and issue.start < last.end:
            if issue.end > last.end:
                tail = issue.excerpt[last.end - issue.start :]
                merged[-1] = replace(last, end=issue.end, excerpt=last.excerpt + tail)
            continue
        merged.append(issue)
    return tuple(sorted(merged, key=lambda i: (i.start, _CODE_ORDER[i.code])))


def _verdict(issues: tuple[MessageIssue, ...]) -> Verdict:
    codes = {issue.code for issue in issues}
    if codes & PRESSURING_CODES:
        return Verdict.PRESSURING
    return Verdict.NEEDS_WORK if codes else Verdict.GENTLE


def _score(
    issues: tuple[MessageIssue, ...], verdict: Verdict, normalised: NormalisedText, rules: MessageRules
) -> int:
    """100 less each code's penalty (repeats count less), kept in the verdict's band."""
    if not issues:
        return 100
    counts: dict[IssueCode, int] = {}
    for issue in issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    penalty = sum(
        rules.rule(code).penalty + rules.rule(code).repeat_penalty * (count - 1)
        for code, count in counts.items()
    )
    offers_an_out = rules.gentle_phrases.search(normalised.text) is not None
    score = 100 - penalty + (rules.gentle_bonus if offers_an_out else 0)
    low, high = rules.pressuring_band if verdict is Verdict.PRESSURING else rules.needs_work_band
    return int(max(low, min(high, round(score))))
