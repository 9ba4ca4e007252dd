"""deploy/compose.yaml (no Docker engine here): valid YAML, PostgreSQL + one scheduler +
several workers, every command one provwatch parses, every PROVWATCH_* a setting."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.main import get_command

from provwatch.crawler.cli.main import app
from provwatch.crawler.config import NOT_SETTINGS, SETTINGS

COMPOSE = Path(__file__).resolve().parent.parent / "deploy" / "compose.yaml"


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def test_compose_runs_postgresql_one_scheduler_and_several_workers():
    services = _services()
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["scheduler"]["command"][0] == "run"
    assert "deploy" not in services["scheduler"]  # one scheduler: a second would refuse
    assert services["worker"]["command"][0] == "worker"
    assert services["worker"]["deploy"]["replicas"] >= 2
    for name in ("scheduler", "worker"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        env = services[name]["environment"]
        assert env["PROVWATCH_QUEUE_URL"].startswith("postgresql")
        assert env["PROVWATCH_DATABASE_URL"].startswith("postgresql")
        assert "${POSTGRES_PASSWORD" in env["PROVWATCH_QUEUE_URL"]  # no password in the file


def test_every_command_in_compose_is_one_provwatch_parses():
    cli = get_command(app)
    services = _services()
    for name in ("scheduler", "worker"):
        command, *args = services[name]["command"]
        assert command in cli.commands, (name, command)
        cli.commands[command].make_context(command, list(args))  # its options parse
    check = services["scheduler"]["healthcheck"]["test"]
    assert check[1] == "provwatch" and check[2] in cli.commands


def test_every_provwatch_variable_in_compose_is_a_setting():
    known = {f"PROVWATCH_{s.key.upper()}" for s in SETTINGS} | NOT_SETTINGS
    for name in ("scheduler", "worker"):
        used = set(_services()[name]["environment"])
        assert used and {v for v in used if v.startswith("PROVWATCH_")} <= known


def test_the_worker_unit_runs_a_worker_command_provwatch_parses_unprivileged():
    import configparser
    import shlex

    path = COMPOSE.parent / "provwatch-worker@.service"
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(path, encoding="utf-8")
    service = unit["Service"]
    assert service["User"] not in ("", "root") and service["KillSignal"] == "SIGTERM"
    program, command, *args = shlex.split(service["ExecStart"].replace("%i", "1"))
    assert program.endswith("/provwatch") and command == "worker"
    get_command(app).commands[command].make_context(command, args)
