"""Tagging again with unchanged data changes nothing: what an article was tagged from is
stored with it (its source's province then), not re-derived from today's catalog."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys


def _run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def test_retag_straight_after_the_demo_changes_nothing_and_only_henan_stories_say_henan(
        tmp_path):
    folder = tmp_path / "demo"
    demo = _run(["demo", "--dir", str(folder)], {})
    assert demo.returncode == 0, demo.stderr
    db_url = f"sqlite:///{folder / 'demo.db'}"

    # the demo crawled with its own catalog; retag runs with the default one, where the
    # demo's sources do not exist: the stored source province must be what counts
    again = _run(["retag"], {"PROVWATCH_DATABASE_URL": db_url,
                             "PROVWATCH_DATA_DIR": str(tmp_path)})

    assert again.returncode == 0, again.stderr
    assert "retagged 26 articles: 0 changed" in again.stdout
    db = sqlite3.connect(folder / "demo.db")
    stored = {json.loads(meta)["tagged_from"]["source_province"]
              for (meta,) in db.execute("SELECT meta FROM articles")}
    henan = {title for (title,) in db.execute(
        "SELECT a.title FROM articles a JOIN tags t ON t.article_id = a.id "
        "WHERE t.kind = 'province' AND t.value = 'henan'")}
    db.close()
    assert stored == {"national"}  # the demo portal publishes news about many provinces
    # the multi-province portal no longer lends Henan to every story it carries
    assert not any(name in title for title in henan for name in ("广西", "江苏", "浙江", "陕西"))
