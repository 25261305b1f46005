"""A crawl's extraction in worker processes (crawler/page_workers.py): the same readings as in the
crawl's process, exceptions carried back, nothing lost when a worker dies, workers started only
when extraction keeps the crawl busy; and end to end, `scrapy crawl` with workers stores exactly
what it stores without them."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crawler.page_workers import ArticleReading, ListingReading, PageWorkers, read_article, read_listing
from crawler.profiles.model import SiteProfile
from crawler.sites import load_registry
from sample_portal import SamplePortal, SamplePortalServer
from sample_portal.demo import crawl_command
from sample_portal.sharepoint import SharePointSite
from tests.conftest import REPO_ROOT, query

BASE = "http://127.0.0.1:8765"


def sample_site() -> SiteProfile:
    registry = load_registry({"PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml"),
                              "PORTAL_FAMILIES_DIR": str(REPO_ROOT / "crawler/profiles/families"),
                              "SAMPLE_PORTAL_URL": BASE})
    return registry["sample"]


def sample_pages(articles: int = 40) -> list[tuple[str, str, str]]:
    """(kind, url, html) of the sample portal's first listing pages and `articles` articles."""
    portal = SamplePortal()
    site = SharePointSite(portal)
    pages = []
    for listing in portal.categories:
        status, _, body = site.handle("GET", listing.path[len(portal.mount):], "", {})
        assert status == 200
        pages.append(("listing", BASE + listing.path, body.decode("utf-8")))
    for i, article in enumerate(portal.articles()):
        if i == articles:
            break
        status, _, body = site.handle("GET", article.path[len(portal.mount):], "", {})
        assert status == 200
        pages.append(("article", BASE + article.path, body.decode("utf-8")))
    return pages


# How the spider asks for an article: when and how the page was fetched, for its item.
FETCH = ("2026-12-01T10:00:00+07:00", 200, "")


def here(kind: str, url: str, html: str, site: SiteProfile) -> Any:
    return read_article(url, html, site, FETCH) if kind == "article" else read_listing(url, html, site)


def sent(kind: str, url: str, html: str) -> tuple[str, str, bytes, str]:
    """A page as the spider sends it: the bytes received and the encoding Scrapy found."""
    return kind, url, html.encode("utf-8"), "utf-8"


def arg(kind: str) -> Any:
    return FETCH if kind == "article" else None


async def until(condition: Any, timeout: float = 60.0) -> None:
    """Wait (on the event loop, which drives the workers' pipes) until `condition()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_workers_read_every_page_as_the_crawls_process_does() -> None:
    site = sample_site()
    pages = sample_pages()
    expected = [here(kind, url, html, site) for kind, url, html in pages]
    assert sum(isinstance(r, ArticleReading) and r.item is not None and r.item.normalized is not None
               for r in expected) == 40
    assert all(r.links for r in expected if isinstance(r, ListingReading))

    async def main() -> tuple[list[Any], int, int]:
        workers = PageWorkers([site], workers=2, busy_share=0)
        try:
            first = await workers.read(*sent(*pages[0]), site, arg(pages[0][0]))  # busy share 0: this page starts them
            assert workers.started
            await until(lambda: workers.running == 2)
            got = await asyncio.gather(*(workers.read(*sent(kind, url, html), site, arg(kind)) for kind, url, html in pages))
            return [first, *got], workers.read_by_workers, workers.lost
        finally:
            workers.close()

    got, by_workers, lost = run(main())
    assert got == [expected[0], *expected]
    assert by_workers == len(pages) and lost == 0


def test_an_exception_in_a_worker_is_raised_in_the_callback_as_in_process() -> None:
    site = sample_site()
    broken = replace(site, article=replace(site.article, title=("h1:unknown-pseudo-class",)))
    kind, url, html = next(p for p in sample_pages(1) if p[0] == "article")
    with pytest.raises(Exception) as in_process:
        read_article(url, html, broken, FETCH)

    async def main() -> BaseException:
        workers = PageWorkers([broken], workers=2, busy_share=0)
        try:
            await workers.read("listing", BASE + "/x", b"<html></html>", "utf-8", broken)
            await until(lambda: workers.running == 2)
            with pytest.raises(Exception) as in_worker:
                await workers.read(*sent(kind, url, html), broken, FETCH)
            assert workers.read_by_workers == 1
            return in_worker.value
        finally:
            workers.close()

    error = run(main())
    assert type(error).__name__ == type(in_process.value).__name__
    assert str(error) == str(in_process.value)
    assert any("raised in an extraction worker process" in note for note in error.__notes__)


def test_pages_a_dead_worker_held_are_read_again_here() -> None:
    site = sample_site()
    pages = [p for p in sample_pages(10) if p[0] == "article"]
    expected = [here(kind, url, html, site) for kind, url, html in pages]

    async def main() -> tuple[list[Any], int, int, int]:
        workers = PageWorkers([site], workers=2, busy_share=0)
        try:
            await workers.read(*sent(*pages[0]), site, FETCH)
            await until(lambda: workers.running == 2)
            pids = [w.proc.pid for w in workers._workers]
            for pid in pids:  # stopped, they hold the pages sent to them without answering
                os.kill(pid, signal.SIGSTOP)
            reads = [asyncio.ensure_future(workers.read(*sent(kind, url, html), site, FETCH)) for kind, url, html in pages]
            await asyncio.sleep(0)
            held = sum(len(w.pending) for w in workers._workers)
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            got = await asyncio.wait_for(asyncio.gather(*reads), timeout=60)
            after = await workers.read(*sent(*pages[1]), site, FETCH)  # no worker left: read here
            return [*got, after], held, workers.lost, workers.running
        finally:
            workers.close()

    got, held, lost, running = run(main())
    assert held == len(pages)
    assert got == [*expected, expected[1]]
    assert lost == 2 and running == 0


def test_workers_start_only_when_extraction_keeps_the_crawl_busy() -> None:
    site = sample_site()
    kind, url, html = next(p for p in sample_pages(1) if p[0] == "article")

    async def main(share: float, pause: float, count: int = 2) -> bool:
        workers = PageWorkers([site], workers=count, busy_share=share)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 1.5  # past one window of the busy count
            while loop.time() < deadline:
                await workers.read(*sent(kind, url, html), site, FETCH)
                await asyncio.sleep(pause)
            return workers.started
        finally:
            workers.close()

    # A page every 0.2 s (a polite crawl's pace and faster) keeps extraction far below half the time.
    assert run(main(0.5, 0.2)) is False
    # Pages back to back: extraction is all the crawl does.
    assert run(main(0.5, 0.0)) is True
    # workers=1 (the process alone): never, even asked to start at the first page.
    assert run(main(0.0, 0.0, count=1)) is False


@pytest.mark.parametrize(("setting", "message"), [
    ("PORTAL_EXTRACT_WORKERS=-1", "PORTAL_EXTRACT_WORKERS must be 0 (one per CPU), 1 (no worker processes) or more, "
                                  "not -1"),
    ("PORTAL_EXTRACT_WORKERS_BUSY=1.5", "PORTAL_EXTRACT_WORKERS_BUSY must be a share between 0 and 1, not 1.5"),
])
def test_worker_settings_out_of_range_exit_2(setting: str, message: str, tmp_path: Path) -> None:
    cmd = crawl_command(BASE, str(tmp_path / "a.db")) + ["-s", setting]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"error: configuration error: {message}" in result.stderr
    assert not (tmp_path / "a.db").exists()


# Columns that differ between any two runs (times, the run's id) or by design between crawls.
RUN_DEPENDENT = {"first_seen_at", "fetched_at", "last_changed_at", "crawl_run_id", "observed_at", "started_at",
                 "completed_at", "finished_at", "id", "run_id", "duration_seconds", "stats", "applied_at"}


# The sample portal's pages show the time of the request (a header clock): their bytes differ
# between any two crawls.
PAGE_BYTES = {"body", "body_sha1", "body_size", "same_as"}


def archive_rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        cursor = conn.execute(f"select * from [{table}]")
        left_out = RUN_DEPENDENT | (PAGE_BYTES if table == "raw_pages" else set())
        keep = [i for i, d in enumerate(cursor.description) if d[0] not in left_out]
        return sorted(tuple(row[i] for i in keep) for row in cursor)
    finally:
        conn.close()


def crawl_alone_and_with_workers(tmp_path: Path, *settings: str,
                                 env: dict[str, str] | None = None) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """`scrapy crawl` of the sample portal twice, into ``alone.db`` (no workers) and ``workers.db``
    (2 workers from the first page on): name -> (archive, finished process)."""
    runs = {}
    with SamplePortalServer() as server:
        for name, workers in (("alone", "1"), ("workers", "2")):
            db = tmp_path / f"{name}.db"
            cmd = crawl_command(server.url.rstrip("/"), str(db), full=True) + [
                "-s", f"PORTAL_EXTRACT_WORKERS={workers}", "-s", "PORTAL_EXTRACT_WORKERS_BUSY=0", *settings]
            runs[name] = (db, subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, env=env))
    assert "Reading pages in 2 worker processes (PORTAL_EXTRACT_WORKERS_BUSY is 0)" in runs["workers"][1].stderr
    assert "worker processes" not in runs["alone"][1].stderr
    return runs


def test_a_crawl_with_workers_stores_what_one_without_them_stores(tmp_path: Path) -> None:
    runs = crawl_alone_and_with_workers(tmp_path)
    for _, result in runs.values():
        assert result.returncode == 0, result.stderr[-3000:]
    alone, workers = runs["alone"][0], runs["workers"][0]
    by_workers = [line for line in runs["workers"][1].stderr.splitlines() if "pages read by extraction workers" in line]
    assert by_workers and int(by_workers[0].split("Extraction: ")[1].split()[0]) > 0
    for table in ("articles", "raw_pages", "failures", "view_counts", "listing_walks"):
        assert archive_rows(workers, table) == archive_rows(alone, table), table
    assert len(archive_rows(alone, "articles")) > 50


# Loaded by every Python process of the crawl below (its PYTHONPATH): article extraction raises on
# the pages whose URL names a "Hoi-nghi", in the crawl's process and in its workers alike.
EXPLODING = f'''
import sys
sys.path.insert(0, {str(REPO_ROOT)!r})
import crawler.pages.article as article
_extract = article.ArticlePage.extract
def extract(self):
    if "Hoi-nghi" in self.url:
        raise ValueError("a bug on " + self.url.rsplit("/", 1)[-1])
    return _extract(self)
article.ArticlePage.extract = extract
'''


def test_a_page_whose_extraction_raises_in_a_worker_is_recorded_as_in_process(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(EXPLODING, encoding="utf-8")
    runs = crawl_alone_and_with_workers(tmp_path, "-s", "PORTAL_MAX_LISTING_PAGES=1",
                                        env={**os.environ, "PYTHONPATH": str(tmp_path)})
    failures = {}
    for name, (db, result) in runs.items():
        assert result.returncode in (0, 4), result.stderr[-3000:]  # 4: a field's coverage fell below its floor
        failures[name] = query(db, "select url, kind, reason, detail from failures order by url")
        [(raw,)] = query(db, "select count(*) from raw_pages where url in (select url from failures)")
        assert failures[name] and raw == len(failures[name])  # each page that raised is kept raw
    assert failures["workers"] == failures["alone"]
    assert {(kind, reason) for _, kind, reason, _ in failures["alone"]} == {("extract", "exception:ValueError")}
    assert all(detail.startswith("ValueError('a bug on ") for *_, detail in failures["alone"])
    assert archive_rows(runs["workers"][0], "articles") == archive_rows(runs["alone"][0], "articles")


# As EXPLODING, but article extraction never ends on those pages.
HANGING = EXPLODING.replace('raise ValueError("a bug on " + self.url.rsplit("/", 1)[-1])', "while True: pass")


def test_a_page_whose_extraction_never_ends_is_given_up_and_the_crawl_finishes(tmp_path: Path) -> None:
    """PORTAL_EXTRACT_TIME_LIMIT (crawler/timelimit.py): in the crawl's process and in a worker
    alike, a page that would be read for ever fails as ``exception:ExtractionTimeout`` after the
    limit, its raw page kept; the crawl stores everything else and exits 4."""
    assert "while True: pass" in HANGING
    (tmp_path / "sitecustomize.py").write_text(HANGING, encoding="utf-8")
    runs = crawl_alone_and_with_workers(tmp_path, "-s", "PORTAL_MAX_LISTING_PAGES=1", "-s", "PORTAL_EXTRACT_TIME_LIMIT=1",
                                        env={**os.environ, "PYTHONPATH": str(tmp_path)})
    failures = {}
    for name, (db, result) in runs.items():
        assert result.returncode == 4, result.stderr[-3000:]
        failures[name] = query(db, "select url, kind, reason, detail from failures order by url")
        [(raw,)] = query(db, "select count(*) from raw_pages where url in (select url from failures)")
        assert failures[name] and raw == len(failures[name])
        assert "page(s) crashed extraction" in result.stderr
    assert failures["workers"] == failures["alone"]
    assert {(kind, reason) for _, kind, reason, _ in failures["alone"]} == {("extract", "exception:ExtractionTimeout")}
    assert all("Hoi-nghi" in url and "took over 1 s" in detail for url, *_, detail in failures["alone"])
    assert archive_rows(runs["workers"][0], "articles") == archive_rows(runs["alone"][0], "articles")
    assert len(archive_rows(runs["alone"][0], "articles")) > 10


def test_a_negative_time_limit_is_a_configuration_error(tmp_path: Path) -> None:
    result = subprocess.run(crawl_command("http://127.0.0.1:9", str(tmp_path / "a.db"), full=True)
                            + ["-s", "PORTAL_EXTRACT_TIME_LIMIT=-1"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 2
    assert "configuration error: PORTAL_EXTRACT_TIME_LIMIT must be 0 (no limit) or a number of seconds, not -1" \
        in result.stderr


# --- the crawl's process: log lines, the collector, normalized items, page decoding -----------------


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("WARNING", False), ("DEBUG", True), (10, True)])
def test_per_item_log_lines_are_made_only_at_debug_and_never_carry_the_page(level: Any, shown: bool) -> None:
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawler.items import RawPageItem
    from crawler.logformat import ArchiveLogFormatter

    formatter = ArchiveLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": level}))
    body = "<html><body><p>Nội dung bài viết</p></body></html>".encode() * 100
    url = "http://xa.gov.vn/tin/bai-1.html"
    response = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))
    item = RawPageItem(site="xa", url=url, kind="article", fetched_at="2026-01-01T00:00:00+07:00", status=200,
                       body=body)
    scraped = formatter.scraped(item, response, None)  # type: ignore[arg-type]
    crawled = formatter.crawled(response.request, response, None)  # type: ignore[arg-type]
    if not shown:
        assert scraped is None and crawled is None
        return
    assert scraped is not None and crawled is not None
    line = scraped["msg"] % scraped["args"]
    assert line.endswith(f"raw page (article, 200, {len(body):,} bytes) [xa] {url}")
    assert "Nội dung" not in line and "<html>" not in line


def test_tune_collector_freezes_what_is_alive_and_spaces_young_collections() -> None:
    import gc

    from crawler.collector import YOUNG_THRESHOLD, tune_collector

    before = gc.get_threshold()
    try:
        alive = object.__new__(type("Alive", (), {}))
        tune_collector()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
        assert not any(o is alive for o in gc.get_objects())  # frozen: no collection walks it
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_an_item_normalized_in_a_worker_is_not_normalized_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from pipelines import normalizing

    site = sample_site()
    kind, url, html = next(p for p in sample_pages(1) if p[0] == "article")
    item = read_article(url, html, site, FETCH).item
    assert item is not None and item.normalized == [] and item.published_at
    stored = replace(item)
    crawler = get_crawler()
    pipeline = normalizing.NormalizePipeline.from_crawler(crawler)

    def again(_: Any) -> list[str]:
        raise AssertionError("normalized twice")

    monkeypatch.setattr(normalizing, "normalize_article", again)
    assert pipeline.process_item(item) == stored
    item.normalized = ["date_unparsed"]  # what the worker could not read is still counted
    pipeline.process_item(item)
    assert crawler.stats.get_value("portal/sample/date_unparsed") == 1
    item.normalized = ["dropped/no_title"]
    with pytest.raises(DropItem):
        pipeline.process_item(item)


LEGACY = "<html><head>{meta}<title>Tin tức</title></head><body><p>Ủy ban nhân dân xã Đắk Wil</p></body></html>"


@pytest.mark.parametrize(("body", "headers"), [
    (LEGACY.format(meta="").encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}),
    (b"\xef\xbb\xbf" + LEGACY.format(meta="").encode("utf-8"), {"Content-Type": "text/html; charset=iso-8859-1"}),
    (LEGACY.format(meta='<meta charset="windows-1258">').encode("cp1258", "replace"), {"Content-Type": "text/html"}),
    (LEGACY.format(meta="").encode("cp1258", "replace"), {}),
    (LEGACY.format(meta="").encode("utf-8")[:-40] + b"\xff\xfe\xc3", {"Content-Type": "text/html; charset=utf-8"}),
    (LEGACY.format(meta="").encode("utf-16"), {}),
], ids=["utf-8", "bom-beats-header", "meta-windows-1258", "undeclared-legacy", "broken-utf-8", "utf-16-bom"])
def test_workers_decode_a_page_as_scrapy_does(body: bytes, headers: dict[str, str]) -> None:
    from scrapy.http import HtmlResponse

    from crawler.page_workers import page_text

    response = HtmlResponse("http://xa.gov.vn/tin/1.html", body=body, headers=headers)
    assert page_text(body, response.encoding) == response.text
