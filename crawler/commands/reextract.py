"""`scrapy reextract`: rebuild article rows from the archive's stored raw pages, offline.

Uses the current profiles and extractors, so an improved extractor can be applied to everything
ever crawled without fetching a page again. Takes the archive's lock like a crawl does.

    scrapy reextract                      every site
    scrapy reextract --site sample        one site
    scrapy reextract --dry-run            report what would change, write nothing
    scrapy reextract --workers 1          no worker processes (default PORTAL_EXTRACT_WORKERS: one per CPU)

Pages are extracted by worker processes and the rows compared and written in the pages' order.
Exit codes: 0 done, 2 a bad option or site, 3 archive unusable, 4 done, but pages crashed
extraction (counted and named in the report; their rows left as they were), 5 a worker process
died (nothing was written), 6 the archive is busy.
"""
from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand

from crawler import settings as defaults  # the one place for defaults
from crawler.collector import tune_collector
from crawler.commands import add_workers_option, apply_time_limit, extract_workers
from crawler.extraction import PAGE_READER
from crawler.profiles import ProfileError
from crawler.sites import load_registry
from pipelines.lock import ArchiveBusyError, ArchiveLock
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BUSY, EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_SITE_FAILED
from pipelines.parallel import ExtractionPool, WorkerDied
from pipelines.reextract import reextract
from pipelines.schema import ArchiveError, open_archive

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--site SLUG] [--dry-run] [--workers N]"

    def short_desc(self) -> str:
        return "Rebuild article rows from stored raw pages with the current extractors (offline)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="only this site's pages")
        parser.add_argument("--dry-run", action="store_true", help="report the changes without writing them")
        add_workers_option(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        workers = extract_workers(opts, self.settings)
        apply_time_limit(self.settings)  # before the workers are forked: they inherit it
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        try:
            sites = load_registry(self.settings)
            if opts.site and opts.site not in sites:
                raise ProfileError(f"unknown site {opts.site!r}; known sites: {', '.join(sorted(sites))}")
        except ProfileError as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        try:
            # The workers first: forked before the archive is opened, its lock taken or a thread started.
            with ExtractionPool(PAGE_READER, sites, workers) as pool, ArchiveLock(path):
                self._reextract(path, sites, pool, opts)
        except ArchiveBusyError as exc:
            self._fail(EXIT_BUSY, str(exc))
        except ArchiveError as exc:
            self._fail(EXIT_ARCHIVE, str(exc))
        except WorkerDied as exc:
            self._fail(EXIT_INTERRUPTED, f"{exc}; nothing was written")

    def _reextract(self, path: str, sites: dict, pool: ExtractionPool, opts: argparse.Namespace) -> None:
        started = time.monotonic()
        db = open_archive(path, timeout=self.settings.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT))  # type: ignore[union-attr]
        tune_collector()  # start-up done: crawler/collector.py
        try:
            with db.atomic():  # all or nothing: an interrupted re-extraction changes no row
                report = reextract(db, sites, pool, opts.site, dry_run=opts.dry_run)
        finally:
            db.close()
        elapsed = time.monotonic() - started
        for line in report.lines():
            print(line)
        rate = report.pages / elapsed if elapsed else 0.0
        print(f"{'dry run: nothing written; ' if opts.dry_run else ''}{elapsed:.1f} s, {rate:.0f} pages/s")
        if report.crashed:
            self._fail(EXIT_SITE_FAILED, f"{sum(report.crashed.values())} page(s) crashed extraction (named above)")

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
