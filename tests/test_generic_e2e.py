"""Generic mode end to end: `scrapy crawl portal -a start_url=URL` in a subprocess against local
portals of families it was not written for, and against the bundled sample portals (SharePoint
with its postback pagination, new Hà Tĩnh, NukeViet in windows-1258), whose profiles it ignores.

Prints the acceptance figures (run with ``-n 0 -s`` to see them) and asserts their floors over all
test portals: >= 95 % of articles found, >= 95 % exact titles, publication times and view
counts, >= 85 % exact authors, clean bodies, and no row that is not an article.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.generic import lines
from sample_portal import SAMPLE_SITES, SamplePortalServer
from tests.conftest import REPO_ROOT
from tests.generic_sites import PORTALS, generic_crawl_command, serve
from tests.generic_sites.scoring import HEADER, Figures, archive_rows, score

FLOORS = {"found": 0.95, "title": 0.95, "published_at": 0.95, "view_count": 0.95, "authors": 0.85, "clean": 0.95}
# What a crawl must never request: print views, logins, feeds, searches, calendars, sorting, comments.
TRAP_REQUEST = re.compile(r"print|login|authenticate|/feed/|search|[?&](?:date|month|year|replytocom|orderby|s|share)="
                          r"|sendtofriend|gui-email|rss|\.pdf|\.doc", re.IGNORECASE)


def crawl(start_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(generic_crawl_command(start_url, str(db), *extra), cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=240)


@pytest.fixture(scope="module")
def portal_crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Figures, list[str], int]]:
    """Each test portal crawled once: its figures, the requests it received and the exit code."""
    out = {}
    for name in PORTALS:
        db = tmp_path_factory.mktemp(name) / "archive.db"
        with serve(name) as (server, site):
            result = crawl(server.url + site.home, db)
            requests = [r.path + (f"?{r.query}" if r.query else "") for r in server.requests]
            truth = site.truth(server.url)
        assert result.returncode == 0, result.stderr[-3000:]
        out[name] = (score(name, truth, archive_rows(db)), requests, result.returncode)
    return out


@pytest.fixture(scope="module")
def sample_crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Figures, list, Path]]:
    """Each bundled sample portal (SharePoint, new Hà Tĩnh, NukeViet: written for their profiles,
    not for generic mode) mounted alone and crawled from its home page in generic mode."""
    out = {}
    for slug, info in SAMPLE_SITES.items():
        db = tmp_path_factory.mktemp(slug) / "archive.db"
        server = SamplePortalServer()
        mount = info.mount.lower()
        server.sites = {mount: server.sites[mount]}  # alone: its links cannot lead to the others
        with server:
            result = crawl(server.url + info.mount + server.sites[mount].home, db)
            requests = list(server.requests)
            truth = info.truth(server.url)
        assert result.returncode == 0, result.stderr[-3000:]
        out[info.family] = (score(info.family, truth, archive_rows(db)), requests, db)
    return out


def _report(figures: dict[str, Figures], title: str) -> Figures:
    total = Figures("all")
    print(f"\n{title}\n{HEADER}")
    for f in figures.values():
        print(f.row())
        total.add(f)
    if len(figures) > 1:
        print(total.row())
    for miss in total.misses[:20]:
        print("  ", miss)
    return total


def _assert_floors(total: Figures) -> None:
    rates = {"found": total.rate(total.found), "clean": total.rate(total.clean_bodies),
             **{k: total.rate(v) for k, v in total.exact.items()}}
    low = {k: round(v, 3) for k, v in rates.items() if v < FLOORS[k]}
    assert low == {}, f"below the floors {FLOORS}: {low}"
    assert total.non_article_rows == 0


def test_acceptance_figures_on_unseen_families(portal_crawls: dict[str, tuple[Figures, list[str], int]]) -> None:
    total = _report({n: f for n, (f, _, _) in portal_crawls.items()}, "Generic mode on the test portals")
    assert len(portal_crawls) >= 4 and all(f.articles >= 12 for f, _, _ in portal_crawls.values())
    _assert_floors(total)


def test_no_trap_is_ever_requested(portal_crawls: dict[str, tuple[Figures, list[str], int]]) -> None:
    for name, (figures, requests, _) in portal_crawls.items():
        assert [r for r in requests if TRAP_REQUEST.search(r)] == [], name
        # Bounded: articles, a few listings and menus; the calendar and the sorting links add nothing.
        assert len(requests) <= 2 * figures.articles + 15, (name, len(requests))


def test_bundled_sample_portals_in_generic_mode(sample_crawls: dict[str, tuple[Figures, list, Path]]) -> None:
    figures = {family: f for family, (f, _, _) in sample_crawls.items()}
    for family, f in figures.items():
        _assert_floors(_report({family: f}, f"Generic mode on the {family} sample portal"))


def test_sharepoint_sample_pages_by_postback(sample_crawls: dict[str, tuple[Figures, list, Path]]) -> None:
    _, requests, db = sample_crawls["sharepoint_portal"]
    posts = [r for r in requests if r.method == "POST"]
    assert posts and all(r.event_argument.startswith("Page$") for r in posts), "pagination is an ASP.NET postback"
    conn = sqlite3.connect(db)
    try:
        [(site, platform)] = conn.execute("select slug, platform from sites").fetchall()
    finally:
        conn.close()
    assert site.startswith("generic-127-0-0-1-") and platform == "generic"


def test_page_limit_bounds_the_crawl(tmp_path: Path) -> None:
    with serve("tuyenquang") as (server, site):
        result = crawl(server.url + site.home, tmp_path / "a.db", "-a", "max_pages=5")
        fetched = [r for r in server.requests if r.path != "/robots.txt"]
    assert len(fetched) == 5
    assert "reached its page limit (5)" in result.stderr


def test_the_crawl_says_when_its_line_walk_runs_in_python(tmp_path: Path) -> None:
    """Without the C walk (here: a vngov_speedups package without its compiled module, as a
    machine without a C compiler installs it) the crawl runs, archives, and warns."""
    empty = tmp_path / "lib" / "vngov_speedups"
    empty.mkdir(parents=True)
    (empty / "__init__.py").write_text("")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "lib"), str(REPO_ROOT)])}
    env.pop("VNGOV_PYTHON_WALK", None)
    with serve("wordpress") as (server, site):
        result = subprocess.run(generic_crawl_command(server.url + site.home, str(tmp_path / "a.db"), "-a",
                                                      "max_pages=15"), cwd=REPO_ROOT, capture_output=True, text=True,
                                timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] > 0
    assert re.search(r"WARNING: Generic extraction: the line walk runs in Python, slower \(same answers\).*"
                     r"pip install \./speedups", result.stderr), result.stderr[-3000:]
    if lines.C_WALK is not None:  # and where it is built, a crawl says so (not as a warning)
        with serve("wordpress") as (server, site):
            result = crawl(server.url + site.home, tmp_path / "b.db", "-a", "max_pages=15")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "INFO: Generic extraction: the line walk runs in C (speedups/)" in result.stderr, result.stderr[-3000:]


def test_depth_zero_fetches_only_the_start_page(tmp_path: Path) -> None:
    with serve("wordpress") as (server, site):
        crawl(server.url + site.home, tmp_path / "a.db", "-a", "max_depth=0")
        fetched = [r.path for r in server.requests if r.path != "/robots.txt"]
    assert fetched[0] == site.home and all(p == site.home or "/page/" in p or p.startswith("/category/")
                                           for p in fetched)


@pytest.mark.parametrize(("args", "message"), [
    (["-a", "start_url=ftp://example.gov.vn/"], "is not an absolute http(s) URL"),
    (["-a", "start_url=http://127.0.0.1:9/", "-a", "max_pages=lots"], "max_pages: expected a whole number"),
    (["-a", "site=sample", "-a", "max_depth=2"], "max_depth: only applies to a generic crawl"),
    (["-a", "site=sample", "-a", "start_url=http://127.0.0.1:9/"], "not both"),
])
def test_bad_arguments_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", *args, "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert message in result.stderr



def test_unreachable_portal_exits_4_with_a_clear_problem(tmp_path: Path) -> None:
    result = crawl("http://127.0.0.1:9/", tmp_path / "a.db")  # nothing listens on port 9
    assert result.returncode == 4
    assert "generic-127-0-0-1-9: no articles, 1 failed request(s): site unreachable?" in result.stderr
