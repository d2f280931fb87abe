"""The shape of the package, held by tests so it cannot drift back (docs/architecture.md).

The arrows point one way: `ui` and `cli` -> `store`, `transfer`, `content` -> the core (`model`,
`guidance`, `messages`, ...). The core reads no file and no clock and imports no widget, plotting
or storage library. Every import counts, including those inside functions, where a cycle hides.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import workbook

PACKAGE = Path(workbook.__file__).parent

# The pure core: the rules and the types they speak. Nothing here touches the outside world.
CORE = {
    "workbook.model",
    "workbook.errors",
    "workbook.guidance",
    "workbook.messages",
    "workbook.questions",
    "workbook.plan",
    "workbook.steps",
    "workbook.answer_keys",
    "workbook.second_reader",
}
# Libraries and modules the core may never import: files, clocks, widgets, plots, storage.
FORBIDDEN_IN_CORE = {
    "ipywidgets",
    "IPython",
    "matplotlib",
    "pandas",
    "sqlite3",
    "tomllib",
    "pathlib",
    "os",
    "io",
    "time",
    "platformdirs",
    "workbook.content",
    "workbook.store",
    "workbook.transfer",
    "workbook.chart",
    "workbook.cli",
    "workbook.ui",
}
# Names that read a file or the clock, wherever they are imported from.
FORBIDDEN_CALLS = {"open", "now", "today", "utcnow", "read_text", "read_bytes", "localtime"}

# Layers, lowest first: a module may import its own layer or lower ones, never a higher one.
LAYERS = [
    CORE,
    {"workbook.calendar", "workbook.chart", "workbook.content", "workbook.transfer"}
    | {"workbook.csv_export", "workbook.locked", "workbook.frames", "workbook.report"},
    {"workbook.store", "workbook.migrations"},
    {"workbook.cli", "workbook.__main__", "workbook", "workbook.serving", "workbook.launch"}
    | {"workbook.caching", "workbook.icons"},
    {"workbook.ui"},
]


def modules() -> dict[str, Path]:
    found = {"workbook": PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="workbook."):
        spec = importlib.util.find_spec(info.name)
        found[info.name] = Path(spec.origin)
    return found


def imports_of(name: str, path: Path) -> set[str]:
    """Every module this file imports, at the top or inside a function, resolved to full names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module or ""
            found.add(root)
            for alias in node.names:  # `from . import visitor` names a module
                if (PACKAGE.parent / f"{root}.{alias.name}".replace(".", "/")).with_suffix(".py").exists():
                    found.add(f"{root}.{alias.name}")
    return found


def layer_of(module: str) -> int:
    for number, layer in enumerate(LAYERS):
        if module in layer or any(module.startswith(f"{top}.") for top in layer if top != "workbook"):
            return number
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def own(imported: set[str]) -> set[str]:
    return {m for m in imported if m == "workbook" or m.startswith("workbook.")}


ALL = modules()


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_imports_no_reader_store_widget_or_plot(name: str) -> None:
    imported = imports_of(name, ALL[name])
    bad = {m for m in imported if any(m == f or m.startswith(f"{f}.") for f in FORBIDDEN_IN_CORE)}
    assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_reads_no_file_and_no_clock(name: str) -> None:
    tree = ast.parse(ALL[name].read_text("utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & FORBIDDEN_CALLS, f"{name} calls {sorted(calls & FORBIDDEN_CALLS)}"


@pytest.mark.parametrize("name", sorted(ALL))
def test_imports_point_down_the_layers_never_up(name: str) -> None:
    mine = layer_of(name)
    upward = {m for m in own(imports_of(name, ALL[name])) if m != name and layer_of(m) > mine}
    assert not upward, f"{name} (layer {mine}) imports {sorted(upward)} from a higher layer"


def test_no_import_cycle_in_the_package() -> None:
    graph = {name: own(imports_of(name, path)) & set(ALL) - {name} for name, path in ALL.items()}
    # A package's __init__ importing its own submodules is not a cycle of meaning; leave those out.
    for name in graph:
        graph[name] = {m for m in graph[name] if not (ALL[name].name == "__init__.py" and m.startswith(name))}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in seen:
                visit(nxt, path + [nxt])
        seen[node] = 2

    for start in sorted(graph):
        if start not in seen:
            visit(start, [start])


def test_this_test_sees_an_import_hidden_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from .content import load_content\n    return load_content()\n")
    assert "workbook.content" in imports_of("workbook.guidance", source)


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_name_in_all_exists_and_every_public_definition_is_in_all(name: str) -> None:
    """As httpx does: `__all__` is the public API, so it lists exactly what the module defines."""
    if name.endswith("__main__"):
        return  # importing it runs the command line
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names {missing}, which do not exist"
    tree = ast.parse(ALL[name].read_text("utf-8"))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    }
    unlisted = sorted(defined - set(exported))
    assert not unlisted, f"{name} defines {unlisted} but leaves them out of __all__"


def test_counts_with_their_nouns_are_written_once() -> None:
    """Every "1 day" / "3 days" goes through model.quantity: no inline singular/plural test elsewhere."""
    import re

    inline = re.compile(r"(?:==|!=) 1 else")
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "model.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if inline.search(line) and ("'" in line or '"' in line):
                raise AssertionError(f"{path.name}:{number} counts by hand (use model.quantity): {line}")
