"""The draft checker: flags pressure, blame and over-apology, and leaves kind drafts alone."""

from __future__ import annotations

import copy
import dataclasses
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.draft_corpus import is_held_out, judge, load_drafts, tuning_drafts
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
HELP = load_content().help_routes


WITHOUT_READER = dataclasses.replace(RULES, second_reader=None)


def check_message(text: str) -> MessageCheck:
    """The checker with the real rules from data/."""
    return check_with(text, RULES)


# The labelled corpus (tests/data/drafts*.toml, LABELLING.md). Only the tuning part is asserted
# draft by draft; the held-out fifth is judged as a whole by `make bench` (benchmarks/drafts.py).
TUNING = tuning_drafts()
# The drafts written with this checker (drafts.toml): each must raise exactly its labelled codes.
CURATED = [d for d in TUNING if d.source == "drafts.toml"]


def codes_in(text: str) -> set[str]:
    return {str(issue.code) for issue in check_message(text).issues}


def rule_codes_in(text: str) -> set[str]:
    """What the phrase rules alone find: the second reader's less sure look left out."""
    return {str(issue.code) for issue in check_with(text, WITHOUT_READER).issues}


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
        "Please respond.",
        "I need an answer.",
        "Don't ignore me.",
        "Let me know by tonight.",
        "i can see youve read my last three messages",
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
        "I guess I'll just be alone then.",
        "mum cried all christmas because you didnt come",
        "I hope you can live with that.",
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
        "Let's meet tomorrow.",
        "Let's meet tonight.",
        "We have to talk in person.",
        "Let me know which evening works this week.",
        "Give me one date.",
        "Coffee on Sunday?",
    ],
    IssueCode.TURNING_UP: [
        "I'll be at the gym when your class finishes tonight.",
        "I'm going to pop into the café on your lunch break.",
        "I'm coming over after work, see you soon.",
        "I'll come over after work.",
        "I'll come to your place.",
        "I'm outside.",
        "I'm coming to your flat now.",
        "I'll wait outside your house.",
        "I'll show up at your work.",
        "just so you know i'm sat in the car park outside your flat",
        "ive switched to your gym so well see each other anyway",
        "heard you'll be at the party on saturday so i'll see you there",
        "I'll drop it round yours on Saturday.",
    ],
    IssueCode.AROUND_A_NO: [
        "My old number seems to have been blocked, so this is my work phone.",
        "I know you said you weren't ready, but I think we could make it work.",
        "If you could tell him I still think about him, that would mean a lot.",
        "You only said no because your friends were there.",
        "You blocked my number so I'm emailing you here instead.",
        "I asked Dan to pass this on since you won't pick up.",
        "made a new insta since u blocked the old one",
        "I know you said no, but I think we should try again.",
        "Please unblock me.",
        "its me on jess's phone",
        "I got your new number from your sister.",
    ],
    IssueCode.ENTITLEMENT: [
        "Surely I've earned a phone call after twenty years.",
        "You owe me an explanation.",
        "I think you at least owe me a proper goodbye.",
        "The least you could do is reply.",
        "I deserve closure.",
        "After five years I deserve better than silence.",
        "Have the decency to tell me why.",
    ],
    IssueCode.BACKHANDED: [
        "Great to hear about your engagement on Facebook like everyone else.",
        "Glad to know I'm that important to you.",
        "no worries if you're too slammed to reply lol",
        "no worries if youre too busy for me",
        "not like you ever reply anyway",
        "i know where i rank \U0001f643",
        "Thanks for nothing.",
        "Hope you're happy now.",
        "must be nice",
        "great, thanks \U0001f644",
    ],
    IssueCode.APOLOGY_EXCUSE: [
        "I'm sorry I wasn't there, but where I come from we don't make a fuss about birthdays.",
        "I apologise for the shouting. Stress does strange things to a person.",
        "Sorry, but I was going through a lot.",
        "I apologise, but you have to understand I was stressed.",
        "im sorry about the speech, but honestly id had too much to drink",
        "I'm sorry. But I was under so much pressure at work.",
    ],
    IssueCode.LOVE_BOMBING: [
        "You're my everything, I can't live without you.",
        "No one will ever love you like I do.",
        "we're meant to be",
        "youre my soulmate",
        "I'll love you forever, no matter what.",
    ],
    IssueCode.SELF_HARM: [
        "Most nights I feel there's no point in going on.",
        "Last year I thought about ending my life, and I'm getting help now.",
        "i was hurting myself for a while but im in treatment now",
        "I probably won't be here much longer anyway.",
    ],
    IssueCode.SELF_HARM_PRESSURE: [
        "if something happens to me just know its not your fault x",
        "Don't worry about Christmas. I probably won't be here by then anyway, "
        "not that any of you would notice.",
        "Maybe you'd all be better off without me around. "
        "You've made it pretty clear that's what you want anyway.",
        "If you don't answer I don't know what I'll do to myself.",
        "You'll be sorry when I'm gone.",
        "i dont want to live without you",
        "maybe youll finally get some peace when im gone",
    ],
    IssueCode.ULTIMATUM: [
        "If you're not at the party, don't bother coming to the wedding.",
        "Let me know by Sunday. If I don't hear, I'm selling your seat and that's the end of it.",
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
    IssueCode.READS_AS_PRESSURE: [],  # the second reader's: tested below, never a phrase
    IssueCode.SECOND_LOOK: [],  # the second reader's softer concern: tested below, never a phrase
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
    # Arrangements they made or agreed to are not turning up or pressure to meet.
    "Lovely, see you at the station café on Thursday at 10 then.",
    "I'll drop the spare keys at yours on Sunday afternoon, as we agreed.",
    "I'll be outside the cinema at half six like you suggested.",
    # A word in capitals that names something is not a raised voice.
    "I've sent the money back. The reference on the payment is HOLIDAY.",
    # Owing nothing is the opposite of entitlement; a new job is news, not a jab.
    "You owe me nothing, not even a reply or another chance.",
    "I heard you've been busy with the new job. I hope it's going brilliantly.",
    "Whenever you're ready, if you ever are, I'm not going anywhere.",
]


@pytest.mark.parametrize("text", GENTLE)
def test_gentle_drafts_raise_no_issues(text: str) -> None:
    # These are look-alikes made for the phrase rules: the rules find nothing in them...
    rules_only = check_with(text, WITHOUT_READER)
    assert rules_only.issues == ()
    assert rules_only.verdict == Verdict.GENTLE
    assert rules_only.score == 100
    # ...and the second reader, less sure on a line or two, may at most ask for another read.
    result = check_message(text)
    assert result.codes <= {IssueCode.SECOND_LOOK}
    assert result.verdict != Verdict.PRESSURING


def test_a_plain_apology_that_owns_responsibility_is_not_flagged() -> None:
    # Lewicki et al. 2016: acknowledging responsibility is the part of an apology that matters most.
    assert rule_codes_in("I'm sorry I stopped answering your calls. That was unkind of me.") == set()


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
    assert IssueCode.TURNING_UP in check_message("im outside").codes


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
    assert rule_codes_in("OK, I saw it on TV in the UK. LOL. I think you'd like it.") == set()
    assert excerpts("I miss you SO MUCH", IssueCode.SHOUTING) == ["SO MUCH"]


# --- Verdict and score ---------------------------------------------------------------------------


def test_verdict_follows_the_most_serious_issue() -> None:
    assert check_message("I'm sorry if I hurt you.").verdict == Verdict.NEEDS_WORK
    assert check_message("I'm sorry if I hurt you. Answer me.").verdict == Verdict.PRESSURING
    assert check_message("I hope you're well.").verdict == Verdict.GENTLE
    # DESIGN.md's list: what takes the choice away or makes them responsible for your feelings.
    assert {
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
    } == PRESSURING_CODES - {IssueCode.READS_AS_PRESSURE}
    # ...and the second reader's concern, which is raised only where no rule found pressure.
    assert IssueCode.READS_AS_PRESSURE in PRESSURING_CODES


def test_every_pressuring_draft_scores_below_every_gentle_and_needs_work_draft() -> None:
    results = [check_message(draft.text) for draft in TUNING]
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
    assert set(result) == {"verdict", "score", "issues", "suggestions"}  # no "support" without self-harm
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


# --- The labelled corpus -------------------------------------------------------------------------


def test_the_corpus_is_broad_enough_and_a_fifth_is_held_out() -> None:
    everything = load_drafts()
    held = [d for d in everything if is_held_out(d.id)]
    assert len(everything) >= 400
    assert 0.15 <= len(held) / len(everything) <= 0.25
    assert sum(d.verdict == "gentle" for d in everything) >= 150
    assert {code for d in everything for code in d.codes} == {c.value for c in IssueCode} - {
        IssueCode.READS_AS_PRESSURE.value,  # the second reader's own concerns are never labels
        IssueCode.SECOND_LOOK.value,
    }
    assert {d.writer for d in everything} >= {"ex", "romantic_interest", "friend", "family", "colleague"}


def test_every_label_follows_the_verdict_rule() -> None:
    pressuring = {c.value for c in PRESSURING_CODES}
    for d in load_drafts():
        expected = "pressuring" if d.codes & pressuring else "needs_work" if d.codes else "gentle"
        assert d.verdict == expected, d.id


@pytest.mark.parametrize("draft", TUNING, ids=[d.id for d in TUNING])
def test_tuning_draft_gets_its_verdict(draft) -> None:
    result = check_message(draft.text)
    shown = [(str(i.code), i.excerpt) for i in result.issues]
    if draft.verdict == "gentle" and IssueCode.SECOND_LOOK in result.codes:
        # The second reader may ask for another read of a kind draft (bounded below), but then that
        # is the only thing found: the rules still find nothing in it.
        assert result.codes == {IssueCode.SECOND_LOOK}, shown
        assert result.verdict == Verdict.NEEDS_WORK
    else:
        assert result.verdict == draft.verdict, shown


def test_a_second_look_is_asked_of_few_kind_drafts() -> None:
    gentle = [d for d in TUNING if d.verdict == "gentle"]
    asked = sum(IssueCode.SECOND_LOOK in check_message(d.text).codes for d in gentle)
    assert asked <= 0.03 * len(gentle), (asked, len(gentle))


@pytest.mark.parametrize("draft", CURATED, ids=[d.id for d in CURATED])
def test_curated_draft_raises_exactly_its_codes(draft) -> None:
    found = {str(issue.code) for issue in check_message(draft.text).issues}
    assert found == set(draft.codes), [(str(i.code), i.excerpt) for i in check_message(draft.text).issues]


def test_each_code_is_found_on_the_tuning_part_and_rarely_raised_wrongly() -> None:
    """Verdicts can be right while a code is missed (another code carried it): hold each code too."""
    judgement = judge(TUNING, lambda text: (check_message(text).verdict, check_message(text).codes))
    for code in IssueCode:
        if code in (IssueCode.READS_AS_PRESSURE, IssueCode.SECOND_LOOK):
            continue
        precision, recall = judgement.precision_recall(code.value)
        assert recall is not None and recall >= 0.5, (code, judgement.per_code.get(code.value))
        assert precision is None or precision >= 0.75, (code, judgement.per_code.get(code.value))


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
    rules = message_rules_from_mapping(mapping, HELP, source="message_checks.toml")
    assert {rule.code for rule in rules.issue_rules} == set(IssueCode)


def test_an_unknown_issue_code_is_named(mapping: dict) -> None:
    mapping["issues"]["nagging"] = copy.deepcopy(mapping["issues"]["blame"])
    with pytest.raises(ContentError, match=r"message_checks\.toml.*issues\.nagging.*not an issue code"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_a_bad_regex_is_named_with_its_group_and_number(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"].append("you (always")
    count = len(mapping["issues"]["blame"]["groups"][0]["patterns"])
    with pytest.raises(
        ContentError, match=rf"message_checks\.toml, \[issues\.blame\] group .* pattern {count}"
    ):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_a_missing_suggestion_is_named(mapping: dict) -> None:
    del mapping["issues"]["ultimatum"]["suggestion"]
    with pytest.raises(ContentError, match=r"\[issues\.ultimatum\].*suggestion"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_a_missing_issue_code_is_named(mapping: dict) -> None:
    del mapping["issues"]["shouting"]
    with pytest.raises(ContentError, match=r"\[issues\.shouting\]"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


@pytest.mark.parametrize("value", ["150", True, None, -5])
def test_a_threshold_must_be_a_number_in_range(mapping: dict, value: object) -> None:
    mapping["limits"]["max_words"] = value
    with pytest.raises(ContentError, match=r"\[limits\] max_words"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_a_penalty_must_be_numeric(mapping: dict) -> None:
    mapping["issues"]["guilt_trip"]["penalty"] = "high"
    with pytest.raises(ContentError, match=r"\[issues\.guilt_trip\] penalty"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_an_undefined_shorthand_is_named(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"][0] = "{someone} always"
    with pytest.raises(ContentError, match=r"\{someone\} is not defined"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


def test_a_pattern_that_matches_nothing_at_all_is_refused(mapping: dict) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"][0] = "(?:you)?"
    with pytest.raises(ContentError, match="empty text"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


@pytest.mark.parametrize(
    "pattern", ["I never meant it", "you always (?:Forget|ignore)", "[A-Z]+ now", r"\x41 fine", "\u01c5 x"]
)
def test_a_pattern_with_a_capital_letter_is_refused(mapping: dict, pattern: str) -> None:
    # Drafts are read lower-cased, so a capital in a pattern could never match anything.
    mapping["issues"]["blame"]["groups"][0]["patterns"].append(pattern)
    with pytest.raises(ContentError, match=r"\[issues\.blame\] group .* pattern \d+.*lower case"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


@pytest.mark.parametrize("pattern", [r"you\W+always", r"\S+ never", r"\U0001F644 ok then", r"\u263A ok"])
def test_an_escape_with_a_capital_is_not_a_capital_letter(mapping: dict, pattern: str) -> None:
    mapping["issues"]["blame"]["groups"][0]["patterns"].append(pattern)
    message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I'll k\u0131ll myself if you don't answer", IssueCode.SELF_HARM_PRESSURE),  # a Turkish keyboard's i
        ("You never l\u0131sten to me.", IssueCode.BLAME),
        ("You alway\u017f do thi\u017f, you never li\u017ften.", IssueCode.BLAME),  # the long s
    ],
)
def test_letters_that_read_as_i_and_s_are_read_as_i_and_s(text: str, code: IssueCode) -> None:
    assert code in check_message(text).codes


def test_an_eye_roll_after_a_line_about_someone_else_is_a_jab_even_after_me_late() -> None:
    jab = check_message("Me, late as usual, since someone never bothered to tell me anything \U0001f644")
    assert IssueCode.BACKHANDED in jab.codes
    joke = check_message("me, 6 months late, finally replying \U0001f643 hope you're well")
    assert IssueCode.BACKHANDED not in joke.codes


def test_capitals_in_a_draft_are_read_like_lower_case() -> None:
    loud = check_message("YOU NEVER LISTENED AND YOU KNOW IT")
    quiet = check_message("you never listened and you know it")
    assert IssueCode.BLAME in loud.codes and IssueCode.BLAME in quiet.codes
    assert IssueCode.SHOUTING in loud.codes


def test_every_pattern_group_says_what_it_catches(mapping: dict) -> None:
    del mapping["issues"]["blame"]["groups"][1]["about"]
    with pytest.raises(ContentError, match=r"\[issues\.blame\] group 2.*about"):
        message_rules_from_mapping(mapping, HELP, source="message_checks.toml")


# --- Version 2: what the issue's drafts do, and the support card -----------------------------------

# Drafts a careful counsellor calls pressuring, which version 1 passed as gentle (issue 12).
ISSUE_DRAFTS = {
    "just so you know i'm sat in the car park outside your flat. not leaving until we talk": {"turning_up"},
    "You blocked my number and my insta so I'm emailing you here instead. I think you at least owe me "
    "a proper goodbye": {"around_a_no", "entitlement"},
    "I asked Dan to pass this on since you won't pick up": {"around_a_no"},
    "no worries if you're too busy for me, i know where i rank \U0001f643": {"backhanded"},
    "I guess I'll just be alone then. Thanks for nothing": {"backhanded"},
    "if something happens to me just know its not your fault x": {"self_harm_pressure"},
}


@pytest.mark.parametrize("text", ISSUE_DRAFTS, ids=lambda text: text[:30])
def test_the_drafts_version_1_called_gentle_are_pressuring(text: str) -> None:
    result = check_message(text)
    assert result.verdict == Verdict.PRESSURING
    assert ISSUE_DRAFTS[text] <= {str(code) for code in result.codes}


@pytest.mark.parametrize(
    "text",
    [
        "I won't be here anyway, I'm at my sister's.",
        "Not that any of you would notice, but I passed my driving test!",
        "I won't be around that weekend anyway, so book whatever suits you.",
    ],
)
def test_being_away_or_unnoticed_is_not_self_harm(text: str) -> None:
    assert not {IssueCode.SELF_HARM, IssueCode.SELF_HARM_PRESSURE} & check_message(text).codes


def test_a_warm_memory_with_you_were_is_not_blame() -> None:
    assert check_message("you were the one who taught me to cook").issues == ()


@pytest.mark.parametrize(
    "text",
    [
        "if something happens to me just know its not your fault x",
        "Some days last winter I didn't want to be here. I'm getting help now, and I'm doing better.",
        "i dont want to live without you",
    ],
)
def test_a_draft_that_mentions_self_harm_gets_the_support_card_and_is_never_gentle(text: str) -> None:
    result = check_message(text)
    assert result.verdict != Verdict.GENTLE
    assert result.support is not None
    shown = result.to_dict()["support"]
    assert shown["message"]
    # Every number offered comes with who runs it and where it is listed (data/help.toml).
    assert shown["help"] and all(route["source"] and route["contact"] for route in shown["help"])
    assert {"samaritans", "988", "findahelpline"} <= {route.id for route in result.support.routes}


def test_self_harm_shared_as_something_looked_after_needs_work_but_is_not_pressure() -> None:
    text = "I was in a dark place last year and thought about ending my life. I'm in treatment now."
    result = check_message(text)
    assert IssueCode.SELF_HARM in result.codes
    assert result.verdict == Verdict.NEEDS_WORK


def test_self_harm_tied_to_their_answer_is_pressure() -> None:
    result = check_message("If you don't reply tonight I don't know what I'll do to myself.")
    assert IssueCode.SELF_HARM_PRESSURE in result.codes
    assert result.verdict == Verdict.PRESSURING


def test_no_support_block_without_self_harm() -> None:
    assert "support" not in check_message("Answer me.").to_dict()
    assert check_message("I hope you're well.").support is None


# --- The second reader can only raise a concern ----------------------------------------------------

ORDER = {Verdict.GENTLE: 0, Verdict.NEEDS_WORK: 1, Verdict.PRESSURING: 2}


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.sampled_from([d.text for d in TUNING] + ["I hope you're well.", "you never call", "sorry"]),
        min_size=1,
        max_size=3,
    )
)
def test_the_second_reader_only_ever_adds(texts: list[str]) -> None:
    text = "\n".join(texts)
    with_reader, rules_only = check_message(text), check_with(text, WITHOUT_READER)
    assert {(i.code, i.start, i.end) for i in rules_only.issues} <= {
        (i.code, i.start, i.end) for i in with_reader.issues
    }
    assert ORDER[with_reader.verdict] >= ORDER[rules_only.verdict]
    added = with_reader.codes - rules_only.codes
    assert added <= {IssueCode.READS_AS_PRESSURE, IssueCode.SECOND_LOOK}
    assert len(added) <= 1  # one concern at most, sure or less sure


def test_the_second_readers_concern_makes_a_draft_pressuring_and_sits_on_one_sentence() -> None:
    # Across the tuning drafts it raises on: the verdict is pressuring, and the span is a sentence.
    raised = [r for r in (check_message(d.text) for d in TUNING) if IssueCode.READS_AS_PRESSURE in r.codes]
    assert raised, "the second reader raised no concern on any tuning draft"
    for result in raised:
        assert result.verdict == Verdict.PRESSURING
        concern = next(i for i in result.issues if i.code == IssueCode.READS_AS_PRESSURE)
        assert concern.excerpt.strip() and "\n\n" not in concern.excerpt
        assert not (result.codes - {IssueCode.READS_AS_PRESSURE}) & PRESSURING_CODES


def test_the_second_reader_reads_only_drafts_long_enough_to_judge() -> None:
    reader = RULES.second_reader
    assert reader is not None
    short = "you always made me laugh"
    assert len(short.split()) < reader.min_words and not reader.raises(short)


def test_a_second_look_needs_work_sits_on_one_sentence_and_never_joins_pressure() -> None:
    # On the tuning drafts the shipped reader may have nothing left to ask (the rules find their
    # pressure, and it was trained on them), so a keener look shows how a look is given.
    reader = RULES.second_reader
    assert reader is not None
    keen = dataclasses.replace(RULES, second_reader=dataclasses.replace(reader, look_at=reader.look_at / 2))
    looked = [r for r in (check_with(d.text, keen) for d in TUNING) if IssueCode.SECOND_LOOK in r.codes]
    assert looked, "even a keener second reader asked for no second look on any tuning draft"
    for result in looked:
        assert IssueCode.READS_AS_PRESSURE not in result.codes
        assert not result.codes & PRESSURING_CODES  # asked only where nothing pressures...
        assert result.verdict == Verdict.NEEDS_WORK  # ...so the draft needs work, no more
        concern = next(i for i in result.issues if i.code == IssueCode.SECOND_LOOK)
        assert concern.excerpt.strip() and "\n\n" not in concern.excerpt
        assert concern.explanation and concern.suggestion


def test_a_second_look_is_less_sure_than_a_concern_and_reads_only_long_enough_drafts() -> None:
    reader = RULES.second_reader
    assert reader is not None
    assert 0.1 <= reader.look_at <= reader.raise_at
    short = "you always made me laugh so much"
    assert len(short.split()) < reader.look_min_words and not reader.asks_a_second_look(short)
    # Between the two thresholds it asks for a look without raising; above both it does both.
    between = dataclasses.replace(reader, look_at=0.1, raise_at=0.99, look_min_words=0, min_words=0)
    text = "you know i always wait for you and i always will, whatever you say"
    p = between.probability(text)
    assert 0.1 <= p < 0.99, p
    assert between.asks_a_second_look(text) and not between.raises(text)


def test_a_second_look_is_shown_as_needs_work_with_its_own_words() -> None:
    reader = RULES.second_reader
    assert reader is not None
    text = "you know i always wait for you and i always will, whatever you say to me"
    eager = dataclasses.replace(reader, look_at=0.1, raise_at=0.99, look_min_words=0, min_words=0)
    result = check_with(text, dataclasses.replace(RULES, second_reader=eager))
    if result.codes & PRESSURING_CODES:
        pytest.fail(f"pick a text the rules find no pressure in: {result.codes}")
    assert IssueCode.SECOND_LOOK in result.codes
    assert result.verdict == Verdict.NEEDS_WORK
    assert "no pressure found" not in " ".join(result.to_dict()["suggestions"]).lower()


def test_the_shipped_second_reader_is_what_training_on_the_tuning_part_gives() -> None:
    from benchmarks.train_second_reader import main as train

    assert train(["--check"]) == 0
