"""NormalizePipeline: fills an ArticleItem's normalized fields from its raw strings.

Thin by design: every rule lives in the pure functions of `pipelines.normalize`; this class only
applies them, counts what could not be read, and drops items that are not articles at all.
Bad input becomes None and a stats count, never an exception.

It also bounds what the archive stores (`MAX_*` below): a hostile or broken page can make a
megabyte title or a fifty-megabyte body, which every later reader (search, Datasette, exports)
would pay for. A value over its maximum is cut and the cut recorded, never silently: in the
article's `provenance` (``"title:truncated": "1048576 characters, the first 998 kept"``) and as
a crawl stats count (``portal/<site>/truncated/title``). Terminal escapes, control characters and
bidirectional overrides are removed from every displayed field (`strip_display_controls`).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem, RawPageItem
from crawler.settings import PORTAL_MAX_PAGE_BYTES
from pipelines.normalize import (
    clean_text,
    normalize_datetime_detail,
    normalize_view_count,
    split_byline,
    to_nfc,
)
from pipelines.text import strip_display_controls

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


# --- maxima of stored values (characters; bytes for raw pages) -------------------------------------
# Far above any real article (a portal headline is under 300 characters, a sapo under 2,000, the
# longest decree pages under 200,000), far below what makes search, display or export slow.
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 10_000
MAX_BODY_CHARS = 500_000
# Category, date, view-count, byline and source texts: one line as the page shows it.
MAX_LINE_CHARS = 1_000
# Attachments: how many are kept, and the length of each one's link text and URL.
MAX_ATTACHMENTS = 200
MAX_ATTACHMENT_TEXT_CHARS = 500
MAX_ATTACHMENT_URL_CHARS = 2_000
# A raw page (raw_pages.body, before compression): the crawl's own download limit, so a live
# fetch never reaches it; pages imported from WARC files or the Wayback can (pipelines/rows.py).
MAX_RAW_PAGE_BYTES = PORTAL_MAX_PAGE_BYTES

FIELD_MAXIMA = {"title": MAX_TITLE_CHARS, "summary": MAX_SUMMARY_CHARS, "body_text": MAX_BODY_CHARS,
                "category": MAX_LINE_CHARS, "date_raw": MAX_LINE_CHARS, "views_raw": MAX_LINE_CHARS,
                "byline_raw": MAX_LINE_CHARS, "source_raw": MAX_LINE_CHARS}
LINE_FIELDS = ("title", "summary", "category", "date_raw", "views_raw", "byline_raw", "source_raw")


class NormalizePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RawPageItem) and len(item.body) > MAX_RAW_PAGE_BYTES:
            # Cut by the row builder (pipelines/rows.py), which records it in raw_pages.truncated_from.
            self.stats.inc_value(f"portal/{item.site}/truncated/raw_page")
        if not isinstance(item, ArticleItem):
            return item  # failures and raw pages pass straight to storage
        problems = item.normalized if item.normalized is not None else normalize_article(item)
        for problem in problems:
            self.stats.inc_value(f"portal/{item.site}/{problem}")
        if "dropped/no_title" in problems:
            raise DropItem(f"No title: {item.url}", log_level="INFO")
        return item


def normalize_article(item: ArticleItem) -> list[str]:
    """Fill the item's normalized fields in place; return what could not be read (stats keys).

    Shared by the crawl's pipeline and `scrapy reextract`, so both store the same values.
    """
    truncated = normalize_text_fields(item)
    if not item.title:
        item.normalized = ["dropped/no_title"]
        return item.normalized
    problems = [f"truncated/{name}" for name in truncated] + _dates(item)
    item.view_count = normalize_view_count(item.views_raw)
    if item.views_raw and item.view_count is None:
        problems.append("views_unparsed")
    byline = split_byline(item.byline_raw)
    item.authors = list(byline.authors)
    item.source_name = byline.source or split_byline(item.source_raw).source
    item.normalized = problems
    return problems


def _dates(item: ArticleItem) -> list[str]:
    parsed = normalize_datetime_detail(item.date_raw, now=datetime.fromisoformat(item.fetched_at))
    if parsed is not None:
        item.published_at, item.published_precision = parsed.iso, parsed.precision
        item.published_date = parsed.value.date().isoformat()
        # The URL's date is the platform's own record of the day: a page date that disagrees
        # was most likely read from the wrong element.
        disagrees = item.date_in_url and item.date_in_url != item.published_date
        return ["date_disagrees_with_url"] if disagrees else []
    if item.date_in_url:
        item.published_at = item.published_date = item.date_in_url
        item.published_precision = "day"
        item.provenance["date"] = "url"
    return ["date_unparsed"] if item.date_raw else []


def normalize_text_fields(item: ArticleItem) -> list[str]:
    """NFC and collapsed whitespace on one-line fields; NFC on the multi-paragraph body; display
    controls removed from all; each field cut to its maximum. Returns the fields that were cut
    (each also recorded in the item's provenance)."""
    truncated = []
    for name in LINE_FIELDS:
        value = getattr(item, name)
        if value is not None:
            value, cut = _bounded(item, name, value)
            setattr(item, name, clean_text(strip_display_controls(value))[:FIELD_MAXIMA[name]].rstrip() or None)
            truncated += cut
    if item.body_text is not None:
        value, cut = _bounded(item, "body_text", item.body_text)
        item.body_text = to_nfc(strip_display_controls(value)).strip()[:MAX_BODY_CHARS].rstrip() or None
        truncated += cut
    if item.attachments:
        truncated += _bound_attachments(item)
    return truncated


def _bounded(item: ArticleItem, name: str, value: str) -> tuple[str, list[str]]:
    """The value cut to its field's maximum, and [name] when it was cut (recorded in provenance).

    Cut before cleaning, which can only shorten it: cleaning fifty megabytes to keep the first
    half million characters would cost the crawl for nothing. The cut falls on a space within the
    last 200 characters when there is one, so no word is split.
    """
    limit = FIELD_MAXIMA[name]
    if len(value) <= limit:
        return value, []
    cut = value[:limit]
    space = cut.rfind(" ", limit - 200)
    if space > 0:
        cut = cut[:space]
    item.provenance[f"{name}:truncated"] = f"{len(value)} characters, the first {len(cut)} kept"
    return cut, [name]


def _bound_attachments(item: ArticleItem) -> list[str]:
    """At most MAX_ATTACHMENTS attachments, their text cleaned and both text and URL bounded."""
    kept = []
    for attachment in item.attachments[:MAX_ATTACHMENTS]:
        url = str(attachment.get("url") or "")
        if len(url) > MAX_ATTACHMENT_URL_CHARS:
            continue  # a cut URL points nowhere: leave it out, counted below
        text = clean_text(strip_display_controls(str(attachment.get("text") or "")))
        kept.append({**attachment, "url": url, "text": text[:MAX_ATTACHMENT_TEXT_CHARS]})
    if len(kept) == len(item.attachments):
        item.attachments = kept
        return []
    item.provenance["attachments:truncated"] = f"{len(item.attachments)} attachments, {len(kept)} kept"
    item.attachments = kept
    return ["attachments"]
