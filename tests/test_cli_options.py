"""Every command's every validated option, given a bad value: one line on stderr, exit 1
(a value the command refuses) or 2 (a usage error), nothing on stdout, no traceback.

Options are found from the CLI itself, so a new command or option is swept too. Numbers,
choices, days and vocabulary ids are validated; free text (a query, a path, a name) is not
a bad value and is left out.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys

import pytest
from typer.main import get_command

from provwatch.crawler.cli.main import app
from provwatch.crawler.storage.db import close_all, open_database

DAYS = {"since", "until", "on"}
IDS = {"province", "sector", "event", "state", "language", "post", "guest_kind", "by"}


def _leaves(group, path=()):
    """Every command, groups included (a group may take options of its own: `meetings`)."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _leaves(command, (*path, name))


def _bad_value(option) -> str | None:
    annotation = option.type_descriptor.annotation
    inner = getattr(annotation, "__args__", (annotation,))[0]
    if inner in (int, float):
        return "not-a-number"
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return "no-such-choice"
    flag = option.opts[0].lstrip("-").replace("-", "_")
    if flag in DAYS:
        return "2026-13-45"
    if flag in IDS:
        return "no-such-id"
    return None


def _arguments(command) -> list[str]:
    """Placeholders for required arguments: the command must reach its options."""
    out = []
    for param in command.params:
        if param.param_type_name == "argument" and param.required:
            annotation = param.type_descriptor.annotation
            out.append("1" if annotation is int else "no-such-thing")
    return out


CASES = [
    pytest.param([*path, *_arguments(command), option.opts[0], bad],
                 id=f"{' '.join(path)} {option.opts[0]} {bad}")
    for path, command in _leaves(get_command(app))
    for option in command.params
    if option.param_type_name == "option" and not option.is_flag
    and option.opts[0] not in ("--config", "--help")
    and (bad := _bad_value(option)) is not None
]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("options")
    url = f"sqlite:///{folder / 'o.db'}"
    open_database(url)  # read-only commands refuse a database that does not exist
    close_all()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    return {**base, "PROVWATCH_DATABASE_URL": url, "PROVWATCH_DATA_DIR": str(folder)}


def test_the_sweep_finds_the_options_it_should():
    swept = {case.id.rsplit(" ", 1)[0] for case in CASES}
    for expected in ("articles --province", "articles --limit", "articles --since",
                     "status --state", "leaders --on", "meetings --post"):
        assert expected in swept


@pytest.mark.parametrize("args", CASES)
def test_a_bad_option_value_is_one_line_and_a_failing_exit(args, env):
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                            capture_output=True, text=True, env=env, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode in (1, 2), result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout == "", result.stdout
