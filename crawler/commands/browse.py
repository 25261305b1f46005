"""`scrapy browse [--publish] [-h HOST] [-p PORT] [--print]`: serve the archive with Datasette.

Runs `python -m datasette` on the archive (`ARCHIVE_DB`, so `-s ARCHIVE_DB=other.db` browses another
one) with the project's metadata and plugins: the article pages, the results-first tables, the
search page, the canned queries and the dashboard, whatever the archive's file name (the plugins
serve it as `archive`, the name the metadata describes). Before serving, the archive's schema is
brought up to date (the same migrations a crawl applies), so an archive made by an older version
shows its article pages too.

`--publish` serves it as a public instance would be (docs/publishing.md): opened immutable (no
write can reach the file; the archive must not be written while served, so serve a copy), with
datasette_publish.json (capped query time and memory, internal tables closed, arbitrary SQL
closed except the dashboard's own queries) and on 0.0.0.0 unless `-h` says otherwise.
`--print` prints the Datasette command instead of running it.
"""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import settings as defaults  # the one place for defaults
from pipelines.outcome import EXIT_ARCHIVE
from pipelines.schema import ArchiveError, open_archive

if TYPE_CHECKING:
    import argparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
METADATA = PROJECT_ROOT / "datasette_meta.json"
PUBLISH_METADATA = PROJECT_ROOT / "datasette_publish.json"
PLUGINS = PROJECT_ROOT / "datasette_plugins"
# Datasette's settings for a public instance (the plugin caps them too: datasette_plugins/archive_safety.py).
PUBLISH_SETTINGS = {
    "sql_time_limit_ms": "1000",
    "facet_time_limit_ms": "200",
    "max_returned_rows": "1000",
    "max_csv_mb": "50",
    "allow_download": "off",
    "suggest_facets": "off",
    "default_cache_ttl": "300",
}


def datasette_command(db: str, host: str, port: int, publish: bool = False, metadata: str | None = None) -> list[str]:
    """The `python -m datasette` command line that serves archive `db`."""
    meta = metadata or str(PUBLISH_METADATA if publish else METADATA)
    cmd = [sys.executable, "-m", "datasette", "serve"]
    cmd += ["-i", db] if publish else [db]
    cmd += ["-m", meta, "--plugins-dir", str(PLUGINS), "-h", host, "-p", str(port)]
    if publish:
        for name, value in PUBLISH_SETTINGS.items():
            cmd += ["--setting", name, value]
    return cmd


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--publish] [--host HOST] [--port PORT] [--metadata FILE] [--print]"

    def short_desc(self) -> str:
        return "Serve the archive (ARCHIVE_DB) with Datasette: article pages, search, queries, dashboard"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--publish", action="store_true",
                            help="serve as a public instance: immutable, datasette_publish.json (docs/publishing.md)")
        parser.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 with --publish)")
        parser.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks a free one)")
        parser.add_argument("--metadata", help="another metadata file (default datasette_meta.json, "
                                               "or datasette_publish.json with --publish)")
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="print the datasette command instead of running it")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("no arguments: the archive is ARCHIVE_DB (-s ARCHIVE_DB=PATH)")
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        host = opts.host or ("0.0.0.0" if opts.publish else "127.0.0.1")  # noqa: S104 - a public instance listens
        cmd = datasette_command(str(Path(path).resolve()), host, opts.port, opts.publish, opts.metadata)
        if opts.print_only:
            print(shlex.join(cmd))
            return
        if not Path(path).is_file():
            return self._fail(EXIT_ARCHIVE, f"archive {path} does not exist (run a crawl first, or -s ARCHIVE_DB=PATH)")
        if not opts.publish:  # a published copy is immutable: it was migrated when it was made
            try:
                open_archive(path, timeout=self.settings.getfloat("PORTAL_SQLITE_TIMEOUT",
                                                                  defaults.PORTAL_SQLITE_TIMEOUT)).close()
            except ArchiveError as exc:
                return self._fail(EXIT_ARCHIVE, str(exc))
        shown = "localhost" if host in ("0.0.0.0", "127.0.0.1") else host  # noqa: S104
        print(f"Serving {path} at http://{shown}:{opts.port}/archive (Ctrl-C stops)", file=sys.stderr, flush=True)
        # Datasette replaces this process: signals (Ctrl-C, a service manager's SIGTERM) reach the
        # server itself, and its exit status is the command's.
        os.chdir(PROJECT_ROOT)
        os.execv(cmd[0], cmd)

    def _fail(self, code: int, message: str) -> None:
        print(f"scrapy browse: {message}", file=sys.stderr)
        self.exitcode = code
