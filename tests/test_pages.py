"""Page extraction on saved HTML: exact values, one case per fixture directory.

tests/fixtures/<family>/<case>/ holds page.html (the bytes as served), meta.json (url, site and
the served Content-Type) and expected.json (only the fields the case pins). Pages are decoded the
way the crawler decodes them, through Scrapy's HtmlResponse, so a page whose charset is declared
only in a <meta> tag (the NukeViet cases are windows-1258) exercises encoding detection. Article
cases may pin `normalized` values too (authors, published_at, view_count), so the values a user
sees are checked, not only the raw strings.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.article import ArticlePage, looks_like_byline
from crawler.pages.listing import ListingPage, NextLink, NextPostback
from crawler.profiles.model import SiteProfile
from crawler.sites import load_registry
from pipelines.normalize import normalize_authors, normalize_datetime, normalize_view_count
from tests.conftest import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE_CASES = sorted(FIXTURES.glob("*/article-*"))
LISTING_CASES = sorted(FIXTURES.glob("*/listing-*"))
SETTINGS = {"SAMPLE_PORTAL_URL": "http://127.0.0.1:8765",
            "PORTAL_FAMILIES_DIR": str(REPO_ROOT / "crawler/profiles/families"),
            "PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml")}


@pytest.fixture(scope="module")
def sites() -> dict[str, SiteProfile]:
    return load_registry(SETTINGS)


def _load(case: Path) -> tuple[dict, str, dict]:
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return meta, _decode(case, meta), expected


def _decode(case: Path, meta: dict) -> str:
    """page.html as the spider sees it: Scrapy picks the encoding (header, BOM, <meta>, sniffing)."""
    headers = {"Content-Type": meta.get("content_type", "text/html")}
    return HtmlResponse(meta["url"], body=(case / "page.html").read_bytes(), headers=headers).text


def test_fixture_sets_are_present() -> None:
    assert len(ARTICLE_CASES) >= 6 and len(LISTING_CASES) >= 2


@pytest.mark.parametrize("case", ARTICLE_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_article_fixture(case: Path, sites: dict[str, SiteProfile]) -> None:
    meta, html, expected = _load(case)
    page = ArticlePage(meta["url"], html, sites[meta["site"]])
    assert page.validate() is None
    fields = page.extract()
    normalized = expected.pop("normalized", None)
    got = asdict(fields)
    assert {k: got[k] for k in expected} == expected
    if normalized is not None:
        assert {"authors": normalize_authors(fields.byline_raw), "published_at": normalize_datetime(fields.date_raw),
                "view_count": normalize_view_count(fields.views_raw)} == normalized


SEED = FIXTURES / "sharepoint_portal" / "article-seed"


def test_seed_fields_and_provenance(sites: dict[str, SiteProfile]) -> None:
    meta, html, _ = _load(SEED)
    fields = ArticlePage(meta["url"], html, sites["sample"]).extract()
    assert fields.byline_raw == "Thanh Trúc"
    assert normalize_authors(fields.byline_raw) == ["Thanh Trúc"]
    assert fields.date_raw == "Cập nhật lúc: 14:55 - 10/10/2018 Lượt xem: 162"
    assert fields.provenance == {
        "title": "profile:.tandan-title-view h1", "summary": "profile:.summary-news",
        "category": "profile:.breadcrumb a:last-child", "date": "profile:.tandan-date-view",
        "views": "profile:.tandan-date-view", "authors": "heuristic:last_paragraph",
        "body": "profile:.tandan-content-view",
    }


@pytest.mark.parametrize(("case", "authors"), [
    ("article-two-authors-tin-anh", ["Trần Minh", "Văn Tiến"]),
    ("article-uppercase-authors", ["Văn Tiến", "Bá Dũng"]),
    ("article-admin-placeholder", []),
    ("article-no-byline", []),
])
def test_bylines_become_authors(case: str, authors: list[str], sites: dict[str, SiteProfile]) -> None:
    meta, html, _ = _load(FIXTURES / "sharepoint_portal" / case)
    fields = ArticlePage(meta["url"], html, sites["sample"]).extract()
    assert normalize_authors(fields.byline_raw) == authors
    assert "Admin" not in (fields.body_text or "")


def test_header_clock_and_related_dates_are_not_the_date(sites: dict[str, SiteProfile]) -> None:
    meta, html, _ = _load(SEED)
    assert "header-date" in html and "Tin cùng chuyên mục" in html  # the traps are on the page
    fields = ArticlePage(meta["url"], html, sites["sample"]).extract()
    assert fields.date_raw is not None and "Thứ" not in fields.date_raw


@pytest.mark.parametrize("case", LISTING_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_listing_fixture(case: Path, sites: dict[str, SiteProfile]) -> None:
    meta, html, expected = _load(case)
    page = ListingPage(meta["url"], html, sites[meta["site"]])
    assert page.article_links() == expected["article_links"]
    nxt, want = page.next_page(), expected["next_page"]
    if want is None:
        assert nxt is None
    elif want["kind"] == "link":
        assert nxt == NextLink(want["url"])
    else:
        assert want["kind"] == "postback"
        assert isinstance(nxt, NextPostback)
        assert (nxt.event_target, nxt.event_argument) == (want["event_target"], want["event_argument"])


def test_postback_request_carries_the_pages_form_state(sites: dict[str, SiteProfile]) -> None:
    meta, html, _ = _load(FIXTURES / "sharepoint_portal" / "listing-tin-tuc-page1")
    nxt = ListingPage(meta["url"], html, sites["sample"]).next_page()
    assert isinstance(nxt, NextPostback)
    assert nxt.method == "POST" and nxt.url == meta["url"]
    form = dict(parse_qsl(nxt.body.decode("utf-8"), keep_blank_values=True))
    assert form["__EVENTTARGET"] == "ctl00$m$g_6b9f4c2e$ctl00$pager"
    assert form["__EVENTARGUMENT"] == "Page$Next"
    assert form["__VIEWSTATE"] and form["__EVENTVALIDATION"]
    assert "ctl00$search$btnSearch" not in form  # no submit button "clicked"


LINK_PAGER = """<html><body><div class="list"><a class="t" href="/vi/news/a-1.html">A</a></div>
<div class="Paging"><span class="current">2</span> <a href="?page=1">1</a> <a href="?page=3">3</a>
<a href="?page=3">Tiếp</a></div></body></html>"""


def test_plain_link_pagination(sites: dict[str, SiteProfile]) -> None:
    site = sites["sample"]
    page = ListingPage("https://x.gov.vn/portal/Pages/Tin.aspx?page=2", LINK_PAGER, site)
    assert page.next_page() == NextLink("https://x.gov.vn/portal/Pages/Tin.aspx?page=3")
    assert page.current_page() == 2


BROKEN = """<html><head><title>T</title></head><body><div class="tandan-title-view"><h1>Hội nghị <b>tổng kết</h1>
<div class="tandan-date-view">Cập nhật lúc: 09:05 - 3/9/2019
<div class="tandan-content-view"><p>Đoạn một &nbsp; có   khoảng trắng.<p>Đoạn hai<br>dòng mới<table><tr><td>ô"""


def test_broken_html_still_extracts(sites: dict[str, SiteProfile]) -> None:
    """Unclosed tags and a page cut off mid-table: lxml recovers, nothing raises."""
    url = "http://127.0.0.1:8765/honglinh/portal/pages/2019-9-3/Hoi-nghi-1.aspx"
    page = ArticlePage(url, BROKEN, sites["sample"])
    assert page.validate() is None
    fields = page.extract()
    assert fields.title == "Hội nghị tổng kết"
    assert fields.date_raw is not None and fields.date_raw.startswith("Cập nhật lúc: 09:05 - 3/9/2019")
    assert fields.body_text == "Đoạn một có khoảng trắng.\n\nĐoạn hai\n\ndòng mới\n\nô"
    assert fields.date_in_url == "2019-09-03"


@pytest.mark.parametrize("html", ["", "<html></html>", "<html><body><h1></h1></body></html>", "\x00\x01garbage"])
def test_non_articles_are_rejected_with_a_reason(html: str, sites: dict[str, SiteProfile]) -> None:
    page = ArticlePage("http://127.0.0.1:8765/honglinh/portal/pages/2019-9-3/x-1.aspx", html or " ", sites["sample"])
    assert page.validate() in {"no_title", "no_body"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Thanh Trúc", True), ("Trần Minh.", True), ("MINH ĐỨC - HOÀNG LONG", True), ("Admin", True),
    ("Tin, ảnh: Hữu Bình - Thanh Trúc", True), ("Lê Quang (TTTT)", True), ("Phan Tuấn - HND thị xã", True),
    ("Tác giả: Nguyễn Văn Hùng", True),
    ("Kết thúc kỳ họp, HĐND thị xã đã biểu quyết thông qua 6 nghị quyết./.", False),
    ("Một tiết mục văn nghệ tại hội thi.", False),
    ("Hội nghị kết thúc.", False),
])
def test_looks_like_byline(text: str, expected: bool) -> None:
    assert looks_like_byline(text) is expected


def test_date_from_url_when_page_has_none(sites: dict[str, SiteProfile]) -> None:
    html = "<html><body><h1 class='title-news'>Tin</h1><div class='tandan-content-view'><p>Nội dung.</p></div></body></html>"
    page = ArticlePage("http://127.0.0.1:8765/honglinh/portal/pages/2021-5-7/Tin-1.aspx", html, sites["sample"])
    fields = page.extract()
    assert (fields.date_raw, fields.date_in_url, fields.provenance["date"]) == (None, "2021-05-07", "url")


def test_meta_and_jsonld_dates_are_fallbacks(sites: dict[str, SiteProfile]) -> None:
    html = ("<html><head><script type='application/ld+json'>{\"@graph\": [{\"@type\": \"NewsArticle\", "
            "\"datePublished\": \"2025-07-16T09:42:31+07:00\"}]}</script></head><body><h1>Tin</h1>"
            "<div class='tandan-content-view'><p>Nội dung.</p></div></body></html>")
    fields = ArticlePage("https://x.gov.vn/portal/pages/x.aspx", html, sites["sample"]).extract()
    assert (fields.date_raw, fields.provenance["date"]) == ("2025-07-16T09:42:31+07:00", "jsonld:datePublished")
    assert datetime.fromisoformat(fields.date_raw).utcoffset() is not None


NFD_BYLINE_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>
<body><div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>
<div class="panel-body"><h1 class="title" itemprop="headline">Hội nghị giao ban tháng 7</h1>
<div id="news-bodyhtml" class="bodytext"><p>Sáng ngày 28/7, xã tổ chức hội nghị giao ban./.</p></div>
<div><p class="h5 text-right"><strong>Tác giả: </strong>Lê Minh Tâm</p>
<p class="h5 text-right"><strong>Nguồn tin: </strong>UBND xã</p></div></div></div></body></html>"""


def test_decomposed_pages_match_profile_text_selectors(sites: dict[str, SiteProfile]) -> None:
    """A windows-1258 page carries tone marks as combining characters ("giả" is "gia" + U+0309);
    the NukeViet profile's `p:contains("Tác giả")` must still find the author line."""
    from sample_portal.markup import encode_cp1258

    url = "http://127.0.0.1:8765/minhduc/vi/news/tin-tuc-su-kien/hoi-nghi-giao-ban-thang-7-1190.html"
    text = HtmlResponse(url, body=encode_cp1258(NFD_BYLINE_PAGE), headers={"Content-Type": "text/html"}).text
    assert "gia\u0309" in text  # as decoded: not NFC
    fields = ArticlePage(url, text, sites["sample-nukeviet"]).extract()
    assert fields.byline_raw == "Tác giả: Lê Minh Tâm"
    assert fields.title == "Hội nghị giao ban tháng 7"
    assert fields.body_text == "Sáng ngày 28/7, xã tổ chức hội nghị giao ban./."


def test_decomposed_pager_label_is_the_next_link(sites: dict[str, SiteProfile]) -> None:
    """Pager labels are compared after clean_text (NFC), so a decomposed "Tiếp" is still "Tiếp"."""
    html = unicodedata.normalize("NFD", '<div class="Paging"><a href="?page=1">1</a> <a href="?page=3">Tiếp</a></div>')
    page = ListingPage("https://x.gov.vn/portal/Pages/Tin.aspx?page=2", html, sites["sample"])
    assert page.next_page() == NextLink("https://x.gov.vn/portal/Pages/Tin.aspx?page=3")


def test_source_line_is_kept_apart_from_authors(sites: dict[str, SiteProfile]) -> None:
    """NukeViet prints "Nguồn tin:" in its own element: the source, never an author."""
    from crawler.items import article_item
    from pipelines.normalizing import normalize_article

    meta, html, _ = _load(FIXTURES / "nukeviet" / "article-tac-gia-nguon-tin")
    fields = ArticlePage(meta["url"], html, sites[meta["site"]]).extract()
    assert (fields.source_raw, fields.provenance["source"]) == (
        "Nguồn tin: UBND xã Minh Đức", 'profile:.news_column p.h5:contains("Nguồn tin")')
    item = article_item(meta["site"], fields, "2026-11-28T10:00:00+07:00", 200, meta["url"])
    normalize_article(item)
    assert (item.authors, item.source_name) == (["Minh Tâm"], "UBND xã Minh Đức")


def test_paragraphs_of_markup_nested_deeper_than_the_recursion_limit() -> None:
    from parsel import Selector

    from crawler.pages.html import paragraphs

    html = "<div id='c'><p>Đầu bài.</p>" + "<font>chữ " * 3000 + "</div><p>Sau khối.</p>"
    found = paragraphs(Selector(text=html).css("#c")[0])
    assert found[0] == "Đầu bài." and found[1].startswith("chữ chữ")
    assert "Sau khối." not in " ".join(found)  # the element's own text only, never what follows it


@pytest.mark.parametrize(("content_type", "expected"), [
    (b"text/html; charset=utf-8", True),
    (None, True),  # no Content-Type: read as HTML, as the portals' old servers send them
    (b"application/xhtml+xml", True),
    (b"application/pdf", False),  # an attachment linked as an article: a failure "not_html"
    (b"text/plain", False),
    (b"application/json", False),
])
def test_which_responses_are_pages_to_read(content_type: bytes | None, expected: bool) -> None:
    """What the spiders read as a page, with the response class Scrapy picks for each type (a PDF
    is a plain `Response`, which has no text)."""
    from scrapy.responsetypes import responsetypes

    from crawler.spiders.generic import is_html

    headers = {"Content-Type": content_type} if content_type else {}
    body = b"<html><body><p>Trang</p></body></html>" if expected else b"%PDF-1.4 ..."
    cls = responsetypes.from_args(headers=headers, url="http://xa.example.gov.vn/tin-tuc/bai-1.html", body=body)
    response = cls(url="http://xa.example.gov.vn/tin-tuc/bai-1.html", headers=headers, body=body)
    assert is_html(response) is expected
