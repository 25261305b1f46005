"""Generic mode walks a listing to its end, whatever its pager looks like.

Pure tests of `crawler.generic.pagination.find_pager`'s lone next-page links (a single
``Trang sau`` / ``Tin cũ hơn`` / ``rel="next"`` / ``class="next"`` anchor, or the head's
``<link rel="next">``, to a URL of any shape), then end-to-end crawls (`scrapy crawl portal -a
start_url=...` in a subprocess) of a local portal whose category listing of hundreds of articles
is chained only by such a link (``/chuyen-muc/tin-tuc.html`` -> ``tin-tuc-2.html`` -> ...): with
``-a max_depth=2`` every article is archived, and a page limit that cuts the crawl is reported.

`LocalPortal` (a tiny 127.0.0.1 HTTP/1.1 server with its own robots.txt and streaming endpoints)
and `NewsSite` (the synthetic portal) are shared with tests/test_limits.py.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.generic import GenericPage
from crawler.generic.pagination import find_pager
from tests.conftest import REPO_ROOT, query
from tests.generic_sites import generic_crawl_command
from tests.generic_sites.base import corpus_articles

# --- a local portal -------------------------------------------------------------------------------

# What a route answers: (status, headers, body), body being bytes or an iterator of byte chunks
# (sent chunked, until it ends or the client goes away).
Reply = tuple[int, dict[str, str], "bytes | Iterator[bytes]"]


class LocalPortal:
    """A portal on ``http://127.0.0.1:PORT`` answering ``route(path) -> Reply | None`` (None: 404).

    ``robots`` is the body of /robots.txt; ``requests`` the paths asked for, in order;
    ``disconnects`` the paths whose client hung up while a body was being sent.
    """

    def __init__(self, route: Callable[[str], Reply | None], robots: str = "User-agent: *\nAllow: /\n") -> None:
        self.route, self.robots = route, robots
        self.requests: list[str] = []
        self.disconnects: list[str] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
                path = urlsplit(self.path).path
                with owner._lock:
                    owner.requests.append(path)
                if path == "/robots.txt":
                    reply: Reply | None = (200, {"Content-Type": "text/plain"}, owner.robots.encode())
                else:
                    reply = owner.route(path)
                if reply is None:
                    reply = (404, {"Content-Type": "text/html; charset=utf-8"},
                             b"<html><head><title>404</title></head><body><h1>404</h1></body></html>")
                try:
                    self._send(*reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                    with owner._lock:
                        owner.disconnects.append(path)

            def _send(self, status: int, headers: dict[str, str], body: bytes | Iterator[bytes]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes):
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if "Content-Length" in headers:  # a declared length, then the body as it comes
                    self.end_headers()
                    for chunk in body:
                        self.wfile.write(chunk)
                    self.close_connection = True
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in body:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> LocalPortal:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def html_reply(page: str) -> Reply:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")


# --- a news portal whose listing is chained by one "next" link --------------------------------------

# How listing page N links to page N+1 (the only way to reach it).
PAGERS = {
    "trang_sau": lambda url: f'<div class="dieu-huong"><a href="{url}">Trang sau</a></div>',
    "rel_next": lambda url: f'<p style="text-align:right"><a rel="next" href="{url}">Các bài trước đó</a></p>',
    "class_next": lambda url: f'<div class="ft"><a class="page-next" href="{url}"><img src="/img/sau.png" alt=""></a></div>',
    "tin_cu_hon": lambda url: f'<div class="xem-them"><a href="{url}">Tin cũ hơn »</a></div>',
    "link_rel_next": lambda url: "",  # only <link rel="next"> in the head
}


@dataclass
class NewsSite:
    """A commune portal: ``/chuyen-muc/tin-tuc.html`` lists `articles` newest first, `per_page`
    per page, pages 2.. at ``/chuyen-muc/tin-tuc-N.html``; articles at ``/tin/{slug}-{id}.html``.
    `extra` maps paths to more replies (big pages, broken pages) linked as headlines on page 1."""

    articles: int = 300
    per_page: int = 10
    pager: str = "trang_sau"
    extra: dict[str, Callable[[], Reply]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        corpus = corpus_articles()
        start = datetime(2024, 11, 20, 9, 30)
        self.stories = []
        for i in range(self.articles):
            base = corpus[i % len(corpus)]
            key = 50_000 + i
            self.stories.append({
                "key": key, "title": f"{base.title} (bài {i + 1})",
                "paragraphs": [p for p in ([base.sapo] if base.sapo else []) + list(base.text_blocks) if p.strip()],
                "published": start - timedelta(hours=7 * i), "views": 100 + 3 * i,
                "path": f"/tin/{_slug(base.title)}-{key}.html",
            })
        self.by_path = {s["path"]: s for s in self.stories}

    @property
    def pages(self) -> int:
        return -(-self.articles // self.per_page)

    @staticmethod
    def listing_path(n: int) -> str:
        return "/chuyen-muc/tin-tuc.html" if n == 1 else f"/chuyen-muc/tin-tuc-{n}.html"

    def route(self, path: str) -> Reply | None:
        if path in self.extra:
            return self.extra[path]()
        match = re.fullmatch(r"/chuyen-muc/tin-tuc(?:-(\d+))?\.html", path)
        if match:
            n = int(match.group(1) or 1)
            return html_reply(self.listing(n)) if 1 <= n <= self.pages and match.group(1) != "1" else None
        story = self.by_path.get(path)
        return html_reply(self.article(story)) if story else None

    def layout(self, title: str, main: str, head: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{head}</head>
<body><div class="header"><img src="/img/banner.png" alt="Cổng thông tin điện tử xã Thử Nghiệm"></div>
<ul class="menu"><li><a href="/chuyen-muc/tin-tuc.html">Tin tức</a></li><li><a href="/gioi-thieu.html">Giới thiệu</a></li></ul>
<div class="noi-dung-chinh">{main}</div>
<div class="footer"><p>Cổng thông tin điện tử xã Thử Nghiệm</p><p>Lượt truy cập: 123.456</p></div>
</body></html>"""

    def listing(self, n: int) -> str:
        items = "\n".join(
            f'<div class="tin"><h3><a href="{s["path"]}">{html.escape(s["title"])}</a></h3>'
            f'<span class="ngay">{s["published"]:%d/%m/%Y}</span><p>{html.escape(s["paragraphs"][0][:180])}</p>'
            f'<a class="doc-them" href="{s["path"]}">Xem tiếp</a></div>'
            for s in self.stories[(n - 1) * self.per_page:n * self.per_page])
        if n == 1:
            items += "".join(f'<div class="tin"><h3><a href="{p}">Bài viết số {i + 1} có tệp đính kèm lớn</a></h3></div>'
                             for i, p in enumerate(self.extra))
        nxt = self.listing_path(n + 1) if n < self.pages else None
        pager = PAGERS[self.pager](nxt) if nxt else ""
        head = f'<link rel="next" href="{nxt}">' if nxt and self.pager == "link_rel_next" else ""
        return self.layout(f"Tin tức - Trang {n}", f"<h2>Tin tức</h2>{items}{pager}", head)

    def article(self, story: dict) -> str:
        i = self.stories.index(story)
        related = "".join(f'<li><a href="{s["path"]}">{html.escape(s["title"])}</a></li>'
                          for s in self.stories[i + 1:i + 4])
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in story["paragraphs"])
        main = f"""<div class="duong-dan"><a href="/chuyen-muc/tin-tuc.html">Tin tức</a></div>
<h1 class="tieu-de">{html.escape(story["title"])}</h1>
<div class="ngay-dang">Ngày đăng: {story["published"]:%d/%m/%Y %H:%M} | Lượt xem: {story["views"]}</div>
<div class="noi-dung">{body}</div>
<div class="tin-khac"><b>Tin khác</b><ul>{related}</ul></div>"""
        return self.layout(story["title"], main)


def _slug(title: str) -> str:
    from sample_portal.corpus import slugify

    return slugify(title, 60).lower()


def crawl(start_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(generic_crawl_command(start_url, str(db), *extra), cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)




# --- pure: which anchors are next-page links ------------------------------------------------------

URL = "https://xa.gov.vn/chuyen-muc/tin-tuc.html"


def teasers(more: str) -> str:
    """Six teasers, each with its "read more" link labelled `more`."""
    return "".join(f'<div class="tin"><h3><a href="/tin/bai-{i}.html">Tin {i}</a></h3><p>Tóm tắt</p>'
                   f'<a href="/tin/bai-{i}.html">{more}</a></div>' for i in range(6))


def pager_of(body: str, head: str = "", more: str = "Chi tiết") -> tuple[list[str], list[str]]:
    page = GenericPage(URL, f"<html><head><title>Tin tức</title>{head}</head><body>{teasers(more)}{body}</body></html>")
    pager = find_pager(page.root, page.text.anchors, URL)
    return [link.url for link in pager.links if link.url], [link.url for link in pager.follow]


@pytest.mark.parametrize("anchor", [
    '<a href="/chuyen-muc/tin-tuc-2.html">Trang sau</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Xem tiếp &gt;&gt;</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Tiếp theo</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Tiếp</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">[Tin cũ hơn]</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Các tin cũ hơn →</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Trang kế</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">Next</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">»</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">›</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">&gt;</a>',
    '<a href="/chuyen-muc/tin-tuc-2.html">→</a>',
    '<a rel="next" href="/chuyen-muc/tin-tuc-2.html">Những bài trước</a>',
    '<a class="next" href="/chuyen-muc/tin-tuc-2.html"></a>',
    '<a class="btn page-next" href="/chuyen-muc/tin-tuc-2.html"><i class="fa fa-angle-right"></i></a>',
])
def test_a_lone_next_link_to_any_url_is_followed(anchor: str) -> None:
    links, follow = pager_of(f'<div class="cuoi">{anchor}</div>')
    assert "https://xa.gov.vn/chuyen-muc/tin-tuc-2.html" in links + follow
    # ... and those that old pager rules did not see are followed without being listing evidence
    assert links == [] or links == ["https://xa.gov.vn/chuyen-muc/tin-tuc-2.html"]


def test_link_rel_next_in_the_head_is_followed() -> None:
    _, follow = pager_of("", '<link rel="next" href="/chuyen-muc/tin-tuc-2.html">')
    assert follow == ["https://xa.gov.vn/chuyen-muc/tin-tuc-2.html"]


def test_read_more_links_of_teasers_are_not_pagers() -> None:
    for more in ("Xem tiếp", "Xem tiếp »", "»", "Tiếp"):  # under six teasers, to six articles
        assert pager_of("", more=more) == ([], []), more
    # ... even with a lone "Xem tiếp >>" beside them: the same label, to many pages
    assert pager_of('<a href="/chuyen-muc/tin-tuc-2.html">Xem tiếp &gt;&gt;</a>', more="Xem tiếp") == ([], [])


def test_a_read_more_label_in_a_pager_block_is_a_pager() -> None:
    _, follow = pager_of('<div class="pagination"><a href="/chuyen-muc/tin-tuc-2.html">Xem tiếp</a></div>',
                         more="Xem tiếp")
    assert follow == ["https://xa.gov.vn/chuyen-muc/tin-tuc-2.html"]


def test_next_article_teaser_with_a_next_class_is_no_pager() -> None:
    # class="next-news" around a whole headline: a "next article" link, not the next page
    _, follow = pager_of('<a class="next-news" href="/tin/bai-moi.html">Hội nghị tổng kết công tác năm 2024 '
                         "của Đảng ủy xã</a>")
    assert follow == []


def test_traps_and_other_sites_are_never_next_pages() -> None:
    _, follow = pager_of('<a href="https://khac.gov.vn/tin-tuc-2.html">Trang sau</a>'
                         '<a rel="next" href="/tim-kiem.html?q=a&page=2">Sau</a>')
    assert follow == []


# --- end to end ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_listing_chained_by_one_trang_sau_link_is_crawled_to_its_end(tmp_path: Path) -> None:
    site = NewsSite(articles=300, per_page=10, pager="trang_sau")
    db = tmp_path / "archive.db"
    with LocalPortal(site.route) as portal:
        result = crawl(portal.url + site.listing_path(1), db, "-a", "max_depth=2")
        requested = set(portal.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    assert {site.listing_path(n) for n in range(1, 31)} <= requested
    urls = {url for (url,) in query(db, "select url from articles")}
    assert urls == {portal.url + s["path"] for s in site.stories}, f"{len(urls)} of 300 archived"
    [(title, published, views)] = query(db, f"select title, published_at, view_count from articles "
                                            f"where url = '{portal.url + site.stories[-1]['path']}'")
    assert (title, views) == (site.stories[-1]["title"], site.stories[-1]["views"])
    assert published.startswith(f"{site.stories[-1]['published']:%Y-%m-%dT%H:%M}")


@pytest.mark.e2e
@pytest.mark.parametrize("pager", ["rel_next", "class_next", "tin_cu_hon", "link_rel_next"])
def test_other_lone_next_links_are_crawled_to_the_end(pager: str, tmp_path: Path) -> None:
    site = NewsSite(articles=48, per_page=6, pager=pager)  # 8 listing pages, depth 2 reaches 3 by plain links
    db = tmp_path / "archive.db"
    with LocalPortal(site.route) as portal:
        result = crawl(portal.url + site.listing_path(1), db, "-a", "max_depth=2")
    assert result.returncode == 0, result.stderr[-3000:]
    [(count,)] = query(db, "select count(*) from articles")
    assert count == 48


@pytest.mark.e2e
def test_a_page_limit_that_cuts_the_crawl_is_reported(tmp_path: Path) -> None:
    site = NewsSite(articles=120, per_page=10)
    db = tmp_path / "archive.db"
    with LocalPortal(site.route) as portal:
        result = crawl(portal.url + site.listing_path(1), db, "-a", "max_pages=20")
        fetched = [p for p in portal.requests if p != "/robots.txt"]
    assert result.returncode == 0, result.stderr[-3000:]  # articles archived: a warning, not a failure
    assert len(fetched) == 20
    warning = re.search(r"WARNING: Generic crawl of 127\.0\.0\.1 stopped by its page limit \(20\): (\d+) links "
                        r"not followed; raise -a max_pages", result.stderr)
    assert warning and int(warning.group(1)) > 0, result.stderr[-3000:]
    [(status, exit_code, problems, health)] = query(db, "select status, exit_code, problems, health from crawl_runs")
    assert (status, exit_code) == ("ok", 0)
    [problem] = json.loads(problems)
    assert re.fullmatch(r"generic-127-0-0-1-\d+: generic crawl stopped by its page limit \(20\): "
                        rf"{warning.group(1)} links not followed; raise -a max_pages", problem)
    [info] = json.loads(health)["sites"].values()
    assert info["cut_by_limits"] == {"page_limit": {"limit": 20, "not_followed": int(warning.group(1))}}
    assert "Health: generic-127-0-0-1-" in result.stderr and "stopped by its page limit (20)" in result.stderr


@pytest.mark.e2e
def test_a_depth_limit_that_cuts_the_crawl_is_reported(tmp_path: Path) -> None:
    site = NewsSite(articles=20, per_page=10)
    db = tmp_path / "archive.db"
    with LocalPortal(site.route) as portal:
        result = crawl(portal.url + site.listing_path(1), db, "-a", "max_depth=0")
    # Depth 0: the listing pages only (no article is one link away), so the run fails, saying why.
    assert result.returncode == 4, result.stderr[-3000:]
    assert re.search(r"stopped by its depth limit \(0\): 2\d links not followed; raise -a max_depth", result.stderr)
    [(problems,)] = query(db, "select problems from crawl_runs")
    problems = json.loads(problems)
    assert any(re.fullmatch(r"generic-127-0-0-1-\d+: 2 pages fetched, none looked like an article: 2 headlines", p)
               for p in problems), problems
    assert any("stopped by its depth limit (0)" in p for p in problems)
