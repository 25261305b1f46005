"""Generic mode's pure decisions: article / listing / other, pagers, trap URLs, canonical URLs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.generic import GenericPage, canonicalize_url, same_site, trap_reason
from crawler.generic.pagination import current_page, next_link
from crawler.generic.profile import generic_profile, generic_slug
from crawler.generic.urls import article_url_hint, is_home_url, page_number
from crawler.profiles import ProfileError
from tests.test_generic_extract import CASES, load

FIXTURES = Path(__file__).parent / "fixtures" / "sharepoint_portal"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['portal']}/{c['case']}")
def test_saved_pages_are_classified(case: dict) -> None:
    kind = load(case).verdict.kind
    if case["kind"] == "other":
        # Never an article; "listing" is allowed: site-wide side boxes of headlines make any page
        # a page of links, and the two kinds are only counted, never stored.
        assert kind != "article"
    else:
        assert kind == case["kind"]


@pytest.mark.parametrize("case", [c for c in CASES if c.get("next_page")], ids=lambda c: c["portal"])
def test_next_page_of_saved_listings(case: dict) -> None:
    page = load(case)
    nxt = next_link(list(page.pager.links), current_page(page.pager, page.url))
    assert nxt is not None and canonicalize_url(nxt.url) == canonicalize_url(case["next_page"])


def test_sharepoint_listing_pages_by_postback() -> None:
    meta = json.loads((FIXTURES / "listing-tin-tuc-page1" / "meta.json").read_text(encoding="utf-8"))
    html = (FIXTURES / "listing-tin-tuc-page1" / "page.html").read_text(encoding="utf-8")
    page = GenericPage(meta["url"], html)
    assert page.verdict.kind == "listing"
    nxt = next_link([link for link in page.pager.links if link.postback], current_page(page.pager, page.url))
    assert nxt is not None and nxt.postback == ("ctl00$m$g_6b9f4c2e$ctl00$pager", "Page$Next")


def test_sharepoint_article_is_an_article() -> None:
    meta = json.loads((FIXTURES / "article-seed" / "meta.json").read_text(encoding="utf-8"))
    page = GenericPage(meta["url"], (FIXTURES / "article-seed" / "page.html").read_text(encoding="utf-8"))
    assert page.verdict.kind == "article"
    assert page.fields.title == "Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018"


PAGERS = [
    # (page URL, pager HTML, expected next URL)
    ("https://x.gov.vn/tin-tuc.html", '<div class="pg"><span>1</span> <a href="/tin-tuc/trang-2.html">2</a> '
     '<a href="/tin-tuc/trang-3.html">3</a> <a href="/tin-tuc/trang-2.html">Trang sau</a></div>',
     "https://x.gov.vn/tin-tuc/trang-2.html"),
    ("https://x.gov.vn/list.aspx?Page=2", '<p><a href="list.aspx?Page=1">&lt;&lt;</a> <a href="list.aspx?Page=1">&lt;</a> '
     '<a href="list.aspx?Page=1">1</a> <b>2</b> <a href="list.aspx?Page=3">3</a> <a href="list.aspx?Page=3">&gt;</a> '
     '<a href="list.aspx?Page=9">&gt;&gt;</a></p>', "https://x.gov.vn/list.aspx?Page=3"),
    ("https://x.gov.vn/ViewList.aspx?mid=3", '<div><a href="?mid=3&pagenumber=2">›</a></div>',
     "https://x.gov.vn/ViewList.aspx?mid=3&pagenumber=2"),
    ("https://x.gov.vn/chuyen-muc/tin", '<ul class="pagination"><li class="active"><a href="#">1</a></li>'
     '<li><a href="/chuyen-muc/tin/page-2">2</a></li><li><a href="/chuyen-muc/tin/page-2">»</a></li></ul>',
     "https://x.gov.vn/chuyen-muc/tin/page-2"),
    ("https://x.gov.vn/web/guest/tin?p_p_id=P&_P_cur=1", '<a href="/web/guest/tin?p_p_id=P&_P_cur=2">Tiếp</a>',
     "https://x.gov.vn/web/guest/tin?_P_cur=2&p_p_id=P"),
]


@pytest.mark.parametrize(("url", "pager", "expected"), PAGERS)
def test_pager_forms(url: str, pager: str, expected: str) -> None:
    page = GenericPage(url, f"<html><body><div>{pager}</div></body></html>")
    nxt = next_link(list(page.pager.links), current_page(page.pager, url))
    assert nxt is not None and canonicalize_url(nxt.url) == canonicalize_url(expected)


def test_lone_numbers_and_read_more_links_are_not_a_pager() -> None:
    html = ('<html><body><p>Xem <a href="/tin-tuc/bai-2.html">2</a> bài.</p><a href="/tin-tuc.html">Xem tiếp »</a>'
            '<table class="calendar"><tr><td><a href="/lich?ngay=2024-03-01">1</a></td>'
            '<td><a href="/lich?ngay=2024-03-02">2</a></td></tr></table></body></html>')
    page = GenericPage("https://x.gov.vn/", html)
    assert page.pager.links == ()


def test_calendar_postbacks_are_not_a_pager() -> None:
    html = ("<html><body><form id='f'><table id='Calendar1'><tr>"
            + "".join(f"<td><a href=\"javascript:__doPostBack('ctl00$Calendar1','{8470 + d}')\">{d}</a></td>" for d in (1, 2, 3))
            + "</tr></table></form></body></html>")
    assert GenericPage("https://x.gov.vn/a.aspx", html).pager.links == ()


@pytest.mark.parametrize(("url", "reason"), [
    ("https://x.gov.vn/Uploads/van-ban/QD-12.pdf", "attachment"),
    ("https://x.gov.vn/images/anh.JPG", "attachment"),
    ("https://x.gov.vn/tim-kiem.html?q=hop", "trap_word"),
    ("https://x.gov.vn/DesktopModules/tinvan/Print.aspx?id=3703", "trap_word"),
    ("https://x.gov.vn/portal/pages/print.aspx?p=123", "trap_word"),
    ("https://x.gov.vn/_layouts/15/Authenticate.aspx", "trap_word"),
    ("https://x.gov.vn/wp-login.php", "trap_word"),
    ("https://x.gov.vn/feed/", "trap_word"),
    ("https://x.gov.vn/rss.html", "trap_word"),
    ("https://x.gov.vn/News.aspx?MenuID=1&date=14/08/2014", "calendar"),
    ("https://x.gov.vn/News.aspx?MenuID=1&month=7&year=2014", "calendar"),
    ("https://x.gov.vn/2015/09/", "date_archive"),
    ("https://x.gov.vn/tin-tuc.html?sort=asc", "sort_filter"),
    ("https://x.gov.vn/2015/09/25/bai/?replytocom=12", "sort_filter"),
    ("https://x.gov.vn/a/b/c/a/b/c/tin.html", "growing_path"),
    ("https://x.gov.vn/x/x/x/tin.html", "growing_path"),
    ("https://x.gov.vn/a/b/c/d/e/f/g/h/i/j/k/l.html", "deep_path"),
    ("https://x.gov.vn/list?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", "many_params"),
    ("mailto:vanphong@x.gov.vn", "scheme"),
])
def test_trap_urls_are_rejected(url: str, reason: str) -> None:
    assert trap_reason(url) == reason


@pytest.mark.parametrize("url", [
    "https://x.gov.vn/tin-tuc/trang-2.html",
    "https://x.gov.vn/News.aspx?MenuID=1&date=",
    "https://x.gov.vn/?cn=55&gd=12&tc=10899",
    "https://x.gov.vn/2015/09/25/bai-viet/",
    "https://x.gov.vn/Tin-tuc/tabid/255/post/3011/bai.aspx",
    "https://x.gov.vn/web/guest/tin?p_p_id=com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_a"
    "&p_p_lifecycle=0&_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_a_cur=2",
    "https://x.gov.vn/du-lich/lich-su-dia-phuong-123.html",
])
def test_ordinary_urls_are_followed(url: str) -> None:
    assert trap_reason(url) is None


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTP://WWW.X.Gov.VN:80/Tin.aspx?b=2&a=1#top", "http://www.x.gov.vn/Tin.aspx?a=1&b=2"),
    ("https://x.gov.vn:443/a?utm_source=fb&fbclid=1&id=5", "https://x.gov.vn/a?id=5"),
    ("https://x.gov.vn/a;jsessionid=0A1B2C/b.html?PHPSESSID=9", "https://x.gov.vn/a/b.html"),
    ("https://x.gov.vn/(S(abc123xyz))/News.aspx?ID=2", "https://x.gov.vn/News.aspx?ID=2"),
    ("https://x.gov.vn/tin tức/bài.html", "https://x.gov.vn/tin%20t%E1%BB%A9c/b%C3%A0i.html"),
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765/"),
])
def test_canonical_urls(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_same_site_compares_host_and_port() -> None:
    assert same_site("https://www.x.gov.vn/a", "https://x.gov.vn/")
    assert not same_site("https://y.gov.vn/a", "https://x.gov.vn/")
    assert not same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8000/")
    assert not same_site("ftp://x.gov.vn/a", "https://x.gov.vn/")


@pytest.mark.parametrize(("url", "hint", "home", "page"), [
    ("https://x.gov.vn/portal/pages/2018-10-10/Cum-ATLC-4410957.aspx", True, False, None),
    ("https://x.gov.vn/vi/bai-viet/hoi-nghi", True, False, None),
    ("https://x.gov.vn/tin-tuc/hoi-nghi-1234.html", True, False, None),
    ("https://x.gov.vn/Introduction.aspx?MenuID=1&NewsID=AB-12", True, False, None),
    ("https://x.gov.vn/tin-tuc.html?page=3", False, False, 3),
    ("https://x.gov.vn/portal/Pages/default.aspx", False, True, None),
    ("https://x.gov.vn/vi/", False, True, None),
])
def test_url_shapes(url: str, hint: bool, home: bool, page: int | None) -> None:
    assert (article_url_hint(url), is_home_url(url), page_number(url)) == (hint, home, page)


BODY = "".join(f"<p>{'Nội dung đoạn văn số ' + str(i) + ' của trang, đủ dài để là văn bản thật sự. ' * 3}</p>"
               for i in range(5))


@pytest.mark.parametrize(("path", "html", "kind"), [
    ("/gioi-thieu/dieu-kien-tu-nhien.html", f"<h1>Điều kiện tự nhiên</h1><div>Cập nhật: 12/03/2020</div>{BODY}", "other"),
    ("/lich-su-123.html", f"<h1>Lịch sử hình thành</h1>{BODY}", "other"),
    ("/tin-tuc/hoi-nghi-123.html", f"<h1>Hội nghị tổng kết</h1><div>Ngày đăng: 12/03/2024</div>{BODY}", "article"),
    ("/", f"<h1>Hội nghị tổng kết</h1><div>Ngày đăng: 12/03/2024</div>{BODY}", "other"),
    ("/tin-tuc/anh-123.html", "<h1>Lễ hội</h1><div>12/03/2024</div><p><img src='a.jpg'><em>Ảnh 1</em></p>", "other"),
])
def test_article_needs_title_text_and_date(path: str, html: str, kind: str) -> None:
    page = GenericPage("https://x.gov.vn" + path, f"<html><head><title>T</title></head><body>{html}</body></html>")
    assert page.verdict.kind == kind, page.verdict


def test_listing_with_unlinked_titles_is_not_an_article() -> None:
    items = "".join(f"<p><b>Tin số {i} về hoạt động của xã trong tuần</b><br>1{i}/03/2024<br>"
                    f"{'Nội dung tóm tắt khá dài của tin này để đủ độ dài một đoạn văn. ' * 3}<br>"
                    f"<a href='/tin/{i}-123.html'>Xem tiếp</a></p>" for i in range(5))
    page = GenericPage("https://x.gov.vn/tin-tuc", f"<html><body><h1>Tin tức</h1>{items}</body></html>")
    assert page.verdict.kind != "article"


def test_generic_profile_of_a_start_url() -> None:
    profile = generic_profile("https://WWW.Honglinh.hatinh.gov.vn/portal/Pages/default.aspx#x")
    assert profile.slug == "generic-honglinh-hatinh-gov-vn" == generic_slug(profile.start_urls[0])
    assert profile.family == "generic" and profile.base_url == "https://honglinh.hatinh.gov.vn"
    assert profile.start_urls == ("https://www.honglinh.hatinh.gov.vn/portal/Pages/default.aspx",)
    assert generic_slug("http://127.0.0.1:8765/") == "generic-127-0-0-1-8765"
    for bad in ("honglinh.hatinh.gov.vn", "ftp://x.gov.vn/", "http://x.gov.vn:99999/"):
        with pytest.raises(ProfileError, match="start_url"):
            generic_profile(bad)


def test_links_beyond_leaves_out_the_links_a_crawl_knows_as_it_reaches_them() -> None:
    html = ('<html><body><ul class="menu"><li><a href="/gioi-thieu.html#top">Giới thiệu</a></li>'
            '<li><a href="HTTP://X.gov.vn/tin-tuc/">Tin tức</a></li></ul>'
            '<div class="list"><p><a href="tin-tuc/bai-moi-ve-nong-thon-moi.html">Bài mới về nông thôn mới của xã</a></p>'
            '<p><a href="/gioi-thieu.html">Giới thiệu lại</a></p></div></body></html>')
    page = GenericPage("https://x.gov.vn/trang/", html)
    assert [link.url for link in page.links] == [
        "https://x.gov.vn/gioi-thieu.html", "HTTP://X.gov.vn/tin-tuc/",
        "https://x.gov.vn/trang/tin-tuc/bai-moi-ve-nong-thon-moi.html", "https://x.gov.vn/gioi-thieu.html"]
    # Known URLs are compared in canonical form; the others come as `links` gives them.
    known = {canonicalize_url("https://x.gov.vn/gioi-thieu.html"), canonicalize_url("http://x.gov.vn/tin-tuc/")}
    assert list(page.links_beyond(known)) == [page.links[2]]
    assert page.links[2].headline and page.links[2].text == "Bài mới về nông thôn mới của xã"
    # What is known is read as the iteration goes: a URL met earlier in the same page is left out.
    known = set()
    urls = []
    for link in page.links_beyond(known):
        urls.append(link.url)
        known.add(canonicalize_url(link.url))
    assert urls == [page.links[0].url, page.links[1].url, page.links[2].url]
    assert list(page.links_beyond(set())) == page.links
