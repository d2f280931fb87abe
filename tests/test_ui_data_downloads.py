"""The data page's new downloads, driven in plain Python: a locked copy (passphrase typed twice), the
contact log as a spreadsheet, a printable summary; locked imports with every failure said inline."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from workbook.content import DATA_DIR
from workbook.locked import unlock
from workbook.store import Store
from workbook.transfer import dumps
from workbook.ui.data import DataPage
from workbook.ui.session import Session

NOW = datetime(2026, 11, 23, 12, 0)
PASS = "a long passphrase"


@pytest.fixture
def page() -> DataPage:
    session = Session(Store(memory=True), clock=lambda: NOW)
    session.store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
    session.choose("Alex (example)")
    return DataPage(session)


def payload(link_html: str) -> tuple[str, bytes]:
    """(file name, bytes) of a download link."""
    name = html.unescape(re.search(r'download="([^"]+)"', link_html).group(1))
    data = re.search(r"base64,([^\"]+)\"", link_html).group(1)
    return name, base64.b64decode(data)


def test_every_new_field_is_labelled_with_its_words(page):
    for field in (page.passphrase, page.passphrase_again, page.import_passphrase, page.report_journal):
        assert field.description.strip()
    assert page.passphrase.description == "Passphrase to lock the copy (optional)"


def test_without_a_passphrase_the_copy_is_the_plain_export(page):
    page.export_button.click()
    name, data = payload(page.export_link.value)
    assert name.endswith(".json") and data.decode("utf-8") == dumps(page.session.store.export_people())


def test_a_passphrase_typed_twice_gives_a_locked_copy_and_is_not_kept(page):
    page.passphrase.value = page.passphrase_again.value = PASS
    page.export_button.click()
    name, data = payload(page.export_link.value)
    assert name.endswith("-locked.json") and b"Alex" not in data
    assert unlock(data, PASS).decode("utf-8") == dumps(page.session.store.export_people())
    assert page.passphrase.value == page.passphrase_again.value == ""
    assert "wb-saved" in page.export_message._dom_classes


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [(PASS, PASS + "x", "not the same"), ("short", "short", "at least 8"), ("", PASS, "not the same")],
)
def test_a_mismatch_or_a_short_passphrase_is_said_inline_and_prepares_nothing(page, first, second, words):
    page.export_link.value = "old"
    page.passphrase.value, page.passphrase_again.value = first, second
    page.export_button.click()
    assert page.export_link.value == ""
    assert words in page.export_message.value and "wb-error" in page.export_message._dom_classes


def test_the_spreadsheet_holds_every_contact(page):
    page.csv_button.click()
    name, data = payload(page.csv_link.value)
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == sum(len(p.events) for p in page.session.store.export_people())


def test_the_printable_summary_is_the_chosen_person_and_the_journal_only_when_ticked(page):
    page.report_button.click()
    name, data = payload(page.report_link.value)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert name.endswith(".pdf") and "Alex (example)" in text and "Steadier this week" not in text
    page.report_journal.value = True
    page.report_button.click()
    _, data = payload(page.report_link.value)
    assert "Steadier this week" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_no_summary_without_a_person():
    page = DataPage(Session(Store(memory=True), clock=lambda: NOW))
    page.report_button.click()
    assert page.report_link.value == "" and "choose a person" in page.report_message.value


def upload(page: DataPage, data: bytes) -> None:
    page.upload.value = (
        {
            "name": "copy.json",
            "type": "application/json",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": NOW,
        },
    )


def locked_demo(page: DataPage) -> bytes:
    page.passphrase.value = page.passphrase_again.value = PASS
    page.export_button.click()
    return payload(page.export_link.value)[1]


def test_a_locked_copy_asks_for_its_passphrase_then_opens_when_it_is_typed():
    source = DataPage(Session(Store(memory=True), clock=lambda: NOW))
    source.session.store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes())
    data = locked_demo(source)
    page = DataPage(Session(Store(memory=True), clock=lambda: NOW))
    upload(page, data)
    assert "locked" in page.import_message.value and page.confirm_import.disabled
    page.import_passphrase.value = "not it at all"
    assert "does not open" in page.import_message.value and page.confirm_import.disabled
    page.import_passphrase.value = PASS
    assert not page.confirm_import.disabled and len(page.pending) == 3
    page.confirm_import.click()
    assert page.session.store.people() == source.session.store.people()


def test_a_damaged_locked_copy_is_said_inline_and_changes_nothing(page):
    data = locked_demo(page)
    fresh = DataPage(Session(Store(memory=True), clock=lambda: NOW))
    fresh.import_passphrase.value = PASS
    upload(fresh, data[:-300])
    assert "damaged" in fresh.import_message.value and fresh.confirm_import.disabled
    assert fresh.session.store.people() == []
