"""Tagging benchmark: quality on ../shared/eval/dev through `provwatch tag`'s own path, and speed.

    python bench/tagging.py [--errors]

Prints the scorer's figures (provinces_about / provinces_mentioned / sectors F1, event
accuracy) and the tagger's throughput on one core for articles cut to 1,500 characters.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev"


def main(argv: list[str]) -> int:
    if not (DEV / "gold.jsonl").is_file():
        print(f"no dev set at {DEV}: this benchmark needs ../shared beside the repo")
        return 2
    from provwatch.crawler.config import load_config
    from provwatch.crawler.services.tagging import tag_lines
    from provwatch.pipelines.decoding import decode_html
    from provwatch.pipelines.extraction import extract
    from provwatch.pipelines.tagging import default_tagger

    gold = [json.loads(line) for line in (DEV / "gold.jsonl").open(encoding="utf-8")]
    lines = []
    for g in gold:
        html, _ = decode_html((DEV / g["file"]).read_bytes())
        lines.append(json.dumps({"id": g["id"], "html": html, "url": g["url"]}))
    errors: list[str] = []
    config = load_config(env={})
    started = time.perf_counter()
    preds = list(tag_lines(config, lines, "dev", errors))
    wall = time.perf_counter() - started
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"dev set: {len(gold)} pages, {len(preds)} tagged, {len(errors)} skipped "
          f"(extract + tag: {wall:.2f}s)")
    subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(DEV / "gold.jsonl"),
                    f.name, *(["--errors"] if "--errors" in argv else [])], check=True)
    Path(f.name).unlink()

    tagger = default_tagger()
    texts = []
    for g in gold:
        got = extract((DEV / g["file"]).read_bytes(), g["url"], fetched_at=_now())
        body = (got.text * (1 + 1500 // max(1, len(got.text))))[:1500]
        texts.append((got.title, body, g["url"]))
    tagger.tag(*texts[0][:2])  # warm the caches
    rounds, per_article = 20, []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for title, body, url in texts:
            tagger.tag(title, body, url=url)
        per_article.append((time.perf_counter() - t0) / len(texts))
    best, median = min(per_article), statistics.median(per_article)
    print(f"speed: {1 / median:,.0f} articles/s per core at 1,500 characters "
          f"(median of {rounds} rounds over {len(texts)} articles; best {1 / best:,.0f}/s; "
          f"{median * 1e3:.3f} ms per article)")
    return 0


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
