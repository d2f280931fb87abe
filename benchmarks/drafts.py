"""The draft checker against the labelled corpus: verdict accuracy and each code's precision and recall.

The figures that count are the held-out fifth's (benchmarks/draft_corpus.py): drafts never tuned
on, most of them written by readers who had not seen the checker's rules. The tuning part is
reported too, as context. `python -m benchmarks --only drafts` prints the per-code table as well.
"""

from __future__ import annotations

from workbook.content import load_content
from workbook.messages import check_message

from . import Sizes
from .draft_corpus import Judgement, held_out_drafts, judge, tuning_drafts
from .report import Figure

__all__ = ["code_table", "drafts", "judge_parts"]

ACCURACY_GOAL = 0.95


def _check(text: str):
    result = check_message(text, load_content().message_rules)
    return result.verdict, result.codes


def judge_parts() -> tuple[Judgement, Judgement]:
    return judge(held_out_drafts(), _check), judge(tuning_drafts(), _check)


def code_table(judgement: Judgement) -> str:
    """Per code: precision, recall and the counts behind them (a markdown table)."""
    lines = ["| code | precision | recall | found | false alarms | missed |", "|---|---|---|---|---|---|"]
    for code, (tp, fp, fn) in judgement.per_code.items():
        precision, recall = judgement.precision_recall(code)
        shown = [f"{v:.0%}" if v is not None else "–" for v in (precision, recall)]
        lines.append(f"| `{code}` | {shown[0]} | {shown[1]} | {tp} | {fp} | {fn} |")
    return "\n".join(lines)


def drafts(sizes: Sizes) -> list[Figure]:
    held, tuning = judge_parts()
    detail = {
        "held_out": _detail(held),
        "tuning": _detail(tuning),
    }
    print("\nDraft checker, held-out fifth (never tuned on):")
    print(code_table(held))
    # The held-out misses are named in results.json only: reading them while tuning would tune on them.
    return [
        Figure(
            key="drafts_held_out_accuracy",
            title=f"Draft checker: verdict accuracy on the held-out fifth ({held.count} drafts)",
            value=held.accuracy * 100,
            unit="%",
            goal=f"≥ {ACCURACY_GOAL:.0%}",
            met=held.accuracy >= ACCURACY_GOAL,
            benchmark="drafts",
            detail=detail,
        ),
        Figure(
            key="drafts_held_out_pressuring_as_gentle",
            title="Draft checker: held-out pressuring drafts judged gentle",
            value=held.pressuring_as_gentle,
            unit="drafts",
            goal="0",
            met=held.pressuring_as_gentle == 0,
            benchmark="drafts",
        ),
        Figure(
            key="drafts_held_out_gentle_as_pressuring",
            title="Draft checker: held-out gentle drafts judged pressuring",
            value=held.gentle_as_pressuring,
            unit="drafts",
            goal="0",
            met=held.gentle_as_pressuring == 0,
            benchmark="drafts",
        ),
        Figure(
            key="drafts_tuning_accuracy",
            title=f"Draft checker: verdict accuracy on the tuning part ({tuning.count} drafts, context)",
            value=tuning.accuracy * 100,
            unit="%",
            benchmark="drafts",
        ),
    ]


def _detail(judgement: Judgement) -> dict:
    return {
        "count": judgement.count,
        "verdict_correct": judgement.verdict_correct,
        "pressuring_as_gentle": judgement.pressuring_as_gentle,
        "gentle_as_pressuring": judgement.gentle_as_pressuring,
        "per_code": {code: {"tp": t, "fp": f, "fn": n} for code, (t, f, n) in judgement.per_code.items()},
        "misses": [m.id for m in judgement.misses],
    }
