"""`provwatch`: the app with every command group registered, and its one error path."""

from __future__ import annotations

import sys

from typer import Abort, TyperException
from typer.main import get_command

from provwatch.alerts.errors import AlertError
from provwatch.crawler.cli import (  # noqa: F401  (each module registers its commands)
    alerts,
    articles,
    config,
    crawl,
    daemon,
    demo,
    ids,
    leaders,
    meetings,
    pages,
    serve,
    sources,
    status,
    tagging,
    watch,
    worker,
)
from provwatch.crawler.cli.app import app, state  # noqa: F401  (tests drive app and state)
from provwatch.crawler.errors import ProvwatchError


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every known error is one line on stderr: exit 1, usage errors exit 2."""
    command = get_command(app)
    try:
        code = command.main(args=argv, prog_name="provwatch", standalone_mode=False)
    except TyperException as e:  # Click's errors as Typer raises them
        exit_code = getattr(e, "exit_code", 1)
        if type(e).__name__ == "NoArgsIsHelpError":  # `provwatch watch`: the help it asks for
            # typer's Click errors (typer._click, private) have show(); the TyperException
            # type does not declare it
            e.show()  # type: ignore[attr-defined]
            sys.exit(exit_code)
        ctx = getattr(e, "ctx", None)
        where = ctx.command_path if ctx is not None else "provwatch"
        message = _one_line(e.format_message() if hasattr(e, "format_message") else e)
        if exit_code == 2:
            print(f"{where}: usage error: {message} (see `{where} --help`)", file=sys.stderr)
        else:
            print(f"provwatch: error: {message}", file=sys.stderr)
        sys.exit(exit_code)
    except (ProvwatchError, AlertError) as e:
        print(f"provwatch: error: {_one_line(e)}", file=sys.stderr)
        sys.exit(1)
    except Abort:
        print("provwatch: aborted", file=sys.stderr)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


if __name__ == "__main__":
    main()
