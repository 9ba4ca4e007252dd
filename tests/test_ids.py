"""Label ids and the names a user types for them (taxonomy.resolve), `provwatch ids`,
and the options every command shares: `status --summary`, `--state`, `--config` anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from provwatch.crawler.storage.db import close_all, open_database
from provwatch.crawler.taxonomy import EVENTS, PROVINCES, SECTORS, did_you_mean, labels, resolve


@pytest.mark.parametrize(("kind", "typed", "label"), [
    ("province", "henan", "henan"),
    ("province", "Henan", "henan"),
    ("province", "河南", "henan"),
    ("province", "河南省", "henan"),
    ("province", "Inner Mongolia", "inner_mongolia"),
    ("province", "内蒙古", "inner_mongolia"),
    ("province", "广西", "guangxi"),
    ("province", "Hong Kong", "hong_kong"),
    ("province", "Xizang", "tibet"),
    ("province", "陕西", "shaanxi"),
    ("province", "山西", "shanxi"),
    ("province", "海南", "hainan"),
    ("province", "henna", None),
    ("province", "河", None),
    ("sector", "nev", "nev"),
    ("sector", "新能源汽车", "nev"),
    ("sector", "New energy vehicles", "nev"),
    ("sector", "Low-altitude economy", "low_altitude"),
    ("sector", "evs", None),
    ("event", "policy_document", "policy_document"),
    ("event", "Policy document", "policy_document"),
    ("event", "政策文件", "policy_document"),
    ("event", "policy_doc", None),
])
def test_resolve_takes_an_id_or_an_english_or_chinese_name(kind, typed, label):
    assert resolve(kind, typed) == label


@pytest.mark.parametrize(("kind", "typed", "hint"), [
    ("province", "henna", " (did you mean henan?)"),
    ("province", "guangdon", " (did you mean guangdong?)"),
    ("sector", "evs", " (did you mean nev?)"),
    ("sector", "robotic", " (did you mean robotics?)"),
    ("event", "policy_doc", " (did you mean policy_document?)"),
    ("province", "atlantis", ""),
])
def test_did_you_mean_names_the_closest_id(kind, typed, hint):
    assert did_you_mean(kind, typed) == hint


def test_every_id_has_an_english_and_a_chinese_name():
    for kind, ids in (("province", PROVINCES), ("sector", SECTORS), ("event", EVENTS)):
        names = labels(kind)
        assert list(names) == list(ids)
        assert all(english and chinese for english, chinese in names.values()), kind


# --- through the command ------------------------------------------------------------


def _run(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'ids.db'}",
               PROVWATCH_DATA_DIR=str(tmp_path))
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _database(path) -> None:
    """A migrated, empty database at ``path`` (read-only commands refuse a missing one)."""
    open_database(f"sqlite:///{path}")
    close_all()


def test_ids_lists_each_vocabulary_with_its_names(tmp_path):
    table = _run(["ids", "provinces"], tmp_path)
    lines = _run(["ids", "--json"], tmp_path)
    rows = [json.loads(line) for line in lines.stdout.splitlines()]

    assert table.returncode == 0 and "34 provinces" in table.stdout
    assert "henan" in table.stdout and "河南省" in table.stdout
    assert "sectors" not in table.stdout
    assert {r["kind"] for r in rows} == {"province", "sector", "event"}
    assert len(rows) == len(PROVINCES) + len(SECTORS) + len(EVENTS)
    assert {"kind": "sector", "id": "nev", "english": "New energy vehicles",
            "chinese": "新能源汽车"} in rows
    assert not (tmp_path / "ids.db").exists()  # the vocabulary needs no database


def test_ids_refuses_an_unknown_vocabulary_as_a_usage_error(tmp_path):
    result = _run(["ids", "cities"], tmp_path)
    assert result.returncode == 2 and "cities" in result.stderr


def test_status_summary_counts_sources_per_state(tmp_path):
    _database(tmp_path / "ids.db")
    summary = _run(["status", "--summary", "--json"], tmp_path)
    report = json.loads(summary.stdout)
    shown = _run(["status", "--summary"], tmp_path)

    assert summary.returncode == 0, summary.stderr
    assert "sources" not in report
    counts = report["summary"]
    assert counts["total"] == sum(counts["states"].values()) > 100
    assert counts["states"]["new"] == counts["total"]  # nothing crawled yet
    assert list(counts["states"])[:3] == ["new", "ok", "failing"]
    assert counts["enabled"] + counts["disabled"] + counts["not_in_catalog"] == counts["total"]
    assert f"{counts['total']} sources: {counts['enabled']} enabled" in shown.stdout
    assert "outbox:" in shown.stdout and "daemon:" in shown.stdout
    rows = _run(["status"], tmp_path)
    assert f"{counts['total']} sources: {counts['total']} new" in rows.stdout  # under the table


def test_status_state_filters_sources_and_refuses_a_typo(tmp_path):
    _database(tmp_path / "ids.db")
    ok = json.loads(_run(["status", "--state", "ok", "--json"], tmp_path).stdout)
    new = json.loads(_run(["status", "--state", "new", "--state", "bad", "--json"],
                          tmp_path).stdout)
    typo = _run(["status", "--state", "failng"], tmp_path)

    assert ok["sources"] == []
    assert new["sources"] and {s["health"] for s in new["sources"]} == {"new"}
    assert typo.returncode == 1 and typo.stdout == ""
    assert typo.stderr.strip().count("\n") == 0
    assert "'failng' is not a health state (did you mean failing?)" in typo.stderr


def test_a_refused_state_creates_no_database(tmp_path):
    _run(["status", "--state", "nonsense"], tmp_path)
    assert not (tmp_path / "ids.db").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_works_before_and_after_the_command(tmp_path, where):
    _database(tmp_path / "from_config.db")
    config = tmp_path / "provwatch.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "from_config.db"}"\n',
                      encoding="utf-8")
    args = (["--config", str(config), "status", "--json"] if where == "before"
            else ["status", "--json", "--config", str(config)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env["PROVWATCH_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                            capture_output=True, text=True, env=env, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "from_config.db" in json.loads(result.stdout)["daemon"]["database"]


def test_a_missing_config_after_the_command_is_one_line(tmp_path):
    result = _run(["watch", "list", "--config", str(tmp_path / "nowhere.toml")], tmp_path)
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "nowhere.toml" in result.stderr


def test_watch_add_takes_names_for_ids_too(tmp_path):
    added = _run(["watch", "add", "henan-ev", "--province", "河南", "--sector", "新能源汽车",
                  "--event", "Policy document", "--webhook", "http://127.0.0.1:9/h"],
                 tmp_path)
    shown = _run(["watch", "show", "henan-ev"], tmp_path)
    typo = _run(["watch", "add", "w2", "--province", "henna", "--webhook",
                 "http://127.0.0.1:9/h"], tmp_path)

    assert added.returncode == 0, added.stderr
    assert "henan" in shown.stdout and "nev" in shown.stdout
    assert "policy_document" in shown.stdout and "河南" not in shown.stdout
    assert typo.returncode == 1 and "(did you mean henan?)" in typo.stderr
