"""Running from cron: incremental runs, new articles, retries, removals, locks, crash safety,
SIGTERM, and offline re-extraction — each a real `scrapy crawl` subprocess against the sample portal."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sample_portal import SamplePortal, SamplePortalServer, ground_truth
from sample_portal.demo import crawl_command
from tests.conftest import REPO_ROOT, query

CATEGORIES = 4
# Columns that must be identical whatever the history of runs that built the archive.
CONTENT = ("url", "site", "title", "summary", "body_text", "authors", "category", "published_at",
           "published_date", "date_raw", "view_count", "views_raw", "byline_raw", "content_hash", "search_text")


def run(base: str, db: Path, *extra: str, full: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crawl_command(base, str(db), full=full) + list(extra), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=240)


def start(base: str, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(crawl_command(base, str(db)) + list(extra), cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)




def content(db: Path) -> list[tuple]:
    """Article content with URLs reduced to their paths (each test's server has its own port)."""
    rows = query(db, f"select {', '.join(CONTENT)} from articles order by url")
    return [(urlsplit(row[0]).path, *row[1:]) for row in rows]


def article_requests(srv: SamplePortalServer) -> list[str]:
    return [r.path for r in srv.requests if "/portal/pages/" in r.path and r.path.count("/") > 4]


def listing_requests(srv: SamplePortalServer) -> list[str]:
    return [r.path for r in srv.requests if "/portal/Pages/" in r.path]


@pytest.fixture
def server() -> Iterator[SamplePortalServer]:
    with SamplePortalServer(portal=SamplePortal()) as srv:
        yield srv


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The archive content of one clean crawl (of an unchanged sample portal)."""
    db = tmp_path_factory.mktemp("ref") / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        assert run(srv.url, db).returncode == 0
    return content(db)


def test_second_run_over_unchanged_site_is_cheap(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert run(server.url, db).returncode == 0
    server.requests.clear()
    second = run(server.url, db)
    assert second.returncode == 0, second.stderr[-2000:]
    assert len(listing_requests(server)) <= 2 * CATEGORIES
    assert article_requests(server) == []  # nothing due for a re-fetch yet
    [(mode, status, seen, exit_code)] = query(
        db, "select mode, status, articles_seen, exit_code from crawl_runs where id = 2")
    assert (mode, status, seen, exit_code) == ("incremental", "ok", 0, 0)


def test_rerun_archives_exactly_the_new_articles(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert run(server.url, db).returncode == 0
    before = {row[0] for row in query(db, "select url from articles")}
    new = server.portal.publish(3)
    server.requests.clear()
    result = run(server.url, db)
    assert result.returncode == 0, result.stderr[-2000:]
    after = {row[0] for row in query(db, "select url from articles")}
    expected_new = {g["url"] for g in ground_truth(server.url, server.portal) if g["url"] not in before}
    assert len(expected_new) == len(new) == 3
    assert after - before == expected_new
    assert sorted(urlsplit(u).path for u in expected_new) == sorted(article_requests(server))
    [(new_count, unchanged)] = query(db, "select articles_new, articles_unchanged from crawl_runs where id = 2")
    assert (new_count, unchanged) == (3, 0)


def test_due_articles_are_refetched_newest_first_within_budget(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert run(server.url, db).returncode == 0
    server.requests.clear()
    result = run(server.url, db, "-s", "PORTAL_REFETCH_AFTER_HOURS=0", "-s", "PORTAL_REFETCH_BUDGET=5")
    assert result.returncode == 0, result.stderr[-2000:]
    newest = query(db, "select url from articles order by published_date desc, published_at desc limit 5")
    assert sorted(article_requests(server)) == sorted(urlsplit(u).path for (u,) in newest), result.stderr[-5000:]
    counts = dict(query(db, "select url, count(*) from view_counts group by url"))
    assert sorted(u for u, n in counts.items() if n == 2) == sorted(u for (u,) in newest)


def test_failed_article_is_retried_in_the_next_run(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    victim = urlsplit(ground_truth(server.url, server.portal)[5]["url"]).path
    server.faults[victim] = 503
    first = run(server.url, db)
    assert first.returncode == 0, first.stderr[-2000:]  # one page failing does not fail the site
    assert query(db, "select page_kind, reason from failures where url like ?", (f"%{victim}",)) == \
        [("article", "http_503")]
    assert query(db, "select count(*) from articles where url like ?", (f"%{victim}",)) == [(0,)]
    del server.faults[victim]
    second = run(server.url, db)
    assert second.returncode == 0, second.stderr[-2000:]
    assert query(db, "select count(*) from articles where url like ?", (f"%{victim}",)) == [(1,)]


def test_removed_article_is_kept_and_marked(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    assert run(server.url, db).returncode == 0
    victim = ground_truth(server.url, server.portal)[0]["url"]
    server.faults[urlsplit(victim).path] = 404
    result = run(server.url, db, "-s", "PORTAL_REFETCH_AFTER_HOURS=0")
    assert result.returncode == 0, result.stderr[-2000:]
    [(removed_at, title)] = query(db, "select removed_at, title from articles where url = ?", (victim,))
    assert removed_at is not None and title
    assert query(db, "select count(*) from articles where removed_at is not null") == [(1,)]


def test_two_runs_at_once_the_second_exits_6(server: SamplePortalServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    first = start(server.url, db, "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    try:
        deadline = time.monotonic() + 30
        while not query_ok(db):  # the first crawl has its run row: it holds the lock
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = run(server.url, db)
    finally:
        out, err = first.communicate(timeout=240)
    assert second.returncode == 6
    assert "error: another crawl is writing" in second.stderr and f"pid {first.pid}" in second.stderr
    assert first.returncode == 0, err[-2000:]
    assert query(db, "select count(*) from crawl_runs") == [(1,)]


def query_ok(db: Path) -> bool:
    try:
        return bool(query(db, "select count(*) from crawl_runs"))
    except sqlite3.Error:
        return False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_random_moments_then_resume_equals_clean_crawl(seed: int, tmp_path: Path,
                                                                  reference: list[tuple]) -> None:
    db = tmp_path / "archive.db"
    rng = random.Random(seed)
    with SamplePortalServer(portal=SamplePortal()) as srv:
        for _ in range(2):  # killed twice, at random moments of a slowed-down crawl
            served = len(srv.requests)
            proc = start(srv.url, db, "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                         "-s", "PORTAL_SQLITE_BATCH=7")
            wait_for_requests(srv, served + 1, proc)  # the crawl is running (however slow its start)...
            time.sleep(rng.uniform(0.0, 2.0))  # ...then killed at a random moment of it
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        resumed = run(srv.url, db)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert content(db) == reference
    assert query(db, "select count(*) from view_counts v left join articles a using (url) where a.url is null") == [(0,)]
    statuses = [s for (s,) in query(db, "select status from crawl_runs order by id")]
    assert statuses[-1] == "ok" and "running" in statuses[:-1]  # killed runs stay visible as such


def wait_for_requests(srv: SamplePortalServer, count: int, proc: subprocess.Popen[str]) -> None:
    """Until the portal has served `count` requests (the crawl under test is running)."""
    deadline = time.monotonic() + 60
    while len(srv.requests) < count:
        assert proc.poll() is None, "the crawl ended before it was interrupted"
        assert time.monotonic() < deadline, f"only {len(srv.requests)} requests in 60 s"
        time.sleep(0.02)


def test_archive_locked_for_good_mid_crawl_stops_the_crawl_with_exit_3(tmp_path: Path) -> None:
    """Another program takes the archive's write lock and keeps it: fetching pages that cannot be
    stored is pointless, so the crawl stops, says what was lost, and leaves no partial batch."""
    db = tmp_path / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        proc = start(srv.url, db, "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                     "-s", "PORTAL_SQLITE_BATCH=6", "-s", "PORTAL_SQLITE_TIMEOUT=0.3")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (query_ok(db) and query(db, "select count(*) from articles")[0][0]):
            time.sleep(0.1)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("begin immediate")
        before = holder.execute("select count(*) from articles").fetchone()[0]
        try:
            out, err = proc.communicate(timeout=60)
        finally:
            holder.rollback()
            holder.close()
    assert proc.returncode == 3, err[-3000:]
    assert "could not be written (OperationalError: database is locked)" in err
    assert "(3 of 3)" in err and "could not be written to the archive" in err
    assert "the crawl run could not be closed in the archive" in err
    assert "finish reason: archive_unwritable" in err  # stopped, not run to its end
    assert 0 < before < 72
    assert query(db, "select count(*) from articles") == [(before,)]  # nothing half-written
    assert query(db, "select status from crawl_runs") == [("running",)]


def test_sigterm_stops_cleanly_and_next_run_completes(tmp_path: Path, reference: list[tuple]) -> None:
    db = tmp_path / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        proc = start(srv.url, db, "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        wait_for_requests(srv, 10, proc)  # a few articles fetched, whatever the machine's speed
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 5, err[-2000:]
        [(status, reason, seen)] = query(db, "select status, finish_reason, articles_seen from crawl_runs")
        assert (status, reason) == ("interrupted", "shutdown") and seen > 0
        assert query(db, "select count(*) from articles") == [(seen,)]  # everything seen was flushed
        resumed = run(srv.url, db)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert content(db) == reference


def test_reextract_offline_reproduces_the_rows(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        assert run(srv.url, db).returncode == 0
    # The server is gone: nothing can be fetched. Damage the rows as an older, worse extractor would.
    original = content(db)
    conn = sqlite3.connect(db)
    conn.execute("update articles set title = upper(title), authors = '[]', body_text = substr(body_text, 1, 50), "
                 "search_text = ''")
    conn.commit()
    conn.close()
    env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "-s", f"ARCHIVE_DB={db}"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"pages re-extracted: {len(original)}" in result.stdout
    assert f"articles changed:   {len(original)}" in result.stdout
    assert "title:" in result.stdout and "body_text:" in result.stdout
    assert content(db) == original


def test_reextract_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        assert run(srv.url, db).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("update articles set title = 'x'")
    conn.commit()
    conn.close()
    result = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "--dry-run", "--site", "sample",
                             "-s", f"ARCHIVE_DB={db}"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "dry run: nothing written" in result.stdout
    assert {t for (t,) in query(db, "select title from articles")} == {"x"}


def test_raw_pages_keep_every_fetch_compressed(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with SamplePortalServer(portal=SamplePortal()) as srv:
        assert run(srv.url, db).returncode == 0
        requests = len(srv.requests)
    kinds = dict(query(db, "select kind, count(*) from raw_pages group by kind"))
    articles = query(db, "select count(*) from articles")[0][0]
    assert kinds["article"] == articles and kinds["listing"] >= 2 * CATEGORIES
    assert sum(kinds.values()) == requests - 1  # every fetch but robots.txt
    [(stored, raw)] = query(db, "select sum(length(body)), sum(body_size) from raw_pages")
    assert stored < raw / 2  # compressed (pages that vary per fetch are stored each time)
    posts = query(db, "select count(*) from raw_pages where method = 'POST' "
                       "and instr(cast(request_body as text), '__EVENTARGUMENT=Page') > 0")
    assert posts[0][0] >= CATEGORIES  # postback pages keep the request that reproduces them
    assert json.loads(query(db, "select health from crawl_runs")[0][0])["sites"]["sample"]["articles"] == articles


def test_reextract_rebuilds_generic_mode_rows(tmp_path: Path) -> None:
    """A portal crawled with -a start_url (no profile) is re-extracted with the generic extractor."""
    from tests.generic_sites import PORTALS, generic_crawl_command, serve

    db = tmp_path / "archive.db"
    name = sorted(PORTALS)[0]
    with serve(name) as (server, site):
        result = subprocess.run(generic_crawl_command(server.url + site.home, str(db)), cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    original = content(db)
    assert original and all(row[1].startswith("generic-") for row in original)
    conn = sqlite3.connect(db)
    conn.execute("update articles set title = 'x', body_text = '', search_text = ''")
    conn.commit()
    conn.close()
    out = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "-s", f"ARCHIVE_DB={db}"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"articles changed:   {len(original)}" in out.stdout and "skipped" not in out.stdout
    assert content(db) == original


def test_reextract_finds_articles_an_earlier_extractor_rejected_or_crashed_on(tmp_path: Path) -> None:
    """Raw pages judged no article ("other") or whose extraction crashed ("error", HTTP 200) are read
    again: after a fix, `scrapy reextract` archives what the old extractor missed."""
    from tests.generic_sites import PORTALS, generic_crawl_command, serve

    db = tmp_path / "archive.db"
    with serve(sorted(PORTALS)[0]) as (server, site):
        result = subprocess.run(generic_crawl_command(server.url + site.home, str(db)), cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    original = content(db)
    conn = sqlite3.connect(db)
    keys = [k for (k,) in conn.execute("select article_key from articles order by article_key")]
    half = keys[: len(keys) // 2]
    marks = ",".join("?" for _ in keys)
    conn.execute(f"update raw_pages set kind = 'other' where article_key in ({marks})", keys)
    conn.execute(f"update raw_pages set kind = 'error' where article_key in ({','.join('?' for _ in half)})", half)
    conn.execute(f"delete from articles where article_key in ({marks})", keys)
    conn.commit()
    conn.close()
    out = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "-s", f"ARCHIVE_DB={db}"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert content(db) == original
