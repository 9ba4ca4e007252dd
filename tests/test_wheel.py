"""The built wheel is one `provwatch` package that works on its own: installed into a fresh
virtual environment, away from this checkout, `provwatch demo` runs the whole job.

The fresh environment borrows this one's dependencies through a .pth file (so the test
needs no network); provwatch itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
              ".ruff_cache", "tests", "bench", "tools", "deploy")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the tree (a stale build/ folder can't leak into it)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(work / "dist"), str(src)],
        capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = (work / "dist").glob("provwatch-*.whl")
    return found


def test_the_wheel_puts_one_package_at_the_top_of_site_packages(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"provwatch"}
    for needed in ("provwatch/settings.py", "provwatch/crawler/cli/main.py",
                   "provwatch/crawler/catalog/catalog.yaml",
                   "provwatch/crawler/catalog/catalog_local.yaml",
                   "provwatch/crawler/storage/migrations/env.py",
                   "provwatch/crawler/storage/migrations/script.py.mako",
                   "provwatch/crawler/demo/catalog.yaml",
                   "provwatch/pipelines/tagging/data/provinces.yaml",
                   "provwatch/spiders/platforms/trs.py",
                   "provwatch/crawler/web/templates/base.html",
                   "provwatch/crawler/web/static/app.js"):
        assert needed in names, needed
    assert any(n.startswith("provwatch/crawler/storage/migrations/versions/0001") for n in names)
    assert any(n.startswith("provwatch/crawler/demo/site/") for n in names)


def test_the_installed_wheel_runs_the_demo_in_a_fresh_venv(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "_borrowed_deps.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                                "--no-index", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVWATCH_", "PYTHON"))}
    env["PROVWATCH_DATA_DIR"] = str(tmp_path / "data")
    where = subprocess.run(
        [str(python), "-c", "import provwatch.crawler, importlib.util; "
         "print(provwatch.crawler.__file__); print(importlib.util.find_spec('crawler'))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    module_file, top_level = where.stdout.split()
    assert Path(module_file).is_relative_to(env_dir), "provwatch came from the checkout"
    assert top_level == "None", "a top-level `crawler` module is importable"

    demo = subprocess.run([str(env_dir / "bin" / "provwatch"), "demo", "--dir",
                           str(tmp_path / "demo")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "this run: 26 new articles" in demo.stdout
    assert "failed 0" in demo.stdout
