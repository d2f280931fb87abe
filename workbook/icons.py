"""The button icons the app's page draws, without downloading Font Awesome's whole font.

ipywidgets draws a button's `icon="trash"` as `<i class="fa fa-trash">`, drawn with Font Awesome,
whose stylesheet Voila bundles in its `voila-style.js` (with the rest of the page's styles). The
first icon on the page makes the browser download Font Awesome's solid font, 78 KB, for the dozen
glyphs the app uses. `workbook-icons.css`, which the workbook template
(share/jupyter/voila/templates/workbook) puts in the page after `voila-style.js`, declares the same
font again, cut down to those glyphs (3 KB, inline) and limited to them by `unicode-range`. The
browser takes the later declaration for those characters, and the full font only for any other
icon: an icon missing here still draws, it only costs the download again. They look exactly as
before, since it is the same font. The file also carries the icons' own rules (`.fa`,
`.fa-trash:before`, ...), so they draw even if Voila's bundle ever stops carrying Font Awesome.

`python -m workbook.icons` writes that file again, from the Font Awesome that the installed Voila
ships (so no download), for every icon named in `workbook/ui` (`icon="..."` and `icons=[...]`)
plus the ones ipywidgets draws itself (`WIDGET_ICONS`). Run it after adding an icon to the UI;
tests/e2e/test_network.py fails until then. It needs fontTools, which matplotlib depends on.

Only the Voila page is concerned: JupyterLab has Font Awesome of its own.
"""

from __future__ import annotations

import ast
import base64
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "STYLESHEET",
    "WIDGET_ICONS",
    "codepoints",
    "icons_in_ui",
    "main",
    "stylesheet",
]

PACKAGE = Path(__file__).resolve().parent
STYLESHEET = PACKAGE.parent / "share" / "jupyter" / "voila" / "templates" / "workbook" / "workbook-icons.css"

# Icons ipywidgets draws on its own: FileUpload's default, Play's buttons, Valid's marks, the caret of
# Accordion and Collapse. The app uses few of them today; each costs a hundred bytes or so.
WIDGET_ICONS = ("upload", "play", "pause", "stop", "retweet", "check", "times", "caret-right", "caret-down")
# ipywidgets' "disconnected" mark (`.jupyter-widgets-disconnected::before`, chain-broken), shown
# when the page loses its kernel: a glyph with no class of its own.
WIDGET_GLYPHS = (0xF127,)

ICON_ARGUMENTS = ("icon", "icons")  # ipywidgets: Button, FileUpload, ToggleButton(s)
SOLID = "Font Awesome 5 Free"
LICENCE = (
    "Font Awesome Free 5.15.4 by @fontawesome - https://fontawesome.com "
    "License - https://fontawesome.com/license/free (Icons: CC BY 4.0, Fonts: SIL OFL 1.1, Code: MIT License)"
)
# Font Awesome's own base rules for `.fa` (all.css), which ipywidgets' icons rely on.
BASE_RULES = (
    ".fa,.fas{-moz-osx-font-smoothing:grayscale;-webkit-font-smoothing:antialiased;display:inline-block;"
    "font-style:normal;font-variant:normal;text-rendering:auto;line-height:1;"
    f'font-family:"{SOLID}";font-weight:900}}\n'
    ".fa-fw{text-align:center;width:1.25em}\n"
)
_RULE = re.compile(r'([^{}]+)\{content:"\\([ef][0-9a-f]{3})"\}')  # selectors, then the glyph
# A v4 name drawn from the regular or the brands font (`.fa.fa-trash-o{font-family:...;font-weight:400}`).
_NOT_SOLID = re.compile(
    r'\.fa\.fa-([a-z0-9-]+)\{font-family:"Font Awesome 5 (?:Free|Brands)";font-weight:400\}'
)
_SELECTOR = re.compile(r"^((?:\.fa)?)\.fa-([a-z0-9-]+):before$")


def icons_in_ui(folder: Path = PACKAGE / "ui") -> set[str]:
    """Every icon name written in the UI's code: `icon="x"` and `icons=["x", ...]` arguments, and
    `something.icon = "x"` assignments."""
    found: set[str] = set()
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ICON_ARGUMENTS:
                values = [node.value]
            elif isinstance(node, ast.Assign):
                named = any(isinstance(t, ast.Attribute) and t.attr in ICON_ARGUMENTS for t in node.targets)
                values = [node.value] if named else []
            else:
                continue
            for value in values:
                items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                for item in items:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        found |= set(item.value.split())
    return found - {""}


def _voila_static() -> Path:
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("voila", "templates", "base", "static"):
        if (Path(folder) / "voila-style.js").is_file():
            return Path(folder)
    raise FileNotFoundError("no voila-style.js in any voila/templates/base/static: is Voila installed?")


def codepoints(names: Iterable[str], fa_css: str) -> dict[str, int]:
    """Each icon name's glyph, as Font Awesome's CSS (all.css, then its v4 names) says."""
    table: dict[str, int] = {}
    shims: dict[str, int] = {}
    for selectors, code in _RULE.findall(fa_css.replace("\\\\", "\\")):
        for selector in selectors.split(","):
            found = _SELECTOR.match(selector.strip())
            if found:
                (shims if found.group(1) else table)[found.group(2)] = int(code, 16)
    table |= shims  # ipywidgets writes `fa fa-pencil`: the v4 name's rule wins, as in the browser
    missing = sorted(set(names) - set(table))
    if missing:
        raise KeyError(f"Font Awesome has no icon named {', '.join(missing)}")
    not_solid = sorted(set(names) & set(_NOT_SOLID.findall(fa_css)))
    if not_solid:
        raise KeyError(f"only solid icons are drawn; not {', '.join(not_solid)} (choose a solid one)")
    return {name: table[name] for name in sorted(set(names))}


def _solid_font(static: Path) -> Path:
    from fontTools.ttLib import TTFont

    for path in sorted(static.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
        if family == SOLID and font["OS/2"].usWeightClass == 900:
            return path
    raise FileNotFoundError(f"no {SOLID} (solid, 900) among {static}/*.ttf")


def _subset_woff(font_path: Path, glyphs: Iterable[int]) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib: needs no brotli, and every browser reads it
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = False
    options.recalc_timestamp = False  # the same input makes the same file
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(glyphs)))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def stylesheet(names: Iterable[str]) -> str:
    """The CSS that draws `names` (Font Awesome's icon names, as ipywidgets takes them)."""
    static = _voila_static()
    table = codepoints(names, (static / "voila-style.js").read_text("utf-8"))
    glyphs = sorted({*table.values(), *WIDGET_GLYPHS})
    font = base64.b64encode(_subset_woff(_solid_font(static), glyphs)).decode("ascii")
    unicode_range = ",".join(f"U+{code:X}" for code in glyphs)
    rules = "".join(f'.fa-{name}:before{{content:"\\{code:x}"}}\n' for name, code in table.items())
    css = (
        "/* Written by `python -m workbook.icons` (which says why): edit that, not this. */\n"
        f"/*! {LICENCE} */\n"
        f'@font-face{{font-family:"{SOLID}";font-style:normal;font-weight:900;font-display:block;'
        f'unicode-range:{unicode_range};src:url(data:font/woff;base64,{font}) format("woff")}}\n'
        + BASE_RULES
        + rules
    )
    assert not re.search(r"\{[{%#]", css), "the stylesheet is included by Jinja: no {{, {% or {#"
    return css


def main(argv: list[str] | None = None) -> int:
    names = sorted(icons_in_ui() | set(WIDGET_ICONS))
    STYLESHEET.write_text(stylesheet(names), "utf-8")
    print(f"wrote {STYLESHEET} ({STYLESHEET.stat().st_size} bytes): {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
