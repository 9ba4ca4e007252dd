"""Meetings benchmark: extraction quality against gold ``meetings`` labels, and its cost.

    python bench/meetings.py [--errors]

Sets: the meeting stories of ../shared/eval/real_dev (texts whose gold lists a meeting or
whose event is leader_meeting), the provincial stories of tests/data/meetings.jsonl
(written for the tests in the language of provincial portals, from public facts) and the
held-out stories of tests/data/meetings_heldout.jsonl (written after the rules, from
reports found by search or issue 18's seed cases, each with its source; the rules were
then mended by families of language, never per sentence).

Figures, per set, micro-averaged over texts:
- host F1: the set of host names per text against gold's;
- guest organisation F1: organisations named for guests, compared after dropping a
  leading country name and a trailing 政府 (美国特斯拉公司 = 特斯拉公司), one containing
  the other counting as the same;
- kind accuracy: over the matched organisations, the kind against gold's org_kind;
- date exact: per gold meeting, the date of the extracted meeting with its host (ISO,
  or empty when the text says no single day) equals gold's.
Cost: extraction time over tagging time on the same texts (all of real_dev, then the
meeting stories), in one run, the fastest of 21 interleaved rounds of each; the target is
at most 0.20. The absolute ms per text is printed too: a faster tagger raises the ratio.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL_DEV = ROOT.parent / "shared" / "eval" / "real_dev"
LOCAL = ROOT / "tests" / "data" / "meetings.jsonl"
HELDOUT = ROOT / "tests" / "data" / "meetings_heldout.jsonl"
TARGETS = {"host F1": 0.95, "guest org F1": 0.90, "kind accuracy": 0.90, "date exact": 0.90}


def _norm(org: str) -> str:
    from provwatch.pipelines.meeting_guests import COUNTRIES

    org = re.sub(r"政府$", "", org)
    for c in COUNTRIES:
        if org.startswith(c) and len(org) > len(c):
            return org[len(c):]
    return org


def _same(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a == b or a in b or b in a)


def score(items: list[dict], extract, errors: list[str]) -> dict[str, float]:
    """items: {id, title, text, published, meetings}; extract(title, text, published)."""
    tp = fp = fn = 0
    otp = ofp = ofn = 0
    kinds_ok = kinds = 0
    dates_ok = dates = 0
    for it in items:
        got = extract(it["title"], it["text"], it["published"])
        gold = it["meetings"]
        ph = {h.name for m in got for h in m.hosts}
        gh = {m["host"] for m in gold}
        tp += len(ph & gh)
        fp += len(ph - gh)
        fn += len(gh - ph)
        if ph != gh:
            errors.append(f"{it['id']} hosts: got {sorted(ph)} want {sorted(gh)}")
        pg = [(g.org, g.org_kind) for m in got for g in m.guests if g.org]
        gg = [(g["org"], g["org_kind"]) for m in gold for g in m["guests"] if g["org"]]
        left = list(pg)
        for org, kind in gg:
            match = next((p for p in left if _same(p[0], org)), None)
            if match is None:
                ofn += 1
                errors.append(f"{it['id']} org missed: {org} (got {[p[0] for p in pg]})")
                continue
            left.remove(match)
            otp += 1
            kinds += 1
            kinds_ok += match[1] == kind
            if match[1] != kind:
                errors.append(f"{it['id']} kind: {match[0]} {match[1]} want {kind}")
        ofp += len({p[0] for p in left})
        errors += [f"{it['id']} org extra: {p[0]}" for p in left]
        for m in gold:
            dates += 1
            mine = next((x for x in got if any(h.name == m["host"] for h in x.hosts)), None)
            value = mine.date.isoformat() if mine and mine.date else ""
            dates_ok += value == m["date"]
            if value != m["date"]:
                errors.append(f"{it['id']} date: got {value!r} want {m['date']!r}")
    f1 = (2 * tp / (2 * tp + fp + fn)) if tp + fp + fn else 1.0
    of1 = (2 * otp / (2 * otp + ofp + ofn)) if otp + ofp + ofn else 1.0
    return {"host F1": f1, "guest org F1": of1,
            "kind accuracy": kinds_ok / kinds if kinds else 1.0,
            "date exact": dates_ok / dates if dates else 1.0}


def _real_dev() -> tuple[list[dict], list[dict]]:
    items = []
    for line in (REAL_DEV / "gold.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        title, _, body = (REAL_DEV / g["file"]).read_text(encoding="utf-8").partition("\n\n")
        published = date.fromisoformat(g["published"][:10]) if g.get("published") else None
        items.append({"id": g["id"], "title": title.strip(), "text": body,
                      "published": published, "meetings": g["meetings"],
                      "event": g["event"]})
    meeting = [i for i in items if i["meetings"] or i["event"] == "leader_meeting"]
    return items, meeting


def _local(path: Path = LOCAL) -> list[dict]:
    out = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            it = json.loads(line)
            it["published"] = date.fromisoformat(it["published"])
            out.append(it)
    return out


def _timing(items: list[dict], rounds: int = 21) -> tuple[float, float]:
    """Seconds per text, tagging and extraction: the fastest of ``rounds`` interleaved
    rounds of each over all ``items`` (the machine is shared; the fastest round is the one
    least disturbed by others), with the extractor's per-text caches emptied each round.
    The extractor is given the tagger's matches, as the store stage gives them."""
    from provwatch.pipelines import meeting_guests, meeting_summary
    from provwatch.pipelines.meetings import extract_meetings
    from provwatch.pipelines.tagging import default_tagger

    tagger = default_tagger()
    tagger.tag(items[0]["title"], items[0]["text"])
    extract_meetings(items[0]["title"], items[0]["text"], items[0]["published"])
    tag = meet = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        matches = [tagger.tag(it["title"], it["text"]).matches for it in items]
        tag = min(tag, time.perf_counter() - started)
        for cached in (meeting_guests._guest, meeting_guests._whole, meeting_summary.title_en):
            cached.cache_clear()
        started = time.perf_counter()
        for it, found in zip(items, matches, strict=True):
            extract_meetings(it["title"], it["text"], it["published"], matches=found)
        meet = min(meet, time.perf_counter() - started)
    return tag / len(items), meet / len(items)


def main(argv: list[str]) -> int:
    if not (REAL_DEV / "gold.jsonl").is_file():
        print(f"no real_dev set at {REAL_DEV}: this benchmark needs ../shared beside the repo")
        return 2
    from provwatch.pipelines.meetings import extract_meetings

    everything, meeting = _real_dev()
    sets = [("real_dev meeting stories", meeting), ("provincial stories (tests)", _local()),
            ("held-out provincial stories", _local(HELDOUT))]
    failed = False
    for name, items in sets:
        errors: list[str] = []
        figures = score(items, extract_meetings, errors)
        print(f"{name}: {len(items)} texts, {sum(len(i['meetings']) for i in items)} meetings")
        for key, value in figures.items():
            ok = value >= TARGETS[key]
            failed |= not ok
            print(f"  {key:<15} {value:.3f}  (target >= {TARGETS[key]:.2f}) "
                  f"{'ok' if ok else 'BELOW'}")
        if "--errors" in argv:
            for e in errors:
                print("   ", e)
    extra = sum(bool(extract_meetings(i["title"], i["text"], i["published"]))
                for i in everything if not (i["meetings"] or i["event"] == "leader_meeting"))
    print(f"real_dev texts without a gold meeting that gave one: {extra} of "
          f"{len(everything) - len(meeting)}")
    for name, items in (("all of real_dev", everything), ("meeting stories", meeting)):
        tag, meet = _timing(items)
        ratio = meet / tag if tag else 0.0
        print(f"time added to tagging, {name} ({len(items)} texts, fastest of 21 rounds): "
              f"tagging {tag * 1e3:.3f} ms/text, meetings {meet * 1e3:.3f} ms/text, ratio "
              f"{ratio:.3f} (target <= 0.20)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
