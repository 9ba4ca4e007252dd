"""`ingest --warc`: archives written here with warcio, read back through the whole chain."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page
from conftest import make_config
from sqlalchemy import func, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provwatch.alerts.watchlist import validate
from provwatch.crawler.catalog.sources import parse_catalog
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.services.warc import SourceIndex, WarcError
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Delivery

ZHEJIANG = (
    "浙江出台海洋经济高质量发展若干措施",
    ["近日，浙江省人民政府印发推动海洋经济高质量发展的若干措施，提出建设世界一流强港和现代海洋产业体系。",
     "措施明确，宁波舟山港将扩大集装箱航线网络，支持海洋装备制造和海上风电项目加快建设。",
     "浙江还将设立海洋产业发展基金，引导社会资本投向海洋生物医药和深远海养殖。"],
)
# backfill: two January articles about Henan, older than any watchlist made today
HENAN_GRAIN = (
    "河南部署春季农业生产和粮食稳产工作",
    ["1月5日，河南省政府召开全省春季农业生产工作会议，部署小麦春管和粮食稳产增产工作。",
     "会议要求，各地要加强农田水利设施建设，做好病虫害防治，确保全年粮食产量稳定在1300亿斤以上。",
     "河南将继续推进高标准农田建设，支持种业企业开展小麦新品种研发和推广。"],
)
HENAN_RAIL = (
    "郑州至济南高铁河南段开通运营一周年客流稳步增长",
    ["记者从河南省发展改革委获悉，郑济高铁河南段开通运营一年来累计发送旅客超过一千万人次。",
     "濮阳等沿线城市与郑州形成一小时交通圈，带动文旅消费和产业协作。",
     "河南省将加快推进高铁网建设，完善以郑州为中心的米字形高速铁路网。"],
)
WARC_DATE = "2026-11-19T02:00:00Z"
HENAN_URL = "https://www.henan.gov.cn/2026/11-18/3101.html"
GX_URL = "http://news.gxzf.gov.cn/2026/1118/77.shtml"  # another host of the catalog's site
ZJ_URL = "https://news.example.cn/zj/2026/1118/5.html"  # in no catalog source
HAINAN_URL = "https://www.hainan.gov.cn/en/2026/11/12/news.html"


def _catalog(tmp_path: Path) -> str:
    sources = [
        {"id": "hn_gov", "name": "河南省人民政府·要闻", "kind": "listing",
         "urls": ["https://www.henan.gov.cn/ywdt/hnyw/"], "province": "henan",
         "language": "zh", "interval": "30m"},
        {"id": "gx_gov", "name": "广西壮族自治区人民政府", "kind": "feed",
         "urls": ["https://www.gxzf.gov.cn/rss/yw.xml"], "province": "guangxi",
         "language": "zh", "interval": "30m"},
    ]
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return str(path)


class Archive:
    """Writes records the way crawlers do; remembers where each record starts."""

    def __init__(self, stream, *, gz: bool) -> None:
        self.stream = stream
        self.writer = WARCWriter(stream, gzip=gz)
        self.offsets: list[int] = []

    def _write(self, record) -> None:
        self.offsets.append(self.stream.tell())
        self.writer.write_record(record)

    def response(self, url: str, body: bytes, content_type: str | None = "text/html; "
                 "charset=utf-8", *, status: str = "200 OK", date: str = WARC_DATE) -> None:
        headers = [("Content-Type", content_type)] if content_type else []
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        self._write(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date}))

    def raw_response(self, url: str, http_message: bytes) -> None:
        """A response as received on the wire: status line, headers, body as encoded."""
        self._write(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(http_message), length=len(http_message),
            warc_headers_dict={"WARC-Date": WARC_DATE}))

    def request(self, url: str) -> None:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])],
                                is_http_request=True)
        self._write(self.writer.create_warc_record(url, "request", http_headers=http))

    def revisit(self, url: str) -> None:
        http = StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1")
        self._write(self.writer.create_revisit_record(
            url, "sha1:UZY6ND6CCHXETFVJD2MSS7ZENMWF7KQ2", url, WARC_DATE, http_headers=http))

    def metadata(self, url: str) -> None:
        fields = b"outlink: https://www.henan.gov.cn/ L a/@href\r\n"
        self._write(self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields"))


def _chunked_gzip_response(html: str) -> bytes:
    """HTTP/1.1 with Content-Encoding gzip sent in two chunks, as many servers do."""
    data = gzip.compress(html.encode("utf-8"))
    half = len(data) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:half], data[half:]))
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")


def _write_archive(path: Path, *, gz: bool) -> Path:
    """Four articles among every kind of record an archive holds that is not one."""
    with path.open("wb") as f:
        archive = Archive(f, gz=gz)
        archive.writer.write_record(archive.writer.create_warcinfo_record(
            path.name, {"software": "provwatch tests", "format": "WARC File Format 1.1"}))
        archive.request(HENAN_URL)
        archive.response(HENAN_URL, page(*HENAN_NEV).encode("utf-8"))
        archive.metadata(HENAN_URL)
        # GBK, declared only in the HTTP header / only in a <meta> tag
        archive.response(GX_URL, page(*GUANGXI_AI, meta_charset=False).encode("gbk"),
                         "text/html; charset=GBK")
        archive.response(ZJ_URL, page(*ZHEJIANG, charset="gbk").encode("gbk"), "text/html")
        archive.response("https://www.henan.gov.cn/gone.html", b"<html>404</html>",
                         status="404 Not Found")
        archive.response("https://www.henan.gov.cn/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        archive.response("https://www.henan.gov.cn/a.pdf", b"%PDF-1.7", "application/pdf")
        archive.revisit(HENAN_URL)
        archive.raw_response(HAINAN_URL, _chunked_gzip_response(page(*ENGLISH_HAINAN)))
        big = page(*HENAN_NEV).replace("</body>", f"<!-- {'x' * 30_000} --></body>")
        archive.response("https://www.henan.gov.cn/big.html", big.encode("utf-8"))
    return path


SKIPPED = {"http_404": 1, "not_html": 2, "too_large": 1}


@pytest.mark.parametrize("name", ["pages.warc.gz", "pages.warc"])
def test_a_warc_stores_its_html_pages_and_counts_what_it_skips(tmp_path, database_url, name):
    config = make_config(tmp_path, database_url, catalog=_catalog(tmp_path),
                         max_page_bytes=20_000)
    path = _write_archive(tmp_path / name, gz=name.endswith(".gz"))

    report = ingest_service.ingest_warc(config, path)

    assert (report.read, report.stored, report.errors) == (8, 4, [])
    assert report.dropped == SKIPPED
    rows = {r["url"]: r for r in articles_service.list_articles(config)}
    assert set(rows) == {HENAN_URL, GX_URL, ZJ_URL, HAINAN_URL}
    henan, gx, zj, hainan = (rows[u] for u in (HENAN_URL, GX_URL, ZJ_URL, HAINAN_URL))
    assert (henan["title"], henan["source_id"], henan["charset"]) == (HENAN_NEV[0], "hn_gov",
                                                                      "utf-8")
    assert henan["published_at"] == "2026-11-18T01:30:00Z"
    assert henan["fetched_at"] == "2026-11-19T02:00:00Z"
    assert (gx["title"], gx["source_id"], gx["charset"]) == (GUANGXI_AI[0], "gx_gov", "gb18030")
    assert gx["provinces_about"] == ["guangxi"]
    assert (zj["title"], zj["source_id"], zj["charset"]) == (ZHEJIANG[0], "warc", "gb18030")
    assert hainan["title"] == ENGLISH_HAINAN[0] and hainan["source_id"] == "warc"
    texts = {u: articles_service.show_article(config, r["id"])["text"] for u, r in rows.items()}
    assert "中国—东盟人工智能合作中心" in texts[GX_URL]
    assert "宁波舟山港将扩大集装箱航线网络" in texts[ZJ_URL]
    assert "charging stations in Haikou and Sanya" in texts[HAINAN_URL]


def test_ingesting_the_same_archive_again_stores_nothing_new(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url, max_page_bytes=20_000)
    path = _write_archive(tmp_path / "pages.warc.gz", gz=True)

    first = ingest_service.ingest_warc(config, path)
    again = ingest_service.ingest_warc(config, path)

    assert (first.stored, again.read, again.stored) == (4, 8, 0)
    assert again.dropped == {**SKIPPED, "duplicate_url": 4}
    assert len(articles_service.list_articles(config)) == 4


def _three_pages(path: Path, *, gz: bool) -> list[int]:
    with path.open("wb") as f:
        archive = Archive(f, gz=gz)
        for n, article in enumerate((HENAN_NEV, GUANGXI_AI, ZHEJIANG), 1):
            archive.response(f"https://www.henan.gov.cn/2026/{n}.html",
                             page(*article).encode("utf-8"))
    return archive.offsets


def test_a_truncated_warc_gz_names_file_and_record_and_keeps_what_came_before(
        tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    path = tmp_path / "cut.warc.gz"
    offsets = _three_pages(path, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[:(offsets[2] + len(data)) // 2])  # half of the third record

    with pytest.raises(WarcError) as caught:
        ingest_service.ingest_warc(config, path)

    message = str(caught.value)
    assert message.startswith(f"{path}: record 3 at offset {offsets[2]}: truncated")
    assert "the 2 articles stored before it are kept" in message
    assert {r["title"] for r in articles_service.list_articles(config)} == {HENAN_NEV[0], GUANGXI_AI[0]}


def test_a_warc_cut_inside_a_record_header_or_not_a_warc_at_all_is_refused(tmp_path,
                                                                            sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    path = tmp_path / "cut.warc"
    offsets = _three_pages(path, gz=False)
    path.write_bytes(path.read_bytes()[:offsets[1] + 40])  # inside the second WARC header
    not_warc = tmp_path / "pages.jsonl"
    not_warc.write_text(json.dumps({"url": HENAN_URL, "html": "<p>x</p>"}) + "\n",
                        encoding="utf-8")

    with pytest.raises(WarcError, match=rf"^{path}: record 2 at offset {offsets[1]}: "):
        ingest_service.ingest_warc(config, path)
    with pytest.raises(WarcError, match=rf"^{not_warc}: record 1 at offset 0: not a valid WARC"):
        ingest_service.ingest_warc(config, not_warc)
    assert [r["title"] for r in articles_service.list_articles(config)] == [HENAN_NEV[0]]


def test_a_source_is_found_by_host_before_site_and_by_the_longest_path():
    catalog = parse_catalog({"sources": [
        {"id": id_, "name": id_, "kind": "feed", "urls": [url], "province": "henan",
         "language": "zh", "interval": 30}
        for id_, url in (("site", "https://www.henan.gov.cn/rss.xml"),
                         ("news", "https://news.henan.gov.cn/rss.xml"),
                         ("zwgk", "https://www.henan.gov.cn/zwgk/list.html"))]}, "test")
    index = SourceIndex(catalog)

    def found(url):
        source = index.find(url)
        return source.id if source else None

    assert found("http://henan.gov.cn/2026/1.html") == "site"  # www. is the same host
    assert found("https://www.henan.gov.cn/zwgk/2026/1.html") == "zwgk"
    assert found("https://news.henan.gov.cn/2026/1.html") == "news"
    assert found("https://hb.henan.gov.cn/2026/1.html") == "site"  # same site, other host
    assert found("https://www.zhengzhou.gov.cn/2026/1.html") is None  # another site
    assert found("not a url") is None


def _backfill(path: Path) -> Path:
    """A page from January, archived then: older than any watchlist made today."""
    with path.open("wb") as f:
        Archive(f, gz=True).response(
            "https://www.henan.gov.cn/2026/01-05/1.html",
            page(*HENAN_GRAIN, date="2026年01月05日").encode("utf-8"),
            date="2026-01-05T08:00:00Z")
    return path


@pytest.mark.parametrize("alert_old, owed", [(False, 0), (True, 1)])
def test_backfilled_articles_alert_only_when_asked(tmp_path, database_url, alert_old, owed):
    config = make_config(tmp_path, database_url)
    watchlists_service.add_watchlist(config, validate("henan", provinces=["henan"],
                                       channels=["email:a@example.test"]))  # created now

    report = ingest_service.ingest_warc(config, _backfill(tmp_path / "old.warc.gz"), alert_old=alert_old)

    assert report.stored == 1
    assert articles_service.list_articles(config)[0]["published_at"] == "2026-01-05T04:00:00Z"
    with open_database(config.database_url)() as session:
        assert session.scalar(select(func.count(Delivery.id))) == owed


# --- through the command ----------------------------------------------------------------


def _run(args: list[str], database_url: str, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=database_url, PROVWATCH_DATA_DIR=str(tmp_path),
               PROVWATCH_MAX_PAGE_BYTES="20000", PROVWATCH_LOG_LEVEL="warning")
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _deliveries(database_url: str) -> int:
    with open_database(database_url)() as session:
        return session.scalar(select(func.count(Delivery.id)))


def test_cli_ingest_warc_reads_several_archives_and_alerts_old_pages_with_alerts(
        tmp_path, sqlite_url):
    watchlists_service.add_watchlist(make_config(tmp_path, sqlite_url),
                      validate("henan", provinces=["henan"], channels=["email:a@example.test"]))
    pages = _write_archive(tmp_path / "pages.warc.gz", gz=True)
    plain = _write_archive(tmp_path / "again.warc", gz=False)
    old = _backfill(tmp_path / "old.warc.gz")
    lines = tmp_path / "old.jsonl"
    lines.write_text(json.dumps({"url": "https://www.henan.gov.cn/2026/01-05/2.html",
                                 "html": page(*HENAN_RAIL, date="2026年01月05日")}) + "\n",
                     encoding="utf-8")

    both = _run(["ingest", "--warc", str(pages), "--warc", str(plain)], sqlite_url, tmp_path)
    held = _deliveries(sqlite_url)
    alerted = _run(["ingest", "--warc", str(old), "--alerts"], sqlite_url, tmp_path)
    from_lines = _run(["ingest", str(lines), "--alerts"], sqlite_url, tmp_path)

    assert both.returncode == 0, both.stderr
    assert both.stdout.splitlines() == [
        f"{pages}: read 8 records, stored 4, dropped: http_404 1, not_html 2, too_large 1, "
        "bad records: 0",
        f"{plain}: read 8 records, stored 0, dropped: http_404 1, not_html 2, too_large 1, "
        "duplicate_url 4, bad records: 0"]
    assert held == 0  # the archived pages (2026-11-18) predate a watchlist made today
    assert alerted.returncode == 0, alerted.stderr
    assert f"{old}: read 1 records, stored 1" in alerted.stdout
    assert from_lines.returncode == 0, from_lines.stderr
    assert "read 1 pages, stored 1" in from_lines.stdout
    assert _deliveries(sqlite_url) == 2


def test_cli_ingest_warc_errors_are_one_line_naming_the_file(tmp_path, sqlite_url):
    missing = tmp_path / "nowhere.warc.gz"
    cut = tmp_path / "cut.warc.gz"
    offsets = _three_pages(cut, gz=True)
    cut.write_bytes(cut.read_bytes()[:offsets[2] + 30])

    gone = _run(["ingest", "--warc", str(missing)], sqlite_url, tmp_path)
    both = _run(["ingest", str(tmp_path / "x.jsonl"), "--warc", str(cut)], sqlite_url, tmp_path)
    broken = _run(["ingest", "--warc", str(cut)], sqlite_url, tmp_path)

    for result in (gone, both, broken):
        assert result.returncode == 1 and result.stderr.strip().count("\n") == 0, result.stderr
    assert f"provwatch: error: {missing}: cannot read: No such file or directory" in gone.stderr
    assert "not both" in both.stderr
    assert f"{cut}: record 3 at offset {offsets[2]}" in broken.stderr
    assert "the 2 articles stored before it are kept" in broken.stderr
