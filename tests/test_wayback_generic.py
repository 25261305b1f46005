"""Recovering a vanished portal nobody wrote a profile for from the Wayback Machine:
`scrapy crawl portal -a start_url=URL -a source=wayback` against a local stand-in for the archive
(`tests.test_wayback.FakeWayback`) that holds only captures of a portal family the project has
never seen, and `scrapy wayback-survey`.

The family (`SongLamPortal`): a district portal on a classic-ASP platform of the late 2000s,
served in windows-1258 with decomposed tone marks (declared in the HTTP header and in <meta>),
table layout, relative links, ``default.asp?act=list&cm=N&trang=P`` listings and
``chitiet.asp?cm=N&id=K`` articles, the metadata line ``Ngày đăng: 14/03/2011 08:15 | Số lần
xem: 1234``, the byline in bold italics at the end, a "Các tin khác" list, a header clock of the
capture's day and a site-wide visit counter. The archive holds two captures of every article
(different view counts; some under ``www.`` and ``:80``, query parameters in another order), one
article captured rendered only (toolbar, playback scripts, rewritten links), a truncated newest
capture, a listed capture that redirects to its neighbour, an identical capture collapsed by
digest, listing pages captured twice, the home page seven times (as ``/`` and
``/default.asp``), a contact page, the portal's own "news not found" page (status 200), a 404
capture, a capture the archive lost, print pages, images and robots.txt. The portal itself is
never contacted: its host does not resolve.
"""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import PAGE_READER
from crawler.generic.profile import generic_slug
from crawler.pages.archived import capture_parts, has_wayback_trace, original_url, unwayback, unwayback_bytes
from crawler.spiders.wayback import capture_time, host_cdx_query
from pipelines.identity import article_key
from pipelines.normalize import VN_TZ
from sample_portal.demo import LOCAL_ONLY_SETTINGS
from tests.conftest import REPO_ROOT
from tests.conftest import rows as query
from tests.generic_sites.base import Story, clean, corpus_articles, encode_cp1258, esc
from tests.test_wayback import FakeWayback

HOST = "songlam.nghean.gov.vn"  # a district that never was: nothing answers there
ORIGIN = f"http://{HOST}"
SLUG = generic_slug(ORIGIN)
CHARSET = "windows-1258"
CONTENT_TYPE = f"text/html; charset={CHARSET}"
ARTICLES = 40
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
FLOORS = {"found": 0.95, "title": 0.95, "published_at": 0.95, "view_count": 0.95, "authors": 0.85}


@dataclass(frozen=True)
class Category:
    id: int
    name: str


CATEGORIES = (Category(1, "Tin tức - Sự kiện"), Category(2, "Kinh tế - Xã hội"), Category(3, "Văn hóa - Thể thao"))


class SongLamPortal:
    """The pages of the portal, as the archive captured them (text; encoded by `encode`)."""

    per_page = 10

    def __init__(self) -> None:
        picked = corpus_articles()[1::3][:ARTICLES]
        self.stories = [Story(2000 + 13 * (len(picked) - i), CATEGORIES[i % 3], a) for i, a in enumerate(picked)]

    # -- addresses (relative, as the platform writes them)

    @staticmethod
    def article_path(story: Story, swapped: bool = False) -> str:
        cm, key = story.category.id, story.key
        return f"/chitiet.asp?id={key}&cm={cm}" if swapped else f"/chitiet.asp?cm={cm}&id={key}"

    @staticmethod
    def listing_path(category: Category, page: int = 1) -> str:
        return f"/default.asp?act=list&cm={category.id}" + (f"&trang={page}" if page > 1 else "")

    def listing(self, category: Category) -> list[Story]:
        return [s for s in self.stories if s.category == category]

    # -- pages

    def layout(self, title: str, main: str, day: datetime, visits: int) -> str:
        menu = " | ".join(f'<a href="{esc(self.listing_path(c)[1:])}" class="menutop">{esc(c.name)}</a>'
                          for c in CATEGORIES)
        clock = f"{WEEKDAYS[day.weekday()]}, ngày {day:%d/%m/%Y}"
        newest = "".join(f'<tr><td class="tinmoi">&#8226; <a href="{esc(self.article_path(s)[1:])}">{esc(s.title)}</a>'
                         f"</td></tr>" for s in self.stories[:6])
        return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">
<title>{esc(title)} :: Cổng thông tin điện tử huyện Sông Lam</title>
<link rel="stylesheet" href="css/style.css" type="text/css">
<script language="javascript" src="js/menu.js"></script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">
<table width="990" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="2" background="images/top_bg.jpg" height="150"><img src="images/logo.gif" alt="">
<span class="ngayhientai">{clock}</span></td></tr>
<tr><td colspan="2" class="thanhmenu"><a href="default.asp" class="menutop">Trang chủ</a> | {menu} |
<a href="lienhe.asp" class="menutop">Liên hệ</a> | <a href="timkiem.asp" class="menutop">Tìm kiếm</a></td></tr>
<tr><td width="230" valign="top" class="cottrai">
<table width="100%" class="hop"><tr><td class="tieudehop">TIN MỚI NHẤT</td></tr>{newest}</table>
<table width="100%" class="hop"><tr><td class="tieudehop">LIÊN KẾT WEBSITE</td></tr>
<tr><td><select onchange="window.open(this.value)"><option>-- Chọn liên kết --</option>
<option value="http://www.nghean.gov.vn">Cổng TTĐT tỉnh Nghệ An</option></select></td></tr></table>
<table width="100%" class="hop"><tr><td class="tieudehop">THĂM DÒ Ý KIẾN</td></tr>
<tr><td>Bạn thấy giao diện mới thế nào?<br><input type="radio" name="bc"> Đẹp<br>
<input type="radio" name="bc"> Bình thường<br><input type="button" value="Biểu quyết"></td></tr></table>
</td>
<td width="760" valign="top" class="cotgiua">
{main}
</td></tr>
<tr><td colspan="2" class="chantrang" align="center">CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN SÔNG LAM<br>
Cơ quan chủ quản: UBND huyện Sông Lam - Địa chỉ: Khối 3, thị trấn Sông Lam<br>
Điện thoại: 038.3871.234 - Fax: 038.3871.235<br>Số lượt truy cập: {visits:,}</td></tr>
</table>
</body>
</html>
"""

    def article_main(self, story: Story, views: int | None) -> str:
        a = story.article
        meta = f"Ngày đăng: {story.published:%d/%m/%Y %H:%M}"
        if views is not None:
            meta += f" | Số lần xem: {views}"
        lead = f'<tr><td class="tomtat"><b>{esc(a.sapo)}</b></td></tr>' if a.sapo else ""
        text = "\n".join(_block(b.kind, b.text) for b in a.blocks)
        byline = f'<p align="right"><b><i>{esc(a.byline)}</i></b></p>' if a.byline else ""
        others = "".join(f'<li><a href="{esc(self.article_path(s)[1:])}">{esc(s.title)}</a> '
                         f'<font color="#999999">({s.short_date})</font></li>'
                         for s in [s for s in self.listing(story.category) if s is not story][:6])
        return f"""<table width="100%" cellpadding="4" cellspacing="0">
<tr><td class="duongdan"><a href="default.asp">Trang chủ</a> &raquo;
<a href="{esc(self.listing_path(story.category)[1:])}">{esc(story.category.name)}</a></td></tr>
<tr><td class="tieudetin">{esc(story.title)}</td></tr>
<tr><td class="ngaydang">{meta}</td></tr>
{lead}
<tr><td class="noidung">
{text}
{byline}
</td></tr>
<tr><td align="right" class="congcu"><a href="inbai.asp?id={story.key}" target="_blank">In bài viết</a> |
<a href="javascript:history.back()">Quay lại</a></td></tr>
</table>
<table width="100%" class="tinkhac"><tr><td><b>Các tin khác:</b><ul>{others}</ul></td></tr></table>"""

    def listing_main(self, category: Category, page: int) -> str:
        stories = self.listing(category)
        pages = max(1, -(-len(stories) // self.per_page))
        rows = "".join(
            f'<tr><td width="110" valign="top"><img src="upload/tin/{s.key}.jpg" width="100"></td><td valign="top">'
            f'<a href="{esc(self.article_path(s)[1:])}" class="tieudetinmoi">{esc(s.title)}</a>'
            f' <font color="#999999">({s.short_date})</font><br>{esc(s.paragraphs[0][:180])}...</td></tr>'
            for s in stories[(page - 1) * self.per_page:page * self.per_page])
        links = " ".join(f"<b>[{n}]</b>" if n == page
                         else f'<a href="{esc(self.listing_path(category, n)[1:])}">{n}</a>'
                         for n in range(1, pages + 1))
        return (f'<table width="100%"><tr><td colspan="2" class="tieudemuc">{esc(category.name.upper())}</td></tr>'
                f'{rows}<tr><td colspan="2" align="center">Trang: {links}</td></tr></table>')

    def home_main(self) -> str:
        blocks = []
        for category in CATEGORIES:
            items = "".join(f'<li><a href="{esc(self.article_path(s)[1:])}">{esc(s.title)}</a></li>'
                            for s in self.listing(category)[:5])
            blocks.append(f'<table width="100%" class="hop"><tr><td class="tieudemuc">{esc(category.name)}</td></tr>'
                          f"<tr><td><ul>{items}</ul></td></tr></table>")
        return "\n".join(blocks)

    @staticmethod
    def contact_main() -> str:
        return ("<p><b>UBND HUYỆN SÔNG LAM</b></p><p>Địa chỉ: Khối 3, thị trấn Sông Lam, tỉnh Nghệ An.</p>"
                "<p>Điện thoại: 038.3871.234 - Email: ubnd@songlam.nghean.gov.vn</p>"
                '<form action="lienhe.asp" method="post">Họ tên: <input name="ten"><br>Nội dung: '
                '<textarea name="nd"></textarea><br><input type="submit" value="Gửi"></form>')

    @staticmethod
    def missing_main() -> str:
        return '<p class="thongbao">Tin không tồn tại hoặc đã bị xóa. <a href="default.asp">Về trang chủ</a></p>'

    # -- ground truth

    def truth(self) -> list[dict]:
        return [{"key": article_key(SLUG, ORIGIN + self.article_path(s)), "url": ORIGIN + self.article_path(s),
                 "title": clean(s.title), "published_at": s.published.isoformat(timespec="seconds"),
                 "view_count": s.article.views, "authors": list(s.article.authors)} for s in self.stories]


def _block(kind: str, text: str) -> str:
    if kind == "spacer":
        return "<p>&nbsp;</p>"
    if kind == "figure":
        return (f'<table align="center"><tr><td><img src="upload/anh/hinh.jpg" width="400"></td></tr>'
                f'<tr><td align="center"><i>{esc(text)}</i></td></tr></table>')
    if kind == "div":
        return f"<div>{esc(text)}</div>"
    if kind == "plain":
        return f"{esc(text)}<br><br>"
    return f'<p align="justify">{esc(text)}</p>'


def encode(page: str) -> bytes:
    return encode_cp1258(page)


# --- the rendered form of a capture (what /web/<ts>/<url> serves) ---------------------------------


def render(archive: str, timestamp: str, url: str, body: bytes) -> bytes:
    """A rendered capture as the Wayback serves it: its playback scripts in the head, the toolbar
    after <body>, every link rewritten into the archive, its notices after </html>."""
    text = body.decode("latin-1")
    when = datetime.strptime(timestamp, "%Y%m%d%H%M%S")
    head = (f'<script src="//archive.org/includes/analytics.js?v=cf34f82" type="text/javascript"></script>\n'
            f'<script type="text/javascript">window.addEventListener(\'DOMContentLoaded\',function(){{'
            f"var v=archive_analytics.values;v.service='wb';v.server_name='wwwb-app201.us.archive.org';"
            f"archive_analytics.send_pageview({{}});}});"
            f"</script>\n"
            f'<script type="text/javascript" src="/_static/js/bundle-playback.js?v=1B2M2Y8A" charset="utf-8">'
            f"</script>\n"
            f'<script type="text/javascript" src="/_static/js/wombat.js?v=txqj7nKC" charset="utf-8"></script>\n'
            f'<script type="text/javascript">\n  __wm.init("{archive}/web");\n  __wm.wombat("{url}","{timestamp}",'
            f'"{archive}/","web","/_static/", "1300000000");\n</script>\n'
            f'<link rel="stylesheet" type="text/css" href="/_static/css/banner-styles.css?v=S1zqJCYt" />\n'
            f'<link rel="stylesheet" type="text/css" href="/_static/css/iconochive.css?v=3PDvdIFv" />\n'
            f"<!-- End Wayback Rewrite JS Include -->\n")
    toolbar = (f'<!-- BEGIN WAYBACK TOOLBAR INSERT -->\n<div id="wm-ipp-base" lang="en" style="display:none;">'
               f'<div id="wm-ipp"><table><tr><td><a href="/web/">Wayback Machine</a></td><td>'
               f'<form action="/web/submit"><input name="url" value="{url}"></form>'
               f'<a href="/web/{timestamp}*/{url}">12 captures</a><br>{when:%d %b %Y} - {when:%d %b %Y}'
               f"</td><td>{when:%H:%M:%S %b %d, %Y}</td></tr></table></div></div>\n"
               f"<!-- END WAYBACK TOOLBAR INSERT -->\n")
    page_dir = url.rsplit("/", 1)[0]

    def rewrite(match: re.Match[str]) -> str:
        attribute, quote, link = match.group(1), match.group(2), match.group(3)
        if link.startswith(("javascript:", "#", "mailto:")):
            return match.group(0)
        absolute = (link if link.startswith("http")
                    else ORIGIN + link if link.startswith("/") else f"{page_dir}/{link}")
        mode = "im_" if attribute == "src" and re.search(r"\.(?:jpg|gif|png)$", link) else ""
        mode = "cs_" if link.endswith(".css") else "js_" if link.endswith(".js") else mode
        return f"{attribute}={quote}/web/{timestamp}{mode}/{absolute}{quote}"

    text = re.sub(r'\b(href|src|action)=(["\'])([^"\']*)\2', rewrite, text)
    text = text.replace("<head>", "<head>" + head, 1).replace(re.search(r"<body[^>]*>", text).group(0),
                                                              re.search(r"<body[^>]*>", text).group(0) + toolbar, 1)
    tail = (f"\n<!--\n     FILE ARCHIVED ON {when:%H:%M:%S %b %d, %Y} AND RETRIEVED FROM THE\n     INTERNET ARCHIVE ON "
            f"02:03:04 Jan 05, 2026.\n     JAVASCRIPT APPENDED BY WAYBACK MACHINE, COPYRIGHT INTERNET ARCHIVE.\n-->\n"
            f"<!--\nplayback timings (ms):\n  captures_list: 0.6\n  load_resource: 88.2\n-->")
    return text.encode("latin-1") + tail.encode("latin-1")


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


# --- the archive's holdings -----------------------------------------------------------------------


@dataclass
class Holdings:
    """What the stand-in archive holds, and what a perfect recovery must make of it."""

    fake: FakeWayback
    portal: SongLamPortal
    truth: list[dict]
    observations: set[tuple[str, str, int | None]]  # (article key, observed_at, view count) of every capture
    newest: dict[str, str]  # article key -> the capture URL path its row must come from
    special: dict[str, object]
    never_requested: list[str]  # capture paths a recovery must not ask for
    home_captures: list[str]


def build_holdings(fake: FakeWayback) -> Holdings:
    portal = SongLamPortal()
    visits = 100_000
    observations: set[tuple[str, str, int | None]] = set()
    newest: dict[str, str] = {}
    never: list[str] = []
    special: dict[str, object] = {}

    def page(title: str, main: str, when: datetime) -> bytes:
        nonlocal visits
        visits += 137
        return encode(portal.layout(title, main, when.astimezone(VN_TZ), visits))

    def add(when: datetime, url: str, body: bytes, content_type: str = CONTENT_TYPE, **kw: object) -> str:
        ts = stamp(when)
        fake.add(ts, url, content_type, body, **kw)
        return ts

    for i, story in enumerate(portal.stories):
        key = article_key(SLUG, ORIGIN + portal.article_path(story))
        views = story.article.views
        older_views = views * 2 // 3 if views is not None else None
        first, second = story.published + timedelta(days=2, minutes=i), story.published + timedelta(days=150, minutes=i)
        # Some first captures were made under www. and :80, with the query in another order.
        first_url = (f"http://www.{HOST}:80" + portal.article_path(story, swapped=True) if i % 4 == 1
                     else ORIGIN + portal.article_path(story))
        ts_a = add(first, first_url, page(story.title, portal.article_main(story, older_views), first))
        url = ORIGIN + portal.article_path(story)
        ts_b = add(second, url, page(story.title, portal.article_main(story, views), second))
        observations |= {(key, capture_time(ts_a), older_views), (key, capture_time(ts_b), views)}
        newest[key] = f"/web/{ts_b}id_/{url}"
        if i == 0:  # the archive serves this capture rendered only
            fake.raw_missing.add((ts_b, url))
            newest[key] = f"/web/{ts_b}/{url}"
            special["rendered"] = key
        elif i == 1:  # a newer capture, cut short: the complete one before it wins
            cut_at = story.published + timedelta(days=300)
            body = page(story.title, portal.article_main(story, (views or 0) + 999), cut_at)
            ts_c = add(cut_at, url, body[: len(body) * 2 // 3])
            special["truncated"] = (key, ts_c)
        elif i == 2:  # the listed capture redirects to its neighbour, which is not listed itself
            listed = stamp(second - timedelta(seconds=45))
            fake.listed[fake.listed.index((ts_b, url))] = (listed, url)
            fake.meta[(listed, url)] = fake.meta[(ts_b, url)]
            fake.redirects[(listed, url)] = ts_b
            special["redirect"] = (key, listed, ts_b)
        elif i == 3:  # rate limited twice before it is served
            fake.busy[f"/web/{ts_a}id_/{first_url}"] = [429, 503]
            special["slow"] = f"/web/{ts_a}id_/{first_url}"
        elif i == 5:  # the same page captured again an hour later: collapsed by digest, never fetched
            ctype, body = fake.captures[(ts_a, first_url)]
            again = add(first + timedelta(hours=1), first_url, body)
            never.append(f"/web/{again}id_/{first_url}")

    # Listings (two pages per category), each captured twice.
    early, late = datetime(2019, 3, 4, 2, tzinfo=UTC), datetime(2024, 11, 20, 9, tzinfo=UTC)
    for category in CATEGORIES:
        for number in (1, 2):
            for n, when in enumerate((early, late)):
                add(when + timedelta(minutes=7 * category.id + number + n),
                    ORIGIN + portal.listing_path(category, number),
                    page(category.name, portal.listing_main(category, number), when))
    # The home page, seven times under two addresses of one page (/ and /default.asp).
    home = []
    for n in range(7):
        when = datetime(2017 + n, 5, 1, 3, tzinfo=UTC)
        address = f"{ORIGIN}/" if n % 3 else f"{ORIGIN}/default.asp"
        home.append(f"{add(when, address, page('Trang chủ', portal.home_main(), when))}id_/{address}")
    # Other pages: contact, the portal's own "news not found" page (status 200).
    when = datetime(2021, 8, 9, 1, tzinfo=UTC)
    add(when, f"{ORIGIN}/lienhe.asp", page("Liên hệ", portal.contact_main(), when))
    add(when, f"{ORIGIN}/chitiet.asp?cm=1&id=99999", page("Thông báo", portal.missing_main(), when))
    # A 404 capture (the CDX lists it with its status), and a capture the archive lost.
    gone = add(when, f"{ORIGIN}/chitiet.asp?cm=2&id=424242", encode("<html><body>404 Not Found</body></html>"),
               status="404")
    never.append(f"/web/{gone}id_/{ORIGIN}/chitiet.asp?cm=2&id=424242")
    lost = add(when + timedelta(minutes=1), f"{ORIGIN}/chitiet.asp?cm=3&id=1999", b"lost")
    del fake.captures[(lost, f"{ORIGIN}/chitiet.asp?cm=3&id=1999")]
    special["lost"] = f"/web/{lost}id_/{ORIGIN}/chitiet.asp?cm=3&id=1999"
    # What a recovery leaves alone: print and search pages, images, robots.txt, another host.
    story = portal.stories[7]
    for url, ctype in ((f"{ORIGIN}/inbai.asp?id={story.key}", CONTENT_TYPE),
                       (f"{ORIGIN}/timkiem.asp?tukhoa=n%C3%B4ng+th%C3%B4n", CONTENT_TYPE),
                       (f"{ORIGIN}/upload/tin/{story.key}.jpg", "image/jpeg"),
                       (f"{ORIGIN}/robots.txt", "text/plain"),
                       ("http://nghean.gov.vn/", CONTENT_TYPE)):
        ts = add(when, url, page(story.title, portal.article_main(story, 1), when), content_type=ctype)
        never.append(f"/web/{ts}id_/{url}")
    fake.cdx_busy = [503]
    fake.renderer = lambda timestamp, url, body: render(fake.url, timestamp, url, body)
    return Holdings(fake, portal, portal.truth(), observations, newest, special, never, home)


@pytest.fixture(scope="module")
def holdings() -> Iterator[Holdings]:
    with FakeWayback() as fake:
        yield build_holdings(fake)


def recover(holdings: Holdings, db: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`scrapy crawl portal -a start_url=... -a source=wayback` against the stand-in; the result
    and the requests the archive received during the run."""
    fake = holdings.fake
    before = len(fake.requests)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={ORIGIN}/", "-a", "source=wayback",
           "-s", f"ARCHIVE_DB={db}", "-s", f"PORTAL_WAYBACK_URL={fake.url}",
           "-s", f"PORTAL_WAYBACK_CDX_URL={fake.url}/cdx/search/cdx", "-s", "PORTAL_WAYBACK_BACKOFF=0.2",
           "-s", "LOG_LEVEL=INFO", *extra]
    for setting in LOCAL_ONLY_SETTINGS:
        cmd += ["-s", setting]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    return result, fake.requests[before:]




@pytest.fixture(scope="module")
def recovered(holdings: Holdings, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, subprocess.CompletedProcess[str], list[str]]:
    db = tmp_path_factory.mktemp("wayback-generic") / "archive.db"
    result, requests = recover(holdings, db)
    return db, result, requests


# --- the acceptance --------------------------------------------------------------------------------


def test_recovery_archives_the_articles_exactly(recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]],
                                                holdings: Holdings) -> None:
    db, result, _ = recovered
    assert result.returncode == 0, result.stderr[-4000:]
    rows = {r["article_key"]: dict(r, authors=json.loads(r["authors"])) for r in query(db, "select * from articles")}
    truth = {t["key"]: t for t in holdings.truth}
    assert set(rows) <= set(truth), f"rows that are no article: {sorted(set(rows) - set(truth))}"
    found = [k for k in truth if k in rows]
    exact = {f: sum(rows[k][f] == truth[k][f] for k in found)
             for f in ("title", "published_at", "view_count", "authors")}
    figures = {"found": len(found) / len(truth), **{f: n / len(truth) for f, n in exact.items()}}
    print("\nWayback recovery of an unseen family:", {k: f"{v:.1%}" for k, v in figures.items()})
    misses = [(k, f, rows[k][f], truth[k][f]) for k in found for f in exact if rows[k][f] != truth[k][f]]
    assert all(figures[k] >= floor for k, floor in FLOORS.items()), (figures, misses[:10])
    assert {r["source"] for r in rows.values()} == {"wayback"}
    assert {r["site"] for r in rows.values()} == {SLUG}


def test_every_capture_is_an_observation(recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]],
                                         holdings: Holdings) -> None:
    db, _, _ = recovered
    views = query(db, "select article_key, observed_at, view_count, source, capture_url from view_counts")
    assert {(v["article_key"], v["observed_at"], v["view_count"]) for v in views} == holdings.observations
    assert len(views) == len(holdings.observations), "one observation per capture, none twice"
    assert {v["source"] for v in views} == {"wayback"} and all(v["capture_url"] for v in views)


def test_newest_complete_capture_wins(recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]],
                                      holdings: Holdings) -> None:
    db, _, _ = recovered
    fake = holdings.fake
    for row in query(db, "select article_key, capture_url, captured_at, fetched_at from articles"):
        path = row["capture_url"].removeprefix(fake.url)
        assert path == holdings.newest[row["article_key"]], row
        assert row["captured_at"] == row["fetched_at"] == capture_time(path[5:19])
    key, cut_at = holdings.special["truncated"]
    [failure] = query(db, "select reason from failures where url like ?", (f"%/web/{cut_at}id_/%",))
    assert failure["reason"] == "truncated_capture"
    kinds = query(db, "select kind from raw_pages where article_key = ? and fetched_at = ?",
                  (key, capture_time(cut_at)))
    assert kinds == [{"kind": "truncated"}]
    key, listed, landed = holdings.special["redirect"]
    [row] = query(db, "select captured_at from articles where article_key = ?", (key,))
    assert row["captured_at"] == capture_time(landed), "the capture the redirect landed on"


def test_reextraction_of_recovered_pages_changes_nothing(
        recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]], holdings: Holdings) -> None:
    """`scrapy reextract` reads the newest complete capture of each article (stored last, its
    truncated successors apart) and finds what the recovery stored."""
    db, _, _ = recovered
    result = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "--dry-run", "-s", f"ARCHIVE_DB={db}"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"articles unchanged: {len(holdings.truth)}" in result.stdout, result.stdout


def test_rendered_capture_reads_like_the_original(recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]],
                                                 holdings: Holdings) -> None:
    db, _, requests = recovered
    key = holdings.special["rendered"]
    [row] = query(db, "select url, title, capture_url from articles where article_key = ?", (key,))
    assert row["url"].startswith(ORIGIN) and "/web/" in row["capture_url"] and "id_/" not in row["capture_url"]
    assert sum(p.endswith(row["capture_url"].split("/web/", 1)[1].split("/", 1)[1]) for p in requests) >= 2
    conn = sqlite3.connect(db)
    try:
        import zlib
        bodies = [zlib.decompress(b) for (b,) in conn.execute(
            "select body from raw_pages where article_key = ? and body is not null", (key,))]
    finally:
        conn.close()
    assert bodies and not any(b"WAYBACK" in b or b"archive.org" in b or b"/web/" in b for b in bodies)


def test_only_html_200_captures_of_the_host_are_fetched(
        recovered: tuple[Path, subprocess.CompletedProcess[str], list[str]], holdings: Holdings) -> None:
    db, _, requests = recovered
    for path in holdings.never_requested:
        assert path not in requests, path
    home = [p for p in requests
            if p.startswith("/web/") and any(p.endswith(h.split("id_", 1)[1]) for h in holdings.home_captures)]
    probes = 3
    assert len(home) == probes, f"a page that is no article is probed {probes} times, not fetched {len(home)} times"
    cdx = [p for p in requests if p.startswith("/cdx/")]
    assert all("filter=statuscode%3A200" in p and "collapse=digest" in p and "mimetype" in p for p in cdx)
    assert len([p for p in requests if p == holdings.special["slow"]]) == 3  # 429, 503, then the capture
    failures = {r["reason"] for r in query(db, "select reason from failures where url like ?",
                                           (f"%{holdings.special['lost'].split('id_/')[0]}%",))}
    assert failures == {"http_404"}, "a capture the archive lost, raw and rendered, is a failure"
    kinds = {r["kind"] for r in query(db, "select kind from raw_pages")}
    assert kinds <= {"article", "listing", "other", "truncated", "error"}


def test_an_interrupted_recovery_resumes_where_it_stopped(holdings: Holdings, tmp_path: Path,
                                                          recovered: tuple[Path, Any, list[str]]) -> None:
    db = tmp_path / "archive.db"
    first, asked_first = recover(holdings, db, "-a", "max_pages=30")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "page limit" in query(db, "select problems from crawl_runs")[0]["problems"]
    stored = {r["n"] for r in query(db, "select count(*) n from articles")}
    assert 0 < min(stored) < len(holdings.truth)
    second, asked_second = recover(holdings, db)
    assert second.returncode == 0, second.stderr[-3000:]
    captures = [p for p in asked_first if p.startswith("/web/")]
    again = {p for p in asked_second if p in captures}
    # Only what failed or was not stored under its listed time is asked again.
    redirected = ORIGIN + holdings.portal.article_path(holdings.portal.stories[2])
    allowed = {holdings.special["lost"], holdings.special["lost"].replace("id_/", "/"),
               f"/web/{holdings.special['redirect'][1]}id_/{redirected}"}
    assert again <= allowed, sorted(again - allowed)
    one_shot, _, _ = recovered
    columns = "article_key, title, published_at, view_count, authors, capture_url"
    in_order = f"select {columns} from articles order by 1"
    assert query(db, in_order) == query(one_shot, in_order)
    observed = query(db, "select article_key, observed_at, view_count from view_counts")
    assert len(observed) == len(holdings.observations), "no capture observed twice"


# --- the survey -----------------------------------------------------------------------------------


def survey(holdings: Holdings, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "wayback-survey", *args,
           "-s", f"PORTAL_WAYBACK_CDX_URL={holdings.fake.url}/cdx/search/cdx", "-s", "DOWNLOAD_DELAY=0",
           "-s", "PORTAL_WAYBACK_BACKOFF=0.1"]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_survey_counts_what_the_archive_holds(holdings: Holdings, tmp_path: Path) -> None:
    from urllib.parse import parse_qs

    from crawler.generic import canonicalize_url
    from crawler.generic.urls import article_url_hint, trap_reason

    listed = holdings.fake.cdx_rows(parse_qs(host_cdx_query(HOST, None, None, None)))
    urls = {canonicalize_url(r[2]) for r in listed}
    years: dict[str, int] = {}
    for row in listed:
        years[row[1][:4]] = years.get(row[1][:4], 0) + 1
    hosts = tmp_path / "hosts.txt"
    hosts.write_text(f"# vanished district portals\n{HOST}\n\nhttps://www.nghean.gov.vn/  # the province\n",
                     encoding="utf-8")
    holdings.fake.cdx_busy = [429]
    result = survey(holdings, "--file", str(hosts), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    report = {h["host"]: h for h in json.loads(result.stdout)["hosts"]}
    assert list(report) == [HOST, "nghean.gov.vn"]
    mine = report[HOST]
    assert mine["captures"] == len(listed) and mine["per_year"] == dict(sorted(years.items()))
    assert mine["urls"] == len(urls)
    assert mine["article_urls"] == sum(1 for u in urls if trap_reason(u) is None and article_url_hint(u))
    assert mine["article_urls"] >= ARTICLES
    assert mine["first"] == capture_time(min(r[1] for r in listed))
    assert mine["last"] == capture_time(max(r[1] for r in listed))
    assert mine["error"] is None and report["nghean.gov.vn"]["captures"] == 1
    table = survey(holdings, HOST, "--from", "2019-01-01", "--to", "2019-12-31")
    assert table.returncode == 0, table.stderr[-2000:]
    assert table.stdout.startswith(f"{HOST}: ") and "2019: " in table.stdout and "2024" not in table.stdout


@pytest.mark.parametrize("args", [[], ["--file", "/nonexistent/hosts.txt"], [HOST, "--from", "2019"], ["not a host"]])
def test_survey_bad_arguments_exit_2(holdings: Holdings, args: list[str]) -> None:
    assert survey(holdings, *args).returncode == 2


# --- Wayback traces, wherever a page comes from ------------------------------------------------


def test_unwayback_restores_the_original_page(holdings: Holdings) -> None:
    story = holdings.portal.stories[4]
    url = ORIGIN + holdings.portal.article_path(story)
    original = encode(holdings.portal.layout(story.title, holdings.portal.article_main(story, 5), story.published, 1))
    rendered = render("https://web.archive.org", "20240102030405", url, original)
    assert has_wayback_trace(rendered.decode("latin-1")) and not has_wayback_trace(original.decode("latin-1"))
    restored = unwayback_bytes(rendered)
    assert b"WAYBACK" not in restored and b"archive.org" not in restored and b"/web/" not in restored
    assert b"FILE ARCHIVED ON" not in restored and b"_static" not in restored
    assert f'href="{ORIGIN}/chitiet.asp?cm='.encode() in restored  # relative links now absolute originals
    assert unwayback_bytes(original) == original  # a page without a trace is left alone
    text = restored.decode("cp1258")
    assert unwayback(text) == text
    assert capture_parts("https://web.archive.org/web/20240102030405im_/http%3A//x.gov.vn/a.jpg") == (
        "20240102030405", "im_", "http://x.gov.vn/a.jpg")
    assert original_url(f"http://127.0.0.1:1/web/20240102030405/{url}") == url and original_url(url) == url


def test_page_reader_reads_pages_that_carry_the_toolbar(holdings: Holdings) -> None:
    """Re-extraction and WARC import read pages through the PageReader: a stored page or a WARC
    record with the toolbar, even under its capture URL, is read as the original."""
    story = holdings.portal.stories[6]
    url = ORIGIN + holdings.portal.article_path(story)
    when = story.published + timedelta(days=3)
    html = holdings.portal.layout(story.title, holdings.portal.article_main(story, 77), when, 1)
    capture_url = f"https://web.archive.org/web/{stamp(when)}/{url}"
    rendered = render("https://web.archive.org", stamp(when), url, html.encode("utf-8")).decode("utf-8")
    fields, reason = PAGE_READER.extract(capture_url, rendered, when.isoformat(), None)
    assert fields is not None, reason
    assert (fields.url, fields.title) == (url, clean(story.title)) and "Số lần xem: 77" in (fields.views_raw or "")
    assert PAGE_READER.generic_site(capture_url).slug == SLUG


def test_warc_record_of_a_rendered_capture_imports_as_the_original(holdings: Holdings, tmp_path: Path) -> None:
    """A WARC made by crawling the Wayback (target URI the capture URL, page with the toolbar)
    imports as the portal's own article, on the portal's generic site."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from pipelines.schema import open_archive
    from pipelines.warc import WarcImporter

    story = holdings.portal.stories[8]
    url = ORIGIN + holdings.portal.article_path(story)
    when = story.published + timedelta(days=9)
    body = render("https://web.archive.org", stamp(when), url,
                  encode(holdings.portal.layout(story.title, holdings.portal.article_main(story, 4321), when, 1)))
    path = tmp_path / "wayback.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", CONTENT_TYPE)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://web.archive.org/web/{stamp(when)}/{url}", "response", payload=BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}))
    db = open_archive(tmp_path / "a.db")
    try:
        WarcImporter(db, {}, PAGE_READER).import_file(path)
    finally:
        db.close()
    [row] = query(tmp_path / "a.db", "select site, url, title, view_count, published_at, source from articles")
    assert row == {"site": SLUG, "url": url, "title": clean(story.title), "view_count": 4321,
                   "published_at": story.published.isoformat(timespec="seconds"), "source": "warc"}
