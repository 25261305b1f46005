"""Family 1, SharePoint "portal/Pages": the pages of the sample portal and its postback protocol.

What lives where:
- ``SharePointSite.handle`` routes a path below the portal's mount (case-insensitively, like IIS)
  to the home page, a category listing, an article, the print view or a 404, and runs ASP.NET
  WebForms postbacks: listing pages after the first are reached only by POSTing the form back with
  the pager's ``__EVENTTARGET`` / ``__EVENTARGUMENT`` and the page's signed ``__VIEWSTATE`` and
  ``__EVENTVALIDATION``; anything else is answered with ASP.NET's HTTP 500 error page.
- ``StateCodec`` signs and checks those hidden fields (HMAC, base64, opaque-looking).
- the ``_render_*`` functions build the HTML (markup of the Điện Biên / Hà Tĩnh portals:
  ``tandan-*`` blocks, ``channel-news-*`` listings, ``.Paging`` pager), including the traps a
  crawler must ignore: the header's today clock, the menus, the side boxes, the footer counter.
The content comes from ``corpus.SamplePortal``; the HTTP plumbing is ``server.py``'s.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import threading
from datetime import datetime
from urllib.parse import parse_qs, unquote

from sample_portal.corpus import MOUNT, VN_TZ, Article, Block, Category, SamplePortal

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body

SITE_TITLE = "CỔNG THÔNG TIN ĐIỆN TỬ THỊ XÃ HỒNG LĨNH"
HTML_TYPE = "text/html; charset=utf-8"
# What IIS 8.5 running SharePoint 2013 sends with every page.
IIS_HEADERS = {
    "Server": "Microsoft-IIS/8.5",
    "X-Powered-By": "ASP.NET",
    "MicrosoftSharePointTeamServices": "15.0.0.4420",
    "X-AspNet-Version": "4.0.30319",
    "X-SharePointHealthScore": "0",
    "Cache-Control": "private, max-age=0",
}
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
VIEWSTATE_GENERATOR = "BAB98CB3"
VISIT_COUNTER_START = 1_234_567
# A 1x1 GIF: every /PublishingImages/ picture (crawlers rarely fetch them; browsers may).
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
         b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

_ARTICLE_PATH = re.compile(r"/portal/pages/(\d{4}-\d{1,2}-\d{1,2})/([^/]+)-(\d+)\.aspx")
_PAGE_PATH = re.compile(r"/portal/pages/([^/]+)\.aspx")


def _text(value: str) -> str:
    """Escape for an HTML text node; no-break spaces written as &nbsp; as editors do."""
    return html.escape(value, quote=False).replace("\xa0", "&nbsp;")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def today_clock(now: datetime | None = None) -> str:
    """The header's today clock, e.g. ``Thứ bảy, 28/11/2026`` (Vietnam time)."""
    now = now or datetime.now(VN_TZ)
    return f"{WEEKDAYS[now.weekday()]}, {now:%d/%m/%Y}"


# ---------------------------------------------------------------- postback state


class StateCodec:
    """Signs and checks the hidden ``__VIEWSTATE`` / ``__EVENTVALIDATION`` values.

    A value is base64 of ``FF 01`` (so it starts with ``/wE`` like ASP.NET's), a length-prefixed
    payload, filler that looks like a serialized control tree, and an HMAC-SHA256 of all that.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def seal(self, payload: str) -> str:
        data = payload.encode("utf-8")
        blob = b"\xff\x01" + len(data).to_bytes(2, "big") + data + hashlib.sha256(data).digest() * 3
        return base64.b64encode(blob + self._mac(blob)).decode("ascii")

    def open(self, value: str | None) -> str | None:
        """The payload of a value this codec sealed; None when missing, malformed or forged."""
        try:
            raw = base64.b64decode(value or "", validate=True)
        except (ValueError, TypeError):
            return None
        blob, mac = raw[:-32], raw[-32:]
        if len(blob) < 4 or blob[:2] != b"\xff\x01" or not hmac.compare_digest(mac, self._mac(blob)):
            return None
        size = int.from_bytes(blob[2:4], "big")
        return blob[4:4 + size].decode("utf-8", "replace")

    def _mac(self, blob: bytes) -> bytes:
        return hmac.new(self._key, blob, hashlib.sha256).digest()


def pager_items(page: int, pages: int) -> list[tuple[str, str | None]]:
    """(label, event argument) of each pager entry; the current page has no argument.

    Up to five page numbers around the current one; Đầu/Trước after page 1, Tiếp/Cuối before the last.
    """
    items: list[tuple[str, str | None]] = []
    if page > 1:
        items += [("Đầu", "Page$First"), ("Trước", "Page$Prev")]
    start = max(1, min(page - 2, pages - 4))
    for n in range(start, min(pages, start + 4) + 1):
        items.append((str(n), None if n == page else f"Page${n}"))
    if page < pages:
        items += [("Tiếp", "Page$Next"), ("Cuối", "Page$Last")]
    return items


def resolve_page(argument: str, page: int, pages: int) -> int:
    """The page a valid pager argument leads to, kept within 1..pages."""
    name = argument.removeprefix("Page$")
    target = {"First": 1, "Prev": page - 1, "Next": page + 1, "Last": pages}.get(name)
    if target is None:
        target = int(name)
    return min(max(target, 1), pages)


# ---------------------------------------------------------------- ASP.NET error pages

_INVALID_POSTBACK = (
    "Invalid postback or callback argument.  Event validation is enabled using "
    '<pages enableEventValidation="true"/> in configuration or <%@ Page EnableEventValidation="true" %> '
    "in a page.  For security purposes, this feature verifies that arguments to postback or callback "
    "events originate from the server control that originally rendered them.  If the data is valid and "
    "expected, use the ClientScriptManager.RegisterForEventValidation method in order to register the "
    "postback or callback data for validation."
)
_VIEWSTATE_MAC = (
    "Validation of viewstate MAC failed. If this application is hosted by a Web Farm or cluster, ensure "
    "that <machineKey> configuration specifies the same validationKey and validation algorithm."
)


def aspnet_error(message: str, exception: str) -> Reply:
    """The 'yellow screen' ASP.NET sends with HTTP 500."""
    body = (
        "<!DOCTYPE html>\n<html>\n<head>\n<title>" + _text(message.split(".")[0]) + ".</title>\n"
        '<meta name="viewport" content="width=device-width" />\n</head>\n<body bgcolor="white">\n'
        "<span><h1>Server Error in '/' Application.<hr width=100% size=1 color=silver></h1>\n"
        f"<h2> <i>{_text(message)}</i> </h2></span>\n"
        '<font face="Arial, Helvetica, Geneva, SunSans-Regular, sans-serif ">\n'
        "<b> Description: </b>An unhandled exception occurred during the execution of the current web "
        "request. Please review the stack trace for more information about the error and where it "
        "originated in the code.<br><br>\n"
        f"<b> Exception Details: </b>{exception}: {_text(message)}<br><br>\n"
        "<hr width=100% size=1 color=silver>\n<b>Version Information:</b>&nbsp;Microsoft .NET Framework "
        "Version:4.0.30319; ASP.NET Version:4.7.3062.0\n</font>\n</body>\n</html>\n"
    )
    return 500, {**IIS_HEADERS, "Content-Type": HTML_TYPE}, body.encode("utf-8")


def not_found() -> Reply:
    body = ('<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>404 NOT FOUND</title></head>\n'
            "<body><h1>404 NOT FOUND</h1><p>Không tìm thấy trang bạn yêu cầu.</p></body>\n</html>\n")
    return 404, {**IIS_HEADERS, "Content-Type": HTML_TYPE}, body.encode("utf-8")


# ---------------------------------------------------------------- the site


class SharePointSite:
    """The sample SharePoint portal mounted at ``portal.mount``: routing, postbacks, pages."""

    title = "Cổng thông tin điện tử thị xã Hồng Lĩnh"
    family = 'SharePoint "portal/Pages" (family 1)'
    home = "/portal/Pages/default.aspx"

    def __init__(self, portal: SamplePortal, key: bytes | None = None) -> None:
        self.portal = portal
        self.mount = portal.mount
        # A fixed machine key, so pages (and their view states) are identical from run to run.
        self.codec = StateCodec(key or hashlib.sha256(f"machineKey:{portal.seed}".encode()).digest())
        self._hits = 0
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        """Answer a request for `path` (the part after the mount)."""
        low = unquote(path).lower()
        action = self.mount + unquote(path)  # the form posts back to the page's own path
        if low in ("", "/", "/portal", "/portal/", "/portal/pages", "/portal/pages/"):
            return self._redirect(self.mount + self.home)
        if low.startswith("/publishingimages/"):
            return 200, {**IIS_HEADERS, "Content-Type": "image/gif"}, PIXEL
        match = _PAGE_PATH.fullmatch(low)
        if match:
            return self._named_page(match.group(1), method, action, query, form)
        match = _ARTICLE_PATH.fullmatch(low)
        article = self._article_at(*match.groups()) if match else None
        if article is None:
            return not_found()
        return self._html(self._render_article(article, action))

    def _named_page(self, name: str, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        if name == "default":
            return self._html(self._render_home(path))
        if name == "print":
            article = self._print_target(query)
            return self._html(_render_print(article)) if article else not_found()
        category = self.portal.category(name)
        if category is None:
            return not_found()
        if method != "POST":
            return self._html(self._render_listing(category, 1, path))  # ?Page=2 and the like: page 1
        return self._postback(category, form, path)

    def _article_at(self, folder: str, slug: str, id_text: str) -> Article | None:
        article = self.portal.find(int(id_text))
        if article is None or folder != article.date_folder or slug != article.slug.lower():
            return None
        return article

    def _print_target(self, query: str) -> Article | None:
        value = parse_qs(query).get("p", [""])[0]
        return self.portal.find(int(value)) if value.isdigit() else None

    def _postback(self, category: Category, form: dict[str, str], path: str) -> Reply:
        """Run a pager postback as WebForms would, or fail with its 500 page."""
        state = (self.codec.open(form.get("__VIEWSTATE")) or "").split("|")
        if len(state) != 3 or state[0] != "L" or state[1] != category.slug or not state[2].isdigit():
            return aspnet_error(_VIEWSTATE_MAC, "System.Web.HttpException")
        pages = self.portal.pages(category.slug)
        page = min(int(state[2]), pages)
        target, argument = form.get("__EVENTTARGET", ""), form.get("__EVENTARGUMENT", "")
        if not target:  # e.g. the search button: the page simply renders again
            return self._html(self._render_listing(category, page, path))
        valid = (self.codec.open(form.get("__EVENTVALIDATION")) or "").split("|")
        if (len(valid) != 5 or valid[:4] != ["V", category.slug, state[2], category.pager_target]
                or target != category.pager_target or not argument or argument not in valid[4].split(",")):
            return aspnet_error(_INVALID_POSTBACK, "System.ArgumentException")
        return self._html(self._render_listing(category, resolve_page(argument, int(state[2]), pages), path))

    # -- replies

    def _html(self, page: str) -> Reply:
        return 200, {**IIS_HEADERS, "Content-Type": HTML_TYPE}, page.encode("utf-8")

    def _redirect(self, location: str) -> Reply:
        body = ('<html><head><title>Object moved</title></head><body><h2>Object moved to '
                f'<a href="{_attr(location)}">here</a>.</h2></body></html>')
        return 302, {**IIS_HEADERS, "Content-Type": HTML_TYPE, "Location": location}, body.encode("utf-8")

    def _visits(self) -> int:
        with self._lock:
            self._hits += 1
            return VISIT_COUNTER_START + self._hits

    # -- pages

    def _render_home(self, path: str) -> str:
        return self._layout("Trang chủ", path, "H", "V|home", _render_home_main(self.portal))

    def _render_listing(self, category: Category, page: int, path: str) -> str:
        pages = self.portal.pages(category.slug)
        items = pager_items(page, pages) if pages > 1 else []
        arguments = ",".join(arg for _, arg in items if arg)
        main = _render_listing_main(category, self.portal.listing(category.slug, page), items)
        return self._layout(category.name, path, f"L|{category.slug}|{page}",
                            f"V|{category.slug}|{page}|{category.pager_target}|{arguments}", main)

    def _render_article(self, article: Article, path: str) -> str:
        main = _render_article_main(article, self.portal.related(article))
        return self._layout(article.title, path, f"A|{article.id}", f"V|article|{article.id}", main)

    def _layout(self, title: str, action: str, state: str, validation: str, main: str) -> str:
        """The page around `main`: one ASP.NET form holding header, menu, columns and footer."""
        hidden = _render_hidden(self.codec.seal(state), self.codec.seal(validation))
        parts = [
            "<!DOCTYPE html>", '<html lang="vi" dir="ltr">', "<head>", '<meta charset="utf-8">',
            '<meta http-equiv="X-UA-Compatible" content="IE=10">',
            '<meta name="GENERATOR" content="Microsoft SharePoint">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_text(title)} - {SITE_TITLE}</title>",
            f'<link rel="stylesheet" type="text/css" href="{MOUNT}/Style%20Library/tandan/css/portal.css">',
            "</head>", '<body class="tandan-portal">',
            f'<form method="post" action="{_attr(action)}" id="aspnetForm">', hidden,
            '<div id="s4-workspace"><div id="s4-bodyContainer">',
            _render_header(), _MENU_HTML,
            '<div class="main-content"><div class="col-main">', main, "</div>",
            '<div class="col-right">', _render_side_boxes(self.portal), "</div></div>",
            _render_footer(self._visits()), "</div></div>", "</form>", "</body>", "</html>",
        ]
        return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- page parts

_POSTBACK_SCRIPT = """<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
if (!theForm) {
    theForm = document.aspnetForm;
}
function __doPostBack(eventTarget, eventArgument) {
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }
}
//]]>
</script>"""


def _render_hidden(viewstate: str, validation: str) -> str:
    return "\n".join([
        '<div class="aspNetHidden">',
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">',
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">',
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}">',
        "</div>", _POSTBACK_SCRIPT, '<div class="aspNetHidden">',
        f'<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{VIEWSTATE_GENERATOR}">',
        f'<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{validation}">',
        "</div>",
    ])


def _render_header() -> str:
    return (
        '<div id="header" class="header">\n'
        f'<div class="header-top"><div class="header-date">{today_clock()}</div>'
        f'<div class="header-links"><a href="{MOUNT}/portal/Pages/So-do-cong.aspx">Sơ đồ cổng</a> | '
        f'<a href="{MOUNT}/portal/Pages/Lien-he.aspx">Liên hệ</a> | '
        f'<a href="{MOUNT}/_layouts/15/Authenticate.aspx">Đăng nhập</a></div></div>\n'
        f'<div class="header-banner"><a href="{MOUNT}/portal/Pages/default.aspx">'
        f'<img src="{MOUNT}/PublishingImages/banner.jpg" alt="Cổng thông tin điện tử thị xã Hồng Lĩnh"></a></div>\n'
        '<div class="header-search"><input type="text" name="ctl00$search$txtKeyword" id="ctl00_search_txtKeyword" '
        'class="search-text" value="" placeholder="Nhập từ khóa tìm kiếm..."> '
        '<input type="submit" name="ctl00$search$btnSearch" value="Tìm kiếm" id="ctl00_search_btnSearch" '
        'class="search-button"></div>\n</div>'
    )


# (label, page slug, children): most of these pages do not exist on the sample portal (404).
_MENU: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Trang chủ", "default", ()),
    ("Giới thiệu", "Gioi-thieu", (
        ("Lịch sử hình thành", "Lich-su-hinh-thanh"), ("Điều kiện tự nhiên", "Dieu-kien-tu-nhien"),
        ("Tiềm năng phát triển", "Tiem-nang-phat-trien"), ("Di tích - Danh thắng", "Di-tich-danh-thang"),
        ("Bản đồ hành chính", "Ban-do-hanh-chinh"))),
    ("Tổ chức bộ máy", "To-chuc-bo-may", (
        ("Thị ủy", "Thi-uy"), ("HĐND thị xã", "HDND-thi-xa"), ("UBND thị xã", "UBND-thi-xa"),
        ("Các phòng, ban", "Cac-phong-ban"), ("Các phường, xã", "Cac-phuong-xa"), ("Đoàn thể", "Doan-the"))),
    ("Tin tức - Sự kiện", "Tin-tuc-su-kien", (
        ("Kinh tế", "Kinh-te"), ("Văn hóa - Xã hội", "Van-hoa-xa-hoi"),
        ("Quốc phòng - An ninh", "Quoc-phong-an-ninh"), ("Tin ảnh", "Tin-anh"), ("Video", "Video"))),
    ("Chỉ đạo điều hành", "Chi-dao-dieu-hanh", (
        ("Lịch công tác", "Lich-cong-tac"), ("Thông báo", "Thong-bao"), ("Giấy mời", "Giay-moi"),
        ("Kết luận của lãnh đạo", "Ket-luan-lanh-dao"))),
    ("Văn bản", "Van-ban", (
        ("Văn bản quy phạm pháp luật", "Van-ban-QPPL"), ("Văn bản chỉ đạo, điều hành", "Van-ban-dieu-hanh"),
        ("Dự thảo văn bản", "Du-thao-van-ban"))),
    ("Thủ tục hành chính", "Thu-tuc-hanh-chinh", (
        ("Dịch vụ công trực tuyến", "Dich-vu-cong-truc-tuyen"), ("Tra cứu hồ sơ", "Tra-cuu-ho-so"),
        ("Công khai kết quả giải quyết", "Cong-khai-ket-qua"))),
    ("Quy hoạch - Kế hoạch", "Quy-hoach-ke-hoach", (
        ("Quy hoạch sử dụng đất", "Quy-hoach-su-dung-dat"), ("Kế hoạch phát triển KT-XH", "Ke-hoach-KTXH"))),
    ("Đầu tư - Dự án", "Dau-tu-du-an", ()),
    ("Công khai ngân sách", "Cong-khai-ngan-sach", ()),
    ("Hỏi đáp", "Hoi-dap", ()),
    ("Liên hệ", "Lien-he", ()),
)


def _menu_link(label: str, slug: str) -> str:
    return f'<a href="{MOUNT}/portal/Pages/{slug}.aspx">{_text(label)}</a>'


def _render_menu() -> str:
    items = []
    for label, slug, children in _MENU:
        sub = "".join(f"<li>{_menu_link(ln, s)}</li>" for ln, s in children)
        items.append(f"<li>{_menu_link(label, slug)}" + (f'<ul class="sub-menu">{sub}</ul>' if sub else "") + "</li>")
    return '<div class="menu">\n<ul class="menu-top">\n' + "\n".join(items) + "\n</ul>\n</div>"


_MENU_HTML = _render_menu()

_WEB_LINKS = (
    ("Cổng TTĐT tỉnh Hà Tĩnh", "https://hatinh.gov.vn/"),
    ("Cổng Dịch vụ công tỉnh", "https://dichvucong.hatinh.gov.vn/"),
    ("Báo Hà Tĩnh", "https://baohatinh.vn/"),
    ("Cổng TTĐT Chính phủ", "https://chinhphu.vn/"),
)


def _link_item(article: Article) -> str:
    return (f'<li><a href="{_attr(article.path)}">{_text(article.title)}</a> '
            f'<span class="date">({article.short_date})</span></li>')


def _render_side_boxes(portal: SamplePortal) -> str:
    newest = "".join(_link_item(a) for a in portal.newest(5))
    viewed = "".join(f'<li><a href="{_attr(a.path)}">{_text(a.title)}</a></li>' for a in portal.most_viewed(5))
    options = "".join(f'<option value="{_attr(url)}">{_text(name)}</option>' for name, url in _WEB_LINKS)
    return (
        f'<div class="tandan-box-news"><div class="title-box">Tin mới</div><ul>{newest}</ul></div>\n'
        f'<div class="tandan-box-news"><div class="title-box">Tin xem nhiều</div><ul>{viewed}</ul></div>\n'
        '<div class="tandan-box-links"><div class="title-box">Liên kết website</div>'
        '<select onchange="window.open(this.value)"><option value="">-- Chọn liên kết --</option>'
        f'{options}</select></div>'
    )


def _render_footer(visits: int) -> str:
    counter = f"{visits:,}".replace(",", ".")
    return (
        '<div class="footer">\n'
        f"<p><strong>{SITE_TITLE}</strong></p>\n"
        "<p>Cơ quan chủ quản: UBND thị xã Hồng Lĩnh</p>\n"
        "<p>Địa chỉ: Số 1 đường Nguyễn Ái Quốc, phường Nam Hồng, thị xã Hồng Lĩnh, tỉnh Hà Tĩnh</p>\n"
        "<p>Điện thoại: 0239.3836.254 - Email: vanphong.honglinh@hatinh.gov.vn</p>\n"
        "<p>Ghi rõ nguồn &quot;Cổng TTĐT thị xã Hồng Lĩnh&quot; khi phát hành lại thông tin từ website này</p>\n"
        f'<p class="counter">Lượt truy cập: {counter}</p>\n'
        "</div>"
    )


def _breadcrumb(category: Category) -> str:
    return (f'<div class="breadcrumb"><a href="{MOUNT}/portal/Pages/default.aspx">Trang chủ</a> › '
            f'<a href="{category.path}">{_text(category.name)}</a></div>')


def _teaser(article: Article) -> str:
    """The listing's lead: the sapo, else the first 30 words of the content."""
    if article.sapo:
        return article.sapo
    words = " ".join(article.text_blocks).split()
    return " ".join(words[:30]) + ("..." if len(words) > 30 else "")


def _render_listing_item(article: Article) -> str:
    url = _attr(article.path)
    return (
        f'<div class="channel-news-item"><a href="{url}">'
        f'<img src="{MOUNT}/PublishingImages/{article.id}.jpg" alt=""></a>'
        f'<div class="channel-news-title"><a href="{url}">{_text(article.title)}</a></div>'
        f'<div class="channel-news-date">({article.short_date})</div>'
        f'<div class="channel-news-sapo">{_text(_teaser(article))}</div></div>'
    )


def _render_pager(target: str, items: list[tuple[str, str | None]]) -> str:
    if not items:
        return ""
    links = [f'<span class="current">{label}</span>' if arg is None
             else f"<a href=\"javascript:__doPostBack('{target}','{arg}')\">{label}</a>" for label, arg in items]
    return '<div class="Paging">' + " ".join(links) + "</div>"


def _render_listing_main(category: Category, articles: list[Article], pager: list[tuple[str, str | None]]) -> str:
    items = "\n".join(_render_listing_item(a) for a in articles)
    return (
        f'{_breadcrumb(category)}\n<div class="tandan-channel">\n'
        f'<h2 class="channel-title">{_text(category.name)}</h2>\n'
        f'<div class="channel-news-list">\n{items}\n</div>\n{_render_pager(category.pager_target, pager)}\n</div>'
    )


def _render_home_main(portal: SamplePortal) -> str:
    hot = "\n".join(
        f'<div class="hot-news-item"><a class="hot-news-title" href="{_attr(a.path)}">{_text(a.title)}</a>'
        f'<div class="hot-news-sapo">{_text(_teaser(a))}</div></div>' for a in portal.newest(6))
    boxes = []
    for category in portal.categories:
        links = "".join(_link_item(a) for a in portal.listing(category.slug, 1)[:4])
        boxes.append(f'<div class="home-category"><h2 class="home-category-title"><a href="{category.path}">'
                     f'{_text(category.name)}</a></h2><ul>{links}</ul>'
                     f'<a class="more" href="{category.path}">Xem tiếp »</a></div>')
    return ('<div class="tandan-home">\n<div class="home-hot-news"><h2 class="home-title">Tin nổi bật</h2>\n'
            f'{hot}\n</div>\n'
            + "\n".join(boxes) + "\n</div>")


def _render_block(block: Block, article: Article, position: int) -> str:
    text = _text(block.text)
    if block.kind == "plain":
        return f"<p>{text}</p>"
    if block.kind == "div":
        return f'<div style="text-align: justify;">{text}</div>'
    if block.kind == "span":
        return f'<p style="text-align: justify;"><span style="font-size: 14px;">{text}</span></p>'
    if block.kind == "nbsp":
        return f'<p style="text-align: justify;">&nbsp;&nbsp;&nbsp;{text.replace(". ", ".&nbsp; ", 1)}</p>'
    if block.kind == "spacer":
        return "<p>&nbsp;</p>"
    if block.kind == "figure":
        src = f"{MOUNT}/PublishingImages/{article.published.year}/{article.id}-{position}.jpg"
        return (f'<p style="text-align: center;"><img src="{src}" alt="" width="600" height="400" /></p>\n'
                f'<p style="text-align: center;"><em>{text}</em></p>')
    return f'<p style="text-align: justify;">{text}</p>'


def _render_content(article: Article) -> str:
    blocks = [_render_block(b, article, i) for i, b in enumerate(article.blocks)]
    if article.byline:
        blocks.append(f'<p style="text-align: right;"><strong>{_text(article.byline)}</strong></p>')
    return '<div class="tandan-content-view">\n' + "\n".join(blocks) + "\n</div>"


def _render_date_view(article: Article) -> str:
    views = f"&nbsp;&nbsp;&nbsp;{_text(article.views_text)}" if article.views_text else ""
    return f'<div class="tandan-date-view">{_text(article.date_line)}{views}</div>'


def _render_article_main(article: Article, related: list[Article]) -> str:
    parts = [
        _breadcrumb(article.category),
        '<div class="tandan-view-news">',
        f'<div class="tandan-title-view"><h1 class="title-news">{_text(article.title)}</h1></div>',
        _render_date_view(article),
    ]
    if article.sapo:
        parts.append(f'<div class="summary-news"><p><strong>{_text(article.sapo)}</strong></p></div>')
    parts += [
        _render_content(article),
        f'<div class="tandan-print"><a href="{MOUNT}/portal/pages/print.aspx?p={article.id}" target="_blank">'
        'In trang</a> | <a href="javascript:void(0);" onclick="sendMail();">Gửi email</a> | '
        '<a href="#header">Về đầu trang</a></div>',
        '<div class="tandan-other-news"><div class="title">Tin cùng chuyên mục</div><ul>'
        + "".join(_link_item(a) for a in related) + "</ul></div>",
        "</div>",
    ]
    return "\n".join(parts)


def _render_print(article: Article) -> str:
    """The print view: title, date line, sapo, content; no menus, no form."""
    sapo = f'<div class="print-sapo"><strong>{_text(article.sapo)}</strong></div>\n' if article.sapo else ""
    return (
        f'<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>{_text(article.title)}</title></head>\n'
        f'<body onload="window.print();">\n<div class="print-header">{SITE_TITLE}</div>\n'
        f'<h1 class="print-title">{_text(article.title)}</h1>\n{_render_date_view(article)}\n{sapo}'
        f"{_render_content(article)}\n</body>\n</html>\n"
    )
