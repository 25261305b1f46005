"""The Vietnamese vocabulary the project reads portals with, in one place: metadata labels (date,
views, byline, source), bylines that name nobody, headings that end an article's text, page
furniture, error-page titles, pager labels, and the CSS class words of page chrome and content.
Used by the normalizers (pipelines/bylines.py), the profile page objects (crawler/pages) and
generic mode (crawler/generic). Data only, plus a few tiny predicates; the bottom layer. Label texts are matched on *folded* text
(`pipelines.normalize.fold_for_search`: lower case, no diacritics, đ -> d), so ``Tin cùng chuyên
mục``, ``TIN CÙNG CHUYÊN MỤC`` and a windows-1258 page's decomposed ``Tin cu`ng...`` all match.
Sources: the labels and traps public material shows (docs/platforms.md).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipelines.text import fold_for_search

# Headings that open the related-links / comments block: the body ends before them.
END_MARKERS: tuple[str, ...] = (
    "tin cung chuyen muc", "cac tin cung chuyen muc", "bai cung chuyen muc", "cac tin khac", "tin khac",
    "cac bai khac", "bai viet khac", "tin lien quan", "bai viet lien quan", "tin bai lien quan",
    "cac tin lien quan", "nhung tin cu hon", "nhung tin moi hon", "tin moi hon", "tin cu hon",
    "cac tin da dua", "tin da dua", "tin moi nhat", "tin moi", "tin xem nhieu", "tin noi bat",
    "xem them", "doc them", "y kien ban doc", "binh luan", "gui binh luan", "gui y kien", "y kien cua ban",
    "tu khoa", "tags", "the:", "chia se bai viet", "cac album da dang", "xem tin theo ngay",
    "xem cac tin khac", "tin tuc khac", "tin bai khac", "cac tin bai khac", "other news", "related",
)
MAX_MARKER_CHARS = 90  # an end marker is a heading, not a sentence that happens to start alike

# Page furniture inside or around the content: a line made only of these is not text.
NOISE_PHRASES: tuple[str, ...] = (
    "in trang", "in bai viet", "in bai", "ban in", "print", "gui email", "gui e-mail", "gui mail", "email",
    "gui bai viet", "gui bai", "gui cho ban be", "chia se", "share", "ve dau trang", "len dau trang",
    "dau trang", "quay lai", "quay ve", "tro ve", "tro lai", "tweet", "like", "facebook", "zalo", "twitter",
    "luu bai viet", "luu bai", "luu tin", "nghe doc bai", "nghe bai viet", "doc bai", "co chu",
    "phong to", "thu nho", "binh thuong", "mac dinh", "image banner", "image advertisement", "thong ke",
    "top", "a-", "a+", "a", "100%", "zoom", "font", "size",
)
_NOISE_RE = re.compile(
    r"(?<![\w%+-])(?:" + "|".join(re.escape(p) for p in sorted(NOISE_PHRASES, key=len, reverse=True))
    + r")(?![\w%+])"
)
_SEPARATORS_ONLY = re.compile(r"^[\W_]*$")

# Labels of the metadata lines (date, views, byline), folded; "ngay:" alone is the omard form.
DATE_LABEL_RE = re.compile(
    r"(?<!\w)(?:cap nhat(?: luc| ngay)?|dang luc|dang ngay|ngay dang|gui luc|gui ngay|tin dang ngay|ngay cap nhat"
    r"|ngay xuat ban|xuat ban(?: luc| ngay)?|thoi gian dang|thoi gian|ngay gui|posted(?: on)?|published(?: on)?)"
    r"\s?(?::|(?=\d))|^ngay\s?:"
)
VIEWS_LABEL_RE = re.compile(r"luot xem|luot doc|so lan xem|(?<!\w)xem\s?:|(?<!\w)views?(?!\w)|(?<!\w)hits?(?!\w)")
SITE_COUNTER_RE = re.compile(r"truy cap|dang online|truc tuyen|online|tong so|hom nay|thong ke|visitors?")
# An author credit anywhere in a line ("Đăng lúc: ... | Tác giả: X"), folded.
AUTHOR_LABEL_RE = re.compile(
    r"(?<!\w)(?:tac gia|dang boi|viet boi|nguoi viet|nguoi dang|but danh|phong vien|pv|ctv"
    r"|tin(?:\s?[,/&-]\s?|\s)anh|bai(?:\s?[,/&-]\s?|\s)anh|tin|bai|anh)\s?:|(?<!\w)(?:dang boi|posted by|by)\s"
)
SOURCE_LABEL_RE = re.compile(r"^\(?\s?(?:nguon(?: tin)?\s?:|theo\s)")

# Bylines that name nobody. Compared lower-cased *with* diacritics: folded, "minh họa"
# (illustration) would equal the name Minh Hòa. Both tone placements are listed where they differ,
# plus the unaccented spellings that sites without Vietnamese input use, where they cannot be a name.
PLACEHOLDER_BYLINES = frozenset(
    {
        "admin", "administrator", "quản trị", "quản trị viên", "quản trị hệ thống", "quan tri vien",
        "qtv", "bbt", "ban biên tập", "ban bien tap", "biên tập", "biên tập viên", "btv", "webmaster",
        "người đăng", "ẩn danh", "khách", "guest", "tòa soạn", "toà soạn", "tổng hợp", "tong hop", "st",
        "sưu tầm", "suu tam", "tl", "tư liệu", "internet", "nguồn internet", "inet", "minh họa",
        "minh hoạ", "ảnh minh họa", "ảnh minh hoạ", "pv", "ctv", "ptv", "phóng viên", "cộng tác viên",
        "nhóm pv", "nhóm phóng viên", "user", "super user", "superuser", "root", "editor", "unknown",
        "không rõ", "none", "null", "n/a", "facebook", "youtube", "zalo",
    }
)
# A line opening with one of these (folded) ends the body for the byline reader: nothing from it on
# is a byline (a subset of END_MARKERS plus furniture that closes a text).
BYLINE_END_MARKERS: tuple[str, ...] = (
    "tin cung chuyen muc", "tin lien quan", "cac tin khac", "tin khac", "tin moi", "nhung tin cu hon",
    "nhung tin moi hon", "y kien ban doc", "binh luan", "chia se", "doc them", "xem them",
    "xem tin theo ngay", "cac album da dang", "bai viet lien quan", "tin bai lien quan", "tu khoa",
    "tags", "ve dau trang", "quay lai", "gui y kien",
)
# Lines of page furniture that sit between the byline and the end of the body (folded).
BYLINE_NOISE: tuple[str, ...] = ("in trang", "print", "100%", "image banner", "image advertisement", "thong ke", "zoom")

# The same labels as the page side matches them on unfolded text (profiles' page objects).
VIEW_LABEL_TEXT_RE = re.compile(r"lượt\s*xem|lượt\s*đọc|\bxem\s*:|\bviews?\b", re.IGNORECASE)
# A byline that announces itself: "Tin, ảnh: ...", "Tác giả: ...", "Nguồn: ...".
CREDIT_TEXT_RE = re.compile(
    r"^\s*(?:tin|bài|ảnh|tin[\s,\-–]*ảnh|bài[\s,\-–]*ảnh|tác\s*giả|nguồn(?:\s*tin)?|theo|đăng\s*bởi)\s*[:：]",
    re.IGNORECASE,
)
# Titles of error pages served with status 200.
ERROR_TITLES = re.compile(r"^(404|lỗi|error|không tìm thấy|page not found|trang không tồn tại)\b", re.IGNORECASE)

# Weekday words: the header clock carries one.
WEEKDAY_RE = re.compile(r"(?<!\w)(?:thu\s?(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s?nhat)(?!\w)")

# CSS class / id tokens (lower-cased, split at non-letters) of page chrome and of side blocks.
CHROME_TOKENS = frozenset(
    "nav navbar navigation menu menutop mainmenu topmenu submenu megamenu header footer sidebar aside "
    "breadcrumb breadcrumbs banner ads advert adv advertisement quangcao qc share sharing social print "
    "toolbar tools tool comment comments binhluan related relate relates other others khac tinkhac lienquan "
    "lienket weblink weblinks login dangnhap search timkiem calendar counter thongke visitor visitors "
    "copyright pager paging pagination phantrang widget tag tags keyword keywords rss poll survey "
    "hotline marquee slider slide carousel topbar logo".split()
)
CHROME_SUBSTRINGS: tuple[str, ...] = (
    "menu", "footer", "sidebar", "breadcrumb", "comment", "related", "share", "social", "banner", "advert",
    "quangcao", "tinkhac", "lienquan", "othernews", "other-news", "pager", "paging", "pagination",
    "copyright", "thongke", "counter", "navbar", "widget",
)
# Utility classes that hide an element (Bootstrap and the like): exact class names, since
# "hidden-xs" only hides it on small screens.
HIDDEN_CLASSES = frozenset({"hidden", "hide", "d-none", "sr-only", "visually-hidden", "invisible", "display-none"})
CHROME_TAGS = frozenset({"nav", "footer", "aside", "header", "menu"})
# Tokens that say "this is the article": a small bonus when scoring text containers.
CONTENT_TOKENS = frozenset(
    "content contents detail details article body entry post news-content noidung chitiet main text "
    "fulltext story bodytext newsbody postbody".split()
)
SAPO_TOKENS = frozenset("sapo summary lead desc description mota tomtat trichdan intro abstract teaser excerpt "
                        "chapeau brief".split())
TITLE_TOKENS = ("title", "tieude", "headline", "heading", "tenbai")
CATEGORY_TOKENS = ("breadcrumb", "duongdan", "crumb", "path", "vitri", "location")

# Anchor texts of pagers, folded: "next" labels and the others a pager carries.
NEXT_LABELS = frozenset({"trang sau", "trang tiep", "tiep", "tiep theo", "sau", "next", "next page", ">", "»",
                         "›", ">>", "»»", "›››", "trang ke", "ke tiep"})
OTHER_PAGER_LABELS = frozenset({"<", "«", "‹", "<<", "««", "truoc", "trang truoc", "dau", "trang dau", "cuoi",
                                "trang cuoi", "first", "last", "prev", "previous", "...", "…"})


def strip_noise(folded: str) -> str:
    """What is left of a folded line once every furniture phrase is removed."""
    return _NOISE_RE.sub(" ", folded).strip()


@lru_cache(maxsize=8192)
def is_noise_line(text: str) -> bool:
    """A line made only of furniture ("In trang | Gửi email | Về đầu trang", "A- A A+", "100%")."""
    folded = fold_for_search(text)
    return bool(folded) and len(folded) <= 120 and bool(_SEPARATORS_ONLY.match(strip_noise(folded)))


@lru_cache(maxsize=8192)
def is_end_marker(text: str) -> bool:
    """A heading that opens the related-links or comments block ("Tin cùng chuyên mục")."""
    folded = fold_for_search(text)
    return len(folded) <= MAX_MARKER_CHARS and folded.lstrip("»›>-–*• ").startswith(END_MARKERS)
