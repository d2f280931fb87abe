"""Look and feel: one stylesheet, readable contrast, big enough targets, and a narrow-screen layout.

Widgets carry `wb-*` classes; this is the only place that says what they look like. The stylesheet
is fixed text (no user text ever goes into it), so an `HTML` widget is safe here.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as w

__all__ = ["download_link", "STYLE", "card", "heading", "note", "paragraph", "stylesheet"]

STYLE = """
<style>
.wb-app, .wb-section { max-width: 760px; font-size: 16px; line-height: 1.5; color: #1f2328; }
.wb-app { margin: 0 auto; padding: 8px; box-sizing: border-box; width: 100%; }
.wb-app *, .wb-section * { box-sizing: border-box; }
.wb-app .widget-label, .wb-section .widget-label { color: #1f2328; }
.wb-heading h2, .wb-heading h3 { margin: 12px 0 4px; color: #1f2328; }
.wb-prompt { font-weight: 600; white-space: normal !important; margin-top: 12px; }
.wb-help { color: #4b5563; white-space: normal !important; font-size: 14px; }
.wb-paragraph { white-space: normal !important; max-width: 720px; }
/* A Label is one 28px line by default: let the wrapping ones grow, or their second line is hidden. */
.wb-prompt.widget-label, .wb-help.widget-label, .wb-error.widget-label, .wb-saved.widget-label,
.wb-paragraph.widget-label, .wb-counter.widget-label { height: auto; line-height: 1.45; }
.wb-error { color: #b42318 !important; font-weight: 600; white-space: normal !important; }
.wb-saved { color: #166534 !important; font-size: 14px; }
.wb-card { border: 2px solid #d0d7de; border-radius: 10px; padding: 12px 16px; margin: 8px 0;
           background: #ffffff; }
.wb-band-title { font-size: 20px; font-weight: 700; }
.wb-counter { font-size: 15px; color: #374151; white-space: normal !important; }
.wb-issue { border-left: 4px solid #b45309; padding-left: 8px; margin: 4px 0; }
.wb-app .widget-text input, .wb-app textarea, .wb-section textarea, .wb-section input {
    font-size: 16px; }
.wb-app textarea, .wb-section textarea { min-height: 6em; }
.wb-app .widget-text, .wb-app .widget-textarea, .wb-section .widget-text,
.wb-section .widget-textarea { max-width: calc(100% - 4px); }
.wb-app button:focus-visible, .wb-section button:focus-visible,
.wb-app input:focus-visible, .wb-section input:focus-visible,
.wb-app textarea:focus-visible, .wb-section textarea:focus-visible {
    outline: 3px solid #1d4ed8; outline-offset: 2px; }
.wb-app .widget-button, .wb-section .widget-button { min-height: 40px; }
.wb-app .widget-radio-box label, .wb-section .widget-radio-box label { min-height: 28px; }
.wb-table { border-collapse: collapse; width: 100%; font-size: 14px; }
.wb-footer { border-top: 1px solid #d0d7de; margin-top: 16px; padding-top: 8px; font-size: 14px;
    color: #374151; }
.wb-routes { margin: 4px 0; padding-left: 20px; }
.wb-routes li { margin: 2px 0; }
.wb-source summary { cursor: pointer; color: #4b5563; font-size: 13px; }
.wb-support-card { border: 2px solid #5b4a8a; border-radius: 10px; padding: 10px 14px; margin: 8px 0;
    background: #f6f3ff; color: #1f2328; }
.wb-instead { border: 2px solid #5b4a8a; border-radius: 10px; padding: 10px 14px; margin: 8px 0;
    background: #f6f3ff; color: #1f2328; }
.wb-score-secondary { color: #4b5563; font-size: 14px; }
.wb-table td, .wb-table th { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left;
    vertical-align: top; }
@media (max-width: 600px) {
  .wb-app { padding: 4px; }
  .wb-app .widget-hbox.wb-wrap, .wb-section .widget-hbox.wb-wrap { flex-wrap: wrap; }
  .wb-app .widget-inline-hbox, .wb-section .widget-inline-hbox { flex-wrap: wrap; height: auto; }
  .wb-app .widget-inline-hbox .widget-label, .wb-section .widget-inline-hbox .widget-label {
      min-width: 0; width: 100%; }
  .wb-app .widget-tab > .p-TabBar .p-TabBar-tab, .wb-app .lm-TabBar-tab {
      min-width: 0 !important; flex: 1 1 auto; font-size: 13px; }
}
</style>
"""


def stylesheet() -> w.HTML:
    return w.HTML(STYLE)


def heading(text: str, level: int = 3) -> w.HTML:
    """A heading from fixed content text (never user text)."""
    import html

    return w.HTML(f"<h{level}>{html.escape(text)}</h{level}>").add_class("wb-heading")


def paragraph(text: str) -> w.Label:
    """Running text: a Label renders it as text, so it is safe for user words too."""
    label = w.Label(text)
    label.add_class("wb-paragraph")
    return label


def note(text: str = "", kind: str = "help") -> w.Label:
    label = w.Label(text)
    label.add_class(f"wb-{kind}")
    return label


def card(*children: w.Widget) -> w.VBox:
    box = w.VBox(list(children))
    box.add_class("wb-card")
    return box


def download_link(data: bytes, filename: str, mime: str, caption: str, css_class: str) -> str:
    """An <a download> link holding the file itself, as base64: Voila has no download widget.

    The file name and caption are escaped; the bytes never reach the page as markup."""
    payload = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="wb-download {html.escape(css_class)}" download="{html.escape(filename)}" '
        f'href="data:{html.escape(mime)};base64,{payload}">{html.escape(caption)}</a>'
    )
