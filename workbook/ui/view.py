"""The skeleton every view shares: a root box with its classes, "choose or add a person first" when
nobody is chosen, the session's signals, and the inline message that says "Saved" or what is wrong.

A view builds its controls (with the builders in fields.py), puts them in `self.body`, and says
which session changes it redraws on; the base class shows the empty state instead of the body when
no person is chosen. Messages are `Message` labels: one state at a time (saved, error or help), as
text, never markup, since they often carry a person's own words back to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import widgets as w
from .session import Session

__all__ = ["EMPTY_STATE", "Message", "View", "about_line"]

EMPTY_STATE = "Choose or add a person first (at the top)."
_STATES = ("saved", "error", "help")


class Message(w.Label):
    """An inline message under a field or a form, in one state at a time: saved, error or help."""

    def __init__(self, kind: str = "saved", *classes: str, text: str = ""):
        super().__init__(text)
        self.add_class(f"wb-{kind}")
        for cls in classes:
            self.add_class(cls)

    def say(self, text: str, kind: str) -> None:
        """Show `text` in the state `kind` ("saved", "error" or "help"), dropping the others."""
        for other in _STATES:
            if other != kind:
                self.remove_class(f"wb-{other}")
        self.add_class(f"wb-{kind}")
        self.value = text

    def saved(self, text: str) -> None:
        self.say(text, "saved")

    def error(self, text: str) -> None:
        self.say(text, "error")

    def help(self, text: str) -> None:
        self.say(text, "help")


class View:
    """A view of the chosen person: `self.widget` holds the empty state and `self.body`."""

    def __init__(
        self, session: Session, *classes: str, body: Sequence[w.Widget] = (), needs_person: bool = True
    ):
        self.session = session
        self.body = w.VBox(list(body))
        # A view of no one in particular (the data page, the timeline's own summary) has no empty state.
        self.empty = Message("help", text=EMPTY_STATE) if needs_person else None
        self.widget = w.VBox([self.empty, self.body]) if self.empty else self.body
        for cls in classes:
            self.widget.add_class(cls)

    def show_person(self) -> bool:
        """Show the body when a person is chosen, the empty state otherwise; say which."""
        chosen = self.session.current() is not None
        if self.empty is not None:
            w.show(self.empty, not chosen)
            w.show(self.body, chosen)
        return chosen

    def on_person(self, callback: Callable[[], None]) -> None:
        """Call back when another person is chosen (load their words)."""
        self.session.observe(lambda _change: callback(), names="person")

    def on_revision(self, callback: Callable[[], None]) -> None:
        """Call back after a saved change that may move the guidance (redraw what depends on it)."""
        self.session.observe(lambda _change: callback(), names="revision")


def about_line(session: Session) -> w.Label:
    """ "Answers about Sam", kept in view (sticky) above a notebook's fields while they are saved,
    so no answer goes to the wrong person. Hidden while nobody is chosen; the name is text."""
    line = w.Label()
    line.add_class("wb-about")
    line.add_class("wb-sticky")
    words = session.content.steps.words

    def show() -> None:
        name = session.person
        line.value = words.answers_about.format(name=name) if name and words else ""
        w.show(line, bool(line.value))

    session.observe(lambda _change: show(), names="person")
    show()
    return line
