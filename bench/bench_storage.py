"""Archive write speed: articles/s through the real storage pipeline, first insert and re-crawl.

    python bench/bench_storage.py [--articles 100000] [--batch 1000]

Feeds N synthetic, already-normalized articles (realistic sizes: ~2.5 KB of Vietnamese text) to
`SQLitePipeline` exactly as a crawl does (batched transactions on the writer thread, view_counts,
search column, both full-text indexes, content hashes), into a fresh archive; then feeds the same
articles again with a later fetch time, which is the cost of a re-crawl that finds nothing changed
(an update and one view_counts row per article). The clock stops when the last batch is
committed. Target: >= 5,000 articles/s at 100,000. Figures, not a test.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import settings  # noqa: E402
from crawler.items import ArticleItem  # noqa: E402
from pipelines.storage import SQLitePipeline  # noqa: E402

SITE = SimpleNamespace(slug="bench", name="Bench", base_url="https://bench.gov.vn", family="sharepoint_portal",
                       province="", unit="", level="", enabled=True, notes="", start_urls=())
PARAGRAPH = ("Chiều ngày 9/10, Cụm ATLC-SSCĐ phía Bắc thị xã đã tổ chức hội nghị giao ban để đánh giá kết quả "
             "thực hiện nhiệm vụ 9 tháng đầu năm và triển khai nhiệm vụ 3 tháng cuối năm. ")


class Stats(dict):
    def set_value(self, key: str, value: Any) -> None:
        self[key] = value

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] = self.get(key, 0) + count

    def get_stats(self) -> dict[str, Any]:
        return self


def articles(n: int, fetched_at: str) -> Iterator[ArticleItem]:
    for i in range(n):
        yield ArticleItem(
            site="bench", url=f"https://bench.gov.vn/portal/pages/2020-1-{1 + i % 28}/tin-{i}.aspx",
            fetched_at=fetched_at, title=f"Hội nghị giao ban số {i} của phường Đức Thuận",
            summary=PARAGRAPH, body_text="\n\n".join([PARAGRAPH * 3] * 5), category="Tin tức - Sự kiện",
            date_raw="Cập nhật lúc: 14:55 - 10/10/2018", views_raw=f"Lượt xem: {i}", byline_raw="Thanh Trúc",
            published_at="2018-10-10T14:55:00+07:00", published_date="2018-10-10", published_precision="minute",
            view_count=i, authors=["Thanh Trúc"], provenance={"title": "profile:h1"})


def feed(db: Path, n: int, batch: int, fetched_at: str) -> float:
    crawler = SimpleNamespace(spider=SimpleNamespace(sites=[SITE], site="bench"), stats=Stats())
    pipeline = SQLitePipeline(crawler, str(db), batch, 30.0, {})  # type: ignore[arg-type]
    pipeline.open_spider()
    items = list(articles(n, fetched_at))  # built before timing: only storage is measured
    started = time.perf_counter()
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider()
    elapsed = time.perf_counter() - started
    pipeline.spider_closed(None, "finished")  # type: ignore[arg-type]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=settings.PORTAL_SQLITE_BATCH,
                        help="PORTAL_SQLITE_BATCH (default: the crawl's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        first = feed(db, args.articles, args.batch, "2026-11-01T08:00:00+07:00")
        print(f"insert:  {args.articles} articles in {first:.1f} s = {args.articles / first:,.0f} articles/s "
              f"(batch {args.batch}; target >= 5,000/s)")
        again = feed(db, args.articles, args.batch, "2026-11-08T08:00:00+07:00")
        print(f"re-crawl of unchanged articles: {again:.1f} s = {args.articles / again:,.0f} articles/s "
              f"({again / first:.2f}x the insert)")
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))
        print(f"archive size: {size / 2**20:.0f} MB for {args.articles} articles, 2 observations each")


if __name__ == "__main__":
    main()
