"""The draft checker: flags pressure, blame and over-apology, and leaves kind drafts alone."""

from __future__ import annotations

import copy
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.content import load_content, read_toml
from workbook.content.message_checks import message_rules_from_mapping
from workbook.errors import ContentError, InvalidInput
from workbook.messages import (
    PRESSURING_CODES,
    IssueCode,
    MessageCheck,
    Verdict,
)
from workbook.messages import (
    check_message as check_with,
)

RULES = load_content().message_rules


def check_message(text: str) -> MessageCheck:
    """The checker with the real rules from data/."""
    return check_with(text, RULES)


DRAFTS = tomllib.loads((Path(__file__).parent / "data" / "drafts.toml").read_text("utf-8"))["draft"]


def codes_in(text: str) -> set[str]:
    return {str(issue.code) for issue in check_message(text).issues}


def excerpts(text: str, code: IssueCode) -> list[str]:
    return [issue.excerpt for issue in check_message(text).issues if issue.code == code]


# --- One test per issue code, several phrasings each ---------------------------------------------

PHRASINGS = {
    IssueCode.DEMANDS_REPLY: [
        "Answer me.",
        "Reply to me, please.",
        "Why aren't you answering my texts?",
        "why r u not replying",
        "I know you read this.",
        "I can see you've seen my messages.",
        "Text me back.",
        "You owe me an explanation.",
        "Please respond.",
        "I need an answer.",
        "Don't ignore me.",
        "The least you could do is reply.",
        "Let me know by tonight.",
    ],
    IssueCode.GUILT_TRIP: [
        "After everything I did for you, this is what I get.",
        "After all I've done for you.",
        "You don't care about me at all.",
        "I can't sleep because of you.",
        "I can't stop crying because of you.",
        "How could you do this?",
        "I guess I don't matter.",
        "You're breaking my heart.",
        "I thought you were better than that.",
        "Hope you're happy now.",
    ],
    IssueCode.OVER_APOLOGY: [
        "I'm sorry. I'm so sorry. I'm sorry for everything.",
        "Sorry, I apologise, forgive me.",
        "I'm the worst person.",
        "I hate myself for it.",
        "I don't deserve anything from you.",
        "I'm begging you to forgive me.",
    ],
    IssueCode.CONDITIONAL_APOLOGY: [
        "Sorry if I upset you.",
        "I'm sorry you feel that way.",
        "I'm sorry you felt hurt.",
        "I'm sorry that you took it badly.",
        "If I hurt you, I'm sorry.",
        "If I offended you, that wasn't my aim.",
        "I apologize if it came across wrong.",
    ],
    IssueCode.BLAME: [
        "You always make everything about you.",
        "You never listen.",
        "It was your fault.",
        "You made me do it.",
        "If you hadn't lied, we'd be fine.",
        "You overreacted.",
        "You're too sensitive.",
        "You started it.",
    ],
    IssueCode.PRESSURE_TO_MEET: [
        "We need to meet.",
        "Meet me at the station at six.",
        "I'll come over after work.",
        "I'll come to your place.",
        "I'm outside.",
        "I'm coming to your flat now.",
        "Let's meet tomorrow.",
        "Let's meet tonight.",
        "We have to talk in person.",
        "I'll wait outside your house.",
        "I'll show up at your work.",
    ],
    IssueCode.ULTIMATUM: [
        "This is your last chance.",
        "Call me, or else.",
        "If you don't answer, I'll stop trying forever.",
        "If you don't reply then we're done.",
        "Either you talk to me or I walk.",
        "This is the last time I ask.",
        "Reply by tomorrow or it's over.",
        "Decide by tonight or forget it.",
    ],
    IssueCode.SHOUTING: [
        "I AM SO ANGRY with you.",
        "Please, I NEED this.",
        "I NEED TO SEE YOU",
        "Why would you do that!!",
        "Come on!!!",
        "Hi! Hello! Hey! Anyone!",
    ],
    IssueCode.MANY_QUESTIONS: [
        "How are you? Where are you living now? Are you seeing anyone?",
        "Why? Why? Why?",
    ],
    IssueCode.TOO_LONG: [" ".join(["word"] * 151)],
}


@pytest.mark.parametrize(
    ("code", "text"),
    [(code, text) for code, texts in PHRASINGS.items() for text in texts],
    ids=lambda value: str(value)[:40],
)
def test_each_issue_code_is_found_in_many_phrasings(code: IssueCode, text: str) -> None:
    assert code in codes_in(text)


def test_every_issue_code_has_phrasings_here() -> None:
    assert set(PHRASINGS) == set(IssueCode)


# --- Gentle drafts, including the ones that look like issues -------------------------------------

GENTLE = [
    "No need to reply.",
    "Take all the time you need.",
    "I'm sorry for how I ended things.",
    "If you ever want to talk, I'm here.",
    "I hope you're doing well.",
    "Would you like to grab a coffee sometime? No pressure at all.",
    "You don't have to answer this.",
    "If you don't want to reply, I completely understand.",
    "It wasn't your fault.",
    "You always knew how to cheer me up.",
    "You never made me feel small.",
    "OK, I'll leave it there. I watched that TV show you liked, by the way.",
    "Happy birthday!",
    "Sorry if this is out of the blue. I wanted to say I'm sorry for what I said.",
    "I'm sorry that I hurt you. I was wrong.",
    "If you'd ever like to meet up, I'd like that, but only if you want to.",
    "Feel free to ignore this if it's too much.",
]


@pytest.mark.parametrize("text", GENTLE)
def test_gentle_drafts_raise_no_issues(text: str) -> None:
    result = check_message(text)
    assert result.issues == ()
    assert result.verdict == Verdict.GENTLE
    assert result.score == 100


def test_a_plain_apology_that_owns_responsibility_is_not_flagged() -> None:
    # Lewicki et al. 2016: acknowledging responsibility is the part of an apology that matters most.
    assert codes_in("I'm sorry I stopped answering your calls. That was unkind of me.") == set()


def test_no_pressure_raises_the_score_a_little_but_never_cancels_an_issue() -> None:
    plain = check_message("Answer me. I need an answer.")
    softened = check_message("Answer me. I need an answer. No pressure.")
    assert IssueCode.DEMANDS_REPLY in softened.codes
    assert softened.verdict == Verdict.PRESSURING
    assert plain.score < softened.score <= plain.score + 10


def test_a_kind_phrase_only_excuses_the_words_inside_it() -> None:
    text = "No need to reply. But seriously, answer me."
    assert excerpts(text, IssueCode.DEMANDS_REPLY) == ["answer me"]


# --- Spans point into the original text ----------------------------------------------------------


def test_spans_point_at_the_words_despite_curly_quotes_and_mixed_case() -> None:
    text = "Hey.\n\nI KNOW you\u2019ve   READ this, so I\u2019m Sorry If I upset you."
    result = check_message(text)
    by_code = {issue.code: issue for issue in result.issues}
    assert by_code[IssueCode.DEMANDS_REPLY].excerpt == "I KNOW you\u2019ve   READ this"
    assert by_code[IssueCode.CONDITIONAL_APOLOGY].excerpt == "Sorry If"
    for issue in result.issues:
        assert text[issue.start : issue.end] == issue.excerpt


def test_a_match_across_a_line_break_keeps_the_original_whitespace() -> None:
    text = "Why aren\u2019t\n  you ANSWERING me"
    assert excerpts(text, IssueCode.DEMANDS_REPLY) == ["Why aren\u2019t\n  you ANSWERING"]


def test_texting_style_without_apostrophes_reads_the_same() -> None:
    assert IssueCode.DEMANDS_REPLY in check_message("dont ignore me").codes
    assert IssueCode.BLAME in check_message("ur too sensitive").codes
    assert IssueCode.PRESSURE_TO_MEET in check_message("im outside").codes


def test_too_long_points_at_the_words_past_the_limit() -> None:
    limit = load_content().message_rules.limits.max_words
    assert IssueCode.TOO_LONG not in codes_in(" ".join(["word"] * limit))
    text = " ".join(["word"] * limit + ["extra", "words"])
    assert excerpts(text, IssueCode.TOO_LONG) == ["extra words"]


# --- Structural thresholds -----------------------------------------------------------------------


def test_two_questions_are_fine_three_are_many() -> None:
    assert IssueCode.MANY_QUESTIONS not in codes_in("How are you? Is the new job good?")
    assert IssueCode.MANY_QUESTIONS in codes_in("How are you? Is the new job good? And Leeds?")


def test_two_apologies_are_fine_three_are_over_apology() -> None:
    assert codes_in("I'm sorry for what I said. I'm sorry I left like that.") == set()
    assert IssueCode.OVER_APOLOGY in codes_in("I'm sorry. I'm so sorry. I apologise.")


def test_acronyms_and_single_capitals_are_not_shouting() -> None:
    assert codes_in("OK, I saw it on TV in the UK. LOL. I think you'd like it.") == set()
    assert excerpts("I miss you SO MUCH", IssueCode.SHOUTING) == ["SO MUCH"]


# --- Verdict and score ---------------------------------------------------------------------------


def test_verdict_follows_the_most_serious_issue() -> None:
    assert check_message("I'm sorry if I hurt you.").verdict == Verdict.NEEDS_WORK
    assert check_message("I'm sorry if I hurt you. Answer me.").verdict == Verdict.PRESSURING
    assert check_message("I hope you're well.").verdict == Verdict.GENTLE
    assert {
        IssueCode.DEMANDS_REPLY,
        IssueCode.GUILT_TRIP,
        IssueCode.PRESSURE_TO_MEET,
        IssueCode.ULTIMATUM,
        IssueCode.BLAME,
    } == PRESSURING_CODES


def test_every_pressuring_draft_scores_below_every_gentle_and_needs_work_draft() -> None:
    results = [check_message(draft["text"]) for draft in DRAFTS]
    by_verdict = {v: [r.score for r in results if r.verdict == v] for v in Verdict}
    assert max(by_verdict[Verdict.PRESSURING]) < min(by_verdict[Verdict.GENTLE])
    assert max(by_verdict[Verdict.PRESSURING]) < min(by_verdict[Verdict.NEEDS_WORK])
    assert max(by_verdict[Verdict.NEEDS_WORK]) < min(by_verdict[Verdict.GENTLE])


def test_a_repeat_costs_less_than_a_new_kind_of_issue() -> None:
    once = check_message("Answer me.").score
    repeated = check_message("Answer me. Answer me.").score
    another = check_message("Answer me. You started it.").score
    assert another < repeated < once


def test_to_dict_has_exactly_the_documented_shape() -> None:
    result = check_message("I'm sorry if I hurt you. Answer me. Answer me.").to_dict()
    assert set(result) == {"verdict", "score", "issues", "suggestions"}
    assert result["verdict"] == "pressuring"
    assert all(
        set(issue) == {"code", "start", "end", "excerpt", "explanation", "suggestion"}
        for issue in result["issues"]
    )
    # Each suggestion once, in the order of the issues that raised it.
    assert result["suggestions"] == list(dict.fromkeys(i["suggestion"] for i in result["issues"]))
    assert len(result["suggestions"]) == 2


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_draft_is_refused_with_a_sentence_to_act_on(text: str) -> None:
    with pytest.raises(InvalidInput, match="Write a draft first"):
        check_message(text)


# --- The labelled corpus, one case per draft -----------------------------------------------------


def test_the_corpus_is_broad_enough() -> None:
    assert len(DRAFTS) >= 40
    assert sum(draft["verdict"] == "gentle" for draft in DRAFTS) >= 15
    assert {code for draft in DRAFTS for code in draft["codes"]} == {c.value for c in IssueCode}
    assert len({draft["id"] for draft in DRAFTS}) == len(DRAFTS)


@pytest.mark.parametrize("draft", DRAFTS, ids=[draft["id"] for draft in DRAFTS])
def test_labelled_draft(draft: dict) -> None:
    result = check_message(draft["text"])
    found = {str(issue.code) for issue in result.issues}
    assert found == set(draft["codes"]), [(str(i.code), i.excerpt) for i in result.issues]
    assert result.verdict == draft["verdict"]


# --- Any text gives a well-formed answer ---------------------------------------------------------

RISKY_WORDS = st.sampled_from(
    ["you", "YOU", "never", "sorry", "if", "I\u2019m", "don't", "answer", "me", "!!", "?", "\n", "OK"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(min_size=1, max_size=30), RISKY_WORDS), min_size=1, max_size=40))
def test_any_text_gives_a_valid_result(parts: list[str]) -> None:
    text = " ".join(parts)
    if not text.strip():
        return
    result = check_message(text)
    assert isinstance(result, MessageCheck)
    assert 0 <= result.score <= 100
    assert result.verdict in set(Verdict)
    for issue in result.issues:
        assert issue.code in set(IssueCode)
        assert 0 <= issue.start < issue.end <= len(text)
        assert issue.excerpt == text[issue.start : issue.end]
        assert issue.explanation and issue.suggestion
    assert (result.verdict == Verdict.GENTLE) == (result.issues == ())


# --- Long input stays fast -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "I know you read this. Why won't you answer me?? I'm sorry if I hurt you! ",
        "a",
        "!",
        "if you don't ",
        "YOU ",
    ],
    ids=["sentences", "one-long-word", "exclamations", "unfinished-ultimatums", "capitals"],
)
def test_a_megabyte_of_text_is_checked_in_under_a_second(unit: str) -> None:
    text = unit * (1_000_000 // len(unit) + 1)
    started = time.perf_counter()
    result = check_message(text)
    assert time.perf_counter() - started < 1.0
    if " " in unit:
        assert IssueCode.TOO_LONG in result.codes


# --- The content file is checked before anything uses it -----------------------------------------


@pytest.fixture
def mapping() -> dict:
    return copy.deepcopy(read_toml("message_checks.toml"))


def test_the_shipped_rules_load(mapping: dict) -> None:
    rules = message_rules_from_mapping(mapping, source="message_checks.toml")
    assert {rule.code for rule in rules.issue_rules} == set(IssueCode)


def test_an_unknown_issue_code_is_named(mapping: dict) -> None:
    mapping["issues"]["nagging"] = copy.deepcopy(mapping["issues"]["blame"])
    with pytest.raises(ContentError, match=r"message_checks\.toml.*issues\.nagging.*not an issue code"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_a_bad_regex_is_named_with_its_group_and_number(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"].append("you (always")
    count = len(mapping["issues"]["blame"]["groups"][0]["patterns"])
    with pytest.raises(
        ContentError, match=rf"message_checks\.toml, \[issues\.blame\] group .* pattern {count}"
    ):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_a_missing_suggestion_is_named(mapping: dict) -> None:
    del mapping["issues"]["ultimatum"]["suggestion"]
    with pytest.raises(ContentError, match=r"\[issues\.ultimatum\].*suggestion"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_a_missing_issue_code_is_named(mapping: dict) -> None:
    del mapping["issues"]["shouting"]
    with pytest.raises(ContentError, match=r"\[issues\.shouting\]"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


@pytest.mark.parametrize("value", ["150", True, None, -5])
def test_a_threshold_must_be_a_number_in_range(mapping: dict, value: object) -> None:
    mapping["limits"]["max_words"] = value
    with pytest.raises(ContentError, match=r"\[limits\] max_words"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_a_penalty_must_be_numeric(mapping: dict) -> None:
    mapping["issues"]["guilt_trip"]["penalty"] = "high"
    with pytest.raises(ContentError, match=r"\[issues\.guilt_trip\] penalty"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_an_undefined_shorthand_is_named(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"][0] = "{someone} always"
    with pytest.raises(ContentError, match=r"\{someone\} is not defined"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_a_pattern_that_matches_nothing_at_all_is_refused(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"][0] = "(?:you)?"
    with pytest.raises(ContentError, match="empty text"):
        message_rules_from_mapping(mapping, source="message_checks.toml")


def test_every_pattern_group_says_what_it_catches(mapping: dict) -> None:
    del mapping["issues"]["blame"]["groups"][1]["about"]
    with pytest.raises(ContentError, match=r"\[issues\.blame\] group 2.*about"):
        message_rules_from_mapping(mapping, source="message_checks.toml")
