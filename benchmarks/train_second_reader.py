"""`python -m benchmarks.train_second_reader`: train the draft checker's second reader.

Trains on the tuning part of the labelled corpus only (never the held-out fifth), with a fixed
seed and a fixed number of passes, so the same corpus always gives the same model, and writes
data/second_reader.json. `--check` trains afresh and fails if the committed file differs (the test
suite runs it, so the shipped model is always the one this command makes).

Two thresholds are chosen by five-fold cross-validation on the tuning part, each fold's model
scored in the form that ships (pruned to `KEEP` weights and rounded, which moves scores by about
0.1 near the thresholds), over the gentle drafts the reader could change (no pressure found by the
rules): `raise_at`, for its concern that counts as pressure, the lowest at which at most
`GENTLE_FALSE_ALARMS` of those drafts with `MIN_WORDS` words or more would be raised, and above every
such gentle draft's own score under the shipped model; `look_at`, for its softer "worth a second
look" (needs work), the lowest at which at most `LOOK_FALSE_ALARMS` of those with `LOOK_MIN_WORDS`
words or more would be asked (in cross-validation the drafts of 10 to 19 words got a second look no
more often than longer ones). A second look is only ever asked of a draft the rules found nothing in.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

from workbook.content import phrase_rules_alone
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
GENTLE_FALSE_ALARMS = 0.01  # at most 1 in 100 gentle drafts called pressure, in cross-validation
FLOOR = 0.6  # never raise a concern below this, whatever the cross-validation says
MIN_WORDS = 20  # drafts shorter than this are left to the phrase rules
# At most 1 in 10 gentle drafts asked for a second look, in cross-validation. A look only asks for
# one more read ("it might be fine"); at 1 in 20 the reader alone reached 91 % of the pressuring
# tuning drafts in cross-validation, at 1 in 10 it reached 96 %, and a pressuring draft shown as
# "no pressure found" is the miss that matters most.
LOOK_FALSE_ALARMS = 0.10
LOOK_FLOOR = 0.4
LOOK_MIN_WORDS = 10  # a second look reaches shorter drafts than a concern (see the docstring)


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


def _shipped_form(weights: dict[str, float], bias: float) -> tuple[dict[str, float], float]:
    """The model as it ships: the `KEEP` heaviest weights, rounded. Cross-validation scores this
    form too, because dropping the many small weights moves every score (by about 0.1 near the
    thresholds), and a threshold chosen on the unpruned model would not hold for the shipped one."""
    kept = sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:KEEP]
    return {k: round(v, 6) for k, v in sorted(kept)}, round(bias, 6)


def _threshold(scores: list[float], rate: float, floor: float) -> float:
    """The lowest threshold that at most `rate` of these (gentle) drafts' scores reach."""
    ranked = sorted(scores, reverse=True)
    if not ranked:
        return floor
    return max(floor, _just_above(ranked[int(len(ranked) * rate)]))


def _just_above(score: float) -> float:
    return round(score + 1e-3, 3)


def train() -> dict:
    drafts = sorted(tuning_drafts(), key=lambda d: d.id)
    texts = [normalise(d.text).text for d in drafts]
    rows = [features(text) for text in texts]
    labels = [1 if d.verdict == "pressuring" else 0 for d in drafts]
    # Cross-validation for the thresholds: each draft scored by a model that never saw it, in the
    # form that ships.
    scores = [0.0] * len(drafts)
    for fold in range(5):
        held = {i for i in range(len(drafts)) if i % 5 == fold}
        w, b = _shipped_form(
            *_fit(
                [r for i, r in enumerate(rows) if i not in held],
                [y for i, y in enumerate(labels) if i not in held],
            )
        )
        for i in held:
            scores[i] = _prob(w, b, rows[i])
    # The thresholds are set over the gentle drafts the reader can change (long enough, with no
    # pressure the rules found). Its concern counts as pressure, and a kind draft called pressure
    # is the false alarm that matters most; its softer "worth a second look" only asks for a re-read.
    rules = phrase_rules_alone()
    rules_gentle = [
        d.verdict == "gentle" and not (check_message(d.text, rules).codes & PRESSURING_CODES) for d in drafts
    ]
    words = [len(text.split()) for text in texts]
    open_to_concern = [ok and n >= MIN_WORDS for ok, n in zip(rules_gentle, words, strict=True)]
    open_to_look = [ok and n >= LOOK_MIN_WORDS for ok, n in zip(rules_gentle, words, strict=True)]
    raise_at = _threshold(
        [s for s, ok in zip(scores, open_to_concern, strict=True) if ok], GENTLE_FALSE_ALARMS, FLOOR
    )
    look_at = _threshold(
        [s for s, ok in zip(scores, open_to_look, strict=True) if ok], LOOK_FALSE_ALARMS, LOOK_FLOOR
    )
    weights, bias = _shipped_form(*_fit(rows, labels))
    # And never at a gentle draft it was taught on: the shipped model does not call any of the
    # labelled kind drafts it could change pressure.
    taught = SecondReader(weights, bias, raise_at, MIN_WORDS)
    taught_gentle = [taught.probability(t) for t, ok in zip(texts, open_to_concern, strict=True) if ok]
    raise_at = max(raise_at, _just_above(max(taught_gentle, default=0.0)))
    look_at = min(look_at, raise_at)
    return {
        "version": 2,
        "about": "The draft checker's second reader (workbook/second_reader.py), trained by "
        "python -m benchmarks.train_second_reader on the tuning part of tests/data only.",
        "drafts": len(drafts),
        "raise_at": raise_at,
        "min_words": MIN_WORDS,
        "look_at": look_at,
        "look_min_words": LOOK_MIN_WORDS,
        "bias": bias,
        "weights": weights,
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
        f"raise at {model['raise_at']}, second look at {model['look_at']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
