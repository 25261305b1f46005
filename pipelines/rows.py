"""Pure builders of archive rows from items: no database, no clock except where stated.

Kept apart from the pipeline so that every writer of the archive (the crawl's storage pipeline,
`scrapy reextract`) builds exactly the same rows.
"""
from __future__ import annotations

import hashlib
import zlib
from typing import Any

from crawler.items import FailureItem, RawPageItem

# zlib level 6: ~5x on portal HTML at a fraction of the cost of level 9.
RAW_COMPRESSION_LEVEL = 6


def failure_row(item: FailureItem, run_id: int | None) -> dict[str, Any]:
    return {"crawl_run_id": run_id, "site": item.site, "url": item.url, "observed_at": item.observed_at,
            "kind": item.kind, "reason": item.reason, "detail": item.detail, "http_status": item.http_status,
            "page_kind": item.page_kind}


def raw_page_row(item: RawPageItem, run_id: int | None, previous: tuple[int, str] | None) -> dict[str, Any]:
    """A `raw_pages` row; the body is stored once per distinct content (else `same_as` points to it)."""
    digest = hashlib.sha1(item.body).hexdigest()
    same = previous is not None and previous[1] == digest
    return {
        "url": item.url, "site": item.site, "kind": item.kind, "fetched_at": item.fetched_at,
        "status": item.status, "method": item.method, "request_body": item.request_body or None,
        "content_type": item.content_type, "encoding": item.encoding,
        "body": None if same else zlib.compress(item.body, RAW_COMPRESSION_LEVEL),
        "body_sha1": digest, "body_size": len(item.body), "same_as": previous[0] if same and previous else None,
        "crawl_run_id": run_id, "source": item.source, "warc_file": item.warc_file,
        "warc_record_id": item.warc_record_id,
    }


def site_row(site: Any, updated_at: str) -> dict[str, Any]:
    return {"slug": site.slug, "name": site.name, "base_url": site.base_url, "platform": site.family,
            "province": site.province, "unit": site.unit, "level": site.level,
            "enabled": int(site.enabled), "notes": site.notes, "updated_at": updated_at}


def version_row(previous: dict[str, Any], version: int, replaced_at: str, run_id: int | None) -> dict[str, Any]:
    """The `article_versions` row that keeps an article's content as it was before an edit."""
    keep = ("url", "title", "summary", "body_text", "authors", "category", "published_at", "content_hash")
    return {**{k: previous.get(k) for k in keep}, "version": version, "fetched_at": previous.get("fetched_at"),
            "replaced_at": replaced_at, "crawl_run_id": run_id}
