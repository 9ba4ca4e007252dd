"""Near-duplicate quality: does `same_story_texts` fold copies and keep look-alikes apart?

    python bench/dedup_quality.py [--errors]

Runs the pairwise decision of pipelines/fingerprint.py over the labelled article pairs in
bench/data/dedup_pairs.jsonl (copies, edited copies, template siblings, the same kind of
event in another province, unrelated stories) and prints precision, recall and F1 of
"same story", accuracy per kind and per language, the thresholds in force, and the
distribution of the estimated Jaccard per kind. "LSH" is the share of pairs sharing at
least one band key, i.e. that the database lookup would even put side by side; the
decision itself is measured on every pair regardless. --errors lists the misclassified
pairs with their Jaccard and the rule that decided them.
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAIRS = ROOT / "bench" / "data" / "dedup_pairs.jsonl"
KINDS = ("copy", "edited", "template", "same_event_other_province", "unrelated")


@dataclass(frozen=True)
class Outcome:
    id: str
    kind: str
    lang: str
    same: bool
    predicted: bool
    jaccard: float
    candidate: bool  # shares an LSH band key
    reason: str


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _lang(pair: dict) -> str:
    text = pair["a"]["text"] + pair["b"]["text"]
    cjk = sum("\u3400" <= ch <= "\u9fff" for ch in text)
    return "zh" if cjk * 4 >= len(text) else "en"


def _reason(fa, fb) -> str:
    from provwatch.pipelines import fingerprint as fpm

    sim = fpm.jaccard(fa.signature, fb.signature)
    titled = bool(fa.title_key) and fa.title_key == fb.title_key
    if sim < fpm.SAME and not (sim >= fpm.SAME_WITH_TITLE and titled):
        return "below SAME" if not titled else "below SAME_WITH_TITLE"
    if not fpm.figures_agree(fa.numbers, fb.numbers):
        return "figures disagree"
    if not fpm.places_agree(fa.places, fb.places):
        return "places disagree"
    return "same title" if sim < fpm.SAME else "above SAME"


def evaluate(pairs: list[dict]) -> list[Outcome]:
    from provwatch.pipelines.fingerprint import fingerprint, jaccard, same_story_texts

    out = []
    for p in pairs:
        a, b = p["a"], p["b"]
        fa, fb = fingerprint(a["title"], a["text"]), fingerprint(b["title"], b["text"])
        out.append(
            Outcome(
                p["id"],
                p["kind"],
                _lang(p),
                p["same"],
                same_story_texts(a["title"], a["text"], b["title"], b["text"]),
                jaccard(fa.signature, fb.signature),
                bool(set(fa.bands) & set(fb.bands)),
                _reason(fa, fb),
            )
        )
    return out


def scores(outcomes: list[Outcome]) -> tuple[float, float, float]:
    tp = sum(o.same and o.predicted for o in outcomes)
    fp = sum(not o.same and o.predicted for o in outcomes)
    fn = sum(o.same and not o.predicted for o in outcomes)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str]) -> int:
    from provwatch.pipelines import fingerprint as fpm

    if not PAIRS.is_file():
        print(f"no labelled pairs at {PAIRS}", file=sys.stderr)
        return 1
    outcomes = evaluate(load_pairs())
    precision, recall, f1 = scores(outcomes)
    pos = sum(o.same for o in outcomes)
    print(
        f"{len(outcomes)} pairs ({pos} same story, {len(outcomes) - pos} not); "
        f"SAME={fpm.SAME} SAME_WITH_TITLE={fpm.SAME_WITH_TITLE} "
        f"(MinHash {fpm.NUM_PERM} permutations, {fpm.BANDS} bands x {fpm.ROWS} rows)"
    )
    print(
        f"same story: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
        f"(targets: precision >= 0.97, recall >= 0.92)"
    )
    print()
    print(f"{'kind':<27}{'label':>6}{'n':>5}{'acc':>7}{'LSH':>6}   jaccard min / median / max")
    for kind in KINDS:
        rows = [o for o in outcomes if o.kind == kind]
        if not rows:
            continue
        sims = [o.jaccard for o in rows]
        acc = sum(o.same == o.predicted for o in rows) / len(rows)
        cand = sum(o.candidate for o in rows) / len(rows)
        print(
            f"{kind:<27}{'same' if rows[0].same else 'diff':>6}{len(rows):>5}{acc:>7.2f}"
            f"{cand:>6.2f}   {min(sims):.2f} / {statistics.median(sims):.2f} / {max(sims):.2f}"
        )
    print()
    for lang in ("zh", "en"):
        rows = [o for o in outcomes if o.lang == lang]
        if rows:
            p, r, f = scores(rows)
            print(f"{lang}: {len(rows)} pairs, precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    if "--errors" in argv:
        wrong = [o for o in outcomes if o.same != o.predicted]
        print(f"\n{len(wrong)} misclassified:")
        notes = {p["id"]: p["note"] for p in load_pairs()}
        for o in sorted(wrong, key=lambda o: (o.kind, o.jaccard)):
            verdict = "missed copy" if o.same else "false merge"
            print(f"  {o.id:<32} {verdict:<12} J={o.jaccard:.3f}  {o.reason:<22} {notes[o.id]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
