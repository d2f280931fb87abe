"""Reads data/second_reader.json, the draft checker's second reader, made by
`python -m benchmarks.train_second_reader`. A damaged file is refused, never half-used."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ContentError
from ..second_reader import SecondReader

__all__ = ["read_second_reader", "second_reader_from_text"]


def second_reader_from_text(text: str, source: str = "second_reader.json") -> SecondReader:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ContentError(f"{source} is not valid JSON ({error.msg}); retrain it.") from None
    if not isinstance(data, dict) or data.get("version") != 2:
        raise ContentError(f"{source}: version must be 2.")
    weights, bias, raise_at = data.get("weights"), data.get("bias"), data.get("raise_at")
    look_at = data.get("look_at")
    for key in ("min_words", "look_min_words"):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
            raise ContentError(f"{source}: {key} must be a whole number from 0 to 1000.")
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in weights.items()
    ):
        raise ContentError(f"{source}: weights must map feature names to numbers.")
    if not isinstance(bias, int | float) or not isinstance(raise_at, int | float) or not 0.5 <= raise_at < 1:
        raise ContentError(f"{source}: bias is a number and raise_at a probability from 0.5 to 1.")
    if not isinstance(look_at, int | float) or isinstance(look_at, bool) or not 0.1 <= look_at <= raise_at:
        raise ContentError(f"{source}: look_at is a probability from 0.1 up to raise_at.")
    return SecondReader(
        weights={k: float(v) for k, v in weights.items()},
        bias=float(bias),
        raise_at=float(raise_at),
        min_words=data["min_words"],
        look_at=float(look_at),
        look_min_words=data["look_min_words"],
    )


def read_second_reader(data_dir: Path) -> SecondReader:
    path = data_dir / "second_reader.json"
    try:
        return second_reader_from_text(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ContentError(f"Content file {path} is missing.") from None
