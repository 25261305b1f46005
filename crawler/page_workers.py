"""A crawl's page extraction in worker processes, awaited by the spider's callbacks.

What lives here: the readings a configured portal's page gets (`read_article`, `read_listing`:
pure, the same code in a worker and in the crawl's process), `PageWorkers` (the crawl's side:
starts worker processes once extraction keeps the crawl's process busy, sends them pages and
resolves the callbacks' awaits) and the worker's loop (`python -m crawler.page_workers`, started
by `PageWorkers`, never by hand).

Why: a crawl runs Scrapy (downloads, scheduling, middlewares), extraction and the pipelines in
one process, and Python runs one thread of it at a time. On a fast source (a portal on the same
network, a mirror, a benchmark) extraction is a third of that process's time and the crawl runs
at half the speed of Scrapy alone; in other processes, on the machine's other cores, it no longer
holds the crawl back. On a polite crawl of the portals themselves (a page every second or two per
host) extraction is a few per cent of one core and no worker is started: the crawl counts how
much of its time in-process extraction takes and starts its workers only past a share of it
(``PORTAL_EXTRACT_WORKERS_BUSY``; ``PORTAL_EXTRACT_WORKERS`` caps their number, 1 = none).

The answers are the same wherever a page is read: the worker runs the same function on the same
text with a copy of the same profile, and an exception it raises is raised in the callback (its
class name, message and the worker's traceback as a note), where the spider middleware records
it as it records any other. A worker that dies (killed, out of memory) loses nothing: the pages
it held are read again in the crawl's process, which reads every later page itself (logged).

The workers are plain subprocesses of this interpreter (not forked: the crawl's process runs
threads by then, the storage's and Twisted's), talking over their stdin/stdout pipes with
length-prefixed pickles; the crawl's side reads and writes them from the event loop the crawl
runs on, without threads. A worker leaves when its stdin closes: when the crawl closes it, or
when the crawl's process ends in any way.
"""
from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from w3lib.encoding import html_to_unicode

from crawler import settings as defaults  # the one place for defaults
from crawler.collector import tune_collector
from crawler.items import ArticleItem, article_item
from crawler.pages.article import ArticlePage
from crawler.pages.listing import ListingPage, NextPage
from crawler.profiles.model import SiteProfile
from crawler.timelimit import extraction_time_limit, set_extraction_time_limit, time_limit
from pipelines.normalizing import normalize_article
from pipelines.parallel import portable_exception, worker_count

logger = logging.getLogger(__name__)


# --- what a page is read for (pure; run in a worker or in the crawl's process) -----------------------

@dataclass(frozen=True)
class ArticleReading:
    """An article page read with its profile: why it is no article (``no_title``...), or its
    item, normalized (`pipelines.normalizing.normalize_article`: NormalizePipeline passes it on)."""

    reason: str | None
    item: ArticleItem | None


@dataclass(frozen=True)
class ListingReading:
    """A listing page read with its profile: its article links and, when asked for, its next page
    (or the exception finding it raised, raised when the spider asks for it, as in-process)."""

    links: list[str]
    next: NextPage | None = None
    next_error: BaseException | None = None

    def next_page(self) -> NextPage | None:
        if self.next_error is not None:
            raise self.next_error
        return self.next


def read_article(url: str, html: str, profile: SiteProfile, fetch: Any) -> ArticleReading:
    """`fetch`: ``(fetched_at, http_status, requested_url)`` of the page, for its item."""
    page = ArticlePage(url, html, profile)
    reason = page.validate()
    if reason is not None:
        return ArticleReading(reason, None)
    fetched_at, status, requested = fetch
    item = article_item(profile.slug, page.extract(), fetched_at, status, requested)
    normalize_article(item)
    return ArticleReading(None, item)


def read_listing(url: str, html: str, profile: SiteProfile, at_limit: Any = False) -> ListingReading:
    """The article links; the next page only if the page has links and the walk is not `at_limit`
    (its page limit reached): the spider stops a walk there without asking for it."""
    page = ListingPage(url, html, profile)
    links = page.article_links()
    if not links or at_limit:
        return ListingReading(links)
    try:
        return ListingReading(links, page.next_page())
    except Exception as exc:  # noqa: BLE001 - raised when the spider asks for the next page
        return ListingReading(links, next_error=portable_exception(exc))


READINGS: dict[str, Callable[[str, str, SiteProfile, Any], Any]] = {
    "article": read_article,
    "listing": read_listing,
}


def read_page(kind: str, url: str, body: bytes, encoding: str, profile: SiteProfile, arg: Any) -> Any:
    """``READINGS[kind]`` of the page's text: the crawl's process sends the bytes it received and
    the encoding Scrapy found, and is spared decoding them and pickling the text. Within the
    process's extraction time limit (crawler/timelimit.py)."""
    with time_limit():
        return READINGS[kind](url, page_text(body, encoding), profile, arg)


def page_text(body: bytes, encoding: str) -> str:
    """The text Scrapy's `TextResponse.text` gives for `body` with its `encoding` (a BOM first,
    then that charset, undecodable bytes replaced)."""
    return html_to_unicode(f"charset={encoding}", body)[1]


# --- the crawl's side ---------------------------------------------------------------------------

# How often the share of the crawl's time taken by in-process extraction is looked at (seconds).
BUSY_WINDOW = 1.0
# A worker's pipes: a frame is a 4-byte big-endian length and a pickle.
_LENGTH = struct.Struct(">I")
_READ_SIZE = 1 << 16
PIPE_BYTES = 1 << 20


class PageWorkers:
    """Reads pages for a crawl: in worker processes once they run, in this process until then.

    `workers`: the most worker processes to start (1 or less: none, everything here).
    `busy_share`: start them once in-process extraction has taken this share of the crawl's
    time over a second (0: at the first page, later pages waiting for them to start).
    `await read(kind, url, body, encoding, site, arg)` gives what `read_page` gives, or raises
    what it raised."""

    def __init__(self, sites: Iterable[SiteProfile], workers: int, busy_share: float) -> None:
        if not 0 <= busy_share <= 1:
            raise ValueError(f"PORTAL_EXTRACT_WORKERS_BUSY must be a share between 0 and 1, not {busy_share}")
        self.sites = {site.slug: site for site in sites}
        self.max_workers = workers if workers > 1 else 0
        self.busy_share = busy_share
        self.started = False  # workers were started (once per crawl)
        self.lost = 0  # workers that died
        self.read_by_workers = 0  # pages answered by a worker
        self.read_here = 0  # pages read in this process
        self._workers: list[_Worker] = []
        self._window: float | None = None
        self._busy = 0.0

    @classmethod
    def from_settings(cls, settings: Any, sites: Iterable[SiteProfile]) -> PageWorkers:
        """From PORTAL_EXTRACT_WORKERS (0 = one per CPU) and PORTAL_EXTRACT_WORKERS_BUSY; ValueError
        when either is out of range. Sets the process's extraction time limit too
        (PORTAL_EXTRACT_TIME_LIMIT, crawler/timelimit.py), which the workers are given."""
        set_extraction_time_limit(settings.getfloat("PORTAL_EXTRACT_TIME_LIMIT", defaults.PORTAL_EXTRACT_TIME_LIMIT))
        workers = settings.getint("PORTAL_EXTRACT_WORKERS", defaults.PORTAL_EXTRACT_WORKERS)
        if workers < 0:
            raise ValueError(f"PORTAL_EXTRACT_WORKERS must be 0 (one per CPU), 1 (no worker processes) or more, "
                             f"not {workers}")
        workers = worker_count(workers)
        return cls(sites, workers, settings.getfloat("PORTAL_EXTRACT_WORKERS_BUSY", defaults.PORTAL_EXTRACT_WORKERS_BUSY))

    async def read(self, kind: str, url: str, body: bytes, encoding: str, site: SiteProfile,
                   arg: Any = None) -> Any:
        worker = self._pick(site)
        if worker is None and self.busy_share <= 0 and self.started:
            # Workers asked for from the first page: later pages wait for them to start (a few
            # tenths of a second) instead of being read here.
            starting = [w.up for w in self._workers if not w.dead and not w.ready]
            if starting:
                await asyncio.wait(starting, return_when=asyncio.FIRST_COMPLETED)
                worker = self._pick(site)
        if worker is None:
            return self._here(kind, url, body, encoding, site, arg)
        return await worker.submit(kind, url, body, encoding, site.slug, arg)

    def close(self) -> None:
        """Stop the workers (their stdin closes; they leave once their current page is read)."""
        if self.started:
            logger.info("Extraction: %d pages read by extraction workers, %d in the crawl's process%s",
                        self.read_by_workers, self.read_here, f" ({self.lost} workers died)" if self.lost else "")
        for worker in self._workers:
            worker.close()
        self._workers = []

    @property
    def running(self) -> int:
        return sum(1 for w in self._workers if w.ready and not w.dead)

    def _pick(self, site: SiteProfile) -> _Worker | None:
        # A profile the workers were not given (not one of the crawl's sites) is read here.
        if not self.started or self.sites.get(site.slug) is not site:
            return None
        ready = [w for w in self._workers if w.ready and not w.dead]
        return min(ready, key=lambda w: len(w.pending)) if ready else None

    def _here(self, kind: str, url: str, body: bytes, encoding: str, site: SiteProfile, arg: Any) -> Any:
        self.read_here += 1
        if not self.max_workers or self.started:
            return read_page(kind, url, body, encoding, site, arg)
        start = time.perf_counter()
        try:
            return read_page(kind, url, body, encoding, site, arg)
        finally:
            self._note_busy(start, time.perf_counter())

    def _note_busy(self, start: float, end: float) -> None:
        if self._window is None:
            self._window, self._busy = start, 0.0
        self._busy += end - start
        elapsed = end - self._window
        if self.busy_share <= 0 or (elapsed >= BUSY_WINDOW and self._busy >= self.busy_share * elapsed):
            self._start(None if self.busy_share <= 0 else self._busy / elapsed)
        elif elapsed >= BUSY_WINDOW:
            self._window, self._busy = end, 0.0

    def _start(self, share: float | None) -> None:
        """Start the workers; `share`: what extraction took of the crawl's time (None: asked for at once)."""
        self.started = True
        loop = asyncio.get_running_loop()
        sites = pickle.dumps((self.sites, extraction_time_limit()), protocol=pickle.HIGHEST_PROTOCOL)
        why = ("PORTAL_EXTRACT_WORKERS_BUSY is 0" if share is None
               else f"extraction took {100 * share:.0f}% of the crawl's process")
        logger.info("Reading pages in %d worker processes (%s)", self.max_workers, why)
        try:
            for _ in range(self.max_workers):
                self._workers.append(_Worker(loop, sites, self))
        except OSError as exc:  # no more processes or pipes: this process reads on alone
            logger.warning("Could not start extraction worker processes (%s): pages are read in the crawl's process",
                           exc)

    def _died(self, worker: _Worker) -> None:
        self.lost += 1
        logger.error("An extraction worker process died (exit status %s); its %d pages are read again in the "
                     "crawl's process%s", worker.proc.poll(), len(worker.pending),
                     "" if self.running else ", which reads every later page too")

    def reread(self, kind: str, url: str, body: bytes, encoding: str, slug: str, arg: Any) -> Any:
        """A page a dead worker held, read in this process."""
        self.read_here += 1
        return read_page(kind, url, body, encoding, self.sites[slug], arg)


class _Worker:
    """One worker process and the pages it holds, driven by the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sites: bytes, owner: PageWorkers) -> None:
        self.loop, self.owner = loop, owner
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)  # the project, wherever the crawl runs from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, "-m", "crawler.page_workers"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, close_fds=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._out, self._in = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        os.set_blocking(self._out, False)
        os.set_blocking(self._in, False)
        self.pending: dict[int, tuple[asyncio.Future[Any], tuple[str, str, bytes, str, str, Any]]] = {}
        self.ready = self.dead = False
        self.up: asyncio.Future[None] = loop.create_future()  # done once ready, or dead
        self._next = 0
        self._unsent = bytearray()
        self._received = bytearray()
        self._writing = self._flush_soon = False
        for fd in (self._out, self._in):  # room for a few dozen pages in each pipe (Linux; 64 KiB else)
            with contextlib.suppress(AttributeError, OSError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        loop.add_reader(self._in, self._readable)
        self._send(sites)

    def submit(self, kind: str, url: str, body: bytes, encoding: str, slug: str, arg: Any) -> asyncio.Future[Any]:
        self._next += 1
        future: asyncio.Future[Any] = self.loop.create_future()
        job = (kind, url, body, encoding, slug, arg)
        self.pending[self._next] = (future, job)
        self._send(pickle.dumps((self._next, *job), protocol=pickle.HIGHEST_PROTOCOL))
        return future

    def _send(self, payload: bytes) -> None:
        self._unsent += _LENGTH.pack(len(payload))
        self._unsent += payload
        # Written once the event loop's current round is over: the pages of every response
        # handled in that round go in one write (a system call each was a few per cent of the
        # crawl's process).
        if not self._writing and not self._flush_soon:
            self._flush_soon = True
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_soon = False
        if not self._writing and not self.dead:
            self._writable()

    def _writable(self) -> None:
        try:
            while self._unsent:
                written = os.write(self._out, self._unsent)
                del self._unsent[:written]
        except BlockingIOError:
            pass  # the pipe is full: the rest when the worker has read some
        except OSError:  # the worker is gone; its end of the pipe says so on the reading side
            self._unsent.clear()
        want = bool(self._unsent)
        if want != self._writing:
            (self.loop.add_writer(self._out, self._writable) if want else self.loop.remove_writer(self._out))
            self._writing = want

    def _readable(self) -> None:
        try:
            chunk = os.read(self._in, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._lost()
            return
        self._received += chunk
        while len(self._received) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._received)
            if len(self._received) < _LENGTH.size + size:
                break
            try:
                message = pickle.loads(bytes(self._received[_LENGTH.size:_LENGTH.size + size]))
            except Exception:  # noqa: BLE001 - a worker that talks nonsense is a lost worker
                logger.exception("Unreadable answer from an extraction worker process: stopping it")
                self.proc.kill()
                self._lost()
                return
            del self._received[:_LENGTH.size + size]
            self._answer(message)

    def _answer(self, message: tuple[Any, ...]) -> None:
        if message == ("ready",):
            self.ready = True
            self.up.set_result(None)
            return
        number, ok, value = message
        future, _ = self.pending.pop(number)
        self.owner.read_by_workers += 1
        if future.done():  # the callback was cancelled (the crawl is closing)
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def _lost(self) -> None:
        """The worker's stdout closed: it died (it is only closed from here). Its pages are read
        in this process."""
        self._stop_io()
        if self.dead:
            return
        self.dead = True
        self.proc.wait()
        self.owner._died(self)
        pending, self.pending = self.pending, {}
        for future, (kind, url, body, encoding, slug, arg) in pending.values():
            if future.done():
                continue
            try:
                future.set_result(self.owner.reread(kind, url, body, encoding, slug, arg))
            except Exception as exc:  # noqa: BLE001 - raised in its callback, as in-process
                future.set_exception(exc)

    def _stop_io(self) -> None:
        if not self.up.done():
            self.up.set_result(None)
        with contextlib.suppress(Exception):
            self.loop.remove_reader(self._in)
        if self._writing:
            with contextlib.suppress(Exception):
                self.loop.remove_writer(self._out)
            self._writing = False

    def close(self) -> None:
        self._stop_io()
        self.dead = True
        for future, _ in self.pending.values():
            future.cancel()
        self.pending = {}
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- in a worker process --------------------------------------------------------------------------

def _read_frame(source: BinaryIO) -> bytes | None:
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = source.read(size)
    return payload if len(payload) == size else None


def _write_frame(sink: BinaryIO, payload: bytes) -> None:
    sink.write(_LENGTH.pack(len(payload)))
    sink.write(payload)
    sink.flush()


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    """Read pages from `source` until it closes, each answer to `sink`: the first frame is the
    crawl's profiles by slug and its extraction time limit, every later one ``(number, kind, url,
    body, encoding, slug, arg)``."""
    first = _read_frame(source)
    if first is None:
        return
    sites: dict[str, SiteProfile]
    sites, limit = pickle.loads(first)
    set_extraction_time_limit(limit)
    _write_frame(sink, pickle.dumps(("ready",)))
    while (frame := _read_frame(source)) is not None:
        number, kind, url, body, encoding, slug, arg = pickle.loads(frame)
        try:
            answer = (number, True, read_page(kind, url, body, encoding, sites[slug], arg))
        except Exception as exc:  # noqa: BLE001 - raised in the crawl's callback
            answer = (number, False, portable_exception(exc))
        _write_frame(sink, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def main() -> None:
    # Ctrl-C reaches the whole process group: the crawl closes this worker's stdin when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_collector()  # the code is loaded: crawler/collector.py
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing else may write to the answers' pipe
    serve(sys.stdin.buffer, sink)


if __name__ == "__main__":
    # Run as the module's importable name, not as __main__: the answers' classes must pickle as
    # crawler.page_workers.ArticleReading, which the crawl's process can load.
    from crawler.page_workers import main as run_worker
    run_worker()
