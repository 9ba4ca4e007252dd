"""Build pipelines/tagging/data/divisions.tsv from a maintained list of divisions.

Source: the ``adcodes.csv`` table shipped in the PyPI package ``cpca`` (MIT; national
administrative division codes with names, 3,500 rows). cpca needs pandas at run time, so
provwatch does not depend on it: this script reads the table straight from its wheel and
writes a small TSV that the tagger loads. English names are pinyin from ``pypinyin`` with
the customary spellings of pipelines/tagging/data/aliases.yaml taking precedence.

    pip download --no-deps -d /tmp/cpca cpca==0.5.5
    python tools/build_gazetteer.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from pypinyin import lazy_pinyin

OUT = Path(__file__).resolve().parent.parent / "pipelines" / "tagging" / "data" / "divisions.tsv"
PROVINCE_CODES = {
    "11": "beijing", "12": "tianjin", "13": "hebei", "14": "shanxi", "15": "inner_mongolia",
    "21": "liaoning", "22": "jilin", "23": "heilongjiang", "31": "shanghai", "32": "jiangsu",
    "33": "zhejiang", "34": "anhui", "35": "fujian", "36": "jiangxi", "37": "shandong",
    "41": "henan", "42": "hubei", "43": "hunan", "44": "guangdong", "45": "guangxi",
    "46": "hainan", "50": "chongqing", "51": "sichuan", "52": "guizhou", "53": "yunnan",
    "54": "tibet", "61": "shaanxi", "62": "gansu", "63": "qinghai", "64": "ningxia",
    "65": "xinjiang", "71": "taiwan", "81": "hong_kong", "82": "macau",
}
_ETHNIC = re.compile(
    r"(?:(?:朝鲜|蒙古|藏|羌|彝|苗|侗|土家|布依|哈尼|傣|景颇|白|傈僳|壮|回|哈萨克|柯尔克孜|维吾尔|黎|"
    r"畲|瑶|仫佬|毛南|仡佬|水|纳西|拉祜|佤|布朗|阿昌|普米|怒|独龙|德昂|基诺|门巴|珞巴|土|撒拉|保安|"
    r"东乡|裕固|锡伯|塔吉克|满|达斡尔|鄂温克|鄂伦春|俄罗斯|乌孜别克|塔塔尔|京|赫哲|各)族?)+(?=自治)")
PROVINCE_NAMES = {
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江",
    "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港",
    "澳门", "台湾",
}
_SUFFIX = re.compile(r"(自治州|自治县|自治旗|地区|林区|特区|新区|市|盟|县|区|旗)$")
# short forms that are ordinary words: a county-level city named so needs its suffix
STOP_SHORTS = {
    "江山", "东方", "安宁", "龙井", "普洱", "和平", "长安", "新民", "永安", "福安", "南安",
    "长乐", "开平", "信宜", "兴义", "太仓", "丰城", "高安", "海门", "启东", "平湖", "海宁",
    "大安", "集安", "延吉", "临江", "龙口", "青州", "都匀", "凯里", "阿尔山", "满洲里",
    "北流", "合山", "东兴", "万宁", "乐昌", "恩平", "英德", "华阴", "兴平", "彬州", "韩城",
    "灵武", "合作", "和田", "阿勒泰", "双河", "可克达拉", "胡杨河", "新星", "白杨", "昆玉",
    "铁门关", "图木舒克", "五家渠", "北屯", "石河子", "阿拉尔", "华蓥", "峨眉山", "简阳",
    "安达", "海林", "宁安", "穆棱", "东宁", "五常", "尚志", "北安", "五大连池", "嫩江",
    "同江", "富锦", "抚远", "密山", "虎林", "铁力", "漠河", "海伦", "肇东", "扶余", "大石桥",
    "盖州", "开原", "调兵山", "凌源", "北票", "新乐", "晋州", "辛集", "定州", "安国",
    "高碑店", "涿州", "霸州", "三河", "黄骅", "泊头", "任丘", "河间", "深州", "南宫",
    "沙河", "武安", "平泉", "遵化", "迁安", "滦州", "古交", "高平", "介休", "孝义", "汾阳",
    "侯马", "霍州", "河津", "永济", "原平", "怀仁", "明光", "天长", "界首", "宁国", "广德",
    "无为", "潜山", "桐城", "巢湖", "长丰", "福清", "石狮", "晋江", "龙海", "漳平", "邵武",
    "武夷山", "建瓯", "福鼎", "瑞金", "井冈山", "共青城", "庐山", "贵溪", "德兴", "樟树",
    "新余", "安源", "乐平", "白银", "北海", "中山", "红河",
}


def provinces_of(rows):
    for code, name in rows:
        yield code, name, PROVINCE_CODES.get(code[:2])


def short_of(name: str) -> str:
    stem = _ETHNIC.sub("", name)
    return _SUFFIX.sub("", stem)


def english(short: str) -> str:
    return "".join(lazy_pinyin(short)).capitalize()


def build(wheel: str) -> list[tuple[str, str, str, str, str]]:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("cpca/resources/adcodes.csv").decode("utf-8")
    rows = [(r["adcode"], r["name"]) for r in csv.DictReader(io.StringIO(text))]
    out = []
    short_homes: dict[str, set[str]] = defaultdict(set)
    parsed = []
    for code, name, prov in provinces_of(rows):
        if prov is None or code[2:] == "0" * 10 or len(name) < 3 or "直辖" in name:
            continue  # the province itself, and grouping rows such as 县 / 市辖区
        level = "prefecture" if code[4:] == "0" * 8 else "county"
        if level == "county" and code[6:] != "0" * 6:
            continue
        short = short_of(name)
        parsed.append((prov, level, name, short))
        short_homes[short].add(prov)
    full_homes: dict[str, set[str]] = defaultdict(set)
    for prov, _, name, _ in parsed:
        full_homes[name].add(prov)
    for prov, level, name, short in parsed:
        if len(full_homes[name]) > 1 or len(name) < 3 and level == "county":
            continue  # the same county name in two provinces proves nothing
        usable = (len(short) >= 2 and len(short_homes[short]) == 1 and short not in STOP_SHORTS
                  and short not in PROVINCE_NAMES
                  and (level == "prefecture" or name.endswith("市")))
        en = english(short) if usable else ""
        out.append((prov, level, name, short if usable else "", en))
    return sorted(set(out))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = build(argv[1])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        f.write(f"# built {date.today().isoformat()} by tools/build_gazetteer.py from "
                f"{Path(argv[1]).name} (cpca adcodes.csv, MIT)\n")
        f.write("# province\tlevel\tname\tshort (usable alone)\tpinyin\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} divisions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
