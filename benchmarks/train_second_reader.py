"""`python -m benchmarks.train_second_reader`: train the draft checker's second reader.

Trains on the tuning part of the labelled corpus only (never the held-out fifth), with a fixed
seed and a fixed number of passes, so the same corpus always gives the same model, and writes
data/second_reader.json. `--check` trains afresh and fails if the committed file differs (the test
suite runs it, so the shipped model is always the one this command makes). The threshold at which
it raises a concern is chosen by five-fold cross-validation on the tuning part: the lowest at which
it would have raised a concern on at most `GENTLE_FALSE_ALARMS` of the gentle drafts it could change
(long enough, no pressure found by the rules), and above every such gentle draft's own score under
the shipped model. Its concern counts as pressure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import sys
from pathlib import Path

from workbook.content import load_content
from workbook.messages import PRESSURING_CODES, check_message, normalise
from workbook.second_reader import SecondReader, features

from .draft_corpus import tuning_drafts

__all__ = ["main", "train"]

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "second_reader.json"
SEED = 20261201
EPOCHS = 40
LEARNING_RATE = 0.5
L2 = 1e-3
KEEP = 6000  # features kept, by weight: a small file, and nothing the model barely uses
GENTLE_FALSE_ALARMS = 0.01  # at most 1 in 100 gentle drafts raised, in cross-validation
FLOOR = 0.6  # never raise below this, whatever the cross-validation says
MIN_WORDS = 20  # drafts shorter than this are left to the phrase rules


def _fit(rows: list[dict[str, float]], labels: list[int]) -> tuple[dict[str, float], float]:
    """Logistic regression by stochastic gradient descent with L2 decay on the features a draft has.

    Every feature of a draft has the same value (second_reader.features), so its score is that
    value times the sum of its features' weights, and one step moves each of them by the same
    amount: the inner loop is a sum and a scaled update over integer indices, in sorted order so
    the same corpus always gives the same floating-point result."""
    names = sorted({k for row in rows for k in row})
    index = {name: i for i, name in enumerate(names)}
    indices = [sorted(index[k] for k in row) for row in rows]
    values = [next(iter(row.values()), 0.0) for row in rows]
    weights = [0.0] * len(names)
    bias = 0.0
    decay = 1 - LEARNING_RATE * L2
    order = list(range(len(rows)))
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            features, value = indices[i], values[i]
            z = bias + value * sum(map(weights.__getitem__, features))
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - labels[i]
            step = LEARNING_RATE * error * value
            for k in features:
                weights[k] = weights[k] * decay - step
            bias -= LEARNING_RATE * error
    return {name: weights[i] for i, name in enumerate(names) if weights[i]}, bias


def _prob(weights: dict[str, float], bias: float, row: dict[str, float]) -> float:
    z = bias + sum(weights.get(k, 0.0) * v for k, v in sorted(row.items()))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def train() -> dict:
    drafts = sorted(tuning_drafts(), key=lambda d: d.id)
    texts = [normalise(d.text).text for d in drafts]
    rows = [features(text) for text in texts]
    labels = [1 if d.verdict == "pressuring" else 0 for d in drafts]
    # Cross-validation for the threshold: each draft scored by a model that never saw it.
    scores = [0.0] * len(drafts)
    for fold in range(5):
        held = {i for i in range(len(drafts)) if i % 5 == fold}
        w, b = _fit(
            [r for i, r in enumerate(rows) if i not in held],
            [y for i, y in enumerate(labels) if i not in held],
        )
        for i in held:
            scores[i] = _prob(w, b, rows[i])
    # The threshold is set over the gentle drafts it can change (long enough, with no pressure the
    # rules found): its concern counts as pressure, and a kind draft called pressure is the false
    # alarm that matters most. On a draft that only needs work it is an ordinary miss.
    rules = dataclasses.replace(load_content().message_rules, second_reader=None)
    open_to_it = [
        len(normalise(d.text).text.split()) >= MIN_WORDS
        and d.verdict == "gentle"
        and not (check_message(d.text, rules).codes & PRESSURING_CODES)
        for d in drafts
    ]
    gentle = sorted((s for s, ok in zip(scores, open_to_it, strict=True) if ok), reverse=True)
    allowed = int(len(gentle) * GENTLE_FALSE_ALARMS)
    raise_at = max(FLOOR, round(gentle[allowed] + 1e-3, 3) if gentle else FLOOR)
    weights, bias = _fit(rows, labels)
    kept = sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:KEEP]
    # And never at a gentle draft it was taught on: the shipped model (kept, rounded weights) does
    # not call any of the labelled kind drafts it could change pressure.
    shipped = SecondReader({k: round(v, 6) for k, v in kept}, round(bias, 6), raise_at, MIN_WORDS)
    taught = [shipped.probability(r) for r, ok in zip(texts, open_to_it, strict=True) if ok]
    raise_at = max(raise_at, round(max(taught, default=0.0) + 1e-3, 3))
    return {
        "version": 1,
        "about": "The draft checker's second reader (workbook/second_reader.py), trained by "
        "python -m benchmarks.train_second_reader on the tuning part of tests/data only.",
        "drafts": len(drafts),
        "raise_at": raise_at,
        "min_words": MIN_WORDS,
        "bias": round(bias, 6),
        "weights": {k: round(v, 6) for k, v in sorted(kept)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.train_second_reader", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="fail if data/second_reader.json is not what training gives"
    )
    args = parser.parse_args(argv)
    model = train()
    text = json.dumps(model, indent=0, sort_keys=True, ensure_ascii=False) + "\n"
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text("utf-8") == text
        print(
            "second reader: up to date"
            if same
            else "second reader: data/second_reader.json is stale; retrain"
        )
        return 0 if same else 1
    MODEL_PATH.write_text(text, "utf-8")
    print(
        f"wrote {MODEL_PATH} ({model['drafts']} drafts, {len(model['weights'])} weights, "
        f"raise at {model['raise_at']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
