"""Generic extraction on page shapes seen on real portals (written here from their descriptions,
not copied): the date row above the headline, a headline that is a styled paragraph under a
<title> that is only the site's name, short notices, notices whose content is an attachment,
articles that show no date, layout columns named "header", misleading canonical links, and
markup nested deeper than Python's recursion limit."""
from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree
from parsel.selector import create_root_node

from crawler.generic import ARTICLE, GenericPage
from crawler.generic.page import Link
from crawler.generic.structured import Structured
from pipelines.normalize import normalize_datetime

SHELL = """<html><head><title>Trang thông tin điện tử Huyện Mẫu</title>{head}</head><body>
<div class="menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a> <a href="/lien-he">Liên hệ</a></div>
<div class="time">Thứ năm, 09/05/2019</div>
{main}
<div class="footer"><p>Giấy phép số 12/GP-TTĐT cấp ngày 03/11/2016</p><p>Số lượt truy cập: 1.099.979</p></div>
</body></html>"""
RELATED = """<p class="OtherTitle">TIN ĐÃ ĐƯA</p><ul>
<li><a href="/tin-a">Hội nghị tổng kết công tác thanh tra năm 2018 của tỉnh</a><span>(30/05/2019)</span></li>
<li><a href="/tin-b">Tăng cường kiểm tra, giám sát kỳ thi trung học phổ thông</a><span>(06/06/2019)</span></li></ul>"""
PARAGRAPHS = "".join(f"<p>Đoạn {i}: nội dung của bài viết về hoạt động của huyện trong tháng, với số liệu và "
                     f"ý kiến của lãnh đạo địa phương.</p>" for i in range(1, 6))


def page(main: str, url: str = "http://huyen.example.gov.vn/mot-bai-viet-ve-hoat-dong/", head: str = "",
         referrer: Link | None = None) -> GenericPage:
    return GenericPage(url, SHELL.format(main=main, head=head), referrer=referrer)


def category_row(date: str) -> str:
    return (f'<table><tr class="ms-news-header"><td class="FolderTitle">tin nổi bật</td>'
            f'<td class="Time">{date}</td></tr></table>')


def test_date_row_above_a_styled_headline() -> None:
    p = page(f'<div class="snCenter">{category_row("11/06/2019")}<p class="Title">Huyện phát động hưởng ứng '
             f'Ngày Môi trường thế giới</p><div class="asset-content">{PARAGRAPHS}</div>{RELATED}</div>')
    assert p.verdict.kind == ARTICLE
    assert p.fields.title == "Huyện phát động hưởng ứng Ngày Môi trường thế giới"
    assert normalize_datetime(p.fields.date_raw) == "2019-06-11"
    assert p.fields.provenance["date"] == "heuristic:date_above_title"
    assert p.fields.body_text.startswith("Đoạn 1:") and p.fields.body_text.endswith("lãnh đạo địa phương.")


def test_a_one_sentence_notice_is_an_article() -> None:
    p = page(f'<div class="snCenter">{category_row("(26.07.2019 14:14)")}<p class="Title">Công khai kế hoạch '
             f'thanh tra năm 2019</p><p>Công khai kế hoạch thanh tra, kiểm tra năm 2019 của các cơ quan.</p>'
             f'<p><a href="/">xem chi tiết tại đây</a></p>{RELATED}</div>'
             '<div class="sidebar"><ul class="album"><li><b>Hội nghị trực tuyến tổng kết công tác năm 2012</b></li>'
             '<li><b>Hội nghị tổng kết công tác thanh tra năm 2012 của tỉnh</b></li></ul></div>')
    assert p.verdict.kind == ARTICLE, p.verdict
    assert p.fields.title == "Công khai kế hoạch thanh tra năm 2019"
    assert normalize_datetime(p.fields.date_raw) == "2019-07-26T14:14:00+07:00"
    assert p.fields.body_text == "Công khai kế hoạch thanh tra, kiểm tra năm 2019 của các cơ quan."


def test_a_notice_whose_content_is_an_attachment_keeps_its_documents() -> None:
    p = page(f'<div class="snCenter">{category_row("(14.04.2019 17:09)")}<p class="Title">Quyết định công bố '
             f'thủ tục hành chính mới (13/04)</p><p>Tải về: <a href="/Documents/qd-123.pdf">Quyết định số '
             f'123/QĐ-UBND</a></p><p><a href="http://elsewhere.example.org/x.pdf">Tài liệu nơi khác</a></p>{RELATED}</div>')
    assert p.verdict.kind == ARTICLE, p.verdict
    assert p.fields.title == "Quyết định công bố thủ tục hành chính mới (13/04)"  # a day and month is part of it
    assert p.fields.body_text is None
    assert p.fields.attachments == [{"url": "http://huyen.example.gov.vn/Documents/qd-123.pdf",
                                     "text": "Quyết định số 123/QĐ-UBND"}]


def test_an_article_showing_no_date_is_kept_undated() -> None:
    p = page(f'<div class="header"><div class="header_middle"><div class="portlet"><h2>Tọa đàm kỷ niệm ngày '
             f'nhà giáo Việt Nam 20-11 <span>( )</span></h2><div class="journal-content-article">{PARAGRAPHS}'
             f'</div><h3>Các tin khác</h3><p>Tin đang được cập nhật</p></div></div></div>')
    assert p.verdict.kind == ARTICLE, p.verdict
    assert p.fields.title == "Tọa đàm kỷ niệm ngày nhà giáo Việt Nam 20-11"
    assert p.fields.date_raw is None and p.fields.provenance["date"] == "absent:no_date_on_page"
    assert p.fields.body_text.startswith("Đoạn 1:")


def test_an_undated_static_page_is_not_an_article() -> None:
    p = page(f'<div class="content"><h1>Giới thiệu chung về huyện</h1>{PARAGRAPHS}</div>',
             url="http://huyen.example.gov.vn/gioi-thieu/gioi-thieu-chung/")
    assert p.verdict.kind != ARTICLE


def test_a_listing_with_a_dated_heading_is_not_an_article() -> None:
    items = "".join(f'<h2><a href="/tin-{i}">Tin số {i} về hoạt động của huyện trong tuần</a> '
                    f'(2019-05-1{i}T02:49:00.000Z)</h2><p>Tóm tắt tin số {i} với vài câu ngắn.</p>' for i in range(6))
    p = page(f'<div class="content"><h1>tin tức sự kiện</h1>{items}</div>',
             url="http://huyen.example.gov.vn/tin-tuc-su-kien/")
    assert p.verdict.kind != ARTICLE


def test_the_link_followed_to_the_page_names_its_title() -> None:
    main = ('<div class="content"><p class="lead">Hoạt động hè cho thiếu nhi của xã năm 2024</p>'
            '<p><b>Ngày 12/06/2024</b></p><p>Xã tổ chức hoạt động hè cho thiếu nhi với nhiều trò chơi.</p></div>')
    alone = page(main)
    followed = page(main, referrer=Link("http://huyen.example.gov.vn/mot-bai-viet-ve-hoat-dong/",
                                        "Hoạt động hè cho thiếu nhi của xã năm 2024", True))
    assert followed.verdict.kind == ARTICLE, followed.verdict
    assert followed.fields.title == "Hoạt động hè cho thiếu nhi của xã năm 2024"
    assert alone.verdict.kind != ARTICLE  # without the listing's word, a sentence under a paragraph is not enough


def test_a_canonical_link_to_the_home_page_is_ignored() -> None:
    head = '<link rel="canonical" href="http://huyen.example.gov.vn/guest">'
    p = page(f'<div class="content"><h1>Một bài viết về hoạt động</h1><p>Đăng lúc: 08:45 14/03/2024</p>'
             f'{PARAGRAPHS}</div>', head=head)
    assert p.fields.url == "http://huyen.example.gov.vn/mot-bai-viet-ve-hoat-dong/"


def test_markup_nested_deeper_than_the_recursion_limit() -> None:
    body = "".join("<font>Đoạn văn bản khá dài của bài viết, lặp lại nhiều lần. " for _ in range(1500))
    p = page(f'<div class="content"><h1>Một bài viết lồng rất sâu</h1><p>Đăng lúc: 08:45 14/03/2024</p>{body}</div>')
    assert p.verdict.kind == ARTICLE
    assert p.fields.body_text.count("Đoạn văn bản") >= 1000


def test_attachments_reach_the_archive(tmp_path) -> None:
    import json

    from crawler.items import article_item
    from pipelines.normalizing import normalize_article
    from pipelines.schema import open_archive
    from pipelines.storage import ArchiveWriter

    p = page(f'<div class="snCenter">{category_row("(14.04.2019 17:09)")}<p class="Title">Quyết định công bố '
             f'thủ tục hành chính mới</p><p>Tải về: <a href="/Documents/qd-123.pdf">Quyết định số 123</a></p>'
             f'{RELATED}</div>')
    item = article_item("generic-huyen", p.fields, "2026-01-01T00:00:00+07:00", 200, p.url)
    normalize_article(item)
    db = open_archive(tmp_path / "archive.db")
    ArchiveWriter(db).write_articles([item])
    (stored,) = db.execute("select attachments from articles").fetchone()
    assert json.loads(stored) == [{"url": "http://huyen.example.gov.vn/Documents/qd-123.pdf", "text": "Quyết định số 123"}]


def test_a_table_of_documents_with_dates_is_not_an_article() -> None:
    rows = "".join(f"<tr><td>{n}/QĐ-UBND</td><td>{n % 28 + 1:02d}/0{n % 9 + 1}/2023</td>"
                   f"<td>Quyết định về việc phê duyệt kế hoạch số {n} của Ủy ban nhân dân xã</td></tr>" for n in range(8))
    p = page(f'<div class="content"><h1>Văn bản chỉ đạo điều hành</h1><table class="van-ban"><tr><th>Số/Ký hiệu</th>'
             f'<th>Ngày ban hành</th><th>Trích yếu</th></tr>{rows}</table>{RELATED}</div>',
             url="http://huyen.example.gov.vn/chi-dao-dieu-hanh/van-ban.html")
    assert p.verdict.kind != ARTICLE, p.verdict


def test_an_undated_static_page_reached_from_a_list_and_followed_by_news_is_not_an_article() -> None:
    referrer = Link("http://huyen.example.gov.vn/chuyen-de/bau-cu.html", "Bầu cử đại biểu Quốc hội và HĐND", True)
    p = page(f'<div class="content"><h1>Bầu cử đại biểu Quốc hội và HĐND</h1>{PARAGRAPHS}{RELATED}</div>',
             url="http://huyen.example.gov.vn/chuyen-de/bau-cu.html", referrer=referrer)
    assert p.verdict.kind != ARTICLE, p.verdict  # an article that shows no date needs a sign of its own


@pytest.mark.parametrize("html", ["", "   ", "<!-- chỉ một chú thích -->", "a\x00b", "<p>x\x00y</p>",
                                  "\ufeff<html><body>é</body></html>",
                                  "<?xml version='1.0' encoding='utf-8'?><html><p>z</p></html>",
                                  "<html><head><meta charset='windows-1258'></head><body>Việt</body></html>",
                                  "<div><p>không đóng <b>thẻ<td>ô</div></span>"])
def test_a_page_is_parsed_as_parsel_parses_a_response(html: str) -> None:
    """Generic extraction parses with its own call (no table of ids, for speed); the tree must be
    the one parsel builds, odd input included (empty, NUL characters, BOM, XML declaration)."""
    expected = etree.tostring(create_root_node(html, etree.HTMLParser, base_url="http://x.gov.vn/"), encoding="unicode")
    assert etree.tostring(GenericPage("http://x.gov.vn/", html).root, encoding="unicode") == expected


def test_hidden_links_without_children_are_still_links() -> None:
    """A hidden element with no children is asked about itself only (a script, a hidden link):
    its link still leads somewhere."""
    p = page('<div class="content"><h1>Bài</h1><a href="/an-1" style="display:none"></a>'
             '<script>var a = "<a href=/khong>";</script><iframe src="/khung" hidden></iframe></div>')
    urls = [link.url for link in p.links]
    assert "http://huyen.example.gov.vn/an-1" in urls and "http://huyen.example.gov.vn/khung" in urls
    assert not any("khong" in u for u in urls)


# Metadata elements anywhere a page may hold them: the head, the body, a hidden block, a script
# in a link, an <svg> title, a menu (chrome, replayed from the cache on a later page), a form.
ODD_METADATA = """<html><head><title>Trang <!-- c --> chủ</title><meta property="og:title" content="Tiêu đề OG">
<link rel="stylesheet" href="/a.css"><link rel="NEXT prefetch" href="/trang-2"><script>var a;</script>
<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Lê Văn Bình"}}</script></head>
<body><nav class="menu"><ul><li><a href="/a">A</a><script type="application/ld+json">{"@type": "WebPage"}</script>
</li><li><meta name="description" content="Trong menu"></li><li><span itemprop="publisher">Cổng TTĐT</span></li></ul></nav>
<div style="display:none"><meta name="author" content="Ẩn"><link rel="next" href="/an"><div><title>Ẩn</title></div>
<span itemprop="author">Ẩn danh</span></div><input type="hidden" itemprop="x" value="1">
<p class="tac-gia" itemprop="author"><b>Trần Thị C</b></p>
<a href="/b"><script>var b;</script>B</a><svg><title>Biểu tượng</title></svg>
<form><select><option>1</option><script>var c;</script></select></form>
<p>Nội dung <meta itemprop="datePublished" content="2024-05-01">bài viết.</p>
<script type="application/ld+json ">{"@type": "NotJsonLdByItsType"}</script>
<link rel="next" href=""><link rel="nex t" href="/khong"><link rel="&#160;next" href="/khong-2"><link href="/x" rel="next">
</body></html>"""
DECLARED_XPATH = "//meta | //title | //link | //script | //*[@itemprop]"
REL_NEXT_XPATH = ("//link[contains(concat(' ', normalize-space(translate(@rel, 'NEXT', 'next')), ' '), ' next ')]"
                  "/@href")


def _metadata_reading(html: str) -> tuple[Any, ...]:
    from crawler.generic.pagination import _rel_next_hrefs

    page = GenericPage("http://huyen.example.gov.vn/p.html", html)
    path = page.root.getroottree().getpath
    declared = page.text.declared
    microdata = {prop: [path(el) for el in found] for prop, found in page.structured._itemprops.items()}
    return ([path(el) for el in declared], page.structured.meta, page.structured.html_title, page.structured.jsonld,
            list(_rel_next_hrefs(declared)), microdata, page.structured.author())


@pytest.mark.parametrize("html", [ODD_METADATA, SHELL.format(main=PARAGRAPHS, head="")])
def test_the_walk_finds_every_metadata_element_as_a_search_of_the_tree_does(html: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The line walk collects the page's <meta>, <title>, <link> and <script> elements, which
    metadata and the pager read instead of searching the whole tree: every one, in document order,
    read cold and again with the page's menu replayed from the cache of chrome blocks."""
    from crawler.generic import lines

    lines.forget_chrome_blocks()
    replayed: list[str] = []
    monkeypatch.setattr(lines._Builder, "_replay", lambda self, block, record, replay=lines._Builder._replay:
                        (replayed.append(block.tag), replay(self, block, record)))
    root = GenericPage("http://huyen.example.gov.vn/p.html", html).root
    path = root.getroottree().getpath
    searched = [path(el) for el in root.xpath(DECLARED_XPATH)]
    meta: dict[str, str] = {}
    for el in root.xpath("//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and (el.get("content") or "").strip() and key not in meta:
            meta[key] = el.get("content").strip()
    title = " ".join(" ".join(root.xpath("//title/text()")).split()) or None
    scripts = [json.loads(t) for t in root.xpath("//script[@type = 'application/ld+json']/text()")]
    microdata: dict[str, list[str]] = {}
    for el in root.xpath("//*[@itemprop]"):
        microdata.setdefault(el.get("itemprop"), []).append(path(el))
    author = Structured.read(root)  # (no walk: microdata searched for in the tree)
    expected = (searched, meta, title, [s for s in scripts if "@type" in s], root.xpath(REL_NEXT_XPATH), microdata,
                author.author())
    readings = [_metadata_reading(html) for _ in range(3)]  # cold; the menu noted, recorded; replayed
    assert readings == [expected] * 3
    assert replayed  # the third reading replayed the page's chrome (menu, footer) from the cache
    if html is ODD_METADATA:  # what the odd page says, spelled out
        assert meta == {"og:title": "Tiêu đề OG", "description": "Trong menu", "author": "Ẩn",
                        "datepublished": "2024-05-01"}
        assert title == "Trang <!-- c --> chủ Ẩn Biểu tượng"  # a <title> holds raw text
        assert [s["@type"] for s in scripts] == ["NewsArticle", "WebPage"]
        assert expected[4] == ["/trang-2", "/an", "", "/x"]
        assert list(microdata) == ["publisher", "author", "x", "datePublished"]
        assert len(microdata["author"]) == 2
