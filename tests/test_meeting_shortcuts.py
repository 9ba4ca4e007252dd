"""The meetings extractor's shortcuts give what the patterns they stand for give.

Each shortcut (pipelines/meeting_*.py) skips a pattern where it cannot match, or finds its
match another way; these compare the two on the test stories and on made-up strings of
the words and marks the patterns turn on.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from provwatch.pipelines import meeting_forms, meeting_guests, meeting_hosts, meetings

DATA = Path(__file__).parent / "data"
TEXTS = [json.loads(line)["text"]
         for name in ("meetings.jsonl", "meetings_heldout.jsonl")
         for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _made_up(alphabet: str, count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))
            for _ in range(count)]


TITLED = TEXTS + [
    "a\n董事长X", "董事长\n李", "\n\n总裁\n", "某某公司董事长兼总裁\n王", "ab，cd董事长",
    "  公司 CEO王", "公司CEO\n", "联合国副秘书长、环境规划署执行主任安诺生",
] + _made_up("公司集团董事长兼总裁副执行主席首席官，、。 \n中国区CEO王李第一任候任大使市长", 400, 70, 18)


@pytest.mark.parametrize("chunk", range(4))
def test_titled_is_the_pattern_at_every_position(chunk):
    for text in TITLED[chunk::4]:
        for at in range(len(text) + 1):
            m = meeting_forms._TITLED.search(text, max(0, at - 60), at)
            assert meeting_forms._titled(text, at) == (m.group(0) if m else ""), (text, at)


def test_unkicked_is_the_kicker_pattern():
    for clause in ["", "a", "：", "ab：cd:ef", "ab:cd：ef", "a\nb：c", "ab：c\nd", "：：", "x:",
                   "央视网消息（新闻联播）：国家副主席韩正", "a\n:b",
                   *_made_up("ab：:\n", 300, 8, 7)]:
        assert meeting_hosts._unkicked(clause) == meeting_hosts._KICKER.sub("", clause)


def test_country_is_the_longest_prefix():
    for org in [*meeting_guests.COUNTRIES, "中国", "美国通用汽车公司", "蒙古国立大学",
                "印度尼西亚国家石油公司", "南非", "", "沙特阿美", "泰"]:
        want = next((c for c in meeting_guests.COUNTRIES if org.startswith(c)), "")
        assert meeting_guests._country(org) == want, org


def test_untailed_is_the_tail_pattern():
    words = "".join(meeting_guests._TAIL_WORDS) + "王公司\n "
    for item in _made_up(words, 500, 12, 3) + ["比亚迪一行", "代表团一行", "王某等人\n"]:
        assert meeting_guests._untailed(item) == meeting_guests._TAIL.sub("", item), item


def test_title_first_words_start_every_title():
    """_guest tries TITLE only where TITLE_FIRST finds a word: every match starts so."""
    for text in TEXTS + _made_up("董事长兼总裁副执行主席首席官中国区CEO第一任候任大使市长王公司", 300, 20, 5):
        for m in meeting_guests._TITLE_RE.finditer(text):
            assert meeting_guests.TITLE_FIRST.match(text, m.start()), (text, m.group())


def test_sentences_at_are_the_sentences_holding_a_verb():
    for text in TEXTS + _made_up("会见。！？!?\n王，的", 300, 30, 11):
        verbs = [m.start() for m in meetings._VERB.finditer(text)]
        want, at = [], 0
        for line in text.split("\n"):
            for s in meetings._SENTENCE.finditer(line):
                if meetings._VERB.search(s.group()):
                    want.append((line, at + s.start(), s.group()))
            at += len(line) + 1
        assert list(meetings._sentences_at(text, verbs)) == want, text


def test_a_guest_with_a_title_holds_a_title_word():
    """more_guests stops at a clause without one: no guest read from it has a title."""
    alphabet = "董事长兼总裁副执行第一任候任中国区院士教授王李公司集团大学、和与的率领一行等"
    for clause in TEXTS + _made_up(alphabet, 600, 24, 9):
        if not meeting_forms._A_TITLE.search(clause):
            assert not any(g.title for g in meeting_guests.guest_list(clause)), clause
