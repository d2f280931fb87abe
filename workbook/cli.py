"""The command line: a thin shell over the package.

Each command parses its arguments at the edge, calls the library and prints. Every deliberate error
(`WorkbookError`) becomes one line on stderr and exit code 2; argparse's own usage errors do too.
`assess` and `check-message` import neither pandas nor matplotlib, nor the store, so they start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import InvalidInput, PersonNotFound, WorkbookError
from .model import Assessment, parse_date, quantity

if TYPE_CHECKING:
    from .guidance import GuidanceRules

__all__ = ["assessment_to_dict", "build_parser", "commands", "main"]

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (try --help)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def assessment_to_dict(name: str, assessment: Assessment, rules: GuidanceRules) -> dict[str, Any]:
    """The JSON shape DESIGN.md promises for `assess --json`."""
    texts = rules.flag_texts
    return {
        "person": name,
        "band": assessment.band.value,
        "score": assessment.score,
        "earliest_contact": (
            assessment.earliest_contact.isoformat() if assessment.earliest_contact else None
        ),
        "flags": [
            {
                "code": flag.code.value,
                "explanation": texts[flag.code],
                "events": [
                    {
                        "kind": e.kind.value,
                        "at": e.at.isoformat(timespec="seconds"),
                        **({"channel": e.channel.value} if e.channel else {}),
                    }
                    for e in flag.events
                ],
            }
            for flag in assessment.flags
        ],
        "next_step": assessment.next_step,
        "reasons": list(assessment.reasons),
    }


def _assess(args: argparse.Namespace) -> int:
    from .content import load_content
    from .guidance import assess
    from .transfer import parse_document

    rules = load_content().rules

    today = parse_date(args.today, "--today") if args.today else date.today()
    data = _read_bytes(args.file)
    from .locked import is_locked

    if is_locked(data):
        raise InvalidInput(
            f"{args.file} is a locked copy: import it with --passphrase-file, then assess the workbook "
            "or a plain export of it."
        )
    people = parse_document(data)
    wanted = args.person.strip().casefold()
    match = next((p for p in people if p.name.casefold() == wanted), None)
    if match is None:
        names = ", ".join(p.name for p in people) or "nobody"
        raise PersonNotFound(f'No person called "{args.person}" in {args.file} (it has: {names}).')
    result = assessment_to_dict(match.name, assess(match, today, rules), rules)
    if args.json:
        _print_json(result)
    else:
        print(f"{result['person']}: {result['band'].replace('_', ' ')}")
        print(f"Readiness score: {result['score'] if result['score'] is not None else 'not yet'}")
        if result["earliest_contact"]:
            print(f"Earliest contact: {result['earliest_contact']}")
        print(f"\nNext step: {result['next_step']}")
        for reason in result["reasons"]:
            print(f"  - {reason}")
        for flag in result["flags"]:
            print(f"Flag {flag['code']} ({len(flag['events'])}): {flag['explanation']}")
    return 0


def _check_message(args: argparse.Namespace) -> int:
    from .content import load_content
    from .messages import check_message

    text = _read_stdin() if args.text == "-" else args.text
    content = load_content()
    check = check_message(text, content.message_rules)
    if args.json:
        _print_json(check.to_dict())
        return 0
    words = content.plan_words
    if check.support is not None:  # help first, in place of the score, as the message studio shows it
        print(f"{words.support_title}. {check.support.message}")
        for route in check.support.routes:
            print(f"  {route.name}: {route.contact} ({route.where})")
        print()
    if not check.issues:  # never a perfect score: the checker found no pressure, no more
        print(f"{words.verdicts[check.verdict]}. {words.no_pressure_reread}")
    elif check.support is not None:
        print(words.verdicts[check.verdict])
    else:
        print(f"{words.verdicts[check.verdict]} (score {check.score} of 100)")
    for issue in check.issues:  # in plain words, as the message studio shows them: never a code name
        print(f'\n  "{issue.excerpt}"\n    {issue.explanation}\n    Try instead: {issue.suggestion}')
    return 0


EXPORT_FORMATS = (".json", ".csv")


def _export(args: argparse.Namespace) -> int:
    """The format follows the file's extension (DESIGN.md); a passphrase locks a JSON export."""
    path = Path(args.file)
    kind = path.suffix.lower()
    if kind not in EXPORT_FORMATS:
        raise InvalidInput(f"Export to a file ending in .json or .csv (got {path.name or args.file}).")
    passphrase = None
    if args.passphrase_file:
        if kind != ".json":
            raise InvalidInput("Only a .json export can be locked with a passphrase; a .csv file cannot.")
        from .locked import check_new_passphrase

        passphrase = check_new_passphrase(_read_passphrase(args.passphrase_file))
    with _store(args) as store:
        if kind == ".json" and passphrase is None:
            count = len(store.people())
            store.backup(path)
        else:
            people = store.export_people()
            count = len(people)
    if kind == ".csv":
        from .csv_export import csv_bytes

        events = sum(len(person.events) for person in people)
        _write_private(path, csv_bytes(people))
        print(f"Exported {quantity(events, 'contact event', 'contact events')} to {args.file}.")
        return 0
    if passphrase is not None:
        from .locked import lock
        from .transfer import dumps

        _write_private(path, lock(dumps(people).encode("utf-8"), passphrase))
    what = "locked with your passphrase " if passphrase is not None else ""
    print(f"Exported {quantity(count, 'person', 'people')} {what}to {args.file}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    data = _read_bytes(args.file)
    data = _unlocked(data, args.passphrase_file)
    with _store(args) as store:
        summary = store.import_file(data, replace=args.replace)
    print(_summary_line(summary))
    return 0


def _unlocked(data: bytes, passphrase_file: str | None) -> bytes:
    """A locked export opened with the passphrase in `passphrase_file`; any other file as it is."""
    from .locked import is_locked, unlock

    if not is_locked(data):
        return data
    if not passphrase_file:
        raise InvalidInput("This file is locked with a passphrase: give it with --passphrase-file FILE.")
    return unlock(data, _read_passphrase(passphrase_file))


def _report(args: argparse.Namespace) -> int:
    from .content import load_content
    from .report import report_pdf

    path = Path(args.file)
    if path.suffix.lower() != ".pdf":
        raise InvalidInput(f"The printable summary is a PDF: name the file ending in .pdf (got {path.name}).")
    today = parse_date(args.today, "--today") if args.today else date.today()
    with _store(args) as store:
        wanted = args.person.strip().casefold()
        name = next((n for n in store.people() if n.casefold() == wanted), None)
        if name is None:
            names = ", ".join(store.people()) or "nobody"
            raise PersonNotFound(f'No person called "{args.person}" in the workbook (it has: {names}).')
        person = store.get_person(name)
    _write_private(path, report_pdf(person, load_content(), today, with_journal=args.with_journal))
    print(f"Wrote the printable summary for {name} to {args.file}.")
    return 0


def _people(args: argparse.Namespace) -> int:
    with _store(args) as store:
        names = store.people()
    print("\n".join(names) if names else "No one yet. Add a person in the workbook, or run: demo")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .content import DATA_DIR

    with _store(args) as store:
        summary = store.import_file((DATA_DIR / "examples" / "demo.json").read_bytes(), replace=args.replace)
    print(_summary_line(summary) + " (fictional examples, to explore the workbook)")
    return 0


def _summary_line(summary: Any) -> str:
    parts = []
    if summary.added:
        parts.append("added " + ", ".join(summary.added))
    if summary.replaced:
        parts.append("replaced " + ", ".join(summary.replaced))
    return ("Imported: " + "; ".join(parts) + ".") if parts else "Nothing to import."


def _store(args: argparse.Namespace):
    from .store import HOME_ENV, Store

    if args.home:  # the same as setting WORKBOOK_HOME: the folder is the workbook's, kept private
        os.environ[HOME_ENV] = args.home
    return Store.open_default()


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder, not a file.") from None
    except OSError as error:
        raise InvalidInput(f"Could not read {path}: {error.strerror}.") from None


def _read_passphrase(path: str) -> str:
    """The passphrase in a file: its text, without the line end an editor or `echo` adds."""
    if path == "-":
        raise InvalidInput("Give the passphrase in a file, not on standard input.")
    try:
        text = _read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"The passphrase file {path} is not UTF-8 text.") from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise InvalidInput(f"The passphrase file {path} is empty.")
    return text


def _write_private(path: Path, data: bytes) -> None:
    """Write a whole file or nothing, readable only by its owner (0600): temp file, fsync, rename."""
    import tempfile

    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
        temporary = ""
    except OSError as error:
        raise InvalidInput(f"Could not write {path}: {error.strerror or error}.") from None
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("The draft on standard input is not UTF-8 text.") from None


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m workbook",
        description="Reconnect Workbook on the command line. Nothing here sends a message.",
    )
    parser.add_argument(
        "--home",
        help="the workbook folder (default: $WORKBOOK_HOME, or your per-user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    p = commands.add_parser("assess", help="what to do next for one person in an export file")
    p.add_argument("file", metavar="FILE", help="an export file (JSON), or - for standard input")
    p.add_argument("--person", required=True, metavar="NAME", help="whose situation to assess")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="assess as of this date (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_assess)

    p = commands.add_parser("check-message", help="check a draft for pressure and over-apology")
    p.add_argument("text", metavar="TEXT", help="the draft, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_check_message)

    p = commands.add_parser(
        "export", help="write the workbook to FILE.json (everything) or FILE.csv (the contact log)"
    )
    p.add_argument("file", metavar="FILE", help="where to write (readable only by you): .json or .csv")
    p.add_argument(
        "--passphrase-file",
        metavar="P",
        help="lock the .json export with the passphrase written in the file P",
    )
    p.set_defaults(run=_export)

    p = commands.add_parser("import", help="add the people in an export file to the workbook")
    p.add_argument("file", metavar="FILE", help="an export file (JSON), or - for standard input")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace people of the same name (a backup is written first)",
    )
    p.add_argument("--passphrase-file", metavar="P", help="open a locked export with the passphrase in P")
    p.set_defaults(run=_import)

    p = commands.add_parser("report", help="write a printable summary of one person's workbook (PDF)")
    p.add_argument("file", metavar="FILE.pdf", help="where to write the PDF (readable only by you)")
    p.add_argument("--person", required=True, metavar="NAME", help="whose workbook to summarise")
    p.add_argument("--with-journal", action="store_true", help="include the journal (left out unless asked)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the advice as of this date (default: today)")
    p.set_defaults(run=_report)

    p = commands.add_parser("people", help="list the people in the workbook")
    p.set_defaults(run=_people)

    p = commands.add_parser("demo", help="load fictional example people to explore with")
    p.add_argument("--replace", action="store_true", help="reload them if already there")
    p.set_defaults(run=_demo)
    return parser


def commands() -> tuple[str, ...]:
    """The subcommands, as the parser knows them (the README test reads this, so none escapes it)."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return tuple(action.choices)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except WorkbookError as error:
        print(f"error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def _one_line(text: str) -> str:
    return " ".join(text.split())
