"""End to end: `scrapy crawl portal` in a subprocess against the sample portal on 127.0.0.1,
and the archive compared with the portal's own ground truth, row by row."""
from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sample_portal import SamplePortalServer, ground_truth
from sample_portal.demo import crawl_command
from tests.conftest import REPO_ROOT, rows

COMPARED = ("title", "summary", "body_text", "authors", "category", "published_at", "published_date",
            "date_raw", "view_count", "views_raw")


def crawl(base_url: str, db: Path, *extra: str, site: str = "sample", full: bool = True) -> subprocess.CompletedProcess[str]:
    """The main job's crawl (a full walk, as the demo runs it)."""
    cmd = crawl_command(base_url, str(db), site=site, full=full) + list(extra)
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)




@pytest.fixture(scope="module")
def server() -> Iterator[SamplePortalServer]:
    with SamplePortalServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawled(server: SamplePortalServer,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One clean crawl of the sample portal, shared by the assertions below."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    server.requests.clear()
    result = crawl(server.url.rstrip("/"), db)
    return db, result


def test_crawl_succeeds(crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, result = crawled
    assert result.returncode == 0, result.stderr[-3000:]
    run = rows(db, "select * from crawl_runs")
    assert len(run) == 1 and run[0]["status"] == "ok" and run[0]["exit_code"] == 0
    assert run[0]["finished_at"] and run[0]["articles_new"] == run[0]["articles_seen"] > 0


def test_archive_equals_ground_truth(server: SamplePortalServer, crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, _ = crawled
    expected = {a["url"]: a for a in ground_truth(server.url.rstrip("/") + "/honglinh")}
    got = {r["url"]: r for r in rows(db, "select * from articles")}
    assert sorted(got) == sorted(expected), "every sample article exactly once, nothing else"
    mismatches = []
    for url, want in expected.items():
        row = dict(got[url], authors=json.loads(got[url]["authors"]))
        for field in COMPARED:
            if row[field] != want[field]:
                mismatches.append((url.rsplit("/", 1)[-1], field, row[field], want[field]))
    assert mismatches == []


def test_seed_article_is_exact(server: SamplePortalServer, crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, _ = crawled
    [seed] = rows(db, "select * from articles where title = ?",
                  ("Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018",))
    assert seed["published_at"] == "2018-10-10T14:55:00+07:00"
    assert seed["view_count"] == 162
    assert json.loads(seed["authors"]) == ["Thanh Trúc"]
    assert seed["body_text"].startswith("Chiều ngày 9/10, Cụm ATLC-SSCĐ phía Bắc thị xã")
    assert seed["body_text"].endswith("nhiệm vụ trọng tâm 3 tháng cuối năm 2018./.")
    for noise in ("Thanh Trúc", "Tin cùng chuyên mục", "Lượt xem", "Cập nhật lúc", "Trang chủ", "In trang"):
        assert noise not in seed["body_text"]


def test_header_clock_is_never_a_publication_date(crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, _ = crawled
    today = datetime.now(timezone(timedelta(hours=7))).date().isoformat()
    assert rows(db, "select url from articles where published_date = ? or published_at is null", (today,)) == []


def test_listing_pages_after_the_first_come_by_postback(server: SamplePortalServer,
                                                       crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    posts = [r for r in server.requests if r.method == "POST"]
    listing_gets = [r for r in server.requests if r.method == "GET" and "/portal/Pages/" in r.path
                    and "/portal/pages/" not in r.path]
    assert posts, "pagination must post the form back"
    assert all(r.event_argument and r.event_argument.startswith("Page$") for r in posts)
    assert all(not r.query for r in listing_gets), "no guessed ?page= URLs"
    db, _ = crawled
    [run] = rows(db, "select listing_pages from crawl_runs")
    assert run["listing_pages"] == len(listing_gets) + len(posts)


def test_view_counts_one_observation_per_article(crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, _ = crawled
    counts = rows(db, "select a.url, count(v.url) n from articles a left join view_counts v using (url) group by a.url")
    assert {c["n"] for c in counts} == {1}


def test_second_run_updates_rows_and_adds_observations(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    base = server.url.rstrip("/")
    first = crawl(base, db)
    assert first.returncode == 0, first.stderr[-2000:]
    before = rows(db, "select url, first_seen_at, content_hash from articles order by url")
    second = crawl(base, db)
    assert second.returncode == 0, second.stderr[-2000:]
    after = rows(db, "select url, first_seen_at, content_hash from articles order by url")
    assert after == before  # same articles, same content, first_seen_at kept
    counts = rows(db, "select url, count(*) n from view_counts group by url")
    assert len(counts) == len(before) and {c["n"] for c in counts} == {2}
    runs = rows(db, "select articles_new, articles_updated, articles_unchanged from crawl_runs order by id")
    assert runs == [{"articles_new": len(before), "articles_updated": 0, "articles_unchanged": 0},
                    {"articles_new": 0, "articles_updated": 0, "articles_unchanged": len(before)}]


def test_unknown_site_slug_exits_2_and_lists_known_sites(tmp_path: Path) -> None:
    result = crawl("http://127.0.0.1:9", tmp_path / "a.db", site="nosuchsite")
    assert result.returncode == 2
    assert "unknown site 'nosuchsite'; known sites: " in result.stderr
    assert "honglinh, " in result.stderr and "sample, " in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_invalid_registry_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "sites.toml"
    bad.write_text('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\n'
                   'start_paths = ["/a"]\nenabeld = true\n', encoding="utf-8")
    result = crawl("http://127.0.0.1:9", tmp_path / "a.db", "-s", f"PORTAL_SITES_FILE={bad}", site="x")
    assert result.returncode == 2
    assert f"{bad}: [sites.x] enabeld: unknown key" in result.stderr


def test_locked_archive_exits_3(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    holder = sqlite3.connect(db)
    holder.execute("create table t (x)")
    holder.execute("begin exclusive")  # another process holds the write lock
    try:
        result = crawl(server.url.rstrip("/"), db, "-s", "PORTAL_SQLITE_TIMEOUT=0.5")
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 3
    assert f"archive {db} is unusable: database is locked" in result.stderr


def test_not_a_database_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    db.write_text("this is not sqlite\n" * 100)
    result = crawl("http://127.0.0.1:9", db)
    assert result.returncode == 3
    assert "is unusable: file is not a database" in result.stderr
    assert db.read_text().startswith("this is not sqlite")  # nothing overwritten


def test_unreachable_portal_exits_4_and_records_failures(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    result = crawl("http://127.0.0.1:9", db)  # nothing listens on port 9
    assert result.returncode == 4, result.stderr[-2000:]
    failures = rows(db, "select kind, reason from failures")
    assert failures and all(f["kind"] == "network" for f in failures)
    [run] = rows(db, "select status, exit_code, problems from crawl_runs")
    assert run["status"] == "failed" and run["exit_code"] == 4
    assert "sample: no articles" in run["problems"]
