"""Where a person stands in the steps: started, complete, visited, "Step N of M", and where the
dashboard opens (workbook/steps.py). Pure: a `Progress` in, a status out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbook.answer_keys import DRAFT_ID, JOURNAL_DRAFT_ID
from workbook.content import load_content
from workbook.content.steps import steps_from_mapping
from workbook.errors import ContentError
from workbook.steps import (
    Position,
    Progress,
    StepStatus,
    kept_views,
    opening_page,
    page_status,
    step_status,
)

CONTENT = load_content()
STEPS = CONTENT.steps
QUESTIONS = CONTENT.questionnaire
BY_NOTEBOOK = {step.notebook: step for step in STEPS.steps if step.notebook}
MOTIVES = BY_NOTEBOOK["02_check_your_motives"]
READINESS = BY_NOTEBOOK["05_readiness"]
TIMELINE = BY_NOTEBOOK["07_contact_timeline"]
MESSAGE = BY_NOTEBOOK["06_your_message"]
DATA = next(step for step in STEPS.steps if step.notebook is None)
PAGES = [caption for caption, _parts in STEPS.pages()]


def ids(section: str) -> frozenset[str]:
    return frozenset(q.id for q in QUESTIONS.section(section).questions)


def answered(*sections: str) -> Progress:
    return Progress(answered=frozenset().union(*(ids(s) for s in sections)))


NOTHING = Progress()


def status(step, progress: Progress = NOTHING) -> StepStatus:
    return step_status(step, QUESTIONS, progress)


# ----------------------------------------------------------------------------- one step


def test_a_step_nobody_has_touched_is_not_started():
    assert status(MOTIVES) is StepStatus.NOT_STARTED


def test_one_answer_starts_a_step_and_every_answer_completes_it():
    first, *rest = sorted(ids("motives"))
    assert status(MOTIVES, Progress(answered=frozenset({first}))) is StepStatus.STARTED
    assert status(MOTIVES, Progress(answered=frozenset(rest))) is StepStatus.STARTED
    assert status(MOTIVES, answered("motives")) is StepStatus.COMPLETE


def test_answers_to_another_steps_questions_start_nothing_here():
    assert status(MOTIVES, answered("decision", "their_side")) is StepStatus.NOT_STARTED


def test_opening_a_step_marks_it_visited_until_something_is_stored():
    opened = Progress(visited=frozenset({MOTIVES.key}))
    assert status(MOTIVES, opened) is StepStatus.VISITED
    first = next(iter(ids("motives")))
    assert status(MOTIVES, replace(opened, answered=frozenset({first}))) is StepStatus.STARTED


def test_a_draft_starts_the_message_step_but_only_its_questions_complete_it():
    draft = Progress(
        answered=frozenset({DRAFT_ID}), kept=kept_views({DRAFT_ID}, events=False, plan=False, journal=False)
    )
    assert status(MESSAGE, draft) is StepStatus.STARTED
    both = replace(draft, answered=draft.answered | ids("message"))
    assert status(MESSAGE, both) is StepStatus.COMPLETE


def test_a_step_without_questions_is_only_ever_visited():
    assert status(READINESS) is StepStatus.NOT_STARTED
    assert status(READINESS, Progress(visited=frozenset({READINESS.key}))) is StepStatus.VISITED
    assert status(DATA, Progress(visited=frozenset({DATA.key}))) is StepStatus.VISITED
    # Every answer there is does not complete a step that asks nothing.
    everything = Progress(
        answered=frozenset(q.id for q in QUESTIONS.questions), visited=frozenset({READINESS.key})
    )
    assert status(READINESS, everything) is StepStatus.VISITED


def test_a_logged_event_marks_the_timeline_visited_even_if_it_was_logged_elsewhere():
    logged = Progress(kept=kept_views((), events=True, plan=False, journal=False))
    assert status(TIMELINE, logged) is StepStatus.VISITED


def test_what_each_view_keeps_is_read_from_what_is_stored():
    assert kept_views({DRAFT_ID}, events=False, plan=False, journal=False) == {"message_studio"}
    assert kept_views({JOURNAL_DRAFT_ID}, events=False, plan=False, journal=False) == {"journal"}
    assert kept_views((), events=True, plan=True, journal=True) == {"timeline", "plan", "journal"}
    assert kept_views({"motive_guilt"}, events=False, plan=False, journal=False) == frozenset()


# ----------------------------------------------------------------------------- pages


def test_a_page_of_two_steps_is_complete_only_when_both_are():
    S = StepStatus
    assert page_status([S.COMPLETE, S.COMPLETE]) is S.COMPLETE
    assert page_status([S.COMPLETE, S.NOT_STARTED]) is S.STARTED
    assert page_status([S.VISITED, S.NOT_STARTED]) is S.VISITED
    assert page_status([S.NOT_STARTED, S.NOT_STARTED]) is S.NOT_STARTED


def test_the_stepper_shows_one_status_per_page():
    statuses = STEPS.statuses(QUESTIONS, answered("start", "decision", "motives"))
    assert len(statuses) == len(PAGES)
    assert statuses[PAGES.index("Decision")] is StepStatus.COMPLETE
    assert statuses[PAGES.index("Motives")] is StepStatus.COMPLETE
    assert statuses[PAGES.index("Their side")] is StepStatus.NOT_STARTED


def test_the_dashboard_opens_on_the_first_step_not_done_yet():
    assert opening_page(STEPS, STEPS.statuses(QUESTIONS, Progress())) == 0
    done = answered("start", "decision", "motives")
    assert PAGES[opening_page(STEPS, STEPS.statuses(QUESTIONS, done))] == "Their side"
    # A half-answered step is where they left off, even with later steps answered.
    half = Progress(answered=ids("start") | ids("motives") | {next(iter(ids("decision")))})
    assert PAGES[opening_page(STEPS, STEPS.statuses(QUESTIONS, half))] == "Decision"


def test_a_step_without_questions_is_done_once_visited_and_all_done_opens_the_card():
    sections = [s.id for s in QUESTIONS.sections]
    everything = answered(*sections)
    assert PAGES[opening_page(STEPS, STEPS.statuses(QUESTIONS, everything))] == "Readiness"
    visited = replace(everything, visited=frozenset(step.key for step in STEPS.steps))
    assert PAGES[opening_page(STEPS, STEPS.statuses(QUESTIONS, visited))] == "Readiness"
    read = replace(everything, visited=frozenset({READINESS.key}))
    assert PAGES[opening_page(STEPS, STEPS.statuses(QUESTIONS, read))] == "Timeline"


# ----------------------------------------------------------------------------- step N of M


def test_steps_are_numbered_as_their_notebooks_are():
    assert STEPS.count == 9
    assert BY_NOTEBOOK["00_start_here"].number is None  # "Start here" has no number
    assert MOTIVES.number == 2 and DATA.number is None
    assert STEPS.position(PAGES.index("Decision")) == Position(1, 1, 9)  # start here and step 1
    assert STEPS.position(PAGES.index("Motives")) == Position(2, 2, 9)
    assert STEPS.position(PAGES.index("Readiness")) == Position(5, 5, 9)  # "step 5" everywhere
    assert STEPS.position(PAGES.index("Look after you")) == Position(9, 9, 9)
    assert STEPS.position(PAGES.index("Your data")) is None


def test_step_n_of_m_in_words():
    words = STEPS.words
    assert words.where(Position(2, 2, 9)) == "Step 2 of 9"
    assert words.where(Position(3, 4, 9)) == "Steps 3 and 4 of 9"
    assert words.statuses[StepStatus.COMPLETE] == "complete"
    assert words.answers_about.format(name="Sam") == "Answers about Sam"


def test_each_notebook_leads_to_the_next_and_the_last_back_to_the_card():
    notebooks = STEPS.notebooks
    for this, following in zip(notebooks, notebooks[1:], strict=False):
        assert STEPS.after(this) == (BY_NOTEBOOK[following], False)
    assert STEPS.after(notebooks[-1]) == (READINESS, True)
    with pytest.raises(ValueError):
        STEPS.after("99_nowhere")


# ----------------------------------------------------------------------------- the words are content


def steps_file(**words: str) -> dict:
    table = {
        "position": "Step {number} of {count}",
        "positions": "Steps {first} and {last} of {count}",
        "not_started": "not started",
        "visited": "visited",
        "started": "started",
        "complete": "complete",
        "next": "Next: {title}",
        "back": "Back",
        "answers_about": "Answers about {name}",
    }
    table.update(words)
    step = {
        "notebook": "00_start_here",
        "title": "Start",
        "sections": [],
        "stepper": "Start",
        "parts": ["data"],
    }
    return {"version": 1, "words": table, "step": [step]}


def test_the_stepper_words_load_from_the_steps_file():
    assert steps_from_mapping(steps_file()).words.next == "Next: {title}"


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ({"position": "Step {n} of {count}"}, "position must use {count}, {number}"),
        ({"next": "Next"}, "next must use {title}"),
        ({"complete": ""}, "complete is needed"),
        ({"back": "Back to {title}"}, "back must use no {placeholder}"),
    ],
)
def test_stepper_words_that_cannot_be_filled_are_refused(words, says):
    with pytest.raises(ContentError, match=says.replace("{", r"\{").replace("}", r"\}")):
        steps_from_mapping(steps_file(**words))


def test_a_step_without_a_title_is_refused():
    mapping = steps_file()
    del mapping["step"][0]["title"]
    with pytest.raises(ContentError, match="title"):
        steps_from_mapping(mapping)
