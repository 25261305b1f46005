"""Family 8, the Thừa Thiên Huế query-string CMS (phuhoi.thuathienhue.gov.vn-like), an old PHP site.

Everything is ``/index.php?cn=..&gd=..&tc=..`` (``tc`` is the article, ``gd`` the category,
``page`` the listing page under a ``<< < 1 2 3 > >>`` pager). The ``<title>`` is the site name on
every page; the article title is bold text in a ``<font>`` (no heading, no class); the date is
bare (``25/05/2017``) right under it; there is no view counter. Listing items show a bold,
unlinked title, a long teaser and a "Xem tiếp" link. A contact page and an organisation chart
(long text, no date) complete it.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from tests.generic_sites.base import Category, PortalSite, Story, esc

NAME = "UBND XÃ PHÚ HỘI"


class HueSite(PortalSite):
    title = "Trang thông tin điện tử xã Phú Hội"
    family = "Thừa Thiên Huế query-string CMS"
    home = "/index.php?cn=1"
    slot = 0  # the Liferay portal's stories, shown another way: same truth, other markup
    id_base = 10_800
    shows_lead = False
    shows_category = False
    categories = (Category("12", "Tin tức - Sự kiện"), Category("14", "Kinh tế - Xã hội"))
    per_page = 6

    def article_path(self, story: Story) -> str:
        return f"/index.php?cn=55&gd={story.category.slug}&tc={story.key}"

    def listing_path(self, category: Category, page: int = 1) -> str:
        return f"/index.php?cn=55&gd={category.slug}" + (f"&page={page}" if page > 1 else "")

    def published_at(self, story: Story) -> str:
        return story.published.date().isoformat()

    def view_count(self, story: Story) -> int | None:
        return None

    def route(self, path: str, query: str) -> str | None:
        if path != "/index.php":
            return None
        params = {k: v[0] for k, v in parse_qs(query).items()}
        cn = params.get("cn")
        if cn == "1":
            return self.layout(self.home_main())
        if cn == "7":
            return self.layout(ORGANISATION)
        if cn == "9":
            return self.layout(CONTACT)
        category = self.category(params.get("gd", ""))
        if cn != "55" or category is None:
            return None
        if "tc" in params:
            story = self.by_key.get(int(params["tc"])) if params["tc"].isdigit() else None
            return self.layout(self.article_main(story)) if story and story.category == category else None
        page = int(params.get("page", "1")) if params.get("page", "1").isdigit() else 1
        return self.layout(self.listing_main(category, page)) if page <= self.page_count(category) else None

    # -- pages

    def layout(self, main: str) -> str:
        menu = "".join(f'<td><a href="{esc(self.listing_path(c))}"><font color="#FFFFFF"><b>{esc(c.name.upper())}</b></font></a></td>'
                       for c in self.categories)
        return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(self.title)}</title></head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">
<table width="990" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td colspan="2"><img src="images/banner_phuhoi.jpg" width="990" height="150"></td></tr>
<tr bgcolor="#0066CC"><td colspan="2"><table><tr><td><a href="{esc(self.home)}"><font color="#FFFFFF"><b>TRANG CHỦ</b></font></a></td>
{menu}<td><a href="index.php?cn=7"><font color="#FFFFFF"><b>CƠ CẤU TỔ CHỨC</b></font></a></td>
<td><a href="index.php?cn=9"><font color="#FFFFFF"><b>LIÊN HỆ</b></font></a></td></tr></table></td></tr>
<tr><td width="740" valign="top" style="padding:10px">
{main}
</td><td width="250" valign="top">{self.right()}</td></tr>
<tr><td colspan="2" align="center" bgcolor="#0066CC"><font color="#FFFFFF" size="2">{NAME} - Thị xã Hương Thủy - Tỉnh Thừa Thiên Huế<br>
Điện thoại: 0234.3865.123 - Thiết kế bởi VNPT Thừa Thiên Huế</font></td></tr>
</table></body></html>"""

    def right(self) -> str:
        rows = "".join(f'<tr><td><img src="images/bullet.gif"> <a href="{esc(self.article_path(s))}"><font size="2">'
                       f"{esc(s.title)}</font></a></td></tr>" for s in self.newest())
        return (f'<table width="100%"><tr><td bgcolor="#E5EEF7"><b>TIN MỚI NHẤT</b></td></tr>{rows}</table>'
                '<table width="100%"><tr><td bgcolor="#E5EEF7"><b>LIÊN KẾT WEBSITE</b></td></tr>'
                '<tr><td><a href="https://thuathienhue.gov.vn">Cổng TTĐT tỉnh Thừa Thiên Huế</a></td></tr></table>')

    def home_main(self) -> str:
        return "\n".join(self.listing_main(c, 1, with_pager=False) for c in self.categories)

    def listing_main(self, category: Category, page: int, with_pager: bool = True) -> str:
        items = "\n".join(
            f'<tr><td valign="top"><img src="upload/{s.key}.jpg" width="120"></td><td valign="top">'
            f'<font size="3" color="#003399"><b>{esc(s.title)}</b></font><br><font size="1" color="#666666">'
            f'({s.short_date})</font><br><font size="2">{esc(s.paragraphs[0])}</font><br>'
            f'<a href="{esc(self.article_path(s))}"><i>Xem tiếp »</i></a></td></tr>'
            for s in self.page_of(category, page))
        return (f'<table width="100%"><tr><td colspan="2" bgcolor="#E5EEF7"><b>{esc(category.name.upper())}</b></td></tr>'
                f"{items}</table>{self.pager(category, page) if with_pager else ''}")

    def pager(self, category: Category, page: int) -> str:
        pages = self.page_count(category)
        if pages == 1:
            return ""
        def link(n: int, label: str) -> str:
            return f'<a href="{esc(self.listing_path(category, n))}">{label}</a>'
        nums = " ".join(f"<b>[{n}]</b>" if n == page else link(n, str(n)) for n in range(1, pages + 1))
        return (f'<p align="center">{link(1, "&lt;&lt;")} {link(max(1, page - 1), "&lt;")} {nums} '
                f'{link(min(pages, page + 1), "&gt;")} {link(pages, "&gt;&gt;")}</p>')

    def article_main(self, story: Story) -> str:
        a = story.article
        text = "\n".join(f'<p align="justify"><font size="2" face="Arial">{esc(p)}</font></p>' for p in story.paragraphs)
        byline = f'<p align="right"><font size="2"><b>{esc(a.byline)}</b></font></p>' if a.byline else ""
        others = "".join(f'<li><a href="{esc(self.article_path(s))}"><font size="2">{esc(s.title)}</font></a> '
                         f'<font size="1">({s.short_date})</font></li>' for s in self.related(story))
        return f"""<table width="100%" cellpadding="0" cellspacing="0"><tr><td>
<font size="4" color="#003399" face="Arial"><b>{esc(story.title)}</b></font><br>
<font size="1" color="#999999">{story.short_date}</font>
<hr size="1">
{text}
{byline}
<p align="right"><a href="javascript:window.print()"><img src="images/print.gif" border="0"> In trang</a></p>
<b>Các tin khác:</b><ul>{others}</ul>
</td></tr></table>"""


ORGANISATION = """<p><font size="4" color="#003399"><b>CƠ CẤU TỔ CHỨC UBND XÃ PHÚ HỘI</b></font></p>
<p align="justify"><font size="2">Ủy ban nhân dân xã Phú Hội do Hội đồng nhân dân xã bầu, là cơ quan chấp hành của Hội đồng nhân dân,
cơ quan hành chính nhà nước ở địa phương, chịu trách nhiệm trước Hội đồng nhân dân xã và Ủy ban nhân dân thị xã.</font></p>
<p align="justify"><font size="2">Chủ tịch UBND xã: Ông Nguyễn Văn Bình, phụ trách chung, trực tiếp chỉ đạo công tác tổ chức cán bộ,
tài chính, quốc phòng - an ninh và các nhiệm vụ khác theo quy định của pháp luật.</font></p>
<p align="justify"><font size="2">Phó Chủ tịch UBND xã: Bà Trần Thị Hoa, phụ trách khối văn hóa - xã hội, giáo dục, y tế,
lao động - thương binh và xã hội, dân số và các chương trình mục tiêu quốc gia.</font></p>
<p align="justify"><font size="2">Phó Chủ tịch UBND xã: Ông Lê Văn Hùng, phụ trách khối kinh tế, nông nghiệp, giao thông,
xây dựng, địa chính, tài nguyên - môi trường và công tác xây dựng nông thôn mới.</font></p>"""

CONTACT = """<p><font size="4" color="#003399"><b>LIÊN HỆ</b></font></p>
<p><font size="2">Ủy ban nhân dân xã Phú Hội - Thôn Phú Hội, xã Phú Hội, thị xã Hương Thủy.</font></p>
<p><font size="2">Điện thoại: 0234.3865.123 - Email: phuhoi@thuathienhue.gov.vn</font></p>"""
