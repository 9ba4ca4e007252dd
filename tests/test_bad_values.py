"""Issue 16: every bad value an operator can give is one clear line naming where it is
and what would be valid, exit code 1, and nothing created or changed."""

from __future__ import annotations

import pytest

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.errors import CatalogError

# --- the catalog file -------------------------------------------------------------------

ENTRY = ("  - {id: x1, name: X, kind: rss, urls: [http://a.test/], province: henan, "
         "language: zh, interval: 5m}\n")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        pytest.param(("sources: []\n# 河南\n").encode("gbk"), "line 2: not UTF-8 text",
                     id="a GBK-encoded catalog"),
        pytest.param(b'sources:\n  - id: "a\n  b: [\n', "line 4, column 1: not valid YAML",
                     id="an unclosed quote"),
        pytest.param(b"sources:\n\t- id: x\n", "line 2, column 1: not valid YAML",
                     id="a tab for indentation"),
        pytest.param(b"sources:\n" + ENTRY.replace("interval", "intervl").encode(),
                     "source 'x1': field 'intervl': unknown field (did you mean 'interval'?)",
                     id="a misspelt field"),
    ],
)
def test_a_bad_catalog_file_is_one_line_naming_file_and_place(tmp_path, data, why):
    path = tmp_path / "cat.yaml"
    path.write_bytes(data)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and why in message
    assert "\n" not in message and "\\n" not in message
