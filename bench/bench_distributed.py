"""Distributed crawl throughput with 1, 2 and 4 workers against many polite hosts.

Starts a private redis-server (Debian's package) and N sample portals (the SharePoint replica, 72
articles each) on N loopback addresses (127.0.0.10, .11, ...: N politeness units, as N portals
would be), each answering after a simulated latency. For each worker count, a fresh archive is
crawled by `scrapy dist-writer` and that many `scrapy dist-worker` processes with politeness on,
its delays scaled down (default: 0.5 s per host instead of 1.5 s, and 4 requests at a time per
worker instead of 8, so that one worker is limited by its own concurrency the way a real worker
is by the network).

Printed per run: wall time of the run (writer start to exit), the floor politeness puts under it
(the busiest host's requests x (delay + latency)), requests the portals served, requests per
second and the speed-up over one worker, the share of the ceiling politeness sets (a host's next
request starts the delay after its previous response came back, so hosts / (delay + latency)
requests per second at most, whatever the number of workers), and the smallest gap between two
requests to one host over all workers, from the servers' own logs (politeness held). Scaling stops
where the run reaches that ceiling, or earlier where the machine's cores are all busy (workers,
the writer, Redis and these servers share them).

    .venv/bin/python bench/bench_distributed.py [--hosts 40] [--workers 1 2 4] [--delay 0.5]
        [--latency 0.1] [--concurrency 4] [--categories 4] [-s NAME=VALUE]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sample_portal import SamplePortalServer  # noqa: E402

CATEGORIES = ["/portal/Pages/Tin-tuc-su-kien.aspx", "/portal/Pages/Kinh-te.aspx", "/portal/Pages/Van-hoa-xa-hoi.aspx",
              "/portal/Pages/Quoc-phong-an-ninh.aspx"]


class SlowServer(SamplePortalServer):
    """A sample portal that answers after `latency` seconds and logs when each request arrived."""

    def __init__(self, host: str, latency: float) -> None:
        super().__init__(host=host, log_requests=False)  # (arrival times only: 40 logs of records add up)
        self.latency = latency
        self.arrivals: list[float] = []

    def dispatch(self, method: str, path: str, query: str, form: dict[str, str]) -> Any:
        self.arrivals.append(time.monotonic())
        if self.latency and path != "/robots.txt":
            time.sleep(self.latency)
        return super().dispatch(method, path, query, form)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def sites_file(directory: Path, servers: list[SlowServer], categories: int) -> Path:
    text = "".join(f'[sites.bench-{i:02d}]\nname = "Bench portal {i}"\nfamily = "sharepoint_portal"\n'
                   f'base_url = "{s.url}/honglinh"\nstart_paths = {json.dumps(CATEGORIES[:categories])}\nenabled = true\n\n'
                   for i, s in enumerate(servers))
    path = directory / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(workers: int, directory: Path, redis_url: str, sites: Path, args: argparse.Namespace,
        servers: list[SlowServer]) -> dict[str, Any]:
    db = directory / f"archive-{workers}.db"
    common = ["-s", f"PORTAL_SITES_FILE={sites}", "-s", f"ARCHIVE_DB={db}", "-s", f"DIST_REDIS_URL={redis_url}",
              "-s", f"DOWNLOAD_DELAY={args.delay}", "-s", "AUTOTHROTTLE_ENABLED=False",
              "-s", f"CONCURRENT_REQUESTS={args.concurrency}", "-s", "LOG_LEVEL=WARNING", "-s", "DIST_POLL_SECONDS=0.05"]
    for setting in args.set:
        common += ["-s", setting]
    for server in servers:
        server.arrivals.clear()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    logs = [(directory / f"w{workers}-{i}.log").open("w") for i in range(workers + 1)]
    started = time.monotonic()
    writer = subprocess.Popen([sys.executable, "-m", "scrapy", "dist-writer", *common], cwd=PROJECT, env=env,
                              stdout=logs[0], stderr=subprocess.STDOUT)
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "dist-worker", *common], cwd=PROJECT, env=env,
                              stdout=log, stderr=subprocess.STDOUT) for log in logs[1:]]
    code = writer.wait(timeout=3600)
    wall = time.monotonic() - started
    worker_codes = [p.wait(timeout=120) for p in procs]
    for log in logs:
        log.close()
    if code != 0 or any(worker_codes):
        sys.exit(f"run with {workers} worker(s) failed: writer {code}, workers {worker_codes}; logs in {directory}")
    conn = sqlite3.connect(db)
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    requests = sum(len(s.arrivals) for s in servers)
    gaps = [b - a for s in servers for a, b in zip(sorted(s.arrivals), sorted(s.arrivals)[1:], strict=False)]
    # The busiest host's requests, one after the other, each the delay after the previous response:
    # no number of workers crawls faster than that.
    floor = max(len(s.arrivals) for s in servers) * (args.delay + args.latency)
    return {"workers": workers, "wall": wall, "requests": requests, "articles": articles, "rate": requests / wall,
            "min_gap": min(gaps), "floor": floor}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay", type=float, default=0.5, help="per-host delay, seconds (production: 1.5)")
    parser.add_argument("--latency", type=float, default=0.1, help="each portal's response time, seconds")
    parser.add_argument("--concurrency", type=int, default=4, help="CONCURRENT_REQUESTS per worker")
    parser.add_argument("--categories", type=int, default=4, choices=range(1, 5), help="category listings per portal")
    parser.add_argument("-s", dest="set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the workers and the writer")
    args = parser.parse_args(argv)
    if args.hosts > 240:
        parser.error("at most 240 hosts (127.0.0.10 to 127.0.0.249)")
    directory = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    redis_proc, redis_url = start_redis(directory)
    servers = [SlowServer(f"127.0.0.{10 + i}", args.latency).start() for i in range(args.hosts)]
    ceiling = args.hosts / (args.delay + args.latency)
    print(f"{args.hosts} hosts x 1 SharePoint sample portal ({args.categories} categories), per-host delay {args.delay} s, "
          f"portal latency {args.latency} s, {args.concurrency} requests at a time per worker, {os.cpu_count()} CPU(s)")
    print(f"politeness ceiling: {args.hosts} hosts / ({args.delay} s delay + {args.latency} s latency) = "
          f"{ceiling:.1f} requests/s\n")
    print(f"{'workers':>7} {'wall s':>7} {'floor s':>7} {'requests':>8} {'articles':>8} {'req/s':>6} {'speed-up':>8} "
          f"{'of ceiling':>10} {'min gap s':>9}")
    results = []
    try:
        for workers in args.workers:
            result = run(workers, directory, redis_url, sites_file(directory, servers, args.categories), args, servers)
            results.append(result)
            base = results[0]["rate"]
            print(f"{workers:>7} {result['wall']:>7.1f} {result['floor']:>7.1f} {result['requests']:>8} {result['articles']:>8} "
                  f"{result['rate']:>6.1f} {result['rate'] / base:>7.2f}x {result['rate'] / ceiling:>9.0%} "
                  f"{result['min_gap']:>9.3f}", flush=True)
    finally:
        for server in servers:
            server.stop()
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
