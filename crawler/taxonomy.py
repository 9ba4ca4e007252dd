"""The fixed label ids of ../shared/taxonomy.md: provinces, sectors, event kinds, their
display names, and the names a user may type for an id.

Ids never change; display names are for output and for input only (``resolve`` maps
河南, 河南省, Henan or henan to ``henan``). Keyword lists live in the tagger's data files,
not here.
"""

from __future__ import annotations

import difflib
import re

# id -> (English, Chinese)
PROVINCES: dict[str, tuple[str, str]] = {
    "beijing": ("Beijing", "北京市"),
    "tianjin": ("Tianjin", "天津市"),
    "hebei": ("Hebei", "河北省"),
    "shanxi": ("Shanxi", "山西省"),
    "inner_mongolia": ("Inner Mongolia", "内蒙古自治区"),
    "liaoning": ("Liaoning", "辽宁省"),
    "jilin": ("Jilin", "吉林省"),
    "heilongjiang": ("Heilongjiang", "黑龙江省"),
    "shanghai": ("Shanghai", "上海市"),
    "jiangsu": ("Jiangsu", "江苏省"),
    "zhejiang": ("Zhejiang", "浙江省"),
    "anhui": ("Anhui", "安徽省"),
    "fujian": ("Fujian", "福建省"),
    "jiangxi": ("Jiangxi", "江西省"),
    "shandong": ("Shandong", "山东省"),
    "henan": ("Henan", "河南省"),
    "hubei": ("Hubei", "湖北省"),
    "hunan": ("Hunan", "湖南省"),
    "guangdong": ("Guangdong", "广东省"),
    "guangxi": ("Guangxi", "广西壮族自治区"),
    "hainan": ("Hainan", "海南省"),
    "chongqing": ("Chongqing", "重庆市"),
    "sichuan": ("Sichuan", "四川省"),
    "guizhou": ("Guizhou", "贵州省"),
    "yunnan": ("Yunnan", "云南省"),
    "tibet": ("Tibet", "西藏自治区"),
    "shaanxi": ("Shaanxi", "陕西省"),
    "gansu": ("Gansu", "甘肃省"),
    "qinghai": ("Qinghai", "青海省"),
    "ningxia": ("Ningxia", "宁夏回族自治区"),
    "xinjiang": ("Xinjiang", "新疆维吾尔自治区"),
    "hong_kong": ("Hong Kong", "香港特别行政区"),
    "macau": ("Macau", "澳门特别行政区"),
    "taiwan": ("Taiwan", "台湾"),
}

# id -> (English, Chinese)
SECTOR_NAMES: dict[str, tuple[str, str]] = {
    "ai": ("Artificial intelligence", "人工智能"),
    "robotics": ("Robotics", "机器人"),
    "semiconductors": ("Semiconductors", "半导体"),
    "nev": ("New energy vehicles", "新能源汽车"),
    "batteries_storage": ("Batteries and energy storage", "动力电池与储能"),
    "hydrogen": ("Hydrogen", "氢能"),
    "renewables": ("Renewables", "可再生能源"),
    "nuclear": ("Nuclear", "核能"),
    "biotech_health": ("Biotech and health", "生物医药与健康"),
    "bci": ("Brain-computer interface", "脑机接口"),
    "low_altitude": ("Low-altitude economy", "低空经济"),
    "aerospace": ("Aerospace", "航空航天"),
    "quantum": ("Quantum", "量子科技"),
    "digital_economy": ("Digital economy", "数字经济"),
    "esports_gaming": ("Esports and gaming", "电竞与游戏"),
    "marine_economy": ("Marine economy", "海洋经济"),
    "advanced_manufacturing": ("Advanced manufacturing", "先进制造"),
    "consumption": ("Consumption", "消费"),
    "infrastructure": ("Infrastructure", "基础设施"),
    "trade_opening": ("Trade and opening-up", "对外开放"),
    "agriculture": ("Agriculture", "农业"),
    "finance": ("Finance", "金融"),
    "talent_education": ("Talent and education", "人才与教育"),
}

SECTORS: tuple[str, ...] = (
    "ai", "robotics", "semiconductors", "nev", "batteries_storage", "hydrogen",
    "renewables", "nuclear", "biotech_health", "bci", "low_altitude", "aerospace",
    "quantum", "digital_economy", "esports_gaming", "marine_economy",
    "advanced_manufacturing", "consumption", "infrastructure", "trade_opening",
    "agriculture", "finance", "talent_education",
)

EVENTS: tuple[str, ...] = (
    "leader_meeting", "work_conference", "policy_document", "inspection",
    "signing", "statistics", "project", "personnel", "other",
)

EVENT_NAMES: dict[str, tuple[str, str]] = {
    "leader_meeting": ("Leader meeting", "会见会谈"),
    "work_conference": ("Work conference", "工作会议"),
    "policy_document": ("Policy document", "政策文件"),
    "inspection": ("Inspection", "调研考察"),
    "signing": ("Signing", "签约"),
    "statistics": ("Statistics", "数据发布"),
    "project": ("Project milestone", "项目进展"),
    "personnel": ("Personnel", "人事任免"),
    "other": ("Other", "其他"),
}

# A catalog source may also cover the whole country rather than one province.
NATIONAL = "national"

# The apprise schemes of the chat tools provwatch supports (alerts.channels.chat): the
# alerts package sends to them, the configuration checks operator_channels against them.
CHAT_SCHEMES = ("slack", "discord", "feishu", "lark", "dingtalk", "wecombot", "workflows",
                "workflow")
# The kinds of organisation in the knowledge base (pipelines/tagging/data/orgs_*.yaml);
# a meeting's guest is one of them or a foreign government's envoy. Tagging, meeting
# extraction and watchlist criteria all read them from here.
ORG_KINDS = ("private_company", "soe_central", "soe_local", "university",
             "research_institute", "foreign_company", "financial_institution",
             "industry_association", "other")
GUEST_KINDS = (*ORG_KINDS, "foreign_government")

KINDS = ("province", "sector", "event")
# other spellings a user may type: the taxonomy's alternative names, a few plain synonyms
_EXTRA_NAMES = {
    "province": {"xizang": "tibet", "macao": "macau", "内蒙": "inner_mongolia",
                 "台湾省": "taiwan"},
    "sector": {"人工智能+": "ai", "芯片": "semiconductors", "集成电路": "semiconductors",
               "储能": "batteries_storage", "生物医药": "biotech_health",
               "电竞": "esports_gaming", "esports": "esports_gaming"},
    "event": {},
}


def labels(kind: str) -> dict[str, tuple[str, str]]:
    """Every id of ``kind`` (province, sector or event) with its (English, Chinese) names,
    in the taxonomy's order."""
    if kind not in KINDS:
        raise ValueError(f"no label kind {kind!r} (use {', '.join(KINDS)})")
    if kind == "province":
        return dict(PROVINCES)
    ids, names = (SECTORS, SECTOR_NAMES) if kind == "sector" else (EVENTS, EVENT_NAMES)
    return {i: names.get(i, (i.replace("_", " ").capitalize(), "")) for i in ids}


def _key(name: str) -> str:
    """Spelling that does not tell names apart: case, spaces, _ - ' and a trailing dot."""
    return re.sub(r"[\s_\-'.·]", "", name.strip().lower())


_NAMES: dict[str, dict[str, str]] = {}


def _names(kind: str) -> dict[str, str]:
    """Typed name (as ``_key``) -> id: the id, its English and Chinese names, a Chinese
    name's leading two or more characters (河南 for 河南省, 广西 for 广西壮族自治区)."""
    if kind not in _NAMES:
        out: dict[str, str] = {}
        for label_id, (english, chinese) in labels(kind).items():
            out[_key(label_id)] = label_id
            out[_key(english)] = label_id
            if chinese:
                out[_key(chinese)] = label_id
        if kind == "province":
            for label_id, (_english, chinese) in PROVINCES.items():
                for n in range(2, len(chinese)):
                    out.setdefault(chinese[:n], label_id)
        for name, label_id in _EXTRA_NAMES[kind].items():
            out.setdefault(_key(name), label_id)
        _NAMES[kind] = out
    return _NAMES[kind]


def resolve(kind: str, value: str) -> str | None:
    """The id that ``value`` names (an id or an English or Chinese name), else None."""
    return _names(kind).get(_key(value))


def did_you_mean(kind: str, value: str) -> str:
    """`` (did you mean X?)`` naming the id closest to ``value``, or ``""``."""
    names = _names(kind)
    close = difflib.get_close_matches(_key(value), list(names), n=1, cutoff=0.6)
    return f" (did you mean {names[close[0]]}?)" if close else ""
