"""Storage: the one place that writes crawled items into the archive.

`ArchiveWriter` writes batches of items into an open archive, each batch one transaction (a killed
process loses at most the batch in flight and leaves no partial rows). Per batch: articles are
upserted by `article_key` (their site and canonical location, whatever address they were fetched
at: pipelines/identity.py; an edited article's previous content goes to `article_versions`), every
article seen appends one `view_counts` observation, failures go to `failures` (a 404/410 on a
known article marks it removed), fetched pages go compressed to `raw_pages`. The crawl's pipeline,
`scrapy import-warc` and the benchmarks all write through it.

`SQLitePipeline` is the crawl's face of it. It buffers items, builds the article rows (the
CPU-heavy part: search keys, content hashes) in Scrapy's thread and hands each batch to one
writer thread, so that SQLite's work (B-trees, FTS5 tokenizing, commits and their fsyncs, all of
which release the GIL) overlaps the crawl instead of stopping Twisted's reactor. At most one batch
is in flight; a batch that fails to commit (the archive locked past the timeout, a full disk) goes
back in front of the buffer and is retried with the next one, and after `MAX_FAILED_WRITES` failures
in a row the crawl stops with exit code 3 instead of fetching pages it cannot store. Each crawl gets
a `crawl_runs` row opened at start and closed with counts, a health report and an outcome; category
walks are marked started at open and completed only when the run finishes cleanly.

Two rules keep the threads honest. The pipeline's own thread touches the connection only when no
batch is in flight (`wait_for_writes` first). And row-by-row statements belong in the staging
phase, while the crawl's thread waits: each one gives the GIL back and must win it again, which
a busy crawl thread makes take milliseconds, so a per-row loop in the applying phase would crawl.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro

from crawler import settings as defaults  # the one place for defaults
from crawler.items import ArticleItem, FailureItem, ListingWalkItem, RawPageItem
from pipelines.identity import DEFAULT_RULES, article_key, resolve_identity
from pipelines.normalize import now_vn
from pipelines.outcome import EXIT_ARCHIVE, SiteTally, count_stats, decide_outcome, health_report
from pipelines.rows import (
    RAW_PAGE_COLUMNS,
    article_row,
    failure_row,
    item_key,
    pack_body,
    raw_page_row,
    site_row,
    version_row,
    view_row,
)
from pipelines.schema import ArchiveError, open_archive
from pipelines.units import (
    TITLE_ATTEMPTS,
    article_tag,
    retag_from_page,
    site_tag,
    stored_article_tag,
    stored_titles,
    write_site_rows,
)

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

# Walk endings that mean the category was seen to its end (or to known ground).
CLEAN_WALK_ENDS = {"last_page", "known_articles", "max_pages"}
# Failed commits in a row after which the crawl stops (each already waited PORTAL_SQLITE_TIMEOUT).
MAX_FAILED_WRITES = 3
WRITER_CACHE_KIB = 32_000
# One raw page, in plain SQL (see `ArchiveWriter.write_raw_pages`).
RAW_PAGE_INSERT = (f'insert into raw_pages ({", ".join(RAW_PAGE_COLUMNS)}) '
                   f'values ({", ".join("?" for _ in RAW_PAGE_COLUMNS)})')


@dataclass
class Batch:
    """Items for one transaction, with the article rows built ahead (keyed by `article_key`)."""

    articles: list[ArticleItem] = field(default_factory=list)
    failures: list[FailureItem] = field(default_factory=list)
    raw_pages: list[RawPageItem] = field(default_factory=list)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    # `pack_body` of each raw page (hash and compressed body), made on another thread as the pages
    # came (SQLitePipeline); None for a page whose body the writer packs itself.
    packed: list[Future[tuple[str, bytes]] | None] = field(default_factory=list)
    # Set by the writer once the batch is staged (see ArchiveWriter.write_batch).
    staged: threading.Event = field(default_factory=threading.Event)

    def __len__(self) -> int:
        return len(self.articles) + len(self.failures) + len(self.raw_pages)


class ArchiveWriter:
    """Writes items into an open archive. Synchronous: call it from one thread at a time.

    `sites` (profiles, by slug) give each site's identity rules and addresses; items of other
    sites (generic mode's) are keyed with the default rules.
    """

    def __init__(self, db: Database, run_id: int | None = None, sites: Iterable[Any] = ()) -> None:
        self.db, self.run_id = db, run_id
        self.sites = {site.slug: site for site in sites}
        self.tallies: dict[str, SiteTally] = {}  # what committed batches did, per site
        self.article_tags: dict[str, dict[str, Any]] = {}  # each site's unit columns (pipelines/units.py)
        self.title_attempts: dict[str, int] = {}  # generic-mode sites: pages read for their title

    def key(self, site: str, url: str) -> str:
        """The `article_key` of a page of `site` (pipelines/identity.py), with the site's rules."""
        return article_key(site, url, getattr(self.sites.get(site), "identity", DEFAULT_RULES))

    def identify(self, items: Iterable[ArticleItem]) -> None:
        """Give each article item its key; an article the portal redirected to another site keeps
        its own site's key and address, and records where it moved (`resolve_identity`)."""
        for item in items:
            if item.article_key is not None:
                continue
            site = self.sites.get(item.site)
            identity = resolve_identity(item.site, item.url, item.fetched_url or item.url,
                                        getattr(site, "identity", DEFAULT_RULES), getattr(site, "addresses", ()))
            if identity.moved_to is not None:
                item.url, item.fetched_url, item.moved_to = identity.url, None, identity.moved_to
            item.article_key = identity.key

    def prepare(self, articles: list[ArticleItem], failures: list[FailureItem],
                raw_pages: list[RawPageItem]) -> Batch:
        """A batch with its article rows built: pure work, no database (any thread may do it)."""
        self.identify(articles)
        latest = latest_per_article(articles)
        return Batch(articles, failures, raw_pages, {key: article_row(i, self.run_id) for key, i in latest.items()})

    def write_batch(self, batch: Batch) -> None:
        """Write the batch in one transaction: all of it or none; tallies count only committed work.

        Two phases. Staging does the row-by-row work (lookups, inserts into temporary tables,
        failures, raw pages), then sets `batch.staged`; applying moves the staged rows into the
        archive with a few set-based statements and commits. The crawl's thread waits for the
        staging only: row-by-row statements from a thread that competes for the GIL stall on
        every row, while the long set-based statements (FTS5 tokenizing, B-trees, the commit) run
        without the GIL, in parallel with the crawl (pipelines/storage.py's module docstring).
        """
        tallies: dict[str, SiteTally] = {}
        self.identify(batch.articles)
        latest = latest_per_article(batch.articles)
        # Archived captures of one article in the same batch are each an observation of its views.
        extra = [i for i in batch.articles if i.source != "live" and latest[item_key(i)] is not i]
        with self.db.atomic():
            try:
                self.tag_sites(batch.raw_pages)  # before the articles: they copy their site's tag
                staged = self.stage_articles(list(latest.values()), extra, batch.rows, tallies)
                self.write_failures(batch.failures, tallies)
                self.write_raw_pages(batch.raw_pages, [f.result() if f is not None else None for f in batch.packed])
            finally:
                batch.staged.set()
            self.apply_articles(staged)
        for site, tally in tallies.items():
            merge_tally(self.tally(site), tally)

    def write_articles(self, items: list[ArticleItem], observed_too: Sequence[ArticleItem] = (),
                       rows: dict[str, dict[str, Any]] | None = None,
                       tallies: dict[str, SiteTally] | None = None) -> None:
        """Upsert one item per article (see `replaces_content`) and record one view observation each."""
        self.apply_articles(self.stage_articles(items, observed_too, rows, tallies))

    def stage_articles(self, items: list[ArticleItem], observed_too: Sequence[ArticleItem] = (),
                       rows: dict[str, dict[str, Any]] | None = None,
                       tallies: dict[str, SiteTally] | None = None) -> list[str]:
        """Sort the items into new, edited and unchanged articles and stage their rows; keep the
        previous content of edited ones. Returns the statements that apply the staged rows."""
        if not items:
            return []
        tallies = {} if tallies is None else tallies
        self.identify([*items, *observed_too])
        known = existing_articles(self.db, [item_key(i) for i in items])
        new, changed, unchanged = [], [], []
        for item in items:
            key = item_key(item)
            row = rows[key] if rows and key in rows else article_row(item, self.run_id)
            row.update(self.site_unit(item.site))
            previous = known.get(key)
            tally = tallies.setdefault(item.site, SiteTally())
            tally.count_fields(row)
            if previous is not None and not replaces_content(previous, item):
                tally.unchanged += 1  # an older or archived copy: only its views count
            elif previous is None:
                tally.new += 1
                new.append({**row, "first_seen_at": item.fetched_at, "last_changed_at": item.fetched_at})
            elif previous["content_hash"] != row["content_hash"]:
                tally.updated += 1
                self._keep_version(previous, item.fetched_at)
                changed.append({**row, "last_changed_at": item.fetched_at})
            else:
                tally.unchanged += 1
                unchanged.append(row)  # a fresh fetched_at, views, run id
        views = [view_row(i, self.run_id) for i in [*items, *observed_too]]
        return [statement for statement in (
            insert_from_stage(self.db, "articles", new),
            update_from_stage(self.db, "articles", "article_key", changed, "articles_changed"),
            update_from_stage(self.db, "articles", "article_key", unchanged, "articles_unchanged"),
            insert_from_stage(self.db, "view_counts", views, ignore=True),
        ) if statement]

    def apply_articles(self, statements: list[str]) -> None:
        for statement in statements:
            self.db.execute(statement)

    def _keep_version(self, previous: dict[str, Any], replaced_at: str) -> None:
        version = self.db.execute("select coalesce(max(version), 0) from article_versions where article_key = ?",
                                  [previous["article_key"]]).fetchone()[0] + 1
        self.db["article_versions"].insert(version_row(previous, version, replaced_at, self.run_id))

    def write_failures(self, failures: list[FailureItem], tallies: dict[str, SiteTally] | None = None) -> None:
        if not failures:
            return
        tallies = {} if tallies is None else tallies
        keys = [self.key(f.site, f.url) for f in failures]
        self.db["failures"].insert_all(failure_row(f, self.run_id, key) for f, key in zip(failures, keys, strict=True))
        for failure, key in zip(failures, keys, strict=True):
            tallies.setdefault(failure.site, SiteTally()).count_failure(failure.kind, failure.reason)
            if failure.http_status in (404, 410) and failure.page_kind == "article":
                # A known article that is gone: keep it, and say since when it is gone.
                self.db.execute("update articles set removed_at = ? where (article_key = ? or fetched_url = ?) "
                                "and removed_at is null", [failure.observed_at, key, failure.url])

    def site_unit(self, site: str) -> dict[str, Any]:
        """The unit columns an article of `site` copies from the site's row (pipelines/units.py)."""
        tag = self.article_tags.get(site)
        if tag is None:
            stored = stored_article_tag(self.db, site)
            profile = self.sites.get(site)
            tag = article_tag(stored if stored is not None or profile is None else site_tag(profile))
            self.article_tags[site] = tag
        return tag

    def tag_sites(self, pages: Sequence[RawPageItem]) -> None:
        """Tag generic-mode sites from what their first pages show (title, header) with their host."""
        for page in pages:
            profile = self.sites.get(page.site)
            if (profile is not None and getattr(profile, "family", "") != "generic") or page.kind == "article" \
                    or page.status != 200 or self.title_attempts.get(page.site, 0) >= TITLE_ATTEMPTS:
                continue
            self.title_attempts[page.site] = self.title_attempts.get(page.site, 0) + 1
            tag = retag_from_page(self.db, page.site, page.body, page.encoding)
            if tag is not None:
                self.title_attempts[page.site] = TITLE_ATTEMPTS
                self.article_tags[page.site] = article_tag(tag)

    def write_raw_pages(self, pages: Sequence[RawPageItem], packed: Sequence[tuple[str, bytes] | None] = ()) -> None:
        """Insert the pages in order (each body stored once per article and content, see
        `raw_page_row`); `packed`: their bodies' `pack_body` when the caller made them already."""
        self.tag_sites(pages)
        conn = self.db.conn
        for page, body in zip_longest(pages, packed[:len(pages)]):
            key = self.key(page.site, page.url)
            previous = conn.execute(
                "select id, body_sha1 from raw_pages where article_key = ? and body is not null "
                "order by id desc limit 1",
                [key]).fetchone()
            row = raw_page_row(page, self.run_id, previous, key, body)
            # Plain SQL: sqlite-utils' insert() inspects the table and builds its statement anew for
            # every row, which cost more than the insert itself. Each row's id must exist before
            # the next page's lookup above (`same_as`), so the rows go one by one.
            conn.execute(RAW_PAGE_INSERT, [row[c] for c in RAW_PAGE_COLUMNS])

    def tally(self, site: str) -> SiteTally:
        return self.tallies.setdefault(site, SiteTally())


class SQLitePipeline:
    def __init__(self, crawler: Crawler, path: str, batch_size: int, timeout: float,
                 floors: dict[str, float], flush_seconds: float = 5.0) -> None:
        self.crawler = crawler
        self.path, self.batch_size, self.timeout, self.floors = path, max(1, batch_size), timeout, floors
        self.flush_seconds = flush_seconds
        self._oldest: float | None = None  # when the oldest buffered item arrived (monotonic)
        self._timer: Any = None  # LoopingCall flushing a batch that waited too long while no item came
        self.articles: list[ArticleItem] = []
        self.failures: list[FailureItem] = []
        self.raw_pages: list[RawPageItem] = []
        self.walks: dict[tuple[str, str], ListingWalkItem] = {}
        self.db: Database | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self._thread: ThreadPoolExecutor | None = None
        # Raw pages are hashed and compressed on their own thread as they come (zlib and hashlib
        # give up the GIL): done in the batch's staging, it held the crawl's thread up (it waits for
        # the staging) for about a millisecond a page. Keyed by the item's id while it is buffered.
        self._packer: ThreadPoolExecutor | None = None
        self._packing: dict[int, Future[tuple[str, bytes]]] = {}
        self._in_flight: tuple[Future[None], Batch] | None = None
        self._failed_writes = 0  # failed commits in a row
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLitePipeline:
        s = crawler.settings
        pipeline = cls(crawler, s.get("ARCHIVE_DB") or defaults.ARCHIVE_DB,
                       s.getint("PORTAL_SQLITE_BATCH", defaults.PORTAL_SQLITE_BATCH),
                       s.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT), s.getdict("PORTAL_COVERAGE_FLOORS"),
                       s.getfloat("PORTAL_SQLITE_FLUSH_SECONDS", defaults.PORTAL_SQLITE_FLUSH_SECONDS))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def tallies(self) -> dict[str, SiteTally]:
        return self.writer.tallies if self.writer else {}

    # --- Scrapy hooks -------------------------------------------------------------------------

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            # Shared with the writer thread; this thread touches it only when no batch is in flight.
            self.db = open_archive(self.path, timeout=self.timeout, shared=True)
            # 32 MB of page cache instead of SQLite's 2 MB: the URL and date indexes of a large
            # archive stay in memory while batches land (bench/bench_storage.py: +5 % at 100,000).
            self.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            self._start_run()
        except ArchiveError as exc:
            logger.error("%s", exc)
            self.crawler.stats.set_value("portal/exit_code", EXIT_ARCHIVE)
            raise CloseSpider("archive_unusable") from exc
        self.writer = ArchiveWriter(self.db, self.run_id, self._sites())
        for site in self._sites():
            self.writer.tally(site.slug)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        self._packer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="raw-page-packer")
        if getattr(self.crawler, "engine", None) is not None and self.flush_seconds > 0:
            # Only inside a real crawl (a running reactor): between items, a waiting batch is
            # flushed by the clock. Outside one (tests, benchmarks) items alone drive flushing.
            from twisted.internet import task
            self._timer = task.LoopingCall(self._flush_if_due)
            self._timer.start(self.flush_seconds, now=False)
        logger.info("Archive %s open, crawl run %s", self.path, self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.articles.append(item)
        elif isinstance(item, FailureItem):
            self.failures.append(item)
        elif isinstance(item, RawPageItem):
            self.raw_pages.append(item)
            if self._packer is not None:
                self._packing[id(item)] = self._packer.submit(pack_body, item.body)
        elif isinstance(item, ListingWalkItem):
            self.walks[(item.site, item.listing_url)] = item
            return item
        if self._oldest is None:
            self._oldest = time.monotonic()
        if len(self.articles) + len(self.failures) + len(self.raw_pages) >= self.batch_size:
            self.flush()
        else:
            self._flush_if_due()
        return item

    def _flush_if_due(self) -> None:
        if self._oldest is not None and time.monotonic() - self._oldest >= self.flush_seconds and self.db is not None:
            self.flush()

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.db is None:
            return
        self._stopping = True  # the engine is closing already
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        # The last batch, retried like any other before the run is judged.
        for _ in range(MAX_FAILED_WRITES):
            self.flush()
            if self.wait_for_writes():
                break
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._packer is not None:
            self._packer.shutdown(wait=True)
            self._packing.clear()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None or self.writer is None:
            return
        self.wait_for_writes()
        for (site, _), walk in self.walks.items():
            self.writer.tally(site).walks[walk.stopped_because] += 1
        count_stats(self.tallies, self.crawler.stats.get_stats())  # generic pages, rejections, limits
        health = health_report(self.tallies, self.floors)
        stats = self.crawler.stats
        unwritten = len(self.articles) + len(self.failures) + len(self.raw_pages)
        archive_problems = []
        if unwritten:
            archive_problems.append(f"{unwritten} item(s) could not be written to the archive (errors above); "
                                    "the next run fetches their pages again")
        elif reason == "archive_unwritable":
            archive_problems.append("the crawl was stopped because the archive refused writes")
        try:
            previous = previous_counts(self.db, self.tallies)
        except sqlite3.Error:
            previous = {}
        outcome = decide_outcome(self.tallies, reason, previous, health, archive_problems)
        try:
            with self.db.atomic():
                if reason == "finished" and not unwritten:
                    self._complete_walks()
                self.db["crawl_runs"].update(
                    self.run_id, finish_row(stats.get_stats(), self.tallies, reason, outcome, health))
        except sqlite3.Error as exc:
            archive_problems.append(f"the crawl run could not be closed in the archive ({exc})")
            outcome = decide_outcome(self.tallies, reason, previous, health, archive_problems)
        stats.set_value("portal/exit_code", outcome.exit_code)
        for line in health.lines():
            logger.info("Health: %s", line)
        for problem in outcome.problems:
            logger.warning("Crawl problem: %s", problem)
        logger.info("Crawl run %s: %s (exit code %d)", self.run_id, outcome.status, outcome.exit_code)
        self.db.close()
        self.db = None

    # --- writing ------------------------------------------------------------------------------

    def _sites(self) -> list[Any]:
        return list(getattr(self.crawler.spider, "sites", []))

    def _start_run(self) -> None:
        assert self.db is not None
        spider = self.crawler.spider
        sites = self._sites()
        started = now_vn().isoformat(timespec="seconds")
        with self.db.atomic():
            titles = stored_titles(self.db, [s.slug for s in sites])  # generic-mode sites' (pipelines/units.py)
            write_site_rows(self.db, [site_row(s, started, titles.get(s.slug)) for s in sites])
            self.run_id = self.db["crawl_runs"].insert(start_row(spider, started)).last_pk
            # A walk is "started" before any of its articles can be stored: if this run dies,
            # the next one sees an unfinished walk and walks the whole category again. Only live
            # crawls of configured sites walk listings (generic and Wayback runs do not).
            walks_listings = getattr(spider, "source", "live") == "live"
            # Keyed by the listing's location: a category walked at a former address counts.
            self.db["listing_walks"].upsert_all(
                [{"site": s.slug, "listing_key": site_key(s, url), "listing_url": url, "crawl_run_id": self.run_id,
                  "started_at": started, "completed_at": None, "pages": 0, "stopped_because": None}
                 for s in sites for url in s.start_urls if walks_listings and getattr(s, "family", "") != "generic"],
                pk=("site", "listing_key"))

    def flush(self) -> None:
        """Hand the buffered items to the writer thread as one batch (after the batch in flight)."""
        assert self.db is not None and self.writer is not None and self._thread is not None
        self._oldest = None
        if not (self.articles or self.failures or self.raw_pages):
            return
        # Built here, while the writer thread is still busy with the previous batch.
        batch = self.writer.prepare(self.articles, self.failures, self.raw_pages)
        self.articles, self.failures, self.raw_pages = [], [], []
        if not self.wait_for_writes():
            # The previous batch failed and is back in the buffer: send it with this one.
            batch = self.writer.prepare(self.articles + batch.articles, self.failures + batch.failures,
                                        self.raw_pages + batch.raw_pages)
            self.articles, self.failures, self.raw_pages = [], [], []
            self._oldest = None
        # A page sent again after a failed batch lost its packing: the writer packs it then.
        batch.packed = [self._packing.pop(id(page), None) for page in batch.raw_pages]
        self._in_flight = (self._thread.submit(self.writer.write_batch, batch), batch)
        batch.staged.wait()  # the row-by-row part; the rest runs while the crawl goes on

    def wait_for_writes(self) -> bool:
        """Wait for the batch in flight; False if it failed (its items are then buffered again)."""
        if self._in_flight is None:
            return True
        future, batch = self._in_flight
        self._in_flight = None
        try:
            future.result()
        except Exception as exc:  # noqa: BLE001 - whatever stopped the commit, the items are kept
            self._failed_writes += 1
            self.articles[:0], self.failures[:0], self.raw_pages[:0] = batch.articles, batch.failures, batch.raw_pages
            self._oldest = self._oldest or time.monotonic()
            logger.error("Archive %s: a batch of %d items could not be written (%s: %s); kept for the next "
                         "attempt (%d of %d)", self.path, len(batch), type(exc).__name__, exc, self._failed_writes,
                         MAX_FAILED_WRITES, exc_info=not isinstance(exc, sqlite3.Error))
            if self._failed_writes >= MAX_FAILED_WRITES and not self._stopping:
                self._stop("archive_unwritable")
            return False
        self._failed_writes = 0
        return True

    def _stop(self, reason: str) -> None:
        """Close the spider: pages that cannot be stored are not worth fetching."""
        self._stopping = True
        engine = getattr(self.crawler, "engine", None)
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def _complete_walks(self) -> None:
        assert self.db is not None
        finished = now_vn().isoformat(timespec="seconds")
        sites = {s.slug: s for s in self._sites()}
        for (site, url), walk in self.walks.items():
            completed = finished if walk.stopped_because in CLEAN_WALK_ENDS else None
            key = site_key(sites[site], url) if site in sites else article_key(site, url)
            self.db.execute(
                "update listing_walks set completed_at = ?, pages = ?, stopped_because = ? "
                "where site = ? and listing_key = ? and crawl_run_id = ?",
                [completed, walk.pages, walk.stopped_because, site, key, self.run_id])


def merge_tally(into: SiteTally, part: SiteTally) -> None:
    into.new += part.new
    into.updated += part.updated
    into.unchanged += part.unchanged
    into.crashes += part.crashes
    into.failures.update(part.failures)
    into.fields.update(part.fields)
    into.walks.update(part.walks)


# --- pure row builders ---------------------------------------------------------------------------


def latest_per_article(items: list[ArticleItem]) -> dict[str, ArticleItem]:
    """One item per article (`article_key`) in a batch: the last live one, else the newest capture
    (`replaces_content`)."""
    chosen: dict[str, ArticleItem] = {}
    for item in items:
        key = item_key(item)
        previous = chosen.get(key)
        if previous is None or replaces_content(
                {"source": previous.source, "captured_at": previous.captured_at, "fetched_at": previous.fetched_at}, item):
            chosen[key] = item
    return chosen


def site_key(site: Any, url: str) -> str:
    """The key of a page of `site` (a profile; stand-ins without rules get the default ones)."""
    return site.key(url) if hasattr(site, "key") else article_key(site.slug, url)


def replaces_content(previous: dict[str, Any], item: ArticleItem) -> bool:
    """Whether `item` may overwrite the archived row `previous` (one row per article, many sources).

    A live fetch always does (the portal as it is now is preferred); an archived capture never
    replaces a live row, and replaces another capture only when it is at least as new.
    """
    if item.source == "live":
        return True
    if (previous.get("source") or "live") == "live":
        return False
    new_time = item.captured_at or item.fetched_at
    old_time = previous.get("captured_at") or previous.get("fetched_at") or ""
    # ISO 8601 strings with the same +07:00 offset order like the times they name.
    return new_time >= old_time


def start_row(spider: Any, started: str) -> dict[str, Any]:
    args = {k: v for k, v in (("site", getattr(spider, "site", None)),
                              ("start_url", getattr(spider, "start_url", None)),
                              ("full", "1" if getattr(spider, "full", False) else None)) if v}
    policy = getattr(spider, "policy", None)
    return {"started_at": started, "sites": json.dumps([s.slug for s in getattr(spider, "sites", [])]),
            "mode": policy.mode if policy else "full", "arguments": json.dumps(args, ensure_ascii=False),
            "status": "running"}


def finish_row(stats: dict[str, Any], tallies: dict[str, SiteTally], reason: str, outcome: Any,
               health: Any) -> dict[str, Any]:
    seen = {k: sum(getattr(t, k) for t in tallies.values()) for k in ("new", "updated", "unchanged")}
    return {
        "finished_at": now_vn().isoformat(timespec="seconds"), "status": outcome.status,
        "finish_reason": reason, "exit_code": outcome.exit_code,
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "listing_pages": sum(v for k, v in stats.items() if k.endswith("/listing_pages")),
        "articles_seen": sum(seen.values()), "articles_new": seen["new"],
        "articles_updated": seen["updated"], "articles_unchanged": seen["unchanged"],
        "failures": sum(sum(t.failures.values()) for t in tallies.values()),
        "problems": json.dumps(outcome.problems, ensure_ascii=False),
        "health": json.dumps(health.as_dict(), ensure_ascii=False, sort_keys=True),
    }


def update_rows(db: Database, table: str, pk: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE existing rows by primary key; every row must have the same keys."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != pk]
    assignments = ", ".join(f'"{c}" = ?' for c in columns)
    db.conn.executemany(f'update "{table}" set {assignments} where "{pk}" = ?',
                        ([row[c] for c in columns] + [row[pk]] for row in rows))


def stage(db: Database, name: str, rows: list[dict[str, Any]]) -> list[str]:
    """Copy rows (all with the same keys) into a fresh temporary table `name`; its columns.

    Why stage at all: `articles` carries FTS5 triggers, and FTS5 flushes its pending index data
    at every statement boundary. One executemany is one statement per row, so each row became
    its own tiny index segment (to be merged later); one INSERT ... SELECT from a staging table
    is one statement for the whole batch, which halves the cost of indexing. It also lets the
    writer thread run the batch's real work as a few long statements that release the GIL.
    """
    columns = list(rows[0])
    db.execute(f'drop table if exists temp."{name}"')
    db.execute(f'create temp table "{name}" ({", ".join(f"[{c}]" for c in columns)})')
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(f'insert into temp."{name}" values ({marks})', ([row[c] for c in columns] for row in rows))
    return columns


def insert_from_stage(db: Database, table: str, rows: list[dict[str, Any]], ignore: bool = False) -> str | None:
    """Stage rows; the statement that INSERTs them into `table` in one go (None for no rows)."""
    if not rows:
        return None
    name = f"{table}_new"
    names = ", ".join(f"[{c}]" for c in stage(db, name, rows))
    verb = "insert or ignore" if ignore else "insert"
    return f'{verb} into main."{table}" ({names}) select {names} from temp."{name}" order by rowid'


def update_from_stage(db: Database, table: str, pk: str, rows: list[dict[str, Any]], name: str) -> str | None:
    """Stage rows; the statement that UPDATEs the rows of `table` with the same `pk` in one go."""
    if not rows:
        return None
    assignments = ", ".join(f"[{c}] = s.[{c}]" for c in stage(db, name, rows) if c != pk)
    return f'update main."{table}" set {assignments} from temp."{name}" as s where main."{table}".[{pk}] = s.[{pk}]'


def existing_articles(db: Database, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The archived rows (content fields) of the given articles, by `article_key`."""
    marks = ",".join("?" for _ in keys)
    cursor = db.execute(
        f"select article_key, url, title, summary, body_text, authors, category, published_at, content_hash, "
        f"fetched_at, source, captured_at "
        f"from articles where article_key in ({marks})", keys)
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def previous_counts(db: Database, tallies: dict[str, SiteTally]) -> dict[str, int]:
    """Articles each site already had in the archive (to notice a site that stopped yielding any)."""
    return {site: db.execute("select count(*) from articles where site = ?", [site]).fetchone()[0]
            for site in tallies}
