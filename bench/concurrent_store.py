"""Concurrent writers: do four processes storing copies of the same stories at once make
exactly one story per text, every copy, and one delivery per story?

    python bench/concurrent_store.py [--backend sqlite|postgresql|both] [--articles N]
                                     [--writers W] [--seed S]

Generated stories (distinct texts, each naming Henan) get 2 to 5 copies each: the first
copy is the text itself, the others either the same text (an exact copy) or an edited one
(a byline added: only the near-duplicate fingerprint joins it). Copies get their own URLs
and are dealt to the writers at random; every writer walks its share in story order, so
copies of one story reach the database from several processes at nearly the same moment,
as syndicated copies do. Each writer runs the pipeline's storage stages (dedupe, tag,
store; the pages are given as text, so no HTML is parsed) against one database with one
watchlist that every story matches.

Prints, per backend: stories created against expected (must be equal), deliveries
against expected (equal), articles lost (0), copies counted on the stories against
articles stored (equal), and throughput (articles per second, all writers together).
PostgreSQL is the server at 127.0.0.1:5432, database ``test``, in a schema of its own;
SQLite a file in a temporary folder. Exit status 1 when any count is wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from scratch import scratch_database  # bench/scratch.py
from sqlalchemy import func, select

from provwatch.alerts.watchlist import validate
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import close_all, open_database, transaction
from provwatch.crawler.storage.models import Article, Delivery, Story
from provwatch.pipelines.chain import Counters
from provwatch.pipelines.dedupe import DedupeStage
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.store import StoreStage
from provwatch.pipelines.tag import TagStage
from provwatch.pipelines.textnorm import content_hash

# common characters, so generated texts shingle like Chinese prose and share little
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
         "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
         "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
         "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变")
BYLINES = ("（记者 张甲）", "（记者 李乙）", "（本报讯）", "（通讯员 王丙）")
NOW = datetime(2026, 11, 20, 8, tzinfo=timezone.utc)


@dataclasses.dataclass(frozen=True)
class Copy:
    story: int
    url: str
    title: str
    text: str


def plan(articles: int, writers: int, seed: int) -> tuple[list[list[Copy]], int]:
    """The writers' shares (each in story order) and the number of stories."""
    rng = random.Random(seed)
    shares: list[list[Copy]] = [[] for _ in range(writers)]
    made = story = 0
    while made < articles:
        body = "河南省" + "".join(rng.choice(CHARS) for _ in range(400))
        title = f"河南省产业项目第{story}号签约"
        for n in range(min(rng.randint(2, 5), articles - made)):
            edited = n > 0 and rng.random() < 0.5
            words = rng.choice(BYLINES) + body if edited else body
            shares[rng.randrange(writers)].append(
                Copy(story, f"https://outlet{n}.example/{story}.html", title, words))
            made += 1
        story += 1
    return shares, story


def item(copy: Copy) -> ArticleItem:
    return ArticleItem(
        url=copy.url, source_id="bench", body=b"", fetched_at=NOW, title=copy.title,
        text=copy.text, published_at=NOW - timedelta(hours=1), date_source="meta",
        date_precision="minute", lang="zh", charset="utf-8", canonical_url=copy.url,
        content_hash=content_hash(copy.text))


def writer(url: str, share: list[Copy], barrier) -> None:
    stats = Counters()
    stages = [DedupeStage(url, stats), TagStage(), StoreStage(url, False, stats)]
    for stage in stages:
        if hasattr(stage, "open_spider"):
            stage.open_spider()
    barrier.wait(timeout=600)
    for copy in share:
        current = item(copy)
        for stage in stages:
            current = stage.process_item(current)
    for stage in stages:  # as a crawl ends: the store stage indexes its last for search
        if hasattr(stage, "close_spider"):
            stage.close_spider()


def run(backend: str, args) -> bool:
    shares, stories = plan(args.articles, args.writers, args.seed)
    with scratch_database(backend, "concurrent") as (url, _):
        sessions = open_database(url)
        spec = validate("all", provinces=["henan"], channels=["webhook:http://127.0.0.1:9/"])
        with transaction(sessions) as session:
            repository.add_watchlist(session, **dataclasses.replace(
                spec, created_at=NOW - timedelta(days=30)).to_row())
        close_all()
        spawn = multiprocessing.get_context("spawn")
        barrier = spawn.Barrier(args.writers + 1)
        procs = [spawn.Process(target=writer, args=(url, share, barrier)) for share in shares]
        for p in procs:
            p.start()
        barrier.wait(timeout=600)
        started = time.perf_counter()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - started
        with open_database(url)() as session:
            got_stories = session.scalar(select(func.count(Story.id)))
            got_articles = session.scalar(select(func.count(Article.id)))
            counted = session.scalar(select(func.sum(Story.copy_count)))
            deliveries = session.scalar(select(func.count(Delivery.id)))
            unindexed = repository.search_backlog_size(session)
    ok = (got_stories == stories and deliveries == stories and got_articles == args.articles
          and unindexed == 0
          and counted == got_articles and all(p.exitcode == 0 for p in procs))
    print(f"{backend:>10}: {args.writers} writers, {args.articles} articles of {stories} "
          f"stories in {seconds:.1f} s ({args.articles / seconds:.0f} articles/s)")
    print(f"{'':>10}  stories {got_stories} (expected {stories}), deliveries {deliveries} "
          f"(expected {stories}), articles lost {args.articles - got_articles}, copies "
          f"counted {counted} of {got_articles} stored, left unindexed {unindexed}: "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [run(b, args) for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
