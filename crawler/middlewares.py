"""The project's middlewares.

`ExtractionErrorMiddleware` (spider middleware) turns an exception in a callback into a recorded
failure: a page that crashes extraction (a bug, or HTML nobody foresaw) must not vanish into the
log: it becomes a `FailureItem` (kind ``extract``, reason ``exception:<Type>``) stored in
`failures`, and the run's outcome reports it.

`PageSizeMiddleware` (downloader middleware) bounds every download by ``PORTAL_MAX_PAGE_BYTES``:
Scrapy's HTTP/1.1 handler then abandons a response whose Content-Length is above it, or whose
body (chunked, or lying about its length) grows past it while it streams, and the spider's
errback records a ``too_large`` failure (`crawler.spiders.portal`).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crawler.items import FailureItem
from pipelines.normalize import now_vn

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


class ExtractionErrorMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionErrorMiddleware:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> Iterable[Any]:
        site = response.request.cb_kwargs.get("site") if response.request else None
        slug = getattr(site, "slug", "?")
        logger.error("Extraction failed on %s [%s]: %r", response.url, slug, exception, exc_info=exception)
        self.crawler.stats.inc_value(f"portal/{slug}/extraction_errors")
        return [FailureItem(site=slug, url=response.url, kind="extract", reason=f"exception:{type(exception).__name__}",
                            detail=repr(exception)[:500], observed_at=now_vn().isoformat(timespec="seconds"),
                            http_status=response.status)]


class PageSizeMiddleware:
    """Puts the page-size limit on each request (``download_maxsize`` / ``download_warnsize`` meta,
    which Scrapy's download handlers read), so that ``-s PORTAL_MAX_PAGE_BYTES=N`` alone moves it."""

    def __init__(self, maxsize: int, warnsize: int) -> None:
        self.maxsize, self.warnsize = maxsize, warnsize

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageSizeMiddleware:
        settings = crawler.settings
        maxsize = settings.getint("PORTAL_MAX_PAGE_BYTES", 0) or settings.getint("DOWNLOAD_MAXSIZE", 0)
        warnsize = settings.getint("DOWNLOAD_WARNSIZE", 0)
        if maxsize and (not warnsize or warnsize >= maxsize):
            warnsize = maxsize // 2  # a warning before the limit, never after it
        return cls(maxsize, warnsize)

    def process_request(self, request: Request) -> None:
        if self.maxsize:
            request.meta.setdefault("download_maxsize", self.maxsize)
        if self.warnsize:
            request.meta.setdefault("download_warnsize", self.warnsize)
