"""Spider middleware that turns an exception in a callback into a recorded failure.

A page that crashes extraction (a bug, or HTML nobody foresaw) must not vanish into the log:
it becomes a `FailureItem` (kind ``extract``, reason ``exception:<Type>``) stored in `failures`,
and the run's outcome reports it.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable

from crawler.items import FailureItem
from pipelines.normalize import now_vn

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

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
