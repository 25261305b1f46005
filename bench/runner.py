"""Running the crawls of a benchmark: the same Scrapy settings on both sides, timed the same way.

- `speed_settings(concurrency)`: what both the floor and the project's crawl get as ``-s``:
  politeness off (no delay, no AutoThrottle, robots.txt not fetched), the same concurrency
  overall and per host, LOG_LEVEL=WARNING, and the project's own values of the Scrapy settings
  that change how fast Scrapy itself runs (read from crawler/settings.py, so that the floor
  follows if they change): cookies, the generator-return check, retries, size limits...
- `floor_command` / `project_command`: the floor spider run by ``scrapy runspider`` in an empty
  working directory outside the project (no scrapy.cfg: no project settings, no pipelines, no
  project middlewares) and a ``scrapy`` command run in the project root.
- `run`: runs one command, its stdout and stderr to files, and reaps it with ``os.wait4``, which
  returns that child's resource usage: ``ru_maxrss`` is its peak RSS (what
  ``getrusage(RUSAGE_CHILDREN)`` reports in a process that waited for that child alone). Both
  crawls load bench/crawl_clock.py, so that they are timed alike from spider open to close.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
FLOOR_SPIDER = BENCH / "floor_spider.py"
# Scrapy's own settings that crawler/settings.py sets and that change Scrapy's speed; the floor
# gets the project's values. (Politeness and concurrency are set for both by speed_settings.)
SHARED_SCRAPY_SETTINGS = (
    "COOKIES_ENABLED", "WARN_ON_GENERATOR_RETURN_VALUE", "REQUEST_FINGERPRINTER_IMPLEMENTATION",
    "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE", "RETRY_ENABLED", "RETRY_TIMES",
    "RETRY_HTTP_CODES", "TELNETCONSOLE_ENABLED", "FEED_EXPORT_ENCODING", "CONCURRENT_ITEMS",
)
# Environment variables through which Scrapy could still find the project.
PROJECT_ENV = ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "SCRAPY_PYTHON_SHELL")


def _setting_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)  # what Settings.getlist splits
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def project_scrapy_settings() -> dict[str, str]:
    """The project's values of SHARED_SCRAPY_SETTINGS (those crawler/settings.py sets)."""
    sys.path.insert(0, str(ROOT))
    from crawler import settings as project

    return {name: _setting_value(getattr(project, name)) for name in SHARED_SCRAPY_SETTINGS if hasattr(project, name)}


def speed_settings(concurrency: int) -> list[str]:
    """``-s`` arguments for both sides of a comparison."""
    values = {
        **project_scrapy_settings(),
        "CONCURRENT_REQUESTS": str(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "ROBOTSTXT_OBEY": "False",
        "LOG_LEVEL": "WARNING",
    }
    return [arg for name, value in values.items() for arg in ("-s", f"{name}={value}")]


def clock_settings(path: Path) -> list[str]:
    return ["-s", 'EXTENSIONS={"crawl_clock.CrawlClock": 0}', "-s", f"BENCH_CLOCK_FILE={path}"]


def _env(floor: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not (floor and k in PROJECT_ENV)}
    # crawl_clock.py is importable on both sides; the floor gets nothing else of ours.
    env["PYTHONPATH"] = str(BENCH) if floor else os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    return env


@dataclass
class Run:
    """One finished command."""

    name: str
    rc: int
    wall: float  # seconds, the whole process (interpreter start to exit)
    max_rss_kb: int
    stdout: str
    stderr: str
    clock: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return int(self.clock.get("responses", 0))

    @property
    def seconds(self) -> float:
        return float(self.clock.get("seconds") or self.wall)

    @property
    def rate(self) -> float:
        """Pages (responses) per second of crawl (spider open to close)."""
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def wall_rate(self) -> float:
        """Pages per second of the whole process, start-up included."""
        return self.pages / self.wall if self.wall else 0.0

    @property
    def rss_mb(self) -> float:
        return self.max_rss_kb / 1024

    def tail(self, n: int = 3000) -> str:
        return (self.stderr or self.stdout)[-n:]


def run(name: str, cmd: list[str], cwd: Path, floor: bool = False, clock: Path | None = None) -> Run:
    """Run `cmd` to completion; its wall time and peak RSS (see the module docstring)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(cmd, cwd=cwd, env=_env(floor), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # Ctrl-C: the child got SIGINT too; let it stop, then go
            process.terminate()
            process.wait()
            raise
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
        out.seek(0)
        err.seek(0)
        result = Run(name, process.returncode, wall, usage.ru_maxrss, out.read().decode("utf-8", "replace"),
                     err.read().decode("utf-8", "replace"))
    if clock is not None and clock.exists():
        result.clock = json.loads(clock.read_text(encoding="utf-8"))
    return result


def floor_command(args: list[str], concurrency: int, clock: Path) -> list[str]:
    """``scrapy runspider bench/floor_spider.py`` with `args` (``-a`` pairs), settings as the crawl's."""
    return [sys.executable, "-m", "scrapy", "runspider", str(FLOOR_SPIDER), *args, *speed_settings(concurrency),
            *clock_settings(clock)]


def run_floor(args: list[str], concurrency: int, workdir: Path) -> Run:
    """The floor crawl, in `workdir`/floor (an empty directory outside the project)."""
    cwd = workdir / "floor-cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    clock = workdir / "floor-clock.json"
    result = run("floor", floor_command(args, concurrency, clock), cwd, floor=True, clock=clock)
    if result.rc != 0 or not result.clock:
        raise SystemExit(f"the floor spider failed ({result.rc}):\n{result.tail()}")
    check_floor_isolated(result, cwd)
    return result


def check_floor_isolated(result: Run, cwd: Path) -> None:
    """The floor must have run as plain Scrapy: no project settings, pipelines or middlewares."""
    clock = result.clock
    leaks = [name for name in ("item_pipelines", "spider_middlewares", "downloader_middlewares") if clock.get(name)]
    if clock.get("bot_name") != "scrapybot" or leaks:
        raise SystemExit(f"the floor spider ran with project settings ({clock.get('bot_name')}, {leaks})")
    if any(cwd.iterdir()):
        raise SystemExit(f"the floor spider wrote files: {sorted(p.name for p in cwd.iterdir())}")


def run_project(name: str, scrapy_args: list[str], concurrency: int | None = None, clock: Path | None = None) -> Run:
    """``scrapy <scrapy_args>`` in the project root (a crawl gets the speed settings and the clock)."""
    cmd = [sys.executable, "-m", "scrapy", *scrapy_args]
    if concurrency is not None:
        cmd += speed_settings(concurrency)
    if clock is not None:
        cmd += clock_settings(clock)
    return run(name, cmd, ROOT, clock=clock)


EXIT_MEANINGS = {1: "Scrapy failed", 2: "configuration error", 3: "archive unusable", 4: "a site failed (health)",
                 5: "interrupted", 6: "archive busy"}


def check_crawl(result: Run) -> None:
    """A crawl that did not run at all stops the benchmark; a crawl that ran but reported problems
    (exit 4: e.g. a coverage floor) is timed all the same, with a warning."""
    if not result.clock:
        raise SystemExit(f"{result.name} failed ({result.rc}: {EXIT_MEANINGS.get(result.rc, '?')}):\n{result.tail()}")
    if result.rc != 0:
        print(f"  warning: {result.name} exited {result.rc} ({EXIT_MEANINGS.get(result.rc, '?')}); "
              f"last lines of its log:\n    " + "\n    ".join(result.tail(1200).splitlines()[-8:]))


_RATE = re.compile(r"([\d.]+) s, (\d+) pages/s")


def reextract_rate(result: Run) -> tuple[int, float, float]:
    """(pages, seconds, pages/s) as `scrapy reextract` reports them (its own clock, start-up excluded)."""
    pages = re.search(r"pages re-extracted: (\d+)", result.stdout)
    rate = _RATE.search(result.stdout)
    if result.rc != 0 or not pages or not rate:
        raise SystemExit(f"scrapy reextract failed ({result.rc}):\n{result.tail()}")
    return int(pages.group(1)), float(rate.group(1)), float(rate.group(2))


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}"


def describe(run: Run, label: str) -> str:
    """One line of figures for a crawl."""
    reason = run.clock.get("reason", "finished")
    errors = {k: v for k, v in run.clock.get("statuses", {}).items() if not k.startswith("2")}
    return (f"{label:<15}{run.pages:,} pages in {run.seconds:.1f} s = {fmt_rate(run.rate)} pages/s "
            f"(process {run.wall:.1f} s = {fmt_rate(run.wall_rate)} pages/s), {run.clock.get('items', 0):,} items, "
            f"peak RSS {run.rss_mb:.0f} MB"
            + (f"; HTTP {', '.join(f'{k}: {v}' for k, v in sorted(errors.items()))}" if errors else "")
            + (f"; closed: {reason}" if reason != "finished" else ""))


def fastest(runs: list[Run]) -> Run:
    """The run with the highest crawl rate: on a loaded machine, the one least disturbed."""
    return max(runs, key=lambda r: r.rate)


Row = tuple[str, str, str, bool | None]  # (measure, measured, target, met: None when no target)


def ratio_rows(name: str, target: float, crawls: list[Run], floors: list[Run]) -> list[Row]:
    """The table's rows comparing a crawl with its floor (`name`: "generic crawl", say), from the
    alternating runs of each: the fastest of each side (the target's measure), the same by whole
    processes, each pair's ratio and their median (the fastest of each side can come from different
    moments of a shared host: floors of one run moved from 448 to 673 pages/s; a pair's runs are
    minutes apart), and the two rates."""
    full, floor = fastest(crawls), fastest(floors)
    ratio = full.rate / floor.rate
    rows: list[Row] = [(f"{name} / floor (crawl clock)", f"{ratio:.2f}", f">= {target}", ratio >= target),
                       ("  same, whole processes", f"{full.wall_rate / floor.wall_rate:.2f}", "", None)]
    pairs = sorted(c.rate / f.rate for c, f in zip(crawls, floors, strict=False) if f.rate)
    if len(pairs) > 1:
        middle = len(pairs) // 2
        med = pairs[middle] if len(pairs) % 2 else (pairs[middle - 1] + pairs[middle]) / 2
        rows.append(("  same, median of the alternating pairs", f"{med:.2f} ({', '.join(f'{r:.2f}' for r in pairs)})",
                     "", None))
    rows.append((f"  floor, {name}: pages/s", f"{fmt_rate(floor.rate)}, {fmt_rate(full.rate)}", "", None))
    return rows
