"""Issue 16: every bad value an operator can give is one clear line naming where it is
and what would be valid, exit code 1, and nothing created or changed."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _pages import GUANGXI_AI, HENAN_NEV, page
from _servers import webhook_receiver  # noqa: F401
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.errors import CatalogError

# --- the catalog file -------------------------------------------------------------------

ENTRY = ("  - {id: x1, name: X, kind: rss, urls: [http://a.test/], province: henan, "
         "language: zh, interval: 5m}\n")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        pytest.param(("sources: []\n# 河南\n").encode("gbk"), "line 2: not UTF-8 text",
                     id="a GBK-encoded catalog"),
        pytest.param(b'sources:\n  - id: "a\n  b: [\n', "line 4, column 1: not valid YAML",
                     id="an unclosed quote"),
        pytest.param(b"sources:\n\t- id: x\n", "line 2, column 1: not valid YAML",
                     id="a tab for indentation"),
        pytest.param(b"sources:\n" + ENTRY.replace("interval", "intervl").encode(),
                     "source 'x1': field 'intervl': unknown field (did you mean 'interval'?)",
                     id="a misspelt field"),
    ],
)
def test_a_bad_catalog_file_is_one_line_naming_file_and_place(tmp_path, data, why):
    path = tmp_path / "cat.yaml"
    path.write_bytes(data)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and why in message
    assert "\n" not in message and "\\n" not in message


# --- through the command line --------------------------------------------------------------


def _run(args, env_extra, stdin=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, env=env, input=stdin, timeout=300,
                          cwd=cwd)


@pytest.fixture
def env(tmp_path):
    return {"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "PROVWATCH_DATA_DIR": str(tmp_path)}


def _one_error_line(result) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("provwatch: error: ")
    return lines[0]


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ingest: each bad line named file:line, exit 1 when nothing was stored


@pytest.mark.parametrize(
    ("line", "why"),
    [
        pytest.param({"url": "not a url", "html": "<p>x</p>"},
                     "pages.jsonl:1: field 'url': 'not a url' is not an http(s) URL",
                     id="a url that is not one"),
        pytest.param({"url": "https://gov.example/a.html", "html_base64": "!!not base64!!"},
                     "pages.jsonl:1: field 'html_base64': not valid base64", id="bad base64"),
        pytest.param({"url": "https://gov.example/a.html", "fetched_at": "yesterday",
                      "html": "<p>x</p>"},
                     "pages.jsonl:1: field 'fetched_at': 'yesterday' is not an ISO 8601 time",
                     id="a fetch time that is not one"),
    ],
)
def test_an_ingest_of_only_bad_lines_fails_naming_the_line_and_stores_nothing(
        env, tmp_path, line, why):
    (tmp_path / "pages.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = _files(tmp_path)

    result = _run(["ingest", "pages.jsonl"], env, cwd=tmp_path)

    message = _one_error_line(result)
    assert why in message and "nothing stored (1 bad line)" in message
    assert _files(tmp_path) == before  # no database was created


def test_an_ingest_line_that_is_not_utf8_is_named_and_skipped(env, tmp_path):
    good = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV)})
    data = good.encode() + b"\n" + '{"url": "https://gov.example/2.html", "html": "河南"}\n'\
        .encode("gbk")
    (tmp_path / "pages.jsonl").write_bytes(data)

    result = _run(["ingest", "pages.jsonl"], env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped pages.jsonl:2: not UTF-8 text" in result.stderr
    assert "stored 1" in result.stdout and "bad lines: 1" in result.stdout


def test_an_ingest_with_good_and_bad_lines_stores_the_good_and_exits_0(env, tmp_path):
    good = json.dumps({"url": "https://gov.example/a/1.html",
                       "html_base64": base64.b64encode(page(*HENAN_NEV).encode()).decode()})
    bad = json.dumps({"url": "ftp://gov.example/x", "html": "<p>x</p>"})

    result = _run(["ingest"], env, stdin=f"{bad}\n{good}\n", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped <stdin>:1: field 'url': 'ftp://gov.example/x'" in result.stderr
    assert "stored 1" in result.stdout


def _warc(path: Path, url: str, html: str) -> str:
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        body = html.encode("utf-8")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    return path.name


def test_ingest_warc_takes_several_files_after_one_flag(env, tmp_path):
    a = _warc(tmp_path / "a.warc.gz", "https://gov.example/a/1.html", page(*HENAN_NEV))
    b = _warc(tmp_path / "b.warc.gz", "https://gov.example/b/2.html", page(*GUANGXI_AI))

    result = _run(["ingest", "--warc", a, b], env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "a.warc.gz: read 1 records, stored 1" in result.stdout
    assert "b.warc.gz: read 1 records, stored 1" in result.stdout


def test_extract_answers_a_line_that_is_not_utf8_and_goes_on(env, tmp_path):
    data = '{"id": 1, "html": "<p>河南</p>"}\n'.encode("gbk") + b'{"id": 2, "html": "<p>x</p>"}\n'
    (tmp_path / "pages.jsonl").write_bytes(data)

    result = _run(["extract", "--jsonl", "pages.jsonl"], env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {"id": None, "error": "pages.jsonl:1: not UTF-8 text (save the file as UTF-8)"}
    assert second["id"] == 2 and second["text"] == "x"


# --- the database URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        pytest.param("foo://bar", "database 'foo' in foo://bar is not supported",
                     id="an unknown scheme"),
        pytest.param("mysql://user:secret@db.example/pw", "database 'mysql'", id="mysql"),
        pytest.param("mongodb://user:secret@db.example/pw", "database 'mongodb'", id="mongodb"),
    ],
)
def test_a_database_url_provwatch_cannot_use_is_one_line_without_the_password(
        env, tmp_path, url, why):
    result = _run(["status"], {**env, "PROVWATCH_DATABASE_URL": url}, cwd=tmp_path)

    message = _one_error_line(result)
    assert "PROVWATCH_DATABASE_URL" in message and why in message
    assert "sqlite:///PATH or postgresql://" in message and "secret" not in message


def test_a_database_url_in_the_config_file_is_named_by_file_and_key(env, tmp_path):
    config = tmp_path / "provwatch.toml"
    config.write_text('[provwatch]\ndatabase_url = "mongodb://u:secret@h/db"\n',
                      encoding="utf-8")
    env = {k: v for k, v in env.items() if k != "PROVWATCH_DATABASE_URL"}

    result = _run(["--config", str(config), "articles"], env, cwd=tmp_path)

    message = _one_error_line(result)
    assert f"{config}: key 'database_url': database 'mongodb'" in message
    assert "secret" not in message


@pytest.mark.parametrize(
    "command",
    [["status"], ["articles"], ["show", "1"], ["watch", "list"], ["alerts", "failed"],
     ["alerts", "send"], ["retag"], ["reextract"]],
    ids=" ".join,
)
def test_a_command_that_reads_refuses_a_database_file_that_does_not_exist(
        env, tmp_path, command):
    before = _files(tmp_path)

    result = _run(command, {**env, "PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/typo.db"},
                  cwd=tmp_path)

    message = _one_error_line(result)
    assert f"{tmp_path}/typo.db does not exist: nothing is stored there yet" in message
    assert "`provwatch run`, `crawl`, `ingest` or `watch add` create it" in message
    assert _files(tmp_path) == before


def test_a_command_that_writes_refuses_a_missing_directory_as_a_likely_typo(env, tmp_path):
    line = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV)})
    url = f"sqlite:///{tmp_path}/nonexistent/dir/x.db"

    result = _run(["ingest"], {**env, "PROVWATCH_DATABASE_URL": url}, stdin=line + "\n",
                  cwd=tmp_path)

    message = _one_error_line(result)
    assert f"directory {tmp_path}/nonexistent/dir does not exist" in message
    assert "mkdir -p" in message
    assert not (tmp_path / "nonexistent").exists()


def test_a_command_that_writes_creates_the_database_file_in_an_existing_directory(env, tmp_path):
    line = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV)})

    result = _run(["ingest"], env, stdin=line + "\n", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").is_file() and "stored 1" in result.stdout
    assert _run(["articles"], env, cwd=tmp_path).returncode == 0


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        pytest.param({"PROVWATCH_WORKRS": "3"},
                     "environment variable PROVWATCH_WORKRS is not a provwatch setting "
                     "(did you mean PROVWATCH_WORKERS?)", id="a misspelt variable"),
        pytest.param({"PROVWATCH_WORKERS": "four"},
                     "environment variable PROVWATCH_WORKERS: must be a whole number, got 'four'",
                     id="a number in words"),
        pytest.param({"PROVWATCH_CRAWL_TIMEOUT": "nan"},
                     "PROVWATCH_CRAWL_TIMEOUT: must be a finite number, got 'nan'", id="NaN"),
        pytest.param({"PROVWATCH_DOWNLOAD_TIMEOUT": "inf"},
                     "PROVWATCH_DOWNLOAD_TIMEOUT: must be a finite number, got 'inf'", id="inf"),
        pytest.param({"PROVWATCH_SMTP_PORT": "70000"},
                     "PROVWATCH_SMTP_PORT: must be a port number 1-65535, got '70000'",
                     id="a port out of range"),
        pytest.param({"PROVWATCH_OPERATOR_CHANNELS": "smtp:foo"},
                     "PROVWATCH_OPERATOR_CHANNELS: 'smtp:foo' is not a channel target: use "
                     "email:ADDRESS, webhook:https://HOST/PATH or a chat URL",
                     id="an operator channel that is not one"),
    ],
)
def test_a_bad_setting_in_the_environment_is_one_line_and_touches_nothing(
        env, tmp_path, extra, why):
    before = _files(tmp_path)

    result = _run(["ingest"], {**env, **extra}, stdin="", cwd=tmp_path)

    assert why in _one_error_line(result)
    assert _files(tmp_path) == before


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param("[provwatch]\nworkrs = 3\n",
                     "unknown key 'workrs' (did you mean 'workers'?)", id="a misspelt key"),
        pytest.param("[provwatch]\nsmtp_port = 70000\n",
                     "key 'smtp_port': must be a port number 1-65535", id="a port"),
        pytest.param("[provwatch]\ncrawl_timeout = nan\n",
                     "key 'crawl_timeout': must be a finite number", id="NaN"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_file_and_key(env, tmp_path, text, why):
    config = tmp_path / "provwatch.toml"
    config.write_text(text, encoding="utf-8")

    result = _run(["--config", str(config), "config"], env, cwd=tmp_path)

    assert f"{config}: {why}" in _one_error_line(result)


def test_a_gbk_config_file_is_one_line_saying_it_must_be_utf8(env, tmp_path):
    config = tmp_path / "provwatch.toml"
    config.write_bytes('[provwatch]\nsmtp_from = "监测 <a@b.example>"\n'.encode("gbk"))

    result = _run(["--config", str(config), "config"], env, cwd=tmp_path)

    assert f"{config}: not UTF-8 text" in _one_error_line(result)


def test_a_gbk_catalog_is_one_line_saying_it_must_be_utf8(env, tmp_path):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_bytes(("sources:\n" + ENTRY.replace("name: X", "name: 河南")).encode("gbk"))

    result = _run(["sources"], {**env, "PROVWATCH_CATALOG": str(catalog)}, cwd=tmp_path)

    assert f"{catalog}: line 2: not UTF-8 text" in _one_error_line(result)


# --- alerts: no retry promised when none is left ---------------------------------------------


@pytest.mark.parametrize(
    ("max_attempts", "said", "status"),
    [
        pytest.param(1, "gave up after 1 attempt", "failed", id="the last attempt"),
        pytest.param(2, "will retry", "pending", id="an attempt left"),
    ],
)
def test_a_failed_send_says_will_retry_only_when_an_attempt_is_left(
        database_url, webhook_receiver, caplog, max_attempts, said, status):  # noqa: F811
    from test_dispatch import NOW, SETTINGS, _stories, _watchlist

    from provwatch.alerts.dispatch import dispatch
    from provwatch.crawler.storage.db import open_database

    sessions = open_database(database_url)
    hook = f"webhook:{webhook_receiver.url}"
    _stories(sessions, _watchlist(sessions, "nev", [hook]), [hook], 1)
    webhook_receiver.statuses = [503]

    with caplog.at_level("WARNING", logger="provwatch.alerts.dispatch"):
        report = dispatch(sessions, SETTINGS, now=NOW, max_attempts=max_attempts)

    (line,) = [r.getMessage() for r in caplog.records if "failed (" in r.getMessage()]
    assert f"failed ({said})" in line
    assert (report.failed, report.retrying) == ((1, 0) if status == "failed" else (0, 1))


def test_tag_names_a_line_that_is_not_utf8_and_tags_the_rest(env, tmp_path):
    data = '{"id": 1, "text": "河南"}\n'.encode("gbk") + '{"id": 2, "text": "河南"}\n'.encode()
    (tmp_path / "lines.jsonl").write_bytes(data)

    result = _run(["tag", "lines.jsonl"], env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped lines.jsonl:1: not UTF-8 text" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [2]


@pytest.mark.parametrize(
    ("make_url", "why"),
    [
        pytest.param(lambda tmp: f"sqlite:///{_junk(tmp)}",
                     "cannot open the database: DatabaseError: file is not a database",
                     id="a file that is not SQLite"),
        pytest.param(lambda tmp: "postgresql://u:secret@127.0.0.1:1/db?password=secret2",
                     "postgresql+psycopg://u:***@127.0.0.1:1/db?password=<redacted>: cannot open "
                     "the database: OperationalError: connection failed",
                     id="a PostgreSQL server that is not there"),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_line_without_a_password(
        env, tmp_path, make_url, why):
    result = _run(["status"], {**env, "PROVWATCH_DATABASE_URL": make_url(tmp_path)},
                  cwd=tmp_path)

    message = _one_error_line(result)
    assert why in message and "secret" not in message


def _junk(folder: Path) -> Path:
    (folder / "junk.db").write_text("not a database\n", encoding="utf-8")
    return folder / "junk.db"
