"""Precision and recall of the "same" decision over a labelled set of listing pairs.

    python -m directory.sync.duplicates.evaluate tests/sync/duplicate_pairs.json [--verbose]

The file is a JSON list of {"id", "batch", "label": "same" | "different", "note",
"a", "b"}, `a` and `b` being nested HSDS service records. Pairs go through
blocking first, as in a sync: a pair that shares no key is never compared.

How the figures came about (so they are read for what they are):
batch 1 (ids 1–102) was written before any scoring code; thresholds were tuned
on its even ids and the odd ids were looked at once, then used too. Batch 2
(103–122) was written blind after that and exposed over-fitting; the rules were
revised using it. Batch 3 (123–142) was written blind after the last change and
has not been tuned on: its line is the honest estimate.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from directory.sync.duplicates.score import Decision, Verdict, decide, listing_from_record


@dataclass
class Confusion:
    """Counts for the "same" decision: a "maybe" counts as not same."""

    true_same: int = 0  # labelled same, decided same
    false_same: int = 0  # labelled different, decided same
    missed_same: int = 0  # labelled same, decided maybe or different
    true_different: int = 0
    maybe: int = 0  # decided maybe, whatever the label (the review queue)
    wrong: list[int] = field(default_factory=list)  # ids of false and missed "same"

    def add(self, pair_id: int, label: str, decision: Decision) -> None:
        said_same = decision is Decision.SAME
        if decision is Decision.MAYBE:
            self.maybe += 1
        if label == "same" and said_same:
            self.true_same += 1
        elif label == "same":
            self.missed_same += 1
            self.wrong.append(pair_id)
        elif said_same:
            self.false_same += 1
            self.wrong.append(pair_id)
        else:
            self.true_different += 1

    @property
    def pairs(self) -> int:
        return self.true_same + self.false_same + self.missed_same + self.true_different

    @property
    def precision(self) -> float:
        decided = self.true_same + self.false_same
        return self.true_same / decided if decided else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_same + self.missed_same
        return self.true_same / labelled if labelled else 1.0

    def line(self, title: str) -> str:
        return (
            f"{title:<22} pairs {self.pairs:3}  precision {self.precision:.3f}  recall {self.recall:.3f}"
            f"  (same: {self.true_same} right, {self.false_same} wrong; missed {self.missed_same};"
            f" different: {self.true_different}; queued as maybe: {self.maybe})"
        )


@dataclass
class Evaluation:
    all: Confusion
    even: Confusion  # the half thresholds were first tuned on
    odd: Confusion
    verdicts: dict[int, Verdict]
    batches: dict[int, Confusion] = field(default_factory=dict)


def load_pairs(path: Path | str) -> list[dict]:
    pairs = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(pairs, list) or not all(
        isinstance(p, dict) and {"id", "label", "a", "b"} <= p.keys() for p in pairs
    ):
        raise ValueError(f"{path}: expected a list of pairs with id, label, a and b")
    return pairs


def evaluate(pairs: list[dict]) -> Evaluation:
    result = Evaluation(Confusion(), Confusion(), Confusion(), {})
    for pair in pairs:
        verdict = decide(listing_from_record(pair["a"]), listing_from_record(pair["b"]))
        result.verdicts[pair["id"]] = verdict
        half = result.even if pair["id"] % 2 == 0 else result.odd
        batch = result.batches.setdefault(int(pair.get("batch", 1)), Confusion())
        for confusion in (result.all, half, batch):
            confusion.add(pair["id"], pair["label"], verdict.decision)
    return result


def report(evaluation: Evaluation) -> str:
    lines = [evaluation.even.line("even ids"), evaluation.odd.line("odd ids")]
    if len(evaluation.batches) > 1:
        last = max(evaluation.batches)
        for number, confusion in sorted(evaluation.batches.items()):
            lines.append(confusion.line(f"batch {number}" + (" (blind)" if number == last else "")))
    lines.append(evaluation.all.line("all"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m directory.sync.duplicates.evaluate",
        description="Precision and recall of duplicate detection over labelled pairs.",
    )
    parser.add_argument("pairs", help="JSON file of labelled pairs (tests/sync/duplicate_pairs.json)")
    parser.add_argument("--verbose", action="store_true", help="also print every pair decided wrongly")
    args = parser.parse_args(argv)
    try:
        pairs = load_pairs(args.pairs)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    evaluation = evaluate(pairs)
    print(report(evaluation))
    if args.verbose:
        labels = {p["id"]: p for p in pairs}
        for pair_id in evaluation.all.wrong:
            verdict = evaluation.verdicts[pair_id]
            pair = labels[pair_id]
            print(
                f"\n#{pair_id} labelled {pair['label']}, decided {verdict.decision} ({verdict.score:g}): {pair.get('note', '')}"
            )
            print("   " + "\n   ".join(verdict.reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
