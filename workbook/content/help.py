"""Reads data/help.toml: the help routes, each with its source. A route without a source is refused.

Also the words of the notice a Binder session shows at the top of the dashboard ([binder]).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ContentError
from ..messages import HelpPage, HelpRoute

__all__ = [
    "KINDS",
    "PAGES",
    "BinderNotice",
    "binder_notice_from_mapping",
    "help_pages_from_mapping",
    "help_routes_from_mapping",
]

# The pages DESIGN.md asks for: for your own safety, and for "they are afraid / there is an order".
PAGES = ("own_safety", "their_fear")

KINDS = frozenset({"crisis", "abuse", "order"})
_FIELDS = ("id", "name", "contact", "where", "source")


def help_routes_from_mapping(mapping: Mapping[str, Any], source: str = "help.toml") -> tuple[HelpRoute, ...]:
    if mapping.get("version") != 1:
        raise ContentError(f"{source}: version must be 1.")
    tables = mapping.get("route")
    if not isinstance(tables, list) or not tables:
        raise ContentError(f"{source}: add at least one [[route]] table.")
    routes: list[HelpRoute] = []
    for number, table in enumerate(tables, start=1):
        where = f"{source}, route #{number}"
        if not isinstance(table, Mapping):
            raise ContentError(f"{where}: write each route as a [[route]] table.")
        for key in _FIELDS:
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise ContentError(f"{where}: {key} is needed (every route names its source).")
        kinds = table.get("kinds")
        if not isinstance(kinds, list) or not kinds or not set(kinds) <= KINDS:
            raise ContentError(f"{where}: kinds must list some of {sorted(KINDS)}.")
        if any(r.id == table["id"] for r in routes):
            raise ContentError(f"{where}: the id '{table['id']}' is used twice.")
        text = {key: " ".join(table[key].split()) for key in _FIELDS}
        routes.append(HelpRoute(kinds=frozenset(kinds), **text))
    for kind in KINDS:
        if not any(kind in r.kinds for r in routes):
            raise ContentError(f"{source}: no route helps with '{kind}'.")
    return tuple(routes)


def help_pages_from_mapping(
    mapping: Mapping[str, Any], routes: tuple[HelpRoute, ...], source: str = "help.toml"
) -> dict[str, HelpPage]:
    """The "what to do instead" pages, each with the routes of its kinds."""
    tables = mapping.get("pages")
    if not isinstance(tables, Mapping):
        raise ContentError(f"{source}: the [pages] tables are missing.")
    pages: dict[str, HelpPage] = {}
    for key in PAGES:
        where = f"{source}, [pages.{key}]"
        table = tables.get(key)
        if not isinstance(table, Mapping):
            raise ContentError(f"{where}: this page is missing.")
        title, paragraphs, kinds = table.get("title"), table.get("paragraphs"), table.get("kinds")
        if not isinstance(title, str) or not title.strip():
            raise ContentError(f"{where}: a title is needed.")
        if (
            not isinstance(paragraphs, list)
            or not paragraphs
            or not all(isinstance(x, str) for x in paragraphs)
        ):
            raise ContentError(f"{where}: paragraphs must be a list of texts.")
        if not isinstance(kinds, list) or not set(kinds) <= KINDS:
            raise ContentError(f"{where}: kinds must list some of {sorted(KINDS)}.")
        chosen = tuple(r for r in routes if r.kinds & set(kinds))
        pages[key] = HelpPage(title.strip(), tuple(" ".join(x.split()) for x in paragraphs), chosen)
    return pages


@dataclass(frozen=True)
class BinderNotice:
    """What the dashboard says on Binder: a session there is for trying, and it does not last."""

    title: str
    paragraphs: tuple[str, ...]
    download: str  # the caption of the one-click download of everything written


MAX_NOTICE_SENTENCES = 3  # calm and short: the issue asks for two or three short sentences
# What a person should never have to read there: a file name or a command.
_TECHNICAL = re.compile(
    r"`|\b[\w-]+\.(?:json|toml|ipynb|py|csv|txt)\b|\b(?:pip|python|voila|jupyter)\b", re.I
)


def binder_notice_from_mapping(mapping: Mapping[str, Any], source: str = "help.toml") -> BinderNotice:
    """The [binder] table, checked: a title, at most three sentences in all, a download caption."""
    where = f"{source}, [binder]"
    table = mapping.get("binder")
    if not isinstance(table, Mapping):
        raise ContentError(f"{where}: this table is missing.")
    title, paragraphs, download = table.get("title"), table.get("paragraphs"), table.get("download")
    for key, value in (("title", title), ("download", download)):
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: {key} must be some text in quotes.")
    if (
        not isinstance(paragraphs, list)
        or not paragraphs
        or not all(isinstance(x, str) and x.strip() for x in paragraphs)
    ):
        raise ContentError(f"{where}: paragraphs must be a list of texts.")
    words = [" ".join(x.split()) for x in (title, *paragraphs, download)]
    sentences = sum(len(re.findall(r"[.!?](?:\s|$)", text)) for text in words[1:-1])
    if sentences > MAX_NOTICE_SENTENCES:
        raise ContentError(f"{where}: keep it to {MAX_NOTICE_SENTENCES} sentences (it has {sentences}).")
    for text in words:
        found = _TECHNICAL.search(text)
        if found:
            raise ContentError(
                f"{where}: '{found.group(0)}' is a file name or a command; say it in plain words."
            )
    return BinderNotice(words[0], tuple(words[1:-1]), words[-1])
