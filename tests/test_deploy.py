"""The deployment files in the repo start `provwatch run` as an unprivileged user."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_systemd_unit_runs_the_daemon_unprivileged_with_a_state_directory():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy" / "provwatch.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].endswith("provwatch run")
    assert service["User"] not in ("", "root")
    assert service["StateDirectory"] == "provwatch"
    assert "PROVWATCH_DATA_DIR=/var/lib/provwatch" in service["Environment"] or any(
        "PROVWATCH_DATA_DIR" in line for line in
        (ROOT / "deploy" / "provwatch.service").read_text().splitlines())
    assert service["KillSignal"] == "SIGTERM"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_dockerfile_runs_the_daemon_as_a_non_root_user_with_data_in_a_volume():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^VOLUME\s+\["/data"\]', text, re.M)
    assert "PROVWATCH_DATA_DIR=/data" in text
    assert re.search(r'^ENTRYPOINT\s+\["provwatch"\]', text, re.M)
    assert re.search(r'^CMD\s+\["run"\]', text, re.M)
    assert "status\", \"--check\"" in text  # the container's health check


def test_install_instructions_install_from_a_checkout_not_from_an_index():
    """provwatch is not published on PyPI: `pip install provwatch` would fail (or install
    someone else's package). Every install line names a path; the README's first commands
    make their own virtualenv (a fresh Debian refuses pip outside one, PEP 668)."""
    for name in ("README.md", "Dockerfile", "deploy/provwatch.service"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"pip install (-U |--upgrade )?provwatch\b", text), name
    first = (ROOT / "README.md").read_text(encoding="utf-8").split("```")[1].strip().splitlines()
    assert len(first) == 2 and all(line.startswith("python3 -m venv .venv && ") for line in first)
    assert first[0].endswith("provwatch demo") and first[1].endswith("pytest")


def test_every_provwatch_variable_the_deployment_files_set_is_a_setting():
    """Unknown PROVWATCH_* variables are refused at start (crawler.config): a deployment
    file that set one would keep the daemon from starting."""
    from provwatch.crawler.config import NOT_SETTINGS, SETTINGS

    known = {f"PROVWATCH_{s.key.upper()}" for s in SETTINGS} | NOT_SETTINGS
    for name in ("Dockerfile", "deploy/provwatch.service"):
        text = (ROOT / name).read_text(encoding="utf-8")
        used = set(re.findall(r"\b(PROVWATCH_[A-Z_]+)=", text))
        assert used and used <= known, (name, used - known)
