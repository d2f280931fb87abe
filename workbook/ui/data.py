"""Your data: export (a download), import (upload, check, show what changes, confirm), delete.

Import follows the store's rule: the whole file is checked before anything is touched, and a person
already in the workbook is only replaced when the person asks for it, after a backup. Every name shown
here came from a file or a person, so it is shown as text or escaped.
"""

from __future__ import annotations

from ..errors import InvalidInput, WorkbookError
from ..model import Person, quantity
from ..transfer import dumps, parse_document
from . import widgets as w
from .fields import text_field
from .session import Session
from .theme import download_link, heading, note
from .view import Message, View

__all__ = ["DataPage", "export_download"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the same ceiling the importer enforces


def _passphrase_field(label: str, css_class: str) -> w.Password:
    """A passphrase input labelled with its words; it reports only on Enter or leaving the field."""
    field = w.Password(value="", description=label, continuous_update=False, layout=w.Layout(width="100%"))
    field.description_allow_html = False
    field.style = w.shared_style(w.Password, description_width="initial")
    field.add_class(css_class)
    return field


def export_download(session: Session, css_class: str, caption: str | None = None) -> str:
    """A download link holding the whole workbook as one export document (every person).

    The data page and the Binder notice both offer it, so both hand out the same file. Without a
    `caption` the link names the file and how many people it holds."""
    people = session.store.export_people()
    filename = f"reconnect-workbook-{session.today().isoformat()}.json"
    if caption is None:
        caption = f"Download {filename} ({quantity(len(people), 'person', 'people')})"
    return download_link(dumps(people).encode("utf-8"), filename, "application/json", caption, css_class)


class DataPage(View):
    """Export, import and delete: the whole workbook, whoever is chosen."""

    def __init__(self, session: Session):
        self.pending: list[Person] = []

        # Export
        self.export_button = w.Button(description="Prepare my export", icon="download")
        self.export_button.add_class("wb-export")
        self.export_link = w.HTML()
        self.export_link.add_class("wb-export-link")
        self.export_button.on_click(lambda _b: self.prepare_export())
        # A lock for the copy that leaves this computer (workbook/locked.py): typed twice, never kept.
        self.passphrase = _passphrase_field("Passphrase to lock the copy (optional)", "wb-export-passphrase")
        self.passphrase_again = _passphrase_field("The same passphrase again", "wb-export-passphrase-again")
        self.export_message = Message("help", "wb-export-message")
        # The contact log as a spreadsheet, and a printable summary of the chosen person.
        self.csv_button = w.Button(
            description="Prepare a spreadsheet of the contact log",
            icon="table",
            layout=w.Layout(width="auto"),
        )
        self.csv_button.add_class("wb-export-csv")
        self.csv_link = w.HTML()
        self.csv_link.add_class("wb-export-csv-link")
        self.csv_button.on_click(lambda _b: self.prepare_csv())
        self.report_journal = w.Checkbox(value=False, indent=False, description="Include my journal")
        self.report_journal.add_class("wb-report-journal")
        self.report_button = w.Button(
            description="Prepare a printable summary", icon="print", layout=w.Layout(width="auto")
        )
        self.report_button.add_class("wb-report")
        self.report_link = w.HTML()
        self.report_link.add_class("wb-report-link")
        self.report_message = Message("help", "wb-report-message")
        self.report_button.on_click(lambda _b: self.prepare_report())

        # Import
        self.upload = w.FileUpload(
            accept=".json,application/json", multiple=False, description="Choose a file"
        )
        self.upload.add_class("wb-upload")
        self.import_passphrase = _passphrase_field(
            "Passphrase, if the copy is locked", "wb-import-passphrase"
        )
        self.import_passphrase.observe(lambda _c: self.upload.value and self.read_upload(), names="value")
        self.preview = w.VBox()
        self.preview.add_class("wb-import-preview")
        self.replace = w.Checkbox(
            value=False,
            indent=False,
            description="Replace people who are already here (a backup is saved first)",
        )
        self.confirm_import = w.Button(description="Import", button_style="primary", disabled=True)
        self.confirm_import.add_class("wb-confirm-import")
        self.import_message = Message("help", "wb-import-message")
        self.upload.observe(lambda _c: self.read_upload(), names="value")
        self.confirm_import.on_click(lambda _b: self.do_import())

        # Delete
        self.delete_person = w.Button(description="Delete this person", icon="trash")
        self.delete_person.add_class("wb-delete-person")
        self.delete_all = w.Button(description="Delete everything", icon="trash")
        self.delete_all.add_class("wb-delete-all")
        confirm_text = text_field('To confirm, type "delete everything"', placeholder="delete everything")
        self.confirm_text = confirm_text.control
        self.confirm_text.add_class("wb-confirm-text")
        self.confirm_field = confirm_text.widget
        self.confirm_yes = w.Button(description="Yes, delete", button_style="danger")
        self.confirm_yes.add_class("wb-confirm-delete")
        self.confirm_no = w.Button(description="No, keep it")
        self.confirm_prompt = note("", "prompt")
        self.confirm_box = w.VBox(
            [
                self.confirm_prompt,
                self.confirm_field,
                w.HBox([self.confirm_yes, self.confirm_no]).add_class("wb-wrap"),
            ],
        )
        w.show(self.confirm_box, False)
        self.delete_message = Message("help", "wb-delete-message")
        self._deleting: str | None = None  # "person" or "everything"
        self.delete_person.on_click(lambda _b: self.ask_delete("person"))
        self.delete_all.on_click(lambda _b: self.ask_delete("everything"))
        self.confirm_yes.on_click(lambda _b: self.do_delete())
        self.confirm_no.on_click(lambda _b: self.cancel_delete())

        super().__init__(
            session,
            "wb-data",
            needs_person=False,
            body=[
                heading("Keep a copy"),
                note(
                    "Your answers are stored only on this computer (or this Binder session). "
                    "Binder forgets everything when the session ends, so download a copy before "
                    "you close the tab. The file holds private words: keep it somewhere safe.",
                    "help",
                ),
                note(
                    "To lock the copy, type a passphrase twice: without it nobody can open the file, "
                    "not even you. Leave both empty for a plain copy.",
                    "help",
                ),
                self.passphrase,
                self.passphrase_again,
                self.export_button,
                self.export_message,
                self.export_link,
                heading("A spreadsheet or a printable summary"),
                note(
                    "The spreadsheet holds the contact log of everyone here, one row for each contact. "
                    "The printable summary is about the person chosen above: the situation, your "
                    "reflection, the advice and why, the timeline and the plan, to keep or to bring to "
                    "a counsellor. Your journal stays out of it unless you tick the box. Neither file "
                    "is locked: keep them somewhere safe.",
                    "help",
                ),
                self.csv_button,
                self.csv_link,
                self.report_journal,
                self.report_button,
                self.report_message,
                self.report_link,
                heading("Bring back a copy"),
                note("Choose a file you exported before. Nothing changes until you confirm.", "help"),
                self.import_passphrase,
                self.upload,
                self.preview,
                self.replace,
                self.confirm_import,
                self.import_message,
                heading("Delete"),
                note("Deleting cannot be undone. Export first if you might want it back.", "help"),
                w.HBox([self.delete_person, self.delete_all]).add_class("wb-wrap"),
                self.confirm_box,
                self.delete_message,
            ],
        )

    # -- export
    def prepare_export(self) -> None:
        if self._prepare_locked():
            return
        self.export_link.value = export_download(self.session, "wb-export-download")

    def _prepare_locked(self) -> bool:
        """The locked copy, when a passphrase was typed; False (nothing done) for a plain copy."""
        passphrase, again = self.passphrase.value, self.passphrase_again.value
        self.export_message.help("")
        if not passphrase and not again:
            return False
        from ..locked import check_new_passphrase, lock

        self.export_link.value = ""
        try:
            if passphrase != again:
                raise InvalidInput(
                    "The two passphrases are not the same. Type them again; nothing was prepared."
                )
            check_new_passphrase(passphrase)
        except InvalidInput as error:
            self.export_message.error(str(error))
            return True
        people = self.session.store.export_people()
        filename = f"reconnect-workbook-{self.session.today().isoformat()}-locked.json"
        count = quantity(len(people), "person", "people")
        self.export_link.value = download_link(
            lock(dumps(people).encode("utf-8"), passphrase),
            filename,
            "application/json",
            f"Download {filename} ({count}, locked with your passphrase)",
            "wb-export-download",
        )
        self.passphrase.value = self.passphrase_again.value = ""  # not kept in the page
        self.export_message.saved("Locked. Keep the passphrase somewhere safe: it cannot be recovered.")
        return True

    def prepare_csv(self) -> None:
        from ..csv_export import csv_bytes

        people = self.session.store.export_people()
        events = sum(len(person.events) for person in people)
        filename = f"reconnect-workbook-{self.session.today().isoformat()}-contact-log.csv"
        self.csv_link.value = download_link(
            csv_bytes(people),
            filename,
            "text/csv",
            f"Download {filename} ({quantity(events, 'contact', 'contacts')})",
            "wb-export-csv-download",
        )

    def prepare_report(self) -> None:
        from ..report import report_pdf

        self.report_link.value = ""
        person = self.session.current()
        if person is None:
            self.report_message.error("Add or choose a person first: the summary is about one person.")
            return
        today = self.session.today()
        pdf = report_pdf(person, self.session.content, today, with_journal=self.report_journal.value)
        self.report_link.value = download_link(
            pdf,
            f"reconnect-workbook-summary-{today.isoformat()}.pdf",
            "application/pdf",
            f"Download the printable summary for {person.name}"
            + (" (with your journal)" if self.report_journal.value else ""),
            "wb-report-download",
        )
        self.report_message.help("")

    # -- import
    def read_upload(self) -> None:
        self.pending = []
        self.confirm_import.disabled = True
        self.preview.children = []
        if not self.upload.value:
            return
        item = self.upload.value[0]
        if item.get("size", 0) > MAX_UPLOAD_BYTES:
            self._import_says("That file is over 20 MB, too big to be a workbook export.", error=True)
            return
        data = bytes(item["content"])
        from ..locked import is_locked, unlock

        if is_locked(data):
            if not self.import_passphrase.value:
                self._import_says(
                    "This copy is locked. Type its passphrase above and press Enter to open it.", error=True
                )
                return
            try:
                data = unlock(data, self.import_passphrase.value)
            except WorkbookError as error:  # a wrong passphrase or a damaged file: one sentence
                self._import_says(str(error), error=True)
                return
        try:
            self.pending = parse_document(data)
        except WorkbookError as error:
            self._import_says(f"This file can't be imported: {error} Nothing was changed.", error=True)
            return
        existing = {n.casefold() for n in self.session.store.people()}
        rows = []
        for person in self.pending:
            state = "already here" if person.name.casefold() in existing else "new"
            rows.append(
                note(
                    f"{person.name} ({state}): {quantity(len(person.events), 'event', 'events')}, "
                    f"{quantity(len(person.answers), 'answer', 'answers')}, "
                    f"{quantity(len(person.journal), 'journal entry', 'journal entries')}",
                    "help",
                )
            )
        self.preview.children = [
            note(
                f"This file holds {quantity(len(self.pending), 'person', 'people')}:",
                "prompt",
            ),
            *rows,
        ]
        self.confirm_import.disabled = not self.pending
        self._import_says("Check the list, then press Import.")

    def do_import(self) -> None:
        if not self.pending:
            return
        try:
            summary = self.session.store.import_people(
                self.pending, replace=self.replace.value, now=self.session.now()
            )
        except WorkbookError as error:
            self._import_says(str(error), error=True)
            return
        parts = []
        if summary.added:
            parts.append(f"added {', '.join(summary.added)}")
        if summary.replaced:
            parts.append(f"replaced {', '.join(summary.replaced)} (backup: {summary.backup.name})")
        self.pending = []
        self.confirm_import.disabled = True
        self.preview.children = []
        if self.session.person is None and summary.added:
            self.session.person = summary.added[0]
        current = (self.session.person or "").casefold()
        if current in {name.casefold() for name in summary.replaced}:
            # Every view reloads the replaced person's words, so no widget still holds the old
            # ones and writes them back over what was just imported.
            self.session.reload()
        else:
            self.session.changed()
        self._import_says("Imported: " + "; ".join(parts) + ".")

    def _import_says(self, text: str, error: bool = False) -> None:
        self.import_message.say(text, "error" if error else "help")

    # -- delete
    def ask_delete(self, what: str) -> None:
        if what == "person" and self.session.person is None:
            self.delete_message.value = "There is no one to delete."
            return
        self._deleting = what
        self.confirm_text.value = ""
        w.show(self.confirm_field, what == "everything")
        self.confirm_prompt.value = (
            f"Delete {self.session.person} and everything you wrote about them?"
            if what == "person"
            else "Delete every person and everything you wrote? Type the words below to confirm."
        )
        w.show(self.confirm_box)

    def cancel_delete(self) -> None:
        self._deleting = None
        w.show(self.confirm_box, False)
        self.delete_message.value = "Nothing was deleted."

    def do_delete(self) -> None:
        everything = self._deleting == "everything"
        if everything and self.confirm_text.value.strip().casefold() != "delete everything":
            self.delete_message.value = 'Type "delete everything" to confirm; nothing was deleted.'
            return
        name = self.session.person
        if not everything and not (self._deleting == "person" and name):
            return
        try:
            if everything:
                self.session.store.delete_everything()
            else:
                self.session.store.delete_person(name)
            done = "Everything was deleted." if everything else f"{name} was deleted."
        except WorkbookError as error:  # e.g. they were already deleted in another window
            done = str(error)
        remaining = self.session.store.people()
        self.session.person = remaining[0] if remaining else None
        self._deleting = None
        w.show(self.confirm_box, False)
        self.export_link.value = ""
        self.csv_link.value = self.report_link.value = ""
        self.session.changed()
        self.delete_message.value = done
