"""Family 6, NukeViet (PHP): the sample portal of xã Minh Đức, in a legacy encoding.

A replica of a NukeViet 4 commune site such as ``minhduc.dongnai.gov.vn`` (docs/platforms.md,
family 6): the news module's category listings ``/vi/news/{cat}/`` with NukeViet 4 pagination
``/vi/news/{cat}/page-2`` (page numbers and ``«`` / ``»``; the arrow is a disabled ``#`` link on
the first and last page), articles ``/vi/news/{cat}/{slug}-{id}.html``, uploads under
``/uploads/news/YYYY_MM/``. The article page follows the default theme's ``detail.tpl``: a
``NewsArticle`` microdata scope with ``<meta itemprop="datePublished" content="2025-07-28T11:07:31+07:00">``,
the date line with a weekday (``Thứ hai - 28/07/2025 11:07``), the ``hometext`` sapo, the body in
``#news-bodyhtml``, then ``Tác giả:`` and ``Nguồn tin:`` lines in their own elements, keywords,
rating, ``Ý kiến bạn đọc`` and the ``Những tin mới hơn`` / ``Những tin cũ hơn`` lists. A view
counter (``Lượt xem: N``) is shown on some articles.

The encoding is a deliberate stress test, not something observed on this host: every page is
windows-1258, declared only by ``<meta http-equiv="Content-Type" ...charset=windows-1258">``
(the HTTP header says ``text/html`` with no charset), so most tone marks travel as combining
characters (NFD-like text) and a crawler must decode by the meta tag and normalize to NFC.

Traps: a header clock in exactly the date line's format, related lists with other dates, the
counter block ("Tổng lượt truy cập"), a large menu, print/sendmail links that only scripts open.
"""
from __future__ import annotations

import random
import re
from datetime import datetime
from urllib.parse import unquote

from sample_portal.commune_corpus import (
    CommunePortal,
    Post,
    Section,
    compose_posts,
    post_truth,
    random_moment,
)
from sample_portal.commune_phrases import MINH_DUC
from sample_portal.corpus import ArticleSpec, ascii_fold, deck, format_views, make_byline, vn_time
from sample_portal.markup import (
    PIXEL,
    CommuneSite,
    HitCounter,
    Reply,
    attr,
    encode_cp1258,
    esc,
    now_vn,
    render_block,
    render_byline,
    render_menu,
    weekday,
)

MOUNT = "/minhduc"
SITE_SLUG = "sample-nukeviet"
SITE_NAME = "Xã Minh Đức"
PER_PAGE = 5
SEED = "minhduc:2025"
CHARSET = "windows-1258"
HEADERS = {"Server": "Apache", "X-Powered-By": "PHP/7.4.33", "Content-Type": "text/html"}  # no charset: on purpose
SECTIONS = (
    Section("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    Section("chinh-quyen", "Hoạt động chính quyền"),
    Section("kinh-te-xa-hoi", "Kinh tế - Xã hội"),
    Section("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}
_COUNTS = {"tin-tuc-su-kien": 12, "chinh-quyen": 10, "kinh-te-xa-hoi": 12, "quoc-phong-an-ninh": 10}
SOURCES = ("UBND xã Minh Đức", "Báo Đồng Nai", "Văn phòng Đảng ủy xã", "Đài Truyền thanh xã")
# How an article names its author: the "Tác giả:" field (one name, a full name, two names or the
# "Admin" placeholder), a bare name typed as the last line of the body, or nothing at all.
AUTHOR_MODES = ("field", "field", "field", "full", "two", "admin", "body", "body", "none")

_ARTICLE = re.compile(r"/vi/news/([a-z0-9-]+)/([a-z0-9-]+)-(\d+)\.html")
_LISTING = re.compile(r"/vi/news/([a-z0-9-]+)/(?:page-(\d+))?")


def url_slug(title: str) -> str:
    """NukeViet's alias: ASCII, lower case, runs of anything else as one '-' (``change_alias``)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(title).lower()).strip("-")


def post_path(post: Post) -> str:
    return f"{MOUNT}/vi/news/{post.sections[0]}/{post.slug}-{post.id}.html"


def section_path(slug: str, page: int = 1) -> str:
    return f"{MOUNT}/vi/news/{slug}/" + (f"page-{page}" if page > 1 else "")


def date_line(when: datetime) -> str:
    """NukeViet's ``publtime``: ``Thứ hai - 28/07/2025 11:07``."""
    return f"{weekday(when)} - {when:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------- the corpus


def _author(mode: str, rng: random.Random) -> tuple[tuple[str | None, tuple[str, ...]], str | None]:
    """(byline typed in the body, its authors) and the ``Tác giả:`` field for one author mode."""
    voice = MINH_DUC
    if mode == "body":
        return make_byline("bare", rng, voice), None
    if mode == "none":
        return (None, ()), None
    if mode == "admin":
        return (None, ()), "Admin"
    if mode == "full":
        name = rng.choice(voice.full_names)
        return (None, (name,)), name
    first, second = rng.sample(voice.reporters, 2)
    if mode == "two":
        return (None, (first, second)), f"{first}, {second}"
    return (None, (first,)), first


def _pinned() -> list[tuple[ArticleSpec, str | None, str | None]]:
    """(spec, Tác giả field, Nguồn tin) of the posts whose features the ground truth pins."""
    t = vn_time
    return [
        (ArticleSpec("tin-tuc-su-kien", t(2025, 7, 28, 11, 7, 31), views=58, topic="two_level", variant=0,
                     title="Xã Minh Đức đánh giá tháng đầu vận hành chính quyền hai cấp (01/7 - 28/7/2025)",
                     byline=(None, ("Minh Tâm",)), figure=True), "Minh Tâm", "UBND xã Minh Đức"),
        (ArticleSpec("chinh-quyen", t(2025, 8, 19, 9, 42, 5), views=1234, topic="council",
                     byline=(None, ("Thanh Tùng", "Kim Oanh"))), "Thanh Tùng, Kim Oanh", None),
        (ArticleSpec("kinh-te-xa-hoi", t(2025, 10, 6, 15, 20, 48), topic="agriculture",
                     byline=(None, ())), "Admin", "Báo Đồng Nai"),
        (ArticleSpec("quoc-phong-an-ninh", t(2025, 12, 2, 8, 3, 17), views=406, topic="police",
                     byline=("Đức Huy", ("Đức Huy",))), None, "Văn phòng Đảng ủy xã"),
        (ArticleSpec("kinh-te-xa-hoi", t(2026, 2, 9, 10, 55, 0), has_sapo=False, topic="education",
                     byline=(None, ())), None, None),
        (ArticleSpec("chinh-quyen", t(2026, 4, 14, 14, 12, 9), views=15890, topic="finance",
                     secondary=("tin-tuc-su-kien",), byline=(None, ("Trần Thị Kim Oanh",))), "Trần Thị Kim Oanh", None),
        (ArticleSpec("quoc-phong-an-ninh", t(2026, 7, 30, 16, 48, 52), views=77, topic="military",
                     secondary=("tin-tuc-su-kien",), byline=(None, ("Bảo Trâm",))), "Bảo Trâm", "UBND xã Minh Đức"),
    ]


def _generated(rng: random.Random, pinned: list[ArticleSpec]) -> list[tuple[ArticleSpec, str | None, str | None]]:
    counts = dict(_COUNTS)
    for spec in pinned:
        counts[spec.category] -= 1
    n = sum(counts.values())
    views = deck(rng, ["none"] * 3 + ["small"] * 5 + ["big"] * 2, n)
    sapos = deck(rng, [True] * 7 + [False], n)
    modes = deck(rng, list(AUTHOR_MODES), n)
    sources = deck(rng, [*SOURCES, None, None], n)
    planned = []
    for i, slug in enumerate(s for s, k in counts.items() for _ in range(k)):
        count = {"none": None, "small": rng.randint(8, 990), "big": rng.randint(1000, 20000)}[views[i]]
        byline, field = _author(modes[i], rng)
        when = random_moment(rng, vn_time(2025, 7, 1), 480, seconds=True)
        planned.append((ArticleSpec(slug, when, "time", count, sapos[i], byline=byline), field, sources[i]))
    return planned


def build_portal(seed: str = SEED) -> CommunePortal:
    """The sample portal's 44 posts; deterministic for a seed."""
    rng = random.Random(seed)
    pinned = _pinned()
    plan = pinned + _generated(rng, [spec for spec, _, _ in pinned])
    specs = [spec for spec, _, _ in plan]
    composed = compose_posts(specs, seed, MINH_DUC, lambda rank: 1187 + 3 * rank, url_slug)
    posts = [Post(a.id, url_slug(a.title), a, author_field=plan[i][1], source=plan[i][2]) for i, a in composed]
    return CommunePortal(SECTIONS, posts, PER_PAGE)


def truth_row(post: Post, origin: str) -> dict:
    """The ground-truth row of one post; `origin` is e.g. ``http://127.0.0.1:8765``.

    The publication time is the microdata's (``datePublished``, with seconds), which is also the
    raw date kept; the visible date line states the same minute.
    """
    stamp = post.published.isoformat(timespec="seconds")
    return post_truth(post, SECTION_BY_SLUG, origin + post_path(post), SITE_SLUG, stamp)


def ground_truth(base_url: str, portal: CommunePortal | None = None) -> list[dict]:
    """What a perfect crawl of the portal served at `base_url` (root or mount) must archive, newest first."""
    return NukeVietSite(portal).ground_truth(base_url)


# ---------------------------------------------------------------- the site


class NukeVietSite(CommuneSite):
    """The sample NukeViet portal mounted at ``/minhduc``; every page in windows-1258."""

    title = "Cổng thông tin điện tử xã Minh Đức"
    family = "NukeViet (family 6), windows-1258"
    home = "/vi/"
    mount = MOUNT
    slug = SITE_SLUG
    visits_start = 1_046_528
    truth_row = staticmethod(truth_row)
    build = staticmethod(build_portal)

    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        """Answer a request for `path` (the part after the mount)."""
        path = unquote(path)
        if path in ("", "/vi", "/vi/news"):
            return self._redirect(MOUNT + path + "/" if path else MOUNT + self.home)
        if path in ("/", "/vi/", "/vi/news/"):
            return self._page(SITE_NAME, _home(self.portal))
        if path.startswith("/uploads/"):
            return 200, {**HEADERS, "Content-Type": "image/jpeg"}, PIXEL
        match = _ARTICLE.fullmatch(path)
        if match:
            return self._article(*match.groups())
        match = re.fullmatch(r"/vi/news/([a-z0-9-]+)", path)
        if match and match.group(1) in SECTION_BY_SLUG:
            return self._redirect(section_path(match.group(1)))
        match = _LISTING.fullmatch(path)
        section = SECTION_BY_SLUG.get(match.group(1)) if match else None
        page = int(match.group(2) or 1) if match else 0
        if section is not None and 1 <= page <= self.portal.pages(section.slug):
            return self._page(f"{section.name} - {SITE_NAME}", _listing(self.portal, section, page),
                              breadcrumb=section)
        return self._page(f"Lỗi 404 - {SITE_NAME}", _not_found(), status=404)

    def _article(self, cat: str, slug: str, id_text: str) -> Reply:
        post = self.portal.find(int(id_text))
        if post is None:
            return self._page(f"Lỗi 404 - {SITE_NAME}", _not_found(), status=404)
        if (cat, slug) != (post.sections[0], post.slug):  # NukeViet sends old or other aliases home
            return self._redirect(post_path(post))
        section = SECTION_BY_SLUG[post.sections[0]]
        head = (f'<meta name="description" content="{attr(post.content.sapo or "")}">\n'
                f'<meta property="og:type" content="article">\n<meta property="og:title" content="{attr(post.title)}">\n'
                f'<link rel="canonical" href="{attr(post_path(post))}">')
        return self._page(f"{post.title} - {SITE_NAME}", _article(self.portal, post), head, section)

    def _page(self, title: str, main: str, head: str = "", breadcrumb: Section | None = None,
              status: int = 200) -> Reply:
        page = _layout(title, head, main, breadcrumb, self.portal, self.counter)
        return status, dict(HEADERS), encode_cp1258(page)

    def _redirect(self, location: str) -> Reply:
        return 301, {**HEADERS, "Location": location}, encode_cp1258(_layout_redirect(location))


# ---------------------------------------------------------------- page parts


def _upload(post: Post, suffix: str = "") -> str:
    return f"{MOUNT}/uploads/news/{post.published:%Y_%m}/{post.slug}{suffix}.jpg"


def _pager(slug: str, page: int, pages: int) -> str:
    """NukeViet 4's ``nv_generate_page``: « 1 2 3 », the arrows disabled (``#``) at either end."""
    if pages <= 1:
        return ""

    def item(label: str, target: int | None, css: str = "") -> str:
        klass = f' class="{css}"' if css else ""
        href = section_path(slug, target) if target else "#"
        title = f' title="Trang {target}"' if target else ""
        return f'<li{klass}><a href="{attr(href)}"{title}>{label}</a></li>'

    items = [item("&laquo;", page - 1 if page > 1 else None, "" if page > 1 else "disabled")]
    items += [item(str(n), None if n == page else n, "active" if n == page else "") for n in range(1, pages + 1)]
    items.append(item("&raquo;", page + 1 if page < pages else None, "" if page < pages else "disabled"))
    return '<div class="text-center"><ul class="pagination">' + "".join(items) + "</ul></div>"


def _listing_item(post: Post) -> str:
    url = attr(post_path(post))
    views = f'<li><em class="fa fa-eye">&nbsp;</em> {format_views(post.views)}</li>' if post.views is not None else ""
    lead = esc(post.content.sapo) if post.content.sapo else ""
    return (f'<div class="news_column panel panel-default"><div class="panel-body">'
            f'<a href="{url}" title="{attr(post.title)}"><img alt="{attr(post.title)}" src="{_upload(post)}" '
            'width="100" class="img-thumbnail pull-left imghome" /></a>'
            f'<h3><a href="{url}" title="{attr(post.title)}">{esc(post.title)}</a></h3>'
            '<div class="text-muted"><ul class="list-unstyled list-inline">'
            f'<li><em class="fa fa-clock-o">&nbsp;</em> {date_line(post.published)}</li>{views}'
            f'<li><a href="{url}#comment"><em class="fa fa-comment-o">&nbsp;</em> Bình luận: 0</a></li></ul></div>'
            f"{lead}</div></div>")


def _listing(portal: CommunePortal, section: Section, page: int) -> str:
    items = "\n".join(_listing_item(p) for p in portal.listing(section.slug, page))
    return (f'<div class="page-header"><h1>{esc(section.name)}</h1></div>\n{items}\n'
            f"{_pager(section.slug, page, portal.pages(section.slug))}")


def _home(portal: CommunePortal) -> str:
    boxes = []
    for section in portal.sections:
        links = "".join(f'<li><a href="{attr(post_path(p))}">{esc(p.title)}</a></li>'
                        for p in portal.listing(section.slug, 1)[:4])
        boxes.append(f'<div class="panel panel-default"><div class="panel-heading"><a href="{section_path(section.slug)}">'
                     f'{esc(section.name)}</a></div><div class="panel-body"><ul class="related">{links}</ul></div></div>')
    return '<div class="news_column">\n' + "\n".join(boxes) + "\n</div>"


def _related(label: str, posts: list[Post]) -> str:
    if not posts:
        return ""
    items = "".join(f'<li><em class="fa fa-angle-right">&nbsp;</em><h4><a href="{attr(post_path(p))}" '
                    f'title="{attr(p.title)}">{esc(p.title)}</a> <em>({p.short_date})</em></h4></li>' for p in posts)
    return (f'<p class="h3"><strong>{label}</strong></p><div class="clearfix">'
            f'<ul class="detail-related related list-none list-items">{items}</ul></div>')


def _bodyhtml(post: Post) -> str:
    blocks = [render_block(b, lambda i: _upload(post, f"-{i}"), i) for i, b in enumerate(post.content.blocks)]
    if post.content.byline:
        blocks.append(render_byline(post.content.byline))
    return "\n".join(blocks)


def _credits(post: Post) -> str:
    lines = []
    if post.author_field:
        lines.append(f'<p class="h5 text-right"><strong>Tác giả: </strong>{esc(post.author_field)}</p>')
    if post.source:
        lines.append(f'<p class="h5 text-right"><strong>Nguồn tin: </strong>{esc(post.source)}</p>')
    return f'<div class="margin-bottom-lg">{"".join(lines)}</div>' if lines else ""


def _article(portal: CommunePortal, post: Post) -> str:
    url = post_path(post)
    stamp = post.published.isoformat(timespec="seconds")
    views = f'<li class="hitstotal"><em class="fa fa-eye">&nbsp;</em> {format_views(post.views)}</li>' if post.views is not None else ""
    hometext = ""
    if post.content.sapo:
        hometext = (f'<div class="clearfix"><div class="imghome pull-left text-center" style="width:183px;">'
                    f'<img alt="" src="{_upload(post)}" width="183" class="img-thumbnail" /></div>'
                    f'<div class="hometext m-bottom" itemprop="description">{esc(post.content.sapo)}</div></div>')
    newer, older = portal.newer_and_older(post)
    script = "nv_open_browse('{}', '', 850, 500, 'resizable=no,scrollbars=yes,toolbar=no,location=no,status=no');return false;"
    sendmail = script.format(f"{MOUNT}/vi/news/sendmail/{post.sections[0]}/{post.slug}-{post.id}.html")
    printer = script.format(f"{MOUNT}/vi/news/print/{post.sections[0]}/{post.slug}-{post.id}.html")
    return "\n".join([
        '<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>',
        '<div class="panel-body">',
        f'<h1 class="title margin-bottom-lg" itemprop="headline">{esc(post.title)}</h1>',
        '<div class="hidden hide d-none" itemprop="author" itemtype="http://schema.org/Person" itemscope>'
        f'<span itemprop="name">{esc(post.author_field or SITE_NAME)}</span></div>',
        f'<meta itemprop="datePublished" content="{stamp}">',
        f'<meta itemprop="dateModified" content="{stamp}">',
        f'<meta itemprop="mainEntityOfPage" content="{attr(url)}">',
        '<div class="hidden hide d-none" itemprop="publisher" itemtype="http://schema.org/Organization" itemscope>'
        f'<span itemprop="name">{SITE_NAME}</span></div>',
        '<div class="row margin-bottom-lg">',
        f'<div class="col-md-12"><span class="h5">{date_line(post.published)}</span></div>',
        '<div class="col-md-12"><ul class="list-inline text-right">'
        f'{views}<li><a class="dimgray" rel="nofollow" title="Gửi bài viết qua email" href="javascript:void(0);" '
        f'onclick="{attr(sendmail)}"><em class="fa fa-envelope fa-lg">&nbsp;</em></a></li>'
        '<li><a class="dimgray" rel="nofollow" title="In ra" href="javascript:void(0);" '
        f'onclick="{attr(printer)}"><em class="fa fa-print fa-lg">&nbsp;</em></a></li></ul></div>',
        "</div>",
        hometext,
        f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">\n{_bodyhtml(post)}\n</div>',
        _credits(post),
        "</div>", "</div>",
        '<div class="news_column panel panel-default"><div class="panel-body"><div class="h5">'
        '<em class="fa fa-tags">&nbsp;</em><strong>Từ khóa: </strong><span itemprop="keywords">'
        f'<a title="xã minh đức" href="{MOUNT}/vi/news/tag/xa-minh-duc"><em>xã minh đức</em></a>, '
        f'<a title="đồng nai" href="{MOUNT}/vi/news/tag/dong-nai"><em>đồng nai</em></a></span></div></div></div>',
        '<div class="news_column panel panel-default"><div class="panel-body"><form id="form3B" action="">'
        '<div class="h5 clearfix"><p id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>'
        '<span class="help-block">Click để đánh giá bài viết</span></div></form></div></div>',
        '<div class="news_column panel panel-default"><div class="panel-body"><div id="idcomment" class="nv-fullbg">'
        '<p class="comment-title"><em class="fa fa-comments">&nbsp;</em> Ý kiến bạn đọc</p>'
        '<form method="post" role="form"><textarea class="form-control" name="content" '
        'placeholder="Nội dung bình luận"></textarea><input type="submit" class="btn btn-primary" '
        'value="Gửi bình luận"></form></div></div></div>',
        '<div class="news_column panel panel-default"><div class="panel-body other-news">',
        _related("Những tin mới hơn", newer), _related("Những tin cũ hơn", older),
        "</div></div>",
    ])


def _not_found() -> str:
    return ('<div class="alert alert-danger">Lỗi 404: Trang web bạn yêu cầu không tồn tại hoặc đã bị xóa.'
            f' <a href="{MOUNT}/vi/">Quay lại trang chủ</a></div>')


# (label, path below /vi/, children). Most of these pages are not on the sample portal (404).
_MENU: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Trang nhất", "", ()),
    ("Giới thiệu", "about/", (
        ("Lịch sử hình thành", "about/lich-su-hinh-thanh.html"), ("Điều kiện tự nhiên", "about/dieu-kien-tu-nhien.html"),
        ("Cơ cấu tổ chức", "about/co-cau-to-chuc.html"), ("Danh bạ điện thoại", "about/danh-ba.html"))),
    ("Tin tức", "news/", (
        ("Tin tức - Sự kiện", "news/tin-tuc-su-kien/"), ("Hoạt động chính quyền", "news/chinh-quyen/"),
        ("Kinh tế - Xã hội", "news/kinh-te-xa-hoi/"), ("Quốc phòng - An ninh", "news/quoc-phong-an-ninh/"),
        ("Thông báo", "news/thong-bao/"), ("Tuyên truyền pháp luật", "news/tuyen-truyen-phap-luat/"))),
    ("Văn bản", "laws/", (
        ("Văn bản của Đảng ủy", "laws/Dang-uy/"), ("Văn bản của UBND", "laws/UBND/"), ("Văn bản của HĐND", "laws/HDND/"))),
    ("Thủ tục hành chính", "thu-tuc-hanh-chinh/", ()),
    ("Công khai ngân sách", "news/cong-khai-ngan-sach/", ()),
    ("Hỏi đáp", "faq/", ()),
    ("Liên hệ", "contact/", ()),
)


def _menu() -> str:
    def link(label: str, path: str) -> str:
        return f'<a title="{attr(label)}" href="{MOUNT}/vi/{path}">{esc(label)}</a>'
    return ('<nav class="second-nav" id="menusite"><div class="container"><div class="row"><div class="bg box-shadow">'
            f'<ul class="nav navbar-nav">{render_menu(_MENU, link, "dropdown", "dropdown-menu")}</ul></div></div></div></nav>')


_MENU_HTML = _menu()


def _breadcrumbs(section: Section | None) -> str:
    trail = [("Trang nhất", f"{MOUNT}/vi/"), ("Tin Tức", f"{MOUNT}/vi/news/")]
    if section is not None:
        trail.append((section.name, section_path(section.slug)))
    items = "".join(
        f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a href="{attr(url)}" '
        f'itemprop="item" title="{attr(name)}"><span itemprop="name">{esc(name)}</span></a>'
        f'<i class="hidden" itemprop="position" content="{i}"></i></li>' for i, (name, url) in enumerate(trail, 1))
    return ('<div class="breadcrumbs-wrap"><div class="display"><ul class="breadcrumbs list-none"></ul></div>'
            f'<ul class="temp-breadcrumbs hidden" itemscope itemtype="https://schema.org/BreadcrumbList">{items}</ul></div>')


def _side(portal: CommunePortal, counter: HitCounter) -> str:
    newest = "".join(f'<li><a href="{attr(post_path(p))}" title="{attr(p.title)}">{esc(p.title)}</a> '
                     f'<span class="text-muted">({p.short_date})</span></li>' for p in portal.newest(5))
    total = counter.next()
    return (f'<div class="panel panel-primary"><div class="panel-heading">Tin mới</div><div class="panel-body">'
            f'<ul class="block_groups list-none list-items">{newest}</ul></div></div>\n'
            '<div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div><div class="panel-body">'
            '<ul class="counter list-none display-table">'
            f'<li><span><em class="fa fa-bolt fa-lg fa-horizon"></em>Đang truy cập</span><span>{total % 37 + 3}</span></li>'
            f'<li><span><em class="fa fa-filter fa-lg fa-horizon"></em>Hôm nay</span><span>{total % 900 + 100}</span></li>'
            f'<li><span><em class="fa fa-bar-chart fa-lg fa-horizon"></em>Tổng lượt truy cập</span><span>{total}</span></li>'
            "</ul></div></div>")


def _layout(title: str, head: str, main: str, breadcrumb: Section | None, portal: CommunePortal,
            counter: HitCounter) -> str:
    now = now_vn()
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">',
        "<head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">',  # the only charset declaration
        f"<title>{esc(title)}</title>", '<meta name="generator" content="NukeViet v4.5">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', head,
        f'<link rel="StyleSheet" href="{MOUNT}/themes/default/css/bootstrap.non-responsive.css">',
        f'<script src="{MOUNT}/assets/js/jquery/jquery.min.js"></script>', "</head>",
        '<body><div class="body-bg"><div class="wraper">',
        f'<header><div class="container"><div id="header" class="row"><div class="logo"><a title="{SITE_NAME}" '
        f'href="{MOUNT}/vi/"><img src="{MOUNT}/uploads/logo.png" alt="{SITE_NAME}"></a>'
        f'<span class="site_name">{SITE_NAME}</span><span class="site_description">Cổng thông tin điện tử xã Minh Đức, '
        "tỉnh Đồng Nai</span></div></div></div></header>",
        _MENU_HTML,
        '<section><div class="container" id="body"><nav class="third-nav"><div class="row"><div class="bg"><div class="clearfix">',
        f'<div class="col-md-18">{_breadcrumbs(breadcrumb)}</div>',
        f'<div class="col-md-6 text-right"><span class="current-time">{date_line(now)}</span></div>',
        "</div></div></div></nav>",
        f'<div class="row"><div class="col-sm-16 col-md-18">{main}</div>',
        f'<div class="col-sm-8 col-md-6">{_side(portal, counter)}</div></div>',
        "</div></section></div></div>",
        '<footer id="footer" class="footer-nav"><div class="container"><p><strong>CỔNG THÔNG TIN ĐIỆN TỬ XÃ MINH ĐỨC'
        "</strong></p><p>Cơ quan chủ quản: UBND xã Minh Đức, tỉnh Đồng Nai</p>"
        "<p>Chịu trách nhiệm chính: Chủ tịch UBND xã Minh Đức</p>"
        '<p>© Bản quyền thuộc về UBND xã Minh Đức. Phát triển bởi <a href="https://nukeviet.vn">NukeViet CMS</a></p>'
        "</div></footer>", "</body>", "</html>",
    ]) + "\n"


def _layout_redirect(location: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">'
            f'<meta http-equiv="refresh" content="0;url={attr(location)}"></head><body>'
            f'<a href="{attr(location)}">Chuyển hướng</a></body></html>')
