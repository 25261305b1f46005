"""`scrapy dist-status [--watch SECONDS] [--json]`: a distributed run's progress, from Redis."""
from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand

from crawler.commands.dist_writer import redis_error
from pipelines.outcome import EXIT_ARCHIVE

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--watch SECONDS] [--json]"

    def short_desc(self) -> str:
        return "Show a distributed run's progress: queue, workers, items waiting for the writer"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--watch", type=float, default=0, metavar="SECONDS", help="print again every SECONDS")
        parser.add_argument("--json", action="store_true", help="one JSON object per print")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.distributed.spider import frontier_from_settings
        from crawler.distributed.status import render, snapshot

        frontier = frontier_from_settings(self.settings or {})
        try:
            while True:
                snap = snapshot(frontier)
                print(json.dumps(snap, ensure_ascii=False) if opts.json else render(snap), flush=True)
                if opts.watch <= 0:
                    return
                time.sleep(opts.watch)
                if not opts.json:
                    print()
        except KeyboardInterrupt:
            return
        except Exception as exc:  # noqa: BLE001 - any connection error: one clear line
            print(f"error: {redis_error(self.settings, exc)}", file=sys.stderr)
            self.exitcode = EXIT_ARCHIVE
