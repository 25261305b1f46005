"""The storage pipeline on its own: upserts, edits kept as versions, removals, batches, failures."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawler.items import ArticleItem, FailureItem, RawPageItem
from pipelines.normalizing import normalize_article
from pipelines.storage import SQLitePipeline
from tests.conftest import REPO_ROOT

SITE = SimpleNamespace(slug="demo", name="Demo", base_url="https://demo.gov.vn", family="sharepoint_portal",
                       province="Hà Tĩnh", unit="", level="district", enabled=True, notes="",
                       start_urls=("https://demo.gov.vn/portal/Pages/Tin.aspx",))


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def get_stats(self) -> dict[str, Any]:
        return self.values


def make_pipeline(db: Path, batch: int = 100, timeout: float = 5.0, flush_seconds: float = 5.0) -> SQLitePipeline:
    crawler = SimpleNamespace(spider=SimpleNamespace(sites=[SITE], site="demo"), stats=Stats())
    pipeline = SQLitePipeline(crawler, str(db), batch, timeout, {"title": 1.0},  # type: ignore[arg-type]
                              flush_seconds=flush_seconds)
    pipeline.open_spider()
    return pipeline


def item(n: int, fetched_at: str, **changes: Any) -> ArticleItem:
    fields = {"title": f"Tin số {n}", "body_text": f"Nội dung {n}.", "date_raw": "Cập nhật lúc: 14:55 - 10/10/2018",
              "views_raw": f"Lượt xem: {100 + n}", "byline_raw": "Thanh Trúc", **changes}
    article = ArticleItem(site="demo", url=f"https://demo.gov.vn/portal/pages/2018-10-10/tin-{n}.aspx",
                          fetched_at=fetched_at, **fields)
    normalize_article(article)
    return article


def finish(pipeline: SQLitePipeline) -> None:
    pipeline.close_spider()
    pipeline.spider_closed(None, "finished")  # type: ignore[arg-type]


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_edit_keeps_the_previous_version(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    first = make_pipeline(db)
    first.process_item(item(1, "2026-11-01T08:00:00+07:00"))
    finish(first)
    second = make_pipeline(db)
    second.process_item(item(1, "2026-11-08T08:00:00+07:00", title="Tin số 1 (đã sửa)", views_raw="Lượt xem: 150"))
    finish(second)
    assert rows(db, "select title, first_seen_at, last_changed_at, view_count from articles") == [
        ("Tin số 1 (đã sửa)", "2026-11-01T08:00:00+07:00", "2026-11-08T08:00:00+07:00", 150)]
    assert rows(db, "select version, title, fetched_at, replaced_at from article_versions") == [
        (1, "Tin số 1", "2026-11-01T08:00:00+07:00", "2026-11-08T08:00:00+07:00")]
    assert rows(db, "select view_count from view_counts order by observed_at") == [(101,), (150,)]
    assert rows(db, "select articles_updated from crawl_runs order by id") == [(0,), (1,)]


def test_views_changing_alone_is_not_an_edit(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    for day, views in (("01", 101), ("02", 180)):
        pipeline = make_pipeline(db)
        pipeline.process_item(item(1, f"2026-11-{day}T08:00:00+07:00", views_raw=f"Lượt xem: {views}"))
        finish(pipeline)
    assert rows(db, "select count(*) from article_versions") == [(0,)]
    assert rows(db, "select articles_unchanged from crawl_runs order by id") == [(0,), (1,)]


def test_gone_article_is_marked_removed_and_back_when_seen_again(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db)
    article = item(2, "2026-11-01T08:00:00+07:00")
    pipeline.process_item(article)
    pipeline.flush()
    pipeline.process_item(FailureItem(site="demo", url=article.url, observed_at="2026-11-05T08:00:00+07:00",
                                      kind="http", reason="http_404", http_status=404))
    finish(pipeline)
    assert rows(db, "select removed_at from articles") == [("2026-11-05T08:00:00+07:00",)]
    again = make_pipeline(db)
    again.process_item(item(2, "2026-11-09T08:00:00+07:00"))
    finish(again)
    assert rows(db, "select removed_at from articles") == [(None,)]


def test_batches_are_flushed_by_size_and_at_close(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=3)
    for n in range(7):
        pipeline.process_item(item(n, "2026-11-01T08:00:00+07:00"))
    pipeline.wait_for_writes()  # the writer thread has the second batch
    assert rows(db, "select count(*) from articles") == [(6,)]  # two full batches committed
    finish(pipeline)
    assert rows(db, "select count(*) from articles") == [(7,)]
    [(health,)] = rows(db, "select health from crawl_runs")
    assert json.loads(health)["sites"]["demo"]["coverage"]["published_at"] == 1.0


def test_raw_page_identical_to_previous_capture_is_not_stored_twice(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db)
    for when in ("2026-11-01T08:00:00+07:00", "2026-11-02T08:00:00+07:00"):
        pipeline.process_item(RawPageItem(site="demo", url="https://demo.gov.vn/a.aspx", kind="article",
                                          fetched_at=when, status=200, body=b"<html>same</html>" * 50))
        pipeline.flush()
    finish(pipeline)
    assert rows(db, "select id, body is not null, same_as from raw_pages order by id") == [(1, 1, None), (2, 0, 1)]


def test_coverage_floor_broken_fails_the_run(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db)
    pipeline.floors = {"view_count": 0.9}
    for n in range(12):
        pipeline.process_item(item(n, "2026-11-01T08:00:00+07:00", views_raw=None if n % 2 else "Lượt xem: 5"))
    finish(pipeline)
    [(status, exit_code, problems)] = rows(db, "select status, exit_code, problems from crawl_runs")
    assert (status, exit_code) == ("failed", 4)
    assert json.loads(problems) == ["demo: view_count coverage 50% is below its floor 90% (layout change?)"]


def test_killed_run_leaves_running_row_and_only_whole_batches(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=4)
    for n in range(6):
        pipeline.process_item(item(n, "2026-11-01T08:00:00+07:00"))
    pipeline.wait_for_writes()
    # no close: the process died here, after the writer thread committed the first batch
    assert rows(db, "select status, finished_at from crawl_runs") == [("running", None)]
    assert rows(db, "select count(*) from articles") == [(4,)]
    assert rows(db, "select count(*) from view_counts") == [(4,)]
    assert rows(db, "select completed_at from listing_walks") == [(None,)]


@pytest.mark.parametrize("content", [b"not a database at all" * 20, b""])
def test_unusable_archive_closes_the_spider_with_exit_3(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "archive.db"
    db.write_bytes(content or b"\x00" * 4096)
    crawler = SimpleNamespace(spider=SimpleNamespace(sites=[SITE]), stats=Stats())
    pipeline = SQLitePipeline(crawler, str(db), 10, 1.0, {})  # type: ignore[arg-type]
    from scrapy.exceptions import CloseSpider
    with pytest.raises(CloseSpider):
        pipeline.open_spider()
    assert pipeline.crawler.stats.values["portal/exit_code"] == 3


def test_a_waiting_batch_is_written_after_flush_seconds_even_if_not_full(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=1000, flush_seconds=0.3)
    pipeline.process_item(item(1, "2026-11-01T08:00:00+07:00"))
    pipeline.process_item(item(2, "2026-11-01T08:00:00+07:00"))
    pipeline.wait_for_writes()
    assert rows(db, "select count(*) from articles") == [(0,)]  # young and far from full: buffered
    time.sleep(0.35)
    pipeline.process_item(item(3, "2026-11-01T08:00:00+07:00"))
    pipeline.wait_for_writes()
    assert rows(db, "select count(*) from articles") == [(3,)]
    finish(pipeline)


def hold_write_lock(db: Path) -> sqlite3.Connection:
    """Another writer (a second process, a researcher's sqlite3 shell) holding the archive."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("begin immediate")
    return conn


def test_a_batch_that_cannot_be_written_is_kept_and_written_with_the_next(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=2, timeout=0.2)
    other = hold_write_lock(db)
    pipeline.process_item(item(1, "2026-11-01T08:00:00+07:00"))
    pipeline.process_item(item(2, "2026-11-01T08:00:00+07:00"))
    assert pipeline.wait_for_writes() is False
    assert "a batch of 2 items could not be written (OperationalError: database is locked)" in caplog.text
    other.rollback()
    other.close()
    pipeline.process_item(item(3, "2026-11-01T08:00:00+07:00"))  # the kept two and this one
    assert pipeline.wait_for_writes() is True
    assert rows(db, "select count(*) from articles") == [(3,)]
    pipeline.process_item(item(4, "2026-11-01T08:00:00+07:00"))
    finish(pipeline)
    # Counted once each, although the first two were tried twice.
    assert rows(db, "select articles_new, status, exit_code from crawl_runs") == [(4, "ok", 0)]
    assert rows(db, "select count(*) from view_counts") == [(4,)]


def test_raw_pages_packed_on_their_thread_are_stored_as_the_writer_packs_them(tmp_path: Path) -> None:
    # The pipeline hashes and compresses raw pages on a thread of their own as they come; a batch
    # that failed is sent again without that packing, and the writer packs those pages itself.
    import hashlib
    import zlib

    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=2, timeout=0.2)
    bodies = [f"<html><p>trang {n}</p></html>".encode() * 40 for n in range(3)]
    other = hold_write_lock(db)
    for n in (0, 1):
        pipeline.process_item(RawPageItem(site="demo", url=f"https://demo.gov.vn/{n}.aspx", kind="article",
                                          fetched_at="2026-11-01T08:00:00+07:00", status=200, body=bodies[n]))
    assert pipeline.wait_for_writes() is False  # the first two are kept, their packing is gone
    other.rollback()
    other.close()
    pipeline.process_item(RawPageItem(site="demo", url="https://demo.gov.vn/2.aspx", kind="article",
                                      fetched_at="2026-11-01T08:00:00+07:00", status=200, body=bodies[2]))
    finish(pipeline)
    stored = rows(db, "select url, body, body_sha1, body_size from raw_pages order by url")
    assert [(url, zlib.decompress(body), sha1, size) for url, body, sha1, size in stored] == [
        (f"https://demo.gov.vn/{n}.aspx", bodies[n], hashlib.sha1(bodies[n]).hexdigest(), len(bodies[n]))
        for n in range(3)]
    assert pipeline._packing == {}


def test_an_archive_that_refuses_writes_to_the_end_exits_3_and_keeps_no_partial_batch(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "archive.db"
    pipeline = make_pipeline(db, batch=2, timeout=0.1)
    other = hold_write_lock(db)
    for n in range(3):
        pipeline.process_item(item(n, "2026-11-01T08:00:00+07:00"))
    finish(pipeline)
    assert pipeline.crawler.stats.values["portal/exit_code"] == 3
    assert "3 item(s) could not be written to the archive" in caplog.text
    assert "the crawl run could not be closed in the archive (database is locked)" in caplog.text
    other.rollback()
    other.close()
    assert rows(db, "select count(*) from articles") == [(0,)]
    assert rows(db, "select count(*) from view_counts") == [(0,)]
    assert rows(db, "select status from crawl_runs") == [("running",)]


REACTOR_SCRIPT = """
import sqlite3, sys
from types import SimpleNamespace
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor
from tests.test_storage import SITE, Stats, item
from pipelines.storage import SQLitePipeline

db = sys.argv[1]
crawler = SimpleNamespace(spider=SimpleNamespace(sites=[SITE], site="demo"), stats=Stats(), engine=object())
pipeline = SQLitePipeline(crawler, db, 1000, 5.0, {}, flush_seconds=0.3)
pipeline.open_spider()
seen = []

def count():
    conn = sqlite3.connect(db)
    seen.append(conn.execute("select count(*) from articles").fetchone()[0])
    conn.close()

def feed():
    pipeline.process_item(item(1, "2026-11-01T08:00:00+07:00"))
    pipeline.process_item(item(2, "2026-11-01T08:00:00+07:00"))
    count()  # just handed over: nothing written yet

reactor.callLater(0.05, feed)
reactor.callLater(1.0, lambda: (pipeline.wait_for_writes(), count()))  # no item came since
reactor.callLater(1.1, reactor.stop)
reactor.run()
pipeline.close_spider()
pipeline.spider_closed(None, "finished")
print(seen)
"""


@pytest.mark.e2e
def test_in_a_crawl_the_clock_writes_a_batch_no_item_completes(tmp_path: Path) -> None:
    """Between items (a polite crawl waiting on a slow page) only the reactor's clock can flush."""
    db = tmp_path / "archive.db"
    done = subprocess.run([sys.executable, "-c", REACTOR_SCRIPT, str(db)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[0, 2]"


def test_raw_pages_packed_ahead_are_stored_as_packed_in_place(tmp_path: Path) -> None:
    """A body hashed and compressed by the caller (`pack_body`, as `scrapy import-warc` does on a
    second thread) gives the very rows the writer makes itself: same digest, bytes, `same_as` and
    cut; and the writer's plain-SQL insert fills every column of `raw_page_row`."""
    from pipelines.normalizing import MAX_RAW_PAGE_BYTES
    from pipelines.rows import RAW_PAGE_COLUMNS, pack_body, raw_page_row
    from pipelines.schema import open_archive
    from pipelines.storage import ArchiveWriter

    bodies = [b"<html>one</html>", b"<html>one</html>", b"<html>two</html>", b"<html>" + b"x" * MAX_RAW_PAGE_BYTES]
    urls = ["http://demo.gov.vn/a", "http://demo.gov.vn/a", "http://demo.gov.vn/a", "http://demo.gov.vn/b"]

    def pages() -> list[RawPageItem]:
        return [RawPageItem(site="demo", url=url, kind="article", fetched_at=f"2025-07-0{n + 1}T10:00:00+07:00",
                            status=200, body=body) for n, (url, body) in enumerate(zip(urls, bodies, strict=True))]

    dumps = []
    for name, packed in (("plain", []), ("packed", [pack_body(b) for b in bodies])):
        db = open_archive(tmp_path / f"{name}.db")
        ArchiveWriter(db, sites=[SITE]).write_raw_pages(pages(), packed)
        dumps.append([dict(zip([d[0] for d in c.description], r, strict=True))
                      for c in [db.execute("select * from raw_pages order by id")] for r in c.fetchall()])
        db.close()
    assert dumps[0] == dumps[1]
    assert [r["same_as"] for r in dumps[0]] == [None, 1, None, None]
    assert dumps[0][3]["truncated_from"] == len(bodies[3])
    assert tuple(raw_page_row(pages()[0], None, None)) == RAW_PAGE_COLUMNS
