"""`scrapy crawl`, with arguments checked before the crawl and an exit code a cron job can use.

Scrapy's own `crawl` exits 0 whatever happened to the sites. This one checks the site selection,
the profiles and the archive first (a bad slug or a locked archive fails in a second with one clear
line on stderr), runs the crawl, then exits with the code the storage pipeline decided
(see pipelines/outcome.py for the table).
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import settings as defaults  # the one place for defaults
from crawler.collector import on_spider_opened
from crawler.page_workers import PageWorkers
from crawler.profiles import ProfileError
from crawler.sites import resolve_sites
from crawler.spiders.generic import check_generic_args
from crawler.spiders.wayback import check_wayback_args
from pipelines.lock import ArchiveBusyError, ArchiveLock
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BOOTSTRAP, EXIT_BUSY, EXIT_CONFIG
from pipelines.schema import ArchiveError, open_archive

if TYPE_CHECKING:
    import argparse

# Arguments of the portal spider (-a NAME=VALUE); anything else is a typo worth stopping for.
KNOWN_ARGUMENTS = {"site", "start_url", "full", "max_pages", "max_depth", "source", "from", "to"}


class Command(ScrapyCrawlCommand):
    def long_desc(self) -> str:
        return (
            "Run a spider of this project. For the portal spider: -a site=SLUG crawls one configured "
            "portal, no -a crawls every enabled one, -a start_url=URL any portal (generic mode); "
            "-a source=wayback [-a from=YYYY-MM-DD -a to=YYYY-MM-DD] recovers the portal's Wayback Machine "
            "captures instead; -s ARCHIVE_DB=PATH picks the archive. Exit codes: "
            "0 ok, 1 Scrapy failed to start, 2 configuration error, 3 archive unusable, "
            "4 a site failed (see crawl_runs.problems), 5 interrupted, 6 another crawl is running on the archive."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl portal -a site=sample`")
        if args[0] != "portal":
            return super().run(args, opts)
        if not self._preflight(opts.spargs):
            return
        assert self.settings is not None
        try:
            lock = ArchiveLock(self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB).acquire()
        except ArchiveBusyError as exc:
            self._fail(EXIT_BUSY, str(exc))
            return
        except OSError as exc:
            self._fail(EXIT_ARCHIVE, f"archive lock {exc.filename}: {exc.strerror}")
            return
        try:
            if self._check_archive():
                self._crawl(args[0], opts.spargs)
        finally:
            lock.release()

    def _crawl(self, name: str, spargs: dict[str, str]) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(name)
        # The collector is tuned once the crawl is open (crawler/collector.py).
        crawler.signals.connect(on_spider_opened, signal=signals.spider_opened)
        self.crawler_process.crawl(crawler, **spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_BOOTSTRAP
            return
        self.exitcode = int(crawler.stats.get_value("portal/exit_code", 0) or 0) if crawler.stats else 0

    def _preflight(self, spargs: dict[str, str]) -> bool:
        """Check arguments, sites and profiles; print one clear line and set the exit code if not."""
        assert self.settings is not None
        unknown = set(spargs) - KNOWN_ARGUMENTS
        try:
            if unknown:
                raise ProfileError(f"unknown spider argument(s): {', '.join(sorted(unknown))} "
                                   f"(known: {', '.join(sorted(KNOWN_ARGUMENTS))})")
            check_generic_args(spargs)
            check_wayback_args(spargs)
            resolve_sites(self.settings, spargs.get("site"), spargs.get("start_url"))
            PageWorkers.from_settings(self.settings, ())  # the worker settings, before anything starts
        except (ProfileError, ValueError) as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        return True

    def _check_archive(self) -> bool:
        """Open the archive once (creating it and applying migrations) to fail fast and clearly."""
        assert self.settings is not None
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        try:
            open_archive(path, timeout=self.settings.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT)).close()
        except ArchiveError as exc:
            return self._fail(EXIT_ARCHIVE, str(exc))
        return True

    def _fail(self, code: int, message: str) -> bool:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
        return False
