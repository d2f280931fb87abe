"""The labelled drafts the checker is judged by, and their split into tuning and held-out parts.

Every `tests/data/drafts*.toml` file holds `[[draft]]` tables labelled as `tests/data/LABELLING.md`
says. A draft belongs to the held-out fifth when the SHA-256 of its id, read as a number, is a
multiple of five: the split depends on nothing but the id, so it cannot drift as drafts are added,
and nobody chooses which drafts are held out. Held-out drafts are never asserted one by one and never
tuned on; `make bench` reports the checker's figures on them.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


@dataclass(frozen=True)
class LabelledDraft:
    id: str
    text: str
    verdict: str
    codes: frozenset[str]
    writer: str
    source: str  # the file it came from


def is_held_out(draft_id: str) -> bool:
    return int(hashlib.sha256(draft_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


def load_drafts(data_dir: Path = DATA) -> tuple[LabelledDraft, ...]:
    drafts: list[LabelledDraft] = []
    for path in sorted(data_dir.glob("drafts*.toml")):
        for raw in tomllib.loads(path.read_text("utf-8")).get("draft", []):
            drafts.append(
                LabelledDraft(
                    id=raw["id"],
                    text=raw["text"],
                    verdict=raw["verdict"],
                    codes=frozenset(raw.get("codes", [])),
                    writer=raw.get("writer", ""),
                    source=path.name,
                )
            )
    ids = [d.id for d in drafts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"draft ids must be unique: {duplicates[:5]}")
    return tuple(drafts)


def tuning_drafts() -> tuple[LabelledDraft, ...]:
    return tuple(d for d in load_drafts() if not is_held_out(d.id))


def held_out_drafts() -> tuple[LabelledDraft, ...]:
    return tuple(d for d in load_drafts() if is_held_out(d.id))


# --- Judging the checker against the labels ------------------------------------------------------

PRESSURING, NEEDS_WORK, GENTLE = "pressuring", "needs_work", "gentle"


@dataclass(frozen=True)
class Miss:
    id: str
    expected: str
    got: str
    missing: tuple[str, ...]
    extra: tuple[str, ...]


@dataclass(frozen=True)
class Judgement:
    """How the checker did on a set of labelled drafts."""

    count: int
    verdict_correct: int
    pressuring_as_gentle: int  # the miss that matters most: pressure passed as gentle
    gentle_as_pressuring: int  # a kind draft called pressure
    per_code: dict[str, tuple[int, int, int]]  # code -> (true positives, false positives, misses)
    misses: tuple[Miss, ...]

    @property
    def accuracy(self) -> float:
        return self.verdict_correct / self.count if self.count else 0.0

    def precision_recall(self, code: str) -> tuple[float | None, float | None]:
        tp, fp, fn = self.per_code.get(code, (0, 0, 0))
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        return precision, recall


def judge(drafts: tuple[LabelledDraft, ...], check) -> Judgement:
    """`check(text)` returns (verdict, codes): the checker under test, with its rules bound."""
    per_code: dict[str, list[int]] = {}
    correct = p_as_g = g_as_p = 0
    misses: list[Miss] = []
    for draft in drafts:
        verdict, codes = check(draft.text)
        codes = frozenset(str(c) for c in codes)
        for code in codes | draft.codes:
            tally = per_code.setdefault(code, [0, 0, 0])
            if code in codes and code in draft.codes:
                tally[0] += 1
            elif code in codes:
                tally[1] += 1
            else:
                tally[2] += 1
        correct += verdict == draft.verdict
        p_as_g += draft.verdict == PRESSURING and verdict == GENTLE
        g_as_p += draft.verdict == GENTLE and verdict == PRESSURING
        if verdict != draft.verdict or codes != draft.codes:
            misses.append(
                Miss(
                    draft.id,
                    draft.verdict,
                    str(verdict),
                    tuple(sorted(draft.codes - codes)),
                    tuple(sorted(codes - draft.codes)),
                )
            )
    return Judgement(
        count=len(drafts),
        verdict_correct=correct,
        pressuring_as_gentle=p_as_g,
        gentle_as_pressuring=g_as_p,
        per_code={code: (t[0], t[1], t[2]) for code, t in sorted(per_code.items())},
        misses=tuple(misses),
    )
