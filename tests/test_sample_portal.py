"""The bundled sample portal (SharePoint "portal/Pages" replica): pages, postback pagination,
request log, faults, command line, and a ground truth that a perfect crawl can reach."""
from __future__ import annotations

import re
import select
import signal
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from parsel import Selector

from sample_portal import Fault, SamplePortal, SamplePortalServer, ground_truth
from sample_portal.corpus import SEED_FILE
from sample_portal.sharepoint import today_clock
from tests.conftest import REPO_ROOT

GT_KEYS = {"url", "site", "title", "summary", "body_text", "authors", "category", "categories", "published_at",
           "published_date", "date_raw", "view_count", "views_raw"}
SHARED_SEED = REPO_ROOT.parent / "shared" / "seed-article.txt"
HIDDEN = re.compile(r'<input type="hidden" name="(__\w+)" id="\w+" value="([^"]*)">')


class Page:
    """A fetched page: status, headers, text, and a parsel selector over it."""

    def __init__(self, status: int, headers: dict[str, str], text: str) -> None:
        self.status, self.headers, self.text = status, headers, text
        self.sel = Selector(text=text)

    @property
    def hidden(self) -> dict[str, str]:
        return dict(HIDDEN.findall(self.text))

    @property
    def item_links(self) -> list[str]:
        return self.sel.css(".channel-news-title a::attr(href)").getall()

    def pager_arguments(self) -> list[str]:
        return re.findall(r"__doPostBack\('[^']+','([^']+)'\)", "".join(self.sel.css(".Paging a::attr(href)").getall()))


def fetch(url: str, data: dict[str, str] | None = None) -> Page:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Page(response.status, dict(response.headers), response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Page(error.code, dict(error.headers), error.read().decode("utf-8"))


def postback(page: Page, url: str, argument: str, **overrides: str) -> Page:
    """Post the page's form back as __doPostBack(pager, argument) would."""
    target = re.search(r"__doPostBack\('([^']+)'", page.text).group(1)
    form = {**page.hidden, "__EVENTTARGET": target, "__EVENTARGUMENT": argument,
            "ctl00$search$txtKeyword": "", **overrides}
    return fetch(url, form)


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePortalServer]:
    with SamplePortalServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def truth(server: SamplePortalServer) -> list[dict]:
    return ground_truth(server.url, server.portal)


def listing_url(server: SamplePortalServer, slug: str = "Tin-tuc-su-kien") -> str:
    return f"{server.portal_url}/portal/Pages/{slug}.aspx"


# ---------------------------------------------------------------- pages


def test_home_page_is_sharepoint(server: SamplePortalServer) -> None:
    page = fetch(server.portal_url + "/portal/Pages/default.aspx")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Server"] == "Microsoft-IIS/8.5"
    assert page.headers["X-Powered-By"] == "ASP.NET"
    assert page.headers["MicrosoftSharePointTeamServices"] == "15.0.0.4420"
    assert page.text.startswith("<!DOCTYPE html>") and '<html lang="vi"' in page.text
    assert page.sel.css('meta[name="GENERATOR"]::attr(content)').get() == "Microsoft SharePoint"
    assert page.sel.css("title::text").get() == "Trang chủ - CỔNG THÔNG TIN ĐIỆN TỬ THỊ XÃ HỒNG LĨNH"
    assert len(page.sel.css("form#aspnetForm")) == 1
    assert set(page.hidden) == {"__EVENTTARGET", "__EVENTARGUMENT", "__VIEWSTATE", "__VIEWSTATEGENERATOR",
                                "__EVENTVALIDATION"}
    assert len(page.sel.css("ul.menu-top a")) >= 40
    for category in server.portal.categories:
        assert page.sel.css(f'a[href="{category.path}"]')
    footer = " ".join(page.sel.css(".footer ::text").getall())
    assert "Cơ quan chủ quản: UBND thị xã Hồng Lĩnh" in footer and "Lượt truy cập: 1." in footer


def test_server_index_and_robots(server: SamplePortalServer) -> None:
    index = fetch(server.url + "/")
    assert index.status == 200 and index.sel.css('a[href="/honglinh/portal/Pages/default.aspx"]')
    robots = fetch(server.url + "/robots.txt")
    assert robots.status == 200 and robots.text == "User-agent: *\nAllow: /\n"
    # the bare mount redirects to the home page, like SharePoint
    assert fetch(server.portal_url + "/").sel.css("title::text").get().startswith("Trang chủ")


def test_unknown_paths_are_html_404(server: SamplePortalServer) -> None:
    for path in ("/nothing-here", "/honglinh/portal/Pages/Gioi-thieu.aspx",
                 "/honglinh/portal/pages/2018-10-10/No-such-article-1.aspx"):
        page = fetch(server.url + path)
        assert page.status == 404, path
        assert "text/html" in page.headers["Content-Type"] and "<html" in page.text


def test_listing_first_page(server: SamplePortalServer) -> None:
    page = fetch(listing_url(server))
    assert page.status == 200
    assert page.sel.css("h2.channel-title::text").get() == "Tin tức - Sự kiện"
    assert len(page.sel.css(".channel-news-item")) == 10
    assert all(href.startswith("/honglinh/portal/pages/") for href in page.item_links)
    assert page.sel.css(".channel-news-date::text").re(r"^\(\d{2}/\d{2}/\d{4}\)$")
    assert page.sel.css(".Paging span.current::text").get() == "1"
    assert page.pager_arguments() == ["Page$2", "Page$3", "Page$Next", "Page$Last"]
    assert "ctl00$m$g_6b9f4c2e$ctl00$pager" in page.text
    assert page.sel.css("form#aspnetForm::attr(action)").get() == "/honglinh/portal/Pages/Tin-tuc-su-kien.aspx"


def test_article_page(server: SamplePortalServer) -> None:
    seed = server.portal.seed_article
    before = today_clock()
    page = fetch(server.url + seed.path)
    after = today_clock()
    assert page.status == 200
    assert page.sel.css(".header-date::text").get() in {before, after}
    assert page.sel.css("h1.title-news::text").get() == "Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018"
    assert page.sel.css(".tandan-date-view::text").get() == "Cập nhật lúc: 14:55 - 10/10/2018\xa0\xa0\xa0Lượt xem: 162"
    assert page.sel.css(".breadcrumb a::text").getall() == ["Trang chủ", "Quốc phòng - An ninh"]
    assert page.sel.css(".summary-news strong::text").get().startswith("Chiều ngày 9/10,")
    assert page.sel.css('.tandan-content-view p[style*="right"] strong::text').get() == "Thanh Trúc\xa0"
    assert page.sel.css(".tandan-other-news .title::text").get() == "Tin cùng chuyên mục"
    related = page.sel.css(".tandan-other-news li")
    assert len(related) == 5 and seed.path not in page.sel.css(".tandan-other-news a::attr(href)").getall()
    assert page.sel.css(".tandan-print a::attr(href)").get() == f"/honglinh/portal/pages/print.aspx?p={seed.id}"
    assert page.sel.css("title::text").get() == seed.title + " - CỔNG THÔNG TIN ĐIỆN TỬ THỊ XÃ HỒNG LĨNH"
    assert set(page.hidden) >= {"__VIEWSTATE", "__EVENTVALIDATION"} and not page.sel.css(".Paging")


def test_article_paths_are_case_insensitive_but_exact(server: SamplePortalServer) -> None:
    seed = server.portal.seed_article
    assert fetch(server.url + seed.path.replace("/portal/pages/", "/Portal/Pages/").upper()).status == 200
    assert fetch(server.url + seed.path.replace("2018-10-10", "2018-10-09")).status == 404  # wrong date folder
    assert fetch(server.url + seed.path.replace("Cum-ATLC", "Cum-ATLX")).status == 404  # wrong slug


def test_print_view(server: SamplePortalServer) -> None:
    seed = server.portal.seed_article
    page = fetch(f"{server.portal_url}/portal/pages/print.aspx?p={seed.id}")
    assert page.status == 200 and page.sel.css("h1.print-title::text").get() == seed.title
    assert fetch(f"{server.portal_url}/portal/pages/print.aspx?p=1").status == 404


# ---------------------------------------------------------------- postback pagination


def test_postback_reaches_page_two(server: SamplePortalServer) -> None:
    url = listing_url(server)
    first = fetch(url)
    second = postback(first, url, "Page$2")
    assert second.status == 200
    assert len(second.item_links) == 10 and not set(second.item_links) & set(first.item_links)
    assert second.sel.css(".Paging span.current::text").get() == "2"
    assert second.pager_arguments() == ["Page$First", "Page$Prev", "Page$1", "Page$3", "Page$Next", "Page$Last"]
    third = postback(second, url, "Page$Next")
    assert third.sel.css(".Paging span.current::text").get() == "3"
    assert "Page$Next" not in third.pager_arguments() and "Page$Last" not in third.pager_arguments()
    assert len(third.item_links) == 6  # 26 articles in this listing


def test_walking_every_listing_finds_every_article(server: SamplePortalServer, truth: list[dict]) -> None:
    seen: set[str] = set()
    for category in server.portal.categories:
        url = server.url + category.path
        page, pages = fetch(url), 1
        links = list(page.item_links)
        while "Page$Next" in page.pager_arguments():
            page, pages = postback(page, url, "Page$Next"), pages + 1
            links += page.item_links
        assert pages == category.pages and len(links) == len(set(links)) == category.article_count
        seen |= {server.url + link for link in links}
    assert seen == {row["url"] for row in truth}


@pytest.mark.filterwarnings("ignore::scrapy.exceptions.ScrapyDeprecationWarning")  # from_response, in 2.19
def test_scrapy_form_request_postback(server: SamplePortalServer) -> None:
    """The crawler will post with Scrapy's FormRequest.from_response; the server must accept it."""
    from scrapy.http import FormRequest, HtmlResponse

    url = listing_url(server, "Kinh-te")
    first = fetch(url)
    response = HtmlResponse(url, body=first.text.encode("utf-8"), encoding="utf-8")
    target = server.portal.categories[1].pager_target
    request = FormRequest.from_response(response, formid="aspnetForm",
                                        formdata={"__EVENTTARGET": target, "__EVENTARGUMENT": "Page$2"})
    assert request.method == "POST" and request.url == url
    raw = urllib.request.Request(request.url, data=request.body, headers={
        "Content-Type": request.headers[b"Content-Type"].decode()})
    with urllib.request.urlopen(raw, timeout=10) as reply:
        html = reply.read().decode("utf-8")
    assert Selector(text=html).css(".Paging span.current::text").get() == "2"


def test_forged_or_missing_viewstate_is_500(server: SamplePortalServer) -> None:
    url = listing_url(server)
    first = fetch(url)
    forged = first.hidden["__VIEWSTATE"][:-8] + "AAAAAAA="
    page = postback(first, url, "Page$2", __VIEWSTATE=forged)
    assert page.status == 500 and "Validation of viewstate MAC failed" in page.text
    assert postback(first, url, "Page$2", __VIEWSTATE="").status == 500
    # a view state of another category does not validate here either
    assert postback(first, listing_url(server, "Kinh-te"), "Page$2").status == 500


def test_argument_outside_event_validation_is_500(server: SamplePortalServer) -> None:
    url = listing_url(server)
    first = fetch(url)
    for argument in ("Page$7", "Page$Prev", "Page$1", ""):
        page = postback(first, url, argument)
        assert page.status == 500, argument
        assert "Invalid postback or callback argument" in page.text
    assert postback(first, url, "Page$2", __EVENTVALIDATION="").status == 500
    assert postback(first, url, "Page$2", __EVENTTARGET="ctl00$m$g_1d7a3f90$ctl00$pager").status == 500


def test_guessed_page_urls_serve_page_one(server: SamplePortalServer) -> None:
    url = listing_url(server)
    first = fetch(url).item_links
    for query in ("?Page=2", "?page=2", "?p=2", "?PageIndex=2"):
        assert fetch(url + query).item_links == first, query


def test_request_log_records_postbacks(server: SamplePortalServer) -> None:
    url = listing_url(server, "Van-hoa-xa-hoi")
    first = fetch(url)
    server.requests.clear()
    postback(first, url, "Page$2")
    fetch(url + "?Page=2")
    post, get = server.requests[-2:]
    assert (post.method, post.query, post.status) == ("POST", "", 200)
    assert post.path == "/honglinh/portal/Pages/Van-hoa-xa-hoi.aspx"
    assert post.event_target == "ctl00$m$g_8e2c5b14$ctl00$pager" and post.event_argument == "Page$2"
    assert (get.method, get.query, get.event_argument) == ("GET", "Page=2", None)


def test_fault_injection(server: SamplePortalServer) -> None:
    seed_path = server.portal.seed_article.path
    server.faults[seed_path] = 500
    try:
        assert fetch(server.url + seed_path).status == 500
    finally:
        del server.faults[seed_path]
    server.faults[seed_path] = Fault(delay=0.3, times=1)
    started = time.monotonic()
    assert fetch(server.url + seed_path).status == 200
    assert time.monotonic() - started >= 0.3
    assert seed_path not in server.faults  # used up


# ---------------------------------------------------------------- ground truth


def test_ground_truth_shape(truth: list[dict], server: SamplePortalServer) -> None:
    assert len(truth) >= 66 and len({row["url"] for row in truth}) == len(truth)
    assert all(set(row) == GT_KEYS for row in truth)
    prefix = server.url + "/honglinh/portal/pages/"
    assert all(row["site"] == "sample" and row["url"].startswith(prefix) for row in truth)
    assert all(unicodedata.is_normalized("NFC", row["body_text"]) and "  " not in row["body_text"] for row in truth)
    assert ground_truth(server.url + "/honglinh/") == truth  # the base may include the mount
    assert SamplePortal().ground_truth("http://x") == SamplePortal().ground_truth("http://x")  # deterministic


def test_categories_and_pages(server: SamplePortalServer) -> None:
    categories = server.portal.categories
    assert len(categories) >= 4
    assert all(c.pages >= 2 for c in categories) and max(c.pages for c in categories) >= 3
    assert server.portal.listing_pages() == {c.slug: c.pages for c in categories}
    assert [c.path for c in categories][:4] == [f"/honglinh/portal/Pages/{s}.aspx" for s in
                                                ("Tin-tuc-su-kien", "Kinh-te", "Van-hoa-xa-hoi", "Quoc-phong-an-ninh")]


def test_seed_article_ground_truth(truth: list[dict]) -> None:
    [seed] = [row for row in truth if row["title"] == "Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018"]
    slug = "Cum-ATLC-SSCD-phia-bac-thi-xa-so-ket-9-thang-dau-nam-2018"
    assert re.search(rf"/honglinh/portal/pages/2018-10-10/{slug}-\d+\.aspx$", seed["url"])
    assert seed["body_text"].startswith("Chiều ngày 9/10, Cụm ATLC-SSCĐ phía Bắc thị xã đã tổ chức hội nghị giao ban")
    assert seed["body_text"].endswith("thống nhất phương hướng, nhiệm vụ trọng tâm 3 tháng cuối năm 2018./.")
    assert seed["body_text"].count("\n\n") == 3
    assert seed["summary"].startswith("Chiều ngày 9/10,") and seed["summary"].endswith("3 tháng cuối năm 2018.")
    assert seed["published_at"] == "2018-10-10T14:55:00+07:00" and seed["published_date"] == "2018-10-10"
    assert seed["view_count"] == 162 and seed["authors"] == ["Thanh Trúc"]
    assert seed["date_raw"] == seed["views_raw"] == "Cập nhật lúc: 14:55 - 10/10/2018 Lượt xem: 162"
    assert seed["category"] == "Quốc phòng - An ninh"


def test_ground_truth_variety(truth: list[dict]) -> None:
    def some(predicate) -> bool:
        return any(predicate(row) for row in truth)

    assert some(lambda r: r["view_count"] is None and r["views_raw"] is None and "Lượt xem" not in r["date_raw"])
    assert some(lambda r: r["view_count"] >= 1000 and re.search(r"Lượt xem: \d{1,3}\.\d{3}$", r["views_raw"])
                if r["view_count"] else False)
    assert some(lambda r: re.fullmatch(r"Cập nhật lúc: \d{2}/\d{2}/\d{4}( .*)?", r["date_raw"])
                and r["published_at"] == r["published_date"])
    assert some(lambda r: re.match(r"Cập nhật lúc: \d:\d\d - \d/\d/\d{4}", r["date_raw"]))
    assert some(lambda r: r["summary"] is None)
    assert some(lambda r: r["authors"] == [] and r["body_text"].endswith("./."))
    assert some(lambda r: len(r["categories"]) == 2 and r["category"] == r["categories"][0])
    assert some(lambda r: re.search(r"\d+/\d+/\d{4}", r["title"]))  # a date inside a title
    authors = [r["authors"] for r in truth]
    for expected in (["Hữu Bình", "Thanh Trúc"], ["Minh Đức", "Hoàng Long"], ["Lê Quang"], ["Phan Tuấn"],
                     ["Nguyễn Văn Hùng"], ["Trần Minh"]):
        assert expected in authors
    years = {r["published_date"][:4] for r in truth}
    assert min(years) == "2016" and max(years) == "2024"


def _render_like_a_perfect_crawler(page: Page) -> dict:
    """Read an article page the way the crawler's profile should (a check of the ground truth)."""
    clean = lambda texts: " ".join(unicodedata.normalize("NFC", " ".join(texts)).split())  # noqa: E731
    blocks = page.sel.css(".tandan-content-view > *")
    if blocks and blocks[-1].css('[style*="right"] strong'):
        byline, blocks = clean(blocks[-1].css("::text").getall()), blocks[:-1]
    else:
        byline = None
    summary = clean(page.sel.css(".summary-news ::text").getall()) or None
    paragraphs = [summary] + [clean(b.css("::text").getall()) for b in blocks]
    return {
        "title": clean(page.sel.css("h1.title-news::text").getall()),
        "summary": summary,
        "body_text": "\n\n".join(p for p in paragraphs if p),
        "date_raw": clean(page.sel.css(".tandan-date-view ::text").getall()),
        "category": page.sel.css(".breadcrumb a::text").getall()[-1],
        "byline": byline,
    }


def test_ground_truth_matches_rendered_pages(server: SamplePortalServer, truth: list[dict]) -> None:
    for row in truth:
        page = fetch(row["url"])
        assert page.status == 200, row["url"]
        got = _render_like_a_perfect_crawler(page)
        for key in ("title", "summary", "body_text", "date_raw", "category"):
            assert got[key] == row[key], (row["url"], key)
        article = server.portal.find(int(re.search(r"-(\d+)\.aspx$", row["url"]).group(1)))
        assert got["byline"] == (" ".join(article.byline.split()) if article.byline else None)


# ---------------------------------------------------------------- incremental and large portals


def test_publish_adds_newer_articles_on_top() -> None:
    portal = SamplePortal()
    before = portal.ground_truth("http://h")
    made = portal.publish(2)
    after = portal.ground_truth("http://h")
    assert len(after) == len(before) + 2
    assert {r["url"] for r in after} - {r["url"] for r in before} == {"http://h" + a.path for a in made}
    latest = max(r["published_at"] for r in before)
    assert all(a.published.isoformat() > latest for a in made)
    with SamplePortalServer(portal) as srv:
        for article in made:
            top = fetch(srv.url + article.category.path).item_links[0]
            assert top == article.path
            assert fetch(srv.url + article.path).status == 200


def test_extra_articles_are_generated_lazily() -> None:
    started = time.monotonic()
    portal = SamplePortal(extra_articles=5000)
    assert time.monotonic() - started < 10
    assert portal.article_count == SamplePortal().article_count + 5000
    assert sum(c.article_count for c in portal.categories) >= 5000
    with SamplePortalServer(portal) as srv:
        category = portal.categories[0]
        url = srv.url + category.path
        first = fetch(url)
        assert len(first.item_links) == 10 and category.pages > 100
        last = postback(first, url, "Page$Last")
        assert last.sel.css(".Paging span.current::text").get() == str(category.pages)
        assert last.pager_arguments()[:2] == ["Page$First", "Page$Prev"]
        for link in first.item_links[:3] + last.item_links[:3]:
            assert fetch(srv.url + link).status == 200
    truth = portal.ground_truth("http://h")
    assert len(truth) == portal.article_count and len({r["url"] for r in truth}) == len(truth)


# ---------------------------------------------------------------- command line and files


def test_refuses_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        SamplePortalServer(host="0.0.0.0")
    result = subprocess.run([sys.executable, "-m", "sample_portal", "--host", "0.0.0.0", "--port", "0"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "loopback" in result.stderr


def test_command_line_serves_until_terminated() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sample_portal", "--port", "0"], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no URL line within 30 s"
        line = proc.stdout.readline()
        match = re.fullmatch(r"Sample portals at (http://127\.0\.0\.1:(\d+)/)\n", line)
        assert match and match.group(2) != "0", line
        page = fetch(match.group(1) + "honglinh/portal/Pages/Kinh-te.aspx")
        assert page.status == 200 and len(page.item_links) == 10
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_seed_copy_matches_shared_file() -> None:
    if not SHARED_SEED.exists():
        pytest.skip(f"{SHARED_SEED} is not present in this checkout")
    assert SEED_FILE.read_bytes() == SHARED_SEED.read_bytes()


def test_today_clock_has_vietnamese_weekday() -> None:
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    assert today_clock(saturday) == "Thứ bảy, 28/11/2026"
    assert today_clock(saturday + timedelta(days=1)) == "Chủ nhật, 29/11/2026"


# ---------------------------------------------------------------- the commune portals (families 5 and 6)

from sample_portal import SAMPLE_SITES, ground_truth_for, hatinh_new, nukeviet  # noqa: E402  # noqa: E402
from sample_portal.markup import encode_cp1258  # noqa: E402

COMMUNE_SLUGS = ("sample-hatinh", "sample-nukeviet")


def fetch_raw(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body bytes, without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def nv_fetch(url: str) -> Page:
    """A NukeViet page: windows-1258 bytes, decoded as the <meta> tag says, then NFC."""
    status, headers, body = fetch_raw(url)
    return Page(status, headers, unicodedata.normalize("NFC", body.decode("cp1258")))


def text_of(sel: Selector, css: str | None = None) -> str:
    """The cleaned text of the first element `css` matches (of `sel` itself without `css`)."""
    found = sel.css(css) if css else [sel]
    texts = found[0].xpath(".//text()").getall() if found else []
    return " ".join(unicodedata.normalize("NFC", "".join(texts)).split())


def test_index_lists_every_sample_portal(server: SamplePortalServer) -> None:
    index = fetch(server.url + "/")
    for href in ("/honglinh/portal/Pages/default.aspx", "/namhonglinh/vi", "/minhduc/vi/"):
        assert index.sel.css(f'a[href="{href}"]'), href
    assert set(SAMPLE_SITES) == {"sample", "sample-hatinh", "sample-nukeviet"}
    assert fetch(server.url + "/namhonglinh/vi").status == 200
    assert nv_fetch(server.url + "/minhduc/vi/").status == 200


def test_hatinh_listing_pages_link_to_each_other(server: SamplePortalServer) -> None:
    url = server.url + "/namhonglinh/vi/chuyen-muc/tin-tuc---su-kien"
    first = fetch(url)
    assert first.status == 200 and first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert first.sel.css("span.date-time::text").get() == today_clock()  # the header clock trap
    assert len(first.sel.css(".list-post > .post-show")) == 1 and len(first.sel.css(".list-post > .post-item")) == 4
    assert first.sel.css(".list-post .post-item p.content") and first.sel.css(".list-post span.info-post-times")
    links = first.sel.css(".list-post h4 a::attr(href)").getall()
    assert len(links) == 5 and all(re.fullmatch(r"/namhonglinh/vi/bai-viet/[a-z0-9-]+", h) for h in links)
    assert all(src.startswith("/namhonglinh/Others/") for src in first.sel.css(".list-post img::attr(src)").getall())
    pager = [(a.css("::text").get(), a.attrib["href"]) for a in first.sel.css(".pagination a")]
    path = "/namhonglinh/vi/chuyen-muc/tin-tuc---su-kien"
    assert pager == [("2", path + "?page=2"), ("3", path + "?page=3"), ("›", path + "?page=2"), ("»", path + "?page=3")]
    last = fetch(url + "?page=3")
    assert not last.sel.css(".list-post > .post-show") and last.sel.css(".pagination .active span::text").get() == "3"
    assert "›" not in last.sel.css(".pagination a::text").getall()
    beyond = fetch(url + "?page=9")
    assert beyond.status == 200 and not beyond.sel.css(".list-post h4") and beyond.sel.css(".no-data")


def test_hatinh_article_page(server: SamplePortalServer) -> None:
    post = next(p for p in server.hatinh.portal.posts() if p.title.startswith("Phường Nam Hồng Lĩnh chính thức"))
    page = fetch(server.url + hatinh_new.post_path(post))
    assert page.status == 200
    assert page.sel.css(".detail-post h1.title-detail::text").get() == post.title
    assert text_of(page.sel, ".detail-post .info-post-times") == "01/07/2025 08:30"
    assert text_of(page.sel, ".detail-post .info-post-views") == "Lượt xem: 2.517"
    assert page.sel.css(".breadcrumb li a::text").getall() == ["Trang chủ", "Tin tức - Sự kiện"]
    assert text_of(page.sel, '.content-detail p[style*="right"]') == "Tin, ảnh: Hồng Nhung - Quang Vinh"
    assert page.sel.css(".related-post .title-related::text").get() == "Tin cùng chuyên mục"
    assert len(page.sel.css(".related-post .post-item")) == 5
    assert len(page.sel.css(".main-menu a")) >= 30 and "Lượt truy cập:" in text_of(page.sel, ".footer")
    image = page.sel.css(".content-detail img::attr(src)").get()
    assert image.startswith("/namhonglinh/Others/2025/07/") and fetch_raw(server.url + image)[0] == 200


def test_hatinh_unknown_paths(server: SamplePortalServer) -> None:
    for path in ("/namhonglinh/vi/bai-viet/khong-co-bai-nay", "/namhonglinh/vi/chuyen-muc/thong-bao",
                 "/namhonglinh/vi/trang/gioi-thieu"):
        assert fetch(server.url + path).status == 404, path
    status, headers, _ = fetch_raw(server.url + "/namhonglinh/")
    assert status == 302 and headers["Location"] == "/namhonglinh/vi"


def test_hatinh_decomposed_posts(server: SamplePortalServer) -> None:
    """One post in six is stored in NFD; the ground truth (and so the archive) is NFC."""
    posts = [p for p in server.hatinh.portal.posts() if p.decomposed]
    assert 5 <= len(posts) <= 10
    raw = fetch(server.url + hatinh_new.post_path(posts[0])).text
    assert unicodedata.normalize("NFD", posts[0].title) in raw and posts[0].title not in raw
    truth = {r["url"]: r for r in ground_truth_for("sample-hatinh", server.url)}
    row = truth[server.url + hatinh_new.post_path(posts[0])]
    assert row["title"] == posts[0].title and unicodedata.is_normalized("NFC", row["body_text"])


def test_nukeviet_serves_windows_1258_declared_only_in_meta(server: SamplePortalServer) -> None:
    status, headers, body = fetch_raw(server.url + "/minhduc/vi/news/tin-tuc-su-kien/")
    assert status == 200 and headers["Content-Type"] == "text/html" and headers["X-Powered-By"].startswith("PHP/")
    assert body.startswith(b'<!DOCTYPE html>\n<html lang="vi"')
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">' in body[:200]
    text = body.decode("cp1258")
    assert "ư\u0300" in text or "ê\u0301" in text  # tone marks as combining characters
    assert unicodedata.normalize("NFC", text).count("Tin tức - Sự kiện") >= 2


def test_encode_cp1258_keeps_every_corpus_text() -> None:
    for site in (nukeviet.NukeVietSite(), hatinh_new.HaTinhSite()):
        for post in site.portal.posts():
            for text in (post.title, post.content.sapo or "", *post.content.text_blocks, post.content.byline or ""):
                raw = encode_cp1258(text)
                assert unicodedata.normalize("NFC", raw.decode("cp1258")) == unicodedata.normalize("NFC", text)
    assert encode_cp1258("Thứ hai") == b"Th\xfd\xec hai"


def test_nukeviet_listing_pages_and_pager(server: SamplePortalServer) -> None:
    base = server.url + "/minhduc/vi/news/tin-tuc-su-kien/"
    first = nv_fetch(base)
    links = first.sel.css(".news_column .panel-body > h3 a::attr(href)").getall()
    assert len(links) == 5 and all(re.fullmatch(r"/minhduc/vi/news/[a-z-]+/[a-z0-9-]+-\d+\.html", h) for h in links)
    assert re.fullmatch(r"Thứ (hai|ba|tư|năm|sáu|bảy) - \d\d/\d\d/\d{4} \d\d:\d\d|Chủ nhật - .*",
                        first.sel.css(".current-time::text").get())  # the header clock, in the date line's format
    pager = [(a.css("::text").get(), a.attrib["href"]) for a in first.sel.css(".pagination a")]
    assert pager == [("«", "#"), ("1", "#"), ("2", "/minhduc/vi/news/tin-tuc-su-kien/page-2"),
                     ("3", "/minhduc/vi/news/tin-tuc-su-kien/page-3"), ("»", "/minhduc/vi/news/tin-tuc-su-kien/page-2")]
    last = nv_fetch(base + "page-3")
    assert last.sel.css(".pagination li.disabled a::text").getall() == ["»"]
    assert nv_fetch(base + "page-4").status == 404
    status, headers, _ = fetch_raw(base.rstrip("/"))
    assert status == 301 and headers["Location"] == "/minhduc/vi/news/tin-tuc-su-kien/"


def test_nukeviet_article_page(server: SamplePortalServer) -> None:
    post = next(p for p in server.nukeviet.portal.posts() if p.published.isoformat() == "2025-07-28T11:07:31+07:00")
    path = nukeviet.post_path(post)
    assert re.fullmatch(r"/minhduc/vi/news/tin-tuc-su-kien/xa-minh-duc-danh-gia-[a-z0-9-]+-\d+\.html", path)
    page = nv_fetch(server.url + path)
    assert page.status == 200
    assert page.sel.css('[itemprop="datePublished"]::attr(content)').get() == "2025-07-28T11:07:31+07:00"
    assert page.sel.css(".news_column span.h5::text").get() == "Thứ hai - 28/07/2025 11:07"
    assert text_of(page.sel, ".news_column .hitstotal") == "Lượt xem: 58"
    assert [text_of(page.sel, p) for p in (".news_column p.h5:nth-child(1)", ".news_column p.h5:nth-child(2)")] == [
        "Tác giả: Minh Tâm", "Nguồn tin: UBND xã Minh Đức"]
    assert "Minh Tâm" not in text_of(page.sel, "#news-bodyhtml")
    assert text_of(page.sel, ".comment-title") == "Ý kiến bạn đọc"
    # the oldest post of its category: nothing older to list
    assert page.sel.css(".other-news p.h3 strong::text").getall() == ["Những tin mới hơn"]
    middle = server.nukeviet.portal.listing("tin-tuc-su-kien", 2)[0]
    related = nv_fetch(server.url + nukeviet.post_path(middle)).sel
    assert related.css(".other-news p.h3 strong::text").getall() == ["Những tin mới hơn", "Những tin cũ hơn"]
    assert re.fullmatch(r"\(\d\d/\d\d/\d{4}\)", related.css(".other-news li h4 em::text").get())
    assert page.sel.css(".temp-breadcrumbs [itemprop=name]::text").getall() == ["Trang nhất", "Tin Tức", "Tin tức - Sự kiện"]
    # another category or an old alias: NukeViet redirects to the canonical URL
    status, headers, _ = fetch_raw(server.url + path.replace("/tin-tuc-su-kien/", "/chinh-quyen/"))
    assert status == 301 and headers["Location"] == path
    assert nv_fetch(server.url + "/minhduc/vi/news/tin-tuc-su-kien/khong-co-1.html").status == 404


@pytest.mark.parametrize("slug", COMMUNE_SLUGS)
def test_commune_ground_truth_shape(slug: str, server: SamplePortalServer) -> None:
    truth = ground_truth_for(slug, server.url)
    site = server.hatinh if slug == "sample-hatinh" else server.nukeviet
    assert len(truth) >= 40 and len({r["url"] for r in truth}) == len(truth)
    assert all(set(r) == GT_KEYS and r["site"] == slug for r in truth)
    assert all(r["url"].startswith(server.url + site.mount + "/vi/") for r in truth)
    assert all(unicodedata.is_normalized("NFC", r["body_text"]) and "  " not in r["body_text"] for r in truth)
    assert ground_truth_for(slug, server.mount_url(site.mount) + "/") == truth
    assert ground_truth_for(slug, "http://x") == ground_truth_for(slug, "http://x")  # deterministic
    sections = site.portal.sections
    assert len(sections) >= 3 and all(site.portal.pages(s.slug) >= 2 for s in sections)
    assert {r["category"] for r in truth} == {s.name for s in sections}
    some = lambda predicate: any(predicate(r) for r in truth)  # noqa: E731
    assert some(lambda r: r["view_count"] is None and r["views_raw"] is None)
    assert some(lambda r: (r["view_count"] or 0) >= 1000 and re.fullmatch(r"Lượt xem: \d{1,3}\.\d{3}", r["views_raw"]))
    assert some(lambda r: r["summary"] is None) and some(lambda r: len(r["categories"]) == 2)
    assert some(lambda r: r["authors"] == []) and some(lambda r: len(r["authors"]) == 2)
    assert some(lambda r: re.search(r"\d+/\d+/\d{4}", r["title"]))  # a date inside a title
    today = datetime.now(timezone(timedelta(hours=7))).date().isoformat()
    assert all(r["published_date"] < today for r in truth)


def test_commune_ground_truth_dates() -> None:
    hatinh = ground_truth_for("sample-hatinh", "http://h")
    assert {len(r["published_at"]) for r in hatinh} == {10, 25}  # migrated posts: a day only
    assert all(r["date_raw"].endswith(" 00:00") for r in hatinh if len(r["published_at"]) == 10)
    nv = ground_truth_for("sample-nukeviet", "http://h")
    assert all(r["date_raw"] == r["published_at"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", r["date_raw"])
               for r in nv)


def _read_commune_page(slug: str, page: Page) -> dict:
    """Read an article page the way a perfect reader would (a check of the ground truth, not of the crawler)."""
    if slug == "sample-hatinh":
        body, byline_css = ".content-detail > *", '[style*="right"]'
        title, sapo, date = ".title-detail", ".sapo-detail", ".detail-post .info-post-times"
        views, category = ".detail-post .info-post-views", ".breadcrumb li:last-child a"
    else:
        body, byline_css = "#news-bodyhtml > *", '[style*="right"]'
        title, sapo, date = "h1[itemprop=headline]", ".hometext", None
        views, category = ".hitstotal", ".temp-breadcrumbs li:last-child [itemprop=name]"
    blocks = page.sel.css(body)
    byline = None
    if blocks and blocks[-1].css(byline_css):
        byline, blocks = text_of(blocks[-1]), blocks[:-1]
    summary = text_of(page.sel, sapo) or None
    paragraphs = [summary] + [text_of(b) for b in blocks]
    return {
        "title": text_of(page.sel, title), "summary": summary,
        "body_text": "\n\n".join(p for p in paragraphs if p),
        "date_raw": text_of(page.sel, date) if date else page.sel.css("[itemprop=datePublished]::attr(content)").get(),
        "views_raw": text_of(page.sel, views) or None, "category": text_of(page.sel, category), "byline": byline,
    }


@pytest.mark.parametrize("slug", COMMUNE_SLUGS)
def test_commune_ground_truth_matches_rendered_pages(slug: str, server: SamplePortalServer) -> None:
    for row in ground_truth_for(slug, server.url):
        page = nv_fetch(row["url"]) if slug == "sample-nukeviet" else fetch(row["url"])
        assert page.status == 200, row["url"]
        got = _read_commune_page(slug, page)
        for key in ("title", "summary", "body_text", "date_raw", "views_raw", "category"):
            assert got[key] == row[key], (row["url"], key)
