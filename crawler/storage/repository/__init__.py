"""Every query provwatch makes, one module per subject; callers pass a Session and plain
values and get rows or plain values back. Imported as one namespace (``repository.fn``)."""

from provwatch.crawler.storage.repository.activity import *  # noqa: F403
from provwatch.crawler.storage.repository.articles import *  # noqa: F403
from provwatch.crawler.storage.repository.fingerprints import *  # noqa: F403
from provwatch.crawler.storage.repository.meetings import *  # noqa: F403
from provwatch.crawler.storage.repository.outbox import *  # noqa: F403
from provwatch.crawler.storage.repository.roster import *  # noqa: F403
from provwatch.crawler.storage.repository.search import *  # noqa: F403
from provwatch.crawler.storage.repository.sources import *  # noqa: F403
from provwatch.crawler.storage.repository.upkeep import *  # noqa: F403
from provwatch.crawler.storage.repository.watchlists import *  # noqa: F403
from provwatch.crawler.storage.repository.web_attention import *  # noqa: F403
from provwatch.crawler.storage.repository.web_meetings import *  # noqa: F403
from provwatch.crawler.storage.repository.web_province import *  # noqa: F403
from provwatch.crawler.storage.repository.workers import *  # noqa: F403
