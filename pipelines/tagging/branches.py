"""Provincial arms of national groups, read from the shape of their name (orgs.py rule 7).

A name is a provincial arm when, right after a national group's name (a central SOE's or
a national financial institution's), comes a province's name and then a business word:

    国网 + 江苏省 + 电力有限公司          南方电网 + 广东 + 电网
    中国石化 + 江苏 + 石油分公司          中国银行 + 河南省 + 分行

The province is any of its own names (江苏省, 江苏; 广西壮族自治区, 广西), never a short
form or a city; the business words are the grid's, the oil companies', the carriers' and
the banks' (电力, 电网, 供电, 石油, 天然气, 销售, 油田, 能源, 发电, 通信, then 有限责任公司,
有限公司, 分公司, 公司; or 分公司, 公司, 分行 alone). A group name followed by a province
and nothing of the kind (中国石化江苏的项目) is the group in Jiangsu, not its arm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# kinds of organisation whose provincial arms carry their name (orgs.py KINDS)
PARENT_KINDS = frozenset({"soe_central", "financial_institution"})
_BUSINESS = re.compile(
    r"(?:(?:电力|电网|供电|石油|天然气|石化|销售|油田|能源|新能源|发电|通信)+"
    r"(?:有限责任公司|股份有限公司|有限公司|分公司|公司)?"
    r"|有限责任公司|股份有限公司|有限公司|分公司|公司|分行)")


@dataclass(frozen=True)
class ProvinceNames:
    """Each province's own Chinese names (from the gazetteer), and its full name."""

    ids: Mapping[str, str]  # 江苏省, 江苏 -> jiangsu
    full: Mapping[str, str]  # jiangsu -> 江苏省
    longest: int

    @classmethod
    def build(cls, names: Mapping[str, str]) -> ProvinceNames:
        full: dict[str, str] = {}
        for name, pid in names.items():
            if len(name) > len(full.get(pid, "")):
                full[pid] = name
        return cls(dict(names), full, max(map(len, names), default=0))


def arm(text: str, end: int, provinces: ProvinceNames) -> tuple[str, int] | None:
    """(province id, end of the arm's name) when a group's name ending at ``end`` is
    followed by a province's name and a business word; None otherwise."""
    for size in range(min(provinces.longest, len(text) - end), 1, -1):
        pid = provinces.ids.get(text[end:end + size])
        if pid is not None:
            business = _BUSINESS.match(text, end + size)
            return (pid, business.end()) if business else None
    return None
