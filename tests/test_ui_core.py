"""The shared widgets, driven in plain Python: what a person does, what is stored, what is shown."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime

import ipywidgets
import pytest

from workbook.content import load_content
from workbook.model import CORE_IDS, Goal, Relationship, Signal, Situation, WhatHappened
from workbook.store import Store
from workbook.transfer import dumps
from workbook.ui.app import Dashboard
from workbook.ui.data import DataPage
from workbook.ui.fields import AnswerForm
from workbook.ui.person import PersonPanel, day_counters
from workbook.ui.readiness import ReadinessCard
from workbook.ui.session import Session
from workbook.ui.widgets import is_hidden

STEPS = load_content().steps.pages()

NOW = datetime(2026, 6, 1, 12, 0)
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def session() -> Session:
    return Session(Store(memory=True), clock=lambda: NOW)


def add(session: Session, name: str = "Robin", ended: date = date(2026, 1, 1)) -> None:
    session.store.add_person(
        Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, ended, Goal.FRIENDSHIP)
    )
    session.choose(name)


def fill_form(panel: PersonPanel, name: str = "Robin", ended: date | None = date(2026, 1, 1)):
    form = panel.form
    form.open()
    form.name.value = name
    form.relationship.value = "friend"
    form.what_happened.value = "i_pushed_away"
    form.ended_on.value = ended
    form.goal.value = "friendship"
    return form


# ----------------------------------------------------------------------------- person


def test_the_person_form_opens_by_itself_in_an_empty_workbook(session):
    panel = PersonPanel(session)
    assert not is_hidden(panel.form.widget)


def test_the_person_form_is_only_built_when_it_is_needed(session):
    add(session)
    panel = PersonPanel(session)
    assert panel._form_slot.children == ()  # a workbook with people: the page starts without it
    panel.add.click()
    assert panel._form_slot.children == (panel.form.widget,)
    assert not is_hidden(panel.form.widget) and panel.form.editing is None


def test_adding_a_person_stores_and_chooses_them(session):
    panel = PersonPanel(session)
    form = fill_form(panel)
    form.signals[next(iter(form.signals))].value = True
    assert form.submit()
    assert session.store.people() == ["Robin"]
    assert session.person == "Robin" and panel.selector.value == "Robin"
    assert len(session.current().situation.signals) == 1


@pytest.mark.parametrize(
    ("name", "ended", "words"),
    [
        ("", date(2026, 1, 1), "name"),
        ("Robin", None, "roughly when it ended"),
        ("Robin", date(2026, 6, 2), "future"),
        ("x" * 81, date(2026, 1, 1), "80 characters"),
    ],
)
def test_an_invalid_person_shows_a_message_and_stores_nothing(session, name, ended, words):
    form = fill_form(PersonPanel(session), name, ended)
    assert not form.submit()
    assert words in form.message.value
    assert session.store.people() == []


def test_a_missing_choice_is_asked_for_in_plain_words(session):
    form = fill_form(PersonPanel(session))
    form.goal.value = None
    assert not form.submit()
    assert form.message.value == "What you want now: please choose one."


def test_a_second_person_with_the_same_name_is_refused(session):
    add(session)
    form = fill_form(PersonPanel(session), name="robin")
    assert not form.submit()
    assert form.message.value
    assert session.store.people() == ["Robin"]


def test_editing_renames_and_keeps_everything(session):
    add(session)
    session.store.set_answer("Robin", "accept_no", 4)
    panel = PersonPanel(session)
    panel.form.open("Robin")
    assert panel.form.name.value == "Robin"
    panel.form.name.value = "Robin B"
    assert panel.form.submit()
    assert session.store.people() == ["Robin B"]
    assert session.store.answers("Robin B") == {"accept_no": 4}


def test_day_counters_show_days_since_it_ended_and_since_the_last_message(session):
    add(session, ended=date(2026, 5, 20))
    assert day_counters(session) == "12 days since it ended · no message sent yet"


# ----------------------------------------------------------------------------- answers


def motives_form(session: Session) -> AnswerForm:
    return AnswerForm(load_content().questionnaire.section("motives"), session)


def test_an_answer_saves_itself_as_it_changes(session):
    add(session)
    form = motives_form(session)
    field = form.fields["accept_no"]
    field.control.value = "4"
    assert session.store.answers("Robin") == {"accept_no": 4}
    assert field.message.value == "Saved"


def test_answers_come_back_when_the_person_is_chosen_again(session):
    add(session, "Robin")
    add(session, "Sky")
    session.store.set_answer("Robin", "motive_guilt", 2)
    form = motives_form(session)
    assert form.fields["motive_guilt"].get() is None
    session.choose("Robin")
    assert form.fields["motive_guilt"].get() == 2
    session.choose("Sky")
    assert form.fields["motive_guilt"].get() is None
    assert session.store.answers("Sky") == {}


def test_with_no_person_an_answer_is_not_stored_and_the_form_says_why(session):
    form = motives_form(session)
    assert not is_hidden(form.empty)
    field = form.fields["accept_no"]
    field.control.value = "4"
    assert "Choose or add a person" in field.message.value
    assert session.store.people() == []


def test_an_over_long_text_answer_is_refused_inline_and_the_old_one_kept(session):
    add(session)
    section = next(
        s for s in load_content().questionnaire.sections if any(q.kind.value == "text" for q in s.questions)
    )
    form = AnswerForm(section, session)
    qid, field = next((k, f) for k, f in form.fields.items() if f.question.kind.value == "text")
    field.set("kept")
    field.control.value = "kept"
    assert session.store.answers("Robin")[qid] == "kept"
    field.control.value = "x" * 100_000
    assert "wb-error" in field.message._dom_classes and field.message.value
    assert session.store.answers("Robin")[qid] == "kept"


# ----------------------------------------------------------------------------- readiness


def test_the_card_follows_the_answers_live(session):
    add(session)
    card = ReadinessCard(session)
    assert "Not yet" in card.html.value
    form = motives_form(session)
    ready = {k: "4" for k in CORE_IDS} | {
        "motive_guilt": "2",
        "motive_loneliness": "2",
        "motive_boredom": "1",
        "motive_attention": "1",
    }
    for qid, value in ready.items():
        form.fields[qid].control.value = value
    assert "One friendly message" in card.html.value
    assert re.search(r'class="wb-score">\d+<', card.html.value)


def test_the_card_escapes_the_name(session):
    add(session, HOSTILE)
    card = ReadinessCard(session)
    assert HOSTILE not in card.html.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in card.html.value


# ----------------------------------------------------------------------------- your data


def upload(page: DataPage, content: bytes) -> None:
    page.upload.value = (
        {
            "name": "x.json",
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": NOW,
        },
    )


def test_export_offers_a_download_of_everything(session):
    add(session, HOSTILE)
    page = DataPage(session)
    page.export_button.click()
    link = page.export_link.value
    assert 'download="reconnect-workbook-2026-06-01.json"' in link
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1)
    document = json.loads(base64.b64decode(payload))
    assert document["format"] == "reconnect-workbook" and document["people"][0]["name"] == HOSTILE
    assert HOSTILE not in link


def test_import_shows_what_will_change_and_waits_for_confirmation(session):
    other = Session(Store(memory=True), clock=lambda: NOW)
    add(other, "Sky")
    content = dumps(other.store.export_people()).encode()
    page = DataPage(session)
    upload(page, content)
    assert session.store.people() == []
    assert "Sky (new)" in " ".join(c.value for c in page.preview.children)
    page.confirm_import.click()
    assert session.store.people() == ["Sky"]
    assert "added Sky" in page.import_message.value


@pytest.mark.parametrize("content", [b"not json", b"\xff\xfe", b'{"format": "x"}', b""])
def test_a_bad_import_file_is_refused_inline_and_nothing_changes(session, content):
    add(session)
    before = dumps(session.store.export_people())
    page = DataPage(session)
    upload(page, content)
    assert "can't be imported" in page.import_message.value
    assert page.confirm_import.disabled
    assert dumps(session.store.export_people()) == before


def test_importing_a_name_already_here_needs_the_replace_choice(session, tmp_path):
    store = Store(tmp_path / "workbook.db")
    session = Session(store, clock=lambda: NOW)
    add(session)
    session.store.set_answer("Robin", "accept_no", 2)
    replacement = Session(Store(memory=True), clock=lambda: NOW)
    add(replacement)
    content = dumps(replacement.store.export_people()).encode()
    page = DataPage(session)
    upload(page, content)
    page.confirm_import.click()
    assert "Already in this workbook" in page.import_message.value
    assert session.store.answers("Robin") == {"accept_no": 2}
    upload(page, content)
    page.replace.value = True
    page.confirm_import.click()
    assert session.store.answers("Robin") == {}
    assert "backup" in page.import_message.value
    assert list((tmp_path / "backups").glob("*.json"))


def test_deleting_a_person_asks_first(session):
    add(session, "Robin")
    add(session, "Sky")
    page = DataPage(session)
    page.delete_person.click()
    assert "Delete Sky" in page.confirm_prompt.value
    page.confirm_no.click()
    assert session.store.people() == ["Robin", "Sky"]
    page.delete_person.click()
    page.confirm_yes.click()
    assert session.store.people() == ["Robin"] and session.person == "Robin"


def test_deleting_everything_needs_the_words_typed(session):
    add(session)
    page = DataPage(session)
    page.delete_all.click()
    page.confirm_yes.click()
    assert session.store.people() == ["Robin"]
    page.confirm_text.value = "delete everything"
    page.confirm_yes.click()
    assert session.store.people() == [] and session.person is None


# ----------------------------------------------------------------------------- dashboard


def test_the_dashboard_builds_each_step_only_when_opened(session):
    add(session)
    app = Dashboard(session)
    assert "wb-app" in app.widget._dom_classes
    assert list(app._pages) == [0]
    for index in range(len(STEPS)):
        app.stepper.value = index
        assert app.page.children == (app._pages[index],)
    app.ready()
    assert "wb-ready" in app.widget._dom_classes


def test_the_dashboard_cell_can_be_run_again_in_the_same_kernel(session, monkeypatch):
    from workbook import ui

    add(session)
    monkeypatch.setattr(ui, "get_session", lambda **_: session)
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    ui.dashboard()
    ui.dashboard()  # re-running the cell once failed: the submodule's name hid this function
    assert len(shown) == 2 and all("wb-ready" in app._dom_classes for app in shown)


def test_next_step_walks_through_every_step_and_the_last_leads_back_to_the_card(session):
    app = Dashboard(session)
    for expected in range(1, len(STEPS)):
        assert app.next_button.description == f"Next: {STEPS[expected][0]}"
        app.next_button.click()
        assert app.stepper.value == expected
    assert app.next_button.description == "Back to your readiness card"
    app.next_button.click()
    assert STEPS[app.stepper.value][1] == ("readiness",)


def test_a_stop_signal_ticked_later_is_not_lifted_by_an_older_reply(session):
    from workbook.model import Band, Channel, Event, EventKind, Tone

    add(session)
    session.store.add_event(
        "Robin", Event(EventKind.RECEIVED, datetime(2026, 2, 1, 10), Channel.TEXT, Tone.POSITIVE)
    )
    session.changed()
    panel = PersonPanel(session)
    panel.form.open("Robin")
    panel.form.signals[Signal.ASKED_NO_CONTACT].value = True
    assert panel.form.submit()
    assert session.assessment().band is Band.RESPECT_THEIR_WISHES
    kinds = [e.kind for _, e in session.store.events("Robin")]
    assert kinds == [EventKind.RECEIVED, EventKind.ASKED_TO_STOP]
    # Saving the form again adds nothing more.
    panel.form.open("Robin")
    assert panel.form.submit()
    assert len(session.store.events("Robin")) == 2


def test_a_request_for_space_ticked_later_counts_from_that_day(session):
    from workbook import guidance
    from workbook.model import Band, EventKind
    from workbook.ui import person

    assert person.STOP_SIGNAL_EVENTS is guidance.STOP_SIGNAL_EVENTS  # one table, in the engine
    add(session, ended=date(2025, 1, 1))
    panel = PersonPanel(session)
    panel.form.open("Robin")
    panel.form.signals[Signal.ASKED_FOR_SPACE].value = True
    panel.form.signals[Signal.BLOCKED_SOME_CHANNELS].value = True
    assert panel.form.submit()
    stored = [e for _, e in session.store.events("Robin")]
    assert [(e.kind, e.at) for e in stored] == [
        (EventKind.ASKED_FOR_SPACE, NOW),
        (EventKind.BLOCKED, NOW),
    ]
    assert session.assessment().band is Band.RESPECT_THEIR_WISHES


def test_replacing_the_chosen_person_by_import_reloads_every_form(session, tmp_path):
    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    add(session)
    section = load_content().questionnaire.section("decision")
    form = AnswerForm(section, session)
    qid, field = next((k, f) for k, f in form.fields.items() if f.question.kind.value == "text")
    field.control.value = "old words"
    replacement = Session(Store(memory=True), clock=lambda: NOW)
    add(replacement)
    replacement.store.set_answer("Robin", qid, "imported words")
    page = DataPage(session)
    upload(page, dumps(replacement.store.export_people()).encode())
    page.replace.value = True
    page.confirm_import.click()
    assert field.control.value == "imported words"
    field.control.value = "imported words, and more"
    assert session.store.answers("Robin")[qid] == "imported words, and more"


# ----------------------------------------------------------------------------- safety


def _with_signals(session: Session, *signals) -> None:
    session.store.add_person(
        Situation(
            "Robin",
            Relationship.EX_PARTNER,
            WhatHappened.I_BROKE_UP,
            date(2025, 1, 1),
            Goal.FRIENDSHIP,
            frozenset(signals),
        )
    )
    session.choose("Robin")


def test_feeling_unsafe_shows_what_to_do_instead_with_sourced_help(session):
    _with_signals(session, Signal.I_FEEL_UNSAFE)
    card = ReadinessCard(session).html.value
    assert "Your safety comes first" in card and "0808 2000 247" in card
    assert "Who runs it" in card  # every number one tap from its source
    assert "When they are afraid" not in card


def test_fear_or_an_order_shows_its_page_and_both_pages_go_together(session):
    _with_signals(session, Signal.THEY_ARE_AFRAID, Signal.I_FEEL_UNSAFE)
    card = ReadinessCard(session).html.value
    assert "Your safety comes first" in card and "When they are afraid" in card


def test_under_a_band_that_stops_contact_the_score_is_secondary(session):
    _with_signals(session, Signal.BLOCKED_SOME_CHANNELS)
    for qid in CORE_IDS:
        session.store.set_answer("Robin", qid, 5)
    session.changed()
    card = ReadinessCard(session).html.value
    assert "wb-score-secondary" in card and "never outweighs" in card
    assert card.index("wb-next-step") < card.index("wb-score-secondary")


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_the_person_form_asks_about_safety_apart_saying_why(session):
    panel = PersonPanel(session)
    panel.form.open()
    texts = [getattr(c, "value", "") for c in walk(panel.form.widget)]
    assert any("About safety" in str(t) for t in texts)
    assert any("some situations need a different kind of help" in str(t) for t in texts)


# ----------------------------------------------------------------------------- remembered person


def three_people(path) -> Session:
    """A workbook file with three people, opened as one kernel opens it."""
    session = Session(Store(path), clock=lambda: NOW)
    for name in ("Sam", "Alex", "Jo"):
        add(session, name)
    return session


def another_kernel(path) -> Session:
    """What the next notebook (or the dashboard) opens: its own session over the same file."""
    return Session(Store(path), clock=lambda: NOW)


def person_selectors(widget) -> list:
    """Every person dropdown drawn inside a widget tree (the dashboard keeps its panel inside)."""
    found = [widget] if isinstance(widget, ipywidgets.Dropdown) and widget.description == "Person" else []
    for child in getattr(widget, "children", ()):
        found += person_selectors(child)
    return found


def test_choosing_in_one_page_opens_every_next_page_on_that_person(tmp_path):
    path = tmp_path / "workbook.db"
    first = three_people(path)
    first.choose("Alex")
    panel = PersonPanel(first)
    panel.selector.value = "Sam"  # as a person picks them in step 0
    step_two = another_kernel(path)
    assert step_two.person == "Sam"
    assert PersonPanel(step_two).selector.value == "Sam"
    form = AnswerForm(load_content().questionnaire.section("motives"), step_two)
    qid, field = next((k, f) for k, f in form.fields.items() if f.question.kind.value == "text")
    field.control.value = "about Sam"
    assert step_two.store.answers("Sam")[qid] == "about Sam"
    assert qid not in step_two.store.answers("Alex")


def test_a_page_built_ahead_of_its_visitor_opens_on_the_choice_made_since(tmp_path):
    path = tmp_path / "workbook.db"
    three_people(path).choose("Alex")
    ahead = another_kernel(path)  # a pre-heated dashboard kernel, built before anyone came
    app = Dashboard(ahead)
    another_kernel(path).choose("Jo")  # meanwhile, in step 0
    ahead.reopen()
    ahead.reload(as_opened=True)  # the visitor arrives
    assert ahead.person == "Jo"
    assert [selector.value for selector in person_selectors(app.widget)] == ["Jo"]


def test_deleting_the_chosen_person_opens_the_next_page_on_the_first_remaining(tmp_path):
    path = tmp_path / "workbook.db"
    session = three_people(path)
    session.choose("Alex")
    page = DataPage(session)
    page.delete_person.click()
    page.confirm_yes.click()
    assert session.person == "Jo"
    assert another_kernel(path).person == "Jo"


def test_renaming_the_chosen_person_opens_the_next_page_on_the_new_name(tmp_path):
    path = tmp_path / "workbook.db"
    session = three_people(path)
    session.choose("Sam")
    panel = PersonPanel(session)
    panel.form.open("Sam")
    panel.form.name.value = "Samira"
    assert panel.form.submit()
    assert another_kernel(path).person == "Samira"


def test_an_import_replacing_the_chosen_person_keeps_the_next_page_on_them(tmp_path):
    path = tmp_path / "workbook.db"
    session = three_people(path)
    session.choose("Sam")
    replacement = Session(Store(memory=True), clock=lambda: NOW)
    add(replacement, "Sam")
    page = DataPage(session)
    upload(page, dumps(replacement.store.export_people()).encode())
    page.replace.value = True
    page.confirm_import.click()
    assert "replaced Sam" in page.import_message.value
    assert session.person == "Sam"
    assert another_kernel(path).person == "Sam"


def test_a_choice_that_cannot_be_stored_still_holds_in_the_page(tmp_path, monkeypatch):
    from workbook.errors import StoreError

    path = tmp_path / "workbook.db"
    session = three_people(path)
    session.choose("Alex")

    def busy(_name):
        raise StoreError("Could not remember who you chose: the workbook is busy.")

    monkeypatch.setattr(session.store, "choose_person", busy)
    session.choose("Jo")
    assert session.person == "Jo"
    assert another_kernel(path).person == "Alex"
