"""mypy over crawler/, pipelines/ and alerts/, as the style guide asks, with the project's
[tool.mypy] table; any error fails the test and the report is printed.

The code imports itself as ``provwatch.*``, and mypy names modules after their directories,
so mypy must reach this checkout through a directory called provwatch (a checkout may be
called anything: main, a worktree's name). A symlink in the temp directory, at a path fixed
per checkout, gives it one; the fixed path keeps mypy's cache (.mypy_cache in the checkout,
git-ignored) valid from run to run, so a warm run takes seconds.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

def _as_provwatch() -> Path:
    """A directory holding a symlink ``provwatch`` to this checkout (made once per checkout)."""
    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    home = Path(tempfile.gettempdir()) / f"provwatch-mypy-{key}"
    home.mkdir(exist_ok=True)
    link = home / "provwatch"
    if not link.is_symlink():
        try:
            link.symlink_to(ROOT, target_is_directory=True)
        except FileExistsError:  # another test run made it first
            pass
    assert link.resolve() == ROOT, f"{link} points elsewhere; remove it"
    return home


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (pip install -e '.[test]')",
)
def test_mypy_reports_no_errors_in_crawler_pipelines_alerts():
    home = _as_provwatch()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(home / "provwatch" / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            "--no-color-output",
        ],
        cwd=home,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
        timeout=600,
    )
    report = result.stdout + result.stderr
    errors = [
        line
        for line in report.splitlines()
        if ": error:" in line
    ]
    crashed = result.returncode not in (0, 1)
    assert not errors and not crashed, (
        f"mypy found {len(errors)} error(s) (exit {result.returncode}):\n" + report
    )
