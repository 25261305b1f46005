"""`scrapy dist-writer [-a site=SLUG] [-a full=1]`: start (or resume) a distributed crawl on the
archive and be its one writer (crawler/distributed/writer.py, docs/distributed.md).

Takes the archive's lock like `scrapy crawl`, opens the run's `crawl_runs` row, queues the start
requests in Redis (DIST_REDIS_URL, DIST_REDIS_PREFIX), then writes what the workers send until the
run is over. Exit codes are `scrapy crawl`'s: 0 ok, 2 configuration error (or Redis holds another
run), 3 archive or Redis unusable, 4 a site failed, 5 interrupted (this writer stopped, or the run
stopped by `scrapy dist-stop`), 6 the archive is busy.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict
from scrapy.utils.log import configure_logging

from crawler import settings as defaults  # the one place for defaults
from crawler.profiles import ProfileError
from crawler.sites import resolve_sites
from pipelines.lock import ArchiveBusyError, ArchiveLock
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BUSY, EXIT_CONFIG
from pipelines.schema import ArchiveError

if TYPE_CHECKING:
    import argparse

ARGUMENTS = {"site", "full"}
TRUE_WORDS = {"1", "true", "yes", "on"}
ONE_HOST = {"start_url", "source", "from", "to", "max_pages", "max_depth"}


def check_arguments(spargs: dict[str, str]) -> None:
    """A distributed run crawls configured portals; anything else is a mistake worth a clear line."""
    one_host = sorted(set(spargs) & ONE_HOST)
    if one_host:
        raise ProfileError(f"{', '.join(one_host)}: a generic or Wayback crawl reads one host, which politeness "
                           "limits to one request at a time whatever the number of workers; run it with "
                           "`scrapy crawl portal` (a distributed run crawls configured portals: -a site, -a full)")
    unknown = set(spargs) - ARGUMENTS
    if unknown:
        raise ProfileError(f"unknown argument(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(ARGUMENTS))})")


def redis_error(settings: object, exc: Exception) -> str:
    url = getattr(settings, "get", lambda *_: None)("DIST_REDIS_URL")
    return f"Redis at {url} unusable: {exc} (start it, or set -s DIST_REDIS_URL=redis://HOST:PORT/DB)"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[-a site=SLUG] [-a full=1]"

    def short_desc(self) -> str:
        return "Start or resume a distributed crawl and write it into the archive (its one writer)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="spider argument: site=SLUG, full=1 (as for `scrapy crawl portal`)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Imported here: Scrapy imports every command to list them, and `scrapy crawl` needs no Redis.
        from crawler.distributed.spider import frontier_from_settings
        from crawler.distributed.writer import DistributedWriter, RunConflict

        assert self.settings is not None
        configure_logging(self.settings)
        if args:
            raise UsageError("no positional arguments: the run crawls what -a site= names (else every enabled site)")
        spargs = opts.spargs
        try:
            check_arguments(spargs)
            resolve_sites(self.settings, spargs.get("site"), None)
        except ProfileError as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        frontier = frontier_from_settings(self.settings)
        try:
            frontier.server.ping()
        except Exception as exc:  # noqa: BLE001 - any connection error: one clear line
            return self._fail(EXIT_ARCHIVE, redis_error(self.settings, exc))
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        try:
            lock = ArchiveLock(path).acquire()
        except ArchiveBusyError as exc:
            return self._fail(EXIT_BUSY, str(exc))
        except OSError as exc:
            return self._fail(EXIT_ARCHIVE, f"archive lock {exc.filename}: {exc.strerror}")
        writer = DistributedWriter(self.settings, frontier, path, spargs.get("site"),
                                   str(spargs.get("full", "0")).lower() in TRUE_WORDS)
        try:
            how = writer.open()
            logging.getLogger(__name__).info("Writer of run %s (%s); waiting for workers' items", writer.run_id, how)
            self.exitcode = writer.serve()
        except ArchiveError as exc:
            self._fail(EXIT_ARCHIVE, str(exc))
        except sqlite3.Error as exc:
            self._fail(EXIT_ARCHIVE, f"archive {path}: {exc}")
        except (RunConflict, ProfileError) as exc:
            self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        finally:
            writer.close()
            lock.release()

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
