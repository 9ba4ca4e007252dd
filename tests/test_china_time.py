"""China time on the command line: `--since 2026-01-05` starts at midnight in Beijing, and
tables show China time with its offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from provwatch.crawler.chinatime import SHANGHAI, china_text
from provwatch.crawler.cli.app import day_option
from provwatch.crawler.errors import ProvwatchError


@pytest.mark.parametrize("value, expected", [
    ("2026-01-05", datetime(2026, 1, 4, 16, tzinfo=timezone.utc)),
    ("2026-01-05T08:00", datetime(2026, 1, 5, 0, tzinfo=timezone.utc)),
    ("2026-01-05T00:00+00:00", datetime(2026, 1, 5, 0, tzinfo=timezone.utc)),
    (" 2026-01-05 ", datetime(2026, 1, 4, 16, tzinfo=timezone.utc)),
])
def test_a_day_option_is_china_midnight_and_an_explicit_offset_is_kept(value, expected):
    assert day_option(value, "--since") == expected


def test_an_article_published_just_after_china_midnight_counts_for_that_day():
    published = datetime(2026, 1, 5, 0, 30, tzinfo=SHANGHAI)  # 16:30 UTC the day before
    assert published >= day_option("2026-01-05", "--since")
    assert published < day_option("2026-01-05", "--since") + timedelta(days=1)


def test_a_bad_day_is_one_line_naming_the_option():
    with pytest.raises(ProvwatchError, match=r"--since: 'Jan 5' is not a date"):
        day_option("Jan 5", "--since")


@pytest.mark.parametrize("iso, shown", [
    ("2026-01-04T16:30:00Z", "2026-01-05 00:30 +08:00"),
    ("2026-01-05T08:00:00+08:00", "2026-01-05 08:00 +08:00"),
    (None, ""),
])
def test_people_read_china_time_with_its_offset(iso, shown):
    assert china_text(iso) == shown
