"""The fixed label ids of ../shared/taxonomy.md: provinces, sectors, event kinds.

Ids never change; display names are for output only. Keyword lists live in the
tagger's data files, not here.
"""

from __future__ import annotations

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

SECTORS: tuple[str, ...] = (
    "ai", "robotics", "semiconductors", "nev", "batteries_storage", "hydrogen",
    "renewables", "nuclear", "biotech_health", "bci", "low_altitude", "aerospace",
    "quantum", "digital_economy", "esports_gaming", "marine_economy",
    "advanced_manufacturing", "consumption", "infrastructure", "trade_opening",
    "agriculture", "finance", "talent_education",
)

EVENTS: tuple[str, ...] = (
    "leader_meeting", "work_conference", "policy_document", "inspection",
    "signing", "statistics", "other",
)

# A catalog source may also cover the whole country rather than one province.
NATIONAL = "national"
