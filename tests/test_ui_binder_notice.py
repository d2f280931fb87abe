"""The Binder notice, driven in plain Python: shown on Binder only, its one-click download holds the
whole workbook as it is stored now, and its words are plain and short."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from datetime import date, datetime

import pytest

from workbook.content import load_content
from workbook.model import Goal, Relationship, Situation, WhatHappened
from workbook.store import Store
from workbook.transfer import dumps
from workbook.ui.app import Dashboard
from workbook.ui.binder_notice import REFRESH_DELAY_S, BinderNotice, binder_notice
from workbook.ui.session import BINDER_VARIABLES, Session, on_binder

NOW = datetime(2026, 6, 1, 12, 0)
ON_BINDER = {"BINDER_LAUNCH_HOST": "https://mybinder.org/", "HOME": "/home/jovyan"}
HOSTILE = "<img src=x onerror=alert(1)>"


def session_with(environ: dict[str, str]) -> Session:
    return Session(Store(memory=True), clock=lambda: NOW, environ=environ)


@pytest.fixture
def session() -> Session:
    return session_with(ON_BINDER)


def add(session: Session, name: str = "Robin") -> None:
    session.store.add_person(
        Situation(name, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP)
    )
    session.choose(name)


def downloaded(notice: BinderNotice) -> dict:
    """What a click on the notice's link saves: the document inside its data: URL."""
    links = re.findall(r'<a [^>]*href="data:application/json;base64,([A-Za-z0-9+/=]+)"', notice.widget.value)
    assert len(links) == 1, notice.widget.value
    return json.loads(base64.b64decode(links[0]))


def stored(session: Session) -> dict:
    return json.loads(dumps(session.store.export_people()))


# ----------------------------------------------------------------------------- when it shows


@pytest.mark.parametrize("name", BINDER_VARIABLES)
def test_any_variable_binderhub_sets_means_binder(name: str) -> None:
    assert on_binder({name: "x", "PATH": "/usr/bin"})


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"PATH": "/usr/bin", "HOME": "/home/me"},
        # Kubernetes sets these for any service called "binder"; they say nothing about Binder.
        {"BINDER_PORT": "tcp://10.0.0.1:80", "BINDER_SERVICE_PORT": "80"},
        {"BINDER_LAUNCH_HOST": "", "BINDER_REPO_URL": "  "},
        {"binder_launch_host": "https://mybinder.org/"},  # environment names are case-sensitive
    ],
)
def test_anything_else_is_not_binder(environ: dict[str, str]) -> None:
    assert not on_binder(environ)


def dashboard_classes(session: Session) -> list[str]:
    return [cls for child in Dashboard(session).widget.children for cls in child._dom_classes]


def test_the_dashboard_shows_the_notice_on_binder_right_under_its_header(session) -> None:
    classes = dashboard_classes(session)
    assert classes.count("wb-binder-notice") == 1
    assert classes.index("wb-binder-notice") == classes.index("wb-header") + 1


def test_the_dashboard_shows_no_notice_when_running_locally() -> None:
    local = session_with({"PATH": "/usr/bin", "BINDER_PORT": "tcp://10.0.0.1:80"})
    assert not local.on_binder
    assert "wb-binder-notice" not in dashboard_classes(local)
    assert binder_notice(local) == []


def test_the_session_reads_the_real_environment_when_given_none(monkeypatch) -> None:
    monkeypatch.setenv("BINDER_REF_URL", "https://github.com/example/workbook/tree/abc")
    assert Session(Store(memory=True)).on_binder
    monkeypatch.delenv("BINDER_REF_URL")
    for name in BINDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert not Session(Store(memory=True)).on_binder


# ----------------------------------------------------------------------------- the download


def test_the_download_holds_everything_stored(session) -> None:
    add(session, "Robin")
    add(session, "Sam")
    session.store.set_answer("Robin", "clarity_reason", 4)
    session.store.set_answer("Robin", "start_note", "I miss our walks")
    notice = BinderNotice(session)

    document = downloaded(notice)
    assert document == stored(session)
    assert document["format"] == "reconnect-workbook"
    assert [p["name"] for p in document["people"]] == ["Robin", "Sam"]
    assert document["people"][0]["answers"]["start_note"] == "I miss our walks"


def test_the_download_follows_every_saved_word_without_a_second_click(session) -> None:
    add(session)
    # Rebuilt at once (no event loop here; the one-second throttle has its own test below). Passed
    # explicitly: after the browser tests, the process may hold an event loop of Playwright's.
    notice = BinderNotice(session, schedule=lambda _delay, _callback: False)
    # A draft or a journal word saves with guidance=False: the readiness card does not redraw,
    # but the download must still hold it.
    session.store.set_answer("Robin", "start_note", "written just now")
    session.changed(guidance=False)
    assert downloaded(notice)["people"][0]["answers"]["start_note"] == "written just now"
    add(session, "Sam")
    assert downloaded(notice) == stored(session)


def test_an_empty_workbook_still_downloads_a_document_import_reads(session) -> None:
    assert downloaded(BinderNotice(session)) == {"format": "reconnect-workbook", "version": 1, "people": []}


class FakeLoop:
    """A scheduler standing in for the kernel's event loop: it keeps callbacks until told to run."""

    def __init__(self) -> None:
        self.waiting: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay_s: float, callback: Callable[[], None]) -> bool:
        self.waiting.append((delay_s, callback))
        return True

    def run(self) -> None:
        waiting, self.waiting = self.waiting, []
        for _delay, callback in waiting:
            callback()


def test_typing_rebuilds_the_download_once_per_pause_not_once_per_key(session) -> None:
    add(session)
    loop = FakeLoop()
    notice = BinderNotice(session, schedule=loop)
    for typed in ("I", "I m", "I miss you"):
        session.store.set_answer("Robin", "start_note", typed)
        session.changed(guidance=False)
    assert [delay for delay, _ in loop.waiting] == [REFRESH_DELAY_S]  # one rebuild for three keys
    loop.run()
    assert downloaded(notice)["people"][0]["answers"]["start_note"] == "I miss you"
    session.store.set_answer("Robin", "start_note", "I miss you.")
    session.changed(guidance=False)
    assert len(loop.waiting) == 1  # the next change schedules the next rebuild
    loop.run()
    assert downloaded(notice) == stored(session)


def test_no_stored_word_reaches_the_page_as_markup(session) -> None:
    add(session, HOSTILE)
    session.store.set_answer(HOSTILE, "start_note", HOSTILE)
    notice = BinderNotice(session)
    assert HOSTILE not in notice.widget.value
    assert downloaded(notice)["people"][0]["name"] == HOSTILE


# ----------------------------------------------------------------------------- the words

# Words a person trying the workbook should not have to know.
JARGON = re.compile(
    r"\b(kernel|server|session|container|environment|json|toml|voila|jupyter|notebook|pip|python|"
    r"install|repository|repo|export|file|binder|url|localhost|cache|data)\b",
    re.IGNORECASE,
)
FILE_NAME = re.compile(r"\b[\w-]+\.[a-z]{2,5}\b")


def visible_text(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


def test_the_words_are_plain_short_and_shown_as_written(session) -> None:
    words = load_content().binder_notice
    text = visible_text(BinderNotice(session).widget.value)
    for part in (words.title, *words.paragraphs, words.download):
        assert part in text
    assert not JARGON.search(text), JARGON.search(text)
    assert not FILE_NAME.search(text), FILE_NAME.search(text)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(words.paragraphs)) if s]
    assert 2 <= len(sentences) <= 3
    assert all(len(sentence.split()) <= 20 for sentence in sentences), sentences


def test_the_words_say_it_is_for_trying_it_ends_and_how_to_keep_it() -> None:
    words = load_content().binder_notice
    said = " ".join((words.title, *words.paragraphs)).casefold()
    assert "trying" in said
    assert "deleted" in said and "close" in said  # what happens, and when
    assert "your own computer" in said
    assert words.download.casefold().startswith("download")


def test_the_notice_is_a_named_region_with_a_heading_and_a_real_download_link(session) -> None:
    value = BinderNotice(session).widget.value
    region = re.fullmatch(r'<section aria-labelledby="([\w-]+)">(.*)</section>', value, re.S)
    assert region, value
    heading = re.search(rf'<h2 id="{region.group(1)}"[^>]*>([^<]+)</h2>', value)
    assert heading and heading.group(1) == html.escape(load_content().binder_notice.title)
    link = re.search(r"<a ([^>]*)>([^<]+)</a>", value)
    assert link and 'download="' in link.group(1) and 'href="data:application/json;base64,' in link.group(1)
    assert link.group(2) == html.escape(load_content().binder_notice.download)
