"""What the archive already knows, read by the spider to crawl incrementally. Read-only.

The spider asks: which of these links are already archived, which categories were walked to
the end last time (only those may stop early), which known articles are due for a re-fetch,
and which failed pages deserve another try. It opens its own read-only connection (WAL lets it
read while the storage pipeline writes); a missing archive simply knows nothing.

Articles and walks are recognised by their key (`article_key`, `listing_key`: pipelines/identity.py),
so a portal reached at another address (port, host, scheme, case) is still known. The spider reads
before the storage opens the archive, so an archive that predates the keys (migrated only once the
storage opens it) is read by URL, as it was written.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Failures worth retrying in a later run: the server or the network, not a missing page.
RETRYABLE = "(kind = 'network' or (kind = 'http' and (http_status >= 500 or http_status = 429)))"


class CrawlState:
    def __init__(self, path: str | Path) -> None:
        self.conn: sqlite3.Connection | None = None
        if Path(path).exists():
            self.conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30,
                                        check_same_thread=False)
            if not self._has("articles"):
                self.close()
        self.keyed = self.conn is not None and self._has_column("articles", "article_key")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def known(self, urls: Iterable[str], site: Any = None) -> set[str]:
        """The given URLs that are archived: by their key on `site` (a profile), at whatever
        address they were fetched, or as a canonical or fetched URL."""
        urls = list(urls)
        if self.conn is None or not urls:
            return set()
        marks = ",".join("?" * len(urls))
        rows = self.conn.execute(
            f"select url, fetched_url from articles where url in ({marks}) or fetched_url in ({marks})", urls + urls)
        found = {u for row in rows for u in row if u}
        if self.keyed and site is not None:
            keys = {url: site.key(url) for url in urls}
            rows = self.conn.execute(f"select article_key from articles where article_key in ({marks})",
                                     list(keys.values()))
            archived = {r[0] for r in rows}
            found |= {url for url, key in keys.items() if key in archived}
        return {u for u in urls if u in found}

    def completed_walks(self, site: str) -> set[str]:
        """Listings whose most recent walk reached its end in a run that finished cleanly: their
        URLs and keys (`listing_key`; `crawler.incremental.plan_site` matches either)."""
        if self.conn is None or not self._has("listing_walks"):
            return set()
        key = "listing_key" if self._has_column("listing_walks", "listing_key") else "null"
        rows = self.conn.execute(
            f"select listing_url, {key} from listing_walks where site = ? and completed_at is not null", [site])
        return {value for row in rows for value in row if value}

    def due_for_refetch(self, site: str, fetched_before: str, limit: int) -> list[str]:
        """Known articles last fetched at or before the cutoff, newest publications first."""
        if self.conn is None or limit <= 0:
            return []
        rows = self.conn.execute(
            """select coalesce(fetched_url, url) from articles
               where site = ? and fetched_at <= ? and removed_at is null
               order by published_date desc, published_at desc limit ?""", [site, fetched_before, limit])
        return [r[0] for r in rows]

    def failed_to_retry(self, site: str, max_attempts: int, limit: int) -> list[str]:
        """Article pages that failed for a retryable reason, are still not archived, and have
        failed fewer than `max_attempts` times across runs (counted per article, at any address)."""
        if self.conn is None or limit <= 0 or not self._has_column("failures", "page_kind"):
            return []
        if self.keyed:
            rows = self.conn.execute(
                # SQLite takes a bare column from the row holding the max(): the latest address.
                f"""select url, max(observed_at) as last from failures
                    where site = ? and page_kind = 'article' and {RETRYABLE}
                      and article_key not in (select article_key from articles where article_key is not null)
                      and url not in (select fetched_url from articles where fetched_url is not null)
                    group by article_key having count(*) < ? order by last desc limit ?""",
                [site, max_attempts, limit])
            return [r[0] for r in rows]
        rows = self.conn.execute(
            f"""select url from failures
                where site = ? and page_kind = 'article' and {RETRYABLE}
                  and url not in (select url from articles)
                  and url not in (select fetched_url from articles where fetched_url is not null)
                group by url having count(*) < ? order by max(observed_at) desc limit ?""",
            [site, max_attempts, limit])
        return [r[0] for r in rows]

    def wayback_pages(self, site: str) -> list[tuple[str, str, str]]:
        """Pages of `site` stored from the Wayback Machine by earlier runs: (URL, capture time,
        kind). A recovery does not fetch these captures again (crawler/spiders/wayback.py)."""
        if self.conn is None or not self._has("raw_pages") or not self._has_column("raw_pages", "source"):
            return []
        return [tuple(row) for row in self.conn.execute(
            "select url, fetched_at, kind from raw_pages where site = ? and source = 'wayback'", [site])]

    def _has(self, table: str) -> bool:
        assert self.conn is not None
        return self.conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone() is not None

    def _has_column(self, table: str, column: str) -> bool:
        assert self.conn is not None
        return any(r[1] == column for r in self.conn.execute(f"pragma table_info({table})"))
