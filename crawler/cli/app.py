"""The Typer app, its command groups, the two consoles and the per-run state.

Command modules import this one and register their commands on ``app`` or a group; this
module imports none of them (cli/main.py does). Start-up stays light: this module and
every command module import only typer, rich and the ground floor at the top; a command
imports its service (SQLAlchemy, Scrapy, the tagger, ...) when it runs.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperGroup

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.config import Config, load_config
from provwatch.crawler.errors import ProvwatchError

CONFIG_HELP = "TOML config file (else PROVWATCH_CONFIG)."


def _use_config(value: Path | None) -> None:
    if value is not None and str(value) != state.config_path:
        state.config_path, state._config = str(value), None


def _config_parameter():
    """The --config option as Typer builds it, set aside for every command to share (not
    passed to the command's function: its callback records the path)."""
    holder = typer.Typer()

    @holder.command()
    def _holder(config: Annotated[Path | None, typer.Option(
            "--config", help=CONFIG_HELP, callback=_use_config, expose_value=False)] = None,
                ) -> None:
        pass

    return typer.main.get_command(holder).params[0]


class ConfigEverywhere(TyperGroup):
    """A group whose commands, and their groups' commands, all take ``--config``, so that
    `provwatch status --config X` works as `provwatch --config X status` does."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shared = None
        todo: list = [self]
        while todo:
            command = todo.pop()
            todo.extend(getattr(command, "commands", {}).values())
            if not any(p.name == "config" for p in command.params):
                shared = shared or _config_parameter()
                command.params.append(shared)


app = typer.Typer(help="Watch Chinese provincial policy news: crawl, tag, store, alert.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  cls=ConfigEverywhere)
watch_app = typer.Typer(help="Manage watchlists: what you want to be alerted about.",
                        no_args_is_help=True, cls=ConfigEverywhere)
alerts_app = typer.Typer(help="Deliver and inspect alerts.", no_args_is_help=True,
                         cls=ConfigEverywhere)
app.add_typer(watch_app, name="watch")
app.add_typer(alerts_app, name="alerts")
sources_app = typer.Typer(help="The source catalog: list it, check it against the live sites.",
                          cls=ConfigEverywhere)
app.add_typer(sources_app, name="sources")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    config_path: str | None = None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            logging.basicConfig(level=self._config.log_level.upper(), stream=sys.stderr,
                                format="%(levelname)s %(name)s: %(message)s")
            logging.getLogger("trafilatura").setLevel(logging.ERROR)
            logging.getLogger("htmldate").setLevel(logging.ERROR)
            logging.getLogger("alembic").setLevel(logging.WARNING)
        return self._config

    @property
    def stored_config(self) -> Config:
        """The config of a command that only reads or changes what is stored: a SQLite
        database file that does not exist is an error saying so, not a new empty one."""
        config = self.config
        # lazy: storage imports SQLAlchemy, which `provwatch config` and --help never need
        from provwatch.crawler.storage.db import require_database

        require_database(config.database_url)
        return config


state = State()


@app.callback()
def _main(
    config: Annotated[Path | None, typer.Option("--config", help=CONFIG_HELP)] = None,
) -> None:
    state.config_path = str(config) if config else None


def day_option(value: str | None, option: str) -> datetime | None:
    """A YYYY-MM-DD option as that day's midnight in China (the sources' day); a time with
    an explicit offset keeps it. Anything else is a one-line error."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ProvwatchError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None
    return when if when.tzinfo else when.replace(tzinfo=SHANGHAI)


def until_option(value: str | None, option: str) -> datetime | None:
    """An inclusive end as an exclusive bound: a bare YYYY-MM-DD means up to the end of
    that China day (the next midnight); a time is taken as given."""
    when = day_option(value, option)
    if when is None or value is None or len(value.strip()) > 10:
        return when
    return when + timedelta(days=1)
