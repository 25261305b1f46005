"""`scrapy dist-worker`: one worker of a distributed crawl (crawler/distributed/, docs/distributed.md).

Joins the run in Redis (DIST_REDIS_URL, DIST_REDIS_PREFIX), waiting up to DIST_JOIN_TIMEOUT for a
writer to start one, crawls it with the portal spider's callbacks and sends the items to Redis;
it never opens the archive. Start as many as you like, on any machine with the same checkout.
Exit codes: 0 the run finished, 1 Scrapy failed to start, 2 configuration error (this worker's
site profiles differ from the run's), 3 Redis unusable (at the start, or lost for good during the
run), no run to join, or this worker was taken for dead, 5 stopped (`scrapy dist-stop`, SIGTERM,
Ctrl-C) before the run finished.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.collector import on_spider_opened
from crawler.commands.dist_writer import redis_error
from crawler.profiles import ProfileError
from crawler.sites import resolve_sites
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BOOTSTRAP, EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_OK

if TYPE_CHECKING:
    import argparse

logger = logging.getLogger(__name__)
EXIT_BY_REASON = {"finished": EXIT_OK, "reaped": EXIT_ARCHIVE, "redis_lost": EXIT_ARCHIVE}


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return ""

    def short_desc(self) -> str:
        return "Crawl for a distributed run (items go to Redis; `scrapy dist-writer` writes them)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Imported here: Scrapy imports every command to list them, and `scrapy crawl` needs no Redis.
        from crawler.distributed.spider import DistributedPortalSpider, frontier_from_settings, sites_fingerprint

        assert self.settings is not None and self.crawler_process is not None
        if args:
            raise UsageError("a worker takes no arguments: the run (started by `scrapy dist-writer`) says what to crawl")
        frontier = frontier_from_settings(self.settings)
        try:
            frontier.server.ping()
            run = self._wait_for_run(frontier)
        except Exception as exc:  # noqa: BLE001 - any connection error: one clear line
            return self._fail(EXIT_ARCHIVE, redis_error(self.settings, exc))
        if run is None:
            return self._fail(EXIT_ARCHIVE, f"no distributed run to join under prefix {frontier.p!r} within "
                                            f"{self.settings.getfloat('DIST_JOIN_TIMEOUT'):.0f} s: start `scrapy dist-writer`")
        try:
            sites = resolve_sites(self.settings, run.get("site") or None, None)
            if sites_fingerprint(sites) != run.get("fingerprint"):
                raise ProfileError("this worker's site profiles differ from the run's (crawler/profiles, PORTAL_SITES_FILE "
                                   "or SAMPLE_PORTAL_URL): deploy the same version on every machine")
        except ProfileError as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        crawler = self.crawler_process.create_crawler(DistributedPortalSpider)
        crawler.signals.connect(on_spider_opened, signal=signals.spider_opened)  # crawler/collector.py
        kwargs = {"full": run.get("full", "0")}
        if run.get("site"):
            kwargs["site"] = run["site"]
        self.crawler_process.crawl(crawler, **kwargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_BOOTSTRAP
            return
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        self.exitcode = EXIT_BY_REASON.get(str(reason), EXIT_INTERRUPTED)

    def _wait_for_run(self, frontier: object) -> dict[str, str] | None:
        assert self.settings is not None
        deadline = time.monotonic() + self.settings.getfloat("DIST_JOIN_TIMEOUT", 600)
        said = ""
        while True:
            run = frontier.run()  # type: ignore[attr-defined]
            status = run.get("status", "")
            if status == "running" and run.get("stop") != "1":
                return run
            if status != said:
                logger.info("Waiting for a distributed run to join (now: %s)", status or "none")
                said = status
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.2)

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
