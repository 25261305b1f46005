"""The main job, end to end on the bundled sample portal: `python -m sample_portal.demo`.

Starts the sample portal on 127.0.0.1, runs `scrapy crawl portal -a site=sample` against it in a
subprocess (exactly what a cron job would run), then prints a summary of the archive and how to
browse it. Politeness is relaxed for this local server only (no delay, more concurrency).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler import settings as defaults  # the one place for defaults
from sample_portal import SamplePortalServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_ONLY_SETTINGS = [
    "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "RETRY_TIMES=1",
]


def previous_runs(db: str) -> int:
    """Crawls already in the archive: readers' visits since then make the sample counters grow."""
    if not Path(db).exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from crawl_runs").fetchone()[0])
    except sqlite3.Error:
        return 0  # not an archive yet (the crawl will say what is wrong with it)


def crawl_command(base_url: str, db: str, site: str = "sample", log_level: str = "INFO",
                  full: bool = False) -> list[str]:
    """The `scrapy crawl` command line for a sample site served at `base_url`."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}",
           "-s", f"SAMPLE_PORTAL_URL={base_url}", "-s", f"ARCHIVE_DB={db}", "-s", f"LOG_LEVEL={log_level}"]
    if full:
        cmd += ["-a", "full=1"]
    for setting in LOCAL_ONLY_SETTINGS:
        cmd += ["-s", setting]
    return cmd


def summarize(db_path: str, site: str) -> str:
    """A few lines on what the archive holds for `site`: counts and field coverage."""
    conn = sqlite3.connect(db_path)
    try:
        total, dated, timed, viewed, authored = conn.execute(
            """select count(*), count(published_at), sum(published_precision != 'day'),
                      count(view_count), sum(authors != '[]')
               from articles where site = ?""", [site]).fetchone()
        observations = conn.execute(
            "select count(*) from view_counts where article_key in (select article_key from articles where site = ?)",
            [site]
        ).fetchone()[0]
        failures = conn.execute("select count(*) from failures where site = ?", [site]).fetchone()[0]
    finally:
        conn.close()
    pct = (lambda n: f"{(n or 0) * 100 / total:.0f}%") if total else (lambda n: "-")
    return "\n".join([
        f"articles:      {total}",
        f"dates:         {dated} ({pct(dated)}), with a time of day: {timed or 0}",
        f"view counts:   {viewed} ({pct(viewed)})",
        f"authors:       {authored or 0} ({pct(authored)})",
        f"observations:  {observations} view-count rows; failures recorded: {failures}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=defaults.ARCHIVE_DB, help=f"archive to write (default: {defaults.ARCHIVE_DB})")
    parser.add_argument("--port", type=int, default=0, help="port for the sample portal (default: any free one)")
    parser.add_argument("--quiet", action="store_true", help="crawl log at WARNING instead of INFO")
    args = parser.parse_args(argv)
    db = str(Path(args.db).resolve())
    with SamplePortalServer(port=args.port, visits=previous_runs(db)) as server:
        base = server.url.rstrip("/")
        print(f"Sample portal serving at {base}/ ; crawling it into {db}", flush=True)
        started = time.monotonic()
        # A full walk: every run of the demo visits every article, so each run adds one
        # view_counts observation per article (cron runs are incremental by default).
        result = subprocess.run(crawl_command(base, db, log_level="WARNING" if args.quiet else "INFO", full=True),
                                cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
        duration = time.monotonic() - started
    print(f"\nCrawl finished with exit code {result.returncode} in {duration:.1f} s.")
    if Path(db).exists():
        print(summarize(db, "sample"))
        python = os.path.relpath(sys.executable) if sys.prefix != sys.base_prefix else "python3"
        print(f"\nBrowse it:  {python} -m datasette {os.path.relpath(db)} -m datasette_meta.json"
              " --plugins-dir datasette_plugins   (then open http://127.0.0.1:8001/)")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
