"""Family 9, a slug + numeric id ``.html`` CMS (the Tuyên Quang family: tuthinh.nongthonmoituyenquang...).

URLs: ``/tin-tuc-su-kien.html``, page N ``/tin-tuc-su-kien/trang-N.html``, articles
``/tin-tuc-su-kien/{slug}-{id}.html``. The traps of this portal: a header clock with today's date
and weekday (``Thứ hai, 25/11/2024``) that is not inside anything called "header", a publication
date line that also carries a weekday (``Thứ Hai, 14/10/2024 | 09:35``), ``Lượt xem: 58``, a "Tin
cùng chuyên mục" list with other dates, a "Văn bản mới" box, a poll, and a footer visit counter.
Also a document list and a contact page (never articles).
"""
from __future__ import annotations

from tests.generic_sites.base import Category, PortalSite, Story, clock, esc, paragraphs_html, weekday

NAME = "Trang thông tin điện tử xã Tú Thịnh"


class TuyenQuangSite(PortalSite):
    title = NAME
    family = "slug-id .html CMS (Tuyên Quang)"
    home = "/trang-chu.html"
    slot = 1
    id_base = 4_500
    day_only_dates = True
    categories = (Category("tin-tuc-su-kien", "Tin tức - Sự kiện"), Category("nong-thon-moi", "Nông thôn mới"))

    def article_path(self, story: Story) -> str:
        return f"/{story.category.slug}/{story.slug}-{story.key}.html"

    def listing_path(self, category: Category, page: int) -> str:
        return f"/{category.slug}.html" if page == 1 else f"/{category.slug}/trang-{page}.html"

    def route(self, path: str, query: str) -> str | None:
        if path in (self.home, "/index.html"):
            return self.layout("Trang chủ", self.home_main())
        if path == "/van-ban.html":
            return self.layout("Văn bản", DOCUMENTS)
        if path == "/lien-he.html":
            return self.layout("Liên hệ", CONTACT)
        parts = path.strip("/").removesuffix(".html").split("/")
        category = self.category(parts[0])
        if category is None:
            return None
        if len(parts) == 1:
            return self.layout(category.name, self.listing_main(category, 1))
        if len(parts) == 2 and parts[1].startswith("trang-") and parts[1][6:].isdigit():
            page = int(parts[1][6:])
            return self.layout(category.name, self.listing_main(category, page)) if page <= self.page_count(category) else None
        story = next((s for s in self.listing(category) if len(parts) == 2 and parts[1] == f"{s.slug}-{s.key}"), None)
        return self.layout(story.title, self.article_main(story), story) if story else None

    # -- pages

    def layout(self, title: str, main: str, story: Story | None = None) -> str:
        desc = f'<meta name="description" content="{esc(story.article.sapo)}">' if story and story.article.sapo else ""
        menu = "".join(f'<li><a href="{self.listing_path(c, 1)}">{esc(c.name)}</a></li>' for c in self.categories)
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{esc(title)}</title>{desc}
<link rel="stylesheet" href="/Content/site.css"></head>
<body>
<div id="wrapper">
<div class="banner"><img src="/Content/images/banner.png" alt="{esc(NAME)}"></div>
<div id="thoi-gian" style="float:right;font-weight:bold">{clock()}</div>
<div class="menu-ngang"><ul><li><a href="{self.home}">Trang chủ</a></li>{menu}
<li><a href="/van-ban.html">Văn bản</a></li><li><a href="/lien-he.html">Liên hệ</a></li>
<li><a href="/rss.html">RSS</a></li></ul></div>
<div class="cot-trai" style="width:70%;float:left">
{main}
</div>
<div class="cot-phai" style="width:28%;float:right">{self.side()}</div>
<div id="footer" style="clear:both"><p>TRANG THÔNG TIN ĐIỆN TỬ XÃ TÚ THỊNH - HUYỆN SƠN DƯƠNG - TỈNH TUYÊN QUANG</p>
<p>Chịu trách nhiệm nội dung: Chủ tịch UBND xã Tú Thịnh</p>
<p>Lượt truy cập: 1.234.567 | Đang online: 12</p></div>
</div></body></html>"""

    def side(self) -> str:
        newest = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a> <i>({s.short_date})</i></li>'
                         for s in self.newest())
        return (f'<div class="khoi"><div class="tieu-de-khoi">Tin mới</div><ul>{newest}</ul></div>'
                '<div class="khoi"><div class="tieu-de-khoi">Văn bản mới</div><ul>'
                '<li><a href="/Uploads/van-ban/QD-12-UBND.pdf">Quyết định số 12/QĐ-UBND ngày 10/12/2019 về việc '
                'ban hành quy chế làm việc</a></li></ul></div>'
                '<div class="khoi"><div class="tieu-de-khoi">Thăm dò ý kiến</div><form action="/binh-chon.html" '
                'method="post"><p>Bạn thấy giao diện trang có dễ sử dụng?</p><input type="radio" name="y" value="1">'
                'Có <input type="radio" name="y" value="0">Không <input type="submit" value="Bình chọn"></form></div>')

    def home_main(self) -> str:
        boxes = []
        for c in self.categories:
            items = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a></li>' for s in self.page_of(c, 1)[:5])
            boxes.append(f'<div class="khoi-tin"><h2><a href="{self.listing_path(c, 1)}">{esc(c.name)}</a></h2>'
                         f'<ul>{items}</ul><a href="{self.listing_path(c, 1)}">Xem tiếp »</a></div>')
        return "\n".join(boxes)

    def listing_main(self, category: Category, page: int) -> str:
        items = "\n".join(
            f'<div class="tin-item"><a href="{self.article_path(s)}"><img src="/Uploads/anh/{s.key}.jpg" alt=""></a>'
            f'<h3><a href="{self.article_path(s)}">{esc(s.title)}</a></h3><span class="ngay">({s.short_date})</span>'
            f"<p>{esc((s.article.sapo or s.paragraphs[0])[:200])}</p></div>" for s in self.page_of(category, page))
        return (f'<div class="duong-dan"><a href="{self.home}">Trang chủ</a> » {esc(category.name)}</div>'
                f'<h2 class="ten-chuyen-muc">{esc(category.name)}</h2>{items}{self.pager(category, page)}')

    def pager(self, category: Category, page: int) -> str:
        pages = self.page_count(category)
        if pages == 1:
            return ""
        parts = [f'<a href="{self.listing_path(category, 1)}">«</a>']
        parts += [f'<span class="active">{n}</span>' if n == page else f'<a href="{self.listing_path(category, n)}">{n}</a>'
                  for n in range(1, pages + 1)]
        parts.append(f'<a href="{self.listing_path(category, pages)}">»</a>')
        return f'<div class="phan-trang">{" ".join(parts)}</div>'

    def article_main(self, story: Story) -> str:
        a = story.article
        when = f"{weekday(story.published)}, {story.short_date}"
        if a.date_style != "day":
            when += f" | {story.published:%H:%M}"
        views = f'<div class="luot-xem">Lượt xem: {a.views}</div>' if a.views is not None else ""
        lead = f'<div class="sapo">{esc(a.sapo)}</div>' if a.sapo else ""
        byline = f'<p style="text-align: right;"><b>{esc(a.byline)}</b></p>' if a.byline else ""
        related = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a> <span>({s.short_date})</span></li>'
                          for s in self.related(story))
        return f"""<div class="duong-dan"><a href="{self.home}">Trang chủ</a> » <a href="{self.listing_path(story.category, 1)}">{esc(story.category.name)}</a></div>
<div class="chi-tiet-tin">
<h1 class="tieu-de">{esc(story.title)}</h1>
<div class="ngay-dang">{when}</div>
{views}
{lead}
<div class="noi-dung">
{paragraphs_html(story, _block)}
{byline}
</div>
<div class="cong-cu"><a href="javascript:window.print()">In trang</a> | <a href="/gui-email.html?id={story.key}">Gửi email</a> | <a href="#wrapper">Về đầu trang</a></div>
<div class="tin-cung-chuyen-muc"><div class="tieu-de-khoi">Tin cùng chuyên mục</div><ul>{related}</ul></div>
</div>"""


def _block(kind: str, text: str) -> str:
    if kind == "spacer":
        return "<p>&nbsp;</p>"
    if kind == "figure":
        return f'<div style="text-align:center"><img src="/Uploads/anh/hinh.jpg" alt=""><br><i>{esc(text)}</i></div>'
    if kind == "div":
        return f"<div>{esc(text)}</div>"
    return f"<p>{esc(text)}</p>"


DOCUMENTS = """<h2 class="ten-chuyen-muc">Văn bản</h2>
<table class="van-ban"><tr><th>Số hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Tải về</th></tr>
<tr><td>12/QĐ-UBND</td><td>10/12/2019</td><td>Quyết định ban hành quy chế làm việc của UBND xã</td><td><a href="/Uploads/van-ban/QD-12-UBND.pdf">Tải về</a></td></tr>
<tr><td>45/KH-UBND</td><td>03/03/2020</td><td>Kế hoạch phòng, chống dịch bệnh trên địa bàn xã năm 2020</td><td><a href="/Uploads/van-ban/KH-45-UBND.doc">Tải về</a></td></tr>
<tr><td>08/TB-UBND</td><td>15/01/2021</td><td>Thông báo lịch tiếp công dân của Chủ tịch UBND xã năm 2021</td><td><a href="/Uploads/van-ban/TB-08-UBND.pdf">Tải về</a></td></tr>
</table>"""

CONTACT = """<h1 class="tieu-de">Liên hệ</h1>
<p>Ủy ban nhân dân xã Tú Thịnh, huyện Sơn Dương, tỉnh Tuyên Quang.</p>
<p>Điện thoại: 0207.3835.112 - Email: tuthinh.sd@tuyenquang.gov.vn</p>
<form action="/lien-he.html" method="post"><p>Họ và tên: <input name="ten"></p><p>Nội dung: <textarea name="nd"></textarea></p>
<input type="submit" value="Gửi"></form>"""
