"""URLs in generic mode: canonical form, same-site test, trap rules and the shapes the catalogue knows.

Pure functions on strings. The canonical form is what the crawler requests and deduplicates on:
fragment dropped, scheme and host lower-cased, default port dropped, tracking and session
parameters removed (also ``;jsessionid=`` and ASP.NET ``/(S(...))/`` cookieless sessions),
remaining query parameters sorted. `trap_reason` says why a URL must not be followed (None when
it may be): attachments, search/print/login/share/RSS pages, calendars and date archives,
sort/filter parameters, query-string explosions and paths that keep growing.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from pipelines.identity import SESSION_IN_PATH, SESSION_PARAMS, TRACKING_PARAMS

# Tracking and session parameters, and sessions in paths: one list, shared with article keys.
_SESSION_PATH = SESSION_IN_PATH
# Parameters whose value re-sorts or filters a list that is already crawled in its default order.
SORT_FILTER_PARAMS = re.compile(
    r"^(?:sort|sortby|sort_by|sortorder|order|orderby|order_by|dir|direction|filter|filters|viewmode|limit"
    r"|per_page|perpage|pagesize|page_size|itemsperpage|replytocom|print|printable|amp|tmpl|fontsize|zoom"
    r"|lang|language|keyword|keywords|q|query|search|s|tukhoa|captcha)$",
    re.IGNORECASE,
)
# Parameter values that ask for another rendering of a page already crawled (print, feed, pop-up).
TRAP_VALUES = frozenset({"print", "printview", "pdf", "rss", "feed", "atom", "pop_up", "popup", "exclusive"})
# Parameters carrying a day, month or year: calendars and "Xem tin theo ngày" archives never end.
DATE_PARAMS = re.compile(r"^(?:date|ngay|day|month|thang|year|nam|tungay|denngay|fromdate|todate|d|m|y|dt"
                         r"|startdate|enddate|calendar|lich)$", re.IGNORECASE)
DATE_VALUE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?|(?:19|20)\d{6})$")
YEAR_VALUE = re.compile(r"^(?:19|20)\d\d$")
ATTACHMENT_EXT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z|gz|tar|jpe?g|png|gif|bmp|svg|webp|tiff?|ico|mp3|mp4"
    r"|avi|wmv|flv|mov|mkv|swf|exe|apk|msi|css|js|json|xml|rss|atom|txt|csv|eot|woff2?|ttf)$",
    re.IGNORECASE,
)
# Words of a path or query that name a page which is never news (folded ASCII, as URLs are).
TRAP_WORDS = re.compile(
    r"(?:^|[/_.?&=-])(?:search|timkiem|tim-kiem|tracuu|print|printview|in-bai|inbai|ban-in|banin|login|logon|"
    r"logout|signin|sign-in|signout|dang-nhap|dangnhap|dang-xuat|register|dang-ky|dangky|authenticate|"
    r"sendmail|send-mail|sendtofriend|gui-email|guiemail|email|mailto|share|sharer|chia-se|rss|feed|feeds|"
    r"atom|download|downloadfile|taive|tai-ve|attachment|attachments|calendar|xem-tin-theo-ngay|lich-su-tin|"
    r"captcha|comment|comments|binh-luan|reply|vote|poll|_layouts|wp-admin|wp-login|wp-json|xmlrpc|cart|"
    r"sitemap|so-do-site|lien-he-gop-y|thoi-tiet|weather)(?=$|[/_.?&=-])",
    re.IGNORECASE,
)
# A path that is a date archive (/2015/09/ or /2015/09/25/ with nothing after it).
DATE_ARCHIVE_PATH = re.compile(r"/(?:19|20)\d\d/\d{1,2}(?:/\d{1,2})?/?$")
MAX_URL_CHARS = 1000  # Liferay portlet URLs run to 600 characters
MAX_PATH_SEGMENTS = 10
MAX_QUERY_PARAMS = 8

# Article URL shapes of the platform catalogue: hints, never proof on their own.
ARTICLE_URL_HINTS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"/portal/pages/\d{4}-\d{1,2}-\d{1,2}/[^/]+\.aspx$",
    r"/bai-viet/[^/]+",
    r"/news/(?:[^/]+/)*[^/]+-\d+(?:\.html?|/)?$",
    r"[-/]\d{3,}\.(?:html?|aspx?|php)$",
    r"-(?:nd|post|p|a|t)\d{3,}\.html?$",
    r"[?&](?:itemid|newsid|articleid|postid|contentid|newsitemid|news_id|item_id|tc|art|p|nid)=[\w-]+",
    r"/(?:tin-chi-tiet|chi-tiet|chitiet|chi_tiet|detail|details|xem-tin)(?:[/-]|\.)",
    r"/-/asset_publisher/[^/]+/content/[^/]+",
    r"/tabid/\d+/(?:post|articleid|itemid|newsid)/\d+",
    r"/(?:19|20)\d\d/\d{1,2}/\d{1,2}/[^/]+/?$",
    r"/web/[^?]+/[^/?]+\.html?$",
    r"/action/chitiet/",
    r"[?&]view=article\b|/component/content/article/",
))
# Where a URL carries its publication day: /portal/pages/2018-10-10/, /2015/09/25/.
DATE_IN_URL = re.compile(r"/((?:19|20)\d\d)[-/](\d{1,2})[-/](\d{1,2})/")
HOME_SEGMENTS = frozenset("vi vn vi-vn en web guest portal pages trang-chu trangchu home index default".split())
# Sections of a portal that hold pages, not news: an article under them needs more than a date.
STATIC_SECTIONS = frozenset(
    "gioi-thieu gioithieu gioi-thieu-chung lien-he lienhe co-cau-to-chuc cocautochuc to-chuc-bo-may "
    "so-do-to-chuc chuc-nang-nhiem-vu thu-tuc-hanh-chinh thutuchanhchinh van-ban vanban hoi-dap hoidap "
    "gop-y lich-cong-tac lichcongtac dieu-kien-tu-nhien lich-su-hinh-thanh ban-do danh-ba".split()
)
# A page-number parameter, or the page number in a path (/trang-2.html, /page-2, /page/2/).
PAGE_PARAM = re.compile(r"^(?:page|trang|pg|pageindex|page_index|pagenumber|pagenum|pageno|currentpage|"
                        r"cpage|start|limitstart|offset|paged)$|_cur$|[._]page$", re.IGNORECASE)
PAGE_IN_PATH = re.compile(r"(?:/|-|_)(?:trang|page|p|pageindex|currentpage)[-/_]?(\d{1,4})(?=\.html?$|/?$|\.aspx$)",
                          re.IGNORECASE)


@lru_cache(maxsize=65536)  # pure; a mega-menu repeats the same few hundred links on every page
def canonicalize_url(url: str) -> str:
    """The canonical form of an absolute URL (see the module docstring)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    netloc = host + (f":{port}" if port else "")
    path = quote(unquote(_SESSION_PATH.sub("", parts.path)), safe="/%:@!$&'()*+,;=-._~") or "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if k.lower() not in TRACKING_PARAMS and k.lower() not in SESSION_PARAMS
              and not k.lower().startswith("utm_")]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params)), ""))


def site_key(url: str) -> str:
    """Host and port, lower-cased, without a leading ``www.``: two URLs of one site share it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}:{parts.port}" if parts.port and parts.port not in (80, 443) else host


def same_site(url: str, base: str) -> bool:
    """Whether `url` is on the site of `base` (same host and port; ``www.`` ignored)."""
    return urlsplit(url).scheme in ("http", "https") and site_key(url) == site_key(base)


def trap_reason(url: str) -> str | None:
    """Why the crawler must not follow `url`, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    path = unquote(parts.path)
    if len(url) > MAX_URL_CHARS:
        return "long_url"
    if ATTACHMENT_EXT.search(path):
        return "attachment"
    if TRAP_WORDS.search(path) or TRAP_WORDS.search("?" + parts.query):
        return "trap_word"
    if DATE_ARCHIVE_PATH.search(path):
        return "date_archive"
    return _path_trap(path) or _query_trap(parse_qsl(parts.query, keep_blank_values=True))


def _path_trap(path: str) -> str | None:
    segments = [s for s in path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "deep_path"
    lowered = [s.lower() for s in segments]
    if any(lowered.count(s) >= 3 for s in set(lowered)) or _repeats_pair(lowered):
        return "growing_path"  # relative links resolved against the wrong base keep adding segments
    return None


def _repeats_pair(segments: list[str]) -> bool:
    pairs = list(zip(segments, segments[1:], strict=False))
    return any(pairs.count(p) >= 2 for p in set(pairs))


def _query_trap(params: list[tuple[str, str]]) -> str | None:
    if len(params) > MAX_QUERY_PARAMS:
        return "many_params"
    names = [k.lower() for k, _ in params]
    if len(set(names)) < len(names):
        return "repeated_param"
    dated = 0
    for key, value in params:
        short = key.rsplit("_", 1)[-1] if key.startswith("_") else key  # Liferay "_portlet_INSTANCE_x_sort"
        value = value.strip()
        if (SORT_FILTER_PARAMS.match(short) and value) or value.lower() in TRAP_VALUES:
            return "sort_filter"
        if DATE_PARAMS.match(short) and value:
            if DATE_VALUE.match(value) or (YEAR_VALUE.match(value) and short.lower() in ("year", "nam", "y")):
                return "calendar"
            dated += value.isdigit()
    return "calendar" if dated >= 2 else None  # month=7&year=2014, d=1&m=3


@lru_cache(maxsize=16384)  # pure; asked of every new link of a crawl
def article_url_hint(url: str) -> bool:
    """Whether the URL has an article shape of the platform catalogue (a hint, not proof)."""
    parts = urlsplit(url)
    target = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
    return any(p.search(target) for p in ARTICLE_URL_HINTS)


def is_home_url(url: str) -> bool:
    """The site's home page ("/", "/vi/", "/portal/Pages/default.aspx", "/trang-chu.html")."""
    parts = urlsplit(url)
    segments = [re.sub(r"\.[a-z]{2,5}$", "", s) for s in unquote(parts.path).lower().split("/") if s]
    return not parts.query and all(s in HOME_SEGMENTS for s in segments)


def is_static_section(url: str) -> bool:
    """Whether the URL lies under (or is) a static section: introduction, contact, organisation..."""
    segments = [re.sub(r"\.[a-z]{2,5}$", "", s) for s in unquote(urlsplit(url).path).lower().split("/") if s]
    return any(s in STATIC_SECTIONS for s in segments[:-1]) or bool(segments and segments[-1] in STATIC_SECTIONS)


def date_in_url(url: str) -> str | None:
    """``YYYY-MM-DD`` when the path carries a plausible publication day, else None."""
    match = DATE_IN_URL.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def page_number(url: str) -> int | None:
    """The listing page number a URL asks for (``?page=3``, ``..._cur=3``, ``/trang-3.html``), if any."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if PAGE_PARAM.search(key) and value.isdigit():
            return int(value)
    match = PAGE_IN_PATH.search(unquote(parts.path))
    return int(match.group(1)) if match else None


def is_page_variant(url: str, other: str) -> bool:
    """Whether two URLs are pages of one listing: they differ only in the page number."""
    return url != other and _without_page(url) == _without_page(other)


def _without_page(url: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(canonicalize_url(url))
    params = tuple((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not PAGE_PARAM.search(k))
    path = PAGE_IN_PATH.sub("", unquote(parts.path))
    return parts.netloc, re.sub(r"\.html?$|/$", "", path), params
