"""Dedupe cost at scale: one new article's dedupe + store, timed at 10k, 100k and 1M stored.

    python bench/dedup_scale.py [--backend sqlite|postgresql|both] [--max N] [--sample K]
                                [--budget SECONDS] [--explain]

What is timed, per article, at each checkpoint (K real operations, default 300): what
DedupeStage and StoreStage do for a new article — ``fingerprint(title, text)`` on a freshly
generated ~1,500-character article, then ``url_seen``, ``story_for_content`` and
``near_duplicates`` in one session (the "lookup"), then ``store_article`` in one
transaction (the "store", which repeats the lookup under its lock; no tags, no watchlists,
no raw HTML).
About 10% of the samples are near-copies (a source line, an editor line and a few sentences
changed) of an article stored just before, published within a day of it: those must be
found, and the detections are counted; a match for any other sample is a false match.

How the store is filled (synthesised, not crawled; computing real fingerprints for a
million articles would take hours):
* Articles have the columns a crawl writes: ~200 sources, canonical URLs, a title and a
  ~1,500-character text (75% Chinese, 25% English) joined from a bank of sentences made from
  a vocabulary of policy-news phrases and random figures, a random content hash,
  ``published_at`` spread evenly over two years in insertion order; raw_html is left empty.
* ~20% of the articles are copies that join an earlier story (2-6 copies within 3 days).
* Fingerprint rows borrow signature, figures, places and title key from a pool of real
  ``fingerprint()`` results; their 16 band keys are random 63-bit integers, distributed like
  the real blake2b keys; a story's copies share each band key of its first article with
  probability 1/2, so band keys repeat as they do among syndicated copies.
* Just before each checkpoint, 1,000 real articles are stored (generated texts, real
  fingerprints and content hashes, 20% of them near-copies of another) with the latest
  publication times: the near-copy samples are copies of these.
Rows go in with SQLAlchemy Core executemany (SQLite) or COPY (PostgreSQL), 5,000 articles
per transaction. Schemas come from the Alembic migrations. On PostgreSQL, ANALYZE runs
before each checkpoint (what autovacuum would do by then; without statistics the
lookup's plan becomes a sequential scan of fingerprints). The fill stops at ``--max`` or
after ``--budget`` seconds of filling per backend, and the output says which.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from scratch import scratch_database  # noqa: E402  (bench/scratch.py)
from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from provwatch.crawler.storage import repository  # noqa: E402
from provwatch.crawler.storage.db import open_database, transaction  # noqa: E402
from provwatch.crawler.storage.models import Article, Fingerprint, FingerprintBand, Story  # noqa: E402
from provwatch.pipelines.fingerprint import closest_story, fingerprint  # noqa: E402
from provwatch.pipelines.textnorm import content_hash  # noqa: E402

PG_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
CHECKPOINTS = (10_000, 100_000, 1_000_000)
BATCH = 5_000
REAL_PER_CHECKPOINT = 1_000
WARMUP = 10
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SPAN = timedelta(days=730)
DAY = 86_400
# story sizes of the filler: ~20% of articles are copies joining an earlier story
GROUP_SIZES, GROUP_WEIGHTS = (1, 2, 3, 4, 6), (85, 8, 4, 2, 1)
COLUMNS = {
    "stories": ("id", "first_article_id", "first_seen_at", "copy_count", "title"),
    "articles": ("id", "canonical_url", "url", "source_id", "title", "text", "lang", "author",
                 "charset", "published_at", "date_source", "date_precision", "fetched_at",
                 "content_hash", "fingerprint", "story_id", "raw_html", "meta"),
    "fingerprints": ("article_id", "story_id", "signature", "numbers", "places", "title_key",
                     "published_at"),
    "fingerprint_bands": ("band_key", "article_id", "published_at"),
}
TABLES = {"stories": Story.__table__, "articles": Article.__table__,
          "fingerprints": Fingerprint.__table__, "fingerprint_bands": FingerprintBand.__table__}

# --- the vocabulary of synthetic policy news ------------------------------------------

PROVINCES = {
    "广东省": "Guangdong", "浙江省": "Zhejiang", "江苏省": "Jiangsu", "山东省": "Shandong",
    "河南省": "Henan", "四川省": "Sichuan", "湖北省": "Hubei", "湖南省": "Hunan",
    "河北省": "Hebei", "福建省": "Fujian", "安徽省": "Anhui", "陕西省": "Shaanxi",
    "江西省": "Jiangxi", "辽宁省": "Liaoning", "云南省": "Yunnan", "山西省": "Shanxi",
    "贵州省": "Guizhou", "黑龙江省": "Heilongjiang", "吉林省": "Jilin", "甘肃省": "Gansu",
    "海南省": "Hainan", "青海省": "Qinghai", "北京市": "Beijing", "上海市": "Shanghai",
    "天津市": "Tianjin", "重庆市": "Chongqing", "广西壮族自治区": "Guangxi",
    "内蒙古自治区": "Inner Mongolia", "宁夏回族自治区": "Ningxia", "西藏自治区": "Tibet",
    "新疆维吾尔自治区": "Xinjiang",
}
PROVINCE_NAMES = tuple(PROVINCES)
LEAD_ZH = ("", "会议指出，", "会议强调，", "会议要求，", "据介绍，", "与此同时，", "下一步，",
           "此外，", "今年以来，", "截至目前，", "据统计，", "近年来，")
SCOPE_ZH = ("全省", "全市", "各地", "各级", "各有关部门", "省直各单位", "各市县", "全区")
AGENCY_ZH = ("人民政府", "发展改革委", "工业和信息化厅", "商务厅", "财政厅", "科技厅",
             "生态环境厅", "自然资源厅", "住房城乡建设厅", "交通运输厅", "农业农村厅",
             "文化和旅游厅", "卫生健康委", "市场监管局", "统计局", "能源局", "应急管理厅",
             "教育厅", "人力资源社会保障厅", "水利厅", "地方金融管理局", "数据局")
ACTION_ZH = ("召开", "印发", "部署", "推进", "落实", "加快", "强化", "深化", "优化", "完善",
             "推动", "组织开展", "研究部署", "专题调研", "统筹推进", "扎实推进", "全面落实",
             "持续深化", "谋划", "压实", "抓好", "健全", "培育", "支持")
TOPIC_ZH = ("高质量发展", "营商环境", "新型工业化", "乡村振兴", "数字经济", "生态环境保护",
            "安全生产", "招商引资", "重大项目建设", "科技创新", "新能源汽车", "低空经济",
            "人工智能", "先进制造业", "现代化产业体系", "城市更新", "民营经济", "对外开放",
            "消费升级", "稳外贸稳外资", "就业优先", "医疗卫生", "养老服务", "防汛抗旱",
            "耕地保护", "碳达峰碳中和", "新型储能", "氢能产业", "集成电路", "生物医药",
            "文旅融合", "水利工程", "交通基础设施", "职业教育", "数据要素", "金融服务实体经济",
            "绿色低碳转型", "县域经济", "海洋经济", "农产品质量安全", "专精特新企业",
            "跨境电商", "平台经济", "冰雪经济", "粮食安全", "土壤污染防治")
OBJECT_ZH = ("工作方案", "实施意见", "行动计划", "若干措施", "专项行动", "试点示范", "重点任务",
             "体制机制", "政策体系", "督查检查", "考核评价", "风险防控", "要素保障", "服务保障",
             "三年行动", "扶持政策", "标准体系", "项目清单")
GOAL_ZH = ("为推动高质量发展提供有力支撑", "确保各项任务落地见效", "切实增强人民群众获得感",
           "奋力谱写中国式现代化新篇章", "牢牢守住安全发展底线", "推动经济持续回升向好",
           "加快建设现代化经济体系", "更好服务构建新发展格局", "以实干实绩交出满意答卷",
           "形成上下联动工作合力")
KEY_ZH = ("重要抓手", "关键一招", "必由之路", "重要引擎", "基础支撑", "重中之重")
POST_ZH = ("省长", "副省长", "省委书记", "市长", "厅长", "局长", "主任", "秘书长")
WHEN_ZH = ("一季度", "上半年", "前三季度", "去年全年", "今年1至8月", "十四五以来", "近三年")
SURNAME_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_ZH = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲飞鹏辉建国志文斌宏"
OUTLET_ZH = ("新华社", "人民网", "南方日报", "浙江日报", "大众日报", "央广网", "中国新闻网")
WORDS_ZH = tuple(re.findall("..", (
    "企业项目产业园区市场政策资金服务创新技术人才平台建设改革开放合作交流发展规划管理制度"
    "标准质量安全环境生态绿色低碳能源电力交通物流港口铁路公路机场水利农业农村农民粮食"
    "种植养殖乡村文化旅游教育医疗卫生健康养老社保就业收入消费投资贸易出口外资金融银行"
    "保险证券税收财政预算债务土地住房城市社区街道基层治理法治执法监管检查整治督导考核"
    "数据信息网络数字智能芯片软件制造装备材料化工钢铁汽车电池光伏风电氢能储能医药器械"
    "科研高校院所实验成果转化专利品牌龙头链条集群配套要素用地用能审批流程办理窗口企业"
    "群众代表委员调研座谈部署推进落实协调保障支持培育引导鼓励规范提升加快深化完善优化"
    "重点重大关键核心基础长效系统综合全面有效稳步持续显著明显积极主动精准高效便捷公平")))
WORDS_EN = tuple((
    "enterprises projects industrial parks markets policies funds services innovation "
    "technology talent platforms construction reform cooperation planning management "
    "standards quality safety ecology energy power transport logistics ports railways "
    "highways airports agriculture villages farmers grain tourism education hospitals "
    "healthcare pensions employment income consumption investment exports finance banks "
    "insurance taxation budgets land housing communities governance supervision data "
    "networks chips software equipment materials chemicals steel vehicles batteries solar "
    "wind research universities patents brands clusters approvals residents surveys "
    "steady sustained notable key core basic comprehensive effective precise efficient "
    "local regional national rural urban coastal inland new modern green smart digital "
    "further faster broader deeper stronger better higher lower more several various"
).split())
LEAD_EN = ("", "Meanwhile,", "In addition,", "According to officials,", "So far this year,",
           "Going forward,", "At the meeting,", "In recent years,")
SCOPE_EN = ("province", "region", "city", "local", "county-level", "provincial")
AGENCY_EN = ("government", "development and reform commission", "department of commerce",
             "industry and information technology department", "finance department",
             "ecology and environment department", "transport department",
             "agriculture and rural affairs department", "health commission",
             "market regulation administration", "energy bureau", "science department")
ACTION_EN = ("accelerate", "promote", "strengthen", "deepen", "optimise", "implement",
             "roll out", "step up", "expand", "upgrade", "support", "coordinate")
TOPIC_EN = ("high-quality development", "the business environment", "new industrialisation",
            "rural revitalisation", "the digital economy", "environmental protection",
            "work safety", "investment promotion", "major project construction",
            "scientific innovation", "new energy vehicles", "the low-altitude economy",
            "artificial intelligence", "advanced manufacturing", "urban renewal",
            "the private economy", "opening-up", "consumption", "foreign trade", "employment",
            "elderly care", "flood control", "farmland protection", "carbon neutrality",
            "energy storage", "hydrogen", "integrated circuits", "biomedicine",
            "cultural tourism", "water conservancy", "vocational education", "data resources",
            "green transition", "the marine economy", "food security", "cross-border trade")
OBJECT_EN = ("work plans", "implementation guidelines", "action plans", "support measures",
             "pilot programmes", "key tasks", "institutional mechanisms", "policy frameworks",
             "inspections", "evaluation systems", "risk controls", "project lists")
GOAL_EN = ("sustain steady economic growth", "deliver tangible benefits to residents",
           "build a modern industrial system", "keep risks under control",
           "serve the new development pattern", "meet this year's targets")
KEY_EN = ("a key driver", "an essential foundation", "a top priority", "the main engine")
POST_EN = ("the provincial governor", "a vice governor", "the party secretary", "the mayor",
           "the head of the department", "the bureau director")
WHEN_EN = ("In the first quarter", "In the first half", "In the first three quarters",
           "Last year", "From January to August", "Over the past three years")
SURNAME_EN = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
              "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo")
GIVEN_EN = ("wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yong",
            "yan", "jie", "tao", "ming", "chao", "xiu", "xia", "ping", "gang", "hua", "yu",
            "hong", "ling", "fei", "peng", "hui", "jian", "guo", "zhi", "wen", "bin")
OUTLET_EN = ("Xinhua", "China Daily", "CGTN", "Global Times", "ECNS")


class Writer:
    """Articles, sentences and near-copies made from the vocabulary above."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def figure_zh(self) -> str:
        n = self.r.randint
        return self.r.choice((f"完成投资{n(12, 980)}.{n(1, 9)}亿元",
                              f"同比增长{n(2, 35)}.{n(0, 9)}%",
                              f"新增就业{n(2, 90)}.{n(1, 9)}万人", f"签约项目{n(12, 480)}个",
                              f"总投资{n(100, 9000)}亿元", f"惠及群众{n(10, 999)}万人次",
                              f"覆盖{n(10, 200)}个县（市、区）", f"发放补贴{n(100, 9999)}万元"))

    def figure_en(self) -> str:
        n = self.r.randint
        return self.r.choice((f"investment of {n(12, 980)}.{n(1, 9)} billion yuan",
                              f"a year-on-year rise of {n(2, 35)}.{n(0, 9)} percent",
                              f"{n(2, 90)},{n(100, 999)} new jobs", f"{n(12, 480)} signed projects",
                              f"subsidies of {n(100, 9999)} million yuan",
                              f"{n(10, 200)} counties covered"))

    def words_zh(self, low: int, high: int) -> str:
        return "".join(self.r.choices(WORDS_ZH, k=self.r.randint(low, high)))

    def sentence_zh(self, place: str) -> str:
        r, c = self.r, self.r.choice
        k = r.random()
        if k < 0.3:
            where = place if r.random() < 0.3 else c(SCOPE_ZH)
            return (f"{c(LEAD_ZH)}{where}{c(AGENCY_ZH)}{c(ACTION_ZH)}{c(TOPIC_ZH)}"
                    f"{c(OBJECT_ZH)}，{self.figure_zh()}。")
        if k < 0.75:
            return (f"{c(LEAD_ZH)}{self.words_zh(4, 9)}，{self.words_zh(3, 7)}，"
                    f"{self.figure_zh()}。")
        if k < 0.85:
            return f"要{c(ACTION_ZH)}{self.words_zh(2, 5)}，{c(GOAL_ZH)}。"
        name = c(SURNAME_ZH) + c(GIVEN_ZH) + c(GIVEN_ZH)
        return f"{name}{c(POST_ZH)}指出，{c(TOPIC_ZH)}是{self.words_zh(2, 5)}的{c(KEY_ZH)}。"

    def words_en(self, low: int, high: int) -> str:
        return " ".join(self.r.choices(WORDS_EN, k=self.r.randint(low, high)))

    def sentence_en(self, place: str) -> str:
        r, c = self.r, self.r.choice
        k = r.random()
        if k < 0.3:
            where = place if r.random() < 0.3 else c(SCOPE_EN)
            return (f"{c(LEAD_EN)} the {where} {c(AGENCY_EN)} will {c(ACTION_EN)} {c(TOPIC_EN)} "
                    f"{c(OBJECT_EN)}, with {self.figure_en()}.").lstrip()
        if k < 0.75:
            return (f"{c(LEAD_EN)} {self.words_en(4, 9)} {c(TOPIC_EN)}, {self.words_en(3, 7)} "
                    f"{self.figure_en()}.").lstrip().capitalize()
        if k < 0.85:
            return f"Officials pledged to {c(ACTION_EN)} {self.words_en(2, 5)} to {c(GOAL_EN)}."
        name = f"{c(SURNAME_EN)} {c(GIVEN_EN).title()}{c(GIVEN_EN)}"
        return f"{name}, {c(POST_EN)}, said {c(TOPIC_EN)} is {c(KEY_EN)} for {self.words_en(2, 5)}."

    def article(self, zh: bool, when: datetime) -> tuple[str, str]:
        r, c = self.r, self.r.choice
        place = c(PROVINCE_NAMES)
        size = r.randint(1350, 1650)
        if zh:
            title = f"{place}{c(ACTION_ZH)}{c(TOPIC_ZH)}{c(OBJECT_ZH)}"
            parts = [f"{when.month}月{when.day}日，{place}{c(AGENCY_ZH)}"
                     f"召开{c(TOPIC_ZH)}工作会议。"]
            while sum(map(len, parts)) < size:
                parts.append(self.sentence_zh(place))
            return title, "".join(parts)
        en = PROVINCES[place]
        title = f"{en} moves to {c(ACTION_EN)} {c(TOPIC_EN)} with new {c(OBJECT_EN)}"
        parts = [f"On {when:%B} {when.day}, the {en} government held a meeting on {c(TOPIC_EN)}."]
        while sum(map(len, parts)) + len(parts) < size:
            parts.append(self.sentence_en(en))
        return title, " ".join(parts)

    def near_copy(self, title: str, text: str, zh: bool) -> tuple[str, str]:
        """A syndicated copy: an outlet line, an editor line, one to three sentences redone."""
        r = self.r
        parts = [p for p in (text.split("。") if zh else text.split(". ")) if p]
        for _ in range(r.randint(1, 3) if zh else 1):
            i = r.randrange(1, len(parts))
            parts[i] = (self.sentence_zh("全省") if zh else self.sentence_en("province"))[:-1]
        if zh:
            name = r.choice(SURNAME_ZH) + r.choice(GIVEN_ZH)
            body = "。".join(parts) + "。"
            return title, f"（来源：{r.choice(OUTLET_ZH)}）{body}（责任编辑：{name}）"
        return title, f"{r.choice(OUTLET_EN)} -- " + ". ".join(parts)


# --- the fill -------------------------------------------------------------------------


def random_key(r: random.Random) -> int:
    return r.getrandbits(63) - (1 << 62)  # the range of a real band key


class Filler:
    """Batches of article, story and fingerprint rows, in insertion (= time) order."""

    def __init__(self, writer: Writer, target: int, donors: int = 500) -> None:
        self.w, self.r, self.target = writer, writer.r, target
        self.sources = [f"{en.lower().replace(' ', '')}-{kind}" for en in PROVINCES.values()
                        for kind in ("gov", "drc", "miit", "commerce", "daily", "news", "tv")]
        self.bank_zh = [writer.sentence_zh(self.r.choice(PROVINCE_NAMES)) for _ in range(20_000)]
        self.bank_en = [writer.sentence_en(self.r.choice(tuple(PROVINCES.values())))
                        for _ in range(8_000)]
        self.k_zh = round(1500 / statistics.mean(map(len, self.bank_zh)))
        self.k_en = round(1500 / (statistics.mean(map(len, self.bank_en)) + 1))
        self.donors = [self.fingerprint_row(*writer.article(self.r.random() < 0.75, T0))
                       for _ in range(donors)]

    @staticmethod
    def fingerprint_row(title: str, text: str) -> tuple:
        fp = fingerprint(title, text)
        return fp.signature, " ".join(sorted(fp.numbers)), " ".join(sorted(fp.places)), \
            fp.title_key[:500]

    def when(self, index: int) -> datetime:
        return T0 + SPAN * (index / self.target)

    def article_row(self, article_id: int, story_id: int, title: str, text: str, zh: bool,
                    at: datetime, chash: str) -> tuple:
        source = self.r.choice(self.sources)
        url = f"https://{source}.example.cn/{at:%Y%m}/t{at:%Y%m%d}_{article_id}.html"
        return (article_id, url, url, source, title, text, "zh" if zh else "en", None, "utf-8",
                at, "meta", "minute", at + timedelta(hours=2), chash, None, story_id, None, "{}")

    def batch(self, article_id: int, story_id: int, n: int) -> dict[str, list[tuple]]:
        r, end = self.r, article_id + n
        rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        while article_id < end:
            size = min(end - article_id, r.choices(GROUP_SIZES, GROUP_WEIGHTS)[0])
            first_at = self.when(article_id)
            first_keys = [random_key(r) for _ in range(16)]
            zh = r.random() < 0.75
            title = r.choice(self.bank_zh if zh else self.bank_en)[:40]
            rows["stories"].append((story_id, article_id, first_at, size, title))
            for j in range(size):
                at = first_at + timedelta(seconds=r.randint(60, 3 * DAY)) if j else first_at
                keys = [k if r.random() < 0.5 else random_key(r) for k in first_keys] if j \
                    else first_keys
                text = "".join(r.choices(self.bank_zh, k=self.k_zh)) if zh \
                    else " ".join(r.choices(self.bank_en, k=self.k_en))
                rows["articles"].append(self.article_row(
                    article_id, story_id, title, text, zh, at, f"{r.getrandbits(256):064x}"))
                rows["fingerprints"].append((article_id, story_id, *r.choice(self.donors), at))
                rows["fingerprint_bands"] += [(k, article_id, at) for k in dict.fromkeys(keys)]
                article_id += 1
            story_id += 1
        return rows

    def real_batch(self, article_id: int, story_id: int, n: int, frontier: datetime):
        """Real articles with real fingerprints, the latest published; 20% are copies."""
        r = self.r
        rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        stored: list[tuple[str, str, bool, datetime, int]] = []
        end = article_id + n
        while article_id < end:
            zh = r.random() < 0.75
            first_at = frontier - timedelta(seconds=r.randint(0, 2 * DAY))
            title, text = self.w.article(zh, first_at)
            size = min(end - article_id, r.choices((1, 2, 3), (84, 12, 4))[0])
            rows["stories"].append((story_id, article_id, first_at, size, title))
            for j in range(size):
                at = first_at + timedelta(seconds=r.randint(60, DAY)) if j else first_at
                copy_title, copy_text = self.w.near_copy(title, text, zh) if j else (title, text)
                fp = fingerprint(copy_title, copy_text)
                rows["articles"].append(self.article_row(article_id, story_id, copy_title,
                                                         copy_text, zh, at,
                                                         content_hash(copy_text)))
                rows["fingerprints"].append((
                    article_id, story_id, fp.signature, " ".join(sorted(fp.numbers)),
                    " ".join(sorted(fp.places)), fp.title_key[:500], at))
                rows["fingerprint_bands"] += [(k, article_id, at)
                                              for k in dict.fromkeys(fp.bands)]
                stored.append((copy_title, copy_text, zh, at, story_id))
                article_id += 1
            story_id += 1
        return rows, stored


class SqliteBulk:
    """Core executemany on its own engine: no fsync, a 1 GB page cache, no FK checks."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        event.listen(self.engine, "connect", self._pragmas)

    @staticmethod
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-1000000")
        cur.close()

    def next_ids(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            return tuple(conn.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))
                         for table in ("articles", "stories"))

    def write(self, rows: dict[str, list[tuple]]) -> None:
        with self.engine.begin() as conn:
            for table, cols in COLUMNS.items():
                values = [dict(zip(cols, row, strict=True)) for row in rows[table]]
                if table == "articles":
                    for v in values:
                        v["meta"] = {}
                if values:
                    conn.execute(insert(TABLES[table]), values)

    def settle(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()


class PostgresBulk:
    """COPY on one psycopg connection; sequences moved past the ids it wrote; ANALYZE."""

    def __init__(self, schema: str) -> None:
        self.conn = psycopg.connect(PG_DSN, options=f"-csearch_path={schema}", autocommit=True)
        self.conn.execute("SET synchronous_commit = off")

    def next_ids(self) -> tuple[int, int]:
        return tuple(self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
                     .fetchone()[0] for table in ("articles", "stories"))

    def write(self, rows: dict[str, list[tuple]]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            for table, cols in COLUMNS.items():
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)

    def settle(self) -> None:
        for table in ("articles", "stories"):
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))")
        self.conn.execute("ANALYZE articles, stories, fingerprints, fingerprint_bands")

    def close(self) -> None:
        self.conn.close()


# --- the measured operation -----------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    title: str
    text: str
    zh: bool
    published_at: datetime
    copy_of: int | None  # the story a near-copy must be found in


def make_samples(writer: Writer, recent: list, k: int, frontier: datetime) -> list[Sample]:
    r = writer.r
    out = []
    for title, body, zh, at, story in r.sample(recent, min(round(k / 10), len(recent))):
        copy_title, copy_text = writer.near_copy(title, body, zh)
        out.append(Sample(copy_title, copy_text, zh, at + timedelta(seconds=r.randint(60, DAY)),
                          story))
    while len(out) < k:
        zh = r.random() < 0.75
        at = frontier + timedelta(seconds=r.randint(0, 6 * 3600))
        out.append(Sample(*writer.article(zh, at), zh, at, None))
    r.shuffle(out)
    return out


class QueryTap:
    """Keeps the last near-duplicate lookup statement sent, for EXPLAIN."""

    def __init__(self, engine) -> None:
        self.last: tuple | None = None
        event.listen(engine, "before_cursor_execute", self.hook)

    def hook(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "fingerprint_bands" in statement:
            self.last = (statement, parameters)


def dedupe_and_store(sessions, sample: Sample, url: str, times: dict[str, list[float]]):
    """DedupeStage.process_item + StoreStage.process_item for one article, timed."""
    chash = content_hash(sample.text)  # NormaliseStage's work, not timed
    values = dict(canonical_url=url, url=url, source_id="bench", title=sample.title,
                  text=sample.text, lang="zh" if sample.zh else "en", author=None,
                  charset="utf-8", published_at=sample.published_at, date_source="meta",
                  date_precision="minute", fetched_at=sample.published_at + timedelta(hours=1),
                  content_hash=chash, raw_html=None, meta={})
    t0 = time.perf_counter()
    fp = fingerprint(sample.title, sample.text)
    t1 = time.perf_counter()
    with sessions() as session:
        if repository.url_seen(session, url):
            raise RuntimeError(f"{url} already stored")
        story = repository.story_for_content(session, chash)
        t2 = time.perf_counter()
        if story is None:
            story = closest_story(fp, repository.near_duplicate_candidates(
                session, fp.bands, sample.published_at))
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    with transaction(sessions) as session:
        # the store decides the story again inside its transaction (the lookup above is
        # the same queries timed alone)
        stored = repository.store_article(session, values, [], fingerprint=fp,
                                          closest=lambda c: closest_story(fp, c))
    t5 = time.perf_counter()
    for key, value in (("total", t5 - t0), ("dedupe", t4 - t0), ("fingerprint", t1 - t0),
                       ("lookup", t4 - t1),
                       ("near_duplicates", t3 - t2), ("store", t5 - t4)):
        times[key].append(value * 1000)
    return stored.story_id


def measure(sessions, tap: QueryTap, writer: Writer, recent: list, k: int,
            frontier: datetime, tag: str) -> dict:
    for i, sample in enumerate(make_samples(writer, [], WARMUP, frontier)):
        dedupe_and_store(sessions, sample, f"https://bench.example.cn/{tag}/warm{i}.html",
                         {key: [] for key in ("total", "dedupe", "fingerprint", "lookup",
                                              "near_duplicates", "store")})
    samples = make_samples(writer, recent, k, frontier)
    times: dict[str, list[float]] = {key: [] for key in ("total", "dedupe", "fingerprint", "lookup",
                                                         "near_duplicates", "store")}
    copies = detected = false_matches = 0
    query = None
    for i, sample in enumerate(samples):
        story = dedupe_and_store(sessions, sample, f"https://bench.example.cn/{tag}/{i}.html",
                                 times)
        if sample.copy_of is not None:
            copies += 1
            detected += story == sample.copy_of
            query = tap.last
        elif story is not None:
            false_matches += 1
    return dict(times=times, copies=copies, detected=detected, false_matches=false_matches,
                samples=len(samples), query=query, added=WARMUP + len(samples))


# --- output ---------------------------------------------------------------------------


def median_p95(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=20, method="inclusive")[18]


def report(result: dict) -> None:
    t = result["times"]
    med, p95 = median_p95(t["total"])
    lmed, lp95 = median_p95(t["lookup"])
    print(f"  at {result['stored']:,} stored: {result['samples']} articles, per article: "
          f"whole {med:.2f} ms median, {p95:.2f} ms p95 | lookup {lmed:.2f} / {lp95:.2f} | "
          f"near_duplicates {median_p95(t['near_duplicates'])[0]:.2f} | "
          f"fingerprint {median_p95(t['fingerprint'])[0]:.2f} | "
          f"store {median_p95(t['store'])[0]:.2f} (medians, ms)")
    print(f"  near-copies found in their story: {result['detected']}/{result['copies']}; "
          f"false matches among the other {result['samples'] - result['copies']}: "
          f"{result['false_matches']}")


def explain(engine, captured: tuple) -> None:
    statement, params = captured
    pg = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).fetchall()
    print("  plan of near_duplicates's query (for the last near-copy):")
    for row in rows:
        print("    " + str(row[0] if pg else row[-1]))


def summary(backend: str, results: list[dict], target: int) -> None:
    print(f"\n{backend}: per article (ms). dedupe = the dedupe stage's work: fingerprint + "
          "url/content/near-duplicate lookups; +store = with the store stage's transaction")
    print(f"  {'stored':>10} {'dedupe med':>10} {'p95':>7} {'lookup med':>10} "
          f"{'+store med':>10} {'p95':>7} {'dedupe ratio vs first (median / p95)':>37}")
    base_med, base_p95 = median_p95(results[0]["times"]["dedupe"])
    for r in results:
        med, p95 = median_p95(r["times"]["dedupe"])
        lmed, _ = median_p95(r["times"]["lookup"])
        tmed, tp95 = median_p95(r["times"]["total"])
        note = "  (fill budget reached)" if r["budget_hit"] else ""
        print(f"  {r['stored']:>10,} {med:>10.2f} {p95:>7.2f} {lmed:>10.2f} {tmed:>10.2f} "
              f"{tp95:>7.2f} {med / base_med:>26.2f} / {p95 / base_p95:.2f}{note}")
    last = results[-1]
    med = median_p95(last["times"]["dedupe"])[0]
    ratio = med / base_med
    verdict = "met" if ratio <= 2 and med < 5 else "NOT met"
    if last["stored"] < target or last["stored"] < CHECKPOINTS[-1]:
        print(f"  {CHECKPOINTS[-1]:,} stored was not reached (largest: {last['stored']:,}); "
              f"at that size: ratio {ratio:.2f}, median {med:.2f} ms")
    else:
        print(f"  target for the dedupe cost (1M within 2x of 10k, median < 5 ms): {verdict} "
              f"(ratio {ratio:.2f}, median {med:.2f} ms)")


# --- the run --------------------------------------------------------------------------


def run_checkpoints(backend: str, sessions, bulk, args) -> list[dict]:
    started = time.perf_counter()
    writer = Writer(20261122)
    filler = Filler(writer, args.max)
    print(f"  sentence bank and {len(filler.donors)} donor fingerprints: "
          f"{time.perf_counter() - started:.1f} s")
    tap = QueryTap(sessions.kw["bind"])
    stored, filled_s, results = 0, 0.0, []
    for goal in sorted({c for c in CHECKPOINTS if c < args.max} | {args.max}):
        began, first = time.perf_counter(), stored
        real = min(REAL_PER_CHECKPOINT, goal // 10)
        budget_hit = False
        next_article, next_story = bulk.next_ids()
        mark, mark_t = stored, began
        while stored < goal - real:
            if filled_s + time.perf_counter() - began >= args.budget:
                budget_hit = True
                break
            n = min(BATCH, goal - real - stored)
            rows = filler.batch(next_article, next_story, n)
            bulk.write(rows)
            next_article, next_story = next_article + n, next_story + len(rows["stories"])
            stored += n
            if stored - mark >= 100_000:
                now = time.perf_counter()
                print(f"  ... {stored:,} stored ({(stored - mark) / (now - mark_t):,.0f} "
                      f"articles/s lately)", flush=True)
                mark, mark_t = stored, now
        rows, recent = filler.real_batch(next_article, next_story, real,
                                         filler.when(stored + real))
        bulk.write(rows)
        stored += real
        bulk.settle()
        took = time.perf_counter() - began
        filled_s += took
        print(f"  filled {stored - first:,} articles in {took:.1f} s "
              f"({(stored - first) / took:,.0f} articles/s; {real:,} of them real, "
              f"fingerprinted); {stored:,} stored, fill time so far {filled_s:.0f} s", flush=True)
        if budget_hit:
            print(f"  FILL BUDGET of {args.budget:.0f} s USED UP at {stored:,} stored "
                  f"(checkpoint {goal:,} not reached): measuring at {stored:,} instead")
        result = measure(sessions, tap, writer, recent, args.sample, filler.when(stored),
                         f"{goal}")
        result.update(stored=stored, budget_hit=budget_hit)
        stored += result["added"]
        report(result)
        if args.explain and result["query"]:
            explain(sessions.kw["bind"], result["query"])
        results.append(result)
        sys.stdout.flush()
        if budget_hit:
            break
    return results


def run_backend(backend: str, args) -> list[dict]:
    print(f"\n== {backend} ==", flush=True)
    with scratch_database(backend, "dedup") as (url, schema):
        sessions = open_database(url)  # a fresh database, migrated by Alembic
        bulk = SqliteBulk(url) if backend == "sqlite" else PostgresBulk(schema)
        try:
            return run_checkpoints(backend, sessions, bulk, args)
        finally:
            bulk.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--max", type=int, default=1_000_000,
                        help="stored articles at the last checkpoint (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=300,
                        help="dedupe operations timed per checkpoint (default 300)")
    parser.add_argument("--budget", type=float, default=600,
                        help="seconds of filling per backend before measuring where it is")
    parser.add_argument("--explain", action="store_true",
                        help="print the lookup query's plan at each checkpoint")
    args = parser.parse_args(argv)
    if args.max < 1_000 or args.sample < 20:
        parser.error("--max must be at least 1000 and --sample at least 20")
    print("Synthesised fill: generated policy-news texts (75% Chinese, ~1,500 characters), "
          "random content hashes, fingerprints borrowed from 500 real ones with random band "
          "keys (copies share half their first article's keys); 1,000 real articles with real "
          "fingerprints stored just before each checkpoint. Timed: real fingerprint + "
          "url_seen + story_for_content + near_duplicates + store_article "
          f"per new article; {args.sample} per checkpoint, 10% near-copies.")
    results = {}
    for backend in (("sqlite", "postgresql") if args.backend == "both" else (args.backend,)):
        results[backend] = run_backend(backend, args)
    for backend, rows in results.items():
        summary(backend, rows, args.max)
    return 0


if __name__ == "__main__":
    sys.exit(main())
