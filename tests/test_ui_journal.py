"""Step 9: private writing kept (and deleted only when confirmed), weekly check-ins charted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from workbook.model import Goal, JournalKind, Relationship, Situation, WhatHappened
from workbook.store import Store
from workbook.ui.journal import JournalView
from workbook.ui.session import Session
from workbook.ui.widgets import is_hidden


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def a_view(name: str = "Sam") -> tuple[JournalView, FakeClock]:
    clock = FakeClock(datetime(2026, 6, 1, 12, 0))
    store = Store(memory=True)
    store.add_person(
        Situation(name, Relationship.EX_PARTNER, WhatHappened.I_BROKE_UP, date(2026, 1, 1), Goal.CLOSURE)
    )
    return JournalView(Session(store, clock=clock)), clock


def view_with_entries(*texts: str) -> JournalView:
    """A view with these entries kept an hour apart, in this order."""
    view, clock = a_view()
    for text in texts:
        view.text.value = text
        view.keep.click()
        clock.now += timedelta(hours=1)
    return view


def kinds(view: JournalView) -> list[JournalKind]:
    return [entry.kind for _id, entry in view.session.store.journal(view.session.person)]


def test_an_unsent_letter_is_kept_and_listed_as_escaped_text() -> None:
    view, _clock = a_view()
    view.kind.value = JournalKind.UNSENT_LETTER.value
    view.text.value = "Dear <b>you</b>,\nI hope you are well."
    view.keep.click()
    [(_id, entry)] = view.session.store.journal("Sam")
    assert (entry.kind, entry.text) == (JournalKind.UNSENT_LETTER, "Dear <b>you</b>,\nI hope you are well.")
    assert view.text.value == ""
    shown = view.entries.children[0].children[1].value
    assert "&lt;b&gt;you&lt;/b&gt;" in shown and "<b>you</b>" not in shown


def test_empty_writing_is_refused_inline_and_nothing_is_stored() -> None:
    view, _clock = a_view()
    view.text.value = "   \n "
    view.keep.click()
    assert view.write_message.value == "Write something first."
    assert "wb-error" in view.write_message._dom_classes
    assert view.session.store.journal("Sam") == []


def test_entries_are_listed_newest_first() -> None:
    view = view_with_entries("first", "second")
    shown = [row.children[1].value for row in view.entries.children]
    assert "second" in shown[0] and "first" in shown[1]


def test_an_entry_is_deleted_only_after_confirming() -> None:
    view, _clock = a_view()
    view.text.value = "Something I needed to say"
    view.keep.click()
    delete = view.entries.children[0].children[-1]
    delete.click()
    assert len(view.session.store.journal("Sam")) == 1  # only asked so far
    no = view.entries.children[0].children[-1].children[1]
    no.click()
    assert len(view.session.store.journal("Sam")) == 1
    view.entries.children[0].children[-1].click()
    yes = view.entries.children[0].children[-1].children[0]
    assert yes.description == "Yes, delete it"
    yes.click()
    assert view.session.store.journal("Sam") == []


def test_a_check_in_needs_a_mood_and_saves_it_with_the_optional_line() -> None:
    view, _clock = a_view()
    view.save_check_in.click()
    assert "1 to 5" in view.check_in_message.value and view.session.store.journal("Sam") == []
    view.mood.value = 2
    view.line.value = "A hard week, but I went for a walk."
    view.save_check_in.click()
    [(_id, entry)] = view.session.store.journal("Sam")
    assert (entry.kind, entry.mood, entry.text) == (
        JournalKind.CHECK_IN,
        2,
        "A hard week, but I went for a walk.",
    )
    assert view.mood.value is None


def test_the_mood_chart_appears_at_two_check_ins() -> None:
    view, clock = a_view()
    view.mood.value = 2
    view.save_check_in.click()
    assert view.chart.outputs == () and is_hidden(view.chart)
    clock.now += timedelta(days=7)
    view.mood.value = 4
    view.save_check_in.click()
    [output] = view.chart.outputs
    assert output["data"]["image/png"]
    assert not is_hidden(view.chart)
    assert "2, 4" in view.chart_summary.value


def test_a_gentle_reminder_shows_when_the_last_check_in_is_over_a_week_old() -> None:
    view, clock = a_view()
    assert is_hidden(view.overdue)  # never checked in: no nagging
    view.mood.value = 3
    view.save_check_in.click()
    clock.now += timedelta(days=7)
    view.refresh()
    assert is_hidden(view.overdue)
    clock.now += timedelta(days=1)
    view.refresh()
    assert not is_hidden(view.overdue)


def test_the_journal_follows_the_chosen_person() -> None:
    view, _clock = a_view()
    view.text.value = "for Sam"
    view.keep.click()
    view.session.store.add_person(
        Situation("Robin", Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2025, 1, 1), Goal.FRIENDSHIP)
    )
    view.session.choose("Robin")
    assert len(view.entries.children) == 1 and "Nothing kept yet" in view.entries.children[0].value
    assert kinds(view) == []


def test_unsent_letters_are_said_never_to_be_sent() -> None:
    view, _clock = a_view()

    def under(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from under(child)

    texts = [child.value for child in under(view.body) if isinstance(getattr(child, "value", None), str)]
    assert any("never sent" in text for text in texts)


def test_words_in_progress_are_saved_as_typed_and_stay_with_their_person() -> None:
    from workbook.answer_keys import JOURNAL_DRAFT_ID

    session = Session(Store(memory=True), clock=lambda: datetime(2026, 6, 1, 12, 0))
    for name in ("Sam", "Kim"):
        session.store.add_person(
            Situation(
                name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
            )
        )
    session.choose("Sam")
    view = JournalView(session)
    view.text.value = "Dear Sam, half a letter"
    assert session.store.answers("Sam")[JOURNAL_DRAFT_ID] == "Dear Sam, half a letter"
    session.choose("Kim")
    assert view.text.value == ""
    assert JOURNAL_DRAFT_ID not in session.store.answers("Kim")
    session.choose("Sam")
    assert view.text.value == "Dear Sam, half a letter"
    again = JournalView(session)  # a restarted kernel builds the view anew
    assert again.text.value == "Dear Sam, half a letter"
    view.keep_entry()
    assert JOURNAL_DRAFT_ID not in session.store.answers("Sam")


def test_each_entrys_delete_button_is_named_with_the_entry_for_a_screen_reader() -> None:
    """aria.py names a NAMED_ROW's buttons with its ROW_NAME: each row must carry both."""
    from workbook.ui.aria import NAMED_ROW, ROW_NAME

    view = view_with_entries("first", "second")
    names = []
    for row in view.entries.children:
        assert NAMED_ROW in row._dom_classes
        [name] = [child for child in row.children if ROW_NAME in child._dom_classes]
        names.append(name.value)
    assert len(set(names)) == 2 and all("2026" in name for name in names)  # tells the rows apart
