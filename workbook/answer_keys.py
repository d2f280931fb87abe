"""Keys the workbook stores among a person's answers that are not questions in data/questions.toml.

They travel in the export file (`answers`), so `transfer`, the views and the tests name them from
here, never by retyping the string. A question id may never use one (content/questionnaire.py).
"""

from __future__ import annotations

__all__ = ["DRAFT_ID", "JOURNAL_DRAFT_ID", "READY_AT_ID", "RESERVED"]

DRAFT_ID = "message_draft"  # the message being written in step 6, saved as typed
READY_AT_ID = "message_ready_at"  # when the person said the draft was ready: the pause starts then
JOURNAL_DRAFT_ID = "journal_draft"  # journal words being written, kept until "Keep it"

RESERVED = frozenset({DRAFT_ID, READY_AT_ID, JOURNAL_DRAFT_ID})
