"""A page built ahead of its visitor (Voila's pre-heated kernel) shows what is stored when they arrive.

The danger this guards against: a kernel pre-heated an hour ago holds the answers as they were then.
Shown as they are, a person would see old words, and typing into an old text box saves the old words
over the newer ones. So the dashboard reads everything again once the visitor is here.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import ipywidgets as w
import pytest
from websockets.sync.server import serve

from workbook import ui
from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import Store
from workbook.ui import visitor
from workbook.ui.app import Dashboard
from workbook.ui.fields import AnswerForm
from workbook.ui.person import PersonPanel
from workbook.ui.session import Session, set_session
from workbook.ui.widgets import is_hidden

NOW = datetime(2026, 6, 1, 12, 0)
QID = "decision_what_happened"  # a text question on the dashboard's first step


def situation(name: str) -> Situation:
    return Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path))
    monkeypatch.delenv(visitor.PREHEAT, raising=False)
    set_session(None)
    yield tmp_path
    set_session(None)


def other_window(home: Path) -> Store:
    """The same workbook opened by another tab's kernel."""
    return Store(home / "workbook.db") if (home / "workbook.db").exists() else Store.open_default()


def widgets_under(widget: w.Widget) -> list[w.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += widgets_under(child)
    return found


def text_box_of(root: w.Widget, qid: str) -> w.Textarea:
    field = next(x for x in widgets_under(root) if f"wb-q-{qid}" in x._dom_classes)
    return next(x for x in widgets_under(field) if isinstance(x, w.Textarea))


# ----------------------------------------------------------------------------- Session.reload


def test_reload_shows_what_another_window_stored_and_typing_builds_on_it(tmp_path: Path) -> None:
    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    session.store.add_person(situation("Robin"))
    session.choose("Robin")
    app = Dashboard(session)
    box = text_box_of(app.widget, QID)
    box.value = "what I wrote first"

    other = Store(tmp_path / "workbook.db")
    other.set_answer("Robin", QID, "what I wrote later, in another tab")
    other.add_person(situation("Casey"))
    session.reload()

    assert box.value == "what I wrote later, in another tab"
    assert list(app.widget.children[2].children[0].children[0].options) == ["Casey", "Robin"]
    assert session.person == "Robin"
    box.value = "what I wrote later, in another tab, and more"
    assert other.answers("Robin")[QID] == "what I wrote later, in another tab, and more"


def test_reload_keeps_the_chosen_person_or_starts_as_a_new_session_would(tmp_path: Path) -> None:
    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    for name in ("Robin", "Sam"):
        session.store.add_person(situation(name))
    session.choose("Sam")
    session.reload()
    assert session.person == "Sam"
    session.reload(as_opened=True)
    assert session.person == "Sam"  # a new session opens on the one chosen last
    Store(tmp_path / "workbook.db").choose_person("Robin")  # chosen since, in another page
    session.reload(as_opened=True)
    assert session.person == "Robin"
    Store(tmp_path / "workbook.db").delete_person("Robin")
    session.reload()
    assert session.person == "Sam"
    Store(tmp_path / "workbook.db").delete_everything()
    session.reload()
    assert session.person is None


def test_reload_reloads_the_forms_even_when_the_same_person_stays(tmp_path: Path) -> None:
    from workbook.content import load_content

    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    session.store.add_person(situation("Robin"))
    session.choose("Robin")
    form = AnswerForm(load_content().questionnaire.section("decision"), session)
    Store(tmp_path / "workbook.db").set_answer("Robin", QID, "newer words")
    session.reload()
    assert form.fields[QID].control.value == "newer words"


def test_the_form_an_empty_workbook_opened_closes_when_someone_is_added_elsewhere(tmp_path: Path) -> None:
    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    panel = PersonPanel(session)
    assert not is_hidden(panel.form.widget)
    Store(tmp_path / "workbook.db").add_person(situation("Robin"))
    session.reload()
    assert is_hidden(panel.form.widget)
    assert panel.selector.value == "Robin"


def test_a_form_the_person_opened_or_typed_in_is_never_closed_under_them(tmp_path: Path) -> None:
    session = Session(Store(tmp_path / "workbook.db"), clock=lambda: NOW)
    panel = PersonPanel(session)
    panel.form.name.value = "Sam"  # typing into the form the empty workbook offered
    Store(tmp_path / "workbook.db").add_person(situation("Robin"))
    session.reload()
    assert not is_hidden(panel.form.widget) and panel.form.name.value == "Sam"

    panel.form.name.value = ""
    panel.form.signals[next(iter(panel.form.signals))].value = True  # a tick is something entered too
    Store(tmp_path / "workbook.db").add_person(situation("Alex"))
    session.reload()
    assert not is_hidden(panel.form.widget)

    panel.form.close()
    panel.add.click()  # asked for on purpose
    Store(tmp_path / "workbook.db").add_person(situation("Casey"))
    session.reload()
    assert not is_hidden(panel.form.widget)


# ----------------------------------------------------------------------------- the dashboard


@pytest.fixture
def preheated(home: Path, monkeypatch: pytest.MonkeyPatch) -> list[w.Widget]:
    """A kernel Voila pre-heated, with no visitor yet: the list collects what the dashboard displays
    (matplotlib's warm-up is skipped; a test may watch it instead)."""
    monkeypatch.setenv(visitor.PREHEAT, "True")
    shown: list[w.Widget] = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    monkeypatch.setattr("workbook.chart.warm_up", lambda: None)
    return shown


def visitor_comes(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None] = lambda: None) -> None:
    """Stand in for visitor.wait(): what `meanwhile` does happens before the visitor arrives."""

    def wait() -> None:
        if visitor.pending():
            meanwhile()
            monkeypatch.setenv(visitor.PREHEAT, "False")

    monkeypatch.setattr(visitor, "wait", wait)


def test_a_dashboard_built_ahead_shows_what_was_stored_when_the_visitor_came(
    preheated: list[w.Widget], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = preheated
    store = Store.open_default()
    store.add_person(situation("Robin"))
    store.set_answer("Robin", QID, "words from before the page was built")

    def in_another_tab() -> None:
        assert shown, "the page is built and displayed before the visitor arrives"
        assert "wb-ready" not in shown[0]._dom_classes
        later = Store.open_default()
        later.set_answer("Robin", QID, "words written while the page waited")
        later.add_person(situation("Alex"))

    visitor_comes(monkeypatch, in_another_tab)
    warmed: list[int] = []
    monkeypatch.setattr("workbook.chart.warm_up", lambda: warmed.append(len(shown)))
    ui.dashboard()

    assert warmed == [1]  # matplotlib imported ahead too, after the page was shown
    app = shown[0]
    assert "wb-ready" in app._dom_classes
    assert ui.get_session().person == "Alex"  # chosen as a newly opened page would: first by name
    ui.get_session().choose("Robin")
    assert text_box_of(app, QID).value == "words written while the page waited"


def test_a_notebook_in_a_preheated_kernel_waits_for_the_visitor_before_reading(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(visitor.PREHEAT, "True")
    order: list[str] = []
    monkeypatch.setattr(visitor, "wait", lambda: order.append("waited"))
    opened = classmethod(lambda cls: order.append("opened") or Store(memory=True))
    monkeypatch.setattr(Store, "open_default", opened)
    ui.get_session()
    assert order == ["waited", "opened"]


def test_a_damaged_workbook_seen_ahead_is_looked_at_again_when_the_visitor_comes(
    home: Path, preheated: list[w.Widget], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = preheated
    (home / "workbook.db").write_bytes(b"this is not a database" * 100)

    def mended() -> None:
        (home / "workbook.db").unlink()  # the person restored a good copy meanwhile
        Store.open_default().add_person(situation("Robin"))

    visitor_comes(monkeypatch, mended)
    ui.dashboard()
    assert len(shown) == 1 and "wb-ready" in shown[0]._dom_classes
    assert ui.get_session().person == "Robin"


# ----------------------------------------------------------------------------- hearing from Voila


def voila_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """A pre-heated kernel's environment, as Voila sets it; every key wait() may write is restored."""
    monkeypatch.setenv(visitor.PREHEAT, "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-123")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    for key in ("VOILA_WS_BASE_URL", "VOILA_APP_IP", "VOILA_WS_PROTOCOL"):
        monkeypatch.delenv(key, raising=False)
    for key in ("QUERY_STRING", "SERVER_NAME", "SERVER_PORT"):
        monkeypatch.setenv(key, "before")


def fake_voila(asked: list[str], port: int = 0):
    """What Voila's RequestInfoSocketHandler does: answer once, when the page is asked for (0.3 s)."""

    def handler(socket) -> None:
        asked.append(socket.request.path)
        time.sleep(0.3)
        socket.send(json.dumps({"QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": 1234}))

    return serve(handler, "127.0.0.1", port)


def test_wait_blocks_until_voila_sends_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    asked: list[str] = []
    with fake_voila(asked) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        voila_env(monkeypatch, server.socket.getsockname()[1])
        started = time.monotonic()
        visitor.wait()
        waited = time.monotonic() - started
        server.shutdown()
    assert asked == ["/voila/query/k-123"]
    assert waited >= 0.3  # it waited for the request, not just for the connection
    assert not visitor.pending()
    assert os.environ["SERVER_PORT"] == "1234" and os.environ["QUERY_STRING"] == ""


def test_wait_keeps_trying_until_voila_can_be_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]  # nothing listens here yet
    voila_env(monkeypatch, port)
    asked: list[str] = []

    def voila_starts_late() -> None:
        time.sleep(1.0)
        with fake_voila(asked, port) as server:
            server.serve_forever()

    threading.Thread(target=voila_starts_late, daemon=True).start()
    started = time.monotonic()
    visitor.wait()  # reading now would risk showing old answers: it must wait for the request
    assert time.monotonic() - started >= 1.0
    assert asked == ["/voila/query/k-123"] and not visitor.pending()


def test_outside_a_preheated_kernel_there_is_nothing_to_wait_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(visitor.PREHEAT, raising=False)
    started = time.monotonic()
    visitor.wait()
    monkeypatch.setenv(visitor.PREHEAT, "False")  # a kernel Voila started for a request
    visitor.wait()
    assert time.monotonic() - started < 0.1


def test_the_workbook_file_is_opened_afresh_when_the_visitor_comes(
    home: Path, preheated: list[w.Widget], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = preheated
    Store.open_default().add_person(situation("Robin"))

    def moved_aside_and_replaced() -> None:
        (home / "workbook.db").rename(home / "set-aside.db")  # what docs/privacy.md advises
        for extra in home.glob("workbook.db-*"):
            extra.unlink()
        Store.open_default().add_person(situation("Sam"))

    visitor_comes(monkeypatch, moved_aside_and_replaced)
    ui.dashboard()
    session = ui.get_session()
    assert session.store.people() == ["Sam"] and session.person == "Sam"
    assert "wb-ready" in shown[0]._dom_classes


def test_a_workbook_that_cannot_be_read_on_arrival_replaces_the_page_built_ahead(
    preheated: list[w.Widget], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook.errors import WorkbookError

    shown = preheated
    Store.open_default().add_person(situation("Robin"))
    visitor_comes(monkeypatch)

    def broken(self, **_kwargs) -> None:
        raise WorkbookError("The workbook file cannot be read.")

    monkeypatch.setattr(Session, "reload", broken)
    ui.dashboard()
    page = shown[0]
    assert "wb-ready" not in page._dom_classes
    texts = [x.value for x in widgets_under(page) if isinstance(x, w.Label)]
    assert "The workbook file cannot be read." in texts
    assert not [x for x in widgets_under(page) if isinstance(x, w.Textarea)]  # no old answers left
