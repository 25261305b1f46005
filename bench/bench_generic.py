"""Generic mode against its floor, and the per-page cost of generic extraction, in one run.

    python bench/bench_generic.py                    # 3,000 articles (a few minutes on 2 cores)
    python bench/bench_generic.py --articles 500     # a quick look
    python bench/bench_generic.py --skip-crawl       # extraction, import and nothing else
    python bench/bench_generic.py --repeat 3         # the fastest of 3 crawls each (a loaded machine)
    python bench/bench_generic.py --server python    # the fallback server, for comparison
    python bench/bench_generic.py --workers 1        # import-warc and reextract without worker processes
    python bench/bench_generic.py --skip-crawl --baseline HEAD~2   # extraction against a revision

What it measures:

1. Crawl. A static portal with a 300-link mega-menu (bench/megamenu_portal.py: N articles,
   default 3,000, 18 news categories with 20 headlines a listing page and numbered pagers, 280
   menu pages) is rendered to files and served by nginx on 127.0.0.1 (bench/static_site.py; when
   nginx is missing, a Python static server, said loudly). Then, with the same Scrapy settings
   (bench/runner.py: concurrency 16 overall and per host, politeness off) and the same clock
   (bench/crawl_clock.py: spider open to close):
   - the floor: bench/floor_spider.py ``-a portal=megamenu`` by ``scrapy runspider`` outside the
     project (no project settings, pipelines or middlewares), following every same-host link
     and extracting title, date, views and body of the articles with CSS selectors;
   - ``scrapy crawl portal -a start_url=http://127.0.0.1:PORT/ -a max_pages=<all pages>`` in the
     project (generic mode: discovery, classification, extraction, normalization, raw pages,
     SQLite), into an archive in the temporary directory.
   Pages/s counts responses; the ratio is generic / floor (target >= 0.6). It also says how many
   of the portal's articles became rows, and which other pages did.
2. Extraction, pure, in this process: per page, ``GenericPage(url, html, now=...)`` then
   ``.verdict``, ``.fields`` for an article, ``.links`` and ``.pager`` (CPU time of the thread), the best of --rounds runs
   (default 3; the first run's median is printed too; each run reads every page once, in order,
   with the cache of chrome blocks emptied first, as a crawl meets them): median and p95 over (a) a sample of the
   mega-menu pages (articles, listings, menu pages, the home page) and (b) every page of
   ../shared/real-pages/ when that folder exists (read where it is, never copied; URLs from its
   truth.jsonl, bytes decoded as Scrapy decodes a response). Target: median <= 3 ms on both.
   With ``--baseline REV``, the same pages are also timed by revision REV's code, checked out in
   a temporary worktree, alternating with this tree's in child processes (bench/extraction_ab.py):
   the per-page ratio is the figure to trust on a shared host, where absolute times drift.
3. ``scrapy import-warc`` of a WARC of --warc-pages mega-menu pages (default 400, every kind, at
   a host no profile claims, so generic extraction reads them) into a fresh archive: pages/s of
   the import (the command's time minus that of the same command on an empty WARC: start-up,
   imports, a new archive's schema, starting the worker processes) and of the whole command.
   Target >= 300 pages/s.
4. ``scrapy reextract`` over the generic crawl's archive: pages/s as it reports them. Target
   >= 300 pages/s.

Both run with the project's PORTAL_EXTRACT_WORKERS (worker processes extracting pages; 0 = one
per CPU) unless --workers says otherwise.

Figures, not a test: it prints them and a table with the issue's targets.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from statistics import median
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from megamenu_portal import MegaMenuPortal  # noqa: E402
from runner import Run, check_crawl, describe, fastest, fmt_rate, ratio_rows, reextract_rate, run_floor, run_project  # noqa: E402
from static_site import StaticServer, exit_on_sigterm  # noqa: E402

REAL_PAGES = ROOT.parent / "shared" / "real-pages"
WARC_HOST = "http://megamenu.bench.invalid"  # no profile claims it: generic extraction


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- 1. crawl


def crawl(portal: MegaMenuPortal, site_dir: Path, tmp: Path, args: argparse.Namespace,
          rows: list[tuple[str, str, str, bool | None]]) -> Path | None:
    total = sum(1 for _ in site_dir.rglob("*") if _.is_file())
    with StaticServer(site_dir, prefer=args.server) as server:
        print(f"served by {server.kind} at {server.url}; concurrency {args.concurrency} (overall and per host), "
              "politeness off, both crawls")
        start = f"{server.url}/"
        floors: list[Run] = []
        fulls: list[tuple[Run, Path]] = []
        for i in range(args.repeat):
            tag = f" {i + 1}" if args.repeat > 1 else ""
            if not args.skip_floor:
                floors.append(run_floor(["-a", "portal=megamenu", "-a", f"start_url={start}"], args.concurrency,
                                        tmp / f"run{i}"))
                print(describe(floors[-1], f"floor{tag}:"))
            db = tmp / f"generic-{i}.db"
            run = run_project("generic crawl", [
                "crawl", "portal", "-a", f"start_url={start}", "-a", f"max_pages={total + 100}",
                "-s", f"ARCHIVE_DB={db}", *(a for setting in args.set for a in ("-s", setting))],
                args.concurrency, tmp / f"generic-clock-{i}.json")
            check_crawl(run)
            print(describe(run, f"generic{tag}:"))
            fulls.append((run, db))
    full, db = max(fulls, key=lambda pair: pair[0].rate)
    floor = fastest(floors) if floors else None
    if args.repeat > 1:
        print(f"  (the fastest of {args.repeat} runs of each is compared)")
    conn = sqlite3.connect(db)
    try:
        urls = [u for (u,) in conn.execute("select url from articles")]
    finally:
        conn.close()
    real = sum("/tin-tuc/" in u for u in urls)
    print(f"  articles stored: {real:,} of the portal's {len(portal.stories):,}"
          + (f"; also stored as articles: {len(urls) - real} other pages, e.g. "
             + ", ".join(sorted(u.split('/', 3)[-1] for u in urls if '/tin-tuc/' not in u)[:3])
             if len(urls) > real else ""))
    if floor is not None and floor.pages != full.pages:
        print(f"  note: the floor fetched {floor.pages:,} pages, the generic crawl {full.pages:,} "
              f"(the portal has {total:,})")
    if floor is not None:
        rows += ratio_rows("generic crawl", 0.6, [run for run, _ in fulls], floors)
    rss = max(run.rss_mb for run, _ in fulls)
    rows.append((f"peak RSS of the generic crawl ({full.pages:,} pages)", f"{rss:.0f} MB", "", None))
    return db


# ---------------------------------------------------------------- 2. extraction


def timed_extraction(url: str, html: str, now: datetime) -> tuple[float, str]:
    """CPU seconds of verdict + fields (articles) + links + pager, and the verdict. CPU time of
    this thread, not wall time: extraction is pure CPU work, and on a shared host the wall clock
    also counts the time other guests take the CPU away (it doubled some runs)."""
    from crawler.generic import ARTICLE, GenericPage

    started = time.thread_time()
    page = GenericPage(url, html, now=now)
    kind = page.verdict.kind
    if kind == ARTICLE:
        page.fields  # noqa: B018 - the work being timed
    page.links  # noqa: B018
    page.pager  # noqa: B018
    return time.thread_time() - started, kind


def report_times(label: str, pages: list[tuple[str, str, str]], rounds: int,
                 rows: list[tuple[str, str, str, bool | None]]) -> None:
    """`pages`: (url, html, what it is); prints median / p95 overall and by what it is.

    Each round reads every page once, in order, as a crawl would: the cache of chrome blocks
    (menus, headers, footers already read on an earlier page of the site) is emptied before each
    round, so no page is ever timed against a record of itself."""
    from crawler.generic.lines import forget_chrome_blocks
    from pipelines.normalize import now_vn

    now = now_vn()
    times: list[list[float]] = [[] for _ in pages]
    verdicts_of: list[str] = [""] * len(pages)
    for _ in range(rounds):
        forget_chrome_blocks()
        for i, (url, html, _what) in enumerate(pages):
            seconds, verdicts_of[i] = timed_extraction(url, html, now)
            times[i].append(seconds)
    results = [(what, t[0], min(t), verdict) for (_, _, what), t, verdict in zip(pages, times, verdicts_of, strict=True)]
    best = [r[2] for r in results]
    first = [r[1] for r in results]
    print(f"{label}: {len(results)} pages, median {median(best) * 1000:.1f} ms, p95 {pct(best, 0.95) * 1000:.1f} ms, "
          f"max {max(best) * 1000:.1f} ms (best of {rounds}; first run: median {median(first) * 1000:.1f} ms)")
    for what in sorted({r[0] for r in results}):
        sub = [r[2] for r in results if r[0] == what]
        verdicts: dict[str, int] = {}
        for r in results:
            if r[0] == what:
                verdicts[r[3]] = verdicts.get(r[3], 0) + 1
        print(f"  {what:<9} {len(sub):>4} pages: median {median(sub) * 1000:5.1f} ms, p95 {pct(sub, 0.95) * 1000:5.1f} ms;"
              f" verdicts {', '.join(f'{k} {v}' for k, v in sorted(verdicts.items()))}")
    # A yardstick measured in the same run: lxml parsing the same pages, which every extraction
    # does first. Machines (and a shared host's load) change both alike; their ratio changes less.
    parse = [parse_time(html, rounds) for _, html, _ in pages]
    ratio = median(b / p for b, p in zip(best, parse, strict=True) if p > 0)
    print(f"  yardstick: lxml parses these pages in a median {median(parse) * 1000:.2f} ms; extraction takes "
          f"{ratio:.1f} times a page's parse (median of the per-page ratios)")
    value = median(best) * 1000
    rows.append((f"extraction median, {label}", f"{value:.1f} ms", "<= 3 ms", value <= 3))
    rows.append((f"  p95, {label}", f"{pct(best, 0.95) * 1000:.1f} ms", "", None))
    rows.append((f"  / lxml parse of the page, {label}", f"{ratio:.1f}x", "", None))


def parse_time(html: str, rounds: int) -> float:
    """The best of `rounds` parses (CPU time) of a page by lxml, as generic extraction parses it."""
    from lxml import etree
    from parsel.selector import create_root_node

    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        create_root_node(html, etree.HTMLParser)
        best = min(best, time.thread_time() - started)
    return best


def megamenu_sample(site_dir: Path, portal: MegaMenuPortal, n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """About `n` rendered pages: 70 % articles, 15 % listing pages, 15 % menu pages, and the home page."""
    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {"article": [], "listing": [], "other": []}
    by_kind["article"] = [s.path for s in portal.stories]
    by_kind["listing"] = [p for p in (portal.listing_path(c, k) for c in portal.by_category
                                      for k in range(1, portal.pages_of(c) + 1))]
    by_kind["other"] = [p.path for p in portal.others]
    chosen = [("/", "home")]
    for kind, share in (("article", 0.7), ("listing", 0.15), ("other", 0.15)):
        paths = by_kind[kind]
        chosen += [(p, kind) for p in rng.sample(paths, min(len(paths), max(1, round(n * share))))]
    from static_site import file_for

    return [(f"http://127.0.0.1:8080{path}", file_for(site_dir, path).read_text(encoding="utf-8"), kind)
            for path, kind in chosen]


def real_pages(folder: Path) -> list[tuple[str, str, str]]:
    """Every HTML page of `folder`, decoded as Scrapy decodes a response, at its original URL."""
    from scrapy.http import HtmlResponse

    truth: dict[str, dict[str, Any]] = {}
    if (folder / "truth.jsonl").is_file():
        for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                truth[entry["file"]] = entry
    wayback = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(.+)$")
    out = []
    for path in sorted(folder.glob("*.html")):
        entry = truth.get(path.name, {})
        url = entry.get("url") or f"http://real-pages.invalid/{path.name}"
        match = wayback.match(url)
        url = match.group(1) if match else url
        response = HtmlResponse(url, body=path.read_bytes(), headers={"Content-Type": "text/html"})
        out.append((url, response.text, entry.get("kind", "page")))
    return out


# ---------------------------------------------------------------- 3. import-warc


def write_warc(path: Path, site_dir: Path, portal: MegaMenuPortal, n: int, seed: int = 11) -> int:
    """A gzipped WARC of `n` mega-menu pages of every kind, in proportion, at WARC_HOST."""
    from static_site import file_for
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    every = ["/", *(portal.listing_path(c, k) for c in portal.by_category for k in range(1, portal.pages_of(c) + 1)),
             *(p.path for p in portal.others), *(s.path for s in portal.stories)]
    chosen = rng.sample(every, min(n, len(every)))
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench/bench_generic.py"}))
        for url_path in chosen:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            body = file_for(site_dir, url_path).read_bytes()
            writer.write_record(writer.create_warc_record(
                WARC_HOST + url_path, "response", payload=BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": stamp}))
    return len(chosen)


def workers_setting(workers: int | None) -> list[str]:
    """``-s PORTAL_EXTRACT_WORKERS=N`` for import-warc and reextract (none: the project's default)."""
    return [] if workers is None else ["-s", f"PORTAL_EXTRACT_WORKERS={workers}"]


def bench_import(site_dir: Path, portal: MegaMenuPortal, tmp: Path, n: int,
                 rows: list[tuple[str, str, str, bool | None]], workers: int | None = None, runs: int = 3) -> None:
    """`scrapy import-warc` of `n` pages into a fresh archive, and of one page of the same site
    (the command's start-up: interpreter, imports, registry, a new archive's schema, the worker
    processes, and the first site's tagging, which builds the administrative-units index once
    per process): the import's own rate is (n - 1) / (the first's time - the second's). Each is
    run `runs` times, alternately, into a fresh archive each time; the fastest of each counts (a
    shared host moved single runs by 2x). The rate against an empty WARC (no site tagged, no
    page read: the measure before 2026-12-04) is printed too."""
    warc, one, empty = tmp / "megamenu.warc.gz", tmp / "one.warc.gz", tmp / "empty.warc.gz"
    pages = write_warc(warc, site_dir, portal, n)
    write_warc(one, site_dir, portal, 1)
    write_warc(empty, site_dir, portal, 0)
    best: dict[str, Any] = {}
    for round_ in range(runs):
        for name, path in (("empty", empty), ("one", one), ("pages", warc)):
            if name == "empty" and round_:
                continue  # for the old measure only: once is enough
            db = tmp / f"import-{name}-{round_}.db"
            result = run_project("scrapy import-warc", ["import-warc", str(path), "-s", f"ARCHIVE_DB={db}",
                                                        *workers_setting(workers)])
            if result.rc != 0 or "records read" not in result.stdout:
                raise SystemExit(f"scrapy import-warc failed ({result.rc}):\n{result.tail()}")
            if name not in best or result.wall < best[name].wall:
                best[name] = result
    imported = best["pages"].wall - best["one"].wall
    articles = re.search(r"articles new: (\d+)", best["pages"].stdout)
    rate = (pages - 1) / imported if imported > 0 else float("inf")
    old = pages / (best["pages"].wall - best["empty"].wall) if best["pages"].wall > best["empty"].wall else float("inf")
    print(f"import-warc:   {pages} pages ({warc.stat().st_size / 2**20:.1f} MB gzipped; "
          f"{articles.group(1) if articles else 0} new articles) in {best['pages'].wall:.2f} s, one page in "
          f"{best['one'].wall:.2f} s (start-up), an empty WARC in {best['empty'].wall:.2f} s (fastest of {runs}): "
          f"{fmt_rate(rate)} pages/s importing ({fmt_rate(old)} against the empty WARC), "
          f"{fmt_rate(pages / best['pages'].wall)} pages/s for the whole command; peak RSS {best['pages'].rss_mb:.0f} MB")
    rows.append(("scrapy import-warc, pages/s (start-up excluded)", fmt_rate(rate), ">= 300", rate >= 300))
    rows.append(("  same, start-up measured on an empty WARC", fmt_rate(old), "", None))
    rows.append(("  same, whole command", fmt_rate(pages / best["pages"].wall), "", None))


def bench_reextract(db: Path, rows: list[tuple[str, str, str, bool | None]], workers: int | None = None) -> None:
    result = run_project("scrapy reextract", ["reextract", "-s", f"ARCHIVE_DB={db}", *workers_setting(workers)])
    pages, seconds, rate = reextract_rate(result)
    print(f"reextract:     {pages:,} pages in {seconds:.1f} s = {fmt_rate(rate)} pages/s (process {result.wall:.1f} s)")
    rows.append(("scrapy reextract, pages/s", fmt_rate(rate), ">= 300", rate >= 300))


# ---------------------------------------------------------------- main


def print_table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'measured':>12}  {'target':<8} ")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("met" if ok else "NOT met")
        print(f"{name:<{width}}  {value:>12}  {target:<8} {verdict}")


def against_baseline(args: argparse.Namespace, samples: list[tuple[str, list[tuple[str, str, str]]]],
                     rows: list[tuple[str, str, str, bool | None]]) -> None:
    """Extraction of this tree against revision `args.baseline`, alternating, on the same pages."""
    from extraction_ab import checkout, compare

    with checkout(args.baseline) as tree:
        for label, pages in samples:
            if pages:
                _, _, ratio, whole = compare(label, pages, tree, args.baseline, args.ab_runs, args.rounds)
                rows.append((f"  / {args.baseline}, {label} (per page, same run)", f"{ratio:.2f}x", "", None))
                rows.append((f"  / {args.baseline}, {label} (whole rounds, same run)", f"{whole:.2f}x", "", None))


def step(name: str, fn: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = fn()
    print(f"  ({name}: {time.monotonic() - started:.0f} s)", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="articles in the mega-menu portal (default 3000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight, both crawls (default 16)")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument("--skip-floor", action="store_true", help="no floor crawl (no ratio)")
    parser.add_argument("--skip-crawl", action="store_true", help="no crawls at all (and so no reextract)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run floor and generic crawl N times each, alternately, and compare the fastest")
    parser.add_argument("--sample", type=int, default=300, help="mega-menu pages timed for extraction (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="runs over the pages; each page's best counts (default 3)")
    parser.add_argument("--warc-pages", type=int, default=400, help="pages in the imported WARC (default 400)")
    parser.add_argument("--import-runs", type=int, default=3,
                        help="runs of each import-warc measure, alternating; the fastest counts (default 3)")
    parser.add_argument("--real-pages", type=Path, default=REAL_PAGES, help=f"default {REAL_PAGES}")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the generic crawl")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes of import-warc and reextract (default: the project's PORTAL_EXTRACT_WORKERS)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also time the extraction of git revision REV on the same pages, alternating with this "
                             "tree (bench/extraction_ab.py), and print the per-page ratio")
    parser.add_argument("--ab-runs", type=int, default=2, help="with --baseline: timed runs a side (default 2)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    from crawler.generic.lines import C_WALK

    # Which line walk extraction runs here (crawler/generic/lines.py: the C one when speedups/ is built).
    walk = "C (speedups/, built)" if C_WALK is not None else "Python (speedups/ not built, or VNGOV_PYTHON_WALK set)"
    print(f"line walk: {walk}")
    rows: list[tuple[str, str, str, bool | None]] = []
    portal = MegaMenuPortal(args.articles)
    with tempfile.TemporaryDirectory(prefix="bench-generic-") as tmp_name:
        tmp = Path(tmp_name)
        site_dir = tmp / "site"
        started = time.perf_counter()
        counts = portal.render(site_dir)
        print(f"mega-menu portal: {portal.menu_links} menu links on every page; {counts['article']:,} articles, "
              f"{counts['listing']:,} listing pages, {counts['other']:,} menu pages, home "
              f"({counts['bytes'] / 2**20:,.0f} MB) rendered in {time.perf_counter() - started:.1f} s")
        db = None if args.skip_crawl else step("crawls", lambda: crawl(portal, site_dir, tmp, args, rows))
        sample = megamenu_sample(site_dir, portal, args.sample)
        step("extraction", lambda: report_times("mega-menu pages", sample, args.rounds, rows))
        reals = real_pages(args.real_pages) if any(args.real_pages.glob("*.html")) else []
        if reals:
            step("real pages", lambda: report_times("real pages", reals, args.rounds, rows))
        else:
            print(f"real pages: none at {args.real_pages} (kept outside the repository); skipped")
        if args.baseline:
            step("against the baseline", lambda: against_baseline(args, [("mega-menu pages", sample),
                                                                       ("real pages", reals)], rows))
        step("import-warc", lambda: bench_import(site_dir, portal, tmp, args.warc_pages, rows, args.workers, args.import_runs))
        if db is not None:
            step("reextract", lambda: bench_reextract(db, rows, args.workers))
    print_table(rows)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
