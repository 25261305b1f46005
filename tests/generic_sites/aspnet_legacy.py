"""Family 10, an older ASP.NET site (sxdthanhhoa.gov.vn-like), served in windows-1258.

The charset is declared only in a ``<meta http-equiv>`` tag (the HTTP header says just
``text/html``), and the bytes are windows-1258 with *decomposed* tone marks, as old Vietnamese
sites wrote them. URLs: ``/Default.aspx``, listings ``/News.aspx?MenuID={GUID}`` with ``&Page=N``,
articles ``/Introduction.aspx?MenuID={GUID}&NewsID={GUID}``. Layout in nested tables; the text is
one ``<span>`` with ``<br>``-separated paragraphs; the metadata line puts the views first:
``Lượt xem: 5281 | Gửi lúc: 19/08/2014 10:27:53``. Traps: a "Xem tin theo ngày" calendar (day
links ``&date=``, month links ``&month=&year=``, each month linking to the next, for ever), a
search page, a print page, and the "Tin đã đưa" list.
"""
from __future__ import annotations

import uuid
from urllib.parse import parse_qs

from tests.generic_sites.base import Category, PortalSite, Story, esc

NAME = "SỞ XÂY DỰNG"
MENU_IDS = {"tin-hoat-dong": "5f8c2a10-9b1e-4d3a-8f25-0c6e7d9a1b34", "quy-hoach": "a1d4e6f2-3c7b-4e19-b0a5-9d2f8c6e4b71"}


def news_guid(key: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"news-{key}")).upper()


class AspNetLegacySite(PortalSite):
    title = NAME
    family = "older ASP.NET (windows-1258)"
    home = "/Default.aspx"
    slot = 3
    id_base = 800
    charset = "windows-1258"
    header_charset = False
    shows_category = False
    categories = (Category("tin-hoat-dong", "Tin hoạt động"), Category("quy-hoach", "Quy hoạch - Kiến trúc"))

    def __init__(self) -> None:
        super().__init__()
        self.by_guid = {news_guid(s.key): s for s in self.stories}

    def menu_id(self, category: Category) -> str:
        return MENU_IDS[category.slug].upper()

    def article_path(self, story: Story) -> str:
        return f"/Introduction.aspx?MenuID={self.menu_id(story.category)}&NewsID={news_guid(story.key)}"

    def listing_path(self, category: Category, page: int = 1) -> str:
        return f"/News.aspx?MenuID={self.menu_id(category)}" + (f"&Page={page}" if page > 1 else "")

    def route(self, path: str, query: str) -> str | None:
        params = {k.lower(): v[0] for k, v in parse_qs(query).items()}
        category = next((c for c in self.categories if self.menu_id(c) == params.get("menuid", "").upper()), None)
        low = path.lower()
        if low == "/default.aspx":
            return self.layout("Trang chủ", self.home_main())
        if low in ("/search.aspx", "/print.aspx"):
            return self.layout("Tìm kiếm", "<p>Không có kết quả.</p>")
        if category is None:
            return None
        if low == "/news.aspx":
            if any(k in params for k in ("date", "month", "year")):
                return self.layout("Xem tin theo ngày", self.calendar(category, params))
            page = int(params.get("page", "1")) if params.get("page", "1").isdigit() else 1
            return self.layout(category.name, self.listing_main(category, min(page, self.page_count(category))))
        story = self.by_guid.get(params.get("newsid", "").upper())
        if low == "/introduction.aspx" and story and story.category == category:
            return self.layout(story.title, self.article_main(story))
        return None

    # -- pages

    def layout(self, title: str, main: str) -> str:
        menu = " | ".join(f'<a href="{self.listing_path(c)}" class="menu">{esc(c.name)}</a>' for c in self.categories)
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>{esc(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">
<link href="Styles/Style.css" type="text/css" rel="stylesheet"></head>
<body topmargin="0" leftmargin="0">
<form name="aspnetForm" method="post" action="Default.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwULLTE0NjM4MzI5NjZkZA==">
<table width="980" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td colspan="3"><img src="Images/banner.jpg" width="980" alt=""></td></tr>
<tr><td colspan="3" class="thanhmenu"><a href="Default.aspx" class="menu">Trang chủ</a> | {menu} |
<a href="Search.aspx" class="menu">Tìm kiếm</a></td></tr>
<tr><td width="200" valign="top">{self.calendar_box()}</td>
<td width="580" valign="top">
{main}
</td>
<td width="200" valign="top">{self.right_box()}</td></tr>
<tr><td colspan="3" align="center" class="footer">SỞ XÂY DỰNG - Địa chỉ: 36 Đại lộ Lê Lợi<br>
Điện thoại: (0237) 3852 318<br>Số lượt truy cập: 531.225</td></tr>
</table></form></body></html>"""

    def calendar_box(self, month: int = 8, year: int = 2014) -> str:
        category = self.categories[0]
        days = "".join(f'<a href="{esc(self.listing_path(category))}&date={d:02d}/{month:02d}/{year}">{d}</a> '
                       for d in range(1, 29))
        prev_m, prev_y = (month - 1, year) if month > 1 else (12, year - 1)
        next_m, next_y = (month + 1, year) if month < 12 else (1, year + 1)
        nav = (f'<a href="{esc(self.listing_path(category))}&month={prev_m}&year={prev_y}">&lt;&lt;</a> '
               f"Tháng {month}/{year} "
               f'<a href="{esc(self.listing_path(category))}&month={next_m}&year={next_y}">&gt;&gt;</a>')
        return (f'<table class="box"><tr><td class="boxtitle">Xem tin theo ngày</td></tr>'
                f"<tr><td>{nav}<br>{days}</td></tr></table>")

    def calendar(self, category: Category, params: dict[str, str]) -> str:
        month = int(params["month"]) if params.get("month", "").isdigit() else 8
        year = int(params["year"]) if params.get("year", "").isdigit() else 2014
        return f"<p>Không có tin nào trong ngày được chọn.</p>{self.calendar_box(month, year)}"

    def right_box(self) -> str:
        items = "".join(f'<tr><td>- <a href="{esc(self.article_path(s))}" class="linkright">{esc(s.title)}</a></td></tr>'
                        for s in self.newest())
        return f'<table class="box"><tr><td class="boxtitle">Tin mới cập nhật</td></tr>{items}</table>'

    def home_main(self) -> str:
        rows = "".join(f'<tr><td><a href="{esc(self.article_path(s))}" class="tieude">{esc(s.title)}</a> '
                       f'<span class="ngay">({s.short_date})</span></td></tr>' for s in self.newest(8))
        return f'<table width="100%"><tr><td class="boxtitle">TIN HOẠT ĐỘNG</td></tr>{rows}</table>'

    def listing_main(self, category: Category, page: int) -> str:
        rows = "".join(
            f'<tr><td valign="top"><img src="Upload/{s.key}.jpg" width="100"></td><td valign="top">'
            f'<a href="{esc(self.article_path(s))}" class="tieude">{esc(s.title)}</a><br>'
            f'<span class="ngay">{s.short_date}</span><br>{esc(s.paragraphs[0][:200])}</td></tr>'
            for s in self.page_of(category, page))
        pages = self.page_count(category)
        links = " ".join(f"<b>{n}</b>" if n == page else f'<a href="{esc(self.listing_path(category, n))}">{n}</a>'
                         for n in range(1, pages + 1))
        nxt = f' <a href="{esc(self.listing_path(category, page + 1))}">Trang sau</a>' if page < pages else ""
        return (f'<table width="100%"><tr><td colspan="2" class="boxtitle">{esc(category.name.upper())}</td></tr>'
                f'{rows}<tr><td colspan="2" align="right">Trang: {links}{nxt}</td></tr></table>')

    def article_main(self, story: Story) -> str:
        a = story.article
        meta = f"Gửi lúc: {story.published:%d/%m/%Y %H:%M:%S}"
        if a.views is not None:
            meta = f"Lượt xem: {a.views} | {meta}"
        lead = f"<b>{esc(a.sapo)}</b><br><br>" if a.sapo else ""
        text = "<br><br>".join(_block(b.kind, b.text) for b in a.blocks if b.kind != "spacer")
        byline = f'<div align="right"><b>{esc(a.byline)}</b></div>' if a.byline else ""
        others = "".join(f'<tr><td>- <a href="{esc(self.article_path(s))}">{esc(s.title)}</a> '
                         f'<span class="ngay">({s.short_date})</span></td></tr>' for s in self.related(story))
        return f"""<table width="100%" cellpadding="3">
<tr><td class="title_news">{esc(story.title)}</td></tr>
<tr><td class="date_news">{meta}</td></tr>
<tr><td class="content_news"><span id="ctl00_ContentPlaceHolder1_lblNoiDung">{lead}{text}</span>
{byline}</td></tr>
<tr><td align="right"><a href="Print.aspx?NewsID={news_guid(story.key)}">Bản in</a></td></tr>
</table>
<table width="100%"><tr><td class="boxtitle">Tin đã đưa</td></tr>{others}</table>"""


def _block(kind: str, text: str) -> str:
    if kind == "figure":
        return f'<center><img src="Upload/anh.jpg"><br><i>{esc(text)}</i></center>'
    return esc(text)
