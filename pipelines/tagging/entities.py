"""People and organisations, kept as written.

People, in this order (a name found twice is kept once, first form wins):
1. Chinese, after a title: 2–3 characters (a foreign name with ·, up to 10) right after an
   official or business title (省委书记王晓晖, 国务院总理李强, 首席执行官帕特·基辛格), ending
   at punctuation, a digit (习近平23日), 同志, or an action verb of the family below; it
   starts with a common surname, holds a ·, or an action verb follows it.
2. Chinese, before an action verb: 2–3 characters starting with a common surname, at the
   start of a clause, right before 出席/前往/到/赴/调研/考察/视察/主持/会见/会谈/表示/
   强调/指出/参加/陪同/一同/发言/一行 (also after 等), or before 同志/总书记 (李强前往江苏,
   吴政隆参加上述会见, 易炼红同志, 习近平总书记); a 、-list of such names before the verb
   gives each (李干杰、何立峰、穆虹出席).
3. English: two or three capitalised words after a title (Governor Wang Kai, Chairman Wang
   Chuanfu), a Chinese form in brackets kept (Wang Xingxing (王兴兴)); title words and
   places inside the run are stripped ("Zhejiang Party Secretary Wang Hao" → Wang Hao).
4. English names holding a known Chinese surname (Luo Qingshan, Vincent Lau Chi-kin, Ethan
   Zhou) after a lower-case title or "said", or before an action verb (said, visited,
   inspected, presided, met, attended).
Words that are never names (以来, 多次, 同志, 记者, 全省) are dropped. The Chinese rules read
traditional text through its simplified form (鄧啟航 is found as 邓启航, kept as 鄧啟航).
Organisations are Chinese names ending in a company/university/institute suffix, and
English capitalised names ending in Group, Co., Ltd., University, Institute, Bank, Holdings,
Technologies or Motors.
"""

from __future__ import annotations

import re

from provwatch.pipelines.tagging.text import simplified

_ZH_TITLE = (r"(?:省委书记|省委副书记|省长|代省长|副省长|市委书记|市长|副市长|区委书记|总书记|"
             r"国家主席|副主席|主席|委员长|总理|副总理|国务委员|秘书长|党委书记|书记|董事长|总经理|总裁|"
             r"首席执行官|创始人|院长|校长|部长|局长|主任|行政长官|总统|首相|州长|会长|理事长|行长|"
             r"省领导|市领导)")
# what follows a name: an action verb family, 同志, a date, punctuation
_ACTION = (r"出席|前往|到|赴|调研|考察|视察|主持|会见|会谈|表示|强调|指出|讲话|参加|陪同|率|带队|"
           r"走访|慰问|看望|致辞|致信|介绍|通报|作|先后|发言|一同|一行|在")
_ZH_NAME = r"((?:[\u4e00-\u9fff]{2,3}?|[\u4e00-\u9fff]{1,5}·[\u4e00-\u9fff]{1,5}))"
_ZH_PERSON = re.compile(
    _ZH_TITLE + _ZH_NAME + r"(?=[，,、。；：\s\d０-９与和同等]|同志|" + _ACTION + ")")
_ZH_ACTION_NEXT = re.compile(r"同志|" + _ACTION.removesuffix("|在"))
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习栗郗仝尉")
# rule 2 is found from its verb, then read back: one pass for the verbs, not one per position
_ZH_VERB = re.compile(r"同志|总书记|出席|前往|到|赴|调研|考察|视察|主持|会见|会谈|表示|强调|"
                      r"指出|参加|陪同|一同|先后发言|发言|一行|等(?:陪同|参加|出席|一同)")
_VERB_FIRST = set("同总出前到赴调考视主会表强指参陪一先发等")  # what _ZH_VERB can start with
_CLAUSE_START = set("，,、。；：“”（）()\n\t \u3000")
_EN_TITLE = (r"(?:Governor|Party Secretary|Party chief|Mayor|Chairman|Chairwoman|President|"
             r"CEO|Founder|founder|chairman|Vice Governor|Secretary|Premier|Minister)")
_EN_PERSON = re.compile(_EN_TITLE + r"\s+((?:[A-Z][a-z]+)(?:\s[A-Z][a-z]+){1,6})"
                        r"(\s\([\u4e00-\u9fff]{2,4}\))?")
# words inside a capitalised run that are a title or a place, not a name
_EN_NOT_NAME = {"Party", "Secretary", "Provincial", "Municipal", "Committee", "Governor",
                "Mayor", "Vice", "Deputy", "Chairman", "President", "Premier", "Minister",
                "Chief", "Executive", "General", "Manager", "Director", "Acting", "Standing",
                "Prime", "Foreign", "Province", "City", "Government", "People",
                "Congress", "Chinese", "China", "Communist", "Central", "State", "Council", "Mr",
                "Ms", "Mrs", "Dr", "Professor"}
_EN_SURNAMES = set(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye "
    "Cheng Su Wei Lyu Lu Ding Ren Shen Yao Cui Zhong Tan Fan Jin Shi Liao Jia Xia Fu Fang Bai "
    "Zou Meng Xiong Qin Qiu Yin Xue Yan Duan Lei Hou Long Tao Gu Mao Hao Gong Shao Wan Qian Dai "
    "Mo Kong Xiang Wen Kang Niu Ge Xing An Qi Yi Qiao Pang Ni Zhuang Nie Yue Zhai Zhan Ou Geng "
    "Guan Lan Jiao Zuo Gan Bao Ning Shang Shu Ruan Ke Ji Mei Tong Ling Bi Shan Pei Huo Tu Miao "
    "Sheng Qu Weng Ran You Xin Chai Hua Pu Teng Rao Mu Ai Si Zhuo Jian Che Lian Mai Chu Lou Dou "
    "Cen Jing Dang Fei Bu Leng Xi Mi Zong Gui Quan Ying Zang Min Gou Bian Luan Sui Rong Kou Sang "
    "Lang Zhen Cong Ao Ming She Chi Zha Kuang Chan Leong Lau Ng Koh Lim Lee Wong Cheung Ho Chow "
    "Leung Tsang Yeung Kwok Lam Chu Yip Fung Tse Mak Choi Kwan Hui".split())
# a pinyin name (Luo Qingshan, Lau Chi-kin) vouched for by a lower-case title before it, "said"
# before it, or an action verb after it
_EN_GIVEN = r"[A-Z][a-z]+(?:-[a-z]+)?"
# (?<!\w[A-Z]) after the capital is \b before it, placed so the regex engine can skip to
# capitals: a leading \b makes it try every position
_EN_RUN = re.compile(r"(?P<surname>[A-Z](?<!\w[A-Z])[a-z]+)\s" + _EN_GIVEN + r"(?:\s" + _EN_GIVEN
                     + r")?")
_EN_BEFORE = re.compile(
    r"\b(?:said|says|director|governor|mayor|chairman|chairwoman|secretary|founder|president|"
    r"spokesperson|spokesman|spokeswoman|head|manager|professor|economist|analyst|researcher|"
    r"engineer|deputy|chief|executive|official|minister|leaders?)\s+$")
_EN_AFTER = re.compile(
    r"\s(?:said|says|visited|inspected|investigated|presided|met|meets|attended|chaired|told|"
    r"noted|stressed|urged|called|added|explained|led|announced|pointed|hosted)\b|"
    r",\s(?:the\s)?(?:[Pp]arty|[Gg]overnor|[Mm]ayor|[Cc]hairman|[Dd]irector|[Ss]ecretary|[Vv]ice|"
    r"[Dd]eputy|[Hh]ead|CEO|[Ff]ounder|[Pp]resident|[Gg]eneral)\b")
_LATIN_NAME = re.compile(r"[A-Z][a-z]+\s[A-Z]")
_EN_PLACES = {"Hong Kong", "Macao", "Macau", "Hainan Airlines"}
_ZH_ORG_END = re.compile(r"股份有限公司|有限公司|集团|大学|研究院|研究所|实验室|银行|公司")
# an organisation's name runs left from its suffix to the first verb, preposition or mark
_ZH_BOUNDARY = set("与和同在及为是对向由从的了、，。；：“”《》（）()见访赴到于将并等率任")
# a suffix after a word boundary (checked by _WORD_CHAR on the character before, so the
# regex engine can skip to the suffixes' first letters)
_EN_ORG_END = re.compile(r"(?:Group|Co\.|Ltd\.?|University|Institute|Bank|Holdings|"
                         r"Technologies|Technology|Motors|Corp\.?|Corporation|Inc\.?)")
_WORD_CHAR = re.compile(r"\w")
_EN_NAME_WORD = re.compile(r"(?:[A-Z][A-Za-z&\-]+\s){1,6}$")
_NOT_PERSON = set("我省我市全省本市记者通讯员同志")
_NOT_FIRST = set("在于到赴对与和同及等就向从为主会表指强出一带率并日的去今")
_NOT_LAST = set("会部省市厅局委信后并")
_NOT_NAME = {"以来", "多次", "重要", "期间", "一行", "同志", "问好", "座谈", "来了", "并共同",
             "近日", "日前", "文件", "安徽"}
_ORG_STARTS = re.compile(r"^(?:与|和|同|在|对|是|为|向|将|并|及|等|了|的|由|从|省|市)+")


def _en_name(run: str) -> str | None:
    """The name at the end of a capitalised run after a title: the words after the last
    title word or place, two or three of them."""
    words = run.split()
    cut = max((i + 1 for i, w in enumerate(words) if w in _EN_NOT_NAME), default=0)
    name = words[cut:cut + 3]
    return " ".join(name) if len(name) >= 2 else None


def _zh_name_ok(name: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in name) and name[0] in _SURNAMES \
        and name[-1] not in _NOT_LAST and name not in _NOT_NAME and not (set(name) & _NOT_PERSON)


def people(text: str, simple: str | None = None) -> list[str]:
    """``simple``: ``text`` already folded to simplified characters, when the caller has it."""
    found: dict[str, None] = {}
    # Chinese rules read the simplified form (鄧啟航 as 邓启航) and keep the name as written
    zh = simplified(text) if simple is None else simple
    if len(zh) != len(text):
        zh = text
    for m in _ZH_PERSON.finditer(zh):
        name = m.group(1)
        # a Chinese surname, a foreign name (·), or an action verb next vouches for it
        plausible = name[0] in _SURNAMES or "·" in name or _ZH_ACTION_NEXT.match(zh, m.end())
        if plausible and not (set(name) & _NOT_PERSON) and name[0] not in _NOT_FIRST \
                and name[-1] not in _NOT_LAST and name not in _NOT_NAME:
            found[text[m.start(1):m.end(1)]] = None
    verbs = [m.start() for m in _ZH_VERB.finditer(zh)]
    # 李强调研: the match 强调 hides the verb 调研 that starts one character later
    verbs += [v + 1 for v in verbs if zh[v + 1:v + 2] in _VERB_FIRST and _ZH_VERB.match(zh, v + 1)]
    for verb in verbs:
        for start in (verb - 2, verb - 3):
            name = zh[max(0, start):verb]
            if start >= 0 and (start == 0 or zh[start - 1] in _CLAUSE_START) \
                    and all("\u4e00" <= c <= "\u9fff" for c in name):
                if _zh_name_ok(name):
                    found.setdefault(text[start:verb], None)
                    # a list of names before the verb: 李干杰、何立峰、穆虹出席
                    while start > 0 and zh[start - 1] == "、":
                        for size in (2, 3):
                            first = start - 1 - size
                            if first >= 0 and (first == 0 or zh[first - 1] in _CLAUSE_START) \
                                    and _zh_name_ok(zh[first:start - 1]):
                                found.setdefault(text[first:start - 1], None)
                                start = first
                                break
                        else:
                            break
                break
    if not _LATIN_NAME.search(text):  # no two capitalised words: no English name
        return list(found)
    for m in _EN_RUN.finditer(text):
        words = m.group().split()
        while words and words[0] in _EN_NOT_NAME:
            words.pop(0)  # Governor Liang Shuhe: the title is not the name
        if len(words) >= 2 and any(w in _EN_SURNAMES for w in words) \
                and " ".join(words) not in _EN_PLACES and (
                _EN_AFTER.match(text, m.end()) or _EN_BEFORE.search(text, max(0, m.start() - 16),
                                                                    m.start())):
            name = " ".join(words)
            if not any(name in known for known in found):
                found[name] = None
    for m in _EN_PERSON.finditer(text):
        name = _en_name(m.group(1))
        if name:
            found[name + (m.group(2) if m.group(1).endswith(name) and m.group(2) else "")] = None
    return list(found)


def orgs(text: str) -> list[str]:
    found: dict[str, None] = {}
    for m in _ZH_ORG_END.finditer(text):
        start = m.start()
        while start > 0 and m.end() - start < 16 and "\u4e00" <= text[start - 1] <= "\u9fff" \
                and text[start - 1] not in _ZH_BOUNDARY:
            start -= 1
        name = _ORG_STARTS.sub("", text[start:m.end()])
        if len(name) >= 4:
            found[name] = None
    for m in _EN_ORG_END.finditer(text):
        if m.start() and _WORD_CHAR.match(text, m.start() - 1):
            continue
        # the capitalised words just before the suffix name the organisation
        words = _EN_NAME_WORD.search(text, max(0, m.start() - 60), m.start())
        if words:
            found[(words.group() + m.group()).strip()] = None
    return list(found)
