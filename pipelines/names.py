"""Chinese personal and place names in pinyin, for the English meeting lines (issue 18).

``person_en``: surname first, then the given name joined and capitalised (王传福 →
"Wang Chuanfu"). Rules, in order:
1. A name holding anything but Han characters (a middle dot as in 买买提·艾力, Latin
   letters as in Tim Cook) is left as written: its romanisation is not pinyin's to guess.
2. A compound surname (欧阳, 司马, 诸葛 …) from the table below takes the first two
   characters; otherwise the first character is the surname.
3. A surname read differently as a surname (单 Shan, 曾 Zeng, 解 Xie, 仇 Qiu, 朴 Piao, 查 Zha,
   区 Ou, 乐 Yue …) takes its surname reading from the table; pypinyin has no surname mode
   (mozillazg/python-pinyin#120), so the table is ours. Every other character is
   pypinyin's reading, surname and given name converted apart so that no phrase spans them.
4. A syllable starting with a, o or e after another takes an apostrophe (Jian'an).

``place_en``: a prefecture's English name from the gazetteer (divisions.tsv, 郑州 and
郑州市 → Zhengzhou), else the place's pinyin joined and capitalised.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from provwatch.pipelines.tagging.gazetteer import DATA

COMPOUND_SURNAMES = {
    "欧阳": "Ouyang", "司马": "Sima", "诸葛": "Zhuge", "上官": "Shangguan", "东方": "Dongfang",
    "皇甫": "Huangfu", "尉迟": "Yuchi", "公孙": "Gongsun", "慕容": "Murong", "令狐": "Linghu",
    "长孙": "Zhangsun", "宇文": "Yuwen", "夏侯": "Xiahou", "司徒": "Situ", "司空": "Sikong",
    "端木": "Duanmu", "万俟": "Moqi", "单于": "Chanyu", "轩辕": "Xuanyuan", "南宫": "Nangong",
    "西门": "Ximen", "申屠": "Shentu", "澹台": "Tantai", "公冶": "Gongye", "钟离": "Zhongli",
    "闻人": "Wenren", "赫连": "Helian", "濮阳": "Puyang", "淳于": "Chunyu", "呼延": "Huyan",
}
SURNAMES = {  # surnames whose surname reading is not pypinyin's first reading
    "单": "Shan", "曾": "Zeng", "解": "Xie", "仇": "Qiu", "朴": "Piao", "查": "Zha", "区": "Ou",
    "乐": "Yue", "盖": "Ge", "缪": "Miao", "覃": "Qin", "翟": "Zhai", "朝": "Chao", "尉": "Yu",
    "秘": "Bi", "冼": "Xian", "种": "Chong", "繁": "Po", "员": "Yun", "召": "Shao", "长": "Chang",
    "重": "Chong", "宿": "Su", "折": "She", "适": "Kuo", "华": "Hua", "任": "Ren", "沈": "Shen",
    "曲": "Qu", "纪": "Ji", "过": "Guo", "隗": "Wei", "谌": "Chen", "卜": "Bu", "薄": "Bo",
    "柏": "Bai", "燕": "Yan", "殷": "Yin", "贾": "Jia", "万": "Wan", "阚": "Kan",
}
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def _syllables(text: str) -> str:
    out = ""
    for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=True):
        out += ("'" if out and s[:1] in "aoe" else "") + s
    return out


@lru_cache(maxsize=8192)
def person_en(name: str) -> str:
    """A person's name in pinyin, surname first ("" stays "")."""
    name = name.strip()
    if not _HAN.match(name) or len(name) == 1:
        return name if not _HAN.match(name) else _syllables(name).capitalize()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        surname, given = COMPOUND_SURNAMES[name[:2]], name[2:]
    else:
        surname = SURNAMES.get(name[0]) or _syllables(name[0]).capitalize()
        given = name[1:]
    return f"{surname} {_syllables(given).capitalize()}"


@lru_cache(maxsize=1)
def _prefectures() -> dict[str, str]:
    out: dict[str, str] = {}
    with (DATA / "divisions.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) == 5 and not row[0].startswith("#") and row[4]:
                out.setdefault(row[2], row[4])
                if row[3]:
                    out.setdefault(row[3], row[4])
    return out


@lru_cache(maxsize=4096)
def place_en(place: str) -> str:
    """A Chinese place name in English: the gazetteer's, else its pinyin, capitalised."""
    place = place.strip()
    if place in _prefectures():
        return _prefectures()[place]
    if not _HAN.match(place or "x"):
        return place
    return _syllables(place).capitalize()
