"""The `portal` spider as a worker of a distributed run, and the run's seed requests.

A worker crawls exactly what `scrapy crawl portal` crawls, with the same callbacks: only what it
knows comes from elsewhere. It never opens the archive (it may run on another machine): the
sites, the mode and which category walks may stop early come from the run's description in
Redis, which articles are archived from the run's known-article set, and its start requests were
queued by the writer (`seed_requests`, the portal spider's own `start()` run once for the run).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy_redis.connection import get_redis

from crawler.distributed.frontier import Frontier
from crawler.incremental import IncrementalPolicy, SitePlan
from crawler.page_workers import PageWorkers
from crawler.profiles import ProfileError
from crawler.sites import resolve_sites
from crawler.spiders.portal import PortalSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.profiles.model import SiteProfile

# Above the command line's priority: in a worker these are how the crawl works, not preferences.
FORCED = 50
GATE_MIDDLEWARE = "crawler.distributed.scheduler.HostGateMiddleware"
STORAGE_PIPELINE = "pipelines.storage.SQLitePipeline"


def redis_server(settings: Mapping[str, Any]) -> Any:
    """A Redis client for DIST_REDIS_URL, with scrapy-redis' connection defaults."""
    return get_redis(url=settings.get("DIST_REDIS_URL"), socket_timeout=30, socket_connect_timeout=10,
                     retry_on_timeout=True)


def frontier_from_settings(settings: Mapping[str, Any]) -> Frontier:
    return Frontier(redis_server(settings), str(settings.get("DIST_REDIS_PREFIX") or "vngov"))


def apply_worker_settings(settings: BaseSettings) -> None:
    """Turn a crawl's settings into a worker's: scrapy-redis' scheduler over the run's frontier,
    items to Redis instead of the archive, and politeness across workers instead of per process.

    DOWNLOAD_DELAY (and AutoThrottle) keep their meaning, per host, but are enforced in Redis for
    every worker at once (`HostGateMiddleware`, the shared delay); the local ones are switched off,
    or each process would add its own wait on top."""
    delay = settings.get("DIST_HOST_DELAY")
    delay = settings.getfloat("DOWNLOAD_DELAY") if delay in (None, "") else float(delay)
    throttle = settings.getbool("AUTOTHROTTLE_ENABLED")
    prefix = str(settings.get("DIST_REDIS_PREFIX") or "vngov")
    pipelines = {k: v for k, v in settings.getdict("ITEM_PIPELINES").items() if k != STORAGE_PIPELINE}
    downloader = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"), **{GATE_MIDDLEWARE: 990})
    for name, value in {
        "DIST_HOST_DELAY": delay,
        "DIST_AUTOTHROTTLE": throttle,
        "DIST_HOST_START_DELAY": max(delay, settings.getfloat("AUTOTHROTTLE_START_DELAY")) if throttle else delay,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "SCHEDULER": "crawler.distributed.scheduler.HostScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.HostQueue",
        "SCHEDULER_QUEUE_KEY": prefix,
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:seen",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": settings.get("DIST_REDIS_URL"),
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": downloader,
    }.items():
        settings.set(name, value, priority=FORCED)


def sites_fingerprint(sites: Iterable[SiteProfile]) -> str:
    """What every worker must agree on: the sites with their resolved profiles (rules included)."""
    canonical = [_canonical(site) for site in sorted(sites, key=lambda s: s.slug)]
    return hashlib.sha1(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _canonical(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value) if f.name != "location"}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_canonical(v), sort_keys=True) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, re.Pattern):
        return [value.pattern, int(value.flags)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


class KnownArticles:
    """`CrawlState.known` for a worker: the run's known-article keys in Redis (the archive's,
    loaded by the writer when the run starts, and each article it writes since)."""

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier

    def known(self, urls: Iterable[str], site: Any = None) -> set[str]:
        keys = {url: site.key(url) for url in urls} if site is not None else {}
        found = self.frontier.known(sorted(set(keys.values())))
        return {url for url, key in keys.items() if key in found}

    def close(self) -> None:
        return None


class DistributedPortalSpider(PortalSpider):
    """`portal`, taking its requests from the run's frontier instead of `start()`."""

    name = "portal"
    allowed_domains: list[str]
    max_pages: int
    policy: IncrementalPolicy
    state: Any

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_worker_settings(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedPortalSpider:
        # Not PortalSpider.from_crawler: it reads the archive, which a worker does not have.
        spider: DistributedPortalSpider = super(PortalSpider, cls).from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        frontier = frontier_from_settings(settings)
        run = frontier.run()
        spider.sites = resolve_sites(settings, spider.site, None)
        if run.get("fingerprint") != sites_fingerprint(spider.sites):
            raise ProfileError("this worker's site profiles differ from the run's (crawler/profiles, "
                               "PORTAL_SITES_FILE or SAMPLE_PORTAL_URL): deploy the same version everywhere")
        spider.allowed_domains = sorted({host for s in spider.sites for host in s.hosts})
        spider.max_pages = settings.getint("PORTAL_MAX_LISTING_PAGES")
        spider.policy = IncrementalPolicy.from_settings(settings, spider.full)
        spider.state = KnownArticles(frontier)
        walks = json.loads(run.get("completed_walks") or "{}")
        spider.plans = {s.slug: SitePlan(set(walks.get(s.slug, [])), [], []) for s in spider.sites}
        spider.pages = PageWorkers.from_settings(settings, spider.sites)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # The writer queued the run's start requests once (`seed_requests`).
        return
        yield


def seed_requests(settings: Mapping[str, Any], sites: list[SiteProfile], plans: dict[str, SitePlan], site: str | None,
                  full: bool) -> tuple[list[scrapy.Request], PortalSpider]:
    """The start requests of `scrapy crawl portal` for these sites and plans, and the spider that
    made them (whose methods the requests name): the portal spider's own `start()`, run once."""
    spider = PortalSpider(site=site, full="1" if full else "0")
    spider.sites, spider.plans = sites, plans
    vars(spider).update(policy=IncrementalPolicy.from_settings(settings, full),
                        max_pages=int(settings.get("PORTAL_MAX_LISTING_PAGES") or 0))

    async def collect() -> list[scrapy.Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect()), spider
