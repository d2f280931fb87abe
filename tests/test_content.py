"""The questions and message templates: the real content loads, malformed content is refused
with a message naming the file and the item, answers are parsed or refused kindly, and a
template never lets the caller's words act as anything but words."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from workbook.content import DATA_DIR, load_content, read_toml
from workbook.content.help import BinderNotice, binder_notice_from_mapping
from workbook.content.questionnaire import questionnaire_from_mapping, templates_from_mapping
from workbook.content.second_reader import second_reader_from_text
from workbook.errors import ContentError, InvalidInput
from workbook.model import CORE_IDS, MAX_TEXT_LENGTH, Goal, WhatHappened
from workbook.questions import (
    MAX_TEMPLATE_WORDS,
    Option,
    Question,
    QuestionKind,
    Template,
    TemplateKind,
    templates_for,
)

# The sections the steps ask for (data/steps.toml), in the order a person meets them.
SECTION_IDS = load_content().steps.section_ids


def load_questionnaire(data_dir: Path):
    """Read a questions.toml written by a test, checked against the real steps."""
    return questionnaire_from_mapping(read_toml("questions.toml", data_dir), "questions.toml", SECTION_IDS)


def load_templates(data_dir: Path):
    return templates_from_mapping(read_toml("templates.toml", data_dir), "templates.toml")


# --- The real content -----------------------------------------------------------------------


def test_the_real_questionnaire_has_every_section_in_order():
    questionnaire = load_content().questionnaire
    assert tuple(s.id for s in questionnaire.sections) == SECTION_IDS


def test_every_core_question_is_a_likert_statement_in_motives():
    questionnaire = load_content().questionnaire
    for core_id in CORE_IDS:
        question = questionnaire.question(core_id)
        assert question.section == "motives"
        assert question.kind is QuestionKind.LIKERT
        assert (question.low_label, question.high_label) == ("Strongly disagree", "Strongly agree")


def test_the_real_templates_load_and_cover_every_goal_and_situation():
    templates = load_content().templates
    assert len(templates) >= 8
    assert {t.kind for t in templates} == set(TemplateKind)
    for goal in Goal:
        for what_happened in WhatHappened:
            assert templates_for(templates, goal, what_happened), (goal, what_happened)


# Words that would read as a chance of winning someone back, or as pushing past a no
# (Foshay & O'Sullivan 2018; the seeds' manipulative tips are left out on purpose).
PUSHING_PHRASES = (
    "give up",
    "win them",
    "win back",
    "get them back",
    "back together",
    "chances",
    "jealous",
    "make them",
    "convince",
    "grand gesture",
    "please reply",
    "let me know",
)


def _all_content_text() -> list[str]:
    questionnaire = load_content().questionnaire
    texts = [s.title for s in questionnaire.sections] + [s.intro for s in questionnaire.sections]
    for q in questionnaire.questions:
        texts += [q.prompt, q.help, q.placeholder, *(o.label for o in q.options)]
    for t in load_content().templates:
        texts += [t.title, t.text, t.note]
    return texts


def test_no_prompt_or_template_pushes_towards_them():
    for text in _all_content_text():
        for phrase in PUSHING_PHRASES:
            assert phrase not in text.lower(), f"{phrase!r} in {text!r}"


def test_every_filled_template_reads_as_gentle_to_the_draft_checker():
    messages = pytest.importorskip("workbook.messages")
    for template in load_content().templates:
        text = template.fill("Sam", "that band we both like")
        result = messages.check_message(text, load_content().message_rules)
        assert result.verdict == "gentle", (template.id, result)
        assert not result.issues, (template.id, result.issues)


def test_every_real_template_stays_short():
    for template in load_content().templates:
        assert len(template.text.split()) < MAX_TEMPLATE_WORDS, template.id


def _suited(template_id: str) -> set[tuple[Goal, WhatHappened]]:
    """Every (goal, what happened) for which templates_for offers this template."""
    templates = load_content().templates
    return {
        (goal, what_happened)
        for goal in Goal
        for what_happened in WhatHappened
        if template_id in {t.id for t in templates_for(templates, goal, what_happened)}
    }


def _template_text(template_id: str) -> str:
    (template,) = [t for t in load_content().templates if t.id == template_id]
    return template.fill("Sam", "that band we both like")


@pytest.mark.parametrize("template_id", ["milestone_good_news", "milestone_loss"])
def test_a_note_for_their_milestone_is_offered_to_reconnect_and_asks_nothing(template_id: str):
    # Seed 001: when someone close to you has a milestone, acknowledge it, and ask nothing back.
    offered = _suited(template_id)
    for goal in (Goal.ROMANCE, Goal.FRIENDSHIP):
        for what_happened in WhatHappened:
            assert (goal, what_happened) in offered, (goal, what_happened)
    text = _template_text(template_id)
    assert "?" not in text
    assert "no need to reply" in text.lower()


def test_the_direct_romance_template_asks_once_and_makes_a_no_easy():
    offered = _suited("romance_honest_ask")
    assert {goal for goal, _ in offered} == {Goal.ROMANCE}
    assert {what_happened for _, what_happened in offered} == set(WhatHappened)
    text = _template_text("romance_honest_ask").lower()
    assert text.count("?") <= 1  # one plain ask, not a string of questions
    assert re.search(r"\bno\b", text), text
    assert re.search(r"\b(?:fine|okay|ok|all right)\b", text), text


PATTERN_QUESTIONS = ("if_no_patterns", "if_no_next_time")


def test_the_patterns_that_make_you_withdraw_are_asked_before_step_9():
    # Everyone reflects on them, not only someone whose answer was no; their ids are kept so
    # answers given when they were in step 9 still belong to them.
    questionnaire = load_content().questionnaire
    for question_id in PATTERN_QUESTIONS:
        section = questionnaire.question(question_id).section
        assert SECTION_IDS.index(section) < SECTION_IDS.index("if_no"), (question_id, section)
    assert questionnaire.question("if_no_patterns").kind is QuestionKind.MULTI
    assert not {q.id for q in questionnaire.section("if_no").questions} & set(PATTERN_QUESTIONS)


# --- Malformed content ------------------------------------------------------------------------


def _questions_toml(their_side: str, core_ids: tuple[str, ...] = CORE_IDS) -> str:
    """A valid questions.toml, except that section 'their_side' is given by the test."""
    parts = []
    for section_id in SECTION_IDS:
        if section_id == "their_side":
            parts.append(their_side)
            continue
        parts.append(f'[[section]]\nid = "{section_id}"\ntitle = "T"\nintro = "I"\n')
        if section_id == "motives":
            for core_id in core_ids:
                parts.append(f'[[section.question]]\nid = "{core_id}"\nkind = "likert"\nprompt = "P"\n')
        else:
            parts.append(f'[[section.question]]\nid = "{section_id}_note"\nkind = "text"\nprompt = "P"\n')
    return "\n".join(parts)


def _their_side(question: str) -> str:
    return f'[[section]]\nid = "their_side"\ntitle = "T"\nintro = "I"\n\n{question}'


def test_the_fixture_builder_makes_valid_content(tmp_path: Path):
    good = _their_side('[[section.question]]\nid = "felt"\nkind = "text"\nprompt = "P"\n')
    (tmp_path / "questions.toml").write_text(_questions_toml(good))
    assert load_questionnaire(tmp_path).question("felt").section == "their_side"


MALFORMED_QUESTIONS = {
    "duplicate_id": (
        _questions_toml(
            _their_side('[[section.question]]\nid = "start_note"\nkind = "text"\nprompt = "Again"\n')
        ),
        ["questions.toml", "section 'their_side'", "question 'start_note'", "unique"],
    ),
    "unknown_kind": (
        _questions_toml(_their_side('[[section.question]]\nid = "felt"\nkind = "slider"\nprompt = "P"\n')),
        ["questions.toml", "section 'their_side'", "question 'felt'", "'slider'"],
    ),
    "choice_without_options": (
        _questions_toml(_their_side('[[section.question]]\nid = "felt"\nkind = "choice"\nprompt = "P"\n')),
        ["questions.toml", "section 'their_side'", "question 'felt'", "at least two options"],
    ),
    "duplicate_option": (
        _questions_toml(
            _their_side(
                '[[section.question]]\nid = "felt"\nkind = "multi"\nprompt = "P"\n'
                'options = [{value = "hurt", label = "Hurt"}, {value = "hurt", label = "Sad"}]\n'
            )
        ),
        ["questions.toml", "question 'felt'", "option 2", "'hurt' is used twice"],
    ),
    "empty_prompt": (
        _questions_toml(_their_side('[[section.question]]\nid = "felt"\nkind = "text"\nprompt = "  "\n')),
        ["questions.toml", "section 'their_side'", "question 'felt'", "prompt is empty"],
    ),
    "likert_with_options": (
        _questions_toml(
            _their_side(
                '[[section.question]]\nid = "felt"\nkind = "likert"\nprompt = "P"\n'
                'options = [{value = "a", label = "A"}, {value = "b", label = "B"}]\n'
            )
        ),
        ["questions.toml", "question 'felt'", "likert question cannot have options"],
    ),
    "missing_core_id": (
        _questions_toml(
            _their_side('[[section.question]]\nid = "felt"\nkind = "text"\nprompt = "P"\n'),
            core_ids=tuple(i for i in CORE_IDS if i != "accept_no"),
        ),
        ["questions.toml", "section 'motives'", "question 'accept_no'", "missing"],
    ),
}


@pytest.mark.parametrize("fixture", MALFORMED_QUESTIONS, ids=list(MALFORMED_QUESTIONS))
def test_malformed_questions_are_refused_naming_file_and_item(tmp_path: Path, fixture: str):
    text, fragments = MALFORMED_QUESTIONS[fixture]
    (tmp_path / "questions.toml").write_text(text)
    with pytest.raises(ContentError) as caught:
        load_questionnaire(tmp_path)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_a_core_question_that_is_not_likert_is_refused(tmp_path: Path):
    text = _questions_toml(
        _their_side('[[section.question]]\nid = "felt"\nkind = "text"\nprompt = "P"\n')
    ).replace('id = "calm_waiting"\nkind = "likert"', 'id = "calm_waiting"\nkind = "text"')
    (tmp_path / "questions.toml").write_text(text)
    with pytest.raises(ContentError, match="question 'calm_waiting': a core question must be"):
        load_questionnaire(tmp_path)


def _template(**changes: str) -> str:
    fields = {
        "id": '"hello"',
        "kind": '"check_in"',
        "title": '"Hello"',
        "goals": '["friendship"]',
        "what_happened": '["other"]',
        "note": '"When it fits."',
        "text": '"Hi {name}, no need to reply."',
    }
    fields.update(changes)
    return "[[template]]\n" + "".join(f"{key} = {value}\n" for key, value in fields.items())


MALFORMED_TEMPLATES = {
    "bad_placeholder": (
        _template(text='"Hi {first_name}, hope you are well."'),
        ["templates.toml", "template 'hello'", "{first_name}"],
    ),
    "format_field_placeholder": (
        _template(text='"Hi {name}, {0.__class__}"'),
        ["templates.toml", "template 'hello'", "{0.__class__}"],
    ),
    "stray_brace": (
        _template(text='"Hi {name, hope you are well."'),
        ["templates.toml", "template 'hello'", "stray brace"],
    ),
    "unknown_goal": (
        _template(goals='["friendship", "get_back_together"]'),
        ["templates.toml", "template 'hello'", "'get_back_together'", "romance"],
    ),
    "unknown_kind": (
        _template(kind='"grand_gesture"'),
        ["templates.toml", "template 'hello'", "'grand_gesture'"],
    ),
    "duplicate_id": (
        _template() + "\n" + _template(),
        ["templates.toml", "template 'hello'", "used twice"],
    ),
    "too_long": (
        _template(text='"Hi {name}, ' + "really " * 90 + 'sorry."'),
        ["templates.toml", "template 'hello'", "under 80"],
    ),
}


@pytest.mark.parametrize("fixture", MALFORMED_TEMPLATES, ids=list(MALFORMED_TEMPLATES))
def test_malformed_templates_are_refused_naming_file_and_item(tmp_path: Path, fixture: str):
    text, fragments = MALFORMED_TEMPLATES[fixture]
    (tmp_path / "templates.toml").write_text(text)
    with pytest.raises(ContentError) as caught:
        load_templates(tmp_path)
    for fragment in fragments:
        assert fragment in str(caught.value)


# --- Answers ------------------------------------------------------------------------------------


def _question(kind: QuestionKind, **fields: object) -> Question:
    return Question(id="q", section="s", kind=kind, prompt="P", **fields)


FEELINGS = (Option("hurt", "Hurt"), Option("angry", "Angry"), Option("lost", "Lost"))


@pytest.mark.parametrize("raw, stored", [(1, 1), (5, 5), (" 3 ", 3)])
def test_likert_accepts_one_to_five(raw: object, stored: int):
    assert _question(QuestionKind.LIKERT).validate(raw) == stored


@pytest.mark.parametrize("raw", [True, False, 0, 6, 2.5, "three", ""])
def test_likert_refuses_anything_else(raw: object):
    with pytest.raises(InvalidInput, match="from 1 .strongly disagree. to 5"):
        _question(QuestionKind.LIKERT).validate(raw)


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_no_answer_is_refused_rather_than_stored(kind: QuestionKind):
    with pytest.raises(InvalidInput, match="Please answer"):
        _question(kind, options=FEELINGS if kind in ("choice", "multi") else ()).validate(None)


def test_choice_accepts_an_option_value_and_refuses_anything_else():
    question = _question(QuestionKind.CHOICE, options=FEELINGS)
    assert question.validate("angry") == "angry"
    with pytest.raises(InvalidInput, match='"Hurt", "Angry", "Lost"'):
        question.validate("relieved")
    with pytest.raises(InvalidInput):
        question.validate(["angry"])


def test_multi_keeps_known_choices_once_in_the_order_shown():
    question = _question(QuestionKind.MULTI, options=FEELINGS)
    assert question.validate(["lost", "hurt", "lost"]) == ["hurt", "lost"]
    assert question.validate([]) == []


@pytest.mark.parametrize("raw", [["hurt", "jealous"], "hurt", 3])
def test_multi_refuses_unknown_choices_and_non_lists(raw: object):
    with pytest.raises(InvalidInput):
        _question(QuestionKind.MULTI, options=FEELINGS).validate(raw)


def test_text_is_kept_within_its_limit():
    assert _question(QuestionKind.TEXT).validate("  I miss them.  ") == "I miss them."
    assert len(_question(QuestionKind.TEXT).validate("a" * MAX_TEXT_LENGTH)) == MAX_TEXT_LENGTH
    with pytest.raises(InvalidInput, match="under 20,000 characters"):
        _question(QuestionKind.TEXT).validate("a" * (MAX_TEXT_LENGTH + 1))
    with pytest.raises(InvalidInput, match="under 10 characters"):
        _question(QuestionKind.TEXT, max_length=10).validate("eleven char")


def test_text_refuses_nul_and_a_required_blank():
    with pytest.raises(InvalidInput, match="NUL"):
        _question(QuestionKind.TEXT).validate("hello\x00")
    with pytest.raises(InvalidInput, match="even a few words"):
        _question(QuestionKind.TEXT, required=True).validate("   ")


def test_a_date_is_stored_as_iso_and_refused_in_the_future_when_today_is_known():
    question = _question(QuestionKind.DATE)
    today = date(2026, 3, 1)
    assert question.validate("2026-03-01", today=today) == "2026-03-01"
    assert question.validate(date(2025, 12, 24), today=today) == "2025-12-24"
    assert question.validate("2026-03-02") == "2026-03-02"  # no clock here, so no refusal
    with pytest.raises(InvalidInput, match="in the future"):
        question.validate("2026-03-02", today=today)
    with pytest.raises(InvalidInput, match="real date"):
        question.validate("yesterday", today=today)


# --- Templates ----------------------------------------------------------------------------------


def _made_template(
    text: str = "Hi {name}, I thought of {shared_thing}.",
    kind: TemplateKind = TemplateKind.SHARED_MEMORY,
    goals: frozenset[Goal] = frozenset({Goal.FRIENDSHIP}),
    what_happened: frozenset[WhatHappened] = frozenset({WhatHappened.I_PUSHED_AWAY}),
    template_id: str = "t",
) -> Template:
    return Template(template_id, kind, "Title", text, goals, what_happened, "note")


@pytest.mark.parametrize(
    "name, shared_thing",
    [
        ("{shared_thing}", "{name}"),
        ("{0.__class__}", "{name.__init__.__globals__}"),
        (r"Sam \1 \g<0>", "50% of {}"),
    ],
)
def test_fill_inserts_the_callers_words_literally(name: str, shared_thing: str):
    filled = _made_template().fill(name, shared_thing)
    assert filled == f"Hi {name}, I thought of {shared_thing}."


def test_fill_asks_for_what_the_template_needs():
    with pytest.raises(InvalidInput, match="something you share"):
        _made_template().fill("Sam")
    with pytest.raises(InvalidInput, match="their name"):
        _made_template().fill("  ", "the band")
    assert _made_template(text="Hi {name}.").fill("Sam") == "Hi Sam."


def test_every_real_template_fills_without_leftover_braces():
    for template in load_content().templates:
        filled = template.fill("Sam", "that band we both like")
        assert "{" not in filled and "}" not in filled, template.id


def test_templates_for_returns_only_the_suitable_ones_best_first():
    closure = _made_template(
        kind=TemplateKind.CLOSURE, goals=frozenset(Goal), what_happened=frozenset(WhatHappened)
    )
    apology = _made_template(
        kind=TemplateKind.APOLOGY,
        goals=frozenset({Goal.APOLOGY, Goal.CLOSURE}),
        what_happened=frozenset(WhatHappened),
    )
    romance_only = _made_template(
        kind=TemplateKind.CHECK_IN,
        goals=frozenset({Goal.ROMANCE}),
        what_happened=frozenset(WhatHappened),
    )
    rejected_only = _made_template(
        kind=TemplateKind.APOLOGY,
        goals=frozenset({Goal.APOLOGY}),
        what_happened=frozenset({WhatHappened.I_REJECTED_THEM}),
    )
    templates = (closure, apology, romance_only, rejected_only)

    assert templates_for(templates, Goal.APOLOGY, WhatHappened.I_BROKE_UP) == (apology, closure)
    assert templates_for(templates, Goal.APOLOGY, WhatHappened.I_REJECTED_THEM) == (
        rejected_only,
        apology,
        closure,
    )
    assert templates_for(templates, Goal.CLOSURE, WhatHappened.OTHER) == (closure, apology)
    assert templates_for(templates, Goal.FRIENDSHIP, WhatHappened.OTHER) == (closure,)


# --- The Binder notice (data/help.toml [binder]) ---------------------------------------------

_BINDER_OK = {
    "title": "For trying",
    "paragraphs": ["It is deleted when you close the tab.", "Keep a copy."],
    "download": "Download what I wrote",
}


def test_the_real_binder_notice_loads_with_its_words_joined_on_one_line():
    notice = load_content().binder_notice
    assert notice.title and notice.download and 1 <= len(notice.paragraphs) <= 3
    assert all("\n" not in text and "  " not in text for text in (notice.title, *notice.paragraphs))


def test_a_good_binder_table_reads_as_written():
    notice = binder_notice_from_mapping({"binder": _BINDER_OK}, "help.toml")
    assert notice == BinderNotice(
        "For trying", ("It is deleted when you close the tab.", "Keep a copy."), "Download what I wrote"
    )


@pytest.mark.parametrize(
    ("table", "words"),
    [
        (None, ["help.toml, [binder]", "missing"]),
        ({**_BINDER_OK, "title": " "}, ["[binder]", "title"]),
        ({**_BINDER_OK, "download": 3}, ["[binder]", "download"]),
        ({**_BINDER_OK, "paragraphs": "One text."}, ["[binder]", "paragraphs"]),
        ({**_BINDER_OK, "paragraphs": []}, ["[binder]", "paragraphs"]),
        ({**_BINDER_OK, "paragraphs": ["One. Two.", "Three. Four."]}, ["[binder]", "3 sentences", "4"]),
        (
            {**_BINDER_OK, "paragraphs": ["Download reconnect-workbook.json first."]},
            ["'reconnect-workbook.json'"],
        ),
        ({**_BINDER_OK, "paragraphs": ["Run `pip install .` at home."]}, ["[binder]", "plain words"]),
        ({**_BINDER_OK, "download": "Open it in Jupyter"}, ["'Jupyter'", "plain words"]),
    ],
)
def test_a_malformed_binder_table_is_refused_naming_what_is_wrong(table, words):
    mapping = {} if table is None else {"binder": table}
    with pytest.raises(ContentError) as caught:
        binder_notice_from_mapping(mapping, "help.toml")
    for word in words:
        assert word in str(caught.value)


# --- The second reader's model file --------------------------------------------------------------

SHIPPED_MODEL = json.loads((DATA_DIR / "second_reader.json").read_text("utf-8"))


def test_the_shipped_model_loads_with_both_thresholds() -> None:
    reader = second_reader_from_text(json.dumps(SHIPPED_MODEL))
    assert 0.1 <= reader.look_at <= reader.raise_at < 1
    assert reader.weights and reader.min_words >= reader.look_min_words >= 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"version": 1}, "version must be 2"),
        ({"look_at": 0.9, "raise_at": 0.7}, "look_at"),
        ({"look_at": 0.05}, "look_at"),
        ({"look_at": "0.5"}, "look_at"),
        ({"look_min_words": -1}, "look_min_words"),
        ({"look_min_words": True}, "look_min_words"),
        ({"min_words": 5000}, "min_words"),
        ({"raise_at": 1.0}, "raise_at"),
    ],
)
def test_a_damaged_model_is_refused_with_what_is_wrong(change: dict, words: str) -> None:
    with pytest.raises(ContentError, match=words):
        second_reader_from_text(json.dumps({**SHIPPED_MODEL, **change}))


def test_a_model_that_is_not_json_is_refused() -> None:
    with pytest.raises(ContentError, match="not valid JSON"):
        second_reader_from_text('{"version": 2,')
