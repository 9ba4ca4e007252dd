"""Bytes to text, per response: BOM, then strict UTF-8, HTTP header, <meta> declaration,
then detection.

GB2312 and GBK are decoded as GB18030, their superset. A charset is accepted only if
it decodes the page strictly; a page no candidate decodes (allowing a handful of
broken bytes) is refused rather than stored as mojibake.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "big5": "big5hkscs", "utf8": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252"}
_DETECT = ("utf-8", "gb18030", "big5hkscs")
_MAX_BROKEN = 0.002  # share of undecodable bytes tolerated (a cut multi-byte tail, a stray byte)


class DecodeError(ValueError):
    pass


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER.search(content_type or "")
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META.search(body[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, charset used); raise DecodeError naming what was tried."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(enc, "replace"), enc
    declared = [_norm(header_charset(content_type)), _norm(meta_charset(body))]
    tried: list[str] = []
    # UTF-8 first: its byte structure almost never validates by accident, while UTF-8
    # Chinese often also "decodes" as GB18030 (a page declaring gb2312 but sent as UTF-8)
    for enc in ["utf-8", *declared, *_DETECT]:
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            return body.decode(enc), enc
        except UnicodeDecodeError:
            continue
    for enc in tried:
        text = body.decode(enc, "replace")
        if text.count("\ufffd") <= max(1, len(body) * _MAX_BROKEN):
            return text.replace("\ufffd", ""), enc
    raise DecodeError(f"no charset decodes the page (tried {', '.join(tried)})")
