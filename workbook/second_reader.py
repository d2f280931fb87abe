"""The draft checker's second reader: a small linear model that can raise a concern, never clear one.

Theory of operation
-------------------
The phrase rules (data/message_checks.toml) say what each passage does and why; they are the
checker's voice. But pressure hides in phrasings no list holds, so a second reader looks at the
whole draft the way the labelled corpus taught it: a logistic regression over words, word pairs
and triples and the letters inside words (so "ur", "you're" and "youre" share features), trained by
`python -m benchmarks.train_second_reader` on the tuning part of tests/data only, and shipped as
data/second_reader.json. When it finds a draft close to the drafts that pressure, and the rules
found nothing that pressures, it adds one issue (`reads_as_pressure`) on the sentence that weighs
most. Below that, where it is less sure but the draft still leans towards pressure, it asks for a
second look (`worth_a_second_look`, which only needs work): a pressuring draft the rules miss should
not come back as "no pressure found". It never removes an issue and never lowers a verdict. Pure: no
file, no clock, no randomness.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["SecondReader", "features", "sentences"]

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
# About the number of features of a three-sentence draft; shorter texts are scaled as if this long.
TYPICAL_FEATURES = 400


def features(normalised: str) -> dict[str, float]:
    """Binary features, scaled so a long draft does not weigh more for its length, and a short one
    is not blown up: a two-line text keeps the scale of a typical draft (`TYPICAL_FEATURES`)."""
    words = _TOKEN.findall(normalised)
    found: set[str] = set()
    for i, word in enumerate(words):
        found.add("w:" + word)
        if i + 1 < len(words):
            found.add("b:" + word + " " + words[i + 1])
        if i + 2 < len(words):
            found.add("t:" + word + " " + words[i + 1] + " " + words[i + 2])
        padded = f" {word} "
        for n in (3, 4):
            for j in range(len(padded) - n + 1):
                found.add("c:" + padded[j : j + n])
    if not found:
        return {}
    value = 1 / math.sqrt(max(len(found), TYPICAL_FEATURES))
    return dict.fromkeys(found, value)


def sentences(normalised: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the normalised text."""
    return [m.span() for m in _SENTENCE.finditer(normalised) if m.group().strip()]


@dataclass(frozen=True)
class SecondReader:
    weights: Mapping[str, float]
    bias: float
    raise_at: float  # the probability at or above which it raises a concern
    min_words: int  # it reads only drafts this long: on a line or two it has too little to go on
    look_at: float = 1.0  # the lower probability at which it asks for a second look
    look_min_words: int = 0  # and the shortest draft it asks that of

    def probability(self, normalised: str) -> float:
        """How close this draft is to the labelled drafts that pressure, from 0 to 1."""
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features(normalised).items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def raises(self, normalised: str) -> bool:
        if len(normalised.split()) < self.min_words:
            return False
        return self.probability(normalised) >= self.raise_at

    def asks_a_second_look(self, normalised: str) -> bool:
        """Less sure than `raises`, but leaning towards pressure: worth reading again."""
        if len(normalised.split()) < self.look_min_words:
            return False
        return self.probability(normalised) >= self.look_at

    def weightiest_sentence(self, normalised: str) -> tuple[int, int]:
        """The sentence whose own features point most towards pressure: where the concern is shown."""
        spans = sentences(normalised) or [(0, len(normalised))]
        return max(spans, key=lambda span: self.probability(normalised[span[0] : span[1]]))
