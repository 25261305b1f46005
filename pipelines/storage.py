"""SQLitePipeline: the one place that writes the archive during a crawl.

Items are buffered and written in batches, each batch one transaction (a killed crawl loses at
most the batch in flight and leaves no partial rows). Per batch: articles are upserted by
canonical URL (an edited article's previous content goes to `article_versions`), every article
seen appends one `view_counts` observation, failures go to `failures` (a 404/410 on a known
article marks it removed), fetched pages go compressed to `raw_pages`. Each crawl gets a
`crawl_runs` row opened at start and closed with counts, a health report and an outcome; category
walks are marked started at open and completed only when the run finishes cleanly.
"""
from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Sequence

from scrapy import signals
from scrapy.exceptions import CloseSpider

from crawler.items import ArticleItem, FailureItem, ListingWalkItem, RawPageItem
from pipelines.normalize import now_vn
from pipelines.outcome import EXIT_ARCHIVE, SiteTally, decide_outcome, health_report
from pipelines.rows import article_row, failure_row, raw_page_row, site_row, version_row, view_row
from pipelines.schema import ArchiveError, open_archive

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

# Walk endings that mean the category was seen to its end (or to known ground).
CLEAN_WALK_ENDS = {"last_page", "known_articles", "max_pages"}


class SQLitePipeline:
    def __init__(self, crawler: Crawler, path: str, batch_size: int, timeout: float,
                 floors: dict[str, float]) -> None:
        self.crawler = crawler
        self.path, self.batch_size, self.timeout, self.floors = path, max(1, batch_size), timeout, floors
        self.articles: list[ArticleItem] = []
        self.failures: list[FailureItem] = []
        self.raw_pages: list[RawPageItem] = []
        self.walks: dict[tuple[str, str], ListingWalkItem] = {}
        self.tallies: dict[str, SiteTally] = {}
        self.db: Database | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLitePipeline:
        s = crawler.settings
        pipeline = cls(crawler, s.get("ARCHIVE_DB") or "archive.db", s.getint("PORTAL_SQLITE_BATCH", 100),
                       s.getfloat("PORTAL_SQLITE_TIMEOUT", 30.0), s.getdict("PORTAL_COVERAGE_FLOORS"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- Scrapy hooks -------------------------------------------------------------------------

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            self.db = open_archive(self.path, timeout=self.timeout)
            self._start_run()
        except ArchiveError as exc:
            logger.error("%s", exc)
            self.crawler.stats.set_value("portal/exit_code", EXIT_ARCHIVE)
            raise CloseSpider("archive_unusable") from exc
        logger.info("Archive %s open, crawl run %s", self.path, self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.articles.append(item)
        elif isinstance(item, FailureItem):
            self.failures.append(item)
        elif isinstance(item, RawPageItem):
            self.raw_pages.append(item)
        elif isinstance(item, ListingWalkItem):
            self.walks[(item.site, item.listing_url)] = item
        if len(self.articles) + len(self.failures) + len(self.raw_pages) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.db is not None:
            self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None:
            return
        for (site, _), walk in self.walks.items():
            self._tally(site).walks[walk.stopped_because] += 1
        health = health_report(self.tallies, self.floors)
        outcome = decide_outcome(self.tallies, reason, previous_counts(self.db, self.tallies), health)
        stats = self.crawler.stats
        with self.db.atomic():
            if reason == "finished":
                self._complete_walks()
            self.db["crawl_runs"].update(
                self.run_id, finish_row(stats.get_stats(), self.tallies, reason, outcome, health))
        stats.set_value("portal/exit_code", outcome.exit_code)
        for line in health.lines():
            logger.info("Health: %s", line)
        for problem in outcome.problems:
            logger.warning("Crawl problem: %s", problem)
        logger.info("Crawl run %s: %s (exit code %d)", self.run_id, outcome.status, outcome.exit_code)
        self.db.close()
        self.db = None

    # --- writing ------------------------------------------------------------------------------

    def _start_run(self) -> None:
        assert self.db is not None
        spider = self.crawler.spider
        sites = getattr(spider, "sites", [])
        self.tallies = {s.slug: SiteTally() for s in sites}
        started = now_vn().isoformat(timespec="seconds")
        with self.db.atomic():
            self.db["sites"].upsert_all([site_row(s, started) for s in sites], pk="slug")
            self.run_id = self.db["crawl_runs"].insert(start_row(spider, started)).last_pk
            # A walk is "started" before any of its articles can be stored: if this run dies,
            # the next one sees an unfinished walk and walks the whole category again. Only live
            # crawls of configured sites walk listings (generic and Wayback runs do not).
            walks_listings = getattr(spider, "source", "live") == "live"
            self.db["listing_walks"].upsert_all(
                [{"site": s.slug, "listing_url": url, "crawl_run_id": self.run_id, "started_at": started,
                  "completed_at": None, "pages": 0, "stopped_because": None}
                 for s in sites for url in s.start_urls if walks_listings and getattr(s, "family", "") != "generic"],
                pk=("site", "listing_url"))

    def flush(self) -> None:
        """Write the buffered items in one transaction: all of them or none."""
        assert self.db is not None
        if not (self.articles or self.failures or self.raw_pages):
            return
        batch = latest_per_url(self.articles)
        # Archived captures of one article in the same batch are each an observation of its views.
        extra = [i for i in self.articles if i.source != "live" and batch[i.url] is not i]
        with self.db.atomic():
            self._write_articles(list(batch.values()), extra)
            self._write_failures(self.failures)
            self._write_raw_pages(self.raw_pages)
        self.articles.clear()
        self.failures.clear()
        self.raw_pages.clear()

    def _write_articles(self, items: list[ArticleItem], observed_too: Sequence[ArticleItem] = ()) -> None:
        assert self.db is not None
        if not items:
            return
        known = existing_articles(self.db, [i.url for i in items])
        new, changed, unchanged = [], [], []
        for item in items:
            row = article_row(item, self.run_id)
            previous = known.get(item.url)
            self._tally(item.site).count_fields(row)
            if previous is not None and not replaces_content(previous, item):
                self._tally(item.site).unchanged += 1  # an older or archived copy: only its views count
            elif previous is None:
                self._tally(item.site).new += 1
                new.append({**row, "first_seen_at": item.fetched_at, "last_changed_at": item.fetched_at})
            elif previous["content_hash"] != row["content_hash"]:
                self._tally(item.site).updated += 1
                self._keep_version(previous, item.fetched_at)
                changed.append({**row, "last_changed_at": item.fetched_at})
            else:
                self._tally(item.site).unchanged += 1
                unchanged.append(row)
        insert_staged(self.db, "articles", new)
        update_staged(self.db, "articles", "url", changed)
        # Fresh fetched_at, views, run id. Row by row: the index triggers do not fire for rows whose
        # text is unchanged, and a plain executemany is faster than staging them.
        update_rows(self.db, "articles", "url", unchanged)
        insert_rows(self.db, "view_counts", [view_row(i, self.run_id) for i in [*items, *observed_too]], ignore=True)

    def _keep_version(self, previous: dict[str, Any], replaced_at: str) -> None:
        assert self.db is not None
        version = self.db.execute("select count(*) from article_versions where url = ?",
                                  [previous["url"]]).fetchone()[0] + 1
        self.db["article_versions"].insert(version_row(previous, version, replaced_at, self.run_id))

    def _write_failures(self, failures: list[FailureItem]) -> None:
        assert self.db is not None
        if not failures:
            return
        self.db["failures"].insert_all(failure_row(f, self.run_id) for f in failures)
        for failure in failures:
            self._tally(failure.site).count_failure(failure.kind, failure.reason)
            if failure.http_status in (404, 410) and failure.page_kind == "article":
                # A known article that is gone: keep it, and say since when it is gone.
                self.db.execute("update articles set removed_at = ? where (url = ? or fetched_url = ?) "
                                "and removed_at is null", [failure.observed_at, failure.url, failure.url])

    def _write_raw_pages(self, pages: list[RawPageItem]) -> None:
        assert self.db is not None
        for page in pages:
            previous = self.db.execute(
                "select id, body_sha1 from raw_pages where url = ? and body is not null order by id desc limit 1",
                [page.url]).fetchone()
            self.db["raw_pages"].insert(raw_page_row(page, self.run_id, previous))

    def _complete_walks(self) -> None:
        assert self.db is not None
        finished = now_vn().isoformat(timespec="seconds")
        for (site, url), walk in self.walks.items():
            completed = finished if walk.stopped_because in CLEAN_WALK_ENDS else None
            self.db.execute(
                "update listing_walks set completed_at = ?, pages = ?, stopped_because = ? "
                "where site = ? and listing_url = ? and crawl_run_id = ?",
                [completed, walk.pages, walk.stopped_because, site, url, self.run_id])

    def _tally(self, site: str) -> SiteTally:
        return self.tallies.setdefault(site, SiteTally())


# --- pure row builders ---------------------------------------------------------------------------


def latest_per_url(items: list[ArticleItem]) -> dict[str, ArticleItem]:
    """One item per URL in a batch: the last live one, else the newest capture (`replaces_content`)."""
    chosen: dict[str, ArticleItem] = {}
    for item in items:
        previous = chosen.get(item.url)
        if previous is None or replaces_content(
                {"source": previous.source, "captured_at": previous.captured_at, "fetched_at": previous.fetched_at}, item):
            chosen[item.url] = item
    return chosen


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


def insert_rows(db: Database, table: str, rows: list[dict[str, Any]], ignore: bool = False) -> None:
    """INSERT rows that all have the same keys, in one executemany.

    sqlite-utils' insert_all inspects every value of every row (type conversion, JSON); our rows
    are already plain values, and on the archive's hot path that inspection cost as much as
    the SQL itself (bench/bench_storage.py)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "insert or ignore" if ignore else "insert"
    db.conn.executemany(f'{verb} into "{table}" ({names}) values ({marks})',
                        ([row[c] for c in columns] for row in rows))


def update_rows(db: Database, table: str, pk: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE existing rows by primary key; every row must have the same keys."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != pk]
    assignments = ", ".join(f'"{c}" = ?' for c in columns)
    db.conn.executemany(f'update "{table}" set {assignments} where "{pk}" = ?',
                        ([row[c] for c in columns] + [row[pk]] for row in rows))


def stage(db: Database, table: str, rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Copy rows (all with the same keys) into an empty temporary table; its name and columns.

    Why: `articles` carries FTS5 triggers, and FTS5 flushes its pending index data at every
    statement boundary. One executemany is one statement per row, so each row became its own
    tiny index segment (to be merged later); one INSERT ... SELECT from a staging table is one
    statement for the whole batch, which halves the cost of indexing (bench/bench_storage.py).
    """
    columns = list(rows[0])
    staging = f"{table}_staging"
    db.execute(f'drop table if exists temp."{staging}"')
    db.execute(f'create temp table "{staging}" ({", ".join(f"[{c}]" for c in columns)})')
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(f'insert into temp."{staging}" values ({marks})', ([row[c] for c in columns] for row in rows))
    return staging, columns


def insert_staged(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    """INSERT rows in one statement (through `stage`)."""
    if not rows:
        return
    staging, columns = stage(db, table, rows)
    names = ", ".join(f"[{c}]" for c in columns)
    db.execute(f'insert into main."{table}" ({names}) select {names} from temp."{staging}" order by rowid')


def update_staged(db: Database, table: str, pk: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE existing rows by primary key in one statement (through `stage`)."""
    if not rows:
        return
    staging, columns = stage(db, table, rows)
    assignments = ", ".join(f"[{c}] = s.[{c}]" for c in columns if c != pk)
    db.execute(f'update main."{table}" set {assignments} from temp."{staging}" as s '
               f'where main."{table}".[{pk}] = s.[{pk}]')


def existing_articles(db: Database, urls: list[str]) -> dict[str, dict[str, Any]]:
    """The archived rows (content fields) of the given URLs."""
    marks = ",".join("?" for _ in urls)
    cursor = db.execute(
        f"select url, title, summary, body_text, authors, category, published_at, content_hash, fetched_at, "
        f"source, captured_at "
        f"from articles where url in ({marks})", urls)
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def previous_counts(db: Database, tallies: dict[str, SiteTally]) -> dict[str, int]:
    """Articles each site already had in the archive (to notice a site that stopped yielding any)."""
    return {site: db.execute("select count(*) from articles where site = ?", [site]).fetchone()[0]
            for site in tallies}
