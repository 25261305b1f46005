"""Crawl throughput and memory of a profile crawl against a true floor, in one run.

    python bench/bench_crawl.py                      # 5,000 extra articles (2-3 minutes on 2 cores)
    python bench/bench_crawl.py --repeat 3           # the fastest of 3 runs each (a loaded machine)
    python bench/bench_crawl.py --articles 100000 --skip-floor --skip-reextract   # peak memory at scale
    python bench/bench_crawl.py --server python      # a Python server instead, for comparison
    python bench/bench_crawl.py -s PORTAL_SQLITE_BATCH=100      # a setting for the full crawl

What it does:

1. Renders the SharePoint sample portal with N extra articles (`sample_portal`, site
   ``sample``) to files in a temporary directory: every page a full crawl requests, its four
   category listings and all their pages, and every article (bench/static_site.py). The sample
   paginates by ASP.NET postbacks, which a static server cannot answer: the rendered listings are
   the GET variant, where the pager's "Tiếp" is a plain link to ``<listing>.aspx?Page=N`` (the
   page the postback returns; see static_site.py). Both crawls below follow it the same way; the
   profile (`sharepoint_portal`) is the project's, unchanged.
2. Serves that directory with nginx on 127.0.0.1 (started and stopped here; when nginx is
   missing, the run says so and falls back to a Python static server, which may be the
   bottleneck).
3. The floor: bench/floor_spider.py by ``scrapy runspider`` from an empty directory outside the
   project, so none of the project's settings, item pipelines or middlewares load; it follows
   the same listings, pagers and article links and extracts title, date, views and body with CSS
   selectors, yielding dicts to nowhere.
4. The crawl: ``scrapy crawl portal -a site=sample -a full=1`` in the project, into an archive in
   the temporary directory (never the project's archive.db): extraction, normalization,
   raw-page storage, SQLite, everything.
5. ``scrapy reextract`` over what the crawl stored (its own pages/s figure, start-up excluded).

Both crawls get the same Scrapy settings (bench/runner.py: the same concurrency overall and per
host, default 16; no delay, no AutoThrottle, no robots.txt; the project's values of the Scrapy
settings that change Scrapy's speed) and are timed alike by bench/crawl_clock.py, from spider
open to spider close (the crawl's last batch written included, interpreter start-up excluded; the
whole process's time is printed too). Pages/s counts responses. Peak RSS is each crawl process's
maximum resident set (its rusage, as getrusage(RUSAGE_CHILDREN) gives it).

Targets (the issue): profile crawl >= 0.8 x the floor on the same portal in the same run;
re-extraction >= 300 pages/s; peak memory <= 400 MB at 100,000 articles. Figures, not a test.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from runner import Run, check_crawl, describe, fastest, fmt_rate, ratio_rows, reextract_rate, run_floor, run_project  # noqa: E402
from static_site import StaticServer, exit_on_sigterm, render_sample_portal  # noqa: E402

from sample_portal import SamplePortal  # noqa: E402


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="extra articles in the sample portal (default 5000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight, both crawls (default 16)")
    parser.add_argument("--skip-floor", action="store_true", help="only the full crawl (for memory runs)")
    parser.add_argument("--skip-reextract", action="store_true")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run floor and crawl N times each, alternately, and compare the fastest (default 1)")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto",
                        help="auto: nginx if installed, else the Python fallback (default)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="copy the crawl's archive to DIR/archive.db (e.g. to profile scrapy reextract on it)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the full crawl (e.g. PORTAL_SQLITE_BATCH=100)")
    args = parser.parse_args(argv)
    exit_on_sigterm()

    portal = SamplePortal(extra_articles=args.articles)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp_name:
        tmp = Path(tmp_name)
        site_dir = tmp / "site"
        rendered = render_sample_portal(portal, site_dir, progress=True)
        print(f"sample portal: {rendered.articles:,} articles + {rendered.listing_pages:,} listing pages rendered "
              f"({rendered.bytes / 2**20:,.0f} MB) in {rendered.seconds:.1f} s")
        floors: list[Run] = []
        fulls: list[tuple[Run, Path]] = []
        with StaticServer(site_dir, prefer=args.server) as server:
            print(f"served by {server.kind} at {server.url}; concurrency {args.concurrency} (overall and per host), "
                  "politeness off, both crawls")
            for i in range(args.repeat):
                tag = f" {i + 1}" if args.repeat > 1 else ""
                if not args.skip_floor:
                    floors.append(run_floor(["-a", "portal=sample", "-a", f"base={server.url}"], args.concurrency,
                                            tmp / f"run{i}"))
                    print(describe(floors[-1], f"floor{tag}:"))
                db = tmp / f"archive-{i}.db"
                full = run_project("scrapy crawl portal", [
                    "crawl", "portal", "-a", "site=sample", "-a", "full=1", "-s", f"SAMPLE_PORTAL_URL={server.url}",
                    "-s", f"ARCHIVE_DB={db}", *(a for setting in args.set for a in ("-s", setting))],
                    args.concurrency, tmp / f"full-clock-{i}.json")
                check_crawl(full)
                print(describe(full, f"full crawl{tag}:") + f"; {count(db, 'select count(*) from articles'):,} articles")
                fulls.append((full, db))
        full, db = max(fulls, key=lambda pair: pair[0].rate)
        floor = fastest(floors) if floors else None
        if args.repeat > 1:
            print(f"  (the fastest of {args.repeat} runs of each is compared)")
        if full.pages != rendered.pages:
            print(f"  note: the full crawl fetched {full.pages:,} of the {rendered.pages:,} rendered pages")
        if floor is not None and floor.pages != full.pages:
            print(f"  note: the floor fetched {floor.pages:,} pages, the full crawl {full.pages:,}")
        rows = []
        if floor is not None:
            rows += ratio_rows("profile crawl", 0.8, [run for run, _ in fulls], floors)
        if not args.skip_reextract:
            result = run_project("scrapy reextract", ["reextract", "-s", f"ARCHIVE_DB={db}",
                                                      "-s", f"SAMPLE_PORTAL_URL={server.url}"])
            pages, seconds, rate = reextract_rate(result)
            print(f"reextract:     {pages:,} pages in {seconds:.1f} s = {fmt_rate(rate)} pages/s "
                  f"(process {result.wall:.1f} s)")
            rows.append(("scrapy reextract, pages/s", fmt_rate(rate), ">= 300", rate >= 300))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            source, target = sqlite3.connect(db), sqlite3.connect(args.keep / "archive.db")
            source.backup(target)  # WAL included
            source.close()
            target.close()
            print(f"archive kept: {args.keep / 'archive.db'}")
        at = f"at {portal.article_count:,} articles"
        rss = max(run.rss_mb for run, _ in fulls)
        rows.append((f"peak RSS of the crawl {at}", f"{rss:.0f} MB", "<= 400 MB at 100,000",
                     rss <= 400 if portal.article_count >= 100_000 else None))
        print_table(rows)
    return 0


def print_table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'measured':>10}  {'target':<22} ")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("met" if ok else "NOT met")
        print(f"{name:<{width}}  {value:>10}  {target:<22} {verdict}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
