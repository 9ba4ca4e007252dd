"""The validated catalog kept on disk between runs, keyed by the catalog file's text.

Reading the bundled catalog (180 entries: YAML, then every pattern compiled and every
example URL checked against it) costs about a tenth of a second, more than `status` spends
on everything else, and the text rarely changes between two commands. A file whose text was
validated before is read back from the user's cache directory (platformdirs), pickled. The
key is the text's SHA-1 and this code's own version (the module files' sizes and times), so
an edited catalog or an upgraded provwatch parses again. The cache is the user's own
directory, as writable to anyone who could change the catalog or provwatch itself; a file
that cannot be read back (cut short, another Python) is parsed again, and a cache that
cannot be written costs only the time it would have saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

_CODE = Path(__file__).parent  # the catalog package: its parsing and validation code


def _folder() -> Path:
    return Path(os.environ.get("PROVWATCH_CACHE_DIR") or platformdirs.user_cache_dir("provwatch"))


def _file(text_sha1: str) -> Path:
    stats = [p.stat() for p in sorted(_CODE.glob("*.py"))]
    code = hashlib.sha1(repr([(s.st_size, s.st_mtime_ns) for s in stats]).encode())
    return _folder() / f"catalog-{text_sha1}-{code.hexdigest()[:12]}.pickle"


def recall(text_sha1: str) -> Any | None:
    """The catalog validated from a text of this SHA-1 before, or None."""
    try:
        with open(_file(text_sha1), "rb") as f:
            return pickle.load(f)  # noqa: S301 - written by remember(), in the user's cache
    except Exception:  # noqa: BLE001 - absent, cut short, from another version: parse again
        return None


def remember(text_sha1: str, catalog: Any) -> None:
    """Keep ``catalog`` for the next run (atomically: a reader sees all of it or none)."""
    try:
        target = _file(text_sha1)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".catalog-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(catalog, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        return  # a read-only or full disk: the next run parses again
