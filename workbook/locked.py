"""The passphrase-locked export: the same JSON document, sealed so that a copy left in a Downloads
folder, a shared drive or an e-mail reads as noise to anyone without the passphrase.

Theory of operation
-------------------
A locked file is a small JSON envelope:

    {"format": "reconnect-workbook-locked", "version": 1,
     "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4, "salt": "..."},
     "cipher": {"name": "aes-256-gcm", "nonce": "..."},
     "check": "...", "ciphertext": "..."}

- The key comes from the passphrase through Argon2id (memory-hard, RFC 9106's second recommended
  setting: 64 MiB, 3 passes, 4 lanes; about 0.15 s here), with a fresh random salt per file. The
  parameters sit in the header, so a later version can raise them and still open older files; a
  header asking for more than `MAX_MEMORY_KIB` or `MAX_ITERATIONS` is refused, so a hostile file
  cannot make the app swallow the machine's memory.
- The document is sealed with AES-256-GCM (authenticated: one changed byte anywhere and it will not
  open) under a fresh random nonce; the header is the associated data, so it cannot be altered either.
- `check` is 16 further bytes of the key derivation's output. It tells a wrong passphrase ("that
  passphrase does not open it") apart from a damaged file, and reveals nothing the sealed text does
  not: a guess can be tested against the tag just as well.
- The passphrase is NFC-normalised, so "Zoë" typed on a Mac and on Windows is the same passphrase.

Both cryptographic pieces come from `cryptography` (pyca), a well-kept library; nothing here is
home-made cryptography. Every failure is one `ImportRefused` sentence; nothing is half-read.
This module is pure: bytes in, bytes out, no files and no clock (the randomness is `os.urandom`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import ImportRefused, InvalidInput

__all__ = [
    "LOCKED_FORMAT",
    "LOCKED_VERSION",
    "MIN_PASSPHRASE_LENGTH",
    "KdfParameters",
    "check_new_passphrase",
    "is_locked",
    "lock",
    "unlock",
]

LOCKED_FORMAT = "reconnect-workbook-locked"
LOCKED_VERSION = 1
MIN_PASSPHRASE_LENGTH = 8  # for a new lock; opening a file takes whatever passphrase it was locked with
MAX_PASSPHRASE_LENGTH = 1024

# Four times the memory and about three times the passes this app writes: room to raise the defaults
# later, while a hostile header cannot tie up a kernel (a Binder one has 1-2 GB) for long.
MAX_MEMORY_KIB = 256 * 1024
MAX_ITERATIONS = 10
MAX_LANES = 8
MAX_LOCKED_BYTES = 40 * 1024 * 1024  # a 20 MB export, base64-encoded, with room to spare

_KEY_BYTES, _CHECK_BYTES, _SALT_BYTES, _NONCE_BYTES = 32, 16, 16, 12
_FIELDS = {"format", "version", "kdf", "cipher", "check", "ciphertext"}

NO_ARGON2 = (
    "Locked copies cannot be made or opened here: this computer's encryption library is too old "
    "(it needs OpenSSL 3.2 or newer). Nothing was changed."
)
DAMAGED = (
    "This locked file is damaged (cut short or changed since it was saved), so it cannot be opened. "
    "Nothing was changed."
)
WRONG_PASSPHRASE = "That passphrase does not open this file. Nothing was changed."


@dataclass(frozen=True)
class KdfParameters:
    """Argon2id's costs. The defaults are RFC 9106's second recommended option."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4


def check_new_passphrase(passphrase: str) -> str:
    """A passphrase fit to lock a file with, or `InvalidInput` saying what is missing."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInput(
            f"A passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters; a few words you will "
            "remember are best."
        )
    if len(passphrase) > MAX_PASSPHRASE_LENGTH:
        raise InvalidInput(f"A passphrase can be at most {MAX_PASSPHRASE_LENGTH} characters.")
    return passphrase


def is_locked(data: bytes | str) -> bool:
    """Whether these bytes are a locked export (so the caller asks for the passphrase)."""
    head = data[:200] if isinstance(data, str) else data[:200].decode("utf-8", "replace")
    return f'"{LOCKED_FORMAT}"' in head


def lock(plain: bytes, passphrase: str, params: KdfParameters | None = None) -> bytes:
    """Seal `plain` (the JSON export) with the passphrase; the envelope's bytes."""
    params = params or KdfParameters()
    check_new_passphrase(passphrase)
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    key, check = _derive(passphrase, salt, params)
    header = {
        "format": LOCKED_FORMAT,
        "version": LOCKED_VERSION,
        "kdf": {
            "name": "argon2id",
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
            "salt": _b64(salt),
        },
        "cipher": {"name": "aes-256-gcm", "nonce": _b64(nonce)},
        "check": _b64(check),
    }
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = AESGCM(key).encrypt(nonce, plain, _associated(header))
    return (json.dumps({**header, "ciphertext": _b64(sealed)}, indent=1) + "\n").encode("ascii")


def unlock(data: bytes | str, passphrase: str | None) -> bytes:
    """The JSON export inside a locked file; `ImportRefused` for no passphrase, a wrong one, or damage."""
    if passphrase is None or passphrase == "":
        raise ImportRefused("This file is locked with a passphrase; give its passphrase to open it.")
    if len(data) > MAX_LOCKED_BYTES:
        raise ImportRefused("This locked file is far larger than any workbook export. Is it the right file?")
    try:
        envelope = json.loads(data)
    except (ValueError, RecursionError):
        raise ImportRefused(DAMAGED) from None
    if not isinstance(envelope, dict) or envelope.get("format") != LOCKED_FORMAT:
        raise ImportRefused(DAMAGED)
    version = envelope.get("version")
    if type(version) is int and version > LOCKED_VERSION:
        raise ImportRefused(
            "This locked file was made by a newer version of the workbook. Please update the "
            "workbook, then open it again. Nothing was changed."
        )
    header, salt, nonce, check, sealed, params = _read_header(envelope)
    key, expected = _derive(passphrase, salt, params)
    if not hmac.compare_digest(check, expected):
        raise ImportRefused(WRONG_PASSPHRASE)
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, sealed, _associated(header))
    except InvalidTag:
        raise ImportRefused(DAMAGED) from None


def _read_header(
    envelope: dict[str, Any],
) -> tuple[dict[str, Any], bytes, bytes, bytes, bytes, KdfParameters]:
    """Every field checked, or the one "damaged" sentence: a half-valid header opens nothing."""
    try:
        if set(envelope) != _FIELDS or envelope["version"] != LOCKED_VERSION:
            raise ValueError
        kdf, cipher = envelope["kdf"], envelope["cipher"]
        if set(kdf) != {"name", "memory_kib", "iterations", "lanes", "salt"} or kdf["name"] != "argon2id":
            raise ValueError
        if set(cipher) != {"name", "nonce"} or cipher["name"] != "aes-256-gcm":
            raise ValueError
        numbers = (kdf["memory_kib"], kdf["iterations"], kdf["lanes"])
        if any(type(n) is not int for n in numbers):
            raise ValueError
        params = KdfParameters(*numbers)
        if not (
            8 * params.lanes <= params.memory_kib <= MAX_MEMORY_KIB
            and 1 <= params.iterations <= MAX_ITERATIONS
            and 1 <= params.lanes <= MAX_LANES
        ):
            raise ValueError
        salt, nonce = _unb64(kdf["salt"]), _unb64(cipher["nonce"])
        check, sealed = _unb64(envelope["check"]), _unb64(envelope["ciphertext"])
        if len(salt) < 8 or len(nonce) != _NONCE_BYTES or len(check) != _CHECK_BYTES or len(sealed) < 16:
            raise ValueError
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
        raise ImportRefused(DAMAGED) from None
    header = {key: value for key, value in envelope.items() if key != "ciphertext"}
    return header, salt, nonce, check, sealed, params


def _derive(passphrase: str, salt: bytes, params: KdfParameters) -> tuple[bytes, bytes]:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:  # a cryptography built against OpenSSL older than 3.2 has no Argon2id
        raise InvalidInput(NO_ARGON2) from None

    from cryptography.exceptions import UnsupportedAlgorithm

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")
    try:
        out = Argon2id(
            salt=salt,
            length=_KEY_BYTES + _CHECK_BYTES,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        ).derive(secret)
    except UnsupportedAlgorithm:
        raise InvalidInput(NO_ARGON2) from None
    return out[:_KEY_BYTES], out[_KEY_BYTES:]


def _associated(header: dict[str, Any]) -> bytes:
    """The header, canonically written: sealed along with the text, so it cannot be altered."""
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError
    return base64.b64decode(text.encode("ascii"), validate=True)
