"""The main block of a Chinese page, found ahead of trafilatura.

trafilatura then reads the article and not the table layout around it. Rules, in order:
1. Prose is a text run (outside links) of at least 10 characters holding sentence
   punctuation (，。；！？、：“” or an ASCII , . ; ! ? before a space); links inside such a run
   count as prose, other links as link text; anything else is other text.
2. Furniture (pipelines.boilerplate: navigation, share bars, related links, comments,
   sidebars, footers) is pruned, unless it holds the headline or half the page's prose
   (a mislabelled article container).
3. A known platform body container that holds at least half the page's prose is the main
   block: TRS WCM (div.TRS_Editor, .TRS_UEDITOR, .trs_editor_view), Hanweb (#zoom), gov.cn
   (#UCAP-CONTENT, .pages_content), people.com.cn (.rm_txt_con), xinhuanet/news.cn
   (#detail, #detailContent), chinanews (.left_zw).
4. Otherwise, from <body>, step down into the child that holds at least 60% of the page's
   prose while there is one: the deepest element holding most of the prose.
5. Step back up while an ancestor adds at least one part prose to two parts other and link
   text (an article whose list-like second half sits beside the first); wrappers adding
   nothing are passed through.
6. A page with under 50 characters of prose has no main block (<body> is used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from provwatch.pipelines.boilerplate import is_furniture

_PUNCT = re.compile(r"[，。；！？、：“”]|[,.;!?](?=\s)")
_SKIP = frozenset({"script", "style", "noscript", "head", "title", "select", "option",
                   "textarea", "iframe", "template"})
_PLATFORM = etree.XPath(
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' trs_editor_view ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' pages_content ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' rm_txt_con ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' left_zw ')"
    " or @id='zoom' or @id='UCAP-CONTENT' or @id='detail' or @id='detailContent']")
SHARE = 0.6
CLIMB = 0.5
MIN_PROSE = 50


@dataclass
class Stats:
    prose: int = 0
    other: int = 0
    link: int = 0


def prose_stats(root) -> dict:
    """Stats for every element, children before parents."""
    stats: dict = {}
    punct = _PUNCT.search
    get = stats.get
    for el in reversed(list(root.iter(etree.Element))):  # elements only, in C
        tag = el.tag  # each read of an lxml property makes a new string: read once
        if tag in _SKIP:
            stats[el] = Stats()
            continue
        in_link = tag == "a"
        kids = list(el)
        prose = other = link = 0
        runs = [el.text]
        runs += [c.tail for c in kids]
        for run in runs:
            if not run or run.isspace():
                continue
            n = sum(map(len, run.split()))
            if in_link:
                link += n
            elif n >= 10 and punct(run):
                prose += n
            else:
                other += n
        # the children's stats, by the element's kind (one test per element, not per child)
        if in_link:
            for child in kids:
                if (c := get(child)) is not None:
                    link += c.prose + c.other + c.link
        elif prose:  # prose of its own: a link inside a sentence is part of the sentence
            for child in kids:
                if (c := get(child)) is None:
                    continue
                if child.tag == "a":
                    prose += c.prose + c.other + c.link
                else:
                    prose, other, link = prose + c.prose, other + c.other, link + c.link
        else:
            for child in kids:
                if (c := get(child)) is not None:
                    prose, other, link = prose + c.prose, other + c.other, link + c.link
        stats[el] = Stats(prose, other, link)
    return stats


def prune_furniture(root, keep=None) -> dict:
    """Remove furniture elements in place (see rule 2); return the prose stats of what is
    left (those of removed elements subtracted from their ancestors)."""
    stats = prose_stats(root)
    body = _body(root)
    total = stats[body].prose
    doomed = []
    walker = [body]
    while walker:
        el = walker.pop()
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if is_furniture(child) and stats[child].prose <= total * 0.5 and not (
                    keep is not None and (child is keep or keep in child.iterdescendants())):
                doomed.append(child)
            else:
                walker.append(child)
    for el in doomed:
        gone = stats[el]
        for up in el.iterancestors():
            s = stats[up]
            s.prose, s.other, s.link = s.prose - gone.prose, s.other - gone.other, \
                s.link - gone.link
        el.drop_tree()
    return stats


def _body(root):
    found = root.find("body")
    return found if found is not None else root


def main_block(root, stats: dict | None = None):
    """The element to hand to trafilatura (rules 3-6); <body> when there is no better one.
    ``stats`` are those prune_furniture returned, when it ran."""
    stats = stats if stats is not None else prose_stats(root)
    body = _body(root)
    total = stats[body].prose
    if total < MIN_PROSE:
        return body
    for known in _PLATFORM(root):
        if stats.get(known) is not None and stats[known].prose >= 0.5 * total:
            return known
    node = body
    while True:
        nxt = next((c for c in node if isinstance(c.tag, str) and stats[c].prose >= SHARE * total),
                   None)
        if nxt is None:
            break
        node = nxt
    here = node
    while here is not body:
        parent = here.getparent()
        p, n = stats[parent], stats[node]
        added_prose = p.prose - n.prose
        added_rest = (p.other - n.other) + (p.link - n.link)
        if added_prose > 0 and added_prose >= CLIMB * added_rest:
            node = parent  # adds enough prose: take it
        elif added_prose or added_rest:
            break
        here = parent  # a wrapper adding nothing: look further up
    return node
