"""Policy-document metadata: 文号, 发文机关, 成文日期, 发布日期 (and 索引号, 主题分类).

A page is a policy document when it carries a 信息公开 metadata block (at least two of
索引号 / 发文机关 / 文号 / 成文日期 / 发布日期 as labels), or a document number
(豫政〔2026〕3号, brackets 〔〕[]【】() and （） all read as 〔〕), or a document-style headline
(关于印发…的通知, …实施意见, …行动方案, …办法, …规定, …决定, …通告, …批复, …规划).

Rule order per field: the labelled value in the metadata block; else, for the document
number, the first number in the headline or the first lines of the text; for the issuer
and the written date, the sign-off at the end of the text (an issuing body on one line,
its date on the next). A page where none of number, issuer, written date or index number
is found has no document metadata, whatever its headline.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from provwatch.pipelines.datetext import parse_date_text

_LABELS = {
    "index_no": r"索\s*引\s*号",
    "subject": r"主题分类|分\s*类",
    "issuer": r"发文机关|发布机构|发布机关|制发机关|发文单位|发布单位|成文单位",
    "number": r"发文字号|文\s*号|文件编号|发文编号",
    "written": r"成文日期|成文时间|印发日期|签发日期",
    "published": r"发布日期|发布时间|公开日期|公开时间|发文日期",
}
_LABEL = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()))
_ANY_LABEL = re.compile("(?:" + "|".join(_LABELS.values()) + r"|标\s*题|名\s*称|有\s*效\s*性|"
                        r"生效日期|废止日期|来\s*源)\s*[:：]")
_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,14})\s*[〔\[【(（]\s*((?:19|20)\d{2})\s*[〕\]】)）]"
                     r"\s*(\d{1,4})\s*号")
_DOC_TITLE = re.compile(r"关于印发.{1,60}的通知|(?:通知|实施意见|指导意见|意见|行动方案|实施方案|"
                        r"工作方案|办法|规定|条例|决定|通告|公告|批复|规划|细则|措施)"
                        r"(?:（试行）|\(试行\))?$")
_ISSUER = re.compile(r"^[\u4e00-\u9fff（）()、\s]{2,40}(?:人民政府|政府|委员会|办公厅|办公室|厅|局|"
                     r"部|院|署|委|会|中心|小组|公司|政府办)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PolicyDocument:
    number: str | None = None  # 文号, brackets normalised: 豫政〔2026〕3号
    issuer: str | None = None  # 发文机关
    written: str | None = None  # 成文日期, YYYY-MM-DD
    published: str | None = None  # 发布日期, YYYY-MM-DD
    index_no: str | None = None  # 索引号
    subject: str | None = None  # 主题分类

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def normalise_number(text: str) -> str | None:
    m = _NUMBER.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else None


def _day(text: str) -> str | None:
    got = parse_date_text(text)
    return got[0].strftime("%Y-%m-%d") if got else None


def labelled_fields(chunks: list[str]) -> dict[str, str]:
    """Label -> value from a block of label/value chunks (a table, a list, one line)."""
    found: dict[str, str] = {}
    text = "\n".join(_SPACE.sub(" ", c).strip() for c in chunks)
    for m in _LABEL.finditer(text):
        key = m.lastgroup
        assert key is not None  # every alternative of _LABEL is a named group
        rest = text[m.end():m.end() + 120]
        colon = re.match(r"\s*[:：]\s*", rest)
        if not colon and not rest.startswith("\n"):
            continue  # the word inside a sentence, not a label
        rest = rest[colon.end() if colon else 0:].lstrip("\n ")
        stop = _ANY_LABEL.search(rest)
        value = rest[:stop.start()] if stop else rest
        value = value.split("\n", 1)[0].strip(" ：:|")
        if value and key not in found and len(value) <= 80:
            found[key] = value
    return found


_BLOCK_LABELS = re.compile(r"索\s*引\s*号|发文机关|发布机构|成文日期|发布日期|发文字号|"
                           r"文\s*号|主题分类")
_LABEL_TEXT = re.compile(r"索|发文|发布|成文|文号|主题")  # a cheap first look
_CONTAINERS = {"table", "tbody", "ul", "ol", "dl", "div", "section"}


def _labels_in(el) -> int:
    return len(set(m.group(0) for m in _BLOCK_LABELS.finditer(el.text_content())))


def metadata_blocks(root) -> list:
    """The elements holding a 信息公开 metadata block (two labels or more, under 1,200
    characters each); the caller keeps them out of the body text."""
    blocks: list = []
    body = next(iter(root.xpath("//body")), None)  # lxml's HTML parser makes one
    if body is None or not _BLOCK_LABELS.search(body.text_content()):
        return blocks  # no label anywhere (most pages): no text node holds one either
    for text in body.xpath(".//text()"):
        if not _LABEL_TEXT.search(text) or not _BLOCK_LABELS.search(text):
            continue
        best, el = None, text.getparent()
        if any(b is el or b in el.iterancestors() for b in blocks):
            continue
        while el is not None and el.tag not in ("body", "html"):
            if el.tag in _CONTAINERS:
                size, found = len(el.text_content()), _labels_in(el)
                if size > 1200:
                    break
                if found >= 2 and (best is None or found > best[1]):
                    best = (el, found)
            el = el.getparent()
        if best:
            blocks.append(best[0])
    return blocks


def is_metadata_line(line: str) -> bool:
    """A line of the metadata block (索引号：… 发文机关：…) as it comes out of the body text."""
    labels = _ANY_LABEL.findall(line)
    return len(labels) >= 2 or (bool(labels) and line.startswith(labels[0]) and len(line) <= 80)


def _sign_off(lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, written day) from the last lines: 河南省人民政府 / 2026年1月5日."""
    tail = [ln.strip() for ln in lines[-8:] if ln.strip()]
    for i in range(len(tail) - 1, 0, -1):
        day = _day(tail[i]) if len(tail[i]) <= 24 else None
        if day and _ISSUER.match(tail[i - 1]):
            return _SPACE.sub("", tail[i - 1]), day
    return None, None


def find_document(title: str, chunks: list[str], text: str) -> PolicyDocument | None:
    """The document metadata of a policy document, or None for any other page."""
    fields = labelled_fields(chunks)
    block = sum(k in fields for k in ("index_no", "issuer", "number", "written", "published"))
    lines = text.splitlines()
    number = normalise_number(fields.get("number", "")) or fields.get("number")
    if not number:
        number = normalise_number(title) or normalise_number("\n".join(lines[:6]))
    if block < 2 and not number and not _DOC_TITLE.search(title.strip()):
        return None
    signed_by, signed_on = _sign_off(lines)
    document = PolicyDocument(
        number=number, issuer=fields.get("issuer") or signed_by,
        written=_day(fields.get("written", "")) or signed_on,
        published=_day(fields.get("published", "")),
        index_no=fields.get("index_no") if block >= 2 else None,
        subject=fields.get("subject") if block >= 2 else None,
    )
    if not (document.number or document.issuer or document.written or document.index_no):
        return None  # a document-style headline on a page that says nothing more
    return document
