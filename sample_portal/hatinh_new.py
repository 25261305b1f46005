"""Family 5, the new Hà Tĩnh portal platform (2024-25): the sample portal of phường Nam Hồng Lĩnh.

A replica of ``namhonglinh.hatinh.gov.vn`` as public material shows it (docs/platforms.md,
family 5): category listings ``/vi/chuyen-muc/{slug}?page=N`` (plain links: page numbers, ``‹``,
``›``, ``«``, ``»``), articles ``/vi/bai-viet/{slug}`` with no numeric id, pictures under
``/namhonglinh/Others/...``; listing items ``div.post-item`` (the first item of page 1 is the
featured ``div.post-show``) with ``h4 > a``, ``p.content`` and ``span.info-post-times``; the
detail page has ``h1.title-detail``, the date in ``span.info-post-times``, the sapo and
``div.content-detail``. The rest of the markup is plausible, not observed. Traps: the header clock
(``span.date-time``, which a ``span[class*=time]`` guess would take for the date), related and
side lists with other dates, a visit counter in the footer, a large menu, and some posts stored
in decomposed (NFD) Unicode. Posts migrated from the old town portal show ``00:00`` for a time
they no longer have.

What lives where: ``build_portal()`` plans the corpus (``commune_phrases.NAM_HONG_LINH``),
``HaTinhSite`` answers requests below the mount, ``ground_truth()`` is computed from the posts.
"""
from __future__ import annotations

import random
import re
from urllib.parse import parse_qs, unquote

from sample_portal.commune_corpus import (
    CommunePortal,
    Post,
    Section,
    compose_posts,
    post_truth,
    random_moment,
)
from sample_portal.commune_phrases import NAM_HONG_LINH
from sample_portal.corpus import BYLINE_STYLES, ArticleSpec, Block, ascii_fold, deck, format_views, vn_time
from sample_portal.markup import (
    PIXEL,
    CommuneSite,
    Reply,
    attr,
    decomposed,
    esc,
    html_reply,
    redirect,
    render_block,
    render_byline,
    render_menu,
)
from sample_portal.sharepoint import today_clock

MOUNT = "/namhonglinh"
SITE_SLUG = "sample-hatinh"
SITE_NAME = "Cổng thông tin điện tử phường Nam Hồng Lĩnh"
PER_PAGE = 5
SEED = "namhonglinh:2025"
HEADERS = {"Server": "nginx", "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-cache"}
SECTIONS = (
    Section("tin-tuc---su-kien", "Tin tức - Sự kiện"),  # the slug attested on the live portal
    Section("kinh-te", "Kinh tế"),
    Section("van-hoa---xa-hoi", "Văn hóa - Xã hội"),
    Section("quoc-phong---an-ninh", "Quốc phòng - An ninh"),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}
_POSTS_PER_SECTION = 12  # primary posts; three more are also listed under Tin tức - Sự kiện

_ARTICLE = re.compile(r"/vi/bai-viet/([a-z0-9-]+)")
_LISTING = re.compile(r"/vi/chuyen-muc/([a-z0-9-]+)")


def url_slug(title: str) -> str:
    """The platform's slug: ASCII, lower case, each space and hyphen a '-' (``tin-tuc---su-kien``)."""
    words = re.sub(r"[^a-z0-9 -]+", " ", ascii_fold(title).lower())
    return re.sub(r"[ -]", "-", " ".join(words.split()))


def post_path(post: Post) -> str:
    return f"{MOUNT}/vi/bai-viet/{post.slug}"


def section_path(slug: str) -> str:
    return f"{MOUNT}/vi/chuyen-muc/{slug}"


def date_line(post: Post) -> str:
    """What the page shows as the post's time: ``28/07/2025 11:07``; ``00:00`` when it has none."""
    when = post.published
    return f"{when:%d/%m/%Y %H:%M}" if post.timed else f"{when:%d/%m/%Y} 00:00"


# ---------------------------------------------------------------- the corpus


def _pinned() -> list[ArticleSpec]:
    """Posts whose features the ground truth pins; the rest are drawn at random."""
    return [
        ArticleSpec("tin-tuc---su-kien", vn_time(2025, 7, 1, 8, 30), views=2517, topic="two_level", variant=0,
                    title="Phường Nam Hồng Lĩnh chính thức vận hành chính quyền địa phương hai cấp từ ngày 1/7/2025",
                    byline=("Tin, ảnh: Hồng Nhung - Quang Vinh", ("Hồng Nhung", "Quang Vinh")), figure=True),
        ArticleSpec("quoc-phong---an-ninh", vn_time(2025, 9, 12, 15, 5), views=862, topic="military",
                    byline=("ĐỨC THẮNG - BÁ DŨNG", ("Đức Thắng", "Bá Dũng"))),
        ArticleSpec("van-hoa---xa-hoi", vn_time(2025, 10, 3, 9, 40), views=97, has_sapo=False, topic="health",
                    byline=("Tác giả: Trần Văn Long", ("Trần Văn Long",))),
        ArticleSpec("kinh-te", vn_time(2025, 11, 20, 16, 45), views=3, topic="finance", byline=("Admin", ())),
        ArticleSpec("van-hoa---xa-hoi", vn_time(2026, 1, 8, 7, 15), views=431, has_sapo=False, topic="social",
                    secondary=("tin-tuc---su-kien",), byline=(None, ())),
        ArticleSpec("kinh-te", vn_time(2026, 3, 17, 10, 0), views=12345, topic="rural",
                    secondary=("tin-tuc---su-kien",), byline=("Ngọc Anh (VH-TT phường)", ("Ngọc Anh",))),
        ArticleSpec("quoc-phong---an-ninh", vn_time(2026, 5, 22, 14, 30), views=1408, topic="police",
                    secondary=("tin-tuc---su-kien",), byline=("Bá Dũng - Văn phòng HĐND-UBND phường", ("Bá Dũng",))),
        # Migrated from the old town portal in June 2025: the time of day was lost.
        ArticleSpec("tin-tuc---su-kien", vn_time(2025, 6, 20, 0, 0), "day", None, topic="party",
                    byline=("Mai Lan", ("Mai Lan",))),
    ]


def _generated(rng: random.Random, pinned: list[ArticleSpec]) -> list[ArticleSpec]:
    counts = {s.slug: _POSTS_PER_SECTION for s in SECTIONS}
    for spec in pinned:
        counts[spec.category] -= 1
    n = sum(counts.values())
    views = deck(rng, ["small"] * 6 + ["big"] * 2, n)
    sapos = deck(rng, [True, True, True, False], n)
    bylines = deck(rng, ["bare"] * 4 + list(BYLINE_STYLES[1:]) + ["none"], n)
    styles = deck(rng, ["time"] * 18 + ["day"], n)  # a few more migrated posts
    start, before = vn_time(2025, 7, 1), vn_time(2025, 5, 1)
    specs = []
    for i, slug in enumerate(s for s, k in counts.items() for _ in range(k)):
        migrated = styles[i] == "day"
        when = random_moment(rng, before, 60).replace(hour=0, minute=0) if migrated else random_moment(rng, start, 480)
        count = None if migrated else rng.randint(15, 980) if views[i] == "small" else rng.randint(1000, 25000)
        specs.append(ArticleSpec(slug, when, styles[i], count, sapos[i], bylines[i]))
    return specs


def build_portal(seed: str = SEED) -> CommunePortal:
    """The sample portal's 48 posts; deterministic for a seed."""
    rng = random.Random(seed)
    pinned = _pinned()
    specs = pinned + _generated(rng, pinned)
    composed = compose_posts(specs, seed, NAM_HONG_LINH, lambda rank: 1000 + rank, url_slug)
    nfd = deck(rng, [True] + [False] * 5, len(composed))  # one post in six was pasted in NFD
    posts = [Post(a.id, url_slug(a.title), a, decomposed=nfd[rank]) for rank, (_, a) in enumerate(composed)]
    return CommunePortal(SECTIONS, posts, PER_PAGE)


def truth_row(post: Post, origin: str) -> dict:
    """The ground-truth row of one post; `origin` is e.g. ``http://127.0.0.1:8765``."""
    return post_truth(post, SECTION_BY_SLUG, origin + post_path(post), SITE_SLUG, date_line(post))


def ground_truth(base_url: str, portal: CommunePortal | None = None) -> list[dict]:
    """What a perfect crawl of the portal served at `base_url` (root or mount) must archive, newest first."""
    return HaTinhSite(portal).ground_truth(base_url)


# ---------------------------------------------------------------- the site


class HaTinhSite(CommuneSite):
    """The sample portal of the new Hà Tĩnh platform, mounted at ``/namhonglinh``."""

    title = "Cổng thông tin điện tử phường Nam Hồng Lĩnh"
    family = "new Hà Tĩnh platform (family 5)"
    home = "/vi"
    mount = MOUNT
    slug = SITE_SLUG
    visits_start = 2_381_904
    truth_row = staticmethod(truth_row)
    build = staticmethod(build_portal)

    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        """Answer a request for `path` (the part after the mount)."""
        path = unquote(path)
        if path in ("", "/"):
            return redirect(MOUNT + self.home, HEADERS, 302)
        if path in ("/vi", "/vi/"):
            return self._page("Trang chủ", _home(self.portal))
        if path.startswith("/Others/"):
            return 200, {**HEADERS, "Content-Type": "image/jpeg"}, PIXEL
        match = _LISTING.fullmatch(path)
        section = SECTION_BY_SLUG.get(match.group(1)) if match else None
        if section is not None:
            return self._page(section.name, _listing(self.portal, section, _page_number(query)))
        match = _ARTICLE.fullmatch(path)
        post = self.portal.by_slug(match.group(1)) if match else None
        if post is not None:
            return self._page(decomposed(post.title, post.decomposed), _article(self.portal, post),
                              canonical=post_path(post), description=post.content.sapo)
        return self._page("Không tìm thấy trang", _not_found(), status=404)

    def _page(self, title: str, main: str, canonical: str | None = None, description: str | None = None,
              status: int = 200) -> Reply:
        head = [f"<title>{esc(title)}</title>"]
        if description:
            head.append(f'<meta name="description" content="{attr(description)}">')
        if canonical:
            head += [f'<link rel="canonical" href="{attr(canonical)}">',
                     f'<meta property="og:title" content="{attr(title)}">', '<meta property="og:type" content="article">']
        return html_reply(_layout("\n".join(head), main, self.portal, self.counter.text()), HEADERS, status)


def _page_number(query: str) -> int:
    value = parse_qs(query).get("page", ["1"])[0]
    return int(value) if value.isdigit() and int(value) > 0 else 1


# ---------------------------------------------------------------- page parts


def _shown(post: Post, text: str) -> str:
    """Text of a post as stored: decomposed (NFD) for the posts pasted that way."""
    return esc(decomposed(text, post.decomposed))


def _picture(post: Post, suffix: str = "") -> str:
    return f"{MOUNT}/Others/{post.published:%Y/%m}/{post.id}{suffix}.jpg"


def _teaser(post: Post) -> str:
    if post.content.sapo:
        return post.content.sapo
    words = " ".join(post.content.text_blocks).split()
    return " ".join(words[:30]) + ("..." if len(words) > 30 else "")


def _item(post: Post, css: str = "post-item", teaser: bool = True) -> str:
    url = attr(post_path(post))
    lead = f'<p class="content">{_shown(post, _teaser(post))}</p>' if teaser else ""
    return (f'<div class="{css}"><div class="post-image"><a href="{url}"><img src="{_picture(post)}" '
            f'alt="{attr(post.title)}"></a></div><div class="post-info">'
            f'<h4><a href="{url}" title="{attr(post.title)}">{_shown(post, post.title)}</a></h4>'
            f'<span class="info-post-times"><i class="fa fa-clock-o"></i> {date_line(post)}</span>'
            f"{lead}</div></div>")


def _pager(slug: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    items: list[tuple[str, int | None]] = []
    if page > 1:
        items += [("«", 1), ("‹", page - 1)]
    for n in range(max(1, page - 2), min(pages, page + 2) + 1):
        items.append((str(n), None if n == page else n))
    if page < pages:
        items += [("›", page + 1), ("»", pages)]
    links = [f'<li class="page-item active"><span class="page-link">{label}</span></li>' if n is None else
             f'<li class="page-item"><a class="page-link" href="{MOUNT}/vi/chuyen-muc/{slug}?page={n}">{label}</a></li>'
             for label, n in items]
    return '<div class="paging"><ul class="pagination">' + "".join(links) + "</ul></div>"


def _breadcrumb(section: Section) -> str:
    return (f'<ol class="breadcrumb"><li><a href="{MOUNT}/vi">Trang chủ</a></li>'
            f'<li><a href="{section_path(section.slug)}">{esc(section.name)}</a></li></ol>')


def _listing(portal: CommunePortal, section: Section, page: int) -> str:
    posts = portal.listing(section.slug, page)
    if not posts:
        body = '<p class="no-data">Không có bài viết nào trong chuyên mục này.</p>'
    else:
        first = page == 1
        body = "\n".join(_item(p, "post-show" if first and i == 0 else "post-item") for i, p in enumerate(posts))
    return (f'{_breadcrumb(section)}\n<div class="category-news"><h2 class="title-category">{esc(section.name)}</h2>\n'
            f'<div class="list-post">\n{body}\n</div>\n{_pager(section.slug, page, portal.pages(section.slug))}\n</div>')


def _home(portal: CommunePortal) -> str:
    boxes = []
    for section in portal.sections:
        items = "".join(_item(p, teaser=False) for p in portal.listing(section.slug, 1)[:3])
        boxes.append(f'<div class="box-category"><h2 class="title-box"><a href="{section_path(section.slug)}">'
                     f'{esc(section.name)}</a></h2>{items}</div>')
    featured = "".join(_item(p, "post-show") for p in portal.newest(1))
    return f'<div class="home-featured">{featured}</div>\n' + "\n".join(boxes)


def _content(post: Post) -> str:
    blocks = [render_block(Block(b.kind, decomposed(b.text, post.decomposed)),
                           lambda i: _picture(post, f"-{i}"), i) for i, b in enumerate(post.content.blocks)]
    if post.content.byline:
        blocks.append(render_byline(decomposed(post.content.byline, post.decomposed)))
    return '<div class="content-detail">\n' + "\n".join(blocks) + "\n</div>"


def _article(portal: CommunePortal, post: Post) -> str:
    section = portal.section(post.sections[0])
    assert section is not None
    views = (f'<span class="info-post-views"><i class="fa fa-eye"></i> {format_views(post.views)}</span>'
             if post.views is not None else "")
    sapo = f'<div class="sapo-detail"><strong>{_shown(post, post.content.sapo)}</strong></div>' if post.content.sapo else ""
    related = "\n".join(_item(p, teaser=False) for p in portal.related(post))
    share = attr(f"https://namhonglinh.hatinh.gov.vn/vi/bai-viet/{post.slug}")
    return "\n".join([
        _breadcrumb(section),
        '<div class="detail-post">',
        f'<h1 class="title-detail">{_shown(post, post.title)}</h1>',
        f'<div class="info-detail"><span class="info-post-times"><i class="fa fa-clock-o"></i> {date_line(post)}</span>'
        f"{views}</div>",
        sapo,
        _content(post),
        f'<div class="share-detail">Chia sẻ: <a href="https://www.facebook.com/sharer/sharer.php?u={share}" '
        'target="_blank">Facebook</a> <a href="javascript:window.print()">In bài viết</a></div>',
        "</div>",
        f'<div class="related-post"><h3 class="title-related">Tin cùng chuyên mục</h3>\n{related}\n</div>',
    ])


def _not_found() -> str:
    return '<div class="page-404"><h1>404</h1><p>Trang bạn tìm kiếm không tồn tại hoặc đã bị xóa.</p></div>'


# (label, path below /vi, children). Most of these pages are not on the sample portal (404).
_MENU: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Trang chủ", "", ()),
    ("Giới thiệu", "/trang/gioi-thieu", (
        ("Lịch sử hình thành", "/trang/lich-su-hinh-thanh"), ("Điều kiện tự nhiên", "/trang/dieu-kien-tu-nhien"),
        ("Cơ cấu tổ chức", "/trang/co-cau-to-chuc"), ("Di tích - Danh thắng", "/chuyen-muc/di-tich---danh-thang"))),
    ("Tin tức", "/chuyen-muc/tin-tuc---su-kien", (
        ("Tin tức - Sự kiện", "/chuyen-muc/tin-tuc---su-kien"), ("Kinh tế", "/chuyen-muc/kinh-te"),
        ("Văn hóa - Xã hội", "/chuyen-muc/van-hoa---xa-hoi"), ("Quốc phòng - An ninh", "/chuyen-muc/quoc-phong---an-ninh"),
        ("Thông báo", "/chuyen-muc/thong-bao"), ("Tin ảnh", "/chuyen-muc/tin-anh"), ("Video", "/chuyen-muc/video"))),
    ("Chính quyền", "/trang/chinh-quyen", (
        ("Đảng ủy phường", "/trang/dang-uy"), ("HĐND phường", "/trang/hdnd"), ("UBND phường", "/trang/ubnd"),
        ("Ủy ban MTTQ phường", "/trang/mttq"), ("Các tổ dân phố", "/trang/to-dan-pho"))),
    ("Chỉ đạo điều hành", "/chuyen-muc/chi-dao-dieu-hanh", (
        ("Lịch công tác", "/lich-cong-tac"), ("Văn bản chỉ đạo", "/van-ban"), ("Giấy mời", "/chuyen-muc/giay-moi"))),
    ("Thủ tục hành chính", "/thu-tuc-hanh-chinh", (
        ("Dịch vụ công trực tuyến", "/trang/dich-vu-cong"), ("Tra cứu hồ sơ", "/tra-cuu-ho-so"))),
    ("Công khai", "/chuyen-muc/cong-khai", (
        ("Công khai ngân sách", "/chuyen-muc/cong-khai-ngan-sach"), ("Quy hoạch - Kế hoạch", "/chuyen-muc/quy-hoach"))),
    ("Hỏi đáp", "/hoi-dap", ()),
    ("Liên hệ", "/lien-he", ()),
)


def _render_menu() -> str:
    def link(label: str, path: str) -> str:
        return f'<a href="{MOUNT}/vi{path}">{esc(label)}</a>'
    return f'<nav class="main-menu"><ul class="menu">{render_menu(_MENU, link)}</ul></nav>'


_MENU_HTML = _render_menu()


def _side(portal: CommunePortal) -> str:
    def links(posts: list[Post]) -> str:
        return "".join(f'<li><a href="{attr(post_path(p))}">{_shown(p, p.title)}</a> '
                       f'<span class="date">({p.short_date})</span></li>' for p in posts)
    return (f'<div class="box-side"><h3 class="title-side">Tin mới nhất</h3><ul class="list-news-side">'
            f"{links(portal.newest(5))}</ul></div>\n"
            f'<div class="box-side"><h3 class="title-side">Tin đọc nhiều</h3><ul class="list-news-side">'
            f"{links(portal.most_viewed(5))}</ul></div>\n"
            '<div class="box-side"><h3 class="title-side">Liên kết website</h3><select onchange="window.open(this.value)">'
            '<option value="">-- Liên kết website --</option><option value="https://hatinh.gov.vn">Cổng TTĐT tỉnh Hà Tĩnh</option>'
            '<option value="https://dichvucong.hatinh.gov.vn">Dịch vụ công Hà Tĩnh</option></select></div>')


def _layout(head: str, main: str, portal: CommunePortal, visits: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="vi">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', head,
        f'<link rel="stylesheet" href="{MOUNT}/Content/css/bootstrap.min.css">',
        f'<link rel="stylesheet" href="{MOUNT}/Content/css/style.css">', "</head>", "<body>",
        f'<div class="top-bar"><div class="container"><span class="date-time">{today_clock()}</span>'
        f'<div class="top-links"><a href="{MOUNT}/vi/lien-he">Liên hệ</a> | <a href="{MOUNT}/vi/so-do-trang">Sơ đồ trang</a>'
        ' | <a href="https://hatinh.gov.vn">Cổng TTĐT tỉnh Hà Tĩnh</a></div></div></div>',
        f'<header class="header"><div class="container"><a class="logo" href="{MOUNT}/vi">'
        f'<img src="{MOUNT}/Others/logo/quoc-huy.png" alt="Quốc huy"></a><div class="site-name">'
        '<p class="name-1">CỔNG THÔNG TIN ĐIỆN TỬ</p><p class="name-2">PHƯỜNG NAM HỒNG LĨNH</p></div>'
        f'<form class="search" action="{MOUNT}/vi/tim-kiem" method="get"><input name="keyword" '
        'placeholder="Nhập từ khóa..."><button type="submit">Tìm kiếm</button></form></div></header>',
        _MENU_HTML,
        '<div class="container main"><div class="row"><div class="col-md-9">', main, "</div>",
        f'<div class="col-md-3 sidebar">{_side(portal)}</div></div></div>',
        '<footer class="footer"><div class="container">',
        "<p><strong>CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG NAM HỒNG LĨNH</strong></p>",
        "<p>Cơ quan chủ quản: UBND phường Nam Hồng Lĩnh, tỉnh Hà Tĩnh</p>",
        "<p>Địa chỉ: đường Nguyễn Ái Quốc, phường Nam Hồng Lĩnh, tỉnh Hà Tĩnh - Điện thoại: 0239.3831.555</p>",
        f'<p class="counter">Lượt truy cập: {visits}</p>', "</div></footer>", "</body>", "</html>",
    ]) + "\n"
