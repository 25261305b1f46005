"""Family 7, DotNetNuke (sovhttdl.hatinh.gov.vn-like): ``/tabid/N/`` paths and table layouts.

URLs: listings ``/Tin-tuc-su-kien/tabid/255/Default.aspx`` with ``?pagenumber=N`` and a
``<< < 1 2 3 > >>`` pager; articles ``/Tin-tuc-su-kien/tabid/255/post/3011/{slug}.aspx``. The title
is a ``<span class="Head">`` in a table cell (no heading element, no og:title: only ``<title>``
names it), the date line ``Ngày đăng: 11/04/2017 - 08:15``, no view counter, the lead is just
the first paragraph (not set apart), the byline trails the text. Traps: the print view
``/DesktopModules/tinvan/Print.aspx?id=``, "send to a friend", the login control, a search box.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from tests.generic_sites.base import Category, PortalSite, Story, esc, paragraphs_html

NAME = "Sở Văn hóa, Thể thao và Du lịch"
TABS = {"Tin-tuc-su-kien": 255, "Van-hoa-Du-lich": 256}


class DnnSite(PortalSite):
    title = NAME
    family = "DotNetNuke"
    home = "/Trang-chu/tabid/36/Default.aspx"
    slot = 2
    id_base = 3_000
    shows_lead = False
    shows_category = False
    day_only_dates = True
    categories = (Category("Tin-tuc-su-kien", "Tin tức - Sự kiện"), Category("Van-hoa-Du-lich", "Văn hóa - Du lịch"))

    def article_path(self, story: Story) -> str:
        return f"/{story.category.slug}/tabid/{TABS[story.category.slug]}/post/{story.key}/{story.slug}.aspx"

    def listing_path(self, category: Category, page: int = 1) -> str:
        base = f"/{category.slug}/tabid/{TABS[category.slug]}/Default.aspx"
        return base if page == 1 else f"{base}?pagenumber={page}"

    def view_count(self, story: Story) -> int | None:
        return None

    def route(self, path: str, query: str) -> str | None:
        low = path.lower()
        if low in (self.home.lower(), "/default.aspx"):
            return self.layout("Trang chủ", self.home_main())
        parts = path.strip("/").split("/")
        category = self.category(parts[0]) if parts else None
        if category is None or len(parts) < 3 or parts[1].lower() != "tabid":
            return None
        if len(parts) == 4 and parts[3].lower() == "default.aspx":
            page = parse_qs(query).get("pagenumber", ["1"])[0]
            page_no = int(page) if page.isdigit() else 1
            if page_no > self.page_count(category):
                return None
            return self.layout(category.name, self.listing_main(category, page_no))
        if len(parts) == 6 and parts[3].lower() == "post" and parts[4].isdigit():
            story = self.by_key.get(int(parts[4]))
            if story and story.category == category and parts[5] == f"{story.slug}.aspx":
                return self.layout(f"{story.title} - {NAME}", self.article_main(story))
        return None

    # -- pages

    def layout(self, title: str, main: str) -> str:
        menu = "".join(f'<td class="menu"><a href="{self.listing_path(c)}" class="main_menu">{esc(c.name)}</a></td>'
                       for c in self.categories)
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
<html lang="vi-VN"><head><meta content="text/html; charset=UTF-8" http-equiv="Content-Type">
<title>{esc(title)}</title><meta name="GENERATOR" content="DotNetNuke">
<link rel="stylesheet" type="text/css" href="/Portals/_default/default.css"></head>
<body id="Body"><form name="Form" method="post" action="{esc(self.home)}" id="Form">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk">
<table width="1000" align="center" cellpadding="0" cellspacing="0" class="SkinTable">
<tr><td class="SkinHeader"><img src="/Portals/0/banner.jpg" alt="banner"><div class="dnn_login">
<a id="dnn_dnnLOGIN_cmdLogin" class="SkinObject" href="/Trang-chu/tabid/36/ctl/Login/Default.aspx">Đăng nhập</a></div></td></tr>
<tr><td><table><tr><td class="menu"><a href="{self.home}" class="main_menu">Trang chủ</a></td>{menu}</tr></table></td></tr>
<tr><td><table width="100%"><tr>
<td valign="top" width="220" class="LeftPane">{self.left_pane()}</td>
<td valign="top" class="ContentPane" id="dnn_ContentPane">
{main}
</td></tr></table></td></tr>
<tr><td class="SkinFooter" align="center">Bản quyền © Sở Văn hóa, Thể thao và Du lịch<br>
Địa chỉ: 28 Nguyễn Chí Thanh<br>Số lượt truy cập: 2.345.678</td></tr>
</table></form></body></html>"""

    def left_pane(self) -> str:
        items = "".join(f'<tr><td class="NewsTitle"><a href="{self.article_path(s)}">{esc(s.title)}</a></td></tr>'
                        for s in self.newest())
        return (f'<table class="Box"><tr><td class="BoxHead">TIN MỚI</td></tr>{items}</table>'
                '<table class="Box"><tr><td class="BoxHead">TÌM KIẾM</td></tr><tr><td>'
                '<input name="dnn$dnnSEARCH$txtSearch" type="text"> <a href="/tabid/40/Default.aspx?Search=">Tìm</a>'
                '</td></tr></table>')

    def home_main(self) -> str:
        rows = "".join(f'<tr><td><a href="{self.article_path(s)}" class="NewsTitle">{esc(s.title)}</a></td></tr>'
                       for s in self.newest(8))
        return f'<table class="Box"><tr><td class="Head">TIN NỔI BẬT</td></tr>{rows}</table>'

    def listing_main(self, category: Category, page: int) -> str:
        rows = "".join(
            f'<tr><td class="NewsItem"><a href="{self.article_path(s)}" class="NewsTitle">{esc(s.title)}</a>'
            f'<span class="NormalDate"> ({s.short_date})</span><br><span class="Normal">'
            f"{esc(s.paragraphs[0][:180])}...</span></td></tr>" for s in self.page_of(category, page))
        return (f'<table width="100%"><tr><td class="Head">{esc(category.name.upper())}</td></tr>{rows}'
                f"<tr><td>{self.pager(category, page)}</td></tr></table>")

    def pager(self, category: Category, page: int) -> str:
        pages = self.page_count(category)
        if pages == 1:
            return ""
        cells = [f'<a href="{self.listing_path(category, 1)}" class="CommandButton">&lt;&lt;</a>',
                 f'<a href="{self.listing_path(category, max(1, page - 1))}" class="CommandButton">&lt;</a>']
        cells += [f'<span class="NormalDisabled">{n}</span>' if n == page
                  else f'<a href="{self.listing_path(category, n)}" class="CommandButton">{n}</a>' for n in range(1, pages + 1)]
        cells += [f'<a href="{self.listing_path(category, min(pages, page + 1))}" class="CommandButton">&gt;</a>',
                  f'<a href="{self.listing_path(category, pages)}" class="CommandButton">&gt;&gt;</a>']
        return f'<div class="PagingTable">{" ".join(cells)}</div>'

    def article_main(self, story: Story) -> str:
        a = story.article
        stamp = story.short_date if a.date_style == "day" else f"{story.short_date} - {story.published:%H:%M}"
        byline = f'<p align="right"><strong><em>{esc(a.byline)}</em></strong></p>' if a.byline else ""
        lead = _block("p", a.sapo) if a.sapo else ""
        others = "".join(f'<tr><td>» <a href="{self.article_path(s)}" class="Normal">{esc(s.title)}</a> '
                         f'<span class="NormalDate">({s.short_date})</span></td></tr>' for s in self.related(story))
        return f"""<table width="100%" cellpadding="4" class="TinTuc">
<tr><td><span id="dnn_ctr1025_ViewTinTuc_lblTieuDe" class="Head">{esc(story.title)}</span></td></tr>
<tr><td><span class="NormalDate">Ngày đăng: {stamp}</span></td></tr>
<tr><td class="Normal" id="dnn_ctr1025_ViewTinTuc_divNoiDung">
{lead}
{paragraphs_html(story, _block)}
{byline}
</td></tr>
<tr><td align="right"><a href="/DesktopModules/tinvan/Print.aspx?id={story.key}" target="_blank">In bài viết</a> |
<a href="/{story.category.slug}/tabid/{TABS[story.category.slug]}/ctl/SendToFriend/post/{story.key}/Default.aspx">Gửi cho bạn bè</a></td></tr>
<tr><td class="Head">Các tin khác</td></tr>
{others}
</table>"""


def _block(kind: str, text: str) -> str:
    if kind == "spacer":
        return '<p class="MsoNormal">&nbsp;</p>'
    if kind == "figure":
        return (f'<table align="center"><tr><td><img src="/Portals/0/Images/anh.jpg"></td></tr>'
                f'<tr><td align="center"><em>{esc(text)}</em></td></tr></table>')
    return (f'<p class="MsoNormal" style="text-align:justify"><span style="font-size:13.0pt;line-height:115%">'
            f"{esc(text)}</span></p>")
