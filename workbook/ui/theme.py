"""Look and feel: one stylesheet, readable contrast, big enough targets, and a narrow-screen layout.

Widgets carry `wb-*` classes; this is the only place that says what they look like. The stylesheet
is fixed text (no user text ever goes into it), so an `HTML` widget is safe here.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from typing import Any

from . import widgets as w

__all__ = [
    "band_colours",
    "DARK",
    "DARK_BANDS",
    "LIGHT",
    "STYLE",
    "THEME",
    "TOKENS",
    "download_link",
    "heading",
    "note",
    "stylesheet",
]

STYLE = """
<style>
/* ---- the page: one column on a phone, a step and a side column on a desktop ------------------
   Every size, colour and gap below is a named variable (THEME): the type scale --wb-size-*, the
   spacing --wb-space-*, the colours --wb-* of the light and the dark theme. */
.wb-stylesheet { display: none !important; }
/* Shown or hidden by a class on the widget itself (widgets.show): layouts are shared. */
.wb-hidden { display: none !important; }
.wb-app, .wb-section { font-size: var(--wb-size-md); line-height: 1.5; color: var(--wb-text); }
.wb-section { max-width: 760px; }
.wb-app { max-width: 760px; margin: 0 auto; padding: var(--wb-space-2) var(--wb-space-3);
    box-sizing: border-box; width: 100%; overflow: visible; }
.wb-app *, .wb-section * { box-sizing: border-box; }
/* Sticky parts (the step's bar, the desktop's card) stick to the page Voila scrolls
   (#rendered_cells): every box between them and it lets them through (ipywidgets' boxes and the
   output area scroll by themselves, which would pin them to a box that never moves). */
.wb-app .widget-box.wb-main, .wb-app .widget-box.wb-step-page,
.wb-section.widget-box, .wb-section .widget-box.wb-form { overflow: visible; }
body[data-voila] .jp-OutputArea:has(.wb-app, .wb-sticky),
body[data-voila] .jp-OutputArea-child:has(.wb-app, .wb-sticky),
body[data-voila] .jp-OutputArea-output:has(.wb-app, .wb-sticky) { overflow: visible; }
.wb-app .widget-label, .wb-section .widget-label { color: var(--wb-text); }
/* ipywidgets sets an HTML widget's line height to its 28px row: prose needs its own. */
.wb-app .widget-html-content, .wb-section .widget-html-content { line-height: 1.5; }

/* ---- type ------------------------------------------------------------------------------------ */
.wb-header h1 { font-size: var(--wb-size-2xl); line-height: 1.2; margin: var(--wb-space-1) 0; }
.wb-heading h2, .wb-heading h3 { margin: var(--wb-space-3) 0 var(--wb-space-1); color: var(--wb-text);
    line-height: 1.3; }
.wb-heading h2 { font-size: var(--wb-size-xl); }
.wb-heading h3 { font-size: var(--wb-size-lg); }
.wb-heading h4 { font-size: var(--wb-size-md); margin: var(--wb-space-3) 0 var(--wb-space-1); }
.wb-prompt { font-weight: 600; white-space: normal !important; margin-top: var(--wb-space-3); }
.wb-help { color: var(--wb-muted); white-space: normal !important; font-size: var(--wb-size-sm); }
.wb-paragraph { white-space: normal !important; max-width: 720px; }
.wb-header .wb-help { margin: 0; line-height: 1.4; }
/* A Label is one 28px line by default: let the wrapping ones grow, or their second line is hidden. */
.wb-prompt.widget-label, .wb-help.widget-label, .wb-error.widget-label, .wb-saved.widget-label,
.wb-paragraph.widget-label, .wb-counter.widget-label { height: auto; line-height: 1.45; }
.wb-error { color: var(--wb-error) !important; font-weight: 600; white-space: normal !important; }
.wb-saved { color: var(--wb-saved) !important; font-size: var(--wb-size-sm); }
.wb-counter { font-size: var(--wb-size-sm); color: var(--wb-soft); white-space: normal !important; }
.wb-score-secondary { color: var(--wb-muted); font-size: var(--wb-size-sm); }
.wb-pre-wrap { white-space: pre-wrap; }

/* ---- cards and notes -------------------------------------------------------------------------- */
.wb-card { border: 1px solid var(--wb-border); border-radius: var(--wb-radius); padding: var(--wb-space-3)
    var(--wb-space-4); margin: var(--wb-space-2) 0; background: var(--wb-surface); }
.wb-issue { border-left: 4px solid var(--wb-warn-border); padding-left: var(--wb-space-2);
    margin: var(--wb-space-1) 0; }
.wb-support-card, .wb-instead { border: 2px solid var(--wb-support-border); border-radius: var(--wb-radius);
    padding: var(--wb-space-3) var(--wb-space-4); margin: var(--wb-space-2) 0;
    background: var(--wb-support-bg); color: var(--wb-text); }
.wb-table { border-collapse: collapse; width: 100%; font-size: var(--wb-size-sm); }
.wb-table td, .wb-table th { border-bottom: 1px solid var(--wb-rule); padding: var(--wb-space-1) 6px;
    text-align: left; vertical-align: top; }
.wb-footer { border-top: 1px solid var(--wb-border); margin-top: var(--wb-space-4);
    padding-top: var(--wb-space-2); font-size: var(--wb-size-sm); color: var(--wb-soft); }
.wb-routes { margin: var(--wb-space-1) 0; padding-left: 20px; }
.wb-routes li { margin: 2px 0; }
.wb-source summary { cursor: pointer; color: var(--wb-muted); font-size: var(--wb-size-xs); }
.wb-event-line { border-top: 1px solid var(--wb-rule); padding-top: 6px; }
.wb-binder-notice h2 { margin: var(--wb-space-1) 0; font-size: var(--wb-size-lg); }
.wb-event-flag { color: var(--wb-warn); }

/* ---- the readiness card ------------------------------------------------------------------------
   The band's colour is used twice, sparingly: the stripe and the title. Each band sets --wb-band
   (THEME, from data/guidance.toml; a lighter tint on a dark page). */
.wb-card-body { border-left: 6px solid var(--wb-band, var(--wb-border)); padding-left: var(--wb-space-3); }
.wb-band-title { font-size: var(--wb-size-lg); font-weight: 700; line-height: 1.3;
    color: var(--wb-band, var(--wb-text)); }
.wb-card-body p { margin: var(--wb-space-2) 0; }
/* Compact (the dashboard's): who it is for, the band, two lines of the next step, and the rest one
   tap away. The two lines are kept even when the step is shorter, so nothing under the card moves
   when it changes. */
.wb-readiness.wb-compact { border-left: 6px solid var(--wb-band, var(--wb-border));
    padding: var(--wb-space-3); }
.wb-compact .wb-card-body { border-left: none; padding-left: 0; }
.wb-compact .wb-for { font-size: var(--wb-size-xs); color: var(--wb-muted);
    white-space: nowrap !important; overflow: hidden; text-overflow: ellipsis; }
.wb-compact .wb-next-step { margin: var(--wb-space-1) 0 0; font-size: var(--wb-size-sm); line-height: 1.45;
    min-height: calc(2 * 1.45em); }
.wb-compact:not(.wb-open) .wb-next-step { display: -webkit-box; -webkit-box-orient: vertical;
    -webkit-line-clamp: 2; line-clamp: 2; overflow: hidden; }
.wb-compact:not(.wb-open) .wb-card-details { display: none; }
.wb-compact .wb-card-details { font-size: var(--wb-size-sm); }
.wb-compact .wb-card-details .wb-instead { margin-top: 0; }
.wb-app .jupyter-button.wb-disclosure, .wb-section .jupyter-button.wb-disclosure {
    align-self: flex-start; min-height: 32px; margin-top: var(--wb-space-2); padding: 2px var(--wb-space-3);
    font-size: var(--wb-size-sm); }
.wb-app .jupyter-button.wb-disclosure::after { content: ""; width: 7px; height: 7px; margin-left: 8px;
    border-right: 2px solid currentColor; border-bottom: 2px solid currentColor; transform: translateY(-2px)
    rotate(45deg); display: inline-block; }
.wb-app .jupyter-button.wb-disclosure.mod-active::after { transform: translateY(2px) rotate(-135deg); }

/* ---- buttons: one family. ipywidgets' grey defaults and JupyterLab's orange and blue fills
   (which fail 4.5:1 with white text) are replaced by the theme's. ------------------------------ */
.wb-app .jupyter-button, .wb-section .jupyter-button {
    width: auto; max-width: 100%; height: auto; min-height: var(--wb-control-height);
    padding: 6px var(--wb-space-4); margin: 2px var(--wb-space-2) 2px 0; border: 1px solid var(--wb-border);
    border-radius: var(--wb-radius-sm); background: var(--wb-button); color: var(--wb-text); box-shadow: none;
    font-size: var(--wb-size-sm); font-weight: 600; line-height: 1.3; white-space: normal; overflow: visible;
    text-overflow: clip; cursor: pointer; }
.wb-app .jupyter-button:hover:enabled, .wb-section .jupyter-button:hover:enabled {
    background: var(--wb-button-hover); box-shadow: none; }
.wb-app .jupyter-button:active:enabled, .wb-section .jupyter-button:active:enabled,
.wb-app .jupyter-button.mod-active, .wb-section .jupyter-button.mod-active {
    background: var(--wb-button-active); box-shadow: none; }
.wb-app .jupyter-button.mod-primary, .wb-section .jupyter-button.mod-primary,
.wb-app .jupyter-button.mod-success, .wb-section .jupyter-button.mod-success {
    background: var(--wb-primary); border-color: var(--wb-primary); color: var(--wb-on-accent); }
.wb-app .jupyter-button.mod-primary:hover:enabled, .wb-section .jupyter-button.mod-primary:hover:enabled,
.wb-app .jupyter-button.mod-success:hover:enabled, .wb-section .jupyter-button.mod-success:hover:enabled {
    background: var(--wb-primary-hover); }
.wb-app .jupyter-button.mod-danger, .wb-section .jupyter-button.mod-danger {
    background: var(--wb-danger); border-color: var(--wb-danger); color: var(--wb-on-accent); }
.wb-app .jupyter-button.mod-warning, .wb-section .jupyter-button.mod-warning {
    background: var(--wb-warning); border-color: var(--wb-warning); color: var(--wb-on-accent); }
.wb-app .jupyter-button:disabled, .wb-section .jupyter-button:disabled { opacity: 0.55; cursor: default; }
.wb-app .jupyter-button i.fa, .wb-section .jupyter-button i.fa { margin-right: 6px; }
.wb-app .widget-toggle-button, .wb-section .widget-toggle-button { width: auto; }
/* A button in a column keeps its own width (a column would stretch it across the page). */
.wb-app .widget-vbox > .jupyter-button, .wb-section .widget-vbox > .jupyter-button { align-self: flex-start; }

/* ---- inputs: the same family (border, radius, height), a border that can be seen (3:1) ------- */
.wb-app, .wb-section { --jp-widgets-input-border-color: var(--wb-control-border);
    --jp-widgets-input-background-color: var(--wb-surface); --jp-widgets-input-color: var(--wb-text);
    --jp-widgets-input-focus-border-color: var(--wb-focus); }
.wb-app .jupyter-widgets :is(input[type="text"], input[type="password"], input[type="number"],
    input[type="date"], input[type="time"], select, textarea),
.wb-section .jupyter-widgets :is(input[type="text"], input[type="password"], input[type="number"],
    input[type="date"], input[type="time"], select, textarea) {
    font-size: 16px; padding: 6px 10px; border: 1px solid var(--wb-control-border);
    border-radius: var(--wb-radius-sm); background-color: var(--wb-surface); color: var(--wb-text); }
.wb-app .jupyter-widgets :is(input[type="text"], input[type="password"], input[type="number"],
    input[type="date"], input[type="time"], select),
.wb-section .jupyter-widgets :is(input[type="text"], input[type="password"], input[type="number"],
    input[type="date"], input[type="time"], select) {
    min-height: var(--wb-control-height); height: var(--wb-control-height); flex: 0 0 auto; }
.wb-app .jupyter-widgets textarea, .wb-section .jupyter-widgets textarea {
    min-height: 6em; padding: var(--wb-space-2) 10px; line-height: 1.5; }
.wb-app .jupyter-widgets select, .wb-section .jupyter-widgets select { padding-right: 28px; }
.wb-app input[type="radio"], .wb-section input[type="radio"],
.wb-app input[type="checkbox"], .wb-section input[type="checkbox"] { accent-color: var(--wb-primary);
    width: 18px; height: 18px; }
.wb-app .widget-text, .wb-app .widget-textarea, .wb-section .widget-text,
.wb-section .widget-textarea { max-width: calc(100% - 4px); }
/* A text box whose question is on its left (the passphrases) reads like every other field: the
   question above, the box under it, across the column. */
.wb-app .widget-text:has(> input[type="password"]),
.wb-section .widget-text:has(> input[type="password"]) { flex-direction: column; align-items: stretch;
    height: auto; max-width: calc(100% - 4px); }  /* its 2px margins inside the column, border shown */
.wb-app .widget-text:has(> input[type="password"]) > .widget-label,
.wb-section .widget-text:has(> input[type="password"]) > .widget-label {
    width: auto !important; max-width: none; font-weight: 600; height: auto; line-height: 1.45;
    white-space: normal; text-align: left; margin: var(--wb-space-3) 0 var(--wb-space-1); }
/* A choice wraps onto a second line on a phone: its row grows with it instead of running into the
   next one (ipywidgets gives each a fixed height). */
.wb-app .widget-radio-box label, .wb-section .widget-radio-box label {
    min-height: 28px; height: auto; white-space: normal; line-height: 1.4; padding: 3px 0;
    display: flex; align-items: center; gap: 6px; }
.wb-app .widget-radio-box label input, .wb-section .widget-radio-box label input {
    order: -1; margin: 0 2px 0 1px; flex: none; }
/* Links are underlined, so they are told apart by more than colour (axe: link-in-text-block). */
.wb-app a, .wb-section a { color: var(--wb-link); text-decoration: underline; }
.wb-app a:visited, .wb-section a:visited { color: var(--wb-link); }
/* The step notebooks' own prose, as Voila shows it (JupyterLab keeps its own look for it). */
body[data-voila] .jp-RenderedHTMLCommon a { color: var(--wb-link); text-decoration: underline; }
body[data-voila] .jp-RenderedHTMLCommon { color: var(--wb-text); }

/* ---- the dashboard's parts -------------------------------------------------------------------- */
.wb-app .wb-person-panel .wb-person-row, .wb-section .wb-person-panel .wb-person-row {
    align-items: flex-end; flex-wrap: wrap; gap: var(--wb-space-2) 0; }
.wb-person-panel .wb-person-select { flex: 1 1 7em; min-width: 7em; max-width: 100%; width: auto;
    flex-direction: column; align-items: stretch; height: auto; margin: 0 var(--wb-space-2) 0 0; }
.wb-person-panel .wb-person-select > .widget-label { width: auto !important; font-size: var(--wb-size-sm);
    font-weight: 600; height: auto; line-height: 1.4; margin: 0 0 2px; text-align: left; }
.wb-person-panel .wb-person-select > select { width: 100%; }
.wb-person-panel .jupyter-button { margin-bottom: 0; }
.wb-counter { margin-top: var(--wb-space-1); }
/* The stepper: one row that scrolls sideways when it does not fit (a phone), never three rows.
   Each step says where the person stands in it by a shape (an empty ring, a ring with a dot, a
   half-filled ring, a filled ring with a tick) and, to a screen reader, in words (aria.py). */
.wb-app .wb-stepper { flex-wrap: nowrap; overflow-x: auto; overflow-y: hidden; gap: 2px; padding: 3px;
    margin: var(--wb-space-2) 0; border-radius: var(--wb-radius); background: var(--wb-sunken);
    scrollbar-width: thin; -webkit-overflow-scrolling: touch; }
.wb-app .wb-stepper .jupyter-button { flex: 0 0 auto; margin: 0; border-color: transparent;
    background: transparent; padding: 6px 12px 6px 10px; white-space: nowrap; display: inline-flex;
    align-items: center; gap: 8px; }
.wb-app .wb-stepper .jupyter-button:hover:enabled { background: var(--wb-button-hover); }
.wb-app .wb-stepper .jupyter-button::before { content: ""; flex: none; width: 14px; height: 14px;
    border-radius: 50%; border: 2px solid var(--wb-muted); box-sizing: border-box; }
.wb-app .wb-stepper .wb-status-visited::before {
    background: radial-gradient(circle, var(--wb-muted) 0 2px, transparent 2.5px); }
.wb-app .wb-stepper .wb-status-started::before { border-color: var(--wb-primary);
    background: linear-gradient(90deg, var(--wb-primary) 50%, transparent 50%); }
.wb-app .wb-stepper .wb-status-complete::before { border-color: var(--wb-primary);
    background: var(--wb-primary) var(--wb-tick) center / 10px no-repeat; }
.wb-app .wb-stepper .jupyter-button.wb-current { background: var(--wb-surface);
    border-color: var(--wb-primary); box-shadow: inset 0 -3px 0 var(--wb-primary); }
/* The step's own bar: where it sits, and whose answers are being saved, kept in view. */
/* Stuck, it covers what scrolls under it, up to the page's edge: the page's own padding above it
   (where a sticky box stops) and a little on each side. */
.wb-sticky { position: sticky; top: 0; z-index: 3; background: var(--wb-bg);
    box-shadow: 0 -12px 0 var(--wb-bg), -8px 0 0 var(--wb-bg), 8px 0 0 var(--wb-bg); }
.wb-step-bar { background: var(--wb-bg); border-bottom: 1px solid var(--wb-rule); padding: 6px 0;
    min-height: 34px; flex-wrap: nowrap; gap: var(--wb-space-3); align-items: center; overflow: hidden; }
.wb-step-bar .widget-label { height: auto; line-height: 1.4; font-size: var(--wb-size-sm); margin: 0;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wb-step-bar .wb-position { flex: none; color: var(--wb-soft); font-weight: 600; }
.wb-step-bar .wb-about { flex: 0 1 auto; min-width: 0; margin-left: auto; color: var(--wb-muted); }
.wb-about.widget-label { font-size: var(--wb-size-sm); color: var(--wb-muted); height: auto; line-height: 1.4;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wb-section > .wb-about.wb-sticky { background: var(--wb-bg); padding: var(--wb-space-1) 0;
    border-bottom: 1px solid var(--wb-rule); }
.wb-step-page .wb-heading h2 { margin: var(--wb-space-3) 0 0; }
.wb-app .jupyter-button.wb-next { margin-top: var(--wb-space-5); align-self: flex-start; }
.wb-app .jupyter-button.wb-next::after { content: "\\2192"; content: "\\2192" / "";
    margin-left: var(--wb-space-2); }
.wb-next-link { margin: var(--wb-space-5) 0 var(--wb-space-2); }
/* The link to the next step looks like the dashboard's "Next" button: it does the same. */
.jp-RenderedHTMLCommon .wb-next-link a.wb-next-step-link, .wb-next-link a.wb-next-step-link {
    display: inline-flex; align-items: center;
    min-height: var(--wb-control-height); padding: 6px var(--wb-space-4);
    border-radius: var(--wb-radius-sm); background: var(--wb-primary);
    color: var(--wb-on-accent); font-weight: 600; text-decoration: none; }
.jp-RenderedHTMLCommon .wb-next-link a.wb-next-step-link:visited { color: var(--wb-on-accent); }
.jp-RenderedHTMLCommon .wb-next-link a.wb-next-step-link:hover { background: var(--wb-primary-hover); }
.jp-RenderedHTMLCommon .wb-next-link a.wb-next-step-link::after { content: "\\2192"; content: "\\2192" / "";
    margin-left: var(--wb-space-2); }
.wb-next-link .wb-position { display: block; font-size: var(--wb-size-sm); color: var(--wb-soft);
    margin-bottom: var(--wb-space-1); }

/* ---- the charts come in a light and a dark picture (workbook/chart.py's palettes): show the one
   that matches the page, by the same rules as the colours. A <picture> media query alone cannot
   follow JupyterLab's theme, which is not the OS's. ------------------------------------------- */
.wb-chart-picture { display: block; }
.wb-chart-image { width: 100%; max-width: 900px; height: auto; }
.wb-mood-chart { max-width: 100%; height: auto; }
.wb-chart-dark { display: none; }
@media (prefers-color-scheme: dark) {
  body[data-voila] .wb-chart-light { display: none; }
  body[data-voila] .wb-chart-dark { display: block; }
}
body[data-jp-theme-light="false"] .wb-chart-light { display: none; }
body[data-jp-theme-light="false"] .wb-chart-dark { display: block; }

/* ---- fields and landmarks (fields.py, aria.py) ---
   A field is one column: the question (the input's own <label for>, from its `description`), the
   help, the input, its message. The input's widget box is `display: contents`, so its label and
   input sit in the field's column and the help can come between them (`order`); the label keeps
   pointing at the input. The question wraps, full width, never cut off with an ellipsis. */
.wb-field { margin-top: var(--wb-space-4); max-width: 100%; }
/* Only the input's own box: a Label (the help, the message) carries `widget-inline-hbox` too, and
   would lose its place in the column if it were unwrapped. */
.wb-field > .widget-inline-hbox:not(.widget-label), .wb-field > .widget-radio { display: contents; }
/* A checkbox's own label wraps instead of being cut at ipywidgets' 300px. */
.wb-app .widget-checkbox, .wb-section .widget-checkbox {
    width: auto !important; max-width: 100%; height: auto; }
.wb-app .widget-checkbox label, .wb-section .widget-checkbox label {
    white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.4;
    display: flex; align-items: center; gap: 6px; padding: 3px 0; }
.wb-field > * > .widget-label, .wb-field > .wb-legend { order: 1; }
.wb-field > .wb-help { order: 2; }
.wb-field > * > :not(.widget-label), .wb-field > .widget-vbox { order: 3; }
.wb-field > .wb-saved, .wb-field > .wb-error { order: 4; }
.wb-field > * > .widget-label, .wb-field > .wb-legend.widget-label {
    font-weight: 600; white-space: normal !important; width: 100% !important; max-width: none;
    min-width: 0; height: auto; line-height: 1.45; text-align: left; overflow: visible;
    text-overflow: clip; margin: 0 0 var(--wb-space-1); padding: 0; flex: 0 0 auto; }
.wb-field > * > input, .wb-field > * > textarea, .wb-field > * > select,
.wb-field > * > .widget-radio-box { flex: 0 0 auto; margin: 0; max-width: 100%; }
.wb-field > * > input[type="date"], .wb-field > * > input[type="time"],
.wb-field > * > input[type="number"], .wb-field > * > select {
    align-self: flex-start; width: auto; min-width: 12em; }
/* The message under a field keeps its line, said or not: "Saved" appearing never moves what is
   under it while the person types. */
.wb-field > .wb-saved, .wb-field > .wb-error { margin-top: 2px; min-height: 1.45em; }
/* Focus seen on every control: ipywidgets' own rules drop the outline of text boxes and lists
   (a 1px border colour instead) and thin the buttons' to 1px, with selectors that outrank ours. */
.wb-app :is(button, input, textarea, select, a, summary):focus-visible,
.wb-section :is(button, input, textarea, select, a, summary):focus-visible {
    outline: 3px solid var(--wb-focus) !important; outline-offset: 2px; }
.wb-app .wb-stepper .jupyter-button:focus-visible { outline-offset: -3px; }

@media (max-width: 600px) {
  /* On a phone every pixel of width counts: the app takes the page's, less its own padding. */
  body[data-voila] #rendered_cells:has(.wb-app), body[data-voila] .jp-Cell:has(.wb-app) { padding: 0; }
  .wb-app { padding: var(--wb-space-2); }
  .wb-app .jupyter-button, .wb-section .jupyter-button { padding: 6px var(--wb-space-3); }
  .wb-header h1 { font-size: var(--wb-size-xl); }
  .wb-app .widget-hbox.wb-wrap, .wb-section .widget-hbox.wb-wrap { flex-wrap: wrap; }
  .wb-app .widget-inline-hbox, .wb-section .widget-inline-hbox { flex-wrap: wrap; height: auto; }
  .wb-app .widget-inline-hbox .widget-label, .wb-section .widget-inline-hbox .widget-label {
      min-width: 0; width: 100%; }
  .wb-app .widget-tab > .p-TabBar .p-TabBar-tab, .wb-app .lm-TabBar-tab {
      min-width: 0 !important; flex: 1 1 auto; font-size: var(--wb-size-xs); }
}
/* A desktop: the step in the wide column, the person and the card beside it, the card kept in view
   while the step scrolls. The order a screen reader and Tab follow is the page's, unchanged, and
   the Binder notice still comes before anything a person fills in. The step spans the side's two
   rows; its height goes to the flexible one, so the card sits right under the person. */
@media (min-width: 1000px) {
  .wb-app { display: grid; max-width: 1200px; grid-template-columns: minmax(0, 1fr) 340px;
      grid-template-rows: auto auto auto auto 1fr auto;
      column-gap: var(--wb-space-6); align-items: start; padding: var(--wb-space-4) var(--wb-space-5);
      grid-template-areas: "header header" "notice notice" "nav nav" "main people" "main side"
          "footer footer"; }
  .wb-app > .wb-header { grid-area: header; }
  .wb-app > .wb-binder-notice { grid-area: notice; }
  .wb-app > .wb-people-region { grid-area: people; }
  .wb-app > .wb-people-region .wb-person-select { flex-basis: 100%; margin-right: 0; }
  .wb-app > .wb-stepper { grid-area: nav; margin: var(--wb-space-3) 0; }
  .wb-app > .wb-main { grid-area: main; min-width: 0; }
  .wb-app > .wb-aside { grid-area: side; position: sticky; top: var(--wb-space-3);
      margin-top: var(--wb-space-3);
      max-height: calc(100vh - 2 * var(--wb-space-3)); overflow-y: auto; }
  .wb-app > .wb-help-footer { grid-area: footer; }
  .wb-app .wb-stepper .jupyter-button { flex: 1 0 auto; justify-content: center; }
}
</style>
"""


# The type scale, the spacing and the shapes: one set for both themes.
TOKENS = {
    "size-xs": "13px",
    "size-sm": "14px",
    "size-md": "16px",  # body text and every input (16px also keeps a phone from zooming in)
    "size-lg": "18px",
    "size-xl": "22px",
    "size-2xl": "28px",
    "space-1": "4px",
    "space-2": "8px",
    "space-3": "12px",
    "space-4": "16px",
    "space-5": "24px",
    "space-6": "32px",
    "radius": "10px",
    "radius-sm": "6px",
    "control-height": "40px",  # buttons and inputs: a target big enough for a thumb
    # The stepper's tick for a complete step, drawn here (no icon font, no other host).
    "tick": (
        "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 12 12'%3E"
        "%3Cpath d='M2.6 6.3l2.2 2.2 4.6-4.8' fill='none' stroke='white' stroke-width='2' "
        "stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E\")"
    ),
}
# Light and dark: one set of named colours (`--wb-*`), light by default, dark when the page is dark.
# "Dark" means: in Voila (standalone, and Binder's /voila/render/...), the OS asks for it
# (`prefers-color-scheme`); in JupyterLab, its theme is dark (`data-jp-theme-light="false"`, which
# also covers Voila started with `--theme=dark`). Voila's own `theme` option is fixed per server,
# so only the media query can follow each visitor's OS. Every pair passes WCAG AA (4.5:1 for text,
# 3:1 for borders and focus rings); docs/accessibility.md has the figures. A calm palette: greys
# and one quiet blue; the readiness bands' colours appear only on the card.
LIGHT = {
    "bg": "#ffffff",  # the page
    "surface": "#ffffff",  # cards
    "sunken": "#f3f5f8",  # the stepper's track
    "text": "#1f2328",
    "muted": "#4b5563",  # help text
    "soft": "#374151",  # counters, footer
    "border": "#d5dbe1",  # card outlines (decoration)
    "control-border": "#6e7781",  # around inputs: 3:1 on the page, so a field can be found
    "rule": "#e5e7eb",  # table lines
    "error": "#b42318",
    "saved": "#166534",
    "warn": "#9a3412",  # warning text
    "warn-border": "#b45309",
    "link": "#2c5f96",
    "focus": "#1d4ed8",
    "primary": "#2c5f96",  # the one accent: filled buttons (white text), the current step, ticks
    "primary-hover": "#244f7d",
    "danger": "#b3261e",
    "warning": "#a15c00",
    "on-accent": "#ffffff",
    "button": "#eef1f4",
    "button-hover": "#e2e7ec",
    "button-active": "#cfd7df",
    "support-bg": "#f6f3ff",
    "support-border": "#5b4a8a",
}
DARK = {
    "bg": "#0d1117",
    "surface": "#161b22",
    "sunken": "#1c2128",
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
    "link": "#8ab4f8",
    "focus": "#58a6ff",
    "primary": "#2f6db5",
    "primary-hover": "#285f9f",
    "danger": "#b3261e",
    "warning": "#8a5a00",
    "on-accent": "#ffffff",
    "button": "#21262d",
    "button-hover": "#2a3038",
    "button-active": "#3d444d",
    "support-bg": "#221b35",
    "support-border": "#a78bfa",
}
# The readiness bands' colours (data/guidance.toml) are chosen for a white page; on a dark one each
# gets a lighter tint of its hue.
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


def _band_rules(scope: str, bands: Mapping[str, str]) -> str:
    """Each band's colour as `--wb-band`, set by the band's class (the card uses it twice)."""
    return "\n".join(f"{scope}.wb-band-{band} {{ --wb-band: {colour}; }}" for band, colour in bands.items())


def _dark_rules(scope: str) -> str:
    """What only a dark page needs: the dark colours and the bands' lighter tints."""
    return f"{scope} {{ {_own_variables(DARK)}}}\n" + _band_rules(f"{scope} ", DARK_BANDS)


THEME = f"""
<style>
:root {{ {_own_variables(TOKENS)}{_own_variables(LIGHT)}}}
@media (prefers-color-scheme: dark) {{
{_dark_rules("body[data-voila]")}
body[data-voila] {{ color-scheme: dark; background: {DARK["bg"]}; {_widget_variables(DARK)}}}
}}
{_dark_rules('body[data-jp-theme-light="false"]')}
body[data-jp-theme-light="false"] {{ color-scheme: dark; }}
</style>
"""


def band_colours(bands: Mapping[Any, Any]) -> dict[str, str]:
    """Each readiness band's colour on a light page, from the rules' bands (data/guidance.toml)."""
    return {str(band): text.colour for band, text in bands.items()}


def stylesheet(bands: Mapping[str, str] | None = None) -> w.HTML:
    """The theme's variables and the app's stylesheet, in one widget at the top of every page.

    `bands` maps each readiness band to its colour on a light page (data/guidance.toml's `colour`,
    fixed content, never user text): `--wb-band` for the card."""
    light = f"<style>\n{_band_rules('', _checked(bands or {}))}\n</style>" if bands else ""
    sheet = w.HTML(THEME + light + STYLE)
    sheet.add_class("wb-stylesheet")
    return sheet


_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
_BAND = re.compile(r"[a-z_]+")


def _checked(bands: Mapping[str, str]) -> dict[str, str]:
    """Only names and colours reach the stylesheet (they come from a file a person may edit)."""
    return {
        band: colour for band, colour in bands.items() if _BAND.fullmatch(band) and _COLOUR.fullmatch(colour)
    }


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
