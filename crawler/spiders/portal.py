"""The `portal` spider: walks configured portals' category listings and yields their articles.

Thin on purpose: site knowledge is in the profiles (crawler/profiles/), extraction in the page
objects (crawler/pages/). The spider only turns responses into page objects and page objects'
answers into requests and items. Contract (DESIGN.md):

    scrapy crawl portal -a site=SLUG      one configured portal
    scrapy crawl portal                   every enabled configured portal
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator

import scrapy

from crawler.items import ArticleItem, FailureItem
from crawler.pages.article import ArticlePage
from crawler.pages.listing import ListingPage, NextLink, NextPostback
from crawler.profiles.model import SiteProfile
from crawler.sites import resolve_sites, user_agent
from pipelines.normalize import now_vn

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response, TextResponse
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, site: str | None = None, start_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.start_url = start_url
        self.sites: list[SiteProfile] = []

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # An honest User-Agent built from PORTAL_CONTACT (a -s USER_AGENT=... still wins).
        settings.set("USER_AGENT", user_agent(settings.get("PORTAL_CONTACT")), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.sites = resolve_sites(crawler.settings, spider.site, spider.start_url)
        spider.allowed_domains = sorted({s.host for s in spider.sites})
        spider.max_pages = crawler.settings.getint("PORTAL_MAX_LISTING_PAGES")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            self.logger.info("Crawling %s (%s): %d start page(s)", site.slug, site.base_url, len(site.start_urls))
            for url in site.start_urls:
                yield scrapy.Request(url, self.parse_listing, errback=self.on_error,
                                     cb_kwargs={"site": site, "page_no": 1})

    def parse_listing(self, response: Response, site: SiteProfile, page_no: int) -> Iterator[Any]:
        if not _is_html(response):
            yield self._failure(site, response.url, "extract", "not_html", response.status)
            return
        page = ListingPage(response.url, response.text, site)
        links = page.article_links()
        self.crawler.stats.inc_value(f"portal/{site.slug}/listing_pages")
        if not links:
            self.logger.warning("No article links on listing %s [%s] page %d", response.url, site.slug, page_no)
            yield self._failure(site, response.url, "extract", "no_article_links", response.status)
            return
        for url in links:
            yield scrapy.Request(url, self.parse_article, errback=self.on_error, cb_kwargs={"site": site})
        yield from self._next_listing(response, page, site, page_no)

    def _next_listing(self, response: Response, page: ListingPage, site: SiteProfile, page_no: int) -> Iterator[Any]:
        limit = site.listing.max_pages or self.max_pages
        if limit and page_no >= limit:
            return
        nxt = page.next_page()
        kwargs = {"site": site, "page_no": page_no + 1}
        if isinstance(nxt, NextPostback):
            yield scrapy.Request(nxt.url, self.parse_listing, method=nxt.method, headers=list(nxt.headers),
                                 body=nxt.body, errback=self.on_error, cb_kwargs=kwargs, priority=10)
        elif isinstance(nxt, NextLink):
            yield response.follow(nxt.url, self.parse_listing, errback=self.on_error, cb_kwargs=kwargs, priority=10)

    def parse_article(self, response: Response, site: SiteProfile) -> Iterator[Any]:
        if not _is_html(response):
            yield self._failure(site, response.url, "extract", "not_html", response.status)
            return
        text_response: TextResponse = response  # type: ignore[assignment]
        page = ArticlePage(response.url, text_response.text, site)
        reason = page.validate()
        if reason is not None:
            self.logger.info("Not an article %s [%s]: %s", response.url, site.slug, reason)
            self.crawler.stats.inc_value(f"portal/{site.slug}/skipped/{reason}")
            yield self._failure(site, response.url, "extract", reason, response.status)
            return
        fields = page.extract()
        yield ArticleItem(
            site=site.slug, url=fields.url, fetched_at=now_vn().isoformat(timespec="seconds"),
            title=fields.title, summary=fields.summary, body_text=fields.body_text,
            category=fields.category, date_raw=fields.date_raw, views_raw=fields.views_raw,
            byline_raw=fields.byline_raw, date_in_url=fields.date_in_url,
            provenance=fields.provenance, http_status=response.status,
        )

    def on_error(self, failure: Failure) -> Iterator[FailureItem]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site")
        slug = site.slug if site else "?"
        status = getattr(getattr(failure.value, "response", None), "status", None)
        kind, reason = ("http", f"http_{status}") if status else ("network", type(failure.value).__name__)
        self.logger.warning("Request failed [%s] %s: %s", slug, request.url, reason)
        self.crawler.stats.inc_value(f"portal/{slug}/request_failed")
        yield self._failure(site, request.url, kind, reason, status, detail=str(failure.value)[:500])

    def _failure(self, site: SiteProfile | None, url: str, kind: str, reason: str,
                 status: int | None, detail: str = "") -> FailureItem:
        return FailureItem(site=site.slug if site else "?", url=url, kind=kind, reason=reason,
                           observed_at=now_vn().isoformat(timespec="seconds"), http_status=status, detail=detail)


def _is_html(response: Response) -> bool:
    return hasattr(response, "text") and b"html" in (response.headers.get("Content-Type") or b"text/html").lower()
