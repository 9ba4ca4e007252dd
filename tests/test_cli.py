"""The `provwatch` command: help everywhere, one-line errors, and the demo end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from provwatch.crawler.cli.main import app

runner = CliRunner()


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))


ALL = list(_commands(get_command(app)))


@pytest.mark.parametrize("path,cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help_text(path, cmd):
    assert (cmd.help or "").strip(), f"{' '.join(path)} has no help text"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def _run(args, env_extra, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], capture_output=True,
                          text=True, env=env, input=stdin, timeout=300)


@pytest.fixture
def env(tmp_path):
    return {"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "PROVWATCH_DATA_DIR": str(tmp_path)}


def test_an_unknown_source_is_one_line_on_stderr_and_exit_1(env):
    result = _run(["crawl", "no_such_source"], env)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no source with id 'no_such_source'" in result.stderr


def test_a_bad_catalog_entry_names_file_entry_and_field(env, tmp_path):
    bad = tmp_path / "cat.yaml"
    bad.write_text("sources:\n  - {id: x1, name: X, kind: rss, urls: [http://a.test/],"
                   " province: henan, language: zh, interval: 5m}\n", encoding="utf-8")
    result = _run(["sources"], {**env, "PROVWATCH_CATALOG": str(bad)})
    assert result.returncode == 1
    assert f"{bad}: source 'x1': field 'kind'" in result.stderr


def test_a_bad_config_value_names_the_variable(env):
    result = _run(["config"], {**env, "PROVWATCH_SMTP_PORT": "twenty-five"})
    assert result.returncode == 1 and "PROVWATCH_SMTP_PORT" in result.stderr


def test_config_redacts_secrets(env):
    result = _run(["config", "--json"], {**env, "PROVWATCH_SMTP_PASSWORD": "hunter2",
                                        "PROVWATCH_WEBHOOK_SECRET": "s3cret"})
    values = json.loads(result.stdout)
    assert values["smtp_password"] == values["webhook_secret"] == "<redacted>"
    assert "hunter2" not in result.stdout and "s3cret" not in result.stdout


def test_sources_json_lists_the_bundled_catalog(env):
    result = _run(["sources", "--json"], env)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and len(rows) >= 15
    assert {"id", "kind", "province", "interval", "enabled"} <= set(rows[0])


def test_an_invalid_watchlist_is_refused_with_the_field(env):
    result = _run(["watch", "add", "w1", "--province", "henna", "--email", "a@b.test"], env)
    assert result.returncode == 1
    assert "watchlist 'w1': field 'provinces': unknown province id 'henna'" in result.stderr


def test_watchlists_are_added_listed_and_removed(env):
    assert _run(["watch", "add", "nev", "--province", "henan", "--sector", "nev",
                 "--webhook", "http://127.0.0.1:9/h"], env).returncode == 0
    assert "nev" in _run(["watch", "list"], env).stdout
    assert _run(["watch", "remove", "nev"], env).returncode == 0
    assert _run(["watch", "remove", "nev"], env).returncode == 1


def test_ingest_from_stdin_then_articles_json_and_show(env):
    from _pages import HENAN_NEV, page

    line = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV),
                       "source_id": "archive"})
    ingested = _run(["ingest"], env, stdin=line + "\n")
    listed = _run(["articles", "--province", "henan", "--json"], env)
    row = json.loads(listed.stdout.splitlines()[0])
    shown = _run(["show", str(row["id"])], env)

    assert "stored 1" in ingested.stdout
    for key in ("id", "url", "title", "published_at", "source_id", "story_id", "lang",
                "provinces_about", "provinces_mentioned", "sectors", "event"):
        assert key in row
    assert row["published_at"].endswith("Z") and row["source_id"] == "archive"
    assert HENAN_NEV[0] in shown.stdout and "henan" in shown.stdout


def test_extract_prints_one_json_object_for_a_file(env, tmp_path):
    from _pages import policy_page

    path = tmp_path / "page.html"
    path.write_bytes(policy_page().replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    result = _run(["extract", str(path), "--url", "http://www.gxzf.gov.cn/zfwj/t20261118_1.html"],
                  env)
    got = json.loads(result.stdout)

    assert result.returncode == 0, result.stderr
    assert got["title"] == "广西壮族自治区人民政府办公厅关于印发人工智能产业发展行动方案的通知"
    assert (got["published_at"], got["date_source"], got["date_precision"]) == (
        "2026-11-18T04:00:00Z", "document", "day")
    assert (got["charset"], got["language"]) == ("gb18030", "zh")
    assert got["document"] == {
        "number": "桂政办发〔2026〕7号", "issuer": "广西壮族自治区人民政府办公厅",
        "written": "2026-11-16", "published": "2026-11-18", "index_no": "000014349/2026-00031",
        "subject": "科技"}
    assert "中国—东盟人工智能合作中心" in got["text"] and "索引号" not in got["text"]


def test_extract_jsonl_answers_each_line_with_its_id(env, tmp_path):
    from _pages import HENAN_NEV, page

    (tmp_path / "a.html").write_text(page(*HENAN_NEV), encoding="utf-8")
    lines = [json.dumps({"id": "inline", "html": page(*HENAN_NEV), "url": "http://x.test/1"}),
             json.dumps({"id": 7, "html_path": "a.html"}),
             json.dumps({"id": "gone", "html_path": "missing.html"}),
             "not json"]
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = _run(["extract", "--jsonl", str(tmp_path / "pages.jsonl")], env)
    from_stdin = _run(["extract", "--jsonl"], env, stdin=lines[0] + "\n")
    rows = [json.loads(line) for line in from_file.stdout.splitlines()]

    assert from_file.returncode == 0, from_file.stderr
    assert [r["id"] for r in rows] == ["inline", 7, "gone", None]
    assert rows[0]["title"] == rows[1]["title"] == HENAN_NEV[0]
    assert rows[0]["url"] == "http://x.test/1" and rows[0]["date_source"] == "meta:pubdate"
    assert "cannot read" in rows[2]["error"] and "not JSON" in rows[3]["error"]
    assert json.loads(from_stdin.stdout)["title"] == HENAN_NEV[0]


def test_extract_of_a_missing_file_is_one_line_and_exit_1(env, tmp_path):
    result = _run(["extract", str(tmp_path / "nowhere.html")], env)
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "nowhere.html: cannot read" in result.stderr


def test_reextract_updates_what_changed_and_show_prints_the_document(env, tmp_path):
    import sqlite3
    import zlib

    import zstandard
    from _pages import HENAN_NEV, page, policy_page

    lines = [json.dumps({"url": f"https://gov.example/a/{n}.html", "html": html,
                         "source_id": "archive"})
             for n, html in ((1, policy_page()), (2, page(*HENAN_NEV)))]
    ingested = _run(["ingest"], env, stdin="\n".join(lines) + "\n")
    assert "stored 2" in ingested.stdout, ingested.stdout + ingested.stderr
    db = sqlite3.connect(tmp_path / "cli.db")
    assert db.execute("SELECT count(*) FROM search_backlog").fetchone() == (0,)  # indexed
    (policy_id,) = db.execute("SELECT id FROM articles WHERE url LIKE '%/1.html'").fetchone()
    # the article as an older extraction left it: another title and date, no document,
    # and its page as a zlib stream (how pages were stored before Zstandard frames)
    (packed,) = db.execute("SELECT raw_html FROM articles WHERE id = ?",
                           (policy_id,)).fetchone()
    assert packed[:4] == b"\x28\xb5\x2f\xfd"  # stored now as a Zstandard frame
    old_page = zlib.compress(zstandard.ZstdDecompressor().decompress(packed), 6)
    db.execute("UPDATE articles SET title = '旧标题', date_source = 'crawl', raw_html = ?, "
               "meta = '{\"content_type\": \"text/html; charset=utf-8\"}' WHERE id = ?",
               (old_page, policy_id))
    # the other's fingerprint as another MinHash scheme made it: never a candidate
    (nev_id,) = db.execute("SELECT id FROM articles WHERE url LIKE '%/2.html'").fetchone()
    fresh = db.execute("SELECT signature FROM fingerprints WHERE article_id = ?",
                       (nev_id,)).fetchone()[0]
    db.execute("UPDATE fingerprints SET scheme = 'datasketch-2', signature = x'00' "
               "WHERE article_id = ?", (nev_id,))
    db.execute("DELETE FROM fingerprint_bands WHERE article_id = ?", (nev_id,))
    db.commit()
    # the changed title waits to be indexed for search again (migration 0020)
    assert db.execute("SELECT count(*) FROM search_backlog").fetchone() == (1,)

    result = _run(["reextract", "--source", "archive"], env)
    again = _run(["reextract", "--since", "2000-01-01"], env)
    other = _run(["reextract", "--source", "elsewhere"], env)
    shown = _run(["show", str(policy_id)], env)

    assert result.returncode == 0, result.stderr
    assert "re-extracted 2 articles: 1 changed, 1 unchanged" in result.stdout
    assert "2 fingerprints made again" in result.stdout  # the changed text, the old scheme
    assert db.execute("SELECT count(*) FROM search_backlog").fetchone() == (0,)
    assert db.execute("SELECT rowid FROM articles_search WHERE articles_search MATCH "
                      "'\"人工智能产业发展\"'").fetchall() == [(policy_id,)]
    assert db.execute("SELECT scheme, signature FROM fingerprints WHERE article_id = ?",
                      (nev_id,)).fetchone() == ("crc32-universal-v1", fresh)
    assert db.execute("SELECT count(*) FROM fingerprint_bands WHERE article_id = ?",
                      (nev_id,)).fetchone()[0] > 0
    db.close()
    assert "re-extracted 2 articles: 0 changed, 2 unchanged" in again.stdout
    assert "0 fingerprints made again" in again.stdout
    assert "re-extracted 0 articles" in other.stdout
    assert "广西壮族自治区人民政府办公厅关于印发人工智能产业发展行动方案的通知" in shown.stdout
    assert "(from document, day)" in shown.stdout
    assert "文号 document number: 桂政办发〔2026〕7号" in shown.stdout
    assert "成文日期 written: 2026-11-16" in shown.stdout


def test_the_demo_runs_end_to_end_and_a_second_run_sends_nothing(tmp_path):
    folder = tmp_path / "demo"
    first = _run(["demo", "--dir", str(folder)], {})
    second = _run(["demo", "--dir", str(folder)], {})

    assert first.returncode == 0, first.stderr
    assert "this run: 26 new articles; alerts sent 14" in first.stdout
    # the meetings and one stats table follow; the syndicated copy adds no meeting
    assert "2 meetings (provwatch meetings)" in first.stdout and "meetings by guest kind" in first.stdout
    assert ("Hubei Party Secretary Shao Wenlan and Hubei Governor He Qiming met Huawei Vice "
            "Chairman Shan Liqun and Wuhan University President Ouyang Zhenyu in Wuhan"
            in first.stdout)
    emails = sorted((folder / "outbox" / "email").glob("*.eml"))
    hooks = sorted((folder / "outbox" / "webhooks").glob("*.json"))
    assert emails and hooks
    payload = json.loads(hooks[0].read_text(encoding="utf-8"))
    assert payload["headers"]["X-Provwatch-Signature"].startswith("sha256=")
    assert payload["payload"]["version"] == 1

    assert second.returncode == 0, second.stderr
    assert "this run: 0 new articles; alerts sent 0" in second.stdout
    assert sorted((folder / "outbox" / "email").glob("*.eml")) == emails
    assert sorted((folder / "outbox" / "webhooks").glob("*.json")) == hooks
    assert "demo_gov_portal: not_modified" in second.stdout
    assert "no_text 1" in first.stdout and "feed_entry_without_link 1" in first.stdout
