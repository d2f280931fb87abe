"""The contact log as a spreadsheet: one row per event, for people who want it in Excel or LibreOffice.

The columns are DESIGN.md's: person, kind, at, channel, tone, note, after a header row, people by
name and events by time, exactly as the JSON export orders and writes them (`transfer`).

Two things make it safe to open:

- A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return, perhaps after spaces) is neutralised by a leading apostrophe, as OWASP advises against CSV
  injection: a note such as `=HYPERLINK(...)` is shown as the text it is.
- The file is UTF-8 with a byte-order mark, which Excel needs to read "Zoë 李" as UTF-8 (LibreOffice
  and Python's `csv` module with `utf-8-sig` read it either way), with CRLF line ends as RFC 4180 says.

This module is pure: it turns people into text and never opens a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .model import Person
from .transfer import export_document

__all__ = ["COLUMNS", "FORMULA_STARTS", "csv_bytes", "csv_text", "neutralise"]

COLUMNS = ("person", "kind", "at", "channel", "tone", "note")
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will show and never run: an apostrophe before a formula."""
    if cell.lstrip(" ").startswith(FORMULA_STARTS) or cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(people: Iterable[Person]) -> str:
    """The whole log as CSV text, beginning with the byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for person in export_document(people)["people"]:
        for event in person["events"]:
            row = {"person": person["name"], **event}
            writer.writerow([neutralise(str(row.get(column, ""))) for column in COLUMNS])
    return BOM + buffer.getvalue()


def csv_bytes(people: Iterable[Person]) -> bytes:
    """`csv_text` as the bytes of a file or a download."""
    return csv_text(people).encode("utf-8")
