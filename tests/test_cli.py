"""The command line as DESIGN.md states it: its JSON shapes, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.cli import commands, main
from workbook.content import load_content
from workbook.messages import IssueCode

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "examples" / "demo.json"


def run(*args: str, stdin: bytes | None = None, home: Path | None = None):
    env = dict(os.environ)
    if home is not None:
        env["WORKBOOK_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_assess_json_has_exactly_the_promised_keys():
    out = run("assess", str(DEMO), "--person", "Alex (example)", "--today", "2026-11-23", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"person", "band", "score", "earliest_contact", "flags", "next_step", "reasons"}
    assert result["person"] == "Alex (example)"
    assert result["band"] == "keep_going"
    assert result["earliest_contact"] == "2026-11-23"
    assert isinstance(result["score"], int) and result["reasons"]


def test_assess_finds_the_person_whatever_the_case():
    out = run("assess", str(DEMO), "--person", "sam (EXAMPLE)", "--today", "2026-11-23", "--json")
    result = json.loads(out.stdout)
    assert result["band"] == "wait" and result["earliest_contact"] == "2026-12-14"


def test_assess_reads_standard_input():
    out = run("assess", "-", "--person", "Robin (example)", "--json", stdin=DEMO.read_bytes())
    assert json.loads(out.stdout)["band"] == "not_yet"


def test_check_message_json_shape_and_verdicts():
    gentle = run("check-message", "--json", "Hi, I hope you are well. No need to reply.")
    assert gentle.returncode == 0
    result = json.loads(gentle.stdout)
    assert set(result) == {"verdict", "score", "issues", "suggestions"}
    assert result["verdict"] == "gentle" and result["issues"] == []
    harsh = run("check-message", "--json", "-", stdin=b"ANSWER ME. This is your last chance!!")
    result = json.loads(harsh.stdout)
    assert result["verdict"] == "pressuring"
    assert {"demands_reply", "ultimatum"} <= {i["code"] for i in result["issues"]}
    assert result["score"] < 50


def test_check_message_as_text_shows_the_help_lines_and_never_a_perfect_score():
    """A person reading the plain output must see the free lines the advice points to, and a draft
    with no issue is 'no pressure found', not 100."""
    from workbook.content import load_content

    routes = load_content().help_routes
    worrying = run("check-message", "-", stdin=b"if you don't answer me I don't know what I'll do to myself")
    assert worrying.returncode == 0
    printed = worrying.stdout.decode()
    pressure = load_content().message_rules.rule(IssueCode.SELF_HARM_PRESSURE)
    assert pressure.explanation in printed and "score" not in printed
    crisis = [route for route in routes if route.contact]
    assert crisis and all(route.contact in printed for route in crisis[:3])
    assert printed.index(crisis[0].contact) < printed.index(pressure.explanation)  # the help comes first
    gentle = run("check-message", "Hi, I hope you are well. No need to reply.").stdout.decode()
    assert gentle.startswith("No pressure found") and "100" not in gentle


def test_check_message_as_text_names_each_issue_in_plain_words_never_by_code():
    printed = run("check-message", "-", stdin=b"Why won't you answer me?? You owe me that.").stdout.decode()
    rules = load_content().message_rules
    for code in (IssueCode.DEMANDS_REPLY, IssueCode.ENTITLEMENT):
        rule = rules.rule(code)
        assert rule.explanation in printed and f"Try instead: {rule.suggestion}" in printed
    assert "\"Why won't you answer me" in printed  # the words it is about, quoted as written
    assert not any(code.value in printed for code in IssueCode), printed


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (("assess", "missing.json", "--person", "A"), None, "no file"),
        (("assess", str(DEMO), "--person", "Nobody"), None, "No person called"),
        (("assess", str(DEMO), "--person", "Sam (example)", "--today", "2026-13-40"), None, "real date"),
        (("assess", "-", "--person", "A"), b"{not json", "not"),
        (("assess", "-", "--person", "A"), b"\xff\xfe\x00", "UTF-8"),
        (("assess", str(DEMO)), None, "--person"),
        (("check-message", "   "), None, "draft"),
        (("check-message", "-"), b"\xff\xfe", "UTF-8"),
        (("import", "missing.json"), None, "no file"),
        (("frobnicate",), None, "invalid choice"),
        ((), None, "required"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path, args, stdin, words):
    out = run(*args, stdin=stdin, home=tmp_path)
    assert out.returncode == 2
    lines = out.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert words.lower() in lines[0].lower()
    assert "Traceback" not in out.stderr.decode()


def test_assess_and_check_message_import_neither_pandas_nor_matplotlib():
    code = (
        "import sys, io, contextlib\n"
        "from workbook.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['assess', {str(DEMO)!r}, '--person', 'Alex (example)', '--json'])\n"
        "    main(['check-message', 'Hello there'])\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'ipywidgets', 'sqlite3') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_demo_export_people_import_round_trip(tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    assert run("demo", home=home).returncode == 0
    people = run("people", home=home).stdout.decode().split("\n")
    assert people[:3] == ["Alex (example)", "Robin (example)", "Sam (example)"]
    export = tmp_path / "export.json"
    assert run("export", str(export), home=home).returncode == 0
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    assert run("import", str(export), home=other).returncode == 0
    again = tmp_path / "again.json"
    run("export", str(again), home=other)
    assert export.read_bytes() == again.read_bytes()


def test_importing_the_same_people_twice_is_refused_unless_replacing(tmp_path):
    assert run("demo", home=tmp_path).returncode == 0
    again = run("demo", home=tmp_path)
    assert again.returncode == 2 and b"Already in this workbook" in again.stderr
    assert run("demo", "--replace", home=tmp_path).returncode == 0
    assert list((tmp_path / "backups").glob("*.json"))


def test_the_workbook_folder_is_private(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    assert main(["--home", str(home), "people"]) == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "workbook.db").stat().st_mode) == 0o600


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_and_is_documented_in_the_readme(command):
    out = run(command, "--help")
    assert out.returncode == 0 and b"usage:" in out.stdout
    assert f"python -m workbook {command}" in (ROOT / "README.md").read_text()
