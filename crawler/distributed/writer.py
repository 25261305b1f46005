"""The one archive writer of a distributed run: it opens (or resumes) the run, seeds it, and
applies the items every worker sends through Redis with the crawl's own batch writer.

- **One writer.** It holds the archive's lock (`pipelines/lock.py`) for the whole run, like a
  crawl, and is the only process that opens the archive for writing.
- **Same record.** The run is one `crawl_runs` row (its `arguments` say `distributed`), opened
  when the run starts and closed when it ends, with the counts summed over every worker, the
  health report and the outcome of `scrapy crawl`: the same exit codes.
- **Same transactions.** Items are written by `pipelines.storage.ArchiveWriter` in batches of
  `PORTAL_SQLITE_BATCH` items or `PORTAL_SQLITE_FLUSH_SECONDS`, one transaction each. In the same
  transaction the writer records how far in the item stream it got (`distributed_runs`, with the
  run's tallies): a writer killed at any moment, SIGKILL included, restarts where its last commit
  ended; messages after it are still in Redis, messages up to it are never applied twice.
- **Stopping.** SIGTERM or Ctrl-C stop the writer alone (exit 5): the workers go on, items wait
  in Redis (workers pause when too many wait), and the next `scrapy dist-writer` carries on.
  `scrapy dist-stop` stops the whole run: the workers finish what they hold, the writer writes it
  and closes the run as interrupted (exit 5); the queue stays in Redis for a resume.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import signal
import socket
import sqlite3
import time
from collections import Counter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler import settings as defaults  # the one place for defaults
from crawler.distributed import codec
from crawler.distributed.frontier import Frontier
from crawler.distributed.spider import seed_requests, sites_fingerprint
from crawler.incremental import IncrementalPolicy, SitePlan, plan_site
from crawler.items import ArticleItem, FailureItem, ListingWalkItem, RawPageItem
from crawler.sites import resolve_sites
from pipelines.crawlstate import CrawlState
from pipelines.normalize import now_vn
from pipelines.outcome import EXIT_ARCHIVE, EXIT_INTERRUPTED, SiteTally, count_stats, decide_outcome, health_report
from pipelines.rows import site_row
from pipelines.schema import open_archive
from pipelines.storage import (
    CLEAN_WALK_ENDS,
    MAX_FAILED_WRITES,
    ArchiveWriter,
    finish_row,
    previous_counts,
    site_key,
    start_row,
)
from pipelines.units import stored_titles, write_site_rows

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crawler.profiles.model import SiteProfile

logger = logging.getLogger(__name__)

PROGRESS_TABLE = """create table if not exists distributed_runs (
    crawl_run_id integer primary key,   -- crawl_runs.id of the distributed run
    redis_prefix text,                  -- DIST_REDIS_PREFIX of the run
    last_entry text,                    -- the last item-stream entry written (Redis stream id)
    entries integer not null default 0, -- item messages written
    items integer not null default 0,   -- items written
    tallies text,                       -- per-site counts so far (JSON), for the run's record
    updated_at text
)"""


class RunConflict(RuntimeError):
    """Redis holds another run than the one asked for (exit code 2)."""


def tally_to_json(t: SiteTally) -> dict[str, Any]:
    return {"new": t.new, "updated": t.updated, "unchanged": t.unchanged, "crashes": t.crashes,
            "failures": dict(t.failures), "fields": dict(t.fields), "pages": dict(t.pages), "rejected": dict(t.rejected),
            "cut": {k: list(v) for k, v in t.cut.items()}}


def tally_from_json(d: Mapping[str, Any]) -> SiteTally:
    return SiteTally(new=d.get("new", 0), updated=d.get("updated", 0), unchanged=d.get("unchanged", 0),
                     crashes=d.get("crashes", 0), failures=Counter(d.get("failures", {})),
                     fields=Counter(d.get("fields", {})), pages=Counter(d.get("pages", {})),
                     rejected=Counter(d.get("rejected", {})), cut={k: tuple(v) for k, v in d.get("cut", {}).items()})


class DistributedWriter:
    def __init__(self, settings: Any, frontier: Frontier, path: str, site: str | None, full: bool) -> None:
        self.settings, self.frontier, self.path = settings, frontier, path
        self.site, self.full = site or "", full
        self.batch_size = max(1, settings.getint("PORTAL_SQLITE_BATCH", defaults.PORTAL_SQLITE_BATCH))
        self.flush_seconds = settings.getfloat("PORTAL_SQLITE_FLUSH_SECONDS", defaults.PORTAL_SQLITE_FLUSH_SECONDS)
        self.timeout = settings.getfloat("PORTAL_SQLITE_TIMEOUT", defaults.PORTAL_SQLITE_TIMEOUT)
        self.poll = settings.getfloat("DIST_POLL_SECONDS", 0.25)
        self.beat_every = settings.getfloat("DIST_HEARTBEAT_SECONDS", 2.0)
        self.worker_timeout = settings.getfloat("DIST_WORKER_TIMEOUT", 30.0)
        self.floors = settings.getdict("PORTAL_COVERAGE_FLOORS")
        self.db: Any = None
        self.writer: ArchiveWriter | None = None
        self.sites: list[SiteProfile] = []
        self.run_id = 0
        self.last_entry = "0"
        self.stopping = False
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    # --- opening --------------------------------------------------------------------------------

    def open(self) -> str:
        """Open the archive and start or resume the run; 'started' or 'resumed'."""
        self.sites = resolve_sites(self.settings, self.site or None, None)
        fingerprint = sites_fingerprint(self.sites)
        run = self.frontier.run()
        if run.get("status") in ("planning", "finished") or not run.get("run_id"):
            run = {}
        policy = IncrementalPolicy.from_settings(self.settings, self.full)
        plans = {}
        if not run:  # read before this run touches the archive: the plan describes earlier runs
            self.frontier.clear()
            state = CrawlState(self.path)
            try:
                plans = {s.slug: plan_site(state, policy, s, now_vn()) for s in self.sites}
            finally:
                state.close()
            self.frontier.set_run(status="planning", completed_walks={k: sorted(p.completed_walks) for k, p in plans.items()})
        self.db = open_archive(self.path, timeout=self.timeout)
        self.db.execute(PROGRESS_TABLE)
        if run:
            self._check_resumable(run, fingerprint)
            self.run_id = int(run["run_id"])
            self._resume()
        else:
            self._start_run(fingerprint)
        self.writer = ArchiveWriter(self.db, self.run_id, self.sites)
        for site in self.sites:
            self.writer.tally(site.slug)
        self._load_progress()
        if self.frontier.run().get("status") == "seeding":  # a writer died while seeding: seed again
            walks = json.loads(self.frontier.run().get("completed_walks") or "{}")
            if not plans:
                state = CrawlState(self.path)
                try:
                    plans = {s.slug: plan_site(state, policy, s, now_vn()) for s in self.sites}
                finally:
                    state.close()
            plans = {slug: SitePlan(set(walks.get(slug, [])), p.refetch, p.retry) for slug, p in plans.items()}
            self._seed(plans)
        return "resumed" if run else "started"

    def _check_resumable(self, run: dict[str, str], fingerprint: str) -> None:
        row = self.db.execute("select started_at from crawl_runs where id = ?", [int(run["run_id"])]).fetchone()
        prefix = self.frontier.p
        if row is None or row[0] != run.get("started_at"):
            raise RunConflict(f"Redis prefix {prefix!r} holds run {run['run_id']} of another archive ({run.get('archive')}); "
                              "use another DIST_REDIS_PREFIX, or discard it with `scrapy dist-stop --discard`")
        if (run.get("site", ""), run.get("full", "0")) != (self.site, "1" if self.full else "0"):
            asked = " ".join(f"-a {k}={v}" for k, v in (("site", run.get("site")), ("full", run.get("full"))) if v and v != "0")
            raise RunConflict(f"run {run['run_id']} in Redis was started with other arguments ({asked or 'none'}): resume it "
                              "with the same ones, or discard it with `scrapy dist-stop --discard`")
        if run.get("fingerprint") != fingerprint:
            raise RunConflict(f"the site profiles changed since run {run['run_id']} started: finish it with the profiles "
                              "it started with, or discard it with `scrapy dist-stop --discard`")

    def _start_run(self, fingerprint: str) -> None:
        started = now_vn().isoformat(timespec="seconds")
        policy = IncrementalPolicy.from_settings(self.settings, self.full)
        spider = SimpleNamespace(site=self.site or None, start_url=None, full=self.full, sites=self.sites, policy=policy)
        row = start_row(spider, started)
        row["arguments"] = json.dumps({**json.loads(row["arguments"]), "distributed": self.frontier.p}, ensure_ascii=False)
        with self.db.atomic():
            titles = stored_titles(self.db, [s.slug for s in self.sites])
            write_site_rows(self.db, [site_row(s, started, titles.get(s.slug)) for s in self.sites])
            self.run_id = self.db["crawl_runs"].insert(row).last_pk
            # Walks are "started" before any of their articles is stored (SQLitePipeline._start_run).
            self.db["listing_walks"].upsert_all(
                [{"site": s.slug, "listing_key": site_key(s, url), "listing_url": url, "crawl_run_id": self.run_id,
                  "started_at": started, "completed_at": None, "pages": 0, "stopped_because": None}
                 for s in self.sites for url in s.start_urls if getattr(s, "family", "") != "generic"],
                pk=("site", "listing_key"))
            self.db.execute("insert or replace into distributed_runs (crawl_run_id, redis_prefix, last_entry, updated_at) "
                            "values (?, ?, '0', ?)", [self.run_id, self.frontier.p, started])
        self.frontier.set_run(run_id=str(self.run_id), started_at=started, archive=str(self.path), site=self.site,
                              full="1" if self.full else "0", mode=policy.mode, sites=[s.slug for s in self.sites],
                              fingerprint=fingerprint, status="seeding")
        logger.info("Distributed run %s started (%s, %d site(s))", self.run_id, policy.mode, len(self.sites))

    def _resume(self) -> None:
        with self.db.atomic():
            self.db.execute("update crawl_runs set status = 'running', finished_at = null, exit_code = null, "
                            "finish_reason = null where id = ?", [self.run_id])
            self.db.execute("insert or ignore into distributed_runs (crawl_run_id, redis_prefix, last_entry, updated_at) "
                            "values (?, ?, '0', ?)", [self.run_id, self.frontier.p, now_vn().isoformat(timespec="seconds")])
        # Starting a writer on a stopped run (or on one whose stop found no writer) resumes it.
        self.frontier.server.hdel(self.frontier.key("run"), "stop")
        if self.frontier.run().get("status") == "stopped":
            self.frontier.set_run(status="running")
        logger.info("Distributed run %s resumed (%d request(s) queued, %d in flight, %d item message(s) waiting)",
                    self.run_id, *self.frontier.counters(), self.frontier.pending_items())

    def _load_progress(self) -> None:
        assert self.writer is not None
        row = self.db.execute("select last_entry, tallies from distributed_runs where crawl_run_id = ?", [self.run_id]).fetchone()
        if row is None:
            return
        self.last_entry = row[0] or "0"
        for slug, data in json.loads(row[1] or "{}").items():
            self.writer.tallies[slug] = tally_from_json(data)

    def _seed(self, plans: dict[str, SitePlan]) -> None:
        """Queue the run's start requests (the portal spider's own) and load the known articles."""
        slugs = [s.slug for s in self.sites]
        marks = ",".join("?" for _ in slugs)
        keys = (r[0] for r in self.db.execute(f"select article_key from articles where site in ({marks}) "
                                               "and article_key is not null", slugs))
        known = self.frontier.add_known(keys)
        requests, spider = seed_requests(self.settings, self.sites, plans, self.site or None, self.full)
        dupefilter = RFPDupeFilter(self.frontier.server, self.frontier.key("seen"))

        def entries() -> Any:
            for request in requests:
                data = request.to_dict(spider=spider)
                payload = codec.pack(data, replace=codec.site_replacer)
                fingerprint = "" if request.dont_filter else dupefilter.request_fingerprint(request)
                yield payload, (urlparse_cached(request).hostname or "").lower(), request.priority, fingerprint

        queued = self.frontier.push_many(entries())
        self.frontier.set_run(status="running", completed_walks={k: sorted(p.completed_walks) for k, p in plans.items()})
        logger.info("Run %s seeded: %d start request(s) queued, %d known article(s)", self.run_id, queued, known)

    # --- writing --------------------------------------------------------------------------------

    def serve(self) -> int:
        """Write until the run ends, is stopped, or this writer is; the exit code."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        buffer: list[Any] = []
        buffered_entries: list[str] = []
        oldest = 0.0
        read_upto = self.last_entry
        next_beat = 0.0
        failed_writes = 0
        redis_down_since: float | None = None
        while True:
            try:
                now = time.monotonic()
                if now >= next_beat:
                    next_beat = now + self.beat_every
                    self._housekeeping()
                entries = self.frontier.read_items(read_upto, 200) if not self.stopping else []
                for entry_id, fields in entries:
                    read_upto = entry_id
                    buffered_entries.append(entry_id)
                    if fields.get("run", b"").decode() not in (str(self.run_id), ""):
                        logger.warning("Item message %s belongs to run %s, not %s: skipped", entry_id,
                                       fields.get("run"), self.run_id)
                        continue
                    try:
                        buffer.extend(codec.unpack_items(fields["d"])[1])
                    except (codec.CodecError, KeyError, ValueError, TypeError) as exc:
                        logger.error("Item message %s cannot be read (%s): skipped", entry_id, exc)
                    oldest = oldest or now
                # A full batch, or the oldest item waited long enough, or nothing more is coming soon.
                if buffered_entries and (len(buffer) >= self.batch_size or now - oldest >= self.flush_seconds
                                         or self.stopping or (not entries and self._quiet())):
                    if self._write(buffer, buffered_entries):
                        buffer, buffered_entries, oldest, failed_writes = [], [], 0.0, 0
                    else:
                        failed_writes += 1
                        if failed_writes >= MAX_FAILED_WRITES:
                            logger.error("The archive refused %d batches in a row: stopping (the items stay in Redis)",
                                         failed_writes)
                            return EXIT_ARCHIVE
                        time.sleep(min(self.timeout, 5))
                        continue
                redis_down_since = None
                if self.stopping and not buffered_entries:
                    logger.info("Writer stopped: the run goes on without it; start `scrapy dist-writer` again to write")
                    return EXIT_INTERRUPTED
                if not buffered_entries:
                    done = self._run_over()
                    if done:
                        self._wait_for_workers_to_leave()
                        return self.finish(done)
                if not entries:
                    time.sleep(self.poll)
            except Exception as exc:
                if not _is_redis_error(exc):
                    raise
                redis_down_since = redis_down_since or time.monotonic()
                if time.monotonic() - redis_down_since > max(60.0, self.worker_timeout):
                    logger.error("Redis unreachable for over a minute (%s): stopping the writer", exc)
                    return EXIT_ARCHIVE
                logger.warning("Redis: %s; retrying", exc)
                time.sleep(1.0)

    def _quiet(self) -> bool:
        """Nothing else is coming soon: no request in flight anywhere (write what we have now)."""
        return self.frontier.counters()[1] == 0

    def _write(self, items: list[Any], entries: list[str]) -> bool:
        """One transaction: the items, the walks, and how far in the stream they reach."""
        assert self.writer is not None
        articles = [i for i in items if isinstance(i, ArticleItem)]
        failures = [i for i in items if isinstance(i, FailureItem)]
        pages = [i for i in items if isinstance(i, RawPageItem)]
        walks = [i for i in items if isinstance(i, ListingWalkItem)]
        before = copy.deepcopy(self.writer.tallies)
        sites = {s.slug: s for s in self.sites}
        try:
            with self.db.atomic():
                self.writer.write_batch(self.writer.prepare(articles, failures, pages))
                for walk in walks:
                    key = site_key(sites[walk.site], walk.listing_url) if walk.site in sites else walk.listing_url
                    self.db.execute("update listing_walks set pages = ?, stopped_because = ? where site = ? and "
                                    "listing_key = ? and crawl_run_id = ?",
                                    [walk.pages, walk.stopped_because, walk.site, key, self.run_id])
                self.db.execute(
                    "update distributed_runs set last_entry = ?, entries = entries + ?, items = items + ?, tallies = ?, "
                    "updated_at = ? where crawl_run_id = ?",
                    [entries[-1], len(entries), len(items),
                     json.dumps({k: tally_to_json(t) for k, t in self.writer.tallies.items()}),
                     now_vn().isoformat(timespec="seconds"), self.run_id])
        except sqlite3.Error as exc:
            self.writer.tallies = before
            logger.error("Archive %s: a batch of %d items could not be written (%s: %s); kept for the next attempt",
                         self.path, len(items), type(exc).__name__, exc)
            return False
        self.last_entry = entries[-1]
        logger.debug("Wrote %d item(s) from %d message(s), up to %s", len(items), len(entries), entries[-1])
        try:  # committed: whatever happens to Redis now, these entries are never applied again
            self.frontier.trim_items(entries[-1])
            self.frontier.add_known(a.article_key for a in articles if a.article_key)
        except Exception as exc:  # noqa: BLE001 - trimmed with the next batch; known-set is a hint
            logger.warning("Redis: %s (the written messages are trimmed with the next batch)", exc)
        return True

    def _housekeeping(self) -> None:
        self.frontier.set_run(writer=self.name, writer_beat=str(int(self.frontier.time_ms())))
        for dead, requeued in self.frontier.reap(self.worker_timeout):
            logger.warning("Worker %s stopped beating: %d request(s) it held are queued again", dead, requeued)

    def _run_over(self) -> str | None:
        """'finished' when nothing is queued, in flight or waiting to be written; 'shutdown' when
        a stop was asked for and the workers have handed in what they held."""
        run = self.frontier.run()
        if run.get("status") != "running":
            return None
        queued, inflight = self.frontier.counters()
        if self.frontier.pending_items():
            return None
        if queued == 0 and inflight == 0:
            return "finished"
        if run.get("stop") == "1" and (inflight == 0 or not self.frontier.workers()):
            return "shutdown"
        return None

    def _wait_for_workers_to_leave(self) -> None:
        """Workers see the end too and leave, summing their last stats into the run's: wait a few
        beats for them (a worker that does not leave only misses its last seconds of counts)."""
        deadline = time.monotonic() + max(3 * self.beat_every, 5 * self.poll, 1.0)
        while self.frontier.workers() and time.monotonic() < deadline:
            time.sleep(self.poll)

    def finish(self, reason: str) -> int:
        """Close the run's record: counts over every worker, health, outcome; the exit code."""
        assert self.writer is not None
        stats = self.frontier.stats()
        tallies = self.writer.tallies
        for tally in tallies.values():
            tally.walks.clear()
        for site, why, n in self.db.execute("select site, stopped_because, count(*) from listing_walks where "
                                            "crawl_run_id = ? and stopped_because is not null group by 1, 2",
                                            [self.run_id]):
            self.writer.tally(site).walks[why] += n
        count_stats(tallies, stats)
        health = health_report(tallies, self.floors)
        previous = previous_counts(self.db, tallies)
        outcome = decide_outcome(tallies, reason, previous, health, [])
        finished = now_vn().isoformat(timespec="seconds")
        with self.db.atomic():
            if reason == "finished":
                marks = ",".join("?" for _ in CLEAN_WALK_ENDS)
                self.db.execute(f"update listing_walks set completed_at = ? where crawl_run_id = ? and "
                                f"stopped_because in ({marks})", [finished, self.run_id, *sorted(CLEAN_WALK_ENDS)])
            self.db["crawl_runs"].update(self.run_id, finish_row(stats, tallies, reason, outcome, health))
        for line in health.lines():
            logger.info("Health: %s", line)
        for problem in outcome.problems:
            logger.warning("Crawl problem: %s", problem)
        if reason == "finished":
            kept = {k: v for k, v in self.frontier.run().items() if k in ("started_at", "archive", "site", "full", "mode",
                                                                          "sites", "fingerprint")}
            self.frontier.clear()  # the queue, seen set, known set: the run is in the archive now
            self.frontier.set_run(**kept)  # what dist-status shows of the last run
        self.frontier.set_run(run_id=str(self.run_id), status="finished" if reason == "finished" else "stopped",
                              outcome=outcome.status, exit_code=str(outcome.exit_code), finished_at=finished)
        logger.info("Distributed run %s: %s (exit code %d)", self.run_id, outcome.status, outcome.exit_code)
        return outcome.exit_code

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.stopping:
            raise KeyboardInterrupt
        logger.info("Signal %d: the writer stops after the batch in hand (the run goes on; stop it with "
                    "`scrapy dist-stop`)", signum)
        self.stopping = True


def _is_redis_error(exc: BaseException) -> bool:
    import redis

    return isinstance(exc, redis.exceptions.RedisError)

