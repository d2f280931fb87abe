"""Every error the workbook raises on purpose, in one tree.

    WorkbookError                 base: a message a person can read and act on
    ├── InvalidInput (ValueError) something typed, passed or loaded is not usable
    │   └── ImportRefused         an import file was refused; nothing was changed
    ├── ContentError              a file under data/ is malformed (names the file and the item)
    ├── PersonNotFound (KeyError) no person of that name in this workbook
    ├── PersonExists              a person of that name is already there
    └── StoreError                the database could not be opened or written

Each boundary catches `WorkbookError` and shows `str(error)`: the widget inline, the command line
on one line of stderr with exit code 2. Anything else escaping is a bug.
"""

from __future__ import annotations

__all__ = [
    "ContentError",
    "ImportRefused",
    "InvalidInput",
    "PersonExists",
    "PersonNotFound",
    "StoreError",
    "WorkbookError",
]


class WorkbookError(Exception):
    """Base of every deliberate error; `str()` is the sentence to show the person."""


class InvalidInput(WorkbookError, ValueError):
    """Input that cannot be used as it is."""


class ImportRefused(InvalidInput):
    """An import file that cannot be read; the existing workbook was left untouched."""


class ContentError(WorkbookError):
    """A content file under data/ is malformed."""


class PersonNotFound(WorkbookError, KeyError):
    """No person of that name."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else "No such person."


class PersonExists(WorkbookError):
    """A person with that name already exists."""


class StoreError(WorkbookError):
    """The database could not be opened, read or written."""
