"""`provwatch tag` and `provwatch retag`: the tagger from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, day_option, err, out, state
from provwatch.crawler.errors import ProvwatchError


def _tagging():
    """The tagging service, imported on first use."""
    # lazy: it loads the tagger, the extraction and numpy, which `provwatch run` and
    # `status` never need: the daemon's memory stays small
    from provwatch.crawler.services import tagging

    return tagging


@app.command()
def tag(
    file: Annotated[Path | None, typer.Argument(
        help="JSON lines {id, html | text, url?, title?, source?}; stdin when absent or -."
    )] = None,
) -> None:
    """Tag articles: print {id, provinces_about, provinces_mentioned, sectors, event, people,
    orgs} per line (the format ../shared/eval/score.py reads)."""
    errors: list[str] = []
    if file is None or str(file) == "-":
        rows = _tagging().tag_lines(state.config, sys.stdin.buffer, "<stdin>", errors)
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        try:
            with file.open("rb") as f:  # bytes: json_lines names a line that is not UTF-8
                for row in _tagging().tag_lines(state.config, f, str(file), errors):
                    print(json.dumps(row, ensure_ascii=False))
        except OSError as e:
            raise ProvwatchError(f"{file}: cannot read: {e.strerror or e}") from None
    for message in errors:
        err.print(f"skipped {message}", markup=False)


@app.command()
def retag(
    since: Annotated[str | None, typer.Option(
        help="Only articles published on or after (YYYY-MM-DD).")] = None,
) -> None:
    """Tag stored articles again after the tagger's data files changed."""
    report = _tagging().retag(state.stored_config, day_option(since, "--since"))
    out.print(f"retagged {report.articles} articles: {report.changed} changed "
              f"(+{report.tags_added} / -{report.tags_removed} tags)")
