"""A new person's whole journey through the app, in Chromium, through the browser only.

Open the app, add a person, answer the reflection, see the band and score change, draft a message
and see its issues, log a sent message and a reply and see the timeline and the band change, export,
delete everything, import, and find everything back. Hostile text is typed where names and notes go
and must show as text and run nothing. Screenshots land in test-artifacts/ to be looked at.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .rig import (
    add_person,
    assert_no_traceback,
    voila_over,
    wait_ready,
)

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)>"
NAME = f"Robin {HOSTILE}"
READY = {
    "motive_genuine_care": 4,
    "motive_guilt": 2,
    "motive_loneliness": 2,
    "motive_boredom": 1,
    "motive_attention": 1,
    "clarity_reason": 4,
    "clarity_changed": 4,
    "accept_no": 4,
    "empathy_hurt": 5,
    "calm_waiting": 4,
}


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory) -> Iterator[str]:
    """The dashboard over an empty workbook of its own."""

    home = tmp_path_factory.mktemp("journey-home")
    home.chmod(0o700)
    with voila_over(home, tmp_path_factory.mktemp("journey-log")) as url:
        yield url


def step(page: Page, caption: str) -> None:
    page.locator(".wb-stepper button", has_text=caption).first.click()


def card(page: Page):
    return page.locator(".wb-app > .wb-readiness").first


def answer_likert(page: Page, qid: str, value: int) -> None:
    page.locator(f".wb-q-{qid} .widget-radio-box label").nth(value - 1).click()


def log_event(
    page: Page, kind_label: str, day: str, time: str, channel: str, note: str = "", tone: str | None = None
) -> None:
    form = page.locator(".wb-event-form")
    form.locator(".wb-event-kind label", has_text=kind_label).click()
    form.locator(".wb-event-day input").fill(day)
    form.locator(".wb-event-time input").fill(time)
    form.locator(".wb-event-channel select").select_option(label=channel)
    if tone:
        form.locator(".wb-event-tone label", has_text=tone).click()
    if note:
        form.locator(".wb-event-note input").fill(note)
    save = form.locator(".wb-save-event")
    expect(save).to_be_enabled()
    save.click()


def test_a_new_person_can_do_everything_through_the_browser(
    browser, fresh_app, artifacts: Path, tmp_path: Path
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(fresh_app)
    wait_ready(page)

    # An empty workbook opens the form to add a person.
    expect(page.locator(".wb-situation-form")).to_be_visible()
    add_person(page, NAME)  # and the form closes
    expect(card(page)).to_contain_text("Not yet")
    expect(card(page)).to_contain_text(NAME)  # shown as text, not as an element
    page.screenshot(path=artifacts / "journey-1-added.png", full_page=True)

    # The reflection: the band and the score follow the answers.
    step(page, "Motives")
    for qid, value in READY.items():
        answer_likert(page, qid, value)
    expect(card(page)).to_contain_text("One friendly message")
    expect(card(page).locator(".wb-score")).to_have_text(re.compile(r"^\d+$"))
    first_score = card(page).locator(".wb-score").inner_text()
    answer_likert(page, "accept_no", 5)
    expect(card(page).locator(".wb-score")).not_to_have_text(first_score)

    # A draft with pressure in it gets its issues, as text.
    step(page, "Message")
    draft = page.locator(".wb-draft textarea")
    draft.fill("Answer me now. This is your last chance!!")
    expect(page.locator(".wb-verdict")).to_contain_text("pressur", ignore_case=True)
    expect(page.locator(".wb-issue").nth(1)).to_be_attached()  # at least two issues (waits for them)
    page.screenshot(path=artifacts / "journey-2-message.png", full_page=True)

    # Log a sent message (with a hostile note) and their warm reply: the band changes.
    step(page, "Timeline")
    sent_on, reply_on = date.today() - timedelta(days=3), date.today() - timedelta(days=1)
    log_event(page, "I sent a message", sent_on.isoformat(), "18:30", "Text or chat", note=HOSTILE)
    expect(card(page)).to_contain_text("Wait a little")
    log_event(page, "They wrote or called me", reply_on.isoformat(), "09:15", "Text or chat", tone="Warm")
    expect(card(page)).to_contain_text("Keep going")
    expect(page.locator(".wb-event-row")).to_have_count(2)
    expect(page.locator(".wb-events-table")).to_contain_text(HOSTILE)
    expect(page.locator(".wb-chart img").first).to_be_visible()
    page.screenshot(path=artifacts / "journey-3-timeline.png", full_page=True)

    # Export, delete everything, import, and find it all again.
    step(page, "Your data")
    page.locator(".wb-export").click()
    link = page.locator(".wb-export-link a")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    exported = tmp_path / "export.json"
    download.value.save_as(exported)
    document = json.loads(exported.read_text())
    assert [p["name"] for p in document["people"]] == [NAME]
    assert len(document["people"][0]["events"]) == 2
    href = link.get_attribute("href")
    assert json.loads(base64.b64decode(href.split(",", 1)[1])) == document

    page.locator(".wb-delete-all").click()
    page.locator(".wb-confirm-text input").fill("delete everything")
    page.locator(".wb-confirm-delete").click()
    expect(page.locator(".wb-delete-message")).to_contain_text("Everything was deleted")
    expect(card(page)).to_contain_text("Add a person")

    with page.expect_file_chooser() as chooser:
        page.locator(".wb-upload").click()
    chooser.value.set_files(str(exported))
    expect(page.locator(".wb-import-preview")).to_contain_text(f"{NAME} (new)")
    page.locator(".wb-confirm-import").click()
    expect(page.locator(".wb-import-message")).to_contain_text("Imported")
    expect(card(page)).to_contain_text("Keep going")
    step(page, "Timeline")
    expect(page.locator(".wb-event-row")).to_have_count(2)
    step(page, "Motives")
    expect(page.locator(".wb-q-accept_no input[type=radio]").nth(4)).to_be_checked()
    page.screenshot(path=artifacts / "journey-4-restored.png", full_page=True)

    assert dialogs == [], f"hostile text ran as code: {dialogs}"
    assert page.locator(".wb-app img[src='x']").count() == 0
    assert_no_traceback(page)
    context.close()


def test_an_invalid_entry_shows_an_inline_message(browser, fresh_app, artifacts: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(fresh_app)
    wait_ready(page)
    page.locator(".wb-person-panel button", has_text="Add a person").click()
    form = page.locator(".wb-situation-form")
    form.locator(".wb-name input").fill("Sky")
    form.locator(".wb-save-person").click()
    expect(form.locator(".wb-error")).to_contain_text("when it ended")
    assert_no_traceback(page)
    page.close()


def test_the_app_reads_on_a_phone(browser, fresh_app, artifacts: Path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(fresh_app)
    wait_ready(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 2, f"the page scrolls sideways on a phone ({width}px wide)"
    page.screenshot(path=artifacts / "phone.png", full_page=True)
    context.close()


def _add(page: Page, name: str, **situation) -> None:
    if not page.locator(".wb-situation-form").is_visible():
        page.locator(".wb-person-panel button", has_text="Add a person").click()
    add_person(page, name, **situation)
    expect(card(page)).to_contain_text(name)


def test_the_safety_core_holds_in_the_browser(browser, fresh_app, artifacts: Path):
    """Issue 12's journeys: a block on one channel, a cold reply asking for space, a self-harm draft."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(fresh_app)
    wait_ready(page)

    # Blocked on one channel: no suggestion to write, no date to count down to, no templates.
    _add(page, "Kim", signals=["They blocked me somewhere"])
    expect(card(page)).to_contain_text("Respect their wishes")
    expect(card(page).locator(".wb-earliest")).to_have_count(0)
    expect(card(page)).not_to_contain_text("friendly message")
    step(page, "Message")
    expect(page.locator(".wb-no-send")).to_be_visible()
    page.screenshot(path=artifacts / "safety-1-blocked-somewhere.png", full_page=True)

    # A cold reply logged with "they asked for space" changes the card.
    _add(page, "Lee")
    step(page, "Readiness")
    before = page.locator(".wb-step-page .wb-readiness").inner_text()
    assert "asked for space" not in before
    step(page, "Timeline")
    form = page.locator(".wb-event-form")
    form.locator(".wb-event-kind label", has_text="They wrote or called me").click()
    form.locator(".wb-event-day input").fill((date.today() - timedelta(days=1)).isoformat())
    form.locator(".wb-event-time input").fill("10:00")
    form.locator(".wb-event-channel select").select_option(label="Text or chat")
    form.locator(".wb-event-tone label", has_text="Upset or cold").click()
    form.locator(".wb-event-request label", has_text="They asked for space").click()
    expect(form.locator(".wb-save-event")).to_be_enabled()
    form.locator(".wb-save-event").click()
    expect(page.locator(".wb-event-row")).to_have_count(2)  # the reply and the request, together
    step(page, "Readiness")
    after = page.locator(".wb-step-page .wb-readiness")
    expect(after).to_contain_text("asked for space")
    assert after.inner_text() != before
    page.screenshot(path=artifacts / "safety-2-cold-reply-space.png", full_page=True)

    # A draft that hints at self-harm gets the support card in place of the score.
    step(page, "Message")
    page.locator(".wb-draft textarea").fill("if something happens to me just know its not your fault x")
    support = page.locator(".wb-support")
    expect(support).to_be_visible()
    expect(support).to_contain_text("116 123")
    expect(page.locator(".wb-verdict")).not_to_contain_text("/ 100")
    page.screenshot(path=artifacts / "safety-3-support-card.png", full_page=True)
    assert_no_traceback(page)
    context.close()
