"""`provwatch demo --serve`: the demo crawls its site, says how to open its archive, and
serves it in the web app."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
import urllib.request

from _web import START_DEADLINE, _env


def test_demo_serve_runs_the_demo_then_serves_its_archive(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "provwatch.crawler.cli", "demo", "--dir", str(tmp_path / "d"),
         "--serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, env=_env(PROVWATCH_DATA_DIR=str(tmp_path)))
    lines: queue.Queue[str | None] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300 + START_DEADLINE  # the demo's crawl comes first
        url = None
        while url is None:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "".join(seen)
            seen.append(line)
            if line.startswith("provwatch serve: http://"):
                url = line.split()[2].rstrip("/")
        with urllib.request.urlopen(f"{url}/api/provinces?since=2026-11-01", timeout=30) as r:
            data = json.loads(r.read().decode("utf-8"))
    finally:
        process.terminate()
        process.wait(timeout=60)
        reader.join(timeout=30)
        process.stdout.close()

    text = "".join(seen)
    assert "this run: 26 new articles" in text
    assert f"provwatch serve --db {tmp_path / 'd' / 'demo.db'}" in text
    assert {p["id"] for p in data["provinces"] if p["stories"]} >= {"henan", "hubei", "hainan"}
