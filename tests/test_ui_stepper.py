"""The dashboard's stepper, step bar and compact card, and the notebooks' closing link, driven in plain
Python: where a person stands is shown, remembered and read from the store (workbook/steps.py)."""

from __future__ import annotations

from datetime import date, datetime

import ipywidgets as w
import pytest

from workbook.answer_keys import DRAFT_ID
from workbook.content import load_content
from workbook.model import Goal, Relationship, Signal, Situation, WhatHappened
from workbook.steps import StepStatus
from workbook.store import Store
from workbook.ui.app import Dashboard
from workbook.ui.next_step import render_next_step
from workbook.ui.readiness import WHY, ReadinessCard
from workbook.ui.session import Session

CONTENT = load_content()
PAGES = [caption for caption, _parts in CONTENT.steps.pages()]
NOW = datetime(2026, 6, 1, 12, 0)


@pytest.fixture
def session() -> Session:
    return Session(Store(memory=True), clock=lambda: NOW)


def add(session: Session, name: str = "Robin", *signals: Signal) -> None:
    session.store.add_person(
        Situation(
            name,
            Relationship.FRIEND,
            WhatHappened.I_PUSHED_AWAY,
            date(2026, 1, 1),
            Goal.FRIENDSHIP,
            frozenset(signals),
        )
    )
    session.choose(name)


def answer(session: Session, *sections: str) -> None:
    for section in sections:
        for question in CONTENT.questionnaire.section(section).questions:
            value = {"likert": 3, "text": "words", "date": "2026-01-01"}.get(question.kind.value)
            if value is None:
                value = (
                    [question.options[0].value]
                    if question.kind.value == "multi"
                    else question.options[0].value
                )
            session.store.set_answer(session.person, question.id, value)
    session.changed()


def classes(app: Dashboard, caption: str) -> tuple[str, ...]:
    return app.stepper.buttons[PAGES.index(caption)]._dom_classes


def walk(widget: w.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


# ----------------------------------------------------------------------------- the stepper


def test_the_stepper_is_one_row_of_steps_marking_the_current_one(session):
    add(session)
    app = Dashboard(session)
    assert isinstance(app.stepper.widget, w.HBox) and "wb-stepper" in app.stepper.widget._dom_classes
    assert [b.description for b in app.stepper.buttons] == PAGES
    assert "wb-current" in classes(app, "Decision")
    app.stepper.buttons[PAGES.index("Timeline")].click()
    assert app.stepper.value == PAGES.index("Timeline")
    assert "wb-current" in classes(app, "Timeline") and "wb-current" not in classes(app, "Decision")


def test_each_step_says_where_the_person_stands_in_it_by_shape_and_in_words(session):
    add(session)
    app = Dashboard(session)
    motives = app.stepper.buttons[PAGES.index("Motives")]
    assert "wb-status-not_started" in motives._dom_classes and motives.tooltip == "not started"
    first = CONTENT.questionnaire.section("motives").questions[0]
    app.show(PAGES.index("Motives"))
    form = next(each for each in walk(app.page) if f"wb-q-{first.id}" in getattr(each, "_dom_classes", ()))
    next(each for each in walk(form) if isinstance(each, w.RadioButtons)).value = "4"  # as a person clicks
    assert "wb-status-started" in motives._dom_classes and motives.tooltip == "started"
    answer(session, "motives")
    assert "wb-status-complete" in motives._dom_classes and motives.tooltip == "complete"
    assert "wb-status-started" not in motives._dom_classes


def test_a_draft_typed_in_the_message_studio_starts_that_step(session):
    add(session)
    app = Dashboard(session)
    app.show(PAGES.index("Message"))
    next(each for each in walk(app.page) if "wb-draft" in getattr(each, "_dom_classes", ())).value = "Hi"
    assert session.store.answers("Robin")[DRAFT_ID] == "Hi"
    assert app.stepper.statuses[PAGES.index("Message")] is StepStatus.STARTED


def test_a_shown_step_counts_as_visited_only_once_the_visitor_is_here(session):
    """A pre-heated page is built before anyone comes: it must not mark what nobody saw."""
    add(session)
    app = Dashboard(session)
    app.stepper.buttons[PAGES.index("Readiness")].click()
    assert session.store.progress("Robin").visited == frozenset()
    app.ready()
    assert "05_readiness" in session.store.progress("Robin").visited
    assert app.stepper.statuses[PAGES.index("Readiness")] is StepStatus.VISITED
    app.show(PAGES.index("Your data"))
    assert app.stepper.statuses[PAGES.index("Your data")] is StepStatus.VISITED


def test_visits_are_kept_for_the_person_they_were_made_for(session):
    add(session, "Robin")
    add(session, "Sky")
    app = Dashboard(session)
    app.ready()
    app.show(PAGES.index("Readiness"))
    assert "05_readiness" in session.store.progress("Sky").visited
    session.choose("Robin")
    assert app.stepper.statuses[PAGES.index("Readiness")] is StepStatus.VISITED  # shown to Robin now
    assert "07_contact_timeline" not in session.store.progress("Robin").visited


def test_the_page_opens_on_the_first_step_not_done_yet(session):
    add(session)
    answer(session, "start", "decision", "motives")
    app = Dashboard(session)
    app.ready()
    assert PAGES[app.stepper.value] == "Their side"
    assert list(app._pages) == [PAGES.index("Their side")]  # nothing else was built on the way


def test_a_step_chosen_before_the_page_is_ready_stays_chosen(session):
    add(session)
    answer(session, "start", "decision")
    app = Dashboard(session)
    app.stepper.buttons[PAGES.index("Timeline")].click()
    app.ready()
    assert PAGES[app.stepper.value] == "Timeline"


# ----------------------------------------------------------------------------- the step's bar


def test_each_step_says_step_n_of_m_and_whose_answers_it_saves(session):
    add(session, "Sam <b>")
    app = Dashboard(session)
    for caption, where, about in [
        ("Decision", "Step 1 of 9", True),
        ("Motives", "Step 2 of 9", True),
        ("Their side", "Steps 3 and 4 of 9", True),
        ("Readiness", "Step 5 of 9", False),
        ("Message", "Step 6 of 9", True),
        ("Look after you", "Step 9 of 9", True),
        ("Your data", "", False),
    ]:
        app.show(PAGES.index(caption))
        assert app.position.value == where, caption
        assert app.about.value == ("Answers about Sam <b>" if about else ""), caption
    assert isinstance(app.about, w.Label)  # the name is text, never markup
    assert "wb-sticky" in app.bar._dom_classes


def test_the_name_in_view_follows_the_person_chosen(session):
    add(session, "Robin")
    add(session, "Sky")
    app = Dashboard(session)
    assert app.about.value == "Answers about Sky"
    session.choose("Robin")
    assert app.about.value == "Answers about Robin"


# ----------------------------------------------------------------------------- the compact card


def test_the_compact_card_shows_the_band_and_keeps_the_reasons_one_tap_away(session):
    add(session)
    card = ReadinessCard(session, compact=True)
    assert "wb-compact" in card.widget._dom_classes and "wb-band-not_yet" in card.widget._dom_classes
    assert "Not yet" in card.html.value and "wb-reasons" not in card.html.value
    assert "wb-reasons" in card.details.value and "wb-open" not in card.widget._dom_classes
    assert card.more.description == WHY and "wb-disclosure" in card.more._dom_classes
    card.more.value = True
    assert "wb-open" in card.widget._dom_classes
    card.more.value = False
    assert "wb-open" not in card.widget._dom_classes


def test_a_band_with_help_to_offer_opens_the_card_by_itself(session):
    add(session, "Robin", Signal.I_FEEL_UNSAFE)
    card = ReadinessCard(session, compact=True)
    assert card.more.value and "wb-open" in card.widget._dom_classes
    assert "Your safety comes first" in card.details.value


def test_the_card_changes_band_class_with_the_band(session):
    add(session)
    card = ReadinessCard(session, compact=True)
    session.store.update_situation(
        "Robin",
        Situation(
            "Robin",
            Relationship.FRIEND,
            WhatHappened.I_PUSHED_AWAY,
            date(2026, 1, 1),
            Goal.FRIENDSHIP,
            frozenset({Signal.BLOCKED_ALL_CHANNELS}),
        ),
    )
    session.changed()
    bands = [c for c in card.widget._dom_classes if c.startswith("wb-band-")]
    assert bands == ["wb-band-respect_their_wishes"]


def test_no_widget_carries_an_inline_style(session):
    """The look lives in the one stylesheet (theme.py): no `style=` in any widget's markup."""
    add(session)
    answer(session, "motives")
    app = Dashboard(session)
    for index in range(len(PAGES)):
        app.show(index)
    markup = [
        each.value
        for root in (app.widget, *app._pages.values())
        for each in walk(root)
        if isinstance(each, w.HTML) and "wb-stylesheet" not in each._dom_classes
    ]
    assert markup and not [m for m in markup if "style=" in m]


# ----------------------------------------------------------------------------- notebook links


def test_a_notebook_ends_with_a_link_that_opens_the_next_step():
    html = render_next_step(CONTENT.steps, "02_check_your_motives")
    assert 'href="03_their_side.ipynb"' in html and "Next: Their side" in html and "Step 3 of 9" in html
    last = render_next_step(CONTENT.steps, CONTENT.steps.notebooks[-1])
    assert 'href="05_readiness.ipynb"' in last and "Back to your readiness card" in last


def test_a_notebooks_footer_marks_its_step_visited(session, monkeypatch):
    from workbook import ui

    add(session)
    monkeypatch.setattr(ui, "get_session", lambda **_: session)
    ui.footer("05_readiness")
    assert "05_readiness" in session.store.progress("Robin").visited


def test_a_workbook_that_cannot_be_read_a_moment_leaves_the_marks_as_they_were(session, monkeypatch):
    from workbook.errors import StoreError

    add(session)
    app = Dashboard(session)
    before = list(app.stepper.statuses)

    def busy(_name):
        raise StoreError("The workbook is busy.")

    monkeypatch.setattr(session.store, "progress", busy)
    session.changed()  # as after a save: the page keeps working
    assert app.stepper.statuses == before
