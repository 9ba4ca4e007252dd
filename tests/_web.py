"""Fixtures for the web app's tests: the demo's archive (built once per session by the
demo's own offline crawl), `provwatch serve` on a free loopback port, and pages in
Debian's Chromium driven by Playwright (no browser download: /usr/bin/chromium).

A page fails its test on any console error or uncaught exception (checked when the
test ends). ``save_screenshot`` writes docs/<name>.png for the README.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["demo_archive", "served_demo", "browser", "page", "serve_archive",
           "save_screenshot", "copy_archive", "DemoArchive", "Served", "CHROMIUM"]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
START_DEADLINE = 60.0  # seconds for `provwatch serve` to print its URL


def _env(**extra: str) -> dict[str, str]:
    """The test process's environment without provwatch settings (PYTHONPATH carried)."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("PROVWATCH_") or k == "PROVWATCH_TEST_DATABASE_URL"}
    return {**base, **extra}


@dataclass(frozen=True)
class DemoArchive:
    folder: Path
    db: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> DemoArchive:
    """The archive `provwatch demo` makes: its bundled site crawled offline (loopback)."""
    folder = tmp_path_factory.mktemp("web-demo")
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "demo", "--dir",
                             str(folder)], capture_output=True, text=True, timeout=600,
                            env=_env(PROVWATCH_DATA_DIR=str(folder)))
    assert result.returncode == 0, result.stderr
    return DemoArchive(folder, folder / "demo.db")


def copy_archive(archive: DemoArchive, to: Path) -> DemoArchive:
    """A copy of the demo's SQLite file that a test may change."""
    to.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{archive.db}{suffix}")
        if source.exists():
            shutil.copy(source, to / f"demo.db{suffix}")
    return DemoArchive(to, to / "demo.db")


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)


@contextmanager
def serve_archive(database: str, *args: str, env: dict[str, str] | None = None
                  ) -> Iterator[Served]:
    """`provwatch serve --port 0 --db DATABASE` in a child process, until the block ends."""
    command = [sys.executable, "-m", "provwatch.crawler.cli", "serve", "--port", "0",
               "--db", database, *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=_env(**(env or {})))
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    deadline = time.monotonic() + START_DEADLINE
    url = None
    try:
        while url is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"serve printed no URL in {START_DEADLINE} s: {output}")
            line = lines.get(timeout=left)
            if line is None:
                raise AssertionError(f"serve stopped: {''.join(output)}")
            if line.startswith("provwatch serve: http://"):
                url = line.split()[2].rstrip("/")
        yield Served(url, process, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=30)
        process.stdout.close()


@pytest.fixture(scope="session")
def served_demo(demo_archive) -> Iterator[Served]:
    """The web app over the demo's archive, for the whole session (it is only read)."""
    with serve_archive(str(demo_archive.db)) as served:
        yield served


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                     headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context's page; any console error or page error fails the test."""
    context = browser.new_context(viewport={"width": 1360, "height": 900},
                                  accept_downloads=True, locale="en-GB")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(f"console {m.type}: {m.text} at {m.location}")
          if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    pg.console_errors = errors
    yield pg
    context.close()
    assert errors == [], "the browser reported errors:\n" + "\n".join(errors)


def save_screenshot(pg, name: str) -> Path:
    """The page as docs/<name>.png (the README shows it)."""
    path = ROOT / "docs" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    pg.screenshot(path=str(path), full_page=False)
    return path
