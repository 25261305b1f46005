"""Real portal pages that nobody on the team wrote, scored against hand-read truth.

The pages live outside the repository (``../shared/real-pages/``, third-party material, never
copied here); every test here skips, saying why, when that folder is absent. They run through
the path of ``scrapy import-warc`` and of a crawl (`tools.real_pages`: Scrapy's decoding,
`GenericPage`, the crawl's normalizers), and once end to end through ``scrapy import-warc`` in a
subprocess. The bars are the acceptance of the real-pages issue: every article archived with its
exact title; dates right for >= 95 % of pages whose date is not marked unsure (to the minute
where a time is shown, NULL where the page shows none), authors >= 90 %, first and last words of
the body >= 90 %; no listing or home page stored as an article.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import REPO_ROOT
from tools.real_pages import Report, describe, original_url, score_folder

REAL_PAGES = REPO_ROOT.parent / "shared" / "real-pages"
pytestmark = pytest.mark.skipif(
    not (REAL_PAGES / "truth.jsonl").is_file(),
    reason=f"no real pages at {REAL_PAGES} (third-party pages are kept outside the repository)")

FLOORS = {"published": 0.95, "authors": 0.90, "body_start": 0.90, "body_end": 0.90}


@pytest.fixture(scope="module")
def report() -> Report:
    return score_folder(REAL_PAGES)


def misses(report: Report) -> str:
    return "\n".join(describe(report))


def test_every_real_article_is_archived(report: Report) -> None:
    missed = [f"{p.file} ({p.reason})" for p in report.articles() if not p.archived]
    assert not missed, f"not archived: {missed}\n{misses(report)}"


def test_no_listing_or_home_page_becomes_an_article(report: Report) -> None:
    assert not report.junk(), misses(report)


def test_titles_are_exact(report: Report) -> None:
    right, scored = report.rate("title")
    assert right == scored, misses(report)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_field_accuracy_meets_its_floor(report: Report, name: str) -> None:
    right, scored = report.rate(name)
    assert scored, f"no page scores {name}"
    assert right / scored >= FLOORS[name], misses(report)


def test_pages_without_a_date_are_stored_undated_and_say_why(report: Report) -> None:
    undated = [p for p in report.articles() if report.truth[p.file].get("published") is None
               and "published" not in (report.truth[p.file].get("unsure") or ())]
    assert undated, "the corpus has no undated article"
    for page in undated:
        assert page.item is not None and page.item.published_at is None and page.item.published_date is None
        assert page.item.provenance.get("date") == "absent:no_date_on_page"


def test_views_are_never_read_from_site_counters(report: Report) -> None:
    # The corpus's pages show visitor counters ("SỐ LƯỢT TRUY CẬP", "Thống kê truy cập: 1.099.979")
    # and empty view labels: no article may carry one of those as its view count.
    for page in report.articles():
        assert page.item is not None and page.item.view_count == report.truth[page.file].get("views"), page.file


# --- end to end: the pages in a WARC file, imported by `scrapy import-warc` --------------------


def warc_of_real_pages(path: Path, report: Report) -> None:
    """Every real page as a response record at its original address (a Wayback capture's address
    read as the page it captured), as a crawler of the live portals would have written it."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name, entry in report.truth.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                original_url(entry["url"]), "response", payload=BytesIO((REAL_PAGES / name).read_bytes()),
                http_headers=headers, warc_headers_dict={"WARC-Date": stamp}))


@pytest.mark.e2e
def test_import_warc_archives_every_real_article(report: Report, tmp_path: Path) -> None:
    warc, db = tmp_path / "real.warc.gz", tmp_path / "archive.db"
    warc_of_real_pages(warc, report)
    result = subprocess.run([sys.executable, "-m", "scrapy", "import-warc", str(warc), "-s", f"ARCHIVE_DB={db}"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select url, title from articles").fetchall())
        raw = conn.execute("select count(*) from raw_pages").fetchone()[0]
    articles = {original_url(e["url"]): e for e in report.truth.values() if e["kind"] == "article"}
    assert set(rows) == set(articles), result.stdout[-3000:]
    assert all(rows[url] == entry["title"] for url, entry in articles.items())
    assert raw == len(report.truth)  # listing and home pages are kept raw, never as articles
