"""`scrapy import-warc FILE...`: store the articles captured in WARC/ARC files (gzipped or not).

Each HTML 200 response goes to the site profile that claims its host and URL, else to generic
extraction; articles are stored with `source = 'warc'`, the capture time and the file and record
id (pipelines/warc.py). Other records are counted in the report, never fatal. Pages are extracted
by `--workers N` processes (default PORTAL_EXTRACT_WORKERS: one per CPU) and stored in the
file's order. Takes the archive's lock like a crawl. Exit codes: 0 done, 2 a file is missing or
no WARC/ARC (or a bad option), 3 archive unusable, 4 done, but pages crashed extraction (counted
and named in the report, kept as raw pages of kind "error" for `scrapy reextract`), 5 a worker
process died (the file being read is rolled back, those before it are kept), 6 the archive is busy.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from warcio.exceptions import ArchiveLoadFailed

from crawler import settings as defaults  # the one place for defaults
from crawler.collector import tune_collector
from crawler.commands import add_workers_option, apply_time_limit, extract_workers
from crawler.extraction import PAGE_READER
from crawler.profiles import ProfileError
from crawler.sites import load_registry
from pipelines.lock import ArchiveBusyError, ArchiveLock
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BUSY, EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_SITE_FAILED
from pipelines.parallel import ExtractionPool, WorkerDied
from pipelines.schema import ArchiveError, open_archive
from pipelines.warc import WarcImporter, WarcInputError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FILE [FILE...]"

    def short_desc(self) -> str:
        return "Import the articles captured in WARC/ARC files (source 'warc')"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_workers_option(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args:
            raise UsageError("give one or more WARC/ARC files")
        workers = extract_workers(opts, self.settings)
        apply_time_limit(self.settings)  # before the workers are forked: they inherit it
        missing = [a for a in args if not Path(a).is_file()]
        if missing:
            return self._fail(EXIT_CONFIG, f"no such file: {', '.join(missing)}")
        try:
            registry = load_registry(self.settings)
        except ProfileError as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        try:
            # The workers first: forked before the archive is opened, its lock taken or a thread started.
            with ExtractionPool(PAGE_READER, registry, workers) as pool, ArchiveLock(path):
                self._import(path, registry, pool, [Path(a) for a in args])
        except ArchiveBusyError as exc:
            self._fail(EXIT_BUSY, str(exc))
        except ArchiveError as exc:
            self._fail(EXIT_ARCHIVE, str(exc))
        except WorkerDied as exc:
            self._fail(EXIT_INTERRUPTED, f"{exc}; the file being imported was rolled back (the files before it are kept)")

    def _import(self, path: str, registry: dict, pool: ExtractionPool, files: list[Path]) -> None:
        db = open_archive(path, timeout=self.settings.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT))  # type: ignore[union-attr]
        tune_collector()  # start-up done: crawler/collector.py
        importer = WarcImporter(db, registry, pool)
        try:
            for file in files:
                try:
                    with db.atomic():  # one transaction per file: a file is imported whole or not at all
                        importer.import_file(file)
                except (WarcInputError, ArchiveLoadFailed) as exc:
                    self._fail(EXIT_CONFIG, f"cannot read {file} as WARC or ARC: {exc}")
        finally:
            db.close()
        for line in importer.report.lines():
            print(line)
        if importer.crashed and not self.exitcode:
            self._fail(EXIT_SITE_FAILED, f"{importer.crashed} page(s) crashed extraction (named above; kept as raw pages "
                                         "of kind 'error' for scrapy reextract)")

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
