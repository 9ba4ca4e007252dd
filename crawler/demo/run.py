"""`provwatch demo`: serve the demo site, crawl it, alert, and show what was found."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import platformdirs
import yaml
from rich.console import Console
from rich.table import Table

from provwatch.alerts.watchlist import validate
from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import load_config
from provwatch.crawler.daemon.crawl_view import crawl_with_progress, summary_line
from provwatch.crawler.demo.server import site_server, webhook_receiver
from provwatch.crawler.services import alerts as alerts_service
from provwatch.crawler.services import articles
from provwatch.crawler.services import meetings as meetings_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

HERE = Path(__file__).parent
DEMO_EMAIL = "analyst@demo.provwatch.test"


def _install_watchlists(database_url: str, hook_url: str) -> None:
    """Create the demo watchlists, or point their webhook at this run's receiver."""
    targets = {"email": f"email:{DEMO_EMAIL}", "webhook": f"webhook:{hook_url}"}
    with transaction(open_database(database_url)) as session:
        for entry in yaml.safe_load((HERE / "watchlists.yaml").read_text(encoding="utf-8")):
            spec = validate(entry["name"], entry.get("provinces", []), entry.get("sectors", []),
                            entry.get("keywords", []), [targets[c] for c in entry["channels"]])
            row = repository.get_watchlist(session, spec.name)
            if row is None:
                repository.add_watchlist(session, **spec.to_row())
            else:
                row.channels = list(spec.channels)


def run_demo(directory: Path | None, out: Console, err: Console) -> str:
    """Run the demo in ``directory``; returns its database URL."""
    folder = Path(directory or Path(platformdirs.user_data_dir("provwatch")) / "demo")
    folder.mkdir(parents=True, exist_ok=True)
    outbox = folder / "outbox"
    config = load_config(overrides={
        "database_url": f"sqlite:///{folder / 'demo.db'}",
        "catalog": str(HERE / "catalog.yaml"),
        "data_dir": str(folder),
        "smtp_pickup_dir": str(outbox / "email"),
        "webhook_secret": "provwatch-demo-secret",
        "download_delay": 0,
        "crawl_timeout": 120,
    })
    out.print(f"demo folder: {folder}")
    sessions = open_database(config.database_url)
    with transaction(sessions) as session:
        before = repository.count_articles(session)
    started = datetime.now(timezone.utc)
    with site_server() as site, webhook_receiver(outbox / "webhooks") as hooks:
        _install_watchlists(config.database_url, hooks.url + "/hook")
        proxy = {"http_proxy": site.url, "HTTP_PROXY": site.url, "no_proxy": "", "NO_PROXY": ""}
        for source in load_catalog(config.catalog):
            # the demo's watchlists are new and its fictional articles older: alert on them
            result = crawl_with_progress(config, source, err, env=proxy, alert_old=True)
            out.print(summary_line(result), markup=False)
            for message in result.error_messages:
                err.print(f"  {message}", markup=False)
        report = alerts_service.send_alerts(config)
    rows = articles.list_articles(config, limit=1000)
    new = len(rows) - before
    _print_tables(out, rows)
    with sessions() as session:
        sent = repository.sent_since(session, started)
    alerts = Table("watchlist", "channel", "story headline", title=f"{len(sent)} alerts sent")
    for name, channel, title in sent:
        alerts.add_row(name, channel.split(":", 1)[0], title[:60])
    out.print(alerts)
    out.print(f"\nthis run: {new} new articles; alerts sent {report.sent}, "
              f"retrying {report.retrying}, failed {report.failed}")
    for m in report.messages:
        err.print(m, markup=False)
    out.print(f"emails: {outbox / 'email'} ({len(list((outbox / 'email').glob('*.eml')))} "
              f"in all)  webhook calls: {outbox / 'webhooks'} "
              f"({len(list((outbox / 'webhooks').glob('*.json')))} in all)")
    out.print(f"database: {folder / 'demo.db'}\n  look inside: PROVWATCH_DATABASE_URL="
              f"sqlite:///{folder / 'demo.db'} provwatch articles", markup=False)
    _print_meetings(out, config)
    out.print(f"\nopen the archive in the web app: provwatch serve --db {folder / 'demo.db'}"
              "\n  (or run the demo with --serve), then browse http://127.0.0.1:8080/",
              markup=False)
    return config.database_url


def _print_tables(out: Console, rows: list[dict]) -> None:
    by_province = Counter(p for r in rows for p in r["provinces_about"] or ["(none)"])
    by_sector = Counter(s for r in rows for s in r["sectors"] or ["(none)"])
    table = Table("province (about)", "articles", "sector", "articles",
                  title=f"{len(rows)} stored articles by province and sector")
    left, right = by_province.most_common(), by_sector.most_common()
    for i in range(max(len(left), len(right))):
        lp, ln = left[i] if i < len(left) else ("", "")
        rs, rn = right[i] if i < len(right) else ("", "")
        table.add_row(lp, str(ln), rs, str(rn))
    out.print(table)
    sent = Table("id", "story", "about", "sectors", "title", title="latest articles")
    for r in rows[:12]:
        sent.add_row(str(r["id"]), str(r["story_id"]), ",".join(r["provinces_about"]),
                     ",".join(r["sectors"]), r["title"][:50])
    out.print(sent)


def _print_meetings(out: Console, config) -> None:
    """The stored meetings, each with its English and Chinese line, and their guest kinds."""
    rows = meetings_service.list_meetings(config, meetings_service.Filters(), limit=None)
    out.print(f"\n{len(rows)} meetings (provwatch meetings)")
    for m in rows:
        hosts = "、".join(h["title"] + h["name"] for h in m["hosts"])
        guests = "、".join(g["org"] + g["title"] + g["name"] for g in m["guests"])
        out.print(f"{m['day'] or ''}  hosts: {hosts}  guests: {guests}  topics: "
                  f"{', '.join(m['topics'])}", markup=False, soft_wrap=True)
        out.print(f"  {m['summary_en']}\n  {m['summary_zh']}", markup=False, soft_wrap=True)
    stats = Table("guest kind", "meetings", "share",
                  title="meetings by guest kind (provwatch meetings stats --by guest-kind)")
    for r in meetings_service.stats_of(rows, "guest-kind"):
        stats.add_row(r["key"], str(r["meetings"]), f"{r['share']:.0%}")
    out.print(stats)
