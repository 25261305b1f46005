"""The normalizers' public API (docs/contract.md, "Normalizers"): import everything from here.

A thin module of re-exports; the rules live in `pipelines.dates` (date lines), `pipelines.views`
(view counts), `pipelines.bylines` (authors and source) and `pipelines.text` (NFC, whitespace,
search folding). Every function accepts None or any str and never raises. Importing this module
imports neither dateparser (loaded on first use, only for date lines the patterns cannot read)
nor Scrapy.

- ``normalize_datetime(text, now=None) -> str | None``: 'YYYY-MM-DDTHH:MM:SS+07:00' when the text
  states a time, 'YYYY-MM-DD' when it states only a day; None if absent or implausible.
- ``normalize_datetime_detail(text, now=None) -> ParsedDate | None``: the same with the value and
  its precision ('day' / 'minute' / 'second').
- ``normalize_view_count(text) -> int | None``: '1.234' is 1234, '1.5k' is 1500.
- ``normalize_authors(text) -> list[str]`` and ``split_byline(text) -> Byline`` (authors + source).
- ``clean_text``, ``clean_paragraphs``, ``fold_for_search``, ``to_nfc``; ``VN_TZ``, ``now_vn``.
"""
from __future__ import annotations

from pipelines.bylines import Byline, normalize_authors, split_byline
from pipelines.dates import VN_TZ, ParsedDate, normalize_datetime, now_vn
from pipelines.dates import parse_datetime_detail as normalize_datetime_detail
from pipelines.text import clean_paragraphs, clean_text, fold_for_search, to_nfc
from pipelines.views import normalize_view_count

__all__ = [
    "VN_TZ",
    "Byline",
    "ParsedDate",
    "clean_paragraphs",
    "clean_text",
    "fold_for_search",
    "normalize_authors",
    "normalize_datetime",
    "normalize_datetime_detail",
    "normalize_view_count",
    "now_vn",
    "split_byline",
    "to_nfc",
]
