"""Project Scrapy commands (COMMANDS_MODULE): `crawl` with clear errors and meaningful exit codes;
here, the `--workers` option of the commands that extract pages (import-warc, reextract), and
their extraction time limit."""
from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import UsageError

from crawler import settings as defaults  # the one place for defaults
from crawler.timelimit import set_extraction_time_limit
from pipelines.parallel import worker_count

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import Settings


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    """`--workers N` of the commands that extract stored or captured pages (import-warc, reextract)."""
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes extracting pages: 0 = one per CPU, 1 = this process alone "
                             f"(default: PORTAL_EXTRACT_WORKERS, {defaults.PORTAL_EXTRACT_WORKERS})")


def apply_time_limit(settings: Settings) -> None:
    """This process's extraction time limit from PORTAL_EXTRACT_TIME_LIMIT (crawler/timelimit.py),
    inherited by the worker processes forked after it; UsageError if negative."""
    try:
        set_extraction_time_limit(settings.getfloat("PORTAL_EXTRACT_TIME_LIMIT", defaults.PORTAL_EXTRACT_TIME_LIMIT))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def extract_workers(opts: argparse.Namespace, settings: Settings) -> int:
    """The worker processes `--workers` (or PORTAL_EXTRACT_WORKERS) asks for; UsageError if negative."""
    workers = opts.workers if opts.workers is not None else settings.getint(
        "PORTAL_EXTRACT_WORKERS", defaults.PORTAL_EXTRACT_WORKERS)
    try:
        return worker_count(workers)
    except ValueError:
        raise UsageError(f"--workers must be 0 (one per CPU), 1 (no worker processes) or more, not {workers}") from None
