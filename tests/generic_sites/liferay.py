"""Family 3, Liferay portal of a Thanh Hóa ward (longanh.tpthanhhoa.thanhhoa.gov.vn-like).

URLs: ``/web/phuong-dong-son/tin-tuc-su-kien`` (an Asset Publisher listing; page N is the same
page with the portlet's ``p_p_id=...&..._delta=8&..._cur=N`` parameters, and a "items per page"
switcher adds ``_delta=20`` variants), articles
``/web/phuong-dong-son/tin-tuc-su-kien/-/asset_publisher/Xk9aQ2/content/{slug}``. Date line
``Đăng lúc: 08:45:00 14/03/2024 (GMT+7)``; views in their own span; the site name is the page's
only <h1> (the article title is an <h3>); the byline is a bold right-aligned last paragraph; "Tin
khác" below; print pop-ups and the login link are traps.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from tests.generic_sites.base import Category, PortalSite, Story, esc, paragraphs_html

SITE = "/web/phuong-dong-son"
PORTLET = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_Xk9aQ2"
NAME = "Cổng thông tin điện tử phường Đông Sơn"


class LiferaySite(PortalSite):
    title = NAME
    family = "Liferay (Thanh Hóa ward)"
    home = f"{SITE}/trang-chu"
    slot = 0
    id_base = 30_000
    categories = (Category("tin-tuc-su-kien", "Tin tức - Sự kiện"), Category("cai-cach-hanh-chinh", "Cải cách hành chính"))

    def article_path(self, story: Story) -> str:
        return f"{SITE}/{story.category.slug}/-/asset_publisher/Xk9aQ2/content/{story.slug}"

    def page_url(self, category: Category, page: int, delta: int = 8) -> str:
        p = f"_{PORTLET}_"
        return (f"{SITE}/{category.slug}?p_p_id={PORTLET}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
                f"&{p}delta={delta}&{p}resetCur=false&{p}cur={page}")

    def route(self, path: str, query: str) -> str | None:
        if path in (SITE, SITE + "/", self.home):
            return self.layout("Trang chủ", self.home_main())
        parts = path[len(SITE) + 1:].split("/") if path.startswith(SITE + "/") else []
        category = self.category(parts[0]) if parts else None
        if category is None:
            return None
        if len(parts) == 1:
            params = {k.removeprefix(f"_{PORTLET}_"): v[0] for k, v in parse_qs(query).items()}
            if params.get("p_p_state", "normal") != "normal":
                return self.layout("In bài viết", "<p>Bản in</p>")
            page = int(params.get("cur", "1")) if params.get("cur", "1").isdigit() else 1
            delta = int(params.get("delta", "8")) if params.get("delta", "8").isdigit() else 8
            return self.layout(category.name, self.listing_main(category, page, delta))
        story = next((s for s in self.listing(category) if parts[-1] == s.slug and len(parts) == 6), None)
        return self.layout(story.title, self.article_main(story), story) if story else None

    # -- pages

    def layout(self, title: str, main: str, story: Story | None = None) -> str:
        og = (f'<meta property="og:title" content="{esc(story.title)}">\n<meta property="og:type" content="article">'
              if story else "")
        menu = "".join(f'<li><a href="{SITE}/{c.slug}">{esc(c.name)}</a></li>' for c in self.categories)
        return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="vi-VN">
<head><meta content="text/html; charset=UTF-8" http-equiv="content-type">
<title>{esc(title)} - {esc(NAME)}</title>
{og}
<link href="{SITE}/o/dongson-theme/css/main.css" rel="stylesheet" type="text/css">
</head>
<body class="controls-visible guest-site signed-out public-page site">
<div class="container-fluid" id="wrapper">
<header id="banner" role="banner">
<div class="top-header"><a href="/c/portal/login?p_l_id=20143">Đăng nhập</a> | Hotline: 0237.3852.114</div>
<div id="heading"><h1 class="site-title"><a class="logo" href="{self.home}" title="Trang chủ">{esc(NAME.upper())}</a></h1></div>
<nav class="sort-pages modify-pages" id="navigation" role="navigation"><ul aria-label="Trang web">
<li><a href="{self.home}">Trang chủ</a></li>{menu}
<li><a href="{SITE}/gioi-thieu">Giới thiệu</a></li></ul></nav>
</header>
<section id="content"><div class="columns-2" id="main-content" role="main"><div class="portlet-layout row">
<div class="col-md-8 portlet-column portlet-column-first" id="column-1">
<div class="portlet-boundary portlet-boundary_{PORTLET}_"><div class="portlet-content">
{main}
</div></div></div>
<div class="col-md-4 portlet-column portlet-column-last" id="column-2">{self.side_box()}</div>
</div></div></section>
<footer id="footer" role="contentinfo"><p>Cơ quan chủ quản: UBND phường Đông Sơn, thành phố Thanh Hóa</p>
<p>Địa chỉ: 01 Lê Lai, phường Đông Sơn. Điện thoại: 0237.3852.114</p>
<p class="powered-by">Lượt truy cập: 186.240</p></footer>
</div></body></html>"""

    def side_box(self) -> str:
        items = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a></li>' for s in self.newest())
        return (f'<div class="portlet-boundary"><h2 class="portlet-title-text">Tin mới nhất</h2><ul>{items}</ul></div>'
                '<div class="portlet-boundary"><h2 class="portlet-title-text">Liên kết</h2>'
                '<a href="https://thanhhoa.gov.vn">Cổng TTĐT tỉnh Thanh Hóa</a></div>')

    def home_main(self) -> str:
        blocks = []
        for c in self.categories:
            items = "".join(f'<div class="asset-abstract"><h3 class="asset-title"><a href="{self.article_path(s)}">'
                            f"{esc(s.title)}</a></h3><span class=\"date\">{s.short_date}</span></div>"
                            for s in self.page_of(c, 1)[:4])
            blocks.append(f'<div class="home-box"><h2><a href="{SITE}/{c.slug}">{esc(c.name)}</a></h2>{items}</div>')
        return "\n".join(blocks)

    def listing_main(self, category: Category, page: int, delta: int) -> str:
        stories = self.listing(category)[(page - 1) * delta:page * delta]
        items = "\n".join(
            f'<div class="asset-abstract"><div class="asset-thumb"><img src="{SITE}/documents/20143/{s.key}.jpg" '
            f'alt=""></div><h3 class="asset-title"><a href="{self.article_path(s)}">{esc(s.title)}</a></h3>'
            f'<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{s.short_date}</span>'
            f'</div><div class="asset-summary">{esc(s.article.sapo or s.paragraphs[0][:160])}</div></div>'
            for s in stories)
        return (f'<h2 class="portlet-title-text">{esc(category.name)}</h2>\n<div class="asset-publisher">{items}</div>\n'
                f"{self.pager(category, page, delta)}")

    def pager(self, category: Category, page: int, delta: int) -> str:
        pages = max(1, -(-len(self.listing(category)) // delta))
        total = len(self.listing(category))
        links = [f'<li class="page-item"><a class="page-link" href="{esc(self.page_url(category, page - 1, delta))}">«</a></li>'
                 if page > 1 else '<li class="page-item disabled"><span class="page-link">«</span></li>']
        for n in range(1, pages + 1):
            links.append(f'<li class="page-item active"><span class="page-link">{n}</span></li>' if n == page else
                         f'<li class="page-item"><a class="page-link" href="{esc(self.page_url(category, n, delta))}">{n}</a></li>')
        if page < pages:
            links.append(f'<li class="page-item"><a class="page-link" href="{esc(self.page_url(category, page + 1, delta))}">»</a></li>')
        deltas = " ".join(f'<a href="{esc(self.page_url(category, 1, d))}">{d}</a>' for d in (8, 20))
        shown = f"Hiển thị {(page - 1) * delta + 1} - {min(page * delta, total)} của {total} kết quả."
        return (f'<div class="taglib-page-iterator"><div class="lfr-pagination"><div class="lfr-pagination-config">'
                f'Mục trên trang: {deltas}</div><small class="search-results">{shown}</small>'
                f'<ul class="lfr-pagination-buttons pagination">{"".join(links)}</ul></div></div>')

    def article_main(self, story: Story) -> str:
        views = (f'<span class="view-count"><i class="icon-eye-open"></i> Lượt xem: {story.article.views}</span>'
                 if story.article.views is not None else "")
        lead = (f'<div class="sapo-detail"><p><strong>{esc(story.article.sapo)}</strong></p></div>'
                if story.article.sapo else "")
        byline = (f'<p style="text-align: right;"><strong>{esc(story.article.byline)}</strong></p>'
                  if story.article.byline else "")
        others = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a> <span>({s.short_date})</span></li>'
                         for s in self.related(story))
        print_url = self.page_url(story.category, 1).replace("p_p_state=normal", "p_p_state=pop_up")
        return f"""<div class="asset-full-content">
<div class="breadcrumb-news"><a href="{SITE}/trang-chu">Trang chủ</a> / <a href="{SITE}/{story.category.slug}">{esc(story.category.name)}</a></div>
<h3 class="header-title title-news"><span>{esc(story.title)}</span></h3>
<div class="news-info"><span class="date-news"><i class="icon-time"></i> Đăng lúc: {story.published:%H:%M:%S %d/%m/%Y} (GMT+7)</span>
{views}</div>
<div class="social-share"><a href="https://www.facebook.com/sharer/sharer.php?u=x">Chia sẻ</a> | <a href="{esc(print_url)}">In bài viết</a></div>
{lead}
<div class="journal-content-article" data-analytics-asset-id="{story.key}">
{paragraphs_html(story, _block)}
{byline}
</div>
<div class="asset-ratings">Đánh giá bài viết: <span>★★★★★</span></div>
<div class="other-news"><h4 class="title">Tin khác</h4><ul>{others}</ul></div>
</div>"""


def _block(kind: str, text: str) -> str:
    if kind == "spacer":
        return "<p>&nbsp;</p>"
    if kind == "figure":
        return (f'<p style="text-align: center;"><img alt="" src="/documents/20143/0/anh.jpg"></p>'
                f'<p style="text-align: center;"><em>{esc(text)}</em></p>')
    if kind == "div":
        return f'<div style="text-align: justify;">{esc(text)}</div>'
    return f'<p style="text-align: justify;"><span style="font-size:14px;"><span style="font-family:Times New Roman;">{esc(text)}</span></span></p>'
