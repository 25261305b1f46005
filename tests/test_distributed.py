"""The distributed crawl on scrapy-redis, end to end, with a real Redis (Debian's redis-server).

Each test starts its own `redis-server` on a free 127.0.0.1 port (no persistence, or AOF in a
temporary directory) and stops it at the end; the sample portals are served on distinct loopback
hosts (127.0.0.2, .3, .4: three politeness units, as three portals would be). Workers and the
writer are `scrapy dist-worker` / `scrapy dist-writer` subprocesses; the reference is the
single-process `scrapy crawl portal` over the same portals.

What is proved: two workers and a writer archive exactly the single-process crawl's articles, one
view observation each; requests to one host, from every worker together, are spaced by the delay
(from the servers' own request logs); a worker SIGKILLed mid-crawl, or the writer, loses and
duplicates nothing; a run stopped with `dist-stop` resumes to the same archive.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler import settings as project_settings
from crawler.distributed import codec
from sample_portal import Fault, SamplePortalServer
from tests.conftest import REPO_ROOT, query

REDIS_SERVER = shutil.which("redis-server")
NO_REDIS = ("redis-server is not installed (Debian package redis-server; .ci/run installs it): "
            "the distributed crawl needs a real Redis")
e2e_with_redis = [pytest.mark.e2e, pytest.mark.skipif(REDIS_SERVER is None, reason=NO_REDIS)]

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
PORTALS = [  # slug, family, mount, category listings: one sample portal per host
    ("d-sp", "sharepoint_portal", "/honglinh", ["/portal/Pages/Tin-tuc-su-kien.aspx", "/portal/Pages/Kinh-te.aspx",
                                                "/portal/Pages/Van-hoa-xa-hoi.aspx", "/portal/Pages/Quoc-phong-an-ninh.aspx"]),
    ("d-ht", "hatinh_new", "/namhonglinh", ["/vi/chuyen-muc/tin-tuc---su-kien", "/vi/chuyen-muc/kinh-te",
                                            "/vi/chuyen-muc/van-hoa---xa-hoi", "/vi/chuyen-muc/quoc-phong---an-ninh"]),
    ("d-nv", "nukeviet", "/minhduc", ["/vi/news/tin-tuc-su-kien/", "/vi/news/chinh-quyen/", "/vi/news/kinh-te-xa-hoi/",
                                      "/vi/news/quoc-phong-an-ninh/"]),
]
CONTENT = ("site", "title", "summary", "body_text", "authors", "category", "published_at", "published_date",
           "date_raw", "view_count", "views_raw", "byline_raw", "content_hash", "search_text")
DELAY = 0.15  # the per-host delay of these tests (1.5 s in production, scaled down)
TOLERANCE = 0.01  # the servers' own jitter (a thread per connection)
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1", "-s", "LOG_LEVEL=INFO", "-s", "DIST_POLL_SECONDS=0.05",
        "-s", "DIST_HEARTBEAT_SECONDS=0.5", "-s", "DIST_WORKER_TIMEOUT=3", "-s", "PORTAL_SQLITE_FLUSH_SECONDS=0.5",
        "-s", "DIST_JOIN_TIMEOUT=60"]


# --- Redis and the portals ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Redis:
    """A private redis-server on a free 127.0.0.1 port (no persistence unless `aof_dir`)."""

    def __init__(self, aof_dir: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.aof_dir = aof_dir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Redis:
        assert REDIS_SERVER is not None
        persistence = (["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.aof_dir)] if self.aof_dir
                       else ["--appendonly", "no"])
        self.proc = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--protected-mode", "yes", *persistence],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.ping():
            assert self.proc.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)
        return self

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.exceptions.ConnectionError:
            return False

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class LoggedServer(SamplePortalServer):
    """The sample portals on one host, with the time each request arrived (the politeness proof)."""

    def __init__(self, host: str, delay: float = 0.0) -> None:
        super().__init__(host=host)
        self.arrivals: list[tuple[float, str]] = []
        self.delay = delay  # simulated response time (a slow portal), so that requests stay in flight

    def dispatch(self, method: str, path: str, query: str, form: dict[str, str]) -> Any:
        with self._lock:
            self.arrivals.append((time.monotonic(), path))
        if self.delay and path != "/robots.txt":
            time.sleep(self.delay)
        return super().dispatch(method, path, query, form)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The single-process `scrapy crawl portal -a full=1` of the same portals (no Redis): its articles."""
    if REDIS_SERVER is None:
        pytest.skip(NO_REDIS)
    tmp = tmp_path_factory.mktemp("reference")
    servers = [LoggedServer(host).start() for host in HOSTS]
    try:
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "full=1",
                                 "-s", f"PORTAL_SITES_FILE={sites_file(tmp, servers)}", "-s", f"ARCHIVE_DB={tmp / 'a.db'}",
                                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"],
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    finally:
        for server in servers:
            server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    rows = content(tmp / "a.db")
    assert {r[1] for r in rows} == {"d-sp", "d-ht", "d-nv"} and len(rows) > 100
    return rows


@pytest.fixture
def redis_server() -> Iterator[Redis]:
    server = Redis().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def portals() -> Iterator[list[LoggedServer]]:
    servers = [LoggedServer(host).start() for host in HOSTS]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def sites_file(directory: Path, servers: list[LoggedServer]) -> Path:
    """A registry of the three sample portals, each on its own host, all enabled."""
    text = ""
    for server, (slug, family, mount, paths) in zip(servers, PORTALS, strict=True):
        text += (f'[sites.{slug}]\nname = "Sample {family} on {server.host}"\nfamily = "{family}"\n'
                 f'base_url = "{server.url}{mount}"\nstart_paths = {json.dumps(paths)}\nenabled = true\n\n')
    path = directory / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- commands -------------------------------------------------------------------------------------


class Setup:
    def __init__(self, tmp: Path, redis: Redis, servers: list[LoggedServer], delay: float = DELAY) -> None:
        self.tmp, self.redis, self.servers = tmp, redis, servers
        self.db = tmp / "archive.db"
        self.common = ["-s", f"PORTAL_SITES_FILE={sites_file(tmp, servers)}", "-s", f"ARCHIVE_DB={self.db}",
                       "-s", f"DIST_REDIS_URL={redis.url}", "-s", f"DOWNLOAD_DELAY={delay}", *FAST]
        self.logs: list[Path] = []

    def command(self, name: str, *extra: str) -> list[str]:
        return [sys.executable, "-m", "scrapy", name, *self.common, *extra]

    def start(self, name: str, *extra: str) -> subprocess.Popen[str]:
        log = self.tmp / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        handle = log.open("w")
        return subprocess.Popen(self.command(name, *extra), cwd=REPO_ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def run(self, name: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(name, *extra), cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)

    def log_text(self, tail: int = 4000) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-tail:]}" for p in self.logs)



def wait(procs: list[subprocess.Popen[str]], setup: Setup, timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(1.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            for other in procs:
                other.kill()
            pytest.fail(f"distributed crawl did not end in {timeout} s\n{setup.log_text()}")
    return codes




def content(db: Path) -> list[tuple]:
    """Every article's content, with its address reduced to the path."""
    rows = query(db, f"select url, {', '.join(CONTENT)} from articles order by site, url")
    return [(urlsplit(row[0]).path, *row[1:]) for row in rows]


def assert_nothing_twice(db: Path) -> None:
    """One view observation per article in a full run, one raw page per article fetched, no failure."""
    articles = query(db, "select count(*) from articles")[0][0]
    assert query(db, "select count(*), count(distinct article_key) from view_counts") == [(articles, articles)]
    assert query(db, "select count(*), count(distinct article_key) from raw_pages where kind = 'article'") == \
        [(articles, articles)]
    assert query(db, "select count(*) from failures") == [(0,)]
    assert query(db, "select count(distinct crawl_run_id) from view_counts") == [(1,)]


def min_gaps(servers: list[LoggedServer]) -> dict[str, float]:
    """Per host, the smallest time between two consecutive requests, over every worker together."""
    gaps = {}
    for server in servers:
        times = sorted(t for t, _ in server.arrivals)
        gaps[server.host] = min(b - a for a, b in zip(times, times[1:], strict=False))
    return gaps


# --- tests ----------------------------------------------------------------------------------------


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_two_workers_and_a_writer_archive_exactly_the_single_process_crawl(
        tmp_path: Path, redis_server: Redis, portals: list[LoggedServer], reference: list[tuple]) -> None:
    setup = Setup(tmp_path, redis_server, portals)
    workers = [setup.start("dist-worker") for _ in range(2)]  # before the run exists: they wait for it
    writer = setup.start("dist-writer", "-a", "full=1")
    codes = wait([writer, *workers], setup)
    assert codes == [0, 0, 0], setup.log_text()
    assert content(setup.db) == reference
    assert_nothing_twice(setup.db)
    [run] = query(setup.db, "select status, exit_code, mode, arguments, articles_new, requests from crawl_runs")
    assert run[:3] == ("ok", 0, "full") and json.loads(run[3])["distributed"] == "vngov"
    assert run[4] == len(reference) and run[5] >= sum(len(s.arrivals) for s in portals) - len(portals)
    # Both workers crawled; the politeness held across them, measured where it matters: the servers.
    logs = [p.read_text() for p in setup.logs[:2]]
    assert all("'dist/acked'" in log for log in logs)
    gaps = min_gaps(portals)
    print("smallest gap between two requests to one host, per host:", gaps)
    assert all(gap >= DELAY - TOLERANCE for gap in gaps.values()), gaps
    # The run is over: Redis keeps only its summary.
    assert {k.decode() for k in redis_server.client().keys("*")} == {"vngov:run"}


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_a_worker_killed_mid_crawl_loses_and_duplicates_nothing(
        tmp_path: Path, redis_server: Redis, portals: list[LoggedServer], reference: list[tuple]) -> None:
    setup = Setup(tmp_path, redis_server, portals, delay=0.05)
    writer = setup.start("dist-writer", "-a", "full=1")
    victim, survivor = setup.start("dist-worker"), setup.start("dist-worker")
    client = redis_server.client()

    def held_by_victim() -> int:
        return sum(client.hlen(k) for k in client.keys(f"vngov:proc:*:{victim.pid}:*"))

    deadline = time.monotonic() + 60
    while query_count(setup.db) < 30:  # well into the crawl
        assert time.monotonic() < deadline, setup.log_text()
        time.sleep(0.05)
    for server in portals:
        server.delay = 0.5  # slow answers for a moment: the victim surely dies with requests in flight
    while not held_by_victim():
        assert time.monotonic() < deadline, setup.log_text()
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    for server in portals:
        server.delay = 0.0
    codes = wait([writer, survivor], setup)
    assert codes == [0, 0], setup.log_text()
    reaped = re.search(rf"Worker \S+:{victim.pid}:\S+ stopped beating: (\d+) request", setup.log_text(tail=10**7))
    assert reaped and int(reaped.group(1)) > 0, setup.log_text()
    assert content(setup.db) == reference
    assert_nothing_twice(setup.db)


def query_count(db: Path) -> int:
    try:
        return int(query(db, "select count(*) from articles")[0][0])
    except sqlite3.Error:
        return 0


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_the_writer_killed_and_restarted_loses_and_duplicates_nothing(
        tmp_path: Path, portals: list[LoggedServer], reference: list[tuple]) -> None:
    redis = Redis(aof_dir=tmp_path).start()  # AOF, fsync always: Redis itself could restart too
    try:
        setup = Setup(tmp_path, redis, portals, delay=0.05)
        workers = [setup.start("dist-worker") for _ in range(2)]
        writer = setup.start("dist-writer", "-a", "full=1", "-s", "PORTAL_SQLITE_BATCH=7")
        deadline = time.monotonic() + 60
        while query_count(setup.db) < 20:
            assert time.monotonic() < deadline, setup.log_text()
            time.sleep(0.05)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        time.sleep(1.0)  # the workers go on; their items wait in Redis
        assert redis.client().xlen("vngov:items") > 0
        [status] = query(setup.db, "select status from crawl_runs")
        assert status == ("running",)
        again = setup.start("dist-writer", "-a", "full=1", "-s", "PORTAL_SQLITE_BATCH=7")
        codes = wait([again, *workers], setup)
        assert codes == [0, 0, 0], setup.log_text()
        assert "resumed" in setup.logs[-1].read_text()
        assert content(setup.db) == reference
        assert_nothing_twice(setup.db)
        assert query(setup.db, "select count(*), max(status) from crawl_runs") == [(1, "ok")]
    finally:
        redis.stop()


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_stop_then_resume_equals_one_run(tmp_path: Path, redis_server: Redis, portals: list[LoggedServer],
                                        reference: list[tuple]) -> None:
    setup = Setup(tmp_path, redis_server, portals, delay=0.05)
    writer = setup.start("dist-writer", "-a", "full=1")
    worker = setup.start("dist-worker")
    deadline = time.monotonic() + 60
    while query_count(setup.db) < 20:
        assert time.monotonic() < deadline, setup.log_text()
        time.sleep(0.05)
    stop = setup.run("dist-stop")
    assert stop.returncode == 0 and "stop requested" in stop.stdout
    assert wait([writer, worker], setup) == [5, 5], setup.log_text()
    [(status, code)] = query(setup.db, "select status, exit_code from crawl_runs")
    assert (status, code) == ("interrupted", 5)
    status_out = setup.run("dist-status")
    assert "stopped" in status_out.stdout and "queued" in status_out.stdout
    resumed = [setup.start("dist-writer", "-a", "full=1"), setup.start("dist-worker")]
    assert wait(resumed, setup) == [0, 0], setup.log_text()
    assert content(setup.db) == reference
    assert_nothing_twice(setup.db)
    assert query(setup.db, "select count(*), max(status), max(exit_code) from crawl_runs") == [(1, "ok", 0)]


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_retries_and_failures_reach_the_archive_once(tmp_path: Path, redis_server: Redis,
                                                     portals: list[LoggedServer], reference: list[tuple]) -> None:
    """A page answering 503 once is retried (the retry replaces its parent in Redis in one step);
    a page answering 503 for good is one failure row; an incremental rerun then retries it."""
    setup = Setup(tmp_path, redis_server, portals, delay=0.02)
    sp = portals[0]
    articles = [row[0] for row in reference if row[1] == "d-sp"]
    flaky, broken = articles[3], articles[7]
    sp.faults[flaky] = Fault(status=503, times=1)
    sp.faults[broken] = 503
    run = [setup.start("dist-writer", "-a", "full=1"), setup.start("dist-worker"), setup.start("dist-worker")]
    assert wait(run, setup) == [0, 0, 0], setup.log_text()
    got = content(setup.db)
    assert got == [row for row in reference if row[0] != broken]
    assert query(setup.db, "select url, kind, reason from failures") == [(f"{sp.url}{broken}", "http", "http_503")]
    assert query(setup.db, "select count(*) from view_counts") == [(len(got),)]
    assert sum(1 for _, path in sp.arrivals if path == flaky) == 2
    del sp.faults[broken]
    again = [setup.start("dist-writer"), setup.start("dist-worker")]  # incremental: retries the failed page
    assert wait(again, setup) == [0, 0], setup.log_text()
    assert content(setup.db) == reference


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_writer_refuses_what_a_distributed_run_cannot_do(tmp_path: Path, redis_server: Redis,
                                                         portals: list[LoggedServer]) -> None:
    setup = Setup(tmp_path, redis_server, portals)
    generic = setup.run("dist-writer", "-a", "start_url=http://127.0.0.2/")
    assert generic.returncode == 2 and "scrapy crawl portal" in generic.stderr
    unknown = setup.run("dist-writer", "-a", "site=nosuchsite")
    assert unknown.returncode == 2 and "unknown site 'nosuchsite'" in unknown.stderr
    no_redis = setup.run("dist-writer", "-s", f"DIST_REDIS_URL=redis://127.0.0.1:{free_port()}/0")
    assert no_redis.returncode == 3 and "Redis at redis://127.0.0.1:" in no_redis.stderr
    lonely = setup.run("dist-worker", "-s", "DIST_JOIN_TIMEOUT=0.5")
    assert lonely.returncode == 3 and "no distributed run to join" in lonely.stderr


@e2e_with_redis[0]
@e2e_with_redis[1]
def test_frontier_leases_hosts_acks_once_and_gives_back_a_dead_workers_requests(redis_server: Redis) -> None:
    from crawler.distributed.frontier import Frontier, Popped, Wait, WorkerReaped

    f = Frontier(redis_server.client(), "t")
    assert [f.push(b"a1", "ha", 0, "fa1"), f.push(b"a1 again", "ha", 0, "fa1"), f.push(b"a2", "ha", 0, "fa2"),
            f.push(b"b1", "hb", 0, "")] == [1, 0, 1, 1]  # the seen set, in the same step
    f.heartbeat("A")
    f.heartbeat("B")
    first, second = f.pop("A", 60_000), f.pop("B", 60_000)
    assert isinstance(first, Popped) and isinstance(second, Popped) and {first.host, second.host} == {"ha", "hb"}
    blocked = f.pop("A", 60_000)  # both hosts are leased: nothing to take for a minute
    assert isinstance(blocked, Wait) and blocked.seconds is not None and blocked.seconds > 50
    assert f.counters() == (1, 2)
    # Acked with its items in one step, once.
    assert f.ack("A", first.token, first.host, b"items", "1") and not f.ack("A", first.token, first.host, b"again", "1")
    assert f.pending_items() == 1 and f.counters() == (1, 1)
    # B dies holding its request: reaped, it goes back to its host's queue; B's late ack is refused.
    f.server.zadd(f.key("workers"), {"B": 0})
    assert f.reap(1.0) == [("B", 1)]
    assert f.counters() == (2, 0)
    assert not f.ack("B", second.token, second.host, b"late", "1") and f.pending_items() == 1
    with pytest.raises(WorkerReaped):
        f.pop("B", 60_000)
    taken = {f.pop("A", 60_000).host, f.pop("A", 60_000).host}  # type: ignore[union-attr]
    assert taken == {"ha", "hb"}
    # A redirect or a retry replaces its parent in one step.
    parent = next(iter(f.server.hkeys(f.key("proc:A")))).decode()
    assert f.push(b"retry", "hc", 0, "", replaces=("A", parent)) == 1 and f.counters() == (1, 1)
    # The send token: one request per host per delay, restarted from the end of a download.
    assert f.gate("hz", "A", 0.3) == 0 and 0.2 < f.gate("hz", "B", 0.3) <= 0.3
    assert 1500 < f.restart_token("hz", "A", 0.0, 2.0) <= 2000


# --- no Redis needed ------------------------------------------------------------------------------


def test_messages_round_trip_without_pickle() -> None:
    from crawler.items import ArticleItem, RawPageItem

    items = [ArticleItem(url="http://x/a", site="s", fetched_at="2024-01-01T00:00:00+07:00", title="Tiêu đề",
                         authors=["A"], provenance={"title": "h1"}, attachments=[{"url": "u", "text": "t"}]),
             RawPageItem(site="s", url="http://x/a", kind="article", fetched_at="t", status=200, body=b"\xff\x00<html>" * 500)]
    origin, back = codec.unpack_items(codec.pack_items(items, "http://x/a"))
    assert origin == "http://x/a" and back == items
    tricky = {"headers": {b"Cookie": [b"a=1"]}, "__blob": 1, "t": (1, 2), "n": None}
    assert codec.unpack(codec.pack(tricky)) == {"headers": {b"Cookie": [b"a=1"]}, "__blob": 1, "t": [1, 2], "n": None}
    with pytest.raises(codec.CodecError):
        codec.pack({"x": object()})


def test_every_distributed_setting_is_documented_with_its_default() -> None:
    text = (REPO_ROOT / "docs" / "distributed.md").read_text(encoding="utf-8")
    for name in dir(project_settings):
        if name.startswith("DIST_"):
            value = getattr(project_settings, name)
            shown = "`None`" if value is None else f"`{int(value) if isinstance(value, float) and value.is_integer() else value}`"
            assert f"| `{name}` | {shown}" in text, name
