"""Step 6: templates filled literally, the draft kept as typed, a live verdict, and the pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from workbook.answer_keys import DRAFT_ID, READY_AT_ID
from workbook.content import load_content
from workbook.model import CORE_IDS, Channel, Event, EventKind, Goal, Relationship, Situation, WhatHappened
from workbook.store import Store
from workbook.ui.message import MessageStudio
from workbook.ui.session import Session
from workbook.ui.widgets import is_hidden

SELF_SERVING = {"motive_guilt", "motive_loneliness", "motive_boredom", "motive_attention"}
PRESSURING = "Answer me now or this is your last chance"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def a_studio(*names: str, reflected: bool = True) -> tuple[MessageStudio, FakeClock]:
    """A studio over people who pushed a friend away; `reflected` completes the core reflection."""
    clock = FakeClock(datetime(2026, 6, 1, 12, 0))
    store = Store(memory=True)
    for name in names or ("Sam",):
        store.add_person(
            Situation(
                name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2025, 11, 1), Goal.FRIENDSHIP
            )
        )
        if reflected:
            for core_id in CORE_IDS:
                store.set_answer(name, core_id, 1 if core_id in SELF_SERVING else 5)
    session = Session(store, clock=clock)
    session.choose((names or ("Sam",))[0])
    return MessageStudio(session), clock


def shown(studio: MessageStudio) -> str:
    return studio.verdict.value + "".join(row.value for row in studio.issues.children)


def test_templates_suit_the_chosen_persons_goal_and_situation() -> None:
    studio, _clock = a_studio()
    offered = set(studio.templates)
    assert "check_in_been_quiet" in offered  # friendship, pushed away
    assert "acknowledge_turned_down" not in offered  # only for someone who turned them down
    assert studio.template.value in offered


def test_a_template_fills_the_name_exactly_as_typed() -> None:
    for name in ("{shared_thing}", "<b>x</b>"):
        studio, _clock = a_studio(name)
        studio.template.value = "check_in_hello"
        studio.use.click()
        assert studio.draft.value.startswith(f"Hi {name}, ")
        assert "<b>x</b>" not in shown(studio)


def test_a_template_with_a_shared_thing_asks_for_it_inline() -> None:
    studio, _clock = a_studio()
    studio.template.value = "shared_reminded_me"
    assert not is_hidden(studio.shared_box)
    studio.use.click()
    assert "share" in studio.template_message.value and studio.draft.value == ""
    studio.shared_thing.value = "that band we both like"
    studio.use.click()
    assert "that band we both like" in studio.draft.value


def test_a_template_never_replaces_a_draft_without_asking() -> None:
    studio, _clock = a_studio()
    studio.draft.value = "My own words"
    studio.template.value = "check_in_hello"
    studio.use.click()
    assert studio.draft.value == "My own words"
    assert not is_hidden(studio.confirm)
    studio.replace_no.click()
    assert studio.draft.value == "My own words" and is_hidden(studio.confirm)
    studio.use.click()
    studio.replace_yes.click()
    assert studio.draft.value.startswith("Hi Sam, ")


def test_the_draft_is_saved_as_typed_and_comes_back_for_that_person() -> None:
    studio, _clock = a_studio("Sam", "Robin")
    studio.draft.value = "Hi Sam,\n  I hope you're well.  "
    assert studio.session.store.answers("Sam")[DRAFT_ID] == "Hi Sam,\n  I hope you're well.  "
    studio.session.choose("Robin")
    assert studio.draft.value == ""
    studio.draft.value = "Hi Robin"
    studio.session.choose("Sam")
    assert studio.draft.value == "Hi Sam,\n  I hope you're well.  "
    assert studio.session.store.answers("Robin")[DRAFT_ID] == "Hi Robin"


def test_the_verdict_turns_from_gentle_to_pressuring_as_they_type() -> None:
    studio, _clock = a_studio()
    words = load_content().plan_words.verdicts
    studio.draft.value = "Hi Sam, I hope you're well."
    # No issue is never shown as a perfect score: "no pressure found", and a prompt to re-read it.
    assert "No pressure found" in studio.verdict.value and not studio.issues.children
    assert "/ 100" not in studio.verdict.value and "read it once more" in studio.verdict.value
    studio.draft.value = f"Hi Sam, I hope you're well. {PRESSURING}"
    assert words[studio.check().verdict] == "Feels pressuring"
    assert "Feels pressuring" in studio.verdict.value and "/ 100" in studio.verdict.value
    assert all("wb-issue" in row._dom_classes for row in studio.issues.children)
    assert all(issue.excerpt in shown(studio) for issue in studio.check().issues)
    assert "Answer me" in shown(studio)
    assert all(row.value.count("Try instead") == 1 for row in studio.issues.children)


def test_flagged_phrases_are_escaped_in_the_issue_list() -> None:
    studio, _clock = a_studio()
    studio.draft.value = "<script>x</script> WHY <B>WONT</B> YOU ANSWER ME"
    excerpts = [issue.excerpt for issue in studio.check().issues]
    assert any("<B>" in excerpt for excerpt in excerpts)  # the flagged words themselves hold markup
    assert "<B>" not in shown(studio) and "<script>" not in shown(studio)
    assert "&lt;B&gt;WONT&lt;/B&gt;" in shown(studio)


def test_an_empty_draft_shows_a_calm_prompt_not_an_error() -> None:
    studio, _clock = a_studio()
    studio.draft.value = "Hello"
    studio.draft.value = "   "
    assert load_content().plan_words.message_empty in studio.verdict.value
    assert not studio.issues.children
    assert DRAFT_ID not in studio.session.store.answers("Sam")


def test_the_pause_opens_the_re_read_only_after_the_minutes_have_passed() -> None:
    studio, clock = a_studio()
    minutes = load_content().plan_words.pause_minutes
    studio.draft.value = "Hi Sam, I hope you're well."
    studio.pause.click()
    assert studio.session.store.answers("Sam")[READY_AT_ID] == "2026-06-01T12:00"
    assert (
        f"wait a few minutes ({minutes})" in studio.pause_note.value
        and "never sends" in studio.pause_note.value
    )
    clock.now += timedelta(minutes=minutes - 1)
    studio.reread.click()
    assert not studio.reread_open() and "Not yet" in studio.reread_note.value
    clock.now += timedelta(minutes=1)
    studio.reread.click()
    assert studio.reread_open() and "Read it again slowly" in studio.reread_note.value


def test_the_pause_is_remembered_and_starts_again_when_the_draft_changes() -> None:
    studio, clock = a_studio()
    studio.draft.value = "Hi Sam"
    studio.pause.click()
    clock.now += timedelta(minutes=30)
    again = MessageStudio(studio.session)
    assert again.reread_open()
    again.draft.value = "Hi Sam, hope you're well"
    assert not again.reread_open() and READY_AT_ID not in studio.session.store.answers("Sam")


def test_when_the_band_stops_contact_the_draft_is_for_writing_only() -> None:
    studio, _clock = a_studio(reflected=False)  # reflection not done: not yet
    assert studio.session.assessment().band.stops_contact
    assert not is_hidden(studio.stop_note)
    assert "do not send" in studio.stop_note.value
    assert is_hidden(studio.pause_box)  # no talk of sending at all
    studio.draft.value = "Things I wish I had said"
    assert studio.session.store.answers("Sam")[DRAFT_ID] == "Things I wish I had said"


def test_when_contact_is_fine_there_is_no_stop_note() -> None:
    studio, _clock = a_studio()
    assert not studio.session.assessment().band.stops_contact
    assert is_hidden(studio.stop_note) and not is_hidden(studio.pause_box)


def test_no_ready_to_send_templates_when_the_answer_is_not_to_contact() -> None:
    studio, _clock = a_studio("Sam")
    session = studio.session
    session.store.add_event("Sam", Event(EventKind.BLOCKED, datetime(2026, 5, 1, 9), Channel.ALL))
    session.changed()
    assert is_hidden(studio.chooser)
    assert not is_hidden(studio.stop_note)
    studio.use_template()
    assert studio.draft.value == ""


def test_a_self_harm_draft_shows_the_support_card_in_place_of_the_score() -> None:
    studio, _clock = a_studio()
    studio.draft.value = "if something happens to me just know its not your fault x"
    assert not is_hidden(studio.support)
    assert "116 123" in studio.support.value and "988" in studio.support.value
    assert "/ 100" not in studio.verdict.value
    studio.draft.value = "Hi Sam, I hope you're well."
    assert is_hidden(studio.support)
