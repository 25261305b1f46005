"""`scrapy export-warc OUT.warc.gz [--site SLUG]`: write the archive's raw pages as a WARC 1.1 file.

A `warcinfo` record first, then one `response` record per stored page (status line and
Content-Type rebuilt, body as fetched, WARC-Date the fetch time in UTC, payload digest) and a
`request` record for each postback (POST) page: a file to deposit in a web archive, and one that
`scrapy import-warc` reads back into the same articles. Gzipped per record when OUT ends in `.gz`.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import settings as defaults  # the one place for defaults
from pipelines.outcome import EXIT_ARCHIVE, EXIT_CONFIG
from pipelines.schema import ArchiveError, open_archive
from pipelines.warc import write_warc

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "OUT.warc.gz [--site SLUG]"

    def short_desc(self) -> str:
        return "Write the archive's raw pages to a WARC file (with warcinfo)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="only this site's pages")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) != 1:
            raise UsageError("give the output file, e.g. scrapy export-warc archive.warc.gz")
        out = Path(args[0])
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        if not Path(path).is_file():
            return self._fail(EXIT_ARCHIVE, f"archive {path} does not exist")
        try:
            # Read only: WAL readers never block the crawl, so no lock is taken.
            db = open_archive(path, timeout=self.settings.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT))
        except ArchiveError as exc:
            return self._fail(EXIT_ARCHIVE, str(exc))
        try:
            if opts.site and not db.execute("select 1 from raw_pages where site = ? limit 1", [opts.site]).fetchone():
                return self._fail(EXIT_CONFIG, f"no raw pages of site {opts.site!r} in {path}")
            with out.open("wb") as stream:
                counts = write_warc(db, stream, opts.site, compress=out.suffix == ".gz")
        finally:
            db.close()
        for kind, n in sorted(counts.items()):
            print(f"{kind} records: {n}")
        print(f"written: {out}")

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code
