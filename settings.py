"""Scrapy settings for provwatch: stage order, politeness, limits. No secrets, no environment.

The crawl runner overrides the per-deployment values (database URL, user agent, delay,
robots, timeouts) from provwatch's own configuration.
"""

BOT_NAME = "provwatch"
SPIDER_MODULES = ["provwatch.spiders"]
NEWSPIDER_MODULE = "provwatch.spiders"

ITEM_PIPELINES = {
    "provwatch.pipelines.extract.ExtractStage": 100,
    "provwatch.pipelines.normalise.NormaliseStage": 200,
    "provwatch.pipelines.dedupe.DedupeStage": 300,
    "provwatch.pipelines.tag.TagStage": 400,
    "provwatch.pipelines.store.StoreStage": 500,
}
DOWNLOADER_MIDDLEWARES = {
    # before robots.txt and the downloader: a stored article URL costs no request at all
    "provwatch.spiders.middlewares.SeenUrlMiddleware": 50,
    # after HttpCompressionMiddleware (590) towards the downloader, so its process_response
    # sees the compressed bytes first
    "provwatch.spiders.middlewares.TruncatedBodyMiddleware": 595,
}
EXTENSIONS = {
    "provwatch.spiders.progress.ProgressReporter": 500,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

ROBOTSTXT_OBEY = True
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) provwatch"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # +-50% around DOWNLOAD_DELAY
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
LOG_LEVEL = "WARNING"
LOG_INSTALL_ROOT_HANDLER = True
LOG_FORMATTER = "provwatch.spiders.logformat.ItemSafeLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
