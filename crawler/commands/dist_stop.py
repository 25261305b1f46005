"""`scrapy dist-stop [--discard]`: stop a distributed run, to resume it later.

Workers finish the requests they hold and leave; the writer writes what they sent, closes the run's
`crawl_runs` row as interrupted and exits 5; the queue and the seen set stay in Redis, and the next
`scrapy dist-writer` (same arguments) resumes the run. `--discard` then forgets the run in Redis
(the archive keeps everything written): the next `scrapy dist-writer` starts a new run.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand

from crawler.commands.dist_writer import redis_error
from pipelines.outcome import EXIT_ARCHIVE, EXIT_BUSY

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--discard]"

    def short_desc(self) -> str:
        return "Stop a distributed run (resumable); --discard forgets a stopped run"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--discard", action="store_true",
                            help="forget the run in Redis once it is stopped (what was written stays in the archive)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.distributed.spider import frontier_from_settings

        frontier = frontier_from_settings(self.settings or {})
        try:
            run = frontier.run()
            status = run.get("status")
            if not run:
                print(f"no distributed run under prefix {frontier.p!r}")
                return
            if opts.discard:
                if status in ("running", "seeding") and frontier.workers():
                    print(f"error: run {run.get('run_id')} is {status} with live workers: `scrapy dist-stop` first, "
                          "then --discard once it has stopped", file=sys.stderr)
                    self.exitcode = EXIT_BUSY
                    return
                frontier.clear()
                print(f"run {run.get('run_id')} forgotten (prefix {frontier.p!r}); the archive keeps what was written")
                return
            if status in ("finished", "stopped"):
                print(f"run {run.get('run_id')} is already {status}")
                return
            frontier.set_run(stop="1")
            print(f"stop requested for run {run.get('run_id')}: workers finish what they hold, the writer writes it "
                  "and exits 5; `scrapy dist-writer` with the same arguments resumes")
        except Exception as exc:  # noqa: BLE001 - any connection error: one clear line
            print(f"error: {redis_error(self.settings, exc)}", file=sys.stderr)
            self.exitcode = EXIT_ARCHIVE
