"""A Scrapy extension that times a crawl the same way on both sides of a benchmark.

Loaded into the floor spider and into `scrapy crawl portal` alike, with
``-s EXTENSIONS={"crawl_clock.CrawlClock": 0} -s BENCH_CLOCK_FILE=PATH`` and this directory on
PYTHONPATH (bench/runner.py does it). It writes one JSON object to PATH when the spider closes:

- ``seconds``: from `spider_opened` to `spider_closed` (the crawl itself: every request, every
  callback, and, in the full crawl, the item pipelines' `close_spider`, which writes the last
  batch to the archive; interpreter start, imports and settings are not in it);
- ``responses`` (`response_received_count`), ``requests``, ``items``, the status counts and the
  finish reason, from the crawl's own stats;
- ``max_rss_kb``: the crawl process's peak resident memory so far (getrusage RUSAGE_SELF);
- ``bot_name``, ``item_pipelines`` and the project's middleware settings: what ran.

It connects two signals and does nothing per response, so it costs both sides nothing measurable.
"""
from __future__ import annotations

import json
import resource
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured


class CrawlClock:
    def __init__(self, crawler: Any, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlClock:
        path = crawler.settings.get("BENCH_CLOCK_FILE")
        if not path:
            raise NotConfigured("BENCH_CLOCK_FILE not set")
        ext = cls(crawler, path)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.started = time.perf_counter()

    def closed(self, spider: Any, reason: str) -> None:
        seconds = time.perf_counter() - self.started
        stats = self.crawler.stats.get_stats()
        statuses = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                    if k.startswith("downloader/response_status_count/")}
        data = {
            "seconds": seconds,
            "responses": stats.get("response_received_count", 0),
            "requests": stats.get("downloader/request_count", 0),
            "items": stats.get("item_scraped_count", 0),
            "statuses": statuses,
            "reason": reason,
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            # What ran: lets the benchmark check that the floor ran without the project.
            "bot_name": self.crawler.settings.get("BOT_NAME"),
            "item_pipelines": sorted(self.crawler.settings.getdict("ITEM_PIPELINES")),
            "spider_middlewares": sorted(self.crawler.settings.getdict("SPIDER_MIDDLEWARES")),
            "downloader_middlewares": sorted(self.crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")),
        }
        with open(self.path, "w", encoding="utf-8") as out:
            json.dump(data, out)
