"""Engine and sessions; the schema is brought up to date by Alembic, never create_all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine, Table, create_engine, event, text, update
from sqlalchemy.engine import URL, CursorResult, Result, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.config import default_data_dir, redact_url
from provwatch.crawler.config_table import check_database_url
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage.models import Story

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=\n]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


class DatabaseError(ProvwatchError):
    pass


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the crawl's writer
    cur.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode; no fsync per commit
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine on ``url``, which must be SQLite or PostgreSQL (psycopg).

    A SQLite file that does not exist is created only when ``create`` (a command that
    writes); its directory must exist, except provwatch's own default data directory,
    which is made on first use: a missing directory is more likely a typo in
    database_url or data_dir than a wish for a new tree.
    """
    try:
        check_database_url(url)
    except ValueError as e:
        raise DatabaseError(f"database_url: {e}") from None
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            _check_sqlite_file(path, create)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def require_database(url: str) -> None:
    """Raise DatabaseError if ``url`` names a SQLite file that does not exist (for a
    command that reads: a typo in the path must not look like an empty database)."""
    try:
        path = _sqlite_file(make_url(url))
    except Exception:
        return  # make_engine says what is wrong with it
    if path is not None:
        _check_sqlite_file(path, create=False)


def _sqlite_file(parsed: URL) -> Path | None:
    """The file of a SQLite URL; None for another database, memory or a file: URI."""
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" \
            or name.startswith("file:"):
        return None
    return Path(name).expanduser()


def _check_sqlite_file(path: Path, create: bool) -> None:
    if path.is_file():
        return
    if path.exists():
        raise DatabaseError(f"database_url: {path} is not a file")
    if not create:
        raise DatabaseError(
            f"database_url: {path} does not exist: nothing is stored there yet (check the "
            "path; `provwatch run`, `crawl`, `ingest` or `watch add` create it)")
    parent = path.parent
    if parent.is_dir():
        return
    if parent.resolve() == Path(default_data_dir()).resolve():
        parent.mkdir(parents=True, exist_ok=True)
        return
    raise DatabaseError(
        f"database_url: directory {parent} does not exist (is the path mistyped? if not, "
        f"create the directory first: mkdir -p {parent})")


def alembic_config(engine: Engine) -> AlembicConfig:
    # lazy: alembic (about 0.2 s) loads only when a schema is to be upgraded
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    """The newest migration's revision id, read from the version files' ``revision`` and
    ``down_revision`` lines (as Alembic finds it, without importing Alembic); None when
    the files do not make one head plain (a merge, say): then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _current_revision(conn) -> str | None:
    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# the PostgreSQL advisory lock key meaning "the schema is being upgraded": any fixed signed
# 64-bit number that no other lock of provwatch's uses (theirs are hashes of content)
_MIGRATION_LOCK = 0x3A5F1C2B7D4E6081


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head; cheap when it is already there (no Alembic import).

    Processes that open one database at the same moment (two `ingest` runs on a new file,
    a scheduler and its workers on a new PostgreSQL) upgrade it once: the upgrade runs
    under a lock held by its own connection (PostgreSQL: a transaction advisory lock;
    SQLite: BEGIN IMMEDIATE, the one writer), and the revision is read again under it, so
    the second comes to a schema at head and does nothing."""
    where = redact_url(engine.url.render_as_string(hide_password=False))
    head = head_revision()
    try:
        with engine.connect() as conn:
            current = _current_revision(conn)
    except SQLAlchemyError as e:
        raise DatabaseError(f"{where}: cannot open the database: {_why(e)}") from None
    if current == head:
        return
    # lazy: alembic loads only when there is a migration to run
    from alembic import command

    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            if head is not None and _current_revision(conn) == head:
                conn.rollback()  # another process upgraded it while this one waited
                return
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn  # migrations/env.py runs on it, in its lock
            command.upgrade(cfg, "head")
    except SQLAlchemyError as e:
        raise DatabaseError(f"{where}: cannot migrate the database: {_why(e)}") from None


def _why(e: SQLAlchemyError) -> str:
    """The driver's error class and first line."""
    return f"{(getattr(e, 'orig', None) or e).__class__.__name__}: {driver_line(e)}"


def driver_line(e: BaseException) -> str:
    """A database error's first line as the driver gave it (``file is not a database``,
    ``connection refused``): the DBAPI error's, when SQLAlchemy wrapped one."""
    lines = str(getattr(e, "orig", None) or e).strip().splitlines()
    return lines[0] if lines else ""


_engines: dict[str, Engine] = {}


def _engine_for(url: str, create: bool) -> Engine:
    engine = _engines.get(url)
    if engine is None:
        engine = make_engine(url, create=create)
        migrate(engine)
        _engines[url] = engine
    return engine


def open_database(url: str, *, create: bool = True) -> sessionmaker[Session]:
    """A session factory on a migrated database (one engine per URL and process).

    ``create=False`` for a command that only reads: a SQLite file that does not exist is
    then an error saying so, instead of a new empty database that reports "0 articles".
    """
    return sessionmaker(_engine_for(url, create), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session, session.begin():
        yield session


def close_all() -> None:
    """Dispose every engine this process opened (tests, and a daemon's clean stop)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def insert_ignoring(session: Session, model: Any, conflict: list[str]):
    """INSERT ... ON CONFLICT (``conflict``) DO NOTHING in the session's dialect: of two
    writers inserting one key, one row is stored and the other statement does nothing."""
    # lazy: PostgreSQL's dialect module (about 50 ms) loads only for a database using it
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing(index_elements=conflict)


def table_of(model: Any) -> Table:
    """A mapped class's table. cast: SQLAlchemy types ``__table__`` as any FromClause, but a
    declarative class mapped to one table has a Table there."""
    return cast(Table, model.__table__)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. cast: ``Session.execute`` is typed as returning
    a Result, but for these statements it is a CursorResult, which has ``rowcount``."""
    return cast("CursorResult[Any]", result).rowcount


_STORY = table_of(Story)
_NOTHING_WRITTEN = (update(_STORY).where(_STORY.c.id == -1)
                    .values(copy_count=_STORY.c.copy_count))


def write_lock(session: Session) -> None:
    """SQLite: take the database's write lock now, with a write that changes nothing, so
    that no other writer commits between this transaction's reads and its writes (SQLite
    has one writer at a time, and a reader that writes late fails instead of waiting).
    PostgreSQL locks rows as they are written: nothing to do."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(_NOTHING_WRITTEN)
