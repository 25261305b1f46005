"""What a crawl does at the edges: pages too large to keep, pages robots.txt refuses, pages whose
extraction raises, and the link a page was reached by.

End to end (`scrapy crawl portal -a start_url=...` in a subprocess, against `LocalPortal` on
127.0.0.1): a page streaming HTML without end (chunked) and one announcing 50 MB are abandoned at
``PORTAL_MAX_PAGE_BYTES`` and recorded as ``too_large`` failures while the rest is archived, in
bounded memory; URLs that robots.txt disallows are ``robots`` failures and the run's problem says
so. In process: `parse_generic` keeps the raw page and records an ``extract`` failure when
extraction raises, and hands the followed link's text to `GenericPage` as its referrer.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

import crawler.spiders.generic as generic_spider
from crawler.generic import ARTICLE, GenericPage, Link, Verdict
from crawler.items import ArticleItem, FailureItem, RawPageItem
from crawler.spiders.portal import PortalSpider
from tests.conftest import REPO_ROOT
from tests.generic_sites import generic_crawl_command
from tests.test_generic_pagination import LocalPortal, NewsSite, Reply, query

LIMIT = 2_000_000  # the page-size limit of these crawls (-s PORTAL_MAX_PAGE_BYTES)
SERVED_AT_MOST = 60_000_000  # what an endless page sends before the server gives up by itself
MAX_CRAWL_RSS_MB = 400


def endless_page() -> Reply:
    """HTML without end, chunked (no Content-Length), until the client hangs up (or 60 MB)."""
    def chunks() -> Iterator[bytes]:
        yield "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Trang lớn</title></head><body>".encode()
        row = "<p>Dữ liệu thống kê dân số, đất đai của xã năm 2024, bảng số liệu chi tiết.</p>\n".encode() * 800
        sent = 0
        while sent < SERVED_AT_MOST:
            yield row
            sent += len(row)
    return 200, {"Content-Type": "text/html; charset=utf-8"}, chunks()


def announced_big_page() -> Reply:
    """A Content-Length of 50 MB, then the body as it comes."""
    def chunks() -> Iterator[bytes]:
        block = b"<p>" + b"x" * 65_000 + b"</p>\n"
        for _ in range(50_000_000 // len(block)):
            yield block
    return 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "50000000"}, chunks()


def run_measured(cmd: list[str], tmp_path: Path) -> tuple[int, str, int]:
    """Run `cmd`; its exit code, stderr and peak resident memory in MB.

    The peak is the kernel's high-water mark of the crawl's own address space (`VmHWM` in
    /proc/PID/status), read until the process ends. Not `ru_maxrss`: Linux carries the
    pre-exec peak across `execve`, so a child forked from a large test process (a long pytest
    session) would report the parent's memory as its own."""
    err_path = tmp_path / "stderr.txt"
    peak_kib = 0
    with open(err_path, "w") as err, open(os.devnull, "w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=err)
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
                peak_kib = max(peak_kib, int(fields.get("VmHWM", "0 kB").split()[0]))
            except (OSError, ValueError):
                pass  # the process is ending
            time.sleep(0.02)
    return proc.returncode, err_path.read_text(), peak_kib // 1024


def test_pages_over_the_size_limit_are_abandoned_and_recorded(tmp_path: Path) -> None:
    site = NewsSite(articles=12, per_page=12,
                    extra={"/tin/so-lieu-thong-ke.html": endless_page, "/tin/bao-cao-lon.html": announced_big_page})
    db = tmp_path / "archive.db"
    with LocalPortal(site.route) as portal:
        cmd = generic_crawl_command(portal.url + site.listing_path(1), str(db), "-s", f"PORTAL_MAX_PAGE_BYTES={LIMIT}")
        code, stderr, peak_mb = run_measured(cmd, tmp_path)
        requested = list(portal.requests)
    assert code == 0, stderr[-3000:]
    assert "/tin/so-lieu-thong-ke.html" in requested and "/tin/bao-cao-lon.html" in requested
    failures = {url.removeprefix(portal.url): (kind, reason) for url, kind, reason in
                query(db, "select url, kind, reason from failures")}
    assert failures["/tin/so-lieu-thong-ke.html"] == ("too_large", f"max_page_bytes:{LIMIT}")
    assert failures["/tin/bao-cao-lon.html"] == ("too_large", f"max_page_bytes:{LIMIT}")
    details = {url.removeprefix(portal.url): detail
               for url, detail in query(db, "select url, detail from failures where kind = 'too_large'")}
    assert all(str(LIMIT) in d for d in details.values()), details
    assert "50000000" in details["/tin/bao-cao-lon.html"]  # what the Content-Length announced
    [(articles,)] = query(db, "select count(*) from articles")
    assert articles == 12
    assert re.search(r"larger than download max size \(2000000\)", stderr)
    assert peak_mb < MAX_CRAWL_RSS_MB, f"the crawl peaked at {peak_mb} MB"


def test_pages_refused_by_robots_txt_are_robots_failures(tmp_path: Path) -> None:
    site = NewsSite(articles=8, per_page=4)
    db = tmp_path / "archive.db"
    with LocalPortal(site.route, robots="User-agent: *\nDisallow: /tin/\n") as portal:
        result = subprocess.run(generic_crawl_command(portal.url + site.listing_path(1), str(db)), cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=240)
        requested = set(portal.requests)
    assert not any(p.startswith("/tin/") for p in requested)  # obeyed
    assert result.returncode == 4, result.stderr[-3000:]  # nothing archived
    failures = query(db, "select url, kind, reason from failures where kind = 'robots'")
    assert {url.removeprefix(portal.url) for url, _, _ in failures} == {s["path"] for s in site.stories}
    assert {(kind, reason) for _, kind, reason in failures} == {("robots", "robots_txt")}
    [(problems,)] = query(db, "select problems from crawl_runs")
    [problem] = json.loads(problems)
    assert re.fullmatch(r"generic-127-0-0-1-\d+: 8 pages refused by robots\.txt; 2 pages fetched, none looked like "
                        r"an article: 2 headlines; 1 failed request\(s\)", problem), problem  # the 404 of /gioi-thieu
    assert "refused by robots.txt" in result.stderr


# --- in process: parse_generic ------------------------------------------------------------------


@pytest.fixture
def spider(tmp_path: Path) -> PortalSpider:
    crawler = get_crawler(PortalSpider, {"ARCHIVE_DB": str(tmp_path / "a.db")})
    return PortalSpider.from_crawler(crawler, start_url="http://xa.gov.vn/chuyen-muc/tin-tuc.html")


def response(url: str, body: str, **cb_kwargs: Any) -> HtmlResponse:
    request = Request(url, cb_kwargs=cb_kwargs)
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=request,
                        headers={"Content-Type": "text/html; charset=utf-8"})


ARTICLE_HTML = NewsSite(articles=3).article(NewsSite(articles=3).stories[0])


class Exploding(GenericPage):
    """A page whose verdict (or only its fields) raises, like deeply nested markup would."""

    fail: str = "verdict"

    @property
    def verdict(self) -> Verdict:
        if self.fail == "verdict":
            raise RecursionError("maximum recursion depth exceeded")
        return Verdict(ARTICLE, "title+date")  # an article; reading its fields raises

    @property
    def fields(self):  # noqa: ANN201
        raise ValueError("a bug")


@pytest.mark.parametrize(("fail", "raw_kind", "exception"), [("verdict", "error", "RecursionError"),
                                                             ("fields", "article", "ValueError")])
def test_a_page_whose_extraction_raises_is_kept_raw_and_recorded(
        fail: str, raw_kind: str, exception: str, spider: PortalSpider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Exploding, "fail", fail)
    monkeypatch.setattr(generic_spider, "GenericPage", Exploding)
    site = spider.sites[0]
    url = "http://xa.gov.vn/tin/bai-1.html"
    out = list(spider.parse_generic(response(url, ARTICLE_HTML), site, depth=1))
    assert isinstance(out[0], RawPageItem) and (out[0].kind, out[0].url) == (raw_kind, url)
    [failure] = [i for i in out if isinstance(i, FailureItem)]
    assert (failure.kind, failure.reason, failure.url, failure.site) == ("extract", f"exception:{exception}", url,
                                                                         site.slug)
    assert not [i for i in out if isinstance(i, ArticleItem)]
    # ... and the crawl goes on from the page's links
    assert any(isinstance(i, Request) and i.url.endswith("/chuyen-muc/tin-tuc.html") for i in out)
    assert spider.crawler.stats.get_value(f"portal/{site.slug}/extraction_errors") == 1


def test_the_followed_link_reaches_the_page_as_its_referrer(spider: PortalSpider,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Link | None] = []

    class Recording(GenericPage):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.append(self.referrer)

    monkeypatch.setattr(generic_spider, "GenericPage", Recording)
    site = spider.sites[0]
    listing = NewsSite(articles=12, per_page=6).listing(1)
    requests = [r for r in spider.parse_generic(response("http://xa.gov.vn/chuyen-muc/tin-tuc.html", listing), site,
                                                depth=0) if isinstance(r, Request)]
    article = next(r for r in requests if "/tin/" in r.url)
    pager = next(r for r in requests if r.url.endswith("/chuyen-muc/tin-tuc-2.html"))
    text, headline = article.cb_kwargs["via"]
    assert text and headline is True and article.cb_kwargs["depth"] == 1
    assert "via" not in pager.cb_kwargs and pager.cb_kwargs["depth"] == 0  # a pager: no referrer, no depth
    list(spider.parse_generic(response(article.url, ARTICLE_HTML, **article.cb_kwargs), **article.cb_kwargs))
    assert seen == [None, Link(article.url, text, True)]
