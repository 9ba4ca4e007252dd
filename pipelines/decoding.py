"""Bytes to text, per response: the charset rules and nothing else.

Rule order:
1. a byte-order mark decides;
2. the HTTP header's charset, then the document's own declaration (an XML declaration's
   encoding, else a <meta> charset), each accepted only if it
   decodes the page strictly; but when UTF-8 also decodes a page with non-ASCII bytes,
   UTF-8 wins (its byte structure almost never validates by accident, while UTF-8 Chinese
   often also "decodes" as GB18030: a page declaring gb2312 but sent as UTF-8);
3. strict UTF-8, whatever was declared;
4. when something was declared: of the declared charsets and UTF-8, the one leaving the
   fewest broken bytes, if only a handful (a cut multi-byte tail, a stray byte); the broken
   bytes are dropped;
5. detection over the body: strict GB18030, then Big5-HKSCS; then a Western single-byte
   charset from the header (ISO-8859-1, windows-1252, ASCII), which on Chinese sites is
   the server's default far more often than the truth;
6. of UTF-8, GB18030 and Big5-HKSCS, the one leaving the fewest broken bytes, if a handful;
7. otherwise DecodeError: the page is refused rather than stored as mojibake.

GB2312 and GBK are decoded as GB18030, their superset.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# an XML declaration's encoding: feeds and XHTML pages declare their charset there
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "cp936": "gb18030", "big5": "big5hkscs", "utf8": "utf-8", "iso-8859-1": "cp1252",
            "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
_WEAK = {"cp1252", "latin_1", "iso8859-1", "ascii"}
_DETECT = ("utf-8", "gb18030", "big5hkscs")
_MAX_BROKEN = 0.002  # share of undecodable bytes tolerated


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
    """The charset the document declares: its XML declaration, else a <meta> tag."""
    m = _XML_DECL.match(body[:512]) or _META.search(body[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except UnicodeDecodeError:
        return None


def _least_broken(body: bytes, candidates: list[str]) -> tuple[str, str] | None:
    """(text without its broken bytes, charset) for the candidate leaving the fewest broken
    bytes, when that is only a handful."""
    best = None
    for enc in candidates:
        text = body.decode(enc, "replace")
        broken = text.count("\ufffd")
        if best is None or broken < best[0]:
            best = (broken, text, enc)
    if best and best[0] <= max(1, len(body) * _MAX_BROKEN):
        return best[1].replace("\ufffd", ""), best[2]
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, charset used); raise DecodeError naming what was tried."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(enc, "replace"), enc
    header, meta = _norm(header_charset(content_type)), _norm(meta_charset(body))
    weak = header if header in _WEAK else None
    declared = [enc for enc in dict.fromkeys([header if not weak else None, meta]) if enc]
    utf8 = _strict(body, "utf-8")
    for enc in declared:
        text = _strict(body, enc)
        if text is not None:
            if utf8 is not None and enc != "utf-8" and not body.isascii():
                return utf8, "utf-8"
            return text, enc
    if utf8 is not None:
        return utf8, "utf-8"
    found = _least_broken(body, list(dict.fromkeys([*declared, "utf-8"]))) if declared else None
    if found:
        return found
    tried = list(dict.fromkeys([*declared, *_DETECT]))
    for enc in _DETECT[1:]:
        text = _strict(body, enc)
        if text is not None:
            return text, enc
    if weak:
        tried.append(weak)
        text = _strict(body, weak)
        if text is not None:
            return text, weak
    found = _least_broken(body, list(_DETECT))
    if found:
        return found
    raise DecodeError(f"no charset decodes the page (tried {', '.join(tried)})")
