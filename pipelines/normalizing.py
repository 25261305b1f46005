"""NormalizePipeline: fills an ArticleItem's normalized fields from its raw strings.

Thin by design: every rule lives in the pure functions of `pipelines.normalize`; this class only
applies them, counts what could not be read, and drops items that are not articles at all.
Bad input becomes None and a stats count, never an exception.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from pipelines.normalize import (
    clean_text,
    normalize_datetime_detail,
    normalize_view_count,
    split_byline,
    to_nfc,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class NormalizePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item  # failures and raw pages pass straight to storage
        problems = normalize_article(item)
        for problem in problems:
            self.stats.inc_value(f"portal/{item.site}/{problem}")
        if "dropped/no_title" in problems:
            raise DropItem(f"No title: {item.url}", log_level="INFO")
        return item


def normalize_article(item: ArticleItem) -> list[str]:
    """Fill the item's normalized fields in place; return what could not be read (stats keys).

    Shared by the crawl's pipeline and `scrapy reextract`, so both store the same values.
    """
    normalize_text_fields(item)
    if not item.title:
        return ["dropped/no_title"]
    problems = _dates(item)
    item.view_count = normalize_view_count(item.views_raw)
    if item.views_raw and item.view_count is None:
        problems.append("views_unparsed")
    byline = split_byline(item.byline_raw)
    item.authors = list(byline.authors)
    item.source_name = byline.source or split_byline(item.source_raw).source
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


def normalize_text_fields(item: ArticleItem) -> None:
    """NFC and collapsed whitespace on one-line fields; NFC on the multi-paragraph body."""
    for name in ("title", "summary", "category", "date_raw", "views_raw", "byline_raw", "source_raw"):
        value = getattr(item, name)
        if value is not None:
            setattr(item, name, clean_text(value) or None)
    if item.body_text is not None:
        item.body_text = to_nfc(item.body_text).strip() or None
