"""Wayback source of the `portal` spider: `scrapy crawl portal -a site=SLUG -a source=wayback
[-a from=YYYY-MM-DD -a to=YYYY-MM-DD]`, for portals that are gone.

`WaybackMixin` lists a portal's captures through the Wayback CDX API (``PORTAL_WAYBACK_CDX_URL``;
status 200 only, following the resume key), keeps those whose original URL matches the profile's
article patterns, fetches every such capture raw (``{PORTAL_WAYBACK_URL}/web/{timestamp}id_/{url}``:
no toolbar, no rewritten links), and extracts it with the same page object as a live crawl. Items
carry `source = 'wayback'`, the capture time and the capture URL; storage keeps one row per
article (a live row wins, else the newest capture) and every capture's view observation.
Wayback quirks: a capture that redirects to a neighbouring capture is stored with the time of
the capture it landed on; a leftover toolbar is cut out; 429/503 are retried with exponential
back-off (``PORTAL_WAYBACK_BACKOFF`` seconds, doubled per attempt, ``PORTAL_WAYBACK_RETRIES`` times).
"""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import scrapy

from crawler import settings as defaults  # the one place for defaults
from crawler.items import RawPageItem, article_item
from crawler.pages.article import ArticlePage
from crawler.profiles import ProfileError
from pipelines.dates import VN_TZ

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.profiles.model import SiteProfile

SOURCES = ("live", "wayback")
DEFAULT_CDX_URL = defaults.PORTAL_WAYBACK_CDX_URL
DEFAULT_WAYBACK_URL = defaults.PORTAL_WAYBACK_URL
CDX_PAGE_SIZE = 1000
BACKOFF_STATUSES = (429, 503)
# The raw capture URL: /web/<14-digit timestamp>id_/<original URL>.
CAPTURE_PATH = re.compile(r"/web/(\d{14})id_/(.+)$")
TOOLBAR = re.compile(rb"<!-- BEGIN WAYBACK TOOLBAR INSERT -->.*?<!-- END WAYBACK TOOLBAR INSERT -->", re.DOTALL)


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_wayback_args(spargs: Mapping[str, str]) -> None:
    """Raise ProfileError unless ``source`` is known, ``from``/``to`` are days and go with the Wayback."""
    source = spargs.get("source", "live")
    if source not in SOURCES:
        raise ProfileError(f"source: expected one of {', '.join(SOURCES)}, got {source!r}")
    if source == "wayback" and spargs.get("start_url"):
        raise ProfileError("source=wayback needs a configured portal (-a site=SLUG), not -a start_url")
    for name in ("from", "to"):
        value = spargs.get(name)
        if value is not None and source != "wayback":
            raise ProfileError(f"{name}: only applies to -a source=wayback")
        if value is not None and not DAY.fullmatch(value):
            raise ProfileError(f"{name}: expected a day YYYY-MM-DD, got {value!r}")


def cdx_query(site: SiteProfile, date_from: str | None, date_to: str | None, resume_key: str | None) -> str:
    """The CDX query string for every status-200 capture under the portal's base URL."""
    parts = urlsplit(site.base_url)
    params = {"url": f"{parts.netloc}{parts.path.rstrip('/')}/*", "output": "json", "filter": "statuscode:200",
              "showResumeKey": "true", "limit": str(CDX_PAGE_SIZE)}
    if date_from:
        params["from"] = date_from.replace("-", "")
    if date_to:
        params["to"] = date_to.replace("-", "")
    if resume_key:
        params["resumeKey"] = resume_key
    return urlencode(params)


def parse_cdx(text: str) -> tuple[list[dict[str, str]], str | None]:
    """CDX JSON output -> (captures as dicts by the header's field names, resume key or None).

    The output is a header row, capture rows, then (when there are more) an empty row and a row
    holding the resume key.
    """
    rows = json.loads(text or "[]")
    if not rows:
        return [], None
    header, body = rows[0], rows[1:]
    resume = None
    if len(body) >= 2 and body[-2] == []:
        resume, body = body[-1][0], body[:-2]
    return [dict(zip(header, row, strict=False)) for row in body if row], resume


def capture_time(timestamp: str) -> str:
    """Wayback timestamp (UTC, ``YYYYMMDDhhmmss``) -> ISO 8601 in +07:00."""
    when = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return when.astimezone(VN_TZ).isoformat(timespec="seconds")


def strip_toolbar(body: bytes) -> bytes:
    """The page without the Wayback's toolbar, should a capture come with one."""
    return TOOLBAR.sub(b"", body)


class WaybackMixin:
    """The Wayback source, mixed into `PortalSpider` (which provides `sites`, `on_error`, `_raw_page`...)."""

    sites: list[SiteProfile]
    crawler: Any
    settings: Any
    logger: Any

    def __init__(self, *args: Any, source: str = "live", **kwargs: Any) -> None:
        # "from" is a Python keyword: it arrives in kwargs.
        self.wayback_from, self.wayback_to = kwargs.pop("from", None), kwargs.pop("to", None)
        super().__init__(*args, **kwargs)
        self.source = source  # checked by check_wayback_args before the crawl

    async def start_wayback(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            self.logger.info("Wayback captures of %s (%s), from %s to %s", site.slug, site.base_url,
                             self.wayback_from or "the first", self.wayback_to or "the last")
            yield self._cdx_request(site, None)

    def _cdx_request(self, site: SiteProfile, resume_key: str | None) -> scrapy.Request:
        url = f"{self.settings.get('PORTAL_WAYBACK_CDX_URL') or DEFAULT_CDX_URL}?{cdx_query(site, self.wayback_from, self.wayback_to, resume_key)}"
        return self._wayback_request(url, self.parse_cdx, {"site": site, "attempt": 0})

    def _wayback_request(self, url: str, callback: Any, cb_kwargs: dict[str, Any]) -> scrapy.Request:
        # The archive is another host than the portal's: allowed explicitly. 429/503 reach the
        # callback, which backs off (Scrapy's retry would hammer the archive at once).
        return scrapy.Request(url, callback, errback=self.on_error, cb_kwargs=cb_kwargs, dont_filter=True,  # type: ignore[attr-defined]
                              meta={"allow_offsite": True, "dont_retry": True,
                                    "handle_httpstatus_list": list(BACKOFF_STATUSES)})

    async def parse_cdx(self, response: Response, site: SiteProfile, attempt: int) -> AsyncIterator[Any]:
        if response.status in BACKOFF_STATUSES:
            async for request in self._back_off(response, attempt):
                yield request
            return
        captures, resume = parse_cdx(response.text)  # type: ignore[attr-defined]
        base = (self.settings.get("PORTAL_WAYBACK_URL") or DEFAULT_WAYBACK_URL).rstrip("/")
        for capture in captures:
            original = capture.get("original", "")
            if not site.urls.is_article(original):
                self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/not_article")
                continue
            self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/captures")
            yield self._wayback_request(f"{base}/web/{capture['timestamp']}id_/{original}", self.parse_capture,
                                        {"site": site, "original": original, "attempt": 0})
        if resume:
            yield self._cdx_request(site, resume)

    async def parse_capture(self, response: Response, site: SiteProfile, original: str,
                            attempt: int) -> AsyncIterator[Any]:
        if response.status in BACKOFF_STATUSES:
            async for request in self._back_off(response, attempt):
                yield request
            return
        for item in self._capture_items(response, site, original):
            yield item

    def _capture_items(self, response: Response, site: SiteProfile, original: str) -> Iterator[Any]:
        # After a redirect to a neighbouring capture, the URL we landed on says which capture it is.
        match = CAPTURE_PATH.search(response.url)
        timestamp = match.group(1) if match else ""
        captured_at = capture_time(timestamp) if timestamp else None
        if captured_at is None or b"html" not in (response.headers.get("Content-Type") or b"text/html").lower():
            yield self._failure(site, response.url, "extract", "wayback_not_html", response.status)  # type: ignore[attr-defined]
            return
        body = strip_toolbar(response.body)
        page = response.replace(url=original, body=body)
        raw: RawPageItem = self._raw_page(page, site, "article")  # type: ignore[attr-defined]
        raw.fetched_at, raw.source = captured_at, "wayback"
        yield raw
        if is_truncated(body, response.flags):
            # Kept raw, but its content must not replace a complete capture's.
            self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/truncated")
            yield self._failure(site, response.url, "extract", "truncated_capture", response.status)  # type: ignore[attr-defined]
            return
        article = ArticlePage(original, page.text, site)  # type: ignore[attr-defined]
        reason = article.validate()
        if reason is not None:
            self.crawler.stats.inc_value(f"portal/{site.slug}/skipped/{reason}")
            yield self._failure(site, response.url, "extract", reason, response.status)  # type: ignore[attr-defined]
            return
        item = article_item(site.slug, article.extract(), captured_at, response.status, original)
        item.source, item.capture_url, item.captured_at = "wayback", response.url, captured_at
        yield item

    async def _back_off(self, response: Response, attempt: int) -> AsyncIterator[scrapy.Request]:
        """Wait, then ask again (the same request); give up with a failure after the last retry."""
        request = response.request
        assert request is not None
        retries = self.settings.getint("PORTAL_WAYBACK_RETRIES", defaults.PORTAL_WAYBACK_RETRIES)
        site = request.cb_kwargs["site"]
        if attempt >= retries:
            yield self._failure(site, request.url, "http", f"http_{response.status}", response.status)  # type: ignore[attr-defined]
            return
        delay = self.settings.getfloat("PORTAL_WAYBACK_BACKOFF", defaults.PORTAL_WAYBACK_BACKOFF) * 2 ** attempt
        self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/backoff")
        self.logger.info("Wayback answered %d for %s: waiting %.1f s", response.status, request.url, delay)
        await asyncio.sleep(delay)
        yield request.replace(cb_kwargs={**request.cb_kwargs, "attempt": attempt + 1})


def is_truncated(body: bytes, flags: list[str]) -> bool:
    """Whether a capture was cut short: the download lost data, or an HTML document that opens
    with <html> never closes it (the Wayback stores partial captures of pages that timed out)."""
    if "dataloss" in flags:
        return True
    head, tail = body[:2048].lower(), body[-2048:].lower()
    return b"<html" in head and b"</html>" not in tail
