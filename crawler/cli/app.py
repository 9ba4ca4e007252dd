"""The Typer app, its command groups, the two consoles and the per-run state.

Command modules import this one and register their commands on ``app`` or a group; this
module imports none of them (cli/main.py does).
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.config import Config, load_config
from provwatch.crawler.errors import ProvwatchError

app = typer.Typer(help="Watch Chinese provincial policy news: crawl, tag, store, alert.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
watch_app = typer.Typer(help="Manage watchlists: what you want to be alerted about.",
                        no_args_is_help=True)
alerts_app = typer.Typer(help="Deliver and inspect alerts.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(alerts_app, name="alerts")
sources_app = typer.Typer(help="The source catalog: list it, check it against the live sites.")
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


state = State()


@app.callback()
def _main(
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML config file (else PROVWATCH_CONFIG).")] = None,
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
