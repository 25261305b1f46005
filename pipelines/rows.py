"""Pure builders of archive rows from items: no database, no clock.

Kept apart from the pipeline so that every writer of the archive (the crawl's storage pipeline,
`scrapy reextract`, `scrapy import-warc`) builds exactly the same rows.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from crawler.items import ArticleItem, FailureItem, RawPageItem
from pipelines.identity import article_key
from pipelines.normalizing import MAX_RAW_PAGE_BYTES
from pipelines.search import search_text
from pipelines.units import site_tag

# Fields whose change makes an article "updated" (views and fetch times change on every visit).
CONTENT_FIELDS = ("title", "summary", "body_text", "authors", "category", "published_at")
# Every column of a `raw_pages` row (`raw_page_row`).
RAW_PAGE_COLUMNS = ("url", "article_key", "site", "kind", "fetched_at", "status", "method", "request_body", "content_type",
                    "encoding", "body", "body_sha1", "body_size", "same_as", "crawl_run_id", "source", "warc_file",
                    "warc_record_id", "truncated_from")
# zlib level 6: ~5x on portal HTML at a fraction of the cost of level 9.
RAW_COMPRESSION_LEVEL = 6


def failure_row(item: FailureItem, run_id: int | None, key: str | None = None) -> dict[str, Any]:
    """A `failures` row; `key`: the page's `article_key` (by default with the default rules)."""
    return {"crawl_run_id": run_id, "site": item.site, "url": item.url,
            "article_key": key or article_key(item.site, item.url), "observed_at": item.observed_at,
            "kind": item.kind, "reason": item.reason, "detail": item.detail, "http_status": item.http_status,
            "page_kind": item.page_kind}


def stored_body(body: bytes) -> tuple[bytes, int | None]:
    """The part of a page body that `raw_pages` stores (cut to MAX_RAW_PAGE_BYTES), and the body's
    real size when it was cut (None for a body stored whole)."""
    if len(body) > MAX_RAW_PAGE_BYTES:
        return body[:MAX_RAW_PAGE_BYTES], len(body)
    return body, None


def pack_body(body: bytes) -> tuple[str, bytes]:
    """`raw_pages.body_sha1` and `raw_pages.body` (compressed) for a page body. zlib and hashlib
    give up the GIL while they work, so a caller may run this on another thread alongside its own
    work and hand the result to `raw_page_row`."""
    stored = stored_body(body)[0]
    return hashlib.sha1(stored).hexdigest(), zlib.compress(stored, RAW_COMPRESSION_LEVEL)


def raw_page_row(item: RawPageItem, run_id: int | None, previous: tuple[int, str] | None,
                 key: str | None = None, packed: tuple[str, bytes] | None = None) -> dict[str, Any]:
    """A `raw_pages` row; the body is stored once per distinct content (else `same_as` points to it).

    A body over MAX_RAW_PAGE_BYTES is stored cut to it, and `truncated_from` keeps its real size
    (NULL for a page stored whole); `body_sha1` and `body_size` describe what is stored.
    `packed`: `pack_body(item.body)` when the caller made it already (on another thread).
    """
    body, truncated_from = stored_body(item.body)
    digest = packed[0] if packed is not None else hashlib.sha1(body).hexdigest()
    same = previous is not None and previous[1] == digest
    return {
        "url": item.url, "article_key": key or article_key(item.site, item.url), "site": item.site,
        "kind": item.kind, "fetched_at": item.fetched_at,
        "status": item.status, "method": item.method, "request_body": item.request_body or None,
        "content_type": item.content_type, "encoding": item.encoding,
        "body": None if same else packed[1] if packed is not None else zlib.compress(body, RAW_COMPRESSION_LEVEL),
        "body_sha1": digest, "body_size": len(body), "same_as": previous[0] if same and previous else None,
        "crawl_run_id": run_id, "source": item.source, "warc_file": item.warc_file,
        "warc_record_id": item.warc_record_id, "truncated_from": truncated_from,
    }


def site_row(site: Any, updated_at: str, portal_title: str | None = None) -> dict[str, Any]:
    """A `sites` row, with the site's administrative unit (pipelines/units.py; `portal_title`: what
    a generic-mode portal's pages say it is, when known)."""
    return {"slug": site.slug, "name": site.name, "base_url": site.base_url, "platform": site.family,
            "province": site.province, "unit": site.unit, "level": site.level,
            "enabled": int(site.enabled), "notes": site.notes, "updated_at": updated_at,
            **site_tag(site, portal_title)}


def version_row(previous: dict[str, Any], version: int, replaced_at: str, run_id: int | None) -> dict[str, Any]:
    """The `article_versions` row that keeps an article's content as it was before an edit."""
    keep = ("url", "article_key", "title", "summary", "body_text", "authors", "category", "published_at",
            "content_hash")
    return {**{k: previous.get(k) for k in keep}, "version": version, "fetched_at": previous.get("fetched_at"),
            "replaced_at": replaced_at, "crawl_run_id": run_id}


def article_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """The `articles` row for an item (without first_seen_at/last_changed_at).

    Its key is the item's (the storage sets it with the site's rules), else the default rules'.
    """
    row = {
        "article_key": item_key(item), "url": item.url, "site": item.site, "title": item.title,
        "summary": item.summary,
        "body_text": item.body_text, "authors": json.dumps(item.authors, ensure_ascii=False),
        "category": item.category, "published_at": item.published_at,
        "published_date": item.published_date, "published_precision": item.published_precision,
        "date_raw": item.date_raw, "view_count": item.view_count, "views_raw": item.views_raw,
        "byline_raw": item.byline_raw, "source_name": item.source_name, "source_raw": item.source_raw,
        "date_in_url": item.date_in_url,
        "provenance": json.dumps(item.provenance, ensure_ascii=False, sort_keys=True),
        "http_status": item.http_status, "fetched_at": item.fetched_at, "crawl_run_id": run_id,
        "fetched_url": item.fetched_url, "removed_at": None,
        "search_text": search_text(item.title, item.summary, item.body_text),
        "source": item.source, "capture_url": item.capture_url, "captured_at": item.captured_at,
        "moved_to": item.moved_to,
        "attachments": json.dumps(item.attachments, ensure_ascii=False),
    }
    row["content_hash"] = content_hash(row)
    return row


def content_hash(row: dict[str, Any]) -> str:
    """A digest of the fields whose change is an edit of the article."""
    payload = json.dumps([row.get(k) for k in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def view_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """One observation of an article: its view count (NULL when the page shows none) at fetch time."""
    return {"url": item.url, "article_key": item_key(item), "observed_at": item.fetched_at,
            "view_count": item.view_count, "views_raw": item.views_raw, "crawl_run_id": run_id, "source": item.source,
            "capture_url": item.capture_url}


def item_key(item: ArticleItem) -> str:
    """The item's `article_key`: as identified by the storage, else by the default rules."""
    return item.article_key or article_key(item.site, item.url)
