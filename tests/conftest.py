"""Shared fixtures: databases (SQLite, and PostgreSQL when one answers), config, a local site."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from _servers import *  # noqa: F401,F403
from _site import local_site  # noqa: F401
from _web import *  # noqa: F401,F403

from provwatch.crawler.config import Config, load_config
from provwatch.crawler.storage.db import close_all

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    url = os.environ.get("PROVWATCH_TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return PG_DEFAULT
    except OSError:
        return None


PG_URL = _postgres_url()


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Tests may talk to 127.0.0.1/::1 only; anything else is a bug in the test."""
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and \
                not host.startswith("/"):
            raise OSError(f"test tried to reach {address!r}: only loopback is allowed")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def _pg_schema_url(base: str) -> Iterator[str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        close_all()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """Every storage test runs on SQLite and, where one answers, on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        close_all()
        return
    if PG_URL is None:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432 and PROVWATCH_TEST_DATABASE_URL unset")
    yield from _pg_schema_url(PG_URL)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'test.db'}"
    close_all()


def make_config(tmp_path: Path, database_url: str, **overrides) -> Config:
    values = {"database_url": database_url, "data_dir": str(tmp_path), "download_delay": 0,
              "download_timeout": 3, "crawl_timeout": 60, "obey_robots": False,
              "crawls_per_host": 8}  # the loopback site serves every test outlet from one host
    values.update(overrides)
    return load_config(env={}, overrides=values)


# --- the tagger and the organisation knowledge base, built once per run ----------------

@pytest.fixture(scope="session")
def tagger():
    from provwatch.pipelines.tagging import default_tagger

    return default_tagger()


@pytest.fixture(scope="session")
def org_base():
    from provwatch.pipelines.tagging import orgs

    return orgs.load()


@pytest.fixture(scope="session")
def found_orgs(org_base):
    """The ids of the organisations the knowledge base finds in a text, in order."""
    from provwatch.pipelines.tagging import gazetteer

    return lambda text: [h.org.id for h in org_base.find(text, gazetteer.load().find_zh(text))]
