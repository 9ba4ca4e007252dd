"""Charset rules (pipelines/decoding.py): header vs meta, undeclared GBK, broken bytes.

The basic cases live in test_pipelines_pure.py; this table covers each rule of the order.
"""

from __future__ import annotations

import pytest

from provwatch.pipelines.decoding import DecodeError, decode_html

PARA = ("近日，河南省人民政府办公厅印发《河南省制造业高质量发展行动方案》，提出到2027年全省制造业"
        "增加值占生产总值比重保持稳定，重点产业链竞争力明显增强。") * 3


def page(meta: str | None, text: str = PARA, title: str = "行动方案") -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>{title}</title></head><body><p>{text}</p></body></html>"


_GBK_AS_META = page("gb2312").encode("gbk")
_UTF8_AS_META = page("utf-8").encode("utf-8")


@pytest.mark.parametrize(
    ("body", "content_type", "charset"),
    [
        pytest.param(page("gbk").encode("gbk"), "text/html; charset=utf-8", "gb18030",
                     id="header says utf-8 but the bytes are the gbk the meta declares"),
        pytest.param(page("gbk").encode("utf-8"), "text/html; charset=gbk", "utf-8",
                     id="header and meta say gbk but the bytes are UTF-8"),
        pytest.param(page("utf-8").encode("gbk"), "text/html; charset=gbk", "gb18030",
                     id="header gbk beats a wrong utf-8 meta"),
        pytest.param(page(None).encode("gbk"), None, "gb18030",
                     id="undeclared GBK is detected"),
        pytest.param(page(None).encode("gbk"), "text/html; charset=ISO-8859-1", "gb18030",
                     id="a latin-1 server default header loses to detected GBK"),
        pytest.param(page("gbk").encode("gbk"), "text/html; charset=ISO-8859-1", "gb18030",
                     id="a latin-1 header loses to the gbk meta"),
        pytest.param(page("gb2312", "朱镕基考察河南" + PARA).encode("gb18030"), None, "gb18030",
                     id="gb2312 declared, a GBK-only character decodes as GB18030"),
        pytest.param(page("big5", "河南省發布行動方案，推動製造業發展。" * 3, "行動方案").encode(
            "big5"), None, "big5hkscs", id="declared Big5"),
        pytest.param(b"\xef\xbb\xbf" + page("gbk").encode("utf-8"), "text/html; charset=gbk",
                     "utf-8", id="a UTF-8 byte-order mark decides"),
    ],
)
def test_decode_html_picks_the_charset(body, content_type, charset):
    text, used = decode_html(body, content_type)
    assert used == charset
    assert "河南省" in text


@pytest.mark.parametrize(
    ("body", "content_type", "charset"),
    [
        pytest.param(_GBK_AS_META[:-30] + b"\xd6" + _GBK_AS_META[-30:], None, "gb18030",
                     id="GBK with a cut double-byte character"),
        pytest.param(_UTF8_AS_META.replace(b"<p>", b"<p>\xe6\xb2"), None, "utf-8",
                     id="UTF-8 with a cut three-byte character"),
        pytest.param(page("gb2312").encode("utf-8").replace(b"<p>", b"<p>\xff"), None, "utf-8",
                     id="UTF-8 declaring gb2312 with a stray byte stays UTF-8"),
    ],
)
def test_a_handful_of_broken_bytes_are_dropped_not_turned_into_mojibake(body, content_type,
                                                                          charset):
    text, used = decode_html(body, content_type)
    assert used == charset
    assert PARA[:20] in text and "\ufffd" not in text


def test_a_page_with_many_broken_bytes_is_refused():
    good = page("utf-8").encode("utf-8")
    body = b"".join(good[i:i + 20] + b"\xff\xfe" for i in range(0, len(good), 20))
    with pytest.raises(DecodeError, match="no charset decodes the page"):
        decode_html(body, "text/html; charset=utf-8")


def test_an_undecodable_page_names_what_was_tried():
    with pytest.raises(DecodeError, match=r"tried gb18030, utf-8, big5hkscs"):
        decode_html(b"<meta charset=gbk>" + b"\x80\xff" * 300, None)
