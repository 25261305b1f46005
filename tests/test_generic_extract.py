"""Generic extraction on saved pages of each test portal family: exact fields, no profile.

The pages are bytes as the portals serve them (tests/generic_sites/saved, written by
``python -m tests.generic_sites.save``); they are decoded the way Scrapy decodes a response (HTTP
charset, else <meta>), so the windows-1258 portal also checks legacy decoding and NFC. Expected
values come from the portals' ground truth, never from the extractor.
"""
from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

from crawler.generic import GenericPage
from crawler.generic.extract import strip_site_name
from pipelines.normalize import normalize_authors, normalize_datetime, normalize_view_count

SAVED = Path(__file__).parent / "generic_sites" / "saved"
CASES = json.loads((SAVED / "cases.json").read_text(encoding="utf-8"))
ARTICLES = [c for c in CASES if c["kind"] == "article"]


def load(case: dict) -> GenericPage:
    body = (SAVED / case["portal"] / f"{case['case']}.html").read_bytes()
    _, text = html_to_unicode(case["content_type"], body)
    return GenericPage(case["url"], text, now=datetime.fromisoformat(case["saved_at"]))


def test_every_family_has_saved_articles_and_listings() -> None:
    portals = {c["portal"] for c in CASES}
    assert len(portals) >= 5
    for portal in portals:
        kinds = {c["kind"] for c in CASES if c["portal"] == portal}
        assert {"article", "listing"} <= kinds, portal


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: f"{c['portal']}/{c['case']}")
def test_article_fields_are_exact(case: dict) -> None:
    fields = load(case).fields
    got = {
        "title": fields.title, "summary": fields.summary, "body_text": fields.body_text,
        "published_at": normalize_datetime(fields.date_raw, now=datetime.fromisoformat(case["saved_at"])),
        "view_count": normalize_view_count(fields.views_raw), "authors": normalize_authors(fields.byline_raw),
        "category": fields.category,
    }
    assert got == case["expected"]


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: f"{c['portal']}/{c['case']}")
def test_every_field_says_where_it_came_from(case: dict) -> None:
    fields = load(case).fields
    prov = fields.provenance
    for name, value in (("title", fields.title), ("date", fields.date_raw), ("views", fields.views_raw),
                        ("authors", fields.byline_raw), ("body", fields.body_text), ("summary", fields.summary)):
        if value:
            assert prov.get(name, "").split(":")[0] in {"heuristic", "label", "meta", "jsonld", "microdata", "html"}, name


def test_legacy_windows_1258_page_comes_out_as_nfc() -> None:
    [case] = [c for c in ARTICLES if c["portal"] == "aspnet_legacy" and c["case"] == "article-full"]
    raw = (SAVED / case["portal"] / "article-full.html").read_bytes()
    assert b"charset=windows-1258" in raw and "charset" not in case["content_type"]  # declared only in <meta>
    assert "\u0300".encode("cp1258") in raw  # tone marks stored decomposed
    fields = load(case).fields
    for text in (fields.title, fields.body_text, fields.date_raw, fields.views_raw):
        assert text == unicodedata.normalize("NFC", text)
    assert fields.date_raw.startswith("Lượt xem:") and "Gửi lúc:" in fields.date_raw
    assert fields.provenance["date"] == "label:Gửi lúc" and fields.provenance["views"] == "label:Lượt xem"


def test_header_clock_related_dates_and_footer_counter_are_ignored() -> None:
    case = next(c for c in ARTICLES if c["portal"] == "tuyenquang")
    page = load(case)
    html = page.sel.get()
    saved_day = datetime.fromisoformat(case["saved_at"]).strftime("%d/%m/%Y")
    assert saved_day in html and "Tin cùng chuyên mục" in html and "Lượt truy cập" in html  # the traps are there
    fields = page.fields
    assert saved_day not in fields.date_raw and "truy cập" not in (fields.views_raw or "")
    assert "Tin cùng chuyên mục" not in fields.body_text and "Lượt xem" not in fields.body_text


def test_declared_time_completes_a_day_only_date_line() -> None:
    case = next(c for c in ARTICLES if c["portal"] == "wordpress")
    fields = load(case).fields
    assert fields.provenance["date"] == "html:time" and "T" in fields.date_raw
    assert normalize_authors(fields.byline_raw) == case["expected"]["authors"]  # not the JSON-LD "admin"


def test_bold_title_without_heading_or_title_tag() -> None:
    case = next(c for c in ARTICLES if c["portal"] == "hue")
    page = load(case)
    assert page.structured.html_title and page.structured.html_title not in page.fields.title
    assert page.fields.provenance["title"] == "heuristic:bold"


def test_structured_metadata_fills_in_when_the_page_shows_nothing() -> None:
    html = """<html><head><title>Tiêu đề - Cổng TTĐT</title>
    <meta property="og:title" content="Hội nghị tổng kết công tác năm 2024 của xã">
    <meta property="article:published_time" content="2024-12-20T08:30:00+07:00">
    <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "author": [{"@type": "Person",
    "name": "Trần Thị Lan"}], "interactionStatistic": {"@type": "InteractionCounter",
    "interactionType": "https://schema.org/ViewAction", "userInteractionCount": 321}}]}</script></head>
    <body><div class="content"><p>""" + "Nội dung bài viết về hội nghị tổng kết công tác năm của xã. " * 12 + """</p>
    <p>Đoạn thứ hai của bài viết, nêu các nhiệm vụ trọng tâm cho năm tới của địa phương.</p></div></body></html>"""
    page = GenericPage("https://x.gov.vn/tin-tuc/hoi-nghi-123.html", html)
    fields = page.fields
    assert page.verdict.kind == "article"
    assert (fields.title, fields.provenance["title"]) == ("Hội nghị tổng kết công tác năm 2024 của xã", "meta:og:title")
    assert (fields.date_raw, fields.provenance["date"]) == ("2024-12-20T08:30:00+07:00", "meta:article:published_time")
    assert (fields.views_raw, fields.provenance["views"]) == ("321", "jsonld:interactionStatistic")
    assert (fields.byline_raw, fields.provenance["authors"]) == ("Trần Thị Lan", "jsonld:author")


@pytest.mark.parametrize(("title", "expected"), [
    ("Hội nghị tổng kết năm 2024 - Cổng TTĐT huyện Sơn Dương", "Hội nghị tổng kết năm 2024"),
    ("Cổng TTĐT | Xã Tân Lập tổ chức lễ ra quân", "Xã Tân Lập tổ chức lễ ra quân"),
    ("Không có tên trang", "Không có tên trang"),
])
def test_site_name_is_stripped_from_title_tag(title: str, expected: str) -> None:
    assert strip_site_name(title) == expected


def _category(body: str) -> tuple[str | None, str | None]:
    from crawler.generic.extract import extract_category
    from crawler.generic.lines import forget_chrome_blocks

    forget_chrome_blocks()
    html = f"<html><head><title>Bài</title></head><body>{body}</body></html>"
    page = GenericPage("http://xa.example.gov.vn/tin/bai-1.html", html)
    return extract_category(page, "Bài")


@pytest.mark.parametrize(("body", "expected"), [
    # A breadcrumb the reader sees.
    ('<div class="Duong_Dan"><a href="/">Trang chủ</a> » <a href="/tin">Tin tức</a></div><p>Nội dung.</p>', "Tin tức"),
    # One the walk does not enter (hidden, or inside a form widget) counts as well, in its place:
    # the first breadcrumb of the page in document order wins.
    ('<div style="display:none"><p><span class="breadcrumb"><a href="/an">Mục ẩn</a></span></p></div>'
     '<div class="breadcrumb"><a href="/tin">Tin tức</a></div>', "Mục ẩn"),
    ('<button><span id="viTri"><a href="/nut">Trong nút</a></span></button>'
     '<div class="breadcrumb"><a href="/tin">Tin tức</a></div>', "Trong nút"),
    ('<div class="breadcrumb"><a href="/tin">Tin tức</a></div>'
     '<div hidden><span class="breadcrumb"><a href="/an">Mục ẩn</a></span></div>', "Tin tức"),
    # A hidden element named so is asked itself, not only its descendants.
    ('<ul class="breadcrumb" hidden><li><a href="/an">Mục ẩn</a></li></ul>', "Mục ẩn"),
    # ... and a hidden element with no children at all: a link named so, its own only step.
    ('<a class="breadcrumb" hidden href="/an">Mục lá</a><div class="breadcrumb"><a href="/tin">Tin tức</a></div>',
     "Mục lá"),
    # Named elements without usable steps are passed over.
    ('<div class="breadcrumb"><a href="/">Trang chủ</a></div><p class="location"><a href="/xa">Tin xã</a></p>', "Tin xã"),
])
def test_category_is_the_first_breadcrumb_of_the_page_visible_or_not(body: str, expected: str) -> None:
    assert _category(body) == (expected, "heuristic:breadcrumb")
