"""Every tag of every dev and real_dev text, kept in a file and compared with a later tree's.

    python bench/tagging_compare.py save before.json     # on the old tree
    python bench/tagging_compare.py diff before.json     # on the new tree

A change meant to be a speed-up only must print "identical"; otherwise each differing
field is printed with the gold label beside it. Texts go through `provwatch tag`'s path
(dev pages extracted from their HTML, real_dev texts as given).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"
SETS = ("dev", "real_dev")


def _lines(name: str) -> list[str]:
    if name == "real_dev":
        return (EVAL / name / "input.jsonl").read_text(encoding="utf-8").splitlines()
    from provwatch.pipelines.decoding import decode_html

    out = []
    for line in (EVAL / name / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        html, _ = decode_html((EVAL / name / g["file"]).read_bytes())
        out.append(json.dumps({"id": g["id"], "html": html, "url": g["url"]}))
    return out


def tags() -> dict[str, dict]:
    from provwatch.crawler.config import load_config
    from provwatch.crawler.services.tagging import tag_lines
    from provwatch.pipelines.tagging import default_tagger

    config, out = load_config(env={}), {}
    tagger = default_tagger()
    for name in SETS:
        for row in tag_lines(config, _lines(name), name, []):
            out[row["id"]] = row
    # the scores too: a speed-up must not move them either
    for name in SETS:
        for row in map(json.loads, _lines(name)):
            if "text" in row:
                out[row["id"]]["scores"] = tagger.tag(row["title"], row["text"]).scores
    return out


def main(argv: list[str]) -> int:
    missing = [str(EVAL / s) for s in SETS if not (EVAL / s / "gold.jsonl").is_file()]
    if missing:
        print(f"missing {', '.join(missing)}: this comparison needs ../shared beside the repo")
        return 2
    if len(argv) != 3 or argv[1] not in ("save", "diff"):
        print(__doc__)
        return 2
    now = tags()
    if argv[1] == "save":
        Path(argv[2]).write_text(json.dumps(now, ensure_ascii=False, indent=0), "utf-8")
        print(f"saved the tags of {len(now)} texts to {argv[2]}")
        return 0
    before = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    gold = {g["id"]: g for s in SETS
            for g in map(json.loads, (EVAL / s / "gold.jsonl").open(encoding="utf-8"))}
    changed = 0
    for id_, row in now.items():
        for field, value in row.items():
            if json.loads(json.dumps(value, ensure_ascii=False)) != before.get(id_, {}).get(field):
                changed += 1
                print(f"{id_} {field}: {before.get(id_, {}).get(field)} -> {value}"
                      f"   gold {gold[id_].get(field)}")
    print("identical" if not changed else f"{changed} fields differ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
