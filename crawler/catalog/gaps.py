"""Coverage's gaps: the columns the catalog does not have, each with its reason.

A catalog source carries real article URLs (crawler/catalog/examples.py). A column that
issue 19's coverage asks for but whose articles no public material quotes (a province's
leaders' column, a city's mayor's column, a party paper whose e-paper is script-rendered) is
recorded in ``gaps.yaml`` instead, with why it is not crawled, what was searched and the
addresses that were seen; `provwatch sources coverage` shows it as ``gap``. Errors are one
line naming the file, the gap and the field, as the catalog's are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from provwatch.crawler.errors import CatalogError
from provwatch.crawler.taxonomy import PROVINCES

_FIELDS = {"id", "name", "name_en", "province", "reason", "searched", "seen", "notes"}
_REQUIRED = ("id", "name", "province", "reason", "searched")


@dataclass(frozen=True)
class Gap:
    id: str  # the catalog id the column would have (prov_<p>_leaders, paper_<p>, city_...)
    name: str
    name_en: str
    province: str
    reason: str  # why it is not crawled
    searched: str  # what was looked for, and where
    seen: tuple[str, ...] = ()  # addresses seen (a home page, a list never quoted)
    notes: str = ""


def default_path() -> Path:
    return Path(str(resources.files("provwatch.crawler.catalog") / "gaps.yaml"))


@lru_cache(maxsize=4)
def load_gaps(path: str | None = None) -> tuple[Gap, ...]:
    where = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise CatalogError(f"{where}: cannot read the coverage gaps: {e}") from None
    return parse_gaps(data.get("gaps") or [], str(where))


def parse_gaps(items: Iterable, where: str) -> tuple[Gap, ...]:
    out: list[Gap] = []
    seen_ids: set[str] = set()
    for n, raw in enumerate(items, 1):
        gid = raw.get("id") if isinstance(raw, dict) else None
        label = f"gap {gid!r}" if gid else f"gap #{n}"

        def bad(field: str, why: str, label: str = label) -> CatalogError:
            return CatalogError(f"{where}: {label}: field {field!r}: {why}")

        if not isinstance(raw, dict):
            raise bad("id", "each gap is a mapping")
        unknown = sorted(set(raw) - _FIELDS)
        if unknown:
            raise bad(unknown[0], f"unknown field (known: {', '.join(sorted(_FIELDS))})")
        for field in _REQUIRED:
            if not isinstance(raw.get(field), str) or not raw[field].strip():
                raise bad(field, "must be written out")
        assert isinstance(gid, str)  # checked with the _REQUIRED fields
        if gid in seen_ids:
            raise bad("id", "duplicate id")
        seen_ids.add(gid)
        if raw["province"] not in PROVINCES:
            raise bad("province", f"unknown province id {raw['province']!r}")
        addresses = raw.get("seen") or []
        if not isinstance(addresses, list) or not all(
                isinstance(a, str) and a.startswith(("http://", "https://")) for a in addresses):
            raise bad("seen", "a list of http(s) addresses")
        out.append(Gap(id=gid, name=raw["name"].strip(), name_en=str(raw.get("name_en") or ""),
                       province=raw["province"], reason=" ".join(raw["reason"].split()),
                       searched=" ".join(raw["searched"].split()), seen=tuple(addresses),
                       notes=" ".join(str(raw.get("notes") or "").split())))
    return tuple(out)

