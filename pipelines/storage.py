"""SQLitePipeline: the one place that writes the archive.

Articles are upserted by canonical URL in batches, each batch one transaction (a killed crawl
loses at most the batch in flight and leaves no partial rows); every article seen appends one
`view_counts` observation; failures go to `failures`; each crawl gets a `crawl_runs` row that is
opened at start and closed with counts and an outcome. Row building is pure (`article_row`...).
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider

from crawler.items import ArticleItem, FailureItem
from pipelines.normalize import now_vn
from pipelines.outcome import SiteTally, decide_outcome
from pipelines.schema import ArchiveError, open_archive

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

# Fields whose change makes an article "updated" (views and fetch times change on every visit).
CONTENT_FIELDS = ("title", "summary", "body_text", "authors", "category", "published_at")


class SQLitePipeline:
    def __init__(self, crawler: Crawler, path: str, batch_size: int, timeout: float) -> None:
        self.crawler = crawler
        self.path, self.batch_size, self.timeout = path, max(1, batch_size), timeout
        self.articles: list[ArticleItem] = []
        self.failures: list[FailureItem] = []
        self.tallies: dict[str, SiteTally] = {}
        self.db: Database | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLitePipeline:
        s = crawler.settings
        pipeline = cls(crawler, s.get("ARCHIVE_DB") or "archive.db", s.getint("PORTAL_SQLITE_BATCH", 100),
                       s.getfloat("PORTAL_SQLITE_TIMEOUT", 30.0))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- Scrapy hooks -------------------------------------------------------------------------

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            self.db = open_archive(self.path, timeout=self.timeout)
            sites = getattr(self.crawler.spider, "sites", [])
            self.tallies = {s.slug: SiteTally() for s in sites}
            with self.db.atomic():
                self.db["sites"].upsert_all([site_row(s) for s in sites], pk="slug")
                self.run_id = self.db["crawl_runs"].insert(start_row(self.crawler)).last_pk
        except ArchiveError as exc:
            logger.error("%s", exc)
            self.crawler.stats.set_value("portal/exit_code", 3)
            raise CloseSpider("archive_unusable") from exc
        logger.info("Archive %s open, crawl run %s", self.path, self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.articles.append(item)
        elif isinstance(item, FailureItem):
            self.failures.append(item)
        if len(self.articles) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.db is not None:
            self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None:
            return
        outcome = decide_outcome(self.tallies, reason, previous_counts(self.db, self.tallies))
        stats = self.crawler.stats
        with self.db.atomic():
            self.db["crawl_runs"].update(self.run_id, finish_row(stats.get_stats(), self.tallies, reason, outcome))
        stats.set_value("portal/exit_code", outcome.exit_code)
        for problem in outcome.problems:
            logger.warning("Crawl problem: %s", problem)
        logger.info("Crawl run %s: %s (exit code %d)", self.run_id, outcome.status, outcome.exit_code)
        self.db.close()
        self.db = None

    # --- writing ------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the buffered items in one transaction: all of them or none."""
        assert self.db is not None
        if not self.articles and not self.failures:
            return
        batch = {item.url: item for item in self.articles}  # last one wins within a batch
        with self.db.atomic():
            self._write_articles(list(batch.values()))
            if self.failures:
                self.db["failures"].insert_all(failure_row(f, self.run_id) for f in self.failures)
        for failure in self.failures:
            tally = self._tally(failure.site)
            tally.failures[failure.kind] += 1
            tally.crashes += failure.reason.startswith("exception:")
        self.articles.clear()
        self.failures.clear()

    def _write_articles(self, items: list[ArticleItem]) -> None:
        assert self.db is not None
        if not items:
            return
        known = existing_hashes(self.db, [i.url for i in items])
        new, changed, unchanged = [], [], []
        for item in items:
            row = article_row(item, self.run_id)
            previous = known.get(item.url)
            tally = self._tally(item.site)
            if previous is None:
                tally.new += 1
                new.append({**row, "first_seen_at": item.fetched_at, "last_changed_at": item.fetched_at})
            elif previous != row["content_hash"]:
                tally.updated += 1
                changed.append({**row, "last_changed_at": item.fetched_at})
            else:
                tally.unchanged += 1
                unchanged.append(row)
        if new:
            self.db["articles"].insert_all(new)
        update_rows(self.db, "articles", "url", changed)
        update_rows(self.db, "articles", "url", unchanged)  # fresh fetched_at, views, run id
        self.db["view_counts"].insert_all((view_row(i, self.run_id) for i in items), ignore=True)

    def _tally(self, site: str) -> SiteTally:
        return self.tallies.setdefault(site, SiteTally())


# --- pure row builders ---------------------------------------------------------------------------


def article_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """The `articles` row for an item (without first_seen_at/last_changed_at)."""
    row = {
        "url": item.url, "site": item.site, "title": item.title, "summary": item.summary,
        "body_text": item.body_text, "authors": json.dumps(item.authors, ensure_ascii=False),
        "category": item.category, "published_at": item.published_at,
        "published_date": item.published_date, "published_precision": item.published_precision,
        "date_raw": item.date_raw, "view_count": item.view_count, "views_raw": item.views_raw,
        "byline_raw": item.byline_raw, "source_name": item.source_name, "date_in_url": item.date_in_url,
        "provenance": json.dumps(item.provenance, ensure_ascii=False, sort_keys=True),
        "http_status": item.http_status, "fetched_at": item.fetched_at, "crawl_run_id": run_id,
    }
    row["content_hash"] = content_hash(row)
    return row


def content_hash(row: dict[str, Any]) -> str:
    """A digest of the fields whose change is an edit of the article."""
    payload = json.dumps([row.get(k) for k in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def view_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """One observation of an article: its view count (NULL when the page shows none) at fetch time."""
    return {"url": item.url, "observed_at": item.fetched_at, "view_count": item.view_count,
            "views_raw": item.views_raw, "crawl_run_id": run_id}


def failure_row(item: FailureItem, run_id: int | None) -> dict[str, Any]:
    return {"crawl_run_id": run_id, "site": item.site, "url": item.url, "observed_at": item.observed_at,
            "kind": item.kind, "reason": item.reason, "detail": item.detail, "http_status": item.http_status}


def site_row(site: Any) -> dict[str, Any]:
    return {"slug": site.slug, "name": site.name, "base_url": site.base_url, "platform": site.family,
            "province": site.province, "unit": site.unit, "level": site.level,
            "enabled": int(site.enabled), "notes": site.notes,
            "updated_at": now_vn().isoformat(timespec="seconds")}


def start_row(crawler: Crawler) -> dict[str, Any]:
    spider = crawler.spider
    args = {k: v for k, v in (("site", getattr(spider, "site", None)),
                              ("start_url", getattr(spider, "start_url", None))) if v}
    return {"started_at": now_vn().isoformat(timespec="seconds"),
            "sites": json.dumps([s.slug for s in getattr(spider, "sites", [])]),
            "mode": "full", "arguments": json.dumps(args, ensure_ascii=False), "status": "running"}


def finish_row(stats: dict[str, Any], tallies: dict[str, SiteTally], reason: str, outcome: Any) -> dict[str, Any]:
    total = sum((t.as_counter() for t in tallies.values()), Counter())
    return {
        "finished_at": now_vn().isoformat(timespec="seconds"), "status": outcome.status,
        "finish_reason": reason, "exit_code": outcome.exit_code,
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "listing_pages": sum(v for k, v in stats.items() if k.endswith("/listing_pages")),
        "articles_seen": total["new"] + total["updated"] + total["unchanged"],
        "articles_new": total["new"], "articles_updated": total["updated"],
        "articles_unchanged": total["unchanged"], "failures": total["failures"],
        "problems": json.dumps(outcome.problems, ensure_ascii=False),
    }


def update_rows(db: Database, table: str, pk: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE existing rows by primary key; every row must have the same keys."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != pk]
    assignments = ", ".join(f'"{c}" = ?' for c in columns)
    db.conn.executemany(f'update "{table}" set {assignments} where "{pk}" = ?',
                        ([row[c] for c in columns] + [row[pk]] for row in rows))


def existing_hashes(db: Database, urls: list[str]) -> dict[str, str]:
    """content_hash of the given URLs already in the archive."""
    placeholders = ",".join("?" for _ in urls)
    rows = db.execute(f"select url, content_hash from articles where url in ({placeholders})", urls)
    return dict(rows.fetchall())


def previous_counts(db: Database, tallies: dict[str, SiteTally]) -> dict[str, int]:
    """Articles each site already had in the archive (to notice a site that stopped yielding any)."""
    return {site: db.execute("select count(*) from articles where site = ?", [site]).fetchone()[0]
            for site in tallies}
