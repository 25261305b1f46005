"""Family 11, WordPress permalinks (haiphongdpi.gov.vn / doluong.gov.vn-like).

URLs: articles ``/{yyyy}/{mm}/{dd}/{slug}/``, categories ``/category/{slug}/`` with
``/category/{slug}/page/N/``, tag and author archives. The visible date is the day only
(``25/09/2015``) while ``<time datetime>`` and the Yoast JSON-LD carry the time, so the truth is
the declared time; the JSON-LD author is the WordPress account ("admin"), the real byline is the
last paragraph (``Trần Minh.``); views come from a plugin, number first (``1.234 lượt xem``); the
lead is the first paragraph and the meta description repeats it. Traps: ``/feed/``,
``?replytocom=``, ``?share=facebook``, ``/wp-login.php``, date archives, ``?s=`` search,
``?orderby=`` sorting, and the comment form.
"""
from __future__ import annotations

import json

from tests.generic_sites.base import Category, PortalSite, Story, esc, paragraphs_html

NAME = "Ban Quản lý các khu công nghiệp"


class WordPressSite(PortalSite):
    title = NAME
    family = "WordPress-like"
    home = "/trang-chu/"
    slot = 4
    id_base = 1_200
    categories = (Category("tin-tuc", "Tin tức"), Category("xuc-tien-dau-tu", "Xúc tiến đầu tư"))

    def article_path(self, story: Story) -> str:
        return f"/{story.published:%Y/%m/%d}/{story.slug}/"

    def listing_path(self, category: Category, page: int = 1) -> str:
        return f"/category/{category.slug}/" + (f"page/{page}/" if page > 1 else "")

    def route(self, path: str, query: str) -> str | None:
        if path == self.home:
            return self.layout(NAME, self.home_main())
        if query.startswith("s=") or "orderby=" in query:
            return self.layout("Tìm kiếm", "<p>Không tìm thấy.</p>")
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] in ("category", "tag", "author"):
            return self.archive(parts)
        if len(parts) == 4 and parts[0].isdigit():
            story = next((s for s in self.stories if self.article_path(s) == path), None)
            return self.layout(story.title, self.article_main(story), story) if story else None
        if len(parts) in (2, 3) and parts[0].isdigit():
            return self.layout("Lưu trữ", "<p>Lưu trữ theo ngày.</p>")
        return None

    def archive(self, parts: list[str]) -> str | None:
        category = self.category(parts[1]) if parts[0] == "category" else self.categories[0]
        if category is None:
            return None
        page = int(parts[3]) if len(parts) == 4 and parts[2] == "page" and parts[3].isdigit() else 1
        if page > self.page_count(category):
            return None
        return self.layout(category.name, self.listing_main(category, page))

    # -- pages

    def layout(self, title: str, main: str, story: Story | None = None) -> str:
        head = self.story_head(story) if story else ""
        menu = "".join(f'<li class="menu-item"><a href="{self.listing_path(c)}">{esc(c.name)}</a></li>'
                       for c in self.categories)
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="UTF-8">
<title>{esc(title)} &#8211; {esc(NAME)}</title>{head}
<link rel="alternate" type="application/rss+xml" href="/feed/">
</head>
<body class="post-template-default single">
<div id="page" class="site">
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="{self.home}" rel="home">{esc(NAME)}</a></p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu"><li><a href="{self.home}">Trang chủ</a></li>{menu}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
<aside id="secondary" class="widget-area">{self.widgets()}</aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">© {esc(NAME)}. <a href="/wp-login.php">Đăng nhập</a></div></footer>
</div></body></html>"""

    def story_head(self, story: Story) -> str:
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "Article", "headline": story.title, "datePublished": story.published.isoformat(),
             "author": {"@type": "Person", "name": "admin"}, "articleSection": story.category.name},
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Trang chủ"},
                {"@type": "ListItem", "position": 2, "name": story.category.name}]}]}
        desc = f'\n<meta name="description" content="{esc(story.article.sapo)}">' if story.article.sapo else ""
        return (f'{desc}\n<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(story.title)}">'
                f'\n<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>')

    def widgets(self) -> str:
        recent = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a></li>' for s in self.newest())
        months = "".join(f'<li><a href="/{y}/{m:02d}/">Tháng {m} {y}</a></li>' for y, m in ((2024, 9), (2024, 8), (2023, 12)))
        return (f'<section class="widget widget_search"><form action="/" method="get"><input name="s"></form></section>'
                f'<section class="widget widget_recent_entries"><h2 class="widget-title">Bài viết mới</h2><ul>{recent}</ul></section>'
                f'<section class="widget widget_archive"><h2 class="widget-title">Lưu trữ</h2><ul>{months}</ul></section>')

    def home_main(self) -> str:
        return self.listing_main(self.categories[0], 1, heading=False)

    def listing_main(self, category: Category, page: int, heading: bool = True) -> str:
        posts = "\n".join(
            f'<article class="post type-post"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{self.article_path(s)}" rel="bookmark">{esc(s.title)}</a></h2><div class="entry-meta">'
            f'<time class="entry-date" datetime="{s.published.isoformat()}">{s.short_date}</time></div></header>'
            f'<div class="entry-summary"><p>{esc(s.paragraphs[0][:220])} […]</p></div></article>'
            for s in self.page_of(category, page))
        pages = self.page_count(category)
        nav = " ".join(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                       else f'<a class="page-numbers" href="{self.listing_path(category, n)}">{n}</a>' for n in range(1, pages + 1))
        if page < pages:
            nav += f' <a class="next page-numbers" href="{self.listing_path(category, page + 1)}">Trang sau »</a>'
        sort = f'<a href="{self.listing_path(category)}?orderby=title&amp;order=asc">Sắp xếp theo tên</a>'
        title = f'<header class="page-header"><h1 class="page-title">Chuyên mục: {esc(category.name)}</h1>{sort}</header>' if heading else ""
        return f'{title}{posts}<nav class="navigation pagination"><div class="nav-links">{nav}</div></nav>'

    def article_main(self, story: Story) -> str:
        a = story.article
        views = f'<span class="post-views">{a.views:,} lượt xem</span>'.replace(",", ".") if a.views is not None else ""
        byline = f'<p style="text-align: right;"><strong>{esc(a.byline)}</strong></p>' if a.byline else ""
        lead = f"<p>{esc(a.sapo)}</p>" if a.sapo else ""
        related = "".join(f'<li><a href="{self.article_path(s)}">{esc(s.title)}</a> <time>{s.short_date}</time></li>'
                          for s in self.related(story, 3))
        path = self.article_path(story)
        return f"""<article id="post-{story.key}" class="post-{story.key} post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{story.published.isoformat()}">{story.short_date}</time></span>
<span class="cat-links"><a href="{self.listing_path(story.category)}" rel="category tag">{esc(story.category.name)}</a></span> {views}</div></header>
<div class="entry-content">
{lead}
{paragraphs_html(story, _block)}
{byline}
<div class="sharedaddy"><h3 class="sd-title">Chia sẻ:</h3><a href="{path}?share=facebook">Facebook</a> <a href="{path}?share=zalo">Zalo</a></div>
<div id="jp-relatedposts"><h3 class="jp-relatedposts-headline">Bài viết liên quan</h3><ul>{related}</ul></div>
</div>
<footer class="entry-footer"><span class="tags-links"><a href="/tag/dau-tu/" rel="tag">đầu tư</a></span></footer>
</article>
<div id="comments" class="comments-area"><h2 class="comments-title">Một bình luận</h2>
<ol class="comment-list"><li class="comment"><p>Bài viết rất hữu ích, cảm ơn Ban quản lý.</p>
<a class="comment-reply-link" href="{path}?replytocom={story.key + 1}#respond">Trả lời</a></li></ol>
<div id="respond"><h3 class="comment-reply-title">Để lại bình luận</h3><form action="/wp-comments-post.php" method="post">
<textarea name="comment"></textarea><input type="submit" value="Phản hồi"></form></div></div>"""


def _block(kind: str, text: str) -> str:
    if kind == "spacer":
        return "<p>&nbsp;</p>"
    if kind == "figure":
        return (f'<figure class="wp-block-image size-large"><img src="/wp-content/uploads/2015/09/anh.jpg" alt="">'
                f"<figcaption>{esc(text)}</figcaption></figure>")
    return f"<p>{esc(text)}</p>"
