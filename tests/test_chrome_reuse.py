"""The line walk reuses what it read in a chrome block (menu, header, footer) on a later page whose
block has the same markup (`crawler.generic.lines._CHROME_BLOCKS`). Reuse must never change an
answer: every page read after others gives exactly what it gives read alone, element for element."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.generic import GenericPage
from crawler.generic.lines import forget_chrome_blocks, read_page

REAL_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "real-pages"

MENU = ('<ul class="menu"><li><a href="/gioi-thieu.html">  Giới&nbsp; thiệu\u200b </a></li>'
        '<li><a href="/tin-tuc.html">Tin <b>tức</b></a><ul class="sub"><li><a href="/tin-tuc/xa.html">Tin xã</a></li>'
        '</ul></li><li style="display:none"><a href="/an.html">Ẩn</a><span class="breadcrumb">x</span></li>'
        '<li class="duong-dan"><a href="/vi-tri.html">Vị trí</a></li>'
        '<li><a href="/lien-he.html"><script>var x;</script>Liên hệ</a></li>'
        '<li><link rel="next" href="/trang-2.html"><meta itemprop="name" content="Menu"></li></ul>')


Shape = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[str]]


def shape(root: Any) -> Shape:
    """A page's lines, link elements, breadcrumb candidates and metadata elements, with elements
    named by their path in the tree."""
    text = read_page(root)
    path = root.getroottree().getpath
    lines = [(ln.index, ln.text, path(ln.owner), ln.link_ratio, ln.bold_ratio, ln.chrome, ln.href) for ln in text.lines]
    anchors = [(path(element), pieces) for element, pieces in text.anchors]
    crumbs = [(path(element), subtree) for element, subtree in text.crumbs]
    return lines, anchors, crumbs, [path(element) for element in text.declared]


def alone(html: str) -> Shape:
    forget_chrome_blocks()
    return shape(GenericPage("http://xa.example.gov.vn/p.html", html).root)


def warm(html: str) -> None:
    """Read a page twice: a chrome block is noted the first time it is met, recorded the second."""
    for _ in range(2):
        shape(GenericPage("http://xa.example.gov.vn/1.html", html).root)


def page(body: str, menu: str = MENU) -> str:
    return f"<html><head><title>Trang</title></head><body><nav>{menu}</nav><div id='main'>{body}</div></body></html>"


def test_a_reused_menu_gives_the_lines_and_links_of_a_fresh_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.generic import lines

    first, second = page("<p>Bài thứ nhất có nội dung dài.</p>"), page("<h1>Tiêu đề</h1><p>Bài thứ hai.</p>")
    expected = alone(second)
    forget_chrome_blocks()
    warm(first)  # the menu is recorded here
    replayed = []
    monkeypatch.setattr(lines._Builder, "_replay", lambda self, block, record, replay=lines._Builder._replay:
                        (replayed.append(block.tag), replay(self, block, record)))
    again = shape(GenericPage("http://xa.example.gov.vn/p.html", second).root)  # and replayed here
    assert replayed == ["nav"]
    assert again == expected
    # The replayed elements are the second page's own, not the first page's.
    root = GenericPage("http://xa.example.gov.vn/p.html", second).root
    text = read_page(root)
    assert all(line.owner.getroottree().getroot() is root for line in text.lines)
    assert all(element.getroottree().getroot() is root for element, _ in text.anchors)
    assert [element.tag for element in text.declared] == ["title", "script", "link", "meta"]
    assert all(element.getroottree().getroot() is root for element in text.declared)
    assert ("Tin tức", 1.0) in [(ln.text, ln.link_ratio) for ln in text.lines]
    assert [pieces for element, pieces in text.anchors if element.get("href") == "/tin-tuc.html"] == [("Tin ", "tức")]
    # The hidden entry and the one with a script are link elements all the same, their texts read
    # from the tree as itertext() reads them (a script's text included: it is the link's text to lxml).
    assert [pieces for element, pieces in text.anchors if element.get("href") in ("/an.html", "/lien-he.html")] == [
        ("Ẩn",), ("var x;", "Liên hệ")]
    # Breadcrumb candidates too: the hidden entry as a subtree to search, the named one as itself.
    assert [(element.get("style") or element.get("class"), subtree) for element, subtree in text.crumbs
            if element.tag == "li"] == [("display:none", True), ("duong-dan", False)]


@pytest.mark.parametrize("context", [
    "<b>{menu}</b>",  # the same menu in bold
    "<article>{menu}</article>",  # inside an article (its header/footer are not chrome there)
    "<a href='/x.html'>{menu}</a>",  # inside a link
])
def test_the_same_menu_in_another_context_reads_as_it_does_alone(context: str) -> None:
    html = f"<html><body>{context.format(menu=MENU)}<div><p>Nội dung của trang.</p></div></body></html>"
    expected = alone(html)
    forget_chrome_blocks()
    # The menu recorded as the outermost chrome block of another page, out of that context.
    warm(f"<html><body>{MENU}<p>Trang khác.</p></body></html>")
    assert shape(GenericPage("http://xa.example.gov.vn/p.html", html).root) == expected


def test_a_menu_that_differs_by_one_entry_is_not_reused() -> None:
    changed = MENU.replace("Tin xã", "Tin phường")
    expected = alone(page("<p>Bài.</p>", changed))
    forget_chrome_blocks()
    warm(page("<p>Bài.</p>"))
    lines, *_ = shape(GenericPage("http://xa.example.gov.vn/p.html", page("<p>Bài.</p>", changed)).root)
    assert lines == expected[0]
    assert "Tin phường" in [line[1] for line in lines]


@pytest.mark.skipif(not (REAL_PAGES / "truth.jsonl").is_file(),
                    reason=f"no real pages at {REAL_PAGES} (third-party pages are kept outside the repository)")
def test_real_pages_read_in_a_row_read_as_they_do_alone() -> None:
    htmls = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(REAL_PAGES.glob("*.html"))]
    expected = [alone(html) for html in htmls]
    forget_chrome_blocks()
    for _ in range(3):  # the last rounds read every page with all the site's blocks recorded
        assert [shape(GenericPage("http://xa.example.gov.vn/p.html", html).root) for html in htmls] == expected


def test_the_cache_is_bounded_and_keeps_the_blocks_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.generic import lines

    monkeypatch.setattr(lines, "CHROME_BLOCKS_MAX", 3)
    forget_chrome_blocks()
    warm(page("<p>Bài.</p>"))  # the site's menu, recorded
    for n in range(10):  # each page also has a side box of its own, met once
        html = f"<html><body><div class='sidebar'><p>Hộp số {n}</p></div><nav>{MENU}</nav><p>Bài {n}.</p></body></html>"
        expected = alone(html)
        forget_chrome_blocks()
        warm(page("<p>Bài.</p>"))
        for m in range(n):
            shape(GenericPage("http://xa.example.gov.vn/q.html", html.replace(f"số {n}", f"cũ {m}")).root)
        assert len(lines._CHROME_BLOCKS) <= 3
        assert shape(GenericPage("http://xa.example.gov.vn/p.html", html).root) == expected
        # The menu, replayed on every page, outlives the side boxes met once.
        assert sum(record is not None for record in lines._CHROME_BLOCKS.values()) == 1
