"""Look and feel: one stylesheet, readable contrast, big enough targets, and a narrow-screen layout.

Widgets carry `wb-*` classes; this is the only place that says what they look like. The stylesheet
is fixed text (no user text ever goes into it), so an `HTML` widget is safe here.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as w

__all__ = [
    "DARK",
    "DARK_BANDS",
    "LIGHT",
    "STYLE",
    "THEME",
    "download_link",
    "heading",
    "note",
    "stylesheet",
]

STYLE = """
<style>
.wb-app, .wb-section { max-width: 760px; font-size: 16px; line-height: 1.5; color: var(--wb-text); }
.wb-app { margin: 0 auto; padding: 8px; box-sizing: border-box; width: 100%; }
.wb-app *, .wb-section * { box-sizing: border-box; }
.wb-app .widget-label, .wb-section .widget-label { color: var(--wb-text); }
.wb-heading h2, .wb-heading h3 { margin: 12px 0 4px; color: var(--wb-text); }
.wb-prompt { font-weight: 600; white-space: normal !important; margin-top: 12px; }
.wb-help { color: var(--wb-muted); white-space: normal !important; font-size: 14px; }
.wb-paragraph { white-space: normal !important; max-width: 720px; }
/* A Label is one 28px line by default: let the wrapping ones grow, or their second line is hidden. */
.wb-prompt.widget-label, .wb-help.widget-label, .wb-error.widget-label, .wb-saved.widget-label,
.wb-paragraph.widget-label, .wb-counter.widget-label { height: auto; line-height: 1.45; }
.wb-error { color: var(--wb-error) !important; font-weight: 600; white-space: normal !important; }
.wb-saved { color: var(--wb-saved) !important; font-size: 14px; }
.wb-card { border: 2px solid var(--wb-border); border-radius: 10px; padding: 12px 16px; margin: 8px 0;
           background: var(--wb-surface); }
.wb-band-title { font-size: 20px; font-weight: 700; }
.wb-counter { font-size: 15px; color: var(--wb-soft); white-space: normal !important; }
.wb-issue { border-left: 4px solid var(--wb-warn-border); padding-left: 8px; margin: 4px 0; }
.wb-app .widget-text input, .wb-app textarea, .wb-section textarea, .wb-section input {
    font-size: 16px; }
.wb-app textarea, .wb-section textarea { min-height: 6em; }
.wb-app .widget-text, .wb-app .widget-textarea, .wb-section .widget-text,
.wb-section .widget-textarea { max-width: calc(100% - 4px); }
.wb-app button:focus-visible, .wb-section button:focus-visible,
.wb-app input:focus-visible, .wb-section input:focus-visible,
.wb-app textarea:focus-visible, .wb-section textarea:focus-visible,
.wb-app select:focus-visible, .wb-section select:focus-visible,
.wb-app a:focus-visible, .wb-section a:focus-visible,
.wb-app summary:focus-visible, .wb-section summary:focus-visible {
    outline: 3px solid var(--wb-focus); outline-offset: 2px; }
.wb-app .widget-button, .wb-section .widget-button { min-height: 40px; }
/* A choice wraps onto a second line on a phone: its row grows with it instead of running into the
   next one (ipywidgets gives each a fixed height). */
.wb-app .widget-radio-box label, .wb-section .widget-radio-box label {
    min-height: 28px; height: auto; white-space: normal; line-height: 1.4; padding: 3px 0; }
.wb-table { border-collapse: collapse; width: 100%; font-size: 14px; }
.wb-footer { border-top: 1px solid var(--wb-border); margin-top: 16px; padding-top: 8px; font-size: 14px;
    color: var(--wb-soft); }
.wb-routes { margin: 4px 0; padding-left: 20px; }
.wb-routes li { margin: 2px 0; }
.wb-source summary { cursor: pointer; color: var(--wb-muted); font-size: 13px; }
.wb-support-card { border: 2px solid var(--wb-support-border); border-radius: 10px; padding: 10px 14px;
    margin: 8px 0; background: var(--wb-support-bg); color: var(--wb-text); }
.wb-instead { border: 2px solid var(--wb-support-border); border-radius: 10px; padding: 10px 14px;
    margin: 8px 0; background: var(--wb-support-bg); color: var(--wb-text); }
.wb-score-secondary { color: var(--wb-muted); font-size: 14px; }
.wb-table td, .wb-table th { border-bottom: 1px solid var(--wb-rule); padding: 4px 6px; text-align: left;
    vertical-align: top; }
/* Fields get a border that can be seen (3:1), light or dark, also inside JupyterLab. */
.wb-app, .wb-section { --jp-widgets-input-border-color: var(--wb-control-border);
    --jp-widgets-input-background-color: var(--wb-surface); --jp-widgets-input-color: var(--wb-text);
    --jp-widgets-input-focus-border-color: var(--wb-focus); }
/* Links are underlined, so they are told apart by more than colour (axe: link-in-text-block). */
.wb-app a, .wb-section a { color: var(--wb-link); text-decoration: underline; }
.wb-app a:visited, .wb-section a:visited { color: var(--wb-link); }
/* The step notebooks' own prose, as Voila shows it (JupyterLab keeps its own look for it). */
body[data-voila] .jp-RenderedHTMLCommon a { color: var(--wb-link); text-decoration: underline; }
/* The theme's own fills for ipywidgets' coloured buttons: JupyterLab's warning orange and its
   dark theme's blue fail 4.5:1 with white text. */
.wb-app .jupyter-button, .wb-section .jupyter-button { background-color: var(--wb-button);
    color: var(--wb-text); }
.wb-app .jupyter-button.mod-active, .wb-section .jupyter-button.mod-active {
    background-color: var(--wb-button-active); }
.wb-app .jupyter-button.mod-primary, .wb-section .jupyter-button.mod-primary {
    background-color: var(--wb-primary); color: var(--wb-on-accent); }
.wb-app .jupyter-button.mod-danger, .wb-section .jupyter-button.mod-danger {
    background-color: var(--wb-danger); color: var(--wb-on-accent); }
.wb-app .jupyter-button.mod-warning, .wb-section .jupyter-button.mod-warning {
    background-color: var(--wb-warning); color: var(--wb-on-accent); }
.wb-app .jupyter-button:disabled, .wb-section .jupyter-button:disabled { opacity: 0.6; }
/* Inline colours set in the views (fixed text), brought into the theme. */
.wb-event-line { border-top-color: var(--wb-rule) !important; }
.wb-event-flag { color: var(--wb-warn) !important; }
/* The charts come in a light and a dark picture (workbook/chart.py's palettes): show the one that
   matches the page, by the same rules as the colours above. A <picture> media query alone cannot
   follow JupyterLab's theme, which is not the OS's. */
.wb-chart-picture { display: block; }
.wb-chart-dark { display: none; }
@media (prefers-color-scheme: dark) {
  body[data-voila] .wb-chart-light { display: none; }
  body[data-voila] .wb-chart-dark { display: block; }
}
body[data-jp-theme-light="false"] .wb-chart-light { display: none; }
body[data-jp-theme-light="false"] .wb-chart-dark { display: block; }
/* --- fields and landmarks (fields.py, aria.py) ---
   A field is one column: the question (the input's own <label for>, from its `description`), the
   help, the input, its message. The input's widget box is `display: contents`, so its label and
   input sit in the field's column and the help can come between them (`order`); the label keeps
   pointing at the input. The question wraps, full width, never cut off with an ellipsis. */
.wb-field { margin-top: 12px; max-width: 100%; }
/* Only the input's own box: a Label (the help, the message) carries `widget-inline-hbox` too, and
   would lose its place in the column if it were unwrapped. */
.wb-field > .widget-inline-hbox:not(.widget-label), .wb-field > .widget-radio { display: contents; }
/* A checkbox's own label wraps instead of being cut at ipywidgets' 300px. */
.wb-app .widget-checkbox, .wb-section .widget-checkbox {
    width: auto !important; max-width: 100%; height: auto; }
.wb-app .widget-checkbox label, .wb-section .widget-checkbox label {
    white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.4; }
.wb-field > * > .widget-label, .wb-field > .wb-legend { order: 1; }
.wb-field > .wb-help { order: 2; }
.wb-field > * > :not(.widget-label), .wb-field > .widget-vbox { order: 3; }
.wb-field > .wb-saved, .wb-field > .wb-error { order: 4; }
.wb-field > * > .widget-label, .wb-field > .wb-legend.widget-label {
    font-weight: 600; white-space: normal !important; width: 100% !important; max-width: none;
    min-width: 0; height: auto; line-height: 1.45; text-align: left; overflow: visible;
    text-overflow: clip; margin: 0 0 4px; padding: 0; flex: 0 0 auto; }
.wb-field > * > input, .wb-field > * > textarea, .wb-field > * > select,
.wb-field > * > .widget-radio-box { flex: 0 0 auto; margin: 0; max-width: 100%; }
.wb-field > * > input[type="date"], .wb-field > * > input[type="time"],
.wb-field > * > input[type="number"], .wb-field > * > select {
    align-self: flex-start; width: auto; min-width: 12em; }
.wb-field > .wb-saved, .wb-field > .wb-error { margin-top: 2px; }
/* Focus seen on every control: ipywidgets' own rules drop the outline of text boxes and lists
   (a 1px border colour instead) and thin the buttons' to 1px, with selectors that outrank ours. */
.wb-app :is(button, input, textarea, select, a, summary):focus-visible,
.wb-section :is(button, input, textarea, select, a, summary):focus-visible {
    outline: 3px solid var(--wb-focus) !important; outline-offset: 2px; }
/* The step shown is the page's h2 (the title is its h1). */
.wb-step-page .wb-heading h2 { font-size: 22px; margin: 8px 0 0; }
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


# Light and dark: one set of named colours (`--wb-*`), light by default, dark when the page is dark.
# "Dark" means: in Voila (standalone, and Binder's /voila/render/...), the OS asks for it
# (`prefers-color-scheme`); in JupyterLab, its theme is dark (`data-jp-theme-light="false"`, which
# also covers Voila started with `--theme=dark`). Voila's own `theme` option is fixed per server,
# so only the media query can follow each visitor's OS. Every pair passes WCAG AA (4.5:1 for text,
# 3:1 for borders and focus rings); docs/accessibility.md has the figures.
LIGHT = {
    "bg": "#ffffff",  # the page
    "surface": "#ffffff",  # cards
    "text": "#1f2328",
    "muted": "#4b5563",  # help text
    "soft": "#374151",  # counters, footer
    "border": "#d0d7de",  # card outlines (decoration)
    "control-border": "#6e7781",  # around inputs: 3:1 on the page, so a field can be found
    "rule": "#e5e7eb",  # table lines
    "error": "#b42318",
    "saved": "#166534",
    "warn": "#9a3412",  # warning text
    "warn-border": "#b45309",
    "link": "#0b5cad",
    "focus": "#1d4ed8",
    "primary": "#1a66d8",  # filled buttons, white text on them
    "danger": "#b3261e",
    "warning": "#a15c00",
    "on-accent": "#ffffff",
    "button": "#eef1f4",
    "button-active": "#c9d1d9",
    "support-bg": "#f6f3ff",
    "support-border": "#5b4a8a",
}
DARK = {
    "bg": "#0d1117",
    "surface": "#161b22",
    "text": "#e6edf3",
    "muted": "#adb6c1",
    "soft": "#b1bac4",
    "border": "#3d444d",
    "control-border": "#7d8590",
    "rule": "#30363d",
    "error": "#ff938a",
    "saved": "#56d364",
    "warn": "#ffa657",
    "warn-border": "#d29922",
    "link": "#79b8ff",
    "focus": "#58a6ff",
    "primary": "#1a66d8",
    "danger": "#b3261e",
    "warning": "#8a5a00",
    "on-accent": "#ffffff",
    "button": "#21262d",
    "button-active": "#3d444d",
    "support-bg": "#221b35",
    "support-border": "#a78bfa",
}
# The readiness bands' colours (data/guidance.toml) are chosen for a white page; on a dark one each
# gets a lighter tint of its hue (the card sets the light one inline, so these override it).
DARK_BANDS = {
    "safety_first": "#f0b3d0",
    "respect_their_wishes": "#c4b5fd",
    "ball_in_their_court": "#e3b341",
    "not_yet": "#ffa657",
    "keep_going": "#56d364",
    "wait": "#79c0ff",
    "reach_out": "#5eead4",
}


def _widget_variables(c: dict[str, str]) -> str:
    """ipywidgets' and JupyterLab's own variables, for Voila, whose light template hard-codes them.

    The `--jp-widgets-*` ones are declared again (not only the `--jp-*` they are made of): a custom
    property is resolved where it is declared, on :root, so overriding its parts on body is not enough.
    """
    pairs = {
        "--jp-layout-color0": c["bg"],
        "--jp-layout-color1": c["bg"],
        "--jp-layout-color2": c["button"],
        "--jp-layout-color3": c["button-active"],
        "--jp-layout-color4": c["control-border"],
        "--jp-ui-font-color0": c["text"],
        "--jp-ui-font-color1": c["text"],
        "--jp-ui-font-color2": c["muted"],
        "--jp-ui-font-color3": c["muted"],
        "--jp-content-font-color0": c["text"],
        "--jp-content-font-color1": c["text"],
        "--jp-content-font-color2": c["muted"],
        "--jp-content-font-color3": c["muted"],
        "--jp-content-link-color": c["link"],
        "--jp-border-color0": c["control-border"],
        "--jp-border-color1": c["control-border"],
        "--jp-border-color2": c["border"],
        "--jp-border-color3": c["rule"],
        "--jp-brand-color1": c["primary"],
        "--jp-brand-color2": c["focus"],
        "--jp-rendermime-table-row-background": c["surface"],
        "--jp-rendermime-table-row-hover-background": c["button"],
        "--jp-widgets-color": c["text"],
        "--jp-widgets-label-color": c["text"],
        "--jp-widgets-readout-color": c["text"],
        "--jp-widgets-input-color": c["text"],
        "--jp-widgets-input-background-color": c["surface"],
        "--jp-widgets-input-border-color": c["control-border"],
        "--jp-widgets-input-focus-border-color": c["focus"],
        "--jp-widgets-slider-handle-background-color": c["surface"],
        "--jp-widgets-slider-handle-border-color": c["control-border"],
        "--jp-widgets-slider-active-handle-color": c["focus"],
    }
    return "".join(f"{name}: {value}; " for name, value in pairs.items())


def _own_variables(c: dict[str, str]) -> str:
    return "".join(f"--wb-{name}: {value}; " for name, value in c.items())


def _dark_rules(scope: str) -> str:
    """What only a dark page needs: the bands' tints over the card's inline colour."""
    rules = [f"{scope} {{ {_own_variables(DARK)}}}"]
    for band, colour in DARK_BANDS.items():
        rules.append(
            f"{scope} .wb-band-{band} {{ border-left-color: {colour} !important; }}\n"
            f"{scope} .wb-band-{band} .wb-band-title {{ color: {colour} !important; }}"
        )
    return "\n".join(rules)


THEME = f"""
<style>
:root {{ {_own_variables(LIGHT)}}}
@media (prefers-color-scheme: dark) {{
{_dark_rules("body[data-voila]")}
body[data-voila] {{ color-scheme: dark; background: {DARK["bg"]}; {_widget_variables(DARK)}}}
}}
{_dark_rules('body[data-jp-theme-light="false"]')}
body[data-jp-theme-light="false"] {{ color-scheme: dark; }}
</style>
"""


def stylesheet() -> w.HTML:
    """The theme's colours and the app's stylesheet, in one widget at the top of every page."""
    return w.HTML(THEME + STYLE)


def heading(text: str, level: int = 3) -> w.HTML:
    """A heading from fixed content text (never user text)."""
    import html

    return w.HTML(f"<h{level}>{html.escape(text)}</h{level}>").add_class("wb-heading")


def note(text: str = "", kind: str = "help") -> w.Label:
    label = w.Label(text)
    label.add_class(f"wb-{kind}")
    return label


def download_link(data: bytes, filename: str, mime: str, caption: str, css_class: str) -> str:
    """An <a download> link holding the file itself, as base64: Voila has no download widget.

    The file name and caption are escaped; the bytes never reach the page as markup."""
    payload = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="wb-download {html.escape(css_class)}" download="{html.escape(filename)}" '
        f'href="data:{html.escape(mime)};base64,{payload}">{html.escape(caption)}</a>'
    )
