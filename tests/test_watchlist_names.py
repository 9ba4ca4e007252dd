"""A watchlist's name is decided by its unique key, atomically: two processes that add a
watchlist of one name at once, or rename two watchlists to one name at once, leave one
watchlist of that name; the other is refused with one line, and nothing else changes
(SQLite: the writers take the write lock before they look the name up; PostgreSQL: the
second waits on the key and is refused in a savepoint). Real processes at a barrier, on
both backends."""

from __future__ import annotations

from pathlib import Path

from _barrier import SPAWN, at_barrier
from conftest import make_config

from provwatch.alerts.watchlist import validate
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import watchlist_forms
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

HOOK = "webhook:http://127.0.0.1:9/hook"


def _add(database_url: str, data_dir: str, _writer: int, results, barrier) -> None:
    config = make_config(Path(data_dir), database_url)
    spec = validate("same", provinces=["henan"], channels=[HOOK])
    barrier.wait(timeout=120)
    try:
        watchlists_service.add_watchlist(config, spec)
        results.put("ok")
    except ProvwatchError as e:
        results.put(str(e))


def _rename(database_url: str, data_dir: str, writer: int, results, barrier) -> None:
    config = make_config(Path(data_dir), database_url)
    name = ("a", "b")[writer]
    spec = watchlist_forms.find(config, name)
    form = {k: v for k, v in watchlist_forms.form_values(spec).items() if isinstance(v, str)}
    keep = [str(i) for i in range(len(spec.channels))]
    barrier.wait(timeout=120)
    try:
        watchlist_forms.edit(config, name, {**form, "name": "same"}, keep)
        results.put("ok")
    except ProvwatchError as e:
        results.put(str(e))


def _names(database_url: str) -> list[str]:
    with open_database(database_url)() as session:
        return [w.name for w in repository.watchlists(session)]


def test_two_processes_adding_one_name_at_once_store_it_once(tmp_path, database_url):
    open_database(database_url)  # migrated once, before the writers start
    results = SPAWN.Queue()
    at_barrier(_add, lambda w: (database_url, str(tmp_path), w, results), 2)
    outcomes = sorted(results.get(timeout=60) for _ in range(2))
    assert outcomes == ["ok", "watchlist 'same' exists; remove it first"]
    assert _names(database_url) == ["same"]


def test_two_processes_renaming_to_one_name_at_once_rename_one(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    for name in ("a", "b"):
        watchlists_service.add_watchlist(
            config, validate(name, provinces=["henan"], channels=[HOOK]))
    results = SPAWN.Queue()
    at_barrier(_rename, lambda w: (database_url, str(tmp_path), w, results), 2)
    outcomes = sorted(results.get(timeout=60) for _ in range(2))
    assert outcomes[1] == "ok", outcomes
    assert outcomes[0].startswith("form: watchlist ") and outcomes[0].endswith(
        "field 'name': another watchlist is named 'same'"), outcomes
    names = _names(database_url)
    assert "same" in names and len(names) == 2 and set(names) - {"same"} <= {"a", "b"}
