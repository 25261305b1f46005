"""What the archive already knows, read by the spider to crawl incrementally. Read-only.

The spider asks: which of these links are already archived, which categories were walked to
the end last time (only those may stop early), which known articles are due for a re-fetch,
and which failed pages deserve another try. It opens its own read-only connection (WAL lets it
read while the storage pipeline writes); a missing archive simply knows nothing.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

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

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def known(self, urls: Iterable[str]) -> set[str]:
        """The given URLs that are archived (as canonical or as fetched URL)."""
        urls = list(urls)
        if self.conn is None or not urls:
            return set()
        marks = ",".join("?" * len(urls))
        rows = self.conn.execute(
            f"select url, fetched_url from articles where url in ({marks}) or fetched_url in ({marks})", urls + urls)
        found = {u for row in rows for u in row if u}
        return {u for u in urls if u in found}

    def completed_walks(self, site: str) -> set[str]:
        """Listing URLs whose most recent walk reached its end in a run that finished cleanly."""
        if self.conn is None or not self._has("listing_walks"):
            return set()
        rows = self.conn.execute(
            "select listing_url from listing_walks where site = ? and completed_at is not null", [site])
        return {r[0] for r in rows}

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
        failed fewer than `max_attempts` times across runs."""
        if self.conn is None or limit <= 0 or not self._has_column("failures", "page_kind"):
            return []
        rows = self.conn.execute(
            f"""select url from failures
                where site = ? and page_kind = 'article' and {RETRYABLE}
                  and url not in (select url from articles)
                  and url not in (select fetched_url from articles where fetched_url is not null)
                group by url having count(*) < ? order by max(observed_at) desc limit ?""",
            [site, max_attempts, limit])
        return [r[0] for r in rows]

    def _has(self, table: str) -> bool:
        assert self.conn is not None
        return self.conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone() is not None

    def _has_column(self, table: str, column: str) -> bool:
        assert self.conn is not None
        return any(r[1] == column for r in self.conn.execute(f"pragma table_info({table})"))
