"""The archive as researchers read it, in a real browser: headless Debian chromium (driven over the
DevTools pipe, tests/browser.py) on a real `datasette ... --plugins-dir datasette_plugins` server on
127.0.0.1, no other network.

- The article page reads like the article: headline, portal, times, authors, lead, paragraphs,
  no text off-screen, its view-count chart, its earlier versions, its links.
- Table pages put the results first: the first article is on the first screen, in a few readable
  columns, the column notes folded away.
- Hostile articles (tests/test_archive_safety.py) are inert: no script runs, no image or anything
  else loads from the attacker's server, no link the page text wrote becomes a link, no
  right-to-left override or terminal escape reaches the screen; and a search over the page that
  repeats the search words 100,000 times answers in well under a second.

chromium is installed by `.ci/run`; outside CI the module is skipped when it is missing.
"""
from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser import CHROMIUM, Chromium
from tests.test_archive_safety import hostile_archive
from tests.test_datasette_server import demo_archive, running_datasette

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
                allow_module_level=True)

pytestmark = pytest.mark.e2e


@contextmanager
def attacker_server() -> Iterator[tuple[str, list[str]]]:
    """A server standing in for the attacker's: it records every request that reaches it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "image/png")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_datasette(demo_archive(tmp_path_factory.mktemp("demo") / "archive.db")) as url:
        yield url


@pytest.fixture(scope="module")
def attacker() -> Iterator[tuple[str, list[str]]]:
    with attacker_server() as served:
        yield served


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, attacker: tuple[str, list[str]]) -> Iterator[str]:
    db = hostile_archive(tmp_path_factory.mktemp("hostile") / "archive.db", attacker[0])
    with running_datasette(db) as url:
        yield url


def page_path(key: str) -> str:
    from datasette.utils import tilde_encode
    return f"/archive/articles/{tilde_encode(key)}"


# --- the article page --------------------------------------------------------------------------------

ARTICLE = """(() => {
  const a = document.querySelector('article.archive-article');
  const text = s => [...a.querySelectorAll(s)].map(e => e.innerText.trim());
  const overflow = [...a.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > innerWidth + 1);
  return {
    h1: text('h1'), meta: a.querySelector('dl.meta').innerText, lead: text('p.lead'), paragraphs: text('.body p'),
    authors: text('.authors a'), time: a.querySelector('time') && a.querySelector('time').getAttribute('datetime'),
    links: [...a.querySelectorAll('p.links a')].map(e => [e.innerText.trim(), e.getAttribute('href')]),
    points: a.querySelectorAll('svg.views-chart circle').length, line: !!a.querySelector('svg.views-chart polyline'),
    versions: text('#versions li.version'), provenanceOpen: a.querySelector('#provenance details').open,
    overflow: overflow.length, pageWidth: document.documentElement.scrollWidth, viewport: innerWidth,
  };
})()"""


def test_article_page_reads_like_the_article(browser: Chromium, demo: str) -> None:
    browser.open(f"{demo}{page_path('alpha:/a3')}")
    page = browser.evaluate(ARTICLE)
    assert page["h1"] == ["Lúa vụ Đông được mùa"]
    assert "Portal alpha" in page["meta"]
    assert page["time"] == "2024-03-10T09:00:00+07:00"
    assert page["lead"] == ["Sapo của bài."] and page["paragraphs"] == ["Lúa vụ Đông năm nay được mùa ở phường Đức Thuận."]
    assert page["authors"] == ["Thanh Trúc"]
    assert page["points"] == 3 and page["line"]  # the three observations of the view counter
    assert ("View history", "/archive/view_growth?url=alpha%3A%2Fa3") in [tuple(link) for link in page["links"]]
    assert page["overflow"] == 0 and page["pageWidth"] <= page["viewport"], page  # nothing off-screen
    assert page["provenanceOpen"] is False  # provenance on demand

    browser.open(f"{demo}{page_path('beta:/b2')}")
    page = browser.evaluate(ARTICLE)
    assert page["h1"] == ["Tiêu đề mới"]
    [version] = page["versions"]
    assert "Version 1" in version and "Tiêu đề cũ" in version and "Changed: title" in version
    assert page["points"] == 1 and not page["line"]


def test_article_page_json_is_datasettes_own(browser: Chromium, demo: str) -> None:
    browser.open(f"{demo}{page_path('alpha:/a3')}.json?_shape=array")
    [row] = browser.evaluate("JSON.parse(document.body.innerText)")
    assert row["title"] == "Lúa vụ Đông được mùa" and row["article_key"] == "alpha:/a3" and "body_text" in row


# --- tables: results first -----------------------------------------------------------------------------

TABLE = """(() => {
  const first = document.querySelector('table.rows-and-columns tbody tr');
  const title = first.querySelector('td.col-title');
  const notes = document.querySelector('details.column-notes');
  return {
    top: first.getBoundingClientRect().top, bottom: first.getBoundingClientRect().bottom, viewport: innerHeight,
    headers: [...document.querySelectorAll('table.rows-and-columns th')].map(th => th.dataset.column),
    titleHeight: title.getBoundingClientRect().height, titleLink: title.querySelector('a').getAttribute('href'),
    notesOpen: notes.open, notesAfterTable: !!(first.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING),
    allColumns: [...document.querySelectorAll('.archive-columns-note a')].map(a => a.getAttribute('href')),
  };
})()"""


def test_articles_table_shows_results_first_in_readable_columns(browser: Chromium, demo: str) -> None:
    browser.open(f"{demo}/archive/articles")
    table = browser.evaluate(TABLE)
    assert table["bottom"] < table["viewport"], table  # the first article is on the first screen
    assert table["headers"] == ["title", "site", "published_at", "view_count", "authors"]
    assert table["titleHeight"] < 40, table  # one line, not one word per line
    assert table["titleLink"] == page_path("alpha:/a3")
    assert table["notesOpen"] is False and table["notesAfterTable"]
    assert table["allColumns"] == ["/archive/articles?_columns=all"]
    browser.open(f"{demo}/archive/articles?_columns=all")
    assert len(browser.evaluate(TABLE)["headers"]) > 20


def test_search_links_to_the_search_page_ordered_by_relevance(browser: Chromium, demo: str) -> None:
    browser.open(f"{demo}/archive/articles?_search=duc+thuan")
    link = browser.evaluate("document.querySelector('.search-relevance a').getAttribute('href')")
    assert link == "/archive/search_snippets?q=duc+thuan"
    browser.open(f"{demo}{link}")
    rows = browser.evaluate("""[...document.querySelectorAll('table.rows-and-columns tbody tr')].map(tr => ({
        title: tr.querySelector('td.col-title a').getAttribute('href'),
        marks: [...tr.querySelectorAll('td.col-snippet mark')].map(m => m.innerText)}))""")
    assert rows == [{"title": page_path("alpha:/a1"), "marks": ["Đức", "Thuận"]},
                    {"title": page_path("alpha:/a3"), "marks": ["Đức", "Thuận"]}]
    assert browser.evaluate("document.querySelector('form.sql select[name=site]').options.length") == 4


# --- hostile articles ------------------------------------------------------------------------------------

INERT = """(() => ({
  pwned: typeof window.__pwned !== 'undefined',
  images: document.querySelectorAll('img').length,
  scripts: [...document.scripts].filter(s => s.src && !s.src.startsWith(location.origin)).length,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href)
          .filter(h => h.startsWith('javascript:') || h.includes('evil.example')),
  text: document.body.innerText,
}))()"""


def assert_inert(browser: Chromium, attacker: tuple[str, list[str]], server: str) -> str:
    state = browser.evaluate(INERT)
    assert not state["pwned"] and browser.dialogs() == [], "a script of the page ran"
    assert state["images"] == 0 and state["scripts"] == 0, state
    assert state["links"] == [], state["links"]
    assert not [u for u in browser.requested() if not u.startswith(server) and not u.startswith("data:")]
    assert attacker[1] == [], attacker[1]
    for char in ("\u202e", "\x1b"):
        assert char not in state["text"]
    return state["text"]


def test_hostile_article_page_is_inert(browser: Chromium, hostile: str, attacker: tuple[str, list[str]]) -> None:
    browser.open(f"{hostile}{page_path('hostile:/tin/markup.html')}")
    text = assert_inert(browser, attacker, hostile)
    assert browser.evaluate("document.querySelector('h1').innerText").startswith("gnp.exe Ủy ban nhân dân <b>đậm</b>")
    assert "![t](" in text and "[bấm](https://evil.example/login)" in text and "<script>" in text  # shown as text
    assert browser.evaluate("document.querySelectorAll('.lead, .body p').length") == 3  # the sapo, two paragraphs
    # The stored attachment with a javascript: address is text; the pdf is a link, not fetched.
    attachments = browser.evaluate("[...document.querySelectorAll('#attachments li')].map(li => li.innerHTML)")
    assert len(attachments) == 2 and "<a" not in attachments[0] and "&lt;b&gt;js&lt;/b&gt;" in attachments[0]

    browser.open(f"{hostile}{page_path('hostile:/tin/legacy.html')}")  # stored before the bounds
    assert_inert(browser, attacker, hostile)
    assert browser.evaluate("document.querySelector('h1').innerText") == "gnp.exe Tin cũ"


def test_hostile_results_are_inert_and_fast(browser: Chromium, hostile: str, attacker: tuple[str, list[str]]) -> None:
    for path in (f"/archive/search_snippets?q={quote('bấm')}", "/archive/search_snippets?q=pixel+png",
                 "/archive/articles?site=hostile&_columns=all", "/archive/articles?_search=evil",
                 "/archive/search_exact?q=" + quote("đậm")):
        browser.open(f"{hostile}{path}")
        assert_inert(browser, attacker, hostile)
    marks = browser.evaluate("[...document.querySelectorAll('td.col-snippet mark')].map(m => m.innerText)")
    assert marks and set(marks) == {"đậm"}
    cut = browser.evaluate("document.querySelectorAll('a.read-more').length")
    assert cut == 0  # (search_exact page) ; the table of all columns cuts long text:
    browser.open(f"{hostile}/archive/articles?site=hostile&_columns=all")
    assert browser.evaluate("document.querySelectorAll('td.col-body_text a.read-more').length") >= 3

    started = time.monotonic()
    browser.open(f"{hostile}/archive/search_snippets?q=uy+ban+nhan+dan", settle=0)
    elapsed = time.monotonic() - started
    server_ms = browser.evaluate("performance.getEntriesByType('navigation')[0].responseEnd"
                                 " - performance.getEntriesByType('navigation')[0].requestStart")
    rows = browser.evaluate("document.querySelectorAll('table.rows-and-columns tbody tr').length")
    assert rows == 3  # the megabyte title (cut), the markup article, the 100,000 repetitions
    assert server_ms < 500 and elapsed < 3, (server_ms, elapsed)
