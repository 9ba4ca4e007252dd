"""Start-up stays light: `--help`, `ids` and `status` import none of the heavy packages
(the crawl engine, extraction, migrations, MinHash, Chinese conversion). Times are for
bench/startup.py; this test looks only at what was imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from provwatch.crawler.storage.db import close_all, open_database

HEAVY = ("scrapy", "twisted", "trafilatura", "alembic", "numpy", "opencc",
         # the web app and the crawl queue load only for `serve` and a configured queue
         "fastapi", "uvicorn", "starlette", "jinja2", "plotly", "procrastinate",
         # stored pages are packed and unpacked only by a crawl, ingest and reextract
         "zstandard")

# run the command in-process, then report which top-level packages it imported
PROBE = """
import json, sys
sys.argv = ["provwatch", *json.loads(sys.argv[1])]
from provwatch.crawler.cli.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def _imported(args: list[str], tmp_path) -> tuple[subprocess.CompletedProcess, set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'startup.db'}",
               PROVWATCH_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)],
                            capture_output=True, text=True, env=env, timeout=120)
    return result, set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.fixture
def migrated(tmp_path):
    """A database already at the head revision, as on every run after the first."""
    open_database(f"sqlite:///{tmp_path / 'startup.db'}")
    close_all()
    return tmp_path


@pytest.mark.parametrize("args", [["--help"], ["ids"], ["ids", "sectors", "--json"],
                                  ["status"], ["status", "--summary"], ["articles"],
                                  ["watch", "list"], ["sources"],
                                  ["watch", "--help"], ["articles", "--help"]],
                         ids=" ".join)
def test_a_light_command_imports_no_heavy_package(migrated, args):
    result, modules = _imported(args, migrated)
    assert result.returncode == 0, result.stderr
    assert sorted(modules & set(HEAVY)) == []


def test_help_does_not_even_import_sqlalchemy(tmp_path):
    result, modules = _imported(["--help"], tmp_path)
    assert result.returncode == 0 and "Usage" in result.stdout
    assert "sqlalchemy" not in modules
