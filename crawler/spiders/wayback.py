"""Wayback source of the `portal` spider, for portals that are gone:

    scrapy crawl portal -a site=SLUG -a source=wayback [-a from=YYYY-MM-DD -a to=YYYY-MM-DD]
    scrapy crawl portal -a start_url=URL -a source=wayback [-a from=... -a to=... -a max_pages=N]

`WaybackMixin` lists a portal's captures through the Wayback CDX API (``PORTAL_WAYBACK_CDX_URL``;
``output=json``, status 200 only, following the resume key, page after page) and fetches them raw
(``{PORTAL_WAYBACK_URL}/web/{timestamp}id_/{url}``: no toolbar, no rewritten links).

- **A configured portal** (``-a site=SLUG``): the captures under its base URL whose original URL
  matches the profile's article patterns, extracted with the profile's page object.
- **Any portal** (``-a start_url=URL``, generic mode): every HTML capture of the portal's host
  (``url=HOST/*``, ``filter=statuscode:200``, ``filter=mimetype:text/html``, ``collapse=digest``:
  a capture identical to the previous one of its URL is the same page twice). The capture list is
  the site's map: no link of the site needs to lead to a page. Captures are grouped by article key
  (pipelines/identity.py: one group per article whatever spelling of its address was captured)
  and each group is fetched oldest first, one capture after the other; each capture is classified
  and extracted by generic mode (`crawler.generic.GenericPage`, with the capture time as its
  "now") exactly as a live page would be: articles become items, listings and other pages are
  only counted. A group none of whose first ``PORTAL_WAYBACK_PROBES`` captures was an article (a
  home page or a listing captured a thousand times) is not fetched further. URLs a live crawl
  would never follow (print, search, login, calendars: `crawler.generic.trap_reason`) are left
  out. Captures stored by an earlier run (`raw_pages` rows with ``source = 'wayback'``) are not
  fetched again, so an interrupted recovery resumes where it stopped; ``-a max_pages=N`` fetches
  at most N captures in one run.

Items carry ``source = 'wayback'``, the capture time (``captured_at``, also ``fetched_at``) and the
capture URL; storage keeps one row per article (a live row wins, else the newest complete
capture) and every capture's view observation. Wayback quirks: a capture that redirects to a
neighbouring capture is stored with the time of the capture it landed on (and not twice, when two
listed captures land on one); a capture whose raw form the archive does not serve (403/404/410)
is fetched rendered (``/web/{timestamp}/{url}``); a rendered capture, or any capture carrying the
toolbar, is read without it (`crawler.pages.archived.unwayback`: toolbar, playback scripts and
notices removed, links written back to the original URLs); a truncated capture is kept raw (kind
``truncated``) and recorded as a failure, and never replaces a complete one; 429/503 (on CDX pages
and captures alike) are waited out with exponential back-off (``PORTAL_WAYBACK_BACKOFF`` seconds,
doubled per attempt, ``PORTAL_WAYBACK_RETRIES`` times; a ``Retry-After`` header is honoured), and
while one request waits the archive's download slot waits too.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import scrapy

from crawler import settings as defaults  # the one place for defaults
from crawler.generic import ARTICLE, LISTING, OTHER, GenericPage, canonicalize_url, same_site, trap_reason
from crawler.generic.urls import article_url_hint
from crawler.items import FailureItem, RawPageItem, article_item
from crawler.pages.archived import capture_parts, has_wayback_trace, unwayback_bytes
from crawler.pages.article import ArticlePage
from crawler.profiles import ProfileError
from crawler.spiders.generic import rejection_key
from crawler.timelimit import time_limit
from pipelines.dates import VN_TZ

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.profiles.model import SiteProfile

SOURCES = ("live", "wayback")
DEFAULT_CDX_URL = defaults.PORTAL_WAYBACK_CDX_URL
DEFAULT_WAYBACK_URL = defaults.PORTAL_WAYBACK_URL
CDX_PAGE_SIZE = 1000
BACKOFF_STATUSES = (429, 503)
# A raw capture the archive does not serve: the rendered one is tried instead.
RENDERED_FALLBACK_STATUSES = (403, 404, 410)
MAX_RETRY_AFTER = 600.0
# What a request to the archive carries in its meta (see `_wayback_request`).
REQUEST_META = ("allow_offsite", "dont_retry", "handle_httpstatus_list")
# The raw capture URL: /web/<14-digit timestamp>id_/<original URL>.
CAPTURE_PATH = re.compile(r"/web/(\d{14})id_/(.+)$")
TOOLBAR = re.compile(rb"<!-- BEGIN WAYBACK TOOLBAR INSERT -->.*?<!-- END WAYBACK TOOLBAR INSERT -->", re.DOTALL)
# Generic mode asks the CDX API for HTML captures with status 200 only, identical neighbours collapsed.
HTML_FILTERS = ("statuscode:200", r"mimetype:text/html|application/xhtml\+xml")


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_wayback_args(spargs: Mapping[str, str]) -> None:
    """Raise ProfileError unless ``source`` is known, ``from``/``to`` are days and go with the Wayback."""
    source = spargs.get("source", "live")
    if source not in SOURCES:
        raise ProfileError(f"source: expected one of {', '.join(SOURCES)}, got {source!r}")
    if source == "wayback" and spargs.get("max_depth") is not None:
        raise ProfileError("max_depth: does not apply to -a source=wayback (the capture list is the site's map; "
                           "-a max_pages limits the captures fetched)")
    for name in ("from", "to"):
        value = spargs.get(name)
        if value is not None and source != "wayback":
            raise ProfileError(f"{name}: only applies to -a source=wayback")
        if value is not None and not DAY.fullmatch(value):
            raise ProfileError(f"{name}: expected a day YYYY-MM-DD, got {value!r}")
    if spargs.get("from") and spargs.get("to") and spargs["from"] > spargs["to"]:
        raise ProfileError(f"from: {spargs['from']} is after to: {spargs['to']}")


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


def host_cdx_query(host: str, date_from: str | None, date_to: str | None, resume_key: str | None,
                   limit: int = CDX_PAGE_SIZE) -> str:
    """The CDX query string for every HTML capture with status 200 of a host (``host[:port]``),
    identical neighbouring captures of one URL collapsed (generic mode and the survey)."""
    params = [("url", f"{host}/*"), ("output", "json"), *(("filter", f) for f in HTML_FILTERS),
              ("collapse", "digest"), ("showResumeKey", "true"), ("limit", str(limit))]
    if date_from:
        params.append(("from", date_from.replace("-", "")))
    if date_to:
        params.append(("to", date_to.replace("-", "")))
    if resume_key:
        params.append(("resumeKey", resume_key))
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


def retry_after(response: Response) -> float | None:
    """Seconds a 429/503 asks to wait (``Retry-After: 120``), bounded; None when it does not say."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None


@dataclass
class CaptureChain:
    """The captures of one article key still to fetch (oldest first), and what its fetched
    captures were: an article at least once, or how many were not."""

    captures: deque[tuple[str, str]] = field(default_factory=deque)  # (timestamp, original URL)
    article: bool = False
    misses: int = 0


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
        # Generic mode: captures listed so far (by article key), the chains being fetched, the
        # captures stored by earlier runs or fetched in this one (article key, capture time).
        self._wb_listed: dict[str, list[tuple[str, str]]] = {}
        self._wb_chains: dict[str, CaptureChain] = {}
        self._wb_done: set[tuple[str, str]] = set()
        self._wb_stored: dict[str, list[str]] = {}  # article key -> kinds of the captures stored before
        self._wb_budget = 0  # captures this run may fetch (0: no limit)
        self._wb_requested = 0

    @property
    def wayback_generic(self) -> bool:
        return bool(getattr(self, "start_url", None))

    async def start_wayback(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            self.logger.info("Wayback captures of %s (%s), from %s to %s", site.slug, site.base_url,
                             self.wayback_from or "the first", self.wayback_to or "the last")
            if self.wayback_generic:
                self._wayback_prepare(site)
            yield self._cdx_request(site, None)

    def _cdx_request(self, site: SiteProfile, resume_key: str | None) -> scrapy.Request:
        if self.wayback_generic:
            query = host_cdx_query(urlsplit(site.base_url).netloc, self.wayback_from, self.wayback_to, resume_key)
        else:
            query = cdx_query(site, self.wayback_from, self.wayback_to, resume_key)
        url = f"{self.settings.get('PORTAL_WAYBACK_CDX_URL') or DEFAULT_CDX_URL}?{query}"
        return self._wayback_request(url, self.parse_cdx, {"site": site, "attempt": 0},
                                     errback=self._cdx_error if self.wayback_generic else None)

    def _wayback_request(self, url: str, callback: Any, cb_kwargs: dict[str, Any], errback: Any = None,
                         priority: int = 0) -> scrapy.Request:
        # The archive is another host than the portal's: allowed explicitly. 429/503 reach the
        # callback, which backs off (Scrapy's retry would hammer the archive at once).
        return scrapy.Request(url, callback, errback=errback or self.on_error, cb_kwargs=cb_kwargs,  # type: ignore[attr-defined]
                              dont_filter=True, priority=priority,
                              meta={"allow_offsite": True, "dont_retry": True,
                                    "handle_httpstatus_list": list(BACKOFF_STATUSES)})

    async def parse_cdx(self, response: Response, site: SiteProfile, attempt: int) -> AsyncIterator[Any]:
        if response.status in BACKOFF_STATUSES:
            async for request in self._back_off(response, attempt):
                yield request
                if isinstance(request, FailureItem) and self.wayback_generic:
                    for scheduled in self._wayback_schedule(site, complete=False):  # what was listed
                        yield scheduled
            return
        captures, resume = parse_cdx(response.text)
        if self.wayback_generic:
            self._wayback_collect(site, captures)
            if resume:
                yield self._cdx_request(site, resume)
            else:
                for request in self._wayback_schedule(site, complete=True):
                    yield request
            return
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

    def _cdx_error(self, failure: Failure) -> Iterator[Any]:
        """A CDX page that could not be read: recorded; the captures listed until then are fetched."""
        yield from self.on_error(failure)  # type: ignore[attr-defined]
        yield from self._wayback_schedule(failure.request.cb_kwargs["site"], complete=False)  # type: ignore[attr-defined]

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
        body = unwayback_bytes(response.body) if has_wayback_trace(response.body.decode("latin-1")) else response.body
        page = response.replace(url=original, body=body)
        truncated = is_truncated(body, response.flags)
        raw: RawPageItem = self._raw_page(page, site, "truncated" if truncated else "article")  # type: ignore[attr-defined]
        raw.fetched_at, raw.source = captured_at, "wayback"
        yield raw
        if truncated:
            # Kept raw, but its content must not replace a complete capture's.
            self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/truncated")
            yield self._failure(site, response.url, "extract", "truncated_capture", response.status)  # type: ignore[attr-defined]
            return
        with time_limit():  # crawler/timelimit.py: raised to the spider middleware, as any extraction error
            article = ArticlePage(original, page.text, site)
            reason = article.validate()
            fields = article.extract() if reason is None else None
        if reason is not None or fields is None:
            self.crawler.stats.inc_value(f"portal/{site.slug}/skipped/{reason}")
            yield self._failure(site, response.url, "extract", reason, response.status)  # type: ignore[attr-defined]
            return
        item = article_item(site.slug, fields, captured_at, response.status, original)
        item.source, item.capture_url, item.captured_at = "wayback", response.url, captured_at
        yield item

    async def _back_off(self, response: Response, attempt: int) -> AsyncIterator[Any]:
        """Wait, then ask again (the same request); give up with a failure after the last retry.
        The archive's download slot waits too: the other requests to the archive do not go on
        asking while this one is told to slow down."""
        request = response.request
        assert request is not None
        retries = self.settings.getint("PORTAL_WAYBACK_RETRIES", defaults.PORTAL_WAYBACK_RETRIES)
        site = request.cb_kwargs["site"]
        if attempt >= retries:
            yield self._failure(site, request.url, "http", f"http_{response.status}", response.status)  # type: ignore[attr-defined]
            return
        delay = self.settings.getfloat("PORTAL_WAYBACK_BACKOFF", defaults.PORTAL_WAYBACK_BACKOFF) * 2 ** attempt
        delay = max(delay, retry_after(response) or 0.0)
        self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/backoff")
        self.logger.info("Wayback answered %d for %s: waiting %.1f s", response.status, request.url, delay)
        self._pause_slot(request, delay)
        await asyncio.sleep(delay)
        # The same request again, without what the download added to its meta (latency, slot...).
        meta = {k: v for k, v in request.meta.items() if k in REQUEST_META}
        yield request.replace(cb_kwargs={**request.cb_kwargs, "attempt": attempt + 1}, meta=meta)

    def _pause_slot(self, request: scrapy.Request, delay: float) -> None:
        """Hold the archive's download slot for `delay` seconds (best effort: Scrapy's downloader
        starts a slot's next request `DOWNLOAD_DELAY` after its `lastseen`)."""
        try:
            downloader = self.crawler.engine.downloader
            slot = downloader.slots.get(downloader.get_slot_key(request))
        except AttributeError:  # pragma: no cover - another Scrapy's internals
            return
        if slot is not None:
            slot.lastseen = max(slot.lastseen, time.time() + delay)

    # --- generic mode: any portal, the capture list as its map ----------------------------------

    def _wayback_prepare(self, site: SiteProfile) -> None:
        """Read what earlier recoveries stored (to resume), and the capture budget of this run."""
        for url, fetched_at, kind in self.state.wayback_pages(site.slug):  # type: ignore[attr-defined]
            key = site.key(url)
            self._wb_done.add((key, fetched_at))
            self._wb_stored.setdefault(key, []).append(kind)
        limit = getattr(self, "generic_limit_args", {}).get("max_pages")
        self._wb_budget = int(limit) if limit is not None and str(limit).strip().isdigit() else 0
        if self._wb_budget:
            self.crawler.stats.set_value(f"portal/{site.slug}/generic/limit/page_limit", self._wb_budget)
        if self._wb_done:
            self.logger.info("Wayback recovery of %s resumes: %d captures stored by earlier runs are not fetched "
                             "again", site.host, len(self._wb_done))

    def _wayback_collect(self, site: SiteProfile, captures: list[dict[str, str]]) -> None:
        """Group one CDX page's captures by article key; leave out what a live crawl never follows."""
        stats = self.crawler.stats
        for capture in captures:
            original, timestamp = capture.get("original", ""), capture.get("timestamp", "")
            if not original or not re.fullmatch(r"\d{14}", timestamp):
                continue
            stats.inc_value(f"portal/{site.slug}/wayback/listed")
            url = canonicalize_url(original if "://" in original else f"http://{original}")
            if not same_site(url, site.base_url):
                stats.inc_value(f"portal/{site.slug}/wayback/skipped/offsite")
                continue
            reason = trap_reason(url)
            if reason is not None:
                stats.inc_value(f"portal/{site.slug}/generic/skipped/{reason}")
                continue
            self._wb_listed.setdefault(site.key(url), []).append((timestamp, original))

    def _wayback_schedule(self, site: SiteProfile, complete: bool) -> Iterator[scrapy.Request]:
        """The first capture of every article key (the rest follow one by one, `_wayback_next`)."""
        listed, self._wb_listed = self._wb_listed, {}
        stats = self.crawler.stats
        stored = fresh = 0
        for key, captures in listed.items():
            chain = self._wb_chains.setdefault(key, CaptureChain())
            kinds = self._wb_stored.get(key, [])
            chain.article = chain.article or ARTICLE in kinds
            chain.misses = max(chain.misses, sum(kind in (LISTING, OTHER) for kind in kinds))
            for timestamp, original in sorted(set(captures)):
                if (key, capture_time(timestamp)) in self._wb_done:
                    stored += 1
                    continue
                chain.captures.append((timestamp, original))
                fresh += 1
        stats.inc_value(f"portal/{site.slug}/wayback/already_stored", stored)
        self.logger.info("Wayback captures of %s%s: %d pages (article keys), %d captures to fetch, %d stored "
                         "before", site.host, "" if complete else " (the listing stopped early)", len(listed), fresh,
                         stored)
        for key in sorted(listed):
            request = self._wayback_next(site, key)
            if request is not None:
                yield request

    def _wayback_next(self, site: SiteProfile, key: str) -> scrapy.Request | None:
        """The next capture of an article key to fetch, or None: all fetched, the key is no
        article (``PORTAL_WAYBACK_PROBES`` captures said so), or the run's budget is spent."""
        chain = self._wb_chains.get(key)
        if chain is None or not chain.captures:
            return None
        stats = self.crawler.stats
        probes = self.settings.getint("PORTAL_WAYBACK_PROBES", defaults.PORTAL_WAYBACK_PROBES)
        if not chain.article and probes and chain.misses >= probes:
            stats.inc_value(f"portal/{site.slug}/wayback/skipped/not_article", len(chain.captures))
            chain.captures.clear()
            return None
        if self._wb_budget and self._wb_requested >= self._wb_budget:
            if not stats.get_value(f"portal/{site.slug}/generic/skipped/page_limit"):
                self.logger.warning("Wayback recovery of %s reached its limit (%d captures): the rest is fetched by "
                                    "the next run (or raise -a max_pages)", site.host, self._wb_budget)
            stats.inc_value(f"portal/{site.slug}/generic/skipped/page_limit", len(chain.captures))
            chain.captures.clear()
            return None
        timestamp, original = chain.captures.popleft()
        self._wb_requested += 1
        return self._capture_request(site, key, timestamp, original, rendered=False)

    def _capture_request(self, site: SiteProfile, key: str, timestamp: str, original: str,
                         rendered: bool) -> scrapy.Request:
        base = (self.settings.get("PORTAL_WAYBACK_URL") or DEFAULT_WAYBACK_URL).rstrip("/")
        self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/captures")
        # Scrapy's scheduler is last in, first out within a priority: an article's next capture
        # comes right after the one before; article-shaped URLs go before the other pages.
        return self._wayback_request(f"{base}/web/{timestamp}{'' if rendered else 'id_'}/{original}",
                                     self.parse_generic_capture,
                                     {"site": site, "key": key, "original": original, "timestamp": timestamp,
                                      "rendered": rendered, "attempt": 0},
                                     errback=self._generic_capture_error, priority=int(article_url_hint(original)))

    async def parse_generic_capture(self, response: Response, site: SiteProfile, key: str, original: str,
                                    timestamp: str, rendered: bool, attempt: int) -> AsyncIterator[Any]:
        if response.status in BACKOFF_STATUSES:
            async for request in self._back_off(response, attempt):
                yield request
                if not isinstance(request, scrapy.Request):  # given up: on to the next capture
                    nxt = self._wayback_next(site, key)
                    if nxt is not None:
                        yield nxt
            return
        for item in self._generic_capture_items(response, site, key, original, timestamp):
            yield item
        nxt = self._wayback_next(site, key)
        if nxt is not None:
            yield nxt

    def _generic_capture_error(self, failure: Failure) -> Iterator[Any]:
        """A capture that failed: its rendered form when the raw one is not served, else a
        failure (and its error page, kept raw), then the next capture of its article."""
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        site = kwargs["site"]
        status = getattr(getattr(failure.value, "response", None), "status", None)
        if status in RENDERED_FALLBACK_STATUSES and not kwargs["rendered"]:
            self.crawler.stats.inc_value(f"portal/{site.slug}/wayback/rendered_fallback")
            yield self._capture_request(site, kwargs["key"], kwargs["timestamp"], kwargs["original"], rendered=True)
            return
        for item in self.on_error(failure):  # type: ignore[attr-defined]
            if isinstance(item, RawPageItem):
                item.source = "wayback"
            yield item
        nxt = self._wayback_next(site, kwargs["key"])
        if nxt is not None:
            yield nxt

    def _generic_capture_items(self, response: Response, site: SiteProfile, key: str, original: str,
                               timestamp: str) -> Iterator[Any]:
        stats = self.crawler.stats
        # The capture we landed on (a listed capture may redirect to a neighbouring one).
        landed = capture_parts(response.url)
        if landed is not None:
            timestamp = landed[0]
            if same_site(landed[2], site.base_url):
                original = landed[2]
        page_url = canonicalize_url(original)
        captured_at = capture_time(timestamp)
        done = (site.key(page_url), captured_at)
        if done in self._wb_done:  # two listed captures landed on one, or stored by an earlier run
            stats.inc_value(f"portal/{site.slug}/wayback/duplicate")
            return
        self._wb_done.add(done)
        chain = self._wb_chains.setdefault(key, CaptureChain())
        content_type = (response.headers.get("Content-Type") or b"text/html").lower()
        if not hasattr(response, "text") or b"html" not in content_type:
            stats.inc_value(f"portal/{site.slug}/generic/pages/not_html")
            chain.misses += 1
            return
        body = response.body
        if has_wayback_trace(body.decode("latin-1")):
            stats.inc_value(f"portal/{site.slug}/wayback/toolbar_removed")
            body = unwayback_bytes(body)
        page = response.replace(url=page_url, body=body)

        def raw(kind: str) -> RawPageItem:
            item: RawPageItem = self._raw_page(page, site, kind)  # type: ignore[attr-defined]
            item.fetched_at, item.source = captured_at, "wayback"
            return item

        if is_truncated(body, response.flags):
            # Kept raw, but its content must not replace a complete capture's.
            stats.inc_value(f"portal/{site.slug}/wayback/truncated")
            yield raw("truncated")
            yield self._failure(site, response.url, "extract", "truncated_capture", response.status)  # type: ignore[attr-defined]
            return
        generic: GenericPage | None = None
        try:
            with time_limit():  # crawler/timelimit.py
                generic = GenericPage(page_url, page.text, now=datetime.fromisoformat(captured_at))
                verdict = generic.verdict
        except Exception as exc:  # noqa: BLE001 - a page nobody foresaw (or a bug): keep it, say so, go on
            yield raw("error")
            stats.inc_value(f"portal/{site.slug}/generic/pages/error")
            yield self._generic_crash(page, site, exc, "verdict")  # type: ignore[attr-defined]
            return
        yield raw(verdict.kind)
        stats.inc_value(f"portal/{site.slug}/generic/pages/{verdict.kind}")
        if verdict.kind != ARTICLE:
            chain.misses += 1
            stats.inc_value(f"portal/{site.slug}/generic/rejected/{rejection_key(verdict.reason)}")
            return
        chain.article = True
        try:
            with time_limit():
                fields = generic.fields
        except Exception as exc:  # noqa: BLE001 - as above: the raw page is stored already
            yield self._generic_crash(page, site, exc, "fields")  # type: ignore[attr-defined]
            return
        item = article_item(site.slug, fields, captured_at, response.status, page_url)
        item.source, item.capture_url, item.captured_at = "wayback", response.url, captured_at
        yield item


def is_truncated(body: bytes, flags: list[str]) -> bool:
    """Whether a capture was cut short: the download lost data, or an HTML document that opens
    with <html> never closes it (the Wayback stores partial captures of pages that timed out)."""
    if "dataloss" in flags:
        return True
    head, tail = body[:2048].lower(), body[-2048:].lower()
    return b"<html" in head and b"</html>" not in tail
