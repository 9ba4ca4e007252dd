"""A watchlist's meeting criteria: their known values, validation and org resolution.

``meeting_hosts`` are roster posts (``POSTS``), ``meeting_guest_kinds`` the kinds of
organisation a guest comes from (``crawler.taxonomy.GUEST_KINDS``: the knowledge base's kinds and
``foreign_government``), ``meeting_orgs`` organisations by name or ticker (比亚迪, BYD,
002594.SZ, 1211.HK). An unknown post or kind is refused with the closest known one; an
organisation the knowledge base does not know is *kept* as a name to match as written
(``check_orgs`` returns a warning line for it, with the closest known name), because a
portfolio may hold companies the knowledge base has not met yet.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

POSTS = ("secretary", "governor", "mayor")
POST_ALIASES = {"party secretary": "secretary", "party_secretary": "secretary",
                "书记": "secretary", "省委书记": "secretary", "市委书记": "secretary",
                "省长": "governor", "市长": "mayor", "chairman": "governor",
                "主席": "governor"}
KIND_ALIASES = {"soe": "soe_central", "private": "private_company",
                "company": "private_company", "foreign": "foreign_company",
                "government": "foreign_government", "bank": "financial_institution",
                "央企": "soe_central", "国企": "soe_local", "民企": "private_company",
                "外企": "foreign_company", "高校": "university"}


def unknown(value: str, known: Iterable[str], aliases: dict[str, str], what: str) -> str:
    """Why ``value`` is refused, with the closest known value."""
    known = list(known)
    hint = aliases.get(value) or next(iter(difflib.get_close_matches(value, known, 1, 0.6)),
                                      None)
    did = f" (did you mean {hint}?)" if hint else ""
    return f"unknown {what} {value!r}{did}; one of {', '.join(known)}"


def check_orgs(name: str, orgs: Iterable[str], resolve: Callable[[str], str | None],
               known_names: Iterable[str] = ()) -> list[str]:
    """A warning line per organisation that ``resolve`` (name or ticker -> knowledge-base
    id) does not know: it stays in the watchlist as a name matched as written."""
    names = list(known_names)
    out = []
    for org in orgs:
        if resolve(org) is None:
            close = difflib.get_close_matches(org, names, 1, 0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            out.append(f"watchlist {name!r}: field 'meeting_orgs': {org!r} is not in the "
                       f"organisation knowledge base{hint}; kept as a name matched as "
                       "written")
    return out
