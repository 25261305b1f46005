"""Generic mode of the `portal` spider: `scrapy crawl portal -a start_url=URL [-a max_pages=N -a max_depth=N]`.

`GenericCrawlMixin` walks a portal nobody has written a profile for, from one URL: it follows
same-site links (canonical URLs, each requested once, traps skipped: see
`crawler.generic.urls.trap_reason`), pager links and lone next-page links (`Pager.follow`)
without spending depth, and ASP.NET postback pagers by posting the page's form back (with
`crawler.pages.listing.ListingPage`). A followed link's text and headline flag travel with its
request (``via``) and reach `GenericPage` as its `referrer`. Every page is stored raw first, then
classified (`crawler.generic.classify`); articles become `ArticleItem`s of the synthetic site, the
other kinds are only counted (``portal/<slug>/generic/pages/<kind>``, and why each was not an
article: ``.../generic/rejected/<reason>``). A page whose extraction raises is kept raw and
recorded as a failure (``extract``, ``exception:<Type>``); the crawl goes on. Bounded by a page
budget and a link depth: ``PORTAL_GENERIC_MAX_PAGES`` / ``PORTAL_GENERIC_MAX_DEPTH``, or the
``max_pages`` / ``max_depth`` spider arguments; what they cut is counted
(``.../generic/skipped/page_limit`` and ``depth_limit``, distinct URLs), logged as a warning when
the crawl closes, and reported in the run's problems (`pipelines.outcome`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.http import TextResponse

from crawler import settings as defaults  # the one place for defaults
from crawler.generic import ARTICLE, LISTING, GenericPage, Link, canonicalize_url, same_site, trap_reason
from crawler.generic.lines import walk_note
from crawler.generic.pagination import current_page, next_link
from crawler.generic.urls import article_url_hint
from crawler.items import FailureItem, article_item
from crawler.pages.listing import ListingPage, NextPostback
from crawler.profiles import ProfileError
from crawler.timelimit import time_limit
from pipelines.normalize import now_vn

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.profiles.model import SiteProfile

DEFAULT_MAX_PAGES = defaults.PORTAL_GENERIC_MAX_PAGES
DEFAULT_MAX_DEPTH = defaults.PORTAL_GENERIC_MAX_DEPTH
PRIORITY_PAGER, PRIORITY_ARTICLE, PRIORITY_OTHER = 30, 20, 0
LIMIT_ARGS = ("max_pages", "max_depth")
# A followed link's text travels with its request (evidence for the page's title): bounded, so
# that a scheduler holding many thousands of requests stays small.
MAX_VIA_CHARS = 300


def check_generic_args(spargs: Mapping[str, str]) -> None:
    """Raise ProfileError unless ``max_pages`` / ``max_depth`` are whole numbers given with start_url."""
    for name in LIMIT_ARGS:
        value = spargs.get(name)
        if value is None:
            continue
        if not spargs.get("start_url"):
            raise ProfileError(f"{name}: only applies to a generic crawl (-a start_url=URL)")
        if not str(value).strip().isdigit() or (name == "max_pages" and int(value) < 1):
            raise ProfileError(f"{name}: expected a whole number{' >= 1' if name == 'max_pages' else ''}, got {value!r}")


class GenericCrawlMixin:
    """The generic crawl, mixed into `PortalSpider` (which provides `sites`, `on_error`, `crawler`)."""

    sites: list[SiteProfile]
    crawler: Any
    settings: Any
    logger: Any

    def __init__(self, *args: Any, max_pages: str | None = None, max_depth: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.generic_limit_args = {"max_pages": max_pages, "max_depth": max_depth}
        self.generic_max_pages = DEFAULT_MAX_PAGES
        self.generic_max_depth = DEFAULT_MAX_DEPTH
        self._generic_seen: set[str] = set()
        self._generic_deep: set[str] = set()  # URLs left out by the depth limit (and not reached since)
        self._generic_postbacks: set[tuple[str, int]] = set()
        self._generic_scheduled = 0

    async def start_generic(self) -> AsyncIterator[scrapy.Request]:
        site = self.sites[0]
        self.generic_max_pages = _limit(self.generic_limit_args["max_pages"],
                                        self.settings.getint("PORTAL_GENERIC_MAX_PAGES", DEFAULT_MAX_PAGES))
        self.generic_max_depth = _limit(self.generic_limit_args["max_depth"],
                                        self.settings.getint("PORTAL_GENERIC_MAX_DEPTH", DEFAULT_MAX_DEPTH))
        slower, note = walk_note()
        (self.logger.warning if slower else self.logger.info)(note)
        self.logger.info("Generic crawl of %s [%s] from %s: at most %d pages, link depth %d", site.host, site.slug,
                         site.start_urls[0], self.generic_max_pages, self.generic_max_depth)
        stats = self.crawler.stats
        stats.set_value(f"portal/{site.slug}/generic/limit/page_limit", self.generic_max_pages)
        stats.set_value(f"portal/{site.slug}/generic/limit/depth_limit", self.generic_max_depth)
        self.crawler.signals.connect(self._generic_closed, signal=signals.spider_closed)
        for url in site.start_urls:
            request = self._generic_request(url, site, 0, PRIORITY_PAGER)
            if request is not None:
                yield request

    def parse_generic(self, response: Response, site: SiteProfile, depth: int,
                      via: tuple[str, bool] | None = None) -> Iterator[Any]:
        if not is_html(response):
            self._generic_count(site, "pages/not_html")
            return
        self._generic_seen.add(canonicalize_url(response.url))  # the target of a redirect
        referrer = Link(response.url, via[0], via[1]) if via is not None else None
        page: GenericPage | None = None
        try:
            with time_limit():  # crawler/timelimit.py: a page that takes for ever is recorded like a crash
                page = GenericPage(response.url, response.text, now=now_vn(), referrer=referrer)
                verdict = page.verdict
        except Exception as exc:  # noqa: BLE001 - a page nobody foresaw (or a bug): keep it, say so, go on
            # Kept all the same (kind "error": its verdict is unknown), with a failure saying why.
            # A page whose verdict was "article" and whose fields raised is kept as "article"
            # (below), so that `scrapy reextract` retries it after a fix.
            yield self._raw_page(response, site, "error")  # type: ignore[attr-defined]
            self._generic_count(site, "pages/error")
            yield self._generic_crash(response, site, exc, "verdict")
            if page is not None:
                yield from self._generic_follow(response, page, site, depth)
            return
        kind = verdict.kind
        yield self._raw_page(response, site, kind)  # type: ignore[attr-defined]
        self._generic_count(site, f"pages/{kind}")
        if kind == LISTING:
            self.crawler.stats.inc_value(f"portal/{site.slug}/listing_pages")
        if kind == ARTICLE:
            self.logger.debug("Article %s [%s]: %s", response.url, site.slug, verdict.reason)
            try:
                with time_limit():
                    fields = page.fields
            except Exception as exc:  # noqa: BLE001 - as above: the raw page is stored already
                yield self._generic_crash(response, site, exc, "fields")
            else:
                yield article_item(site.slug, fields, now_vn().isoformat(timespec="seconds"), response.status,
                                   response.url)
        else:
            self._generic_count(site, f"rejected/{rejection_key(verdict.reason)}")
        yield from self._generic_follow(response, page, site, depth)

    def _generic_follow(self, response: Response, page: GenericPage, site: SiteProfile,
                        depth: int) -> Iterator[scrapy.Request]:
        """The page's links and postback pager; a page whose links cannot be read is a dead end."""
        try:
            with time_limit():
                requests = [*self._generic_links(page, site, depth), *self._generic_postback(response, page, site, depth)]
        except Exception as exc:  # noqa: BLE001 - the page is stored and its failure recorded already
            self.logger.warning("Links of %s [%s] could not be read: %r", response.url, site.slug, exc)
            self._generic_count(site, "links_unreadable")
            return
        yield from requests

    def _generic_crash(self, response: Response, site: SiteProfile, exc: Exception, stage: str) -> FailureItem:
        """A page whose extraction raised: a logged error and an ``extract`` failure, like the
        profile path's (crawler/middlewares.py), so that the run reports it."""
        self.logger.error("Extraction failed on %s [%s] (%s): %r", response.url, site.slug, stage, exc,
                          exc_info=exc)
        self.crawler.stats.inc_value(f"portal/{site.slug}/extraction_errors")
        return self._failure(site, response.url, "extract", f"exception:{type(exc).__name__}",  # type: ignore[attr-defined]
                             response.status, detail=f"{stage}: {exc!r}"[:500])

    # --- following --------------------------------------------------------------------------

    def _generic_links(self, page: GenericPage, site: SiteProfile, depth: int) -> Iterator[scrapy.Request]:
        # The next pages of a listing cost no depth (whatever their URLs look like: a lone
        # "Trang sau" to tin-tuc-2.html too), and come first, before the budget goes to the rest.
        pager = set()
        for next_url in page.pager.next_urls():
            url = canonicalize_url(next_url)
            pager.add(url)
            request = self._generic_request(url, site, depth, PRIORITY_PAGER)
            if request is not None:
                yield request
        seen = self._generic_seen
        # Most links of a page were met before (a mega-menu repeats hundreds on every page): they
        # are dropped as the page's anchors are read, before a Link or any test of their URL.
        for link in page.links_beyond(seen):
            url = canonicalize_url(link.url)
            if url in seen or url in pager:
                continue
            wanted = link.headline or article_url_hint(url)
            request = self._generic_request(url, site, depth + 1, PRIORITY_ARTICLE if wanted else PRIORITY_OTHER,
                                            via=(link.text[:MAX_VIA_CHARS], link.headline))
            if request is not None:
                yield request

    def _generic_request(self, url: str, site: SiteProfile, depth: int, priority: int,
                         via: tuple[str, bool] | None = None) -> scrapy.Request | None:
        url = canonicalize_url(url)
        if url in self._generic_seen or not same_site(url, site.base_url):
            return None
        reason = trap_reason(url)
        if reason is not None:
            self._generic_seen.add(url)
            self._generic_count(site, f"skipped/{reason}")
            return None
        if depth > self.generic_max_depth:
            if url not in self._generic_deep:  # each URL counted once (it may be reached later, nearer)
                self._generic_deep.add(url)
                self._generic_count(site, "skipped/depth_limit")
            return None
        if not self._generic_budget(site):
            self._generic_seen.add(url)  # never requested now: counted once
            return None
        self._generic_seen.add(url)
        if url in self._generic_deep:  # too deep by one path, reached by a shorter one
            self._generic_deep.discard(url)
            self.crawler.stats.inc_value(f"portal/{site.slug}/generic/skipped/depth_limit", -1)
        cb_kwargs: dict[str, Any] = {"site": site, "depth": depth}
        if via is not None:
            cb_kwargs["via"] = via
        return scrapy.Request(url, self.parse_generic, errback=self.on_error,  # type: ignore[attr-defined]
                              cb_kwargs=cb_kwargs, priority=priority)

    def _generic_postback(self, response: Response, page: GenericPage, site: SiteProfile,
                          depth: int) -> Iterator[scrapy.Request]:
        """The next page of an ASP.NET postback pager: the page's form posted back with its event."""
        links = [link for link in page.pager.links if link.postback]
        if not links:
            return
        current = current_page(page.pager, response.url)
        nxt = next_link(links, current)
        key = (canonicalize_url(response.url), current)
        if nxt is None or key in self._generic_postbacks:
            return
        self._generic_postbacks.add(key)
        if not self._generic_budget(site):
            return
        listing = replace(site.listing, next_labels=(nxt.label,))
        target = ListingPage(response.url, response.text, replace(site, listing=listing)).next_page()
        if isinstance(target, NextPostback):
            yield scrapy.Request(target.url, self.parse_generic, method=target.method, headers=list(target.headers),
                                 body=target.body, errback=self.on_error,  # type: ignore[attr-defined]
                                 cb_kwargs={"site": site, "depth": depth}, priority=PRIORITY_PAGER)

    def _generic_budget(self, site: SiteProfile) -> bool:
        """Spend one page of the budget; False (and a warning, once) when it is used up."""
        if self._generic_scheduled >= self.generic_max_pages:
            if self._generic_scheduled == self.generic_max_pages:
                self.logger.warning("Generic crawl of %s reached its page limit (%d): the rest of the site is "
                                    "not crawled (raise -a max_pages)", site.host, self.generic_max_pages)
                self._generic_scheduled += 1
            self._generic_count(site, "skipped/page_limit")
            return False
        self._generic_scheduled += 1
        return True

    def _generic_count(self, site: SiteProfile, key: str) -> None:
        self.crawler.stats.inc_value(f"portal/{site.slug}/generic/{key}")

    def _generic_closed(self, spider: Any, reason: str) -> None:
        """Say what the limits cut, in numbers (the run's problems say it too: pipelines.outcome)."""
        stats = self.crawler.stats
        for site in self.sites:
            for limit, argument in (("page_limit", "max_pages"), ("depth_limit", "max_depth")):
                skipped = stats.get_value(f"portal/{site.slug}/generic/skipped/{limit}", 0)
                if skipped:
                    value = stats.get_value(f"portal/{site.slug}/generic/limit/{limit}")
                    self.logger.warning("Generic crawl of %s stopped by its %s (%s): %d links not followed; "
                                        "raise -a %s", site.host, limit.replace("_", " "), value, skipped, argument)


def rejection_key(reason: str) -> str:
    """A verdict's reason as a stats key: ``headlines:12`` counts as ``headlines``."""
    return (reason.split(":", 1)[0] or "unknown").replace("/", "_")


def _limit(argument: str | None, default: int) -> int:
    return int(argument) if argument is not None and str(argument).strip().isdigit() else default


def is_html(response: Response) -> bool:
    """Whether a response is a page to read: text (not a download) that its Content-Type calls
    HTML or XHTML, or that has none. A type test: ``hasattr(response, "text")`` decoded the whole
    body to ask, on every page, in the crawl's process (which sends the bytes to its workers)."""
    content_type = (response.headers.get("Content-Type") or b"text/html").lower()
    return isinstance(response, TextResponse) and b"html" in content_type
