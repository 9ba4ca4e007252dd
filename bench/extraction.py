"""Extraction benchmark on real Chinese pages: provwatch's extract() against plain trafilatura.

Run ``python bench/extraction.py`` (``--pages`` adds one row per page). It reads
``../shared/fixtures/zh_web_extraction`` (69 hand-labelled pages) beside the repository and
prints, for ours and for plain trafilatura in the same run:

* dates: the publication day right on the pages whose gold gives a day; on the pages whose
  gold gives only a year or a month, right at that precision; no date at all where the gold
  says UNKNOWN (the dataset's typo UNKNWON included). "No date" is a date whose provenance
  is ``crawl`` (ours, the fallback) or None (trafilatura). Two gold labels are not dates
  (an empty file, and an author's name): those pages are left out of the date figures.
* text: character F1 against the gold text. Each text is taken as the multiset of its
  non-whitespace characters; P = |pred ∩ gold| / |pred|, R = |pred ∩ gold| / |gold|,
  F1 = 2PR / (P + R) per page (0 when pred is empty), then the mean over pages; pages whose
  gold text is empty are skipped. "Empty" counts pages with gold text and no prediction.
* time per page, median and p95 in milliseconds, each page run three times (its median).
  Ours is timed from the raw bytes (decoding, headline, dates, policy-document metadata,
  text); plain trafilatura is timed from the already decoded string, text only
  (``trafilatura.extract(html)``, default options), so the comparison is conservative.

How plain trafilatura is fed: the page decoded by provwatch's own charset rules
(pipelines.decoding), so that its figures measure extraction, not decoding; its date is
``bare_extraction(html, with_metadata=True).date`` (htmldate). For reference it is also
scored on the raw bytes with its own decoding ("plain trafilatura, own decoding").

The page URL is the one the dataset recorded in its ``<text id="...">`` wrapper where there
is one (49 pages; the pipeline always knows the URL it fetched), else empty. The crawl time
is the time of the run.

Then the same extract() runs over ``readability_zh``, ``newspaper4k_zh`` and ``fundus_cn``,
one row per page: charset, title, date and its provenance, and text F1 against the text
those projects expect.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from provwatch.pipelines.decoding import DecodeError, decode_html  # noqa: E402
from provwatch.pipelines.extraction import extract  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures"
ZH = FIXTURES / "zh_web_extraction"
SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime.now(timezone.utc)
_WRAPPER_URL = re.compile(r'<text id="(https?://[^"]+)"')


@dataclass
class Page:
    id: str
    body: bytes
    url: str
    gold_text: str
    gold_date: str


def char_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """(P, R, F1) over the multisets of non-whitespace characters."""
    p = Counter(c for c in pred if not c.isspace())
    g = Counter(c for c in gold if not c.isspace())
    both = sum((p & g).values())
    precision = both / sum(p.values()) if p else 0.0
    recall = both / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def gold_kind(gold: str) -> tuple[str, str | None]:
    """('day' | 'month' | 'year', its 'YYYY-MM-DD' prefix), ('unknown', None) or
    ('unlabelled', None)."""
    gold = gold.strip()
    if gold.upper() in ("UNKNOWN", "UNKNWON"):
        return "unknown", None
    m = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", gold)
    if not m:
        return "unlabelled", None
    y, mo, d = m.groups()
    if d:
        return "day", f"{y}-{int(mo):02d}-{int(d):02d}"
    if mo:
        return "month", f"{y}-{int(mo):02d}"
    return "year", y


def load_pages() -> list[Page]:
    pages = []
    for html_path in sorted((ZH / "original").glob("*.html")):
        pid = html_path.stem
        body = html_path.read_bytes()
        m = _WRAPPER_URL.search(body[:600].decode("ascii", "ignore"))
        pages.append(Page(
            id=pid, body=body, url=m.group(1) if m else "",
            gold_text=(ZH / "cleaned" / f"{pid}.txt").read_text(encoding="utf-8"),
            gold_date=(ZH / "date" / f"{pid}.txt").read_text(encoding="utf-8"),
        ))
    return pages


def _timed(fn, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


@dataclass
class Row:
    id: str
    text: str
    day: str | None  # YYYY-MM-DD in Shanghai, None for no date
    seconds: float
    note: str = ""


def run_ours(page: Page) -> Row:
    def go():
        return extract(page.body, page.url, fetched_at=NOW)

    try:
        got, seconds = _timed(go)
    except DecodeError as e:
        return Row(page.id, "", None, 0.0, f"undecodable: {e}")
    day = None if got.date_source == "crawl" else got.published_at.astimezone(SHANGHAI)
    return Row(page.id, got.text, day.strftime("%Y-%m-%d") if day else None, seconds,
               got.date_source)


def run_plain(page: Page) -> tuple[Row, Row]:
    try:
        html, _ = decode_html(page.body)
    except DecodeError:
        html = page.body.decode("gb18030", "replace")
    text, seconds = _timed(lambda: trafilatura.extract(html) or "")
    meta = trafilatura.bare_extraction(html, with_metadata=True)
    day = getattr(meta, "date", None) or None
    own = trafilatura.extract(page.body) or ""
    return Row(page.id, text, day[:10] if day else None, seconds), Row(page.id, own, None, 0.0)


def tolerated(pages: list[Page]) -> list[str]:
    """Pages no charset decodes strictly, read with their handful of broken bytes dropped."""
    out = []
    for p in pages:
        try:
            _, charset = decode_html(p.body)
        except DecodeError:
            continue
        broken = p.body.decode(charset, "replace").count("\ufffd")
        if broken:
            out.append(f"{p.id[:8]} ({charset}, {broken} bytes)")
    return out


def score(rows: list[Row], pages: list[Page]) -> dict:
    pairs = list(zip(rows, pages, strict=True))
    prf = [char_prf(r.text, p.gold_text) for r, p in pairs if p.gold_text.strip()]
    empties = sum(1 for r, p in pairs if p.gold_text.strip() and not r.text.strip())
    dates = Counter()
    for r, p in pairs:
        kind, want = gold_kind(p.gold_date)
        dates[kind] += 1
        if kind == "unknown":
            dates["unknown_none"] += r.day is None
        elif kind != "unlabelled":
            right = r.day is not None and r.day.startswith(want)
            dates[f"{kind}_right"] += right
            dates[f"{kind}_none"] += r.day is None
    ms = sorted(r.seconds * 1000 for r in rows)
    return {
        "P": statistics.mean(x[0] for x in prf), "R": statistics.mean(x[1] for x in prf),
        "F1": statistics.mean(x[2] for x in prf), "pages": len(prf), "empty": empties,
        "dates": dates, "median_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
    }


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def print_zh(ours: dict, plain: dict, own: dict) -> None:
    print(f"zh_web_extraction: {ours['pages']} pages with gold text, run {NOW:%Y-%m-%d %H:%M}Z")
    rows = [
        ("", "provwatch extract()", "plain trafilatura", "plain, own decoding"),
        ("publication day right", _pct(ours["dates"]["day_right"], ours["dates"]["day"]),
         _pct(plain["dates"]["day_right"], plain["dates"]["day"]), ""),
        ("  of which no date found", str(ours["dates"]["day_none"]),
         str(plain["dates"]["day_none"]), ""),
        ("year/month-only gold right",
         _pct(ours["dates"]["month_right"] + ours["dates"]["year_right"],
              ours["dates"]["month"] + ours["dates"]["year"]),
         _pct(plain["dates"]["month_right"] + plain["dates"]["year_right"],
              plain["dates"]["month"] + plain["dates"]["year"]), ""),
        ("UNKNOWN gold: no date given", _pct(ours["dates"]["unknown_none"],
                                             ours["dates"]["unknown"]),
         _pct(plain["dates"]["unknown_none"], plain["dates"]["unknown"]), ""),
        ("text char-F1 (mean)", f"{ours['F1']:.3f}", f"{plain['F1']:.3f}", f"{own['F1']:.3f}"),
        ("  precision / recall", f"{ours['P']:.3f} / {ours['R']:.3f}",
         f"{plain['P']:.3f} / {plain['R']:.3f}", f"{own['P']:.3f} / {own['R']:.3f}"),
        ("  empty results", str(ours["empty"]), str(plain["empty"]), str(own["empty"])),
        ("time per page median / p95", f"{ours['median_ms']:.1f} / {ours['p95_ms']:.1f} ms",
         f"{plain['median_ms']:.1f} / {plain['p95_ms']:.1f} ms", ""),
        ("  ours / plain (median)", f"{ours['median_ms'] / plain['median_ms']:.2f}x", "", ""),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    unlabelled = ours["dates"]["unlabelled"]
    print(f"({unlabelled} pages whose date label is not a date are left out of the date rows)")


def print_pages(pages, ours, plain) -> None:
    for p, o, t in zip(pages, ours, plain, strict=True):
        kind, want = gold_kind(p.gold_date)
        f_o, f_t = char_prf(o.text, p.gold_text)[2], char_prf(t.text, p.gold_text)[2]
        print(f"{p.id[:8]} gold {want or kind:10} ours {o.day or '-':10} ({o.note:14}) "
              f"plain {t.day or '-':10}  F1 {f_o:.2f} vs {f_t:.2f}  {o.seconds * 1000:5.1f} ms "
              f"vs {t.seconds * 1000:5.1f} ms")


# --- the other fixture sets -----------------------------------------------------------


def _html_text(path: Path) -> str:
    return lxml.html.fromstring(path.read_text(encoding="utf-8")).text_content()


def other_pages():
    """(set, name, bytes, url, expected title, expected text, expected day) per page."""
    rz = FIXTURES / "readability_zh" / "test" / "test-pages"
    for d in sorted(rz.glob("*")) if rz.exists() else []:
        meta = json.loads((d / "expected-metadata.json").read_text(encoding="utf-8"))
        yield ("readability_zh", d.name, (d / "source.html").read_bytes(), "",
               meta.get("title"), _html_text(d / "expected.html"), None)
    nz = FIXTURES / "newspaper4k_zh" / "tests" / "data"
    for html in sorted((nz / "html").glob("*.html")) if nz.exists() else []:
        meta_path = nz / "metadata" / f"{html.stem}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        yield ("newspaper4k_zh", html.stem, html.read_bytes(), meta.get("url", ""),
               meta.get("title"), (nz / "txt" / f"{html.stem}.txt").read_text(encoding="utf-8"),
               (meta.get("publish_date") or "")[:10] or None)
    fc = FIXTURES / "fundus_cn" / "tests" / "resources" / "parser" / "test_data" / "cn"
    if fc.exists():
        info = json.loads((fc / "meta.info").read_text(encoding="utf-8"))
        for name, where in info.items():
            expected = json.loads((fc / f"{name.split('_')[0]}.json").read_text(encoding="utf-8"))
            v1 = expected["V1"]
            text = "\n".join(p for s in v1["body"]["sections"] for p in s["paragraphs"])
            yield ("fundus_cn", name, gzip.decompress((fc / name).read_bytes()), where["url"],
                   v1.get("title"), text, (v1.get("publishing_date") or "")[:10] or None)


def print_others() -> None:
    print("\nother fixture sets (expected title as the project gives it, before our suffix rule)")
    for set_name, name, body, url, title, text, day in other_pages():
        try:
            got = extract(body, url, fetched_at=NOW)
        except DecodeError as e:
            print(f"  {set_name}/{name}: dropped, {e}")
            continue
        ours_day = got.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        f1 = char_prf(got.text, text)[2]
        plain = char_prf(trafilatura.extract(decode_html(body)[0]) or "", text)[2]
        print(f"  {set_name}/{name}: charset {got.charset}; title {got.title!r} "
              f"(expected {title!r}); date {ours_day} from {got.date_source}"
              f"{f' (expected {day})' if day else ''}; text F1 {f1:.2f} "
              f"(plain trafilatura {plain:.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="one row per page")
    args = parser.parse_args()
    if not ZH.exists():
        print(f"bench/extraction.py: {ZH} not found; the benchmark reads the shared fixtures "
              "beside the repository (../shared/fixtures)", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.WARNING)  # trafilatura and htmldate log every discarded page
    pages = load_pages()
    ours = [run_ours(p) for p in pages]
    plain_pairs = [run_plain(p) for p in pages]
    plain, own = [p[0] for p in plain_pairs], [p[1] for p in plain_pairs]
    print_zh(score(ours, pages), score(plain, pages), score(own, pages))
    undecodable = [r for r in ours if r.note.startswith("undecodable")]
    print(f"dropped as undecodable: {', '.join(r.id[:8] for r in undecodable) or 'none'}; "
          f"decoded with a few broken bytes dropped: {', '.join(tolerated(pages)) or 'none'}")
    if args.pages:
        print_pages(pages, ours, plain)
    print_others()
    return 0


if __name__ == "__main__":
    sys.exit(main())
