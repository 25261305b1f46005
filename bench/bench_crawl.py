"""Crawl throughput and memory: the full pipeline against the bare-Scrapy floor, in one run.

    python bench/bench_crawl.py                    # 5,000 extra articles: pages/s, ratio, reextract pages/s
    python bench/bench_crawl.py --articles 100000 --skip-floor   # memory at scale (takes minutes)

Serves a SharePoint sample portal of N extra articles on 127.0.0.1, then crawls it twice, each in
its own `scrapy` process with the same concurrency and politeness off: (a) `scrapy crawl portal`
with everything (extraction, normalization, raw-page storage, SQLite), (b) bench/floor_spider.py,
which follows the same links with CSS selectors and yields URL and title only. Prints pages/s of
both, the ratio (target >= 0.75), each process's peak RSS (target <= 400 MB at 100,000), and the
speed of `scrapy reextract` over the pages the full crawl stored (target >= 300 pages/s).
Figures, not a test.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.sample_portal import SamplePortal, SamplePortalServer  # noqa: E402

LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
         "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False"]


def measured(cmd: list[str]) -> tuple[float, int, str]:
    """Run `cmd` through a wrapper that reports the child's peak RSS: (seconds, peak KiB, stdout)."""
    wrapper = ("import json, resource, subprocess, sys, time; t = time.monotonic(); "
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(json.dumps({'s': time.monotonic() - t, 'rc': p.returncode, 'out': p.stdout, 'err': p.stderr[-3000:], "
               "'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")
    result = subprocess.run([sys.executable, "-c", wrapper, *cmd], cwd=ROOT, capture_output=True, text=True)
    data = json.loads(result.stdout)
    if data["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd[:6])}... failed ({data['rc']}):\n{data['err']}")
    return data["s"], data["rss"], data["out"]


def responses(db: Path) -> int:
    import sqlite3
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from raw_pages").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="extra articles in the sample portal")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-floor", action="store_true", help="only the full crawl (for memory runs)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the full crawl (e.g. PORTAL_SQLITE_BATCH=100)")
    args = parser.parse_args()
    conc = ["-s", f"CONCURRENT_REQUESTS={args.concurrency}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}"]
    portal = SamplePortal(extra_articles=args.articles)
    print(f"sample portal: {portal.article_count} articles; concurrency {args.concurrency}; politeness off")
    with tempfile.TemporaryDirectory() as tmp, SamplePortalServer(portal=portal, log_requests=False) as srv:
        db = Path(tmp) / "bench.db"
        full_cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=sample", "-a", "full=1",
                    "-s", f"SAMPLE_PORTAL_URL={srv.url}", "-s", f"ARCHIVE_DB={db}", *LOCAL, *conc,
                    *(a for setting in args.set for a in ("-s", setting))]
        full_s, full_rss, _ = measured(full_cmd)
        pages = responses(db)
        print(f"full pipeline: {pages} pages in {full_s:.1f} s = {pages / full_s:.0f} pages/s, peak RSS {full_rss / 1024:.0f} MB")
        if not args.skip_floor:
            floor_cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "floor_spider.py"),
                         "-a", f"base={srv.url}", "-o", str(Path(tmp) / "floor.jsonl"), *LOCAL, *conc]
            floor_s, floor_rss, _ = measured(floor_cmd)
            floor_items = sum(1 for _ in open(Path(tmp) / "floor.jsonl", encoding="utf-8"))
            floor_pages = floor_items + (pages - portal.article_count)  # the same listing pages
            print(f"floor spider:  {floor_pages} pages in {floor_s:.1f} s = {floor_pages / floor_s:.0f} pages/s, "
                  f"peak RSS {floor_rss / 1024:.0f} MB")
            print(f"ratio full/floor: {(pages / full_s) / (floor_pages / floor_s):.2f}  (target >= 0.75)")
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "-s", f"ARCHIVE_DB={db}",
                              "-s", f"SAMPLE_PORTAL_URL={srv.url}"], cwd=ROOT, capture_output=True, text=True)
        print(f"reextract: {out.stdout.strip().splitlines()[-1]} (process total {time.monotonic() - started:.1f} s; "
              "target >= 300 pages/s)")


if __name__ == "__main__":
    main()
