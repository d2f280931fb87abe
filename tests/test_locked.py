"""The passphrase-locked export: JSON -> locked -> JSON identical; a wrong passphrase, a damaged file
or a missing passphrase each get one clear sentence and change nothing."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.errors import ImportRefused, InvalidInput
from workbook.locked import KdfParameters, is_locked, lock, unlock
from workbook.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO = (ROOT / "data" / "examples" / "demo.json").read_bytes()
FAST = KdfParameters(memory_kib=8 * 1024, iterations=1, lanes=1)  # the tests' own, quicker costs
PASS = "correct horse battery"


def test_json_locked_and_unlocked_is_the_same_bytes():
    sealed = lock(DEMO, PASS)
    assert is_locked(sealed) and not is_locked(DEMO)
    assert unlock(sealed, PASS) == DEMO


def test_no_name_or_note_is_readable_in_the_locked_file():
    sealed = lock(DEMO, PASS, FAST)
    for words in (b"Alex", b"example", b"Coffee", b"friend", b"motive"):
        assert words not in sealed
    header = json.loads(sealed)
    assert header["kdf"] == {
        **header["kdf"],
        "name": "argon2id",
        "memory_kib": 8192,
        "iterations": 1,
        "lanes": 1,
    }
    assert header["cipher"]["name"] == "aes-256-gcm"


def test_the_default_costs_are_stored_in_the_header_and_a_new_salt_each_time():
    one, two = json.loads(lock(b"{}", PASS)), json.loads(lock(b"{}", PASS))
    assert (one["kdf"]["memory_kib"], one["kdf"]["iterations"], one["kdf"]["lanes"]) == (65536, 3, 4)
    assert one["kdf"]["salt"] != two["kdf"]["salt"] and one["cipher"]["nonce"] != two["cipher"]["nonce"]


def test_the_same_passphrase_typed_in_another_unicode_form_opens_it():
    sealed = lock(DEMO, "Zoë's passphrase", FAST)  # ë as one code point
    assert unlock(sealed, "Zoe\u0308's passphrase") == DEMO  # e + combining diaeresis


def test_a_wrong_passphrase_says_so():
    with pytest.raises(ImportRefused, match="That passphrase does not open this file"):
        unlock(lock(DEMO, PASS, FAST), "not the passphrase")


@pytest.mark.parametrize("passphrase", [None, ""])
def test_a_missing_passphrase_says_the_file_is_locked(passphrase):
    with pytest.raises(ImportRefused, match="locked with a passphrase"):
        unlock(lock(DEMO, PASS, FAST), passphrase)


def damaged_copies(sealed: bytes) -> list[bytes]:
    envelope = json.loads(sealed)
    raw = bytearray(base64.b64decode(envelope["ciphertext"]))
    raw[len(raw) // 2] ^= 1
    flipped = {**envelope, "ciphertext": base64.b64encode(bytes(raw)).decode()}
    other_nonce = {
        **envelope,
        "cipher": {**envelope["cipher"], "nonce": base64.b64encode(b"\0" * 12).decode()},
    }
    greedy = {**envelope, "kdf": {**envelope["kdf"], "memory_kib": 64 * 1024 * 1024}}
    return [
        sealed[: len(sealed) // 2],  # cut short
        json.dumps(flipped).encode(),  # one bit changed in the sealed text
        json.dumps(other_nonce).encode(),  # the header changed
        json.dumps(greedy).encode(),  # asks for 64 GiB of memory: refused before any work
        json.dumps({k: v for k, v in envelope.items() if k != "check"}).encode(),
        json.dumps({**envelope, "ciphertext": "***"}).encode(),
    ]


@pytest.mark.parametrize("number", range(6))
def test_a_damaged_file_says_it_is_damaged(number):
    damaged = damaged_copies(lock(DEMO, PASS, FAST))[number]
    with pytest.raises(ImportRefused, match="damaged"):
        unlock(damaged, PASS)


@pytest.mark.parametrize(
    "ask",
    [{"memory_kib": 256 * 1024 + 1}, {"iterations": 11}, {"lanes": 9}],
    ids=["memory", "passes", "lanes"],
)
def test_a_header_asking_for_more_than_a_kernel_can_spare_is_refused_before_any_work(ask):
    """A hostile file could ask for 1 GiB and 20 passes: 43 s and a gigabyte before 'wrong passphrase'."""
    envelope = json.loads(lock(DEMO, PASS, FAST))
    greedy = json.dumps({**envelope, "kdf": {**envelope["kdf"], **ask}}).encode()
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match="damaged"):
        unlock(greedy, PASS)
    assert time.perf_counter() - started < 1, "the key was derived before the header was checked"


def test_a_newer_version_asks_for_an_update():
    envelope = {**json.loads(lock(DEMO, PASS, FAST)), "version": 2}
    with pytest.raises(ImportRefused, match="newer version"):
        unlock(json.dumps(envelope).encode(), PASS)


def test_a_short_passphrase_locks_nothing():
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        lock(DEMO, "short")


# --- the command line -------------------------------------------------------------------------


def run(*args: str, home: Path):
    return subprocess.run(
        [sys.executable, "-m", "workbook", "--home", str(home), *args],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def one_line_exit_2(out: subprocess.CompletedProcess, words: str) -> None:
    assert out.returncode == 2, out.stdout
    lines = out.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert b"Traceback" not in out.stderr


@pytest.fixture
def locked_export(tmp_path) -> tuple[Path, Path, Path]:
    """(home with the demo, its locked export, the passphrase file)."""
    home = tmp_path / "home"
    assert run("demo", home=home).returncode == 0
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")  # as `echo` writes it: the line end is not part of it
    locked = tmp_path / "all.json"
    out = run("export", str(locked), "--passphrase-file", str(secret), home=home)
    assert out.returncode == 0, out.stderr
    assert b"locked with your passphrase" in out.stdout
    return home, locked, secret


def test_the_command_line_round_trip_gives_the_same_export(tmp_path, locked_export):
    home, locked, secret = locked_export
    assert stat.S_IMODE(locked.stat().st_mode) == 0o600
    assert b"Alex" not in locked.read_bytes()
    other = tmp_path / "other"
    out = run("import", str(locked), "--passphrase-file", str(secret), home=other)
    assert out.returncode == 0, out.stderr
    plain, again = tmp_path / "plain.json", tmp_path / "again.json"
    assert run("export", str(plain), home=home).returncode == 0
    assert run("export", str(again), home=other).returncode == 0
    assert plain.read_bytes() == again.read_bytes()


def test_importing_a_locked_file_without_a_passphrase_exits_2_and_changes_nothing(tmp_path, locked_export):
    _, locked, _ = locked_export
    other = tmp_path / "other"
    one_line_exit_2(run("import", str(locked), home=other), "locked with a passphrase")
    assert run("people", home=other).stdout.startswith(b"No one yet")


def test_a_wrong_passphrase_or_a_damaged_file_exits_2_and_changes_nothing(tmp_path, locked_export):
    _, locked, _ = locked_export
    other = tmp_path / "other"
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase")
    one_line_exit_2(run("import", str(locked), "--passphrase-file", str(wrong), home=other), "does not open")
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(locked.read_bytes()[:-200])
    one_line_exit_2(run("import", str(damaged), "--passphrase-file", str(wrong), home=other), "damaged")
    assert run("people", home=other).stdout.startswith(b"No one yet")


@pytest.mark.parametrize(
    ("target", "secret_text", "words"),
    [
        ("all.csv", PASS, "Only a .json export can be locked"),
        ("all.json", "", "is empty"),
        ("all.json", "short", "at least 8 characters"),
    ],
)
def test_export_refuses_what_it_cannot_lock_and_writes_nothing(tmp_path, target, secret_text, words):
    secret = tmp_path / "pass.txt"
    secret.write_text(secret_text)
    out = run("export", str(tmp_path / target), "--passphrase-file", str(secret), home=tmp_path / "home")
    one_line_exit_2(out, words)
    assert not (tmp_path / target).exists()


def test_a_missing_passphrase_file_is_one_line(tmp_path):
    out = run("export", str(tmp_path / "a.json"), "--passphrase-file", str(tmp_path / "nope"), home=tmp_path)
    one_line_exit_2(out, "There is no file at")


def test_a_locked_export_of_an_empty_workbook_still_opens(tmp_path):
    with Store(tmp_path / "home" / "workbook.db"):
        pass
    secret = tmp_path / "p"
    secret.write_text(PASS)
    assert (
        run(
            "export", str(tmp_path / "e.json"), "--passphrase-file", str(secret), home=tmp_path / "home"
        ).returncode
        == 0
    )
    document = json.loads(unlock((tmp_path / "e.json").read_bytes(), PASS))
    assert document["people"] == []


def test_assessing_a_locked_copy_says_what_to_do_in_one_line(tmp_path, locked_export):
    home, locked, _ = locked_export
    one_line_exit_2(run("assess", str(locked), "--person", "Alex (example)", home=home), "is a locked copy")


def test_an_encryption_library_without_argon2id_is_one_sentence_not_a_crash(monkeypatch):
    """cryptography built against OpenSSL older than 3.2 has no Argon2id: say so, change nothing."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.kdf import argon2

    class Missing:
        def __init__(self, **_settings):
            raise UnsupportedAlgorithm("argon2id is not supported by this version of OpenSSL.")

    sealed = lock(DEMO, PASS, FAST)
    monkeypatch.setattr(argon2, "Argon2id", Missing)
    for attempt in (lambda: lock(DEMO, PASS, FAST), lambda: unlock(sealed, PASS)):
        with pytest.raises(InvalidInput, match="encryption library is too old"):
            attempt()
