"""Watchlists: add, list, remove, import and export them (YAML), with their backfill."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.meeting_criteria import check_orgs
from provwatch.alerts.watchfile import WatchfileError, dumps, loads
from provwatch.alerts.watchlist import WatchlistSpec, check_sources, from_row
from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction, write_lock


def known_sources(config: Config, session: Session) -> set[str]:
    """Source ids a watchlist may name: the catalog's, and those stored articles carry
    (pages ingested under their own source id)."""
    return {s.id for s in load_catalog(config.catalog)} | repository.source_ids(session)


def source_problems(config: Config, session: Session,
                    specs: Iterable[WatchlistSpec]) -> list[WatchlistError]:
    """A WatchlistError per watchlist naming a source id neither catalog nor store knows."""
    specs = [s for s in specs if s.sources]
    if not specs:
        return []
    known = known_sources(config, session)
    problems = []
    for spec in specs:
        try:
            check_sources(spec, known)
        except WatchlistError as e:
            problems.append(e)
    return problems


def _org_index() -> tuple[dict[str, str], list[str]]:
    """Organisation knowledge base: every name, ticker and id (folded) -> its id; and the
    names and tickers as written (for a did-you-mean)."""
    # lazy: the knowledge base loads its automaton; only meeting watchlists need it
    from provwatch.pipelines.tagging import orgs as kb

    index: dict[str, str] = {}
    names: list[str] = []
    for org in kb.load().orgs.values():
        names += [*org.names, *org.tickers]
        for key in (org.id, *org.names, *org.tickers):
            index.setdefault(key.casefold(), org.id)
    return index, names


def resolve_orgs(spec: WatchlistSpec) -> tuple[WatchlistSpec, list[str]]:
    """The spec with its ``meeting_orgs`` resolved against the organisation knowledge base
    (``meeting_org_ids``), and a warning line per entry it does not know: such an entry
    is kept, matched as written (alerts.meeting_criteria)."""
    if not spec.meeting_orgs:
        return replace_fields(spec, meeting_org_ids=()), []
    index, names = _org_index()
    ids = tuple((e, index[e.casefold()]) for e in spec.meeting_orgs if e.casefold() in index)
    warnings = check_orgs(spec.name, spec.meeting_orgs, lambda e: index.get(e.casefold()),
                          names)
    return replace_fields(spec, meeting_org_ids=ids), warnings


def add_watchlist(config: Config, spec: WatchlistSpec) -> int:
    """Store a new watchlist; with ``backfill_days``, enqueue at once the stored stories
    first seen that many days back that match it. Returns how many deliveries that made."""
    with transaction(open_database(config.database_url)) as session:
        write_lock(session)  # SQLite: names are decided one writer at a time
        if repository.get_watchlist(session, spec.name):
            raise ProvwatchError(f"watchlist {spec.name!r} exists; remove it first")
        problems = source_problems(config, session, [spec])
        if problems:
            raise problems[0]
        return _create(session, spec)


def _create(session: Session, spec: WatchlistSpec) -> int:
    # lazy: the store stage loads Scrapy, numpy and the tagger; only adding a watchlist
    # needs it (to owe the stories it matches), not `watch list` or `watch show`
    from provwatch.pipelines.store import owe_recent

    row = repository.add_watchlist(session, **spec.to_row())
    if row is None:  # named by another writer since the caller looked
        raise ProvwatchError(f"watchlist {spec.name!r} exists; remove it first")
    return owe_recent(session, from_row(row), datetime.now(timezone.utc))


def list_watchlists(config: Config) -> list[WatchlistSpec]:
    with open_database(config.database_url)() as session:
        return [from_row(w) for w in repository.watchlists(session)]


def remove_watchlist(config: Config, name: str) -> None:
    with transaction(open_database(config.database_url)) as session:
        if not repository.remove_watchlist(session, name):
            raise ProvwatchError(f"no watchlist named {name!r}")


@dataclass
class ImportReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    backfilled: int  # deliveries enqueued for new watchlists' backfill_days
    dry_run: bool
    warnings: list[str] = field(default_factory=list)  # meeting_orgs kept as written


def import_watchlists(config: Config, text: str, where: str, *, replace: bool = False,
                      dry_run: bool = False) -> ImportReport:
    """Store the watchlists of a YAML file (alerts.watchfile), all or none.

    Every entry is checked (format, ids, sources against the catalog, names taken) before
    anything is stored, in one transaction. A watchlist whose name exists is updated only
    with ``replace``: it keeps its id, creation time and deliveries (its backfill is not
    run again). ``dry_run`` does the same work and rolls it back. Raises WatchfileError
    listing every problem.
    """
    report = ImportReport([], [], [], 0, dry_run)
    specs = []
    for spec in loads(text, where):
        spec, warnings = resolve_orgs(spec)
        specs.append(spec)
        report.warnings += [f"{where}: {w}" for w in warnings]
    with open_database(config.database_url)() as session:  # closing uncommitted: rollback
        write_lock(session)  # SQLite: names are decided one writer at a time
        problems = [f"{where}: {e}" for e in source_problems(config, session, specs)]
        rows = {spec.name: repository.get_watchlist(session, spec.name) for spec in specs}
        if not replace:
            problems += [f"{where}: watchlist {name!r} exists (use --replace to update it)"
                         for name, row in rows.items() if row is not None]
        if problems:
            raise WatchfileError(problems)
        for spec in specs:
            row = rows[spec.name]
            if row is None:
                report.backfilled += _create(session, spec)
                report.added.append(spec.name)
                continue
            if from_row(row) == replace_fields(spec, id=row.id, created_at=row.created_at):
                report.unchanged.append(spec.name)
            else:
                values = spec.to_row()
                values.pop("created_at", None)
                if repository.update_watchlist(session, row, **values) is None:
                    raise ProvwatchError(f"{where}: watchlist {spec.name!r} was renamed "
                                         "or replaced meanwhile; import again")
                report.updated.append(spec.name)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report


def export_watchlists(config: Config, names: Iterable[str] = ()) -> str:
    """The watchlists (all, or those named) as a YAML document (alerts.watchfile)."""
    specs = list_watchlists(config)
    wanted = list(names)
    if wanted:
        by_name = {s.name: s for s in specs}
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise ProvwatchError(f"no watchlist named {missing[0]!r}")
        specs = [by_name[n] for n in wanted]
    return dumps(specs)
