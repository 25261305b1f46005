"""The crawl's log formatter (Scrapy's LOG_FORMATTER): Scrapy's line for each response and each
item, made only when it will be shown, and never with a page's body in it.

Scrapy logs every response ("Crawled (200) <GET ...>") and every item ("Scraped from ...", with
the item's repr) at DEBUG, building the log record whatever LOG_LEVEL says: its loggers pass
every record to the handler, which drops them below LOG_LEVEL. A crawl yields two items a page
(the raw page and the article), so below DEBUG these records were pure cost (a few per cent of
the crawl's process); at DEBUG, the raw page's repr put the whole page body, bytes and all, into
the log. Here both lines are skipped unless LOG_LEVEL is DEBUG, and an item is logged by its
kind, site and URL (a raw page with its size).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

from crawler.items import ArticleItem, FailureItem, RawPageItem

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure


class ArchiveLogFormatter(LogFormatter):
    def __init__(self, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveLogFormatter:
        settings = crawler.settings
        level = settings.get("LOG_LEVEL", "DEBUG")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        # An unknown level name gives a string: Scrapy's logging will complain; log everything here.
        shown = not isinstance(number, int) or number <= logging.DEBUG
        return cls(settings.getbool("LOG_ENABLED", True) and shown)

    def crawled(self, request: Request, response: Response, spider: Spider) -> LogFormatterResult | None:  # type: ignore[override]
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item: Any, response: Response | Failure | None,  # type: ignore[override]
                spider: Spider) -> LogFormatterResult | None:
        if not self.debug:
            return None
        result = super().scraped(item, response, spider)
        args = result["args"]
        if isinstance(args, dict):  # Scrapy's own: the item by name, replaced by its summary
            result["args"] = {**args, "item": item_summary(item)}
        return result


def item_summary(item: Any) -> str:
    """One short line naming an item: never its page body or article text."""
    if isinstance(item, RawPageItem):
        return f"raw page ({item.kind}, {item.status}, {len(item.body):,} bytes) [{item.site}] {item.url}"
    if isinstance(item, ArticleItem):
        return f"article [{item.site}] {item.url}: {(item.title or '')[:120]!r}"
    if isinstance(item, FailureItem):
        return f"failure {item.kind}/{item.reason} [{item.site}] {item.url}"
    text = repr(item)
    return text if len(text) <= 300 else text[:300] + "..."
