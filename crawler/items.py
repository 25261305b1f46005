"""Items that flow from the spider through the pipelines: articles and failures; and `ArticleFields`,
what page extraction returns (the one declaration of an article's fields).

`ArticleItem` carries raw strings as the page showed them (`*_raw`) and, once NormalizePipeline
has run, the normalized values beside them. `FailureItem` records a page that could not be
fetched or parsed, so that nothing is silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields


@dataclass(kw_only=True, slots=True)
class ArticleFields:
    """Raw article fields as a page shows them (text cleaned: NFC, whitespace collapsed): what page
    extraction (profiles or generic mode) returns. Declared once: `ArticleItem` extends it."""

    url: str
    """Canonical URL: the page's own <link rel=canonical> on the same site, else the response URL."""

    title: str | None = None
    summary: str | None = None
    """The sapo (lead paragraph) when the page shows one separately."""

    body_text: str | None = None
    """Full article text as a reader sees it: the sapo first, then the body paragraphs, joined
    with blank lines; no menus, labels, byline or related links."""

    category: str | None = None
    date_raw: str | None = None
    """The date text exactly as shown (whitespace collapsed), e.g. ``Cập nhật lúc: 14:55 - 10/10/2018``."""

    views_raw: str | None = None
    byline_raw: str | None = None
    """The byline text the authors come from, e.g. ``Tin, ảnh: Hữu Bình - Thanh Trúc``."""

    source_raw: str | None = None
    """A source credit shown in its own element, e.g. ``Nguồn tin: Báo Đồng Nai``."""

    date_in_url: str | None = None
    """``YYYY-MM-DD`` when the URL carries the publication day (SharePoint portal/Pages)."""

    provenance: dict[str, str] = field(default_factory=dict)
    """Which rule produced each field, e.g. ``{"title": "profile:.tandan-title-view h1"}``."""

    attachments: list[dict[str, str]] = field(default_factory=list)
    """Documents the article links to, ``{"url": ..., "text": ...}`` (a notice's content may be only that)."""


@dataclass(kw_only=True, slots=True)
class ArticleItem(ArticleFields):
    """An extracted article on its way through the pipelines: the page's fields, where and when it
    was fetched, and (once NormalizePipeline has run) the normalized values beside the raw ones."""

    site: str
    """Site slug from the registry, e.g. ``honglinh``."""

    fetched_at: str
    """When the page was downloaded, ISO 8601 with +07:00. Also 'now' for relative dates."""

    http_status: int | None = None
    fetched_url: str | None = None
    """The URL that was requested (the listing's link), when it differs from the canonical ``url``."""

    # --- filled by NormalizePipeline ---
    published_at: str | None = None
    """``YYYY-MM-DDTHH:MM:SS+07:00`` when the page states a time, ``YYYY-MM-DD`` for a day only."""

    published_date: str | None = None
    """Local calendar day ``YYYY-MM-DD``."""

    published_precision: str | None = None
    """``day``, ``minute`` or ``second``: how much of the time the page really stated."""

    view_count: int | None = None
    authors: list[str] = field(default_factory=list)
    source_name: str | None = None
    """The ``Nguồn:`` (source) credit of the byline, when present: not an author."""

    normalized: list[str] | None = None
    """What normalization could not read or had to cut (stats keys, ``date_unparsed``...), once
    `pipelines.normalizing.normalize_article` has run; None before. An item normalized where it
    was extracted (a crawl's extraction worker) passes NormalizePipeline without a second run."""

    # --- provenance of an archived copy (pipelines/warc.py, the Wayback source) ---
    source: str = "live"
    """``live`` (fetched from the portal), ``warc`` (imported from a WARC/ARC file) or ``wayback``."""

    capture_url: str | None = None
    """The archived copy's own address: the WARC file and record id, or the Wayback capture URL."""

    captured_at: str | None = None
    """When the archive captured the page (ISO 8601, +07:00); None for live fetches."""

    # --- identity, set by the storage (pipelines/identity.py) ---
    article_key: str | None = None
    """The article's key in the archive: its site and canonical location, e.g.
    ``honglinh:/portal/pages/2024-3-1/tin-12.aspx``; the same at every address of the site."""

    moved_to: str | None = None
    """Where the portal now redirects the article, when that is another site (a merged portal)."""


def article_item(site: str, fields: ArticleFields, fetched_at: str, http_status: int | None,
                 requested_url: str) -> ArticleItem:
    """The item for an extracted page: the crawl, imports and `scrapy reextract` build it the same way."""
    raw = {f.name: getattr(fields, f.name) for f in _FIELDS}
    raw["provenance"], raw["attachments"] = dict(fields.provenance), list(fields.attachments)
    return ArticleItem(**raw, site=site, fetched_at=fetched_at, http_status=http_status,
                       fetched_url=requested_url if requested_url != fields.url else None)


_FIELDS = dataclass_fields(ArticleFields)


@dataclass(kw_only=True, slots=True)
class FailureItem:
    site: str
    url: str
    observed_at: str
    """ISO 8601 with +07:00."""

    kind: str
    """``http`` (error status), ``network`` (timeout, DNS, refused...) or ``extract`` (not parseable)."""

    reason: str
    """Short machine-friendly reason: ``http_500``, ``timeout``, ``no_title``..."""

    detail: str = ""
    http_status: int | None = None
    page_kind: str = "article"
    """``article`` or ``listing``: what the page was expected to be (decides retries in later runs)."""


@dataclass(kw_only=True, slots=True)
class RawPageItem:
    """A fetched page exactly as received, so extraction can be redone later without re-crawling."""

    site: str
    url: str
    kind: str
    """``article``, ``listing`` or ``error``."""

    fetched_at: str
    status: int
    body: bytes
    content_type: str = ""
    encoding: str = ""
    """The encoding Scrapy decoded the body with (from headers, <meta> or detection)."""

    method: str = "GET"
    request_body: bytes = b""
    """The POST body for postback listing pages (what reproduces the request)."""

    source: str = "live"
    """``live``, ``warc`` or ``wayback``: see `ArticleItem.source`."""

    warc_file: str | None = None
    warc_record_id: str | None = None
    """For pages imported from a WARC/ARC file: its file name and the record's WARC-Record-ID."""


@dataclass(kw_only=True, slots=True)
class ListingWalkItem:
    """How the walk of one category listing ended in this run."""

    site: str
    listing_url: str
    pages: int
    stopped_because: str
    """``last_page``, ``known_articles``, ``max_pages``, ``no_links`` or ``error``."""
