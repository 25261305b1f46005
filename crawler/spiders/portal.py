"""The `portal` spider: walks configured portals' category listings and yields their articles.

Thin on purpose: site knowledge is in the profiles (crawler/profiles/), extraction in the page
objects (crawler/pages/), the incremental policy in crawler/incremental.py. The spider only turns
responses into page objects and page objects' answers into requests and items. Contract
(docs/contract.md):

    scrapy crawl portal -a site=SLUG      one configured portal
    scrapy crawl portal                   every enabled configured portal
    -a full=1                             walk every listing page (default: incremental)
    -a source=wayback [-a from=D -a to=D] the portal's Wayback Machine captures instead
    -a start_url=URL -a source=wayback    any portal's captures, read by generic mode
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from twisted.internet.defer import CancelledError

from crawler import settings as defaults  # the one place for defaults
from crawler.incremental import IncrementalPolicy, SitePlan, plan_site
from crawler.items import FailureItem, ListingWalkItem, RawPageItem
from crawler.page_workers import ArticleReading, ListingReading, PageWorkers
from crawler.pages.listing import NextLink, NextPage, NextPostback
from crawler.profiles.model import SiteProfile
from crawler.sites import resolve_sites, user_agent
from crawler.spiders.generic import GenericCrawlMixin, is_html
from crawler.spiders.wayback import WaybackMixin
from pipelines.crawlstate import CrawlState
from pipelines.normalize import now_vn

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response, TextResponse
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

try:  # recent Scrapy wraps the CancelledError of a download into its own exception
    from scrapy.exceptions import DownloadCancelledError
    _CANCELLED: tuple[type[BaseException], ...] = (DownloadCancelledError, CancelledError)
except ImportError:  # pragma: no cover - older Scrapy
    _CANCELLED = (CancelledError,)

TRUE_WORDS = {"1", "true", "yes", "on"}
LISTING_PRIORITY = -10


class PortalSpider(WaybackMixin, GenericCrawlMixin, scrapy.Spider):
    name = "portal"
    # Set by from_crawler, from the settings and the archive.
    allowed_domains: list[str]
    max_pages: int
    policy: IncrementalPolicy
    state: CrawlState
    pages: PageWorkers

    def __init__(self, site: str | None = None, start_url: str | None = None, full: str = "0",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.start_url = start_url
        self.full = str(full).lower() in TRUE_WORDS
        self.sites: list[SiteProfile] = []
        self.plans: dict[str, SitePlan] = {}

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # An honest User-Agent built from PORTAL_CONTACT (a -s USER_AGENT=... still wins).
        settings.set("USER_AGENT", user_agent(settings.get("PORTAL_CONTACT")), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.sites = resolve_sites(settings, spider.site, spider.start_url)
        spider.allowed_domains = sorted({host for s in spider.sites for host in s.hosts})  # with aliases
        spider.max_pages = settings.getint("PORTAL_MAX_LISTING_PAGES")
        spider.policy = IncrementalPolicy.from_settings(settings, spider.full)
        # Read before the storage pipeline opens this run: the plan must describe earlier runs.
        spider.state = CrawlState(settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB)
        now = now_vn()
        spider.plans = {s.slug: plan_site(spider.state, spider.policy, s, now) for s in spider.sites}
        # Listings and articles of the configured sites are read in worker processes once the
        # crawl is fast enough to need them (crawler/page_workers.py).
        spider.pages = PageWorkers.from_settings(settings, spider.sites)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.source == "wayback":  # archived captures, not the portal: crawler/spiders/wayback.py
            async for request in self.start_wayback():
                yield request
            return
        if self.start_url:  # generic mode: no profile, see crawler/spiders/generic.py
            async for request in self.start_generic():
                yield request
            return
        for site in self.sites:
            plan = self.plans[site.slug]
            self.logger.info("Crawling %s (%s), %s: %d categories, %d re-fetches due, %d failed pages to retry",
                             site.slug, site.base_url, self.policy.mode, len(site.start_urls),
                             len(plan.refetch), len(plan.retry))
            for url in site.start_urls:
                yield scrapy.Request(url, self.parse_listing, errback=self.on_error,
                                     cb_kwargs={"site": site, "page_no": 1, "walk": url})
            for url in [*plan.refetch, *plan.retry]:
                yield self._article_request(url, site)

    def closed(self, reason: str) -> None:
        self.pages.close()
        self.state.close()

    # --- listings -------------------------------------------------------------------------------

    async def parse_listing(self, response: Response, site: SiteProfile, page_no: int,
                            walk: str) -> AsyncIterator[Any]:
        yield self._raw_page(response, site, "listing")
        self.crawler.stats.inc_value(f"portal/{site.slug}/listing_pages")
        if not is_html(response):
            yield self._failure(site, response.url, "extract", "not_html", response.status, page_kind="listing")
            yield self._walk_end(site, walk, page_no, "error")
            return
        limit = site.listing.max_pages or self.max_pages
        at_limit = bool(limit and page_no >= limit)
        text_response: TextResponse = response  # type: ignore[assignment]
        page: ListingReading = await self.pages.read("listing", response.url, response.body, text_response.encoding,
                                                     site, at_limit)
        links = page.links
        if not links and page_no > 1:
            yield self._walk_end(site, walk, page_no, "last_page")  # an empty page after the last one
            return
        if not links:
            self.logger.warning("No article links on listing %s [%s] page %d", response.url, site.slug, page_no)
            yield self._failure(site, response.url, "extract", "no_article_links", response.status, page_kind="listing")
            yield self._walk_end(site, walk, page_no, "no_links")
            return
        # Which links are archived already (by article key: at any address of the site); a full
        # crawl requests every one and never stops early, so it does not ask (a query a page).
        known = set() if self.policy.full else self.state.known(links, site)
        for url in links:
            if url not in known or self.policy.full:
                yield self._article_request(url, site)
        if len(known) == len(links) and self.policy.may_stop_early(walk, self.plans[site.slug].completed_walks):
            yield self._walk_end(site, walk, page_no, "known_articles")
            return
        for item in self._next_listing(response, page.next_page() if not at_limit else None, site, page_no, walk,
                                       at_limit):
            yield item

    def _next_listing(self, response: Response, nxt: NextPage | None, site: SiteProfile, page_no: int,
                      walk: str, at_limit: bool) -> Iterator[Any]:
        kwargs = {"site": site, "page_no": page_no + 1, "walk": walk}
        # The next listing page waits behind this page's articles (lower priority): the scheduler
        # then holds about one page of article requests per category, not the whole site's, so
        # memory stays flat however large the portal (measured in bench/bench_crawl.py).
        if isinstance(nxt, NextPostback):
            yield scrapy.Request(nxt.url, self.parse_listing, method=nxt.method, headers=list(nxt.headers),
                                 body=nxt.body, errback=self.on_error, cb_kwargs=kwargs, priority=LISTING_PRIORITY)
        elif isinstance(nxt, NextLink):
            yield response.follow(nxt.url, self.parse_listing, errback=self.on_error, cb_kwargs=kwargs,
                                  priority=LISTING_PRIORITY)
        else:
            yield self._walk_end(site, walk, page_no, "max_pages" if at_limit else "last_page")

    # --- articles -------------------------------------------------------------------------------

    def _article_request(self, url: str, site: SiteProfile) -> scrapy.Request:
        # allow_offsite: an article the portal now redirects to another site (a district portal
        # merged into its province's) is followed there and stored as moved (pipelines/identity.py).
        return scrapy.Request(url, self.parse_article, errback=self.on_error, cb_kwargs={"site": site},
                              meta={"allow_offsite": True})

    async def parse_article(self, response: Response, site: SiteProfile) -> AsyncIterator[Any]:
        yield self._raw_page(response, site, "article")
        if not is_html(response):
            yield self._failure(site, response.url, "extract", "not_html", response.status)
            return
        text_response: TextResponse = response  # type: ignore[assignment]
        # The address asked for, before any redirect: the storage tells a move to another site.
        requested = response.meta.get("redirect_urls", [response.url])[0]
        fetch = (now_vn().isoformat(timespec="seconds"), response.status, requested)
        page: ArticleReading = await self.pages.read("article", response.url, response.body, text_response.encoding,
                                                     site, fetch)
        if page.reason is not None:
            self.logger.info("Not an article %s [%s]: %s", response.url, site.slug, page.reason)
            self.crawler.stats.inc_value(f"portal/{site.slug}/skipped/{page.reason}")
            yield self._failure(site, response.url, "extract", page.reason, response.status)
            return
        yield page.item  # extracted and normalized (crawler/page_workers.py)

    # --- failures and bookkeeping ---------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site")
        slug = site.slug if site else "?"
        response = getattr(failure.value, "response", None)
        status = getattr(response, "status", None)
        kind, reason, detail = _failure_kind(failure.value, request, status, self.settings)
        listing = "walk" in request.cb_kwargs
        if kind == "robots":  # the portal asked not to be crawled there: obeyed, not an error
            self.logger.info("Refused by robots.txt [%s] %s", slug, request.url)
        else:
            self.logger.warning("Request failed [%s] %s: %s", slug, request.url, reason)
        self.crawler.stats.inc_value(f"portal/{slug}/request_failed")
        self.crawler.stats.inc_value(f"portal/{slug}/failed/{kind}")
        if response is not None and site is not None:
            yield self._raw_page(response, site, "error")
        yield self._failure(site, request.url, kind, reason, status, detail=detail[:500],
                            page_kind="listing" if listing else "article")
        if listing and site is not None:
            yield self._walk_end(site, request.cb_kwargs["walk"], request.cb_kwargs["page_no"], "error")

    def _failure(self, site: SiteProfile | None, url: str, kind: str, reason: str, status: int | None,
                 detail: str = "", page_kind: str = "article") -> FailureItem:
        return FailureItem(site=site.slug if site else "?", url=url, kind=kind, reason=reason,
                           observed_at=now_vn().isoformat(timespec="seconds"), http_status=status,
                           detail=detail, page_kind=page_kind)

    def _walk_end(self, site: SiteProfile, walk: str, pages: int, why: str) -> ListingWalkItem:
        return ListingWalkItem(site=site.slug, listing_url=walk, pages=pages, stopped_because=why)

    def _raw_page(self, response: Response, site: SiteProfile, kind: str) -> RawPageItem:
        request = response.request
        return RawPageItem(
            site=site.slug, url=response.url, kind=kind, fetched_at=now_vn().isoformat(timespec="seconds"),
            status=response.status, body=response.body,
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
            encoding=getattr(response, "encoding", "") or "",
            method=request.method if request else "GET", request_body=request.body if request else b"",
        )


def _failure_kind(error: BaseException, request: Any, status: int | None, settings: Any) -> tuple[str, str, str]:
    """A failed request's ``failures`` kind, reason and detail.

    ``http`` (an error status), ``robots`` (Scrapy's RobotsTxtMiddleware refused the URL: it
    raises IgnoreRequest("Forbidden by robots.txt"), which reaches the errback), ``too_large``
    (the download passed the size limit, PORTAL_MAX_PAGE_BYTES: Scrapy's HTTP/1.1 handler logs
    "... larger than download max size ..." and cancels the download while it streams, both on a
    Content-Length above the limit and on a chunked body that grows past it; the errback sees a
    DownloadCancelledError, a Twisted CancelledError in older Scrapy), else ``network``.
    """
    detail = str(error)
    if status:
        return "http", f"http_{status}", detail
    if isinstance(error, IgnoreRequest) and "robots.txt" in detail.lower():
        return "robots", "robots_txt", detail or "Forbidden by robots.txt"
    if isinstance(error, _CANCELLED):
        limit = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
        return ("too_large", f"max_page_bytes:{limit}",
                detail or f"the response grew past PORTAL_MAX_PAGE_BYTES ({limit} bytes): download abandoned")
    return "network", type(error).__name__, detail
