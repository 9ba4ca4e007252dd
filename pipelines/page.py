"""A decoded page parsed once: the tree every extraction rule reads, its text, selectors."""

from __future__ import annotations

import re
import threading

import lxml.html
from cssselect import SelectorError
from lxml import etree

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SKIP = frozenset({"script", "style", "noscript", "select", "option", "textarea", "head",
                   "title", "template"})


_LOCAL = threading.local()  # an lxml parser serves one thread at a time


def _parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, but every element an ``HtmlElement`` chosen in C: lxml.html's own
    lookup is a Python method called each time an element is touched (a third of a million
    calls for 77 pages); the special form classes it would pick are never used here."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    return parser


def parse_html(html: str):
    """The page as an lxml <html> element; never raises (an empty page is an empty body)."""
    html = _XML_DECL.sub("", html, count=1)
    try:
        return (lxml.html.document_fromstring(html, parser=_parser()) if html.strip()
                else _empty())
    except (etree.ParserError, ValueError):
        return _empty()


def _empty():
    return lxml.html.document_fromstring("<html><body></body></html>")


def css_select(root, selector: str) -> list:
    """Elements (or strings) matched by a catalog selector: CSS, or XPath when it starts
    with / or ( or ./."""
    try:
        if selector.lstrip().startswith(("/", "(", "./")):
            found = root.xpath(selector)
            return found if isinstance(found, list) else [found]
        return root.cssselect(selector)
    except (etree.XPathError, SelectorError, ValueError):
        return []


def select_text(root, selector: str) -> str:
    parts = [x.text_content() if hasattr(x, "text_content") else str(x)
             for x in css_select(root, selector)]
    return " ".join(p.strip() for p in parts if p and p.strip())


def text_chunks(root, skip=None, marks=()) -> tuple[list[str], dict]:
    """The page's text runs in document order (scripts, styles and any element for which
    ``skip(el)`` is true left out), and for each element of ``marks`` the chunk index where
    it ends and where it starts: ``where["end", id(el)]``, ``where["start", id(el)]``)."""
    chunks: list[str] = []
    where: dict = {}
    wanted = {id(el): el for el in marks if el is not None}
    stack = [(root, False)]
    # each read of an lxml property (tag, text, tail) makes a new string: read each once
    while stack:
        el, ended = stack.pop()
        if ended:
            if id(el) in wanted:
                where["end", id(el)] = len(chunks)
            tail = el.tail
            if tail and (tail := tail.strip()):
                chunks.append(tail)
            continue
        stack.append((el, True))
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP or (
                skip is not None and id(el) not in wanted and skip(el)):
            continue
        if id(el) in wanted:
            where["start", id(el)] = len(chunks)
        text = el.text
        if text and (text := text.strip()):
            chunks.append(text)
        stack.extend((child, False) for child in reversed(el))
    return chunks, where
