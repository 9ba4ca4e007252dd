"""A page's own province from its address, for "我省/我市" when the catalog does not say.

Rules: a Google-translate proxy host is read as the host it stands for; people.com.cn
provincial channels by their subdomain code (ha.people.com.cn); government portals by
the label before ``gov.cn``: a province's pinyin or customary abbreviation
(henan.gov.cn, gd.gov.cn, gxzf.gov.cn) or a prefecture city's pinyin (hefei.gov.cn).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from provwatch.pipelines.tagging import gazetteer

PEOPLE_CODES = {
    "bj": "beijing", "tj": "tianjin", "he": "hebei", "sx": "shanxi", "nm": "inner_mongolia",
    "ln": "liaoning", "jl": "jilin", "hlj": "heilongjiang", "sh": "shanghai", "js": "jiangsu",
    "zj": "zhejiang", "ah": "anhui", "fj": "fujian", "jx": "jiangxi", "sd": "shandong",
    "ha": "henan", "hb": "hubei", "hn": "hunan", "gd": "guangdong", "gx": "guangxi",
    "hi": "hainan", "cq": "chongqing", "sc": "sichuan", "gz": "guizhou", "yn": "yunnan",
    "xz": "tibet", "sn": "shaanxi", "gs": "gansu", "qh": "qinghai", "nx": "ningxia",
    "xj": "xinjiang",
}
GOV_LABELS = {
    "beijing": "beijing", "tj": "tianjin", "tianjin": "tianjin", "hebei": "hebei",
    "shanxi": "shanxi", "nmg": "inner_mongolia", "ln": "liaoning", "jl": "jilin",
    "hlj": "heilongjiang", "shanghai": "shanghai", "jiangsu": "jiangsu", "js": "jiangsu",
    "zj": "zhejiang", "zhejiang": "zhejiang", "ah": "anhui", "anhui": "anhui",
    "fujian": "fujian", "jiangxi": "jiangxi", "shandong": "shandong", "henan": "henan",
    "hubei": "hubei", "hunan": "hunan", "gd": "guangdong", "gxzf": "guangxi",
    "guangxi": "guangxi", "hainan": "hainan", "cq": "chongqing", "sc": "sichuan",
    "guizhou": "guizhou", "yn": "yunnan", "xizang": "tibet", "shaanxi": "shaanxi",
    "gansu": "gansu", "qinghai": "qinghai", "nx": "ningxia", "xinjiang": "xinjiang",
}


@lru_cache(maxsize=1)
def _city_labels() -> dict[str, str]:
    gaz = gazetteer.load()
    return {name.lower().replace("'", ""): place.provinces[0]
            for name, place in gaz.en.exact.items()
            if place.kind == "place" and len(place.provinces) == 1 and " " not in name}


def province_of_url(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".translate.goog"):  # www-hlj-gov-cn.translate.goog = www.hlj.gov.cn
        host = host[: -len(".translate.goog")].replace("--", "\0").replace("-", ".")
        host = host.replace("\0", "-")
    labels = host.split(".")
    if host.endswith(".people.com.cn") and len(labels) >= 4:
        return PEOPLE_CODES.get(labels[-4])
    if host.endswith(".gov.cn") and len(labels) >= 3:
        label = labels[-3]
        return GOV_LABELS.get(label) or _city_labels().get(label)
    return None
