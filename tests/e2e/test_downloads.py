"""The data page in a real browser: each new form downloads, and what arrives is what was promised.

The spreadsheet (names intact, formulas neutralised), the locked copy (typed twice; it opens with the
passphrase and holds no readable name) and the printable summary (a PDF with the name and the advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from workbook.content import DATA_DIR
from workbook.locked import unlock
from workbook.model import Channel, Event, EventKind, Goal, Person, Relationship, Situation, WhatHappened
from workbook.store import Store

from .rig import (
    assert_no_traceback,
    voila_over,
    wait_ready,
)

pytestmark = pytest.mark.e2e

NAME = "Zoë 李"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
PASS = "a long passphrase"


@pytest.fixture(scope="module")
def app_with_people(tmp_path_factory) -> Iterator[str]:
    """The dashboard over a workbook with the demo people and one more, whose note is a formula."""
    home = tmp_path_factory.mktemp("downloads-home")
    home.chmod(0o700)
    with Store(home / "workbook.db") as store:
        store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
        situation = Situation(
            NAME, Relationship.FRIEND, WhatHappened.I_PUSHED_AWAY, date(2026, 1, 1), Goal.FRIENDSHIP
        )
        event = Event(EventKind.SENT, datetime(2026, 2, 1, 18, 30), Channel.TEXT, note=FORMULA)
        store.import_people([Person(situation=situation, events=(event,))])
    with voila_over(home, tmp_path_factory.mktemp("downloads-log")) as url:
        yield url


@pytest.fixture
def data_page(browser, app_with_people) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(app_with_people)
    wait_ready(page)
    page.locator(".wb-stepper button", has_text="Your data").first.click()
    expect(page.locator(".wb-export-csv")).to_be_visible()
    yield page
    assert_no_traceback(page)
    context.close()


def download(page: Page, link_selector: str, target: Path) -> bytes:
    link = page.locator(f"{link_selector} a")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as arrived:
        link.click()
    arrived.value.save_as(target)
    return target.read_bytes()


def test_the_spreadsheet_downloads_with_names_intact_and_formulas_neutralised(
    data_page: Page, tmp_path, artifacts
):
    data_page.locator(".wb-export-csv").click()
    data = download(data_page, ".wb-export-csv-link", tmp_path / "log.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    zoe = [row for row in rows if row["person"] == NAME]
    assert len(zoe) == 1 and zoe[0]["note"] == "'" + FORMULA
    assert {row["person"] for row in rows} >= {"Alex (example)", "Sam (example)", NAME}
    data_page.screenshot(path=artifacts / "downloads-data-page.png", full_page=True)


def test_the_locked_copy_downloads_and_opens_only_with_its_passphrase(data_page: Page, tmp_path):
    data_page.locator(".wb-export-passphrase input").fill(PASS)
    data_page.locator(".wb-export-passphrase-again input").fill(PASS + "typo")
    data_page.locator(".wb-export-passphrase-again input").press("Enter")
    data_page.locator(".wb-export").click()
    expect(data_page.locator(".wb-export-message")).to_contain_text("not the same")
    expect(data_page.locator(".wb-export-link a")).to_have_count(0)

    data_page.locator(".wb-export-passphrase-again input").fill(PASS)
    data_page.locator(".wb-export-passphrase-again input").press("Enter")
    data_page.locator(".wb-export").click()
    data = download(data_page, ".wb-export-link", tmp_path / "locked.json")
    assert NAME.encode("utf-8") not in data and b"Alex (example)" not in data
    people = [p["name"] for p in json.loads(unlock(data, PASS))["people"]]
    assert NAME in people and "Alex (example)" in people
    expect(data_page.locator(".wb-export-passphrase input")).to_have_value("")  # not kept in the page


def test_the_printable_summary_downloads_as_a_pdf_with_the_name_and_the_advice(data_page: Page, tmp_path):
    data_page.locator(".wb-report").click()
    data = download(data_page, ".wb-report-link", tmp_path / "summary.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF-")
    assert "Alex (example)" in text and "The advice, and why" in text and "Keep going" in text
    assert "Steadier this week" not in text  # the journal only when asked
