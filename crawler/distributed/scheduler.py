"""The worker's side of the frontier: a scrapy-redis scheduler made reliable and polite per host.

`HostScheduler` is scrapy-redis's `Scheduler` (its Redis connection, its dupefilter's fingerprints,
its queue interface) with what a crawl that may be killed at any moment needs:

- requests are taken from per-host queues, a host leased to one worker at a time
  (`crawler/distributed/frontier.py`), and kept in the worker's in-flight hash until done;
- a request is *done* when Scrapy's engine lets go of it, after its callback's output went
  through the item pipelines and its new requests were queued: then its items are sent to the
  writer and the request acked, in one Redis script. Scrapy has no public signal for that
  moment; the engine's slot calls `remove_request` then, and `hook_engine` wraps it (checked at
  start: a Scrapy without it refuses to run rather than lose requests);
- a heartbeat, the reaping of dead workers' requests, stats summed across workers, the stop flag,
  and back-pressure when the writer falls behind.

`HostGateMiddleware` takes the host's send token right before every download (robots.txt too).
`HostQueue` is the scrapy-redis queue class over the frontier (requests as JSON, not pickles).
"""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.asyncio import call_later, create_looping_call
from scrapy.utils.asyncio import sleep as async_sleep
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.distributed import codec
from crawler.distributed.frontier import Frontier, Popped, WorkerReaped

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

TOKEN = "_dist_token"  # request meta: the frontier token of a request taken from Redis
GATED = "_dist_gated"  # request meta: (monotonic time, host) when it took its host's send token
# Crawl stats summed into Redis for the run's record (counters only; gauges such as memusage are not).
SUMMED_STATS = ("downloader/", "portal/", "item_", "response_received_count", "retry/", "robotstxt/",
                "scheduler/", "httperror/", "dist/", "log_count/")


def host_of(url: str) -> str:
    """The politeness unit: the host name, as Scrapy's downloader slots key it."""
    return (urlsplit(url).hostname or "").lower()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class RedisLost(RuntimeError):
    """Redis could not be reached for a push or an ack, for longer than the worker may wait."""


class _JsonSerializer:
    """scrapy-redis wants a serializer with loads/dumps; the queue below encodes itself."""

    loads = staticmethod(codec.unpack)
    dumps = staticmethod(codec.pack)


class HostQueue(RedisQueueBase):
    """scrapy-redis's queue interface over the per-host frontier; `key` is the run's prefix."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer or _JsonSerializer)
        self.frontier = Frontier(server, self.key)
        self.sites = {s.slug: s for s in getattr(spider, "sites", [])}

    def encode(self, request: Request) -> bytes:
        data = request.to_dict(spider=self.spider)
        data["meta"] = {k: v for k, v in data.get("meta", {}).items() if not k.startswith("_dist_")}
        return codec.pack(data, replace=codec.site_replacer)

    def decode(self, payload: bytes) -> Request:
        return request_from_dict(codec.unpack(payload, restore=codec.site_restorer(self.sites)), spider=self.spider)

    _encode_request = encode
    _decode_request = decode

    def __len__(self) -> int:
        return self.frontier.counters()[0]

    def push(self, request: Request, fingerprint: str = "", **kwargs: Any) -> int:
        return self.frontier.push(self.encode(request), host_of(request.url), request.priority, fingerprint, **kwargs)

    def pop(self, timeout: int = 0) -> Request | None:
        """Not here: a request taken without a worker holding it would be lost with its process.
        `HostScheduler.next_request` takes requests with `Frontier.pop` and a worker name."""
        raise NotImplementedError("take requests with HostScheduler (Frontier.pop), which holds them reliably")

    def clear(self) -> None:
        self.frontier.clear()


@dataclass
class InFlight:
    host: str
    items: list[Any] = field(default_factory=list)
    responded: bool = False  # a response came back (requests with this token are then its children)
    released: bool = False
    status: int = 0


def hook_engine(engine: Any, on_done: Any) -> Any:
    """Call `on_done(request)` when the engine lets go of a request, before it forgets it;
    returns the function that wakes the engine up. Raises if this Scrapy lacks the hook points."""
    slot: Any = getattr(engine, "_slot", None)
    original = getattr(slot, "remove_request", None)
    nextcall = getattr(slot, "nextcall", None)
    if slot is None or original is None or nextcall is None or not hasattr(nextcall, "schedule"):
        raise RuntimeError("the distributed scheduler needs Scrapy's engine slot (remove_request, nextcall), "
                           "which this Scrapy version does not have (written for Scrapy 2.19)")

    def remove_request(request: Request) -> None:
        try:
            on_done(request)  # first: the slot may close the spider as soon as it forgets the request
        finally:
            original(request)

    slot.remove_request = remove_request
    return nextcall.schedule


class HostScheduler(RedisScheduler):
    """scrapy-redis's scheduler over the per-host frontier, with reliable acks (module docstring)."""

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.crawler: Crawler | None = None
        self.worker = worker_name()
        self.frontier: Frontier | None = None
        self.inflight: dict[str, InFlight] = {}
        self.run_id = ""
        self.stopping = False
        self.reaped = False
        self.paused = False  # the writer is behind: take nothing until it catches up
        self.redis_lost = False  # a push or an ack failed for good: stop, ack nothing more
        self.heartbeat_s, self.timeout_s, self.poll_s = 2.0, 30.0, 0.25
        self.max_pending, self.lease_ms = 20_000, 60_000
        self.throttle: dict[str, float] | None = None
        self.gate: HostGateMiddleware | None = None  # registers itself at its first request
        self._wake: Any = None
        self._timer: Any = None
        self._timer_due = 0.0
        self._loop: Any = None
        self._sent_stats: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostScheduler:
        scheduler = super().from_crawler(crawler)
        s = crawler.settings
        scheduler.crawler = crawler
        scheduler.heartbeat_s = s.getfloat("DIST_HEARTBEAT_SECONDS", 2.0)
        scheduler.timeout_s = s.getfloat("DIST_WORKER_TIMEOUT", 30.0)
        scheduler.poll_s = s.getfloat("DIST_POLL_SECONDS", 0.25)
        scheduler.max_pending = s.getint("DIST_MAX_PENDING_ITEMS", 20_000)
        delay = s.getfloat("DIST_HOST_DELAY", 0.0)
        maxdelay = s.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0) if s.getbool("DIST_AUTOTHROTTLE") else delay
        # A lease outlives any honest download (its timeout) and the longest delay.
        scheduler.lease_ms = int((s.getfloat("DOWNLOAD_TIMEOUT", 180.0) + maxdelay + 30) * 1000)
        if s.getbool("DIST_AUTOTHROTTLE"):
            scheduler.throttle = {"start": s.getfloat("DIST_HOST_START_DELAY", delay), "min": delay, "max": maxdelay,
                                  "target": s.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0)}
        return scheduler

    # --- Scrapy's scheduler interface -----------------------------------------------------------

    def open(self, spider: Spider) -> None:
        super().open(spider)
        assert self.crawler is not None
        self.frontier = self.queue.frontier
        self.run_id = self.frontier.run().get("run_id", "")
        self._wake = hook_engine(self.crawler.engine, self._request_done)
        sig = self.crawler.signals
        sig.connect(self._item_scraped, signal=signals.item_scraped)
        sig.connect(self._response_downloaded, signal=signals.response_downloaded)
        sig.connect(self._response_received, signal=signals.response_received)
        sig.connect(self._left_downloader, signal=signals.request_left_downloader)
        sig.connect(self._spider_idle, signal=signals.spider_idle)
        self.frontier.heartbeat(self.worker)
        self._loop = create_looping_call(self._beat)
        self._loop.start(self.heartbeat_s, now=True)
        logger.info("Distributed worker %s joined run %s (prefix %s)", self.worker, self.run_id, self.frontier.p)

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._timer is not None:
            self._timer.cancel()
        if self.frontier is None:
            return
        try:
            self._send_stats()
            if not self.reaped:  # (after a Redis loss too: if it is back, the requests go back now)
                given_back = self.frontier.leave(self.worker)
                if given_back:
                    logger.warning("Worker %s gave back %d unfinished request(s) to the queue", self.worker, given_back)
        except Exception as exc:  # noqa: BLE001 - Redis gone: the reaper of another worker requeues them
            logger.error("Worker %s could not leave the run cleanly (%s); its requests will be reaped", self.worker, exc)

    def has_pending_requests(self) -> bool:
        return False  # what is queued belongs to every worker: `_spider_idle` decides when to stop

    def enqueue_request(self, request: Request) -> bool:
        assert self.frontier is not None
        token = request.meta.pop(TOKEN, None)
        parent = self.inflight.get(token) if token else None
        replaces = None
        if parent is not None and not parent.responded:
            # The downloader sent it back in place of its parent (a redirect, a retry): one step.
            replaces = (self.worker, token)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        self._carry_cookies(request)
        items = codec.pack_items(parent.items, request.url) if replaces and parent and parent.items else b""
        if self.redis_lost:
            return False
        try:
            result = self._with_retries(self.queue.push, request, fingerprint, replaces=replaces, items=items,
                                        run_id=self.run_id)
        except codec.CodecError as exc:
            logger.error("Cannot queue %s: %s", request, exc)
            self._inc("dist/unsendable_requests")
            return False
        except RedisLost as exc:
            self._lost_redis(exc)
            return False
        if replaces is not None:
            self.inflight.pop(token, None)
            if result == -1:
                logger.warning("%s replaces a request this worker no longer holds; dropped", request)
        if result != 1:
            if result == 0:
                self.df.log(request, self.spider)
            return False
        self._inc("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.frontier is None or self.stopping or self.reaped or self.paused or self.redis_lost:
            self._wake_in(self.poll_s)
            return None
        try:
            taken = self.frontier.pop(self.worker, self.lease_ms)
        except WorkerReaped:
            self._on_reaped()
            return None
        except Exception as exc:  # noqa: BLE001 - Redis away: ask again later
            logger.warning("Redis: %s", exc)
            self._wake_in(1.0)
            return None
        if not isinstance(taken, Popped):
            self._wake_in(self.poll_s if taken.seconds is None else min(max(taken.seconds, 0.005), self.poll_s * 4))
            return None
        try:
            request = self.queue.decode(taken.payload)
        except (codec.CodecError, ValueError, KeyError, AttributeError) as exc:
            logger.error("Dropping a request this worker cannot read (%s)", exc)
            self._inc("dist/unreadable_requests")
            self.frontier.ack(self.worker, taken.token, taken.host)
            self._wake_in(0.005)
            return None
        request.meta[TOKEN] = taken.token
        self.inflight[taken.token] = InFlight(taken.host)
        self._inc("scheduler/dequeued/redis")
        return request

    # --- the life of a request ------------------------------------------------------------------

    def _response_received(self, response: Response, request: Request, spider: Spider) -> None:
        entry = self.inflight.get(request.meta.get(TOKEN, ""))
        if entry is not None:
            entry.responded = True

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        entry = self.inflight.get(request.meta.get(TOKEN, ""))
        if entry is not None:
            entry.status = response.status

    def _left_downloader(self, request: Request, spider: Spider) -> None:
        """The download is over (a response or a failure): the host's next request waits the delay
        from now, and the host may be leased again once that has passed."""
        gated = request.meta.get(GATED)
        if gated is not None and self.frontier is not None and self.gate is not None:
            # From the end of this download, not from when its token was taken: the bytes may have
            # left later than that (a busy event loop, a new connection), never later than now.
            try:
                self.frontier.restart_token(gated[1], self.worker, 0.0, self.gate.delay)
            except Exception as exc:  # noqa: BLE001 - the token taken at the gate still holds
                logger.warning("Could not restart the send token of %s: %s", gated[1], exc)
        entry = self.inflight.get(request.meta.get(TOKEN, ""))
        if entry is None or entry.released or self.frontier is None:
            return
        entry.released = True
        try:
            self.frontier.release(self.worker, entry.host, request.meta.get("download_latency"), entry.status or 0,
                                  self.throttle)
        except Exception as exc:  # noqa: BLE001 - the ack releases it, or the lease runs out
            logger.warning("Could not release host %s: %s", entry.host, exc)
        self._wake_in(0)

    def _item_scraped(self, item: Any, response: Any, spider: Spider) -> None:
        request = getattr(response, "request", None)
        entry = self.inflight.get(request.meta.get(TOKEN, "")) if request is not None else None
        if entry is not None:
            entry.items.append(item)
            return
        # Not from a request of ours (nothing in this project does that): sent on its own.
        assert self.frontier is not None
        self.frontier.server.xadd(self.frontier.key("items"),
                                  {"run": self.run_id, "d": codec.pack_items([item], getattr(response, "url", ""))})
        self._inc("dist/items_without_request")

    def _request_done(self, request: Request) -> None:
        token = str(request.meta.get(TOKEN) or "")
        entry = self.inflight.pop(token, None) if token else None
        if entry is None or self.frontier is None:
            return
        if self.redis_lost:
            return  # not acked: given back when this worker leaves, or reaped
        items = codec.pack_items(entry.items, request.url) if entry.items else b""
        try:
            delivered = self._with_retries(self.frontier.ack, self.worker, token, "" if entry.released else entry.host,
                                           items, self.run_id)
        except RedisLost as exc:  # not acked: the request is crawled again, its items sent then
            self._lost_redis(exc)
            return
        if delivered:
            self._inc("dist/acked")
            self._inc("dist/item_messages", 1 if items else 0)
        else:
            logger.warning("%s was taken back from this worker (reaped); its %d item(s) are dropped", request,
                           len(entry.items))
            self._inc("dist/stale_acks")

    # --- Redis trouble ---------------------------------------------------------------------------

    def _with_retries(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        """A Redis call that must not be skipped (a push, an ack): retried for a while (the crawl
        waits: nothing useful can be done without Redis), then RedisLost."""
        deadline = time.monotonic() + max(1.0, self.timeout_s / 2)
        pause = 0.1
        while True:
            try:
                return call(*args, **kwargs)
            except codec.CodecError:
                raise
            except Exception as exc:
                if time.monotonic() >= deadline:
                    raise RedisLost(str(exc)) from exc
                logger.warning("Redis: %s; retrying", exc)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)

    def _lost_redis(self, exc: Exception) -> None:
        """A push or an ack could not be made: this worker must not ack anything any more (a
        request whose new requests were not all queued must be crawled again). It stops; what it
        holds is given back when it leaves, or reaped by the others."""
        if not self.redis_lost:
            logger.error("Redis lost (%s): this worker stops; the requests it holds will be crawled again", exc)
        self.redis_lost = True
        self._wake_in(0)

    # --- housekeeping -----------------------------------------------------------------------------

    def _beat(self) -> None:
        frontier = self.frontier
        if frontier is None:
            return
        try:
            if not frontier.heartbeat(self.worker):
                self._on_reaped()
                return
            for dead, requeued in frontier.reap(self.timeout_s):
                logger.warning("Worker %s stopped beating: %d request(s) it held are queued again", dead, requeued)
            run = frontier.run()
            if run.get("stop") == "1" and not self.stopping:
                logger.info("Stop requested (scrapy dist-stop): finishing the %d request(s) in flight", len(self.inflight))
                self.stopping = True
            pending = frontier.pending_items()
            if pending > self.max_pending and not self.paused:
                logger.warning("The writer is behind (%d item messages waiting): pausing", pending)
            elif self.paused and pending <= self.max_pending // 2:
                logger.info("The writer caught up (%d item messages waiting): resuming", pending)
            self.paused = pending > self.max_pending or (self.paused and pending > self.max_pending // 2)
            self._send_stats()
        except WorkerReaped:
            self._on_reaped()
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: try again at the next beat
            logger.error("Redis: %s", exc)
        self._wake_in(0)

    def _spider_idle(self, spider: Spider) -> None:
        if self.reaped:
            raise CloseSpider("reaped")
        if self.redis_lost:
            raise CloseSpider("redis_lost")
        if self.stopping:
            raise CloseSpider("shutdown")
        assert self.frontier is not None
        try:
            if not self.inflight and self.frontier.in_flight(self.worker):
                # Taken in a pop whose answer was lost (Redis dropped the connection): give back.
                logger.warning("Giving back %d request(s) this worker holds in Redis without knowing it",
                               self.frontier.leave(self.worker))
                self.frontier.heartbeat(self.worker)
            queued, inflight = self.frontier.counters()
        except Exception as exc:  # noqa: BLE001 - Redis away: look again later
            logger.warning("Redis: %s", exc)
            self._wake_in(1.0)
            raise DontCloseSpider from exc
        if queued == 0 and inflight == 0 and self.frontier.run().get("status") in ("running", "finished"):
            logger.info("The run's queue is empty and nothing is in flight anywhere: this worker is done")
            return  # the engine closes the spider: finished
        self._wake_in(self.poll_s)
        raise DontCloseSpider

    def _on_reaped(self) -> None:
        if not self.reaped:
            logger.error("Worker %s was taken for dead (no heartbeat for %.0f s): its requests were given to "
                         "others; stopping", self.worker, self.timeout_s)
        self.reaped = True
        self._wake_in(0)

    def _wake_in(self, seconds: float) -> None:
        """Ask the engine for requests again in `seconds` (one timer at a time, the earliest)."""
        if self._wake is None:
            return
        if seconds <= 0:
            self._wake()
            return
        due = time.monotonic() + seconds
        if self._timer is not None:
            if self._timer_due <= due:
                return
            self._timer.cancel()

        def fire() -> None:
            self._timer = None
            if self._wake is not None:
                self._wake()

        self._timer, self._timer_due = call_later(seconds, fire), due

    def _send_stats(self) -> None:
        if self.crawler is None or self.crawler.stats is None or self.frontier is None:
            return
        current = {k: v for k, v in self.crawler.stats.get_stats().items()
                   if isinstance(v, int) and not isinstance(v, bool) and k.startswith(SUMMED_STATS)}
        deltas = {k: v - self._sent_stats.get(k, 0) for k, v in current.items() if v != self._sent_stats.get(k, 0)}
        self.frontier.add_stats(deltas)
        self._sent_stats.update(current)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)

    def _carry_cookies(self, request: Request) -> None:
        """Session cookies go with the request: another worker may fetch it (ASP.NET postbacks)."""
        if request.cookies or self.crawler is None:
            return
        try:
            from scrapy.downloadermiddlewares.cookies import CookiesMiddleware

            middlewares = self.crawler.engine.downloader.middleware.middlewares
            jars = next((m.jars for m in middlewares if isinstance(m, CookiesMiddleware)), None)
            if not jars or request.meta.get("dont_merge_cookies"):
                return
            jar = jars[request.meta.get("cookiejar")]
            if not len(jar):
                return
            probe = request.replace(cookies={})
            probe.headers.pop(b"Cookie", None)
            jar.add_cookie_header(probe)
            header = probe.headers.get(b"Cookie")
            if header:
                pairs = (part.strip().partition("=") for part in header.decode("latin-1").split(";"))
                request.cookies = {name: value for name, _, value in pairs if name}
        except Exception as exc:  # noqa: BLE001 - cookies are a courtesy, never a reason to lose a request
            logger.debug("Cookies not carried with %s: %s", request, exc)


class HostGateMiddleware:
    """Downloader middleware (last before the download): take the host's send token first.

    Every request to a host, from any worker (robots.txt fetches included), waits until the host's
    delay has passed since the previous one's download ended, then is sent at once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.delay = crawler.settings.getfloat("DIST_HOST_DELAY", 0.0)
        if crawler.settings.getbool("DIST_AUTOTHROTTLE"):
            self.delay = crawler.settings.getfloat("DIST_HOST_START_DELAY", self.delay)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGateMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if not isinstance(scheduler, HostScheduler) or scheduler.frontier is None:
            return
        scheduler.gate = self
        host = host_of(request.url)
        waited = 0.0
        while True:
            wait = scheduler.frontier.gate(host, scheduler.worker, self.delay)
            if wait <= 0:
                break
            waited += wait
            await async_sleep(wait)
        request.meta[GATED] = (time.monotonic(), host)
        if waited and self.crawler.stats is not None:
            self.crawler.stats.inc_value("dist/gate_waits")
