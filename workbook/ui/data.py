"""Your data: export (a download), import (upload, check, show what changes, confirm), delete.

Import follows the store's rule: the whole file is checked before anything is touched, and a person
already in the workbook is only replaced when the person asks for it, after a backup. Every name shown
here came from a file or a person, so it is shown as text or escaped.
"""

from __future__ import annotations

import ipywidgets as w

from ..errors import WorkbookError
from ..model import Person
from ..transfer import dumps, parse_document
from .session import Session
from .theme import download_link, heading, note

__all__ = ["DataPage"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the same ceiling the importer enforces


class DataPage:
    def __init__(self, session: Session):
        self.session = session
        self.pending: list[Person] = []

        # Export
        self.export_button = w.Button(description="Prepare my export", icon="download")
        self.export_button.add_class("wb-export")
        self.export_link = w.HTML()
        self.export_link.add_class("wb-export-link")
        self.export_button.on_click(lambda _b: self.prepare_export())

        # Import
        self.upload = w.FileUpload(
            accept=".json,application/json", multiple=False, description="Choose a file"
        )
        self.upload.add_class("wb-upload")
        self.preview = w.VBox()
        self.preview.add_class("wb-import-preview")
        self.replace = w.Checkbox(
            value=False,
            indent=False,
            description="Replace people who are already here (a backup is saved first)",
        )
        self.confirm_import = w.Button(description="Import", button_style="primary", disabled=True)
        self.confirm_import.add_class("wb-confirm-import")
        self.import_message = note("", "help")
        self.import_message.add_class("wb-import-message")
        self.upload.observe(lambda _c: self.read_upload(), names="value")
        self.confirm_import.on_click(lambda _b: self.do_import())

        # Delete
        self.delete_person = w.Button(description="Delete this person", icon="trash")
        self.delete_person.add_class("wb-delete-person")
        self.delete_all = w.Button(description="Delete everything", icon="trash")
        self.delete_all.add_class("wb-delete-all")
        self.confirm_text = w.Text(placeholder='Type "delete everything" to confirm')
        self.confirm_text.add_class("wb-confirm-text")
        self.confirm_yes = w.Button(description="Yes, delete", button_style="danger")
        self.confirm_yes.add_class("wb-confirm-delete")
        self.confirm_no = w.Button(description="No, keep it")
        self.confirm_prompt = note("", "prompt")
        self.confirm_box = w.VBox(
            [
                self.confirm_prompt,
                self.confirm_text,
                w.HBox([self.confirm_yes, self.confirm_no]).add_class("wb-wrap"),
            ],
            layout=w.Layout(display="none"),
        )
        self.delete_message = note("", "help")
        self.delete_message.add_class("wb-delete-message")
        self._deleting: str | None = None  # "person" or "everything"
        self.delete_person.on_click(lambda _b: self.ask_delete("person"))
        self.delete_all.on_click(lambda _b: self.ask_delete("everything"))
        self.confirm_yes.on_click(lambda _b: self.do_delete())
        self.confirm_no.on_click(lambda _b: self.cancel_delete())

        self.widget = w.VBox(
            [
                heading("Keep a copy"),
                note(
                    "Your answers are stored only on this computer (or this Binder session). "
                    "Binder forgets everything when the session ends, so download a copy before "
                    "you close the tab. The file holds private words: keep it somewhere safe.",
                    "help",
                ),
                self.export_button,
                self.export_link,
                heading("Bring back a copy"),
                note("Choose a file you exported before. Nothing changes until you confirm.", "help"),
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
            ]
        )
        self.widget.add_class("wb-data")

    # -- export
    def prepare_export(self) -> None:
        people = self.session.store.export_people()
        stamp = self.session.today().isoformat()
        self.export_link.value = download_link(
            dumps(people).encode("utf-8"),
            f"reconnect-workbook-{stamp}.json",
            "application/json",
            f"Download reconnect-workbook-{stamp}.json ({len(people)} "
            f"{'person' if len(people) == 1 else 'people'})",
            "wb-export-download",
        )

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
        try:
            self.pending = parse_document(bytes(item["content"]))
        except WorkbookError as error:
            self._import_says(f"This file can't be imported: {error} Nothing was changed.", error=True)
            return
        existing = {n.casefold() for n in self.session.store.people()}
        rows = []
        for person in self.pending:
            state = "already here" if person.name.casefold() in existing else "new"
            rows.append(
                note(
                    f"{person.name} ({state}): {len(person.events)} events, "
                    f"{len(person.answers)} answers, {len(person.journal)} journal entries",
                    "help",
                )
            )
        self.preview.children = [
            note(
                f"This file holds {len(self.pending)} {'person' if len(self.pending) == 1 else 'people'}:",
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
        self.import_message.value = text
        (self.import_message.add_class if error else self.import_message.remove_class)("wb-error")

    # -- delete
    def ask_delete(self, what: str) -> None:
        if what == "person" and self.session.person is None:
            self.delete_message.value = "There is no one to delete."
            return
        self._deleting = what
        self.confirm_text.value = ""
        self.confirm_text.layout.display = None if what == "everything" else "none"
        self.confirm_prompt.value = (
            f"Delete {self.session.person} and everything you wrote about them?"
            if what == "person"
            else "Delete every person and everything you wrote? Type the words below to confirm."
        )
        self.confirm_box.layout.display = None

    def cancel_delete(self) -> None:
        self._deleting = None
        self.confirm_box.layout.display = "none"
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
        self.confirm_box.layout.display = "none"
        self.export_link.value = ""
        self.session.changed()
        self.delete_message.value = done
