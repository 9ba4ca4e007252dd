"""Tagging benchmark: quality on ../shared/eval/dev and real_dev through `provwatch tag`'s own
path, and speed.

    python bench/tagging.py [--errors]

Prints the scorer's figures (provinces_about / provinces_mentioned / sectors F1, event
accuracy) and the tagger's throughput on one core for articles cut to 1,500 characters,
timed by the process's CPU time (target: 2,000 articles/s per core, issue 17).
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
    _real_dev(config, argv)

    tagger = default_tagger()
    texts = []
    for g in gold:
        got = extract((DEV / g["file"]).read_bytes(), g["url"], fetched_at=_now())
        body = (got.text * (1 + 1500 // max(1, len(got.text))))[:1500]
        texts.append((got.title, body, g["url"]))
    tagger.tag(*texts[0][:2])  # warm the caches
    # per core: the process's CPU time (a shared machine's other work does not count), with
    # the wall clock beside it
    rounds, cpu, wall = 20, [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for title, body, url in texts:
            tagger.tag(title, body, url=url)
        cpu.append((time.process_time() - c0) / len(texts))
        wall.append((time.perf_counter() - w0) / len(texts))
    median, best, wall_median = statistics.median(cpu), min(cpu), statistics.median(wall)
    print(f"speed: {1 / median:,.0f} articles/s per core at 1,500 characters, knowledge base "
          f"loaded (CPU time, median of {rounds} rounds over {len(texts)} articles; best "
          f"{1 / best:,.0f}/s; {median * 1e3:.3f} ms per article; "
          f"wall clock {1 / wall_median:,.0f}/s)")
    return 0


def _real_dev(config, argv: list[str]) -> None:
    """real_dev's texts through `provwatch tag`'s path, scored the same way."""
    from provwatch.crawler.services.tagging import tag_lines

    real = SHARED / "eval" / "real_dev"
    if not (real / "input.jsonl").is_file():
        print(f"no real_dev set at {real}: its figures are not printed")
        return
    errors: list[str] = []
    lines = (real / "input.jsonl").read_text(encoding="utf-8").splitlines()
    preds = list(tag_lines(config, lines, "real_dev", errors))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"real_dev set: {len(lines)} texts, {len(preds)} tagged, {len(errors)} skipped")
    subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(real / "gold.jsonl"),
                    f.name, *(["--errors"] if "--errors" in argv else [])], check=True)
    Path(f.name).unlink()


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
