"""`scrapy wayback-survey HOST... [--file HOSTS.txt] [--from DATE] [--to DATE] [--json]`: what the
Wayback Machine holds of vanished portals, before recovering them.

Asks the CDX API only (``PORTAL_WAYBACK_CDX_URL``), the same question a recovery asks
(`crawler.spiders.wayback.host_cdx_query`: every HTML capture with status 200 of the host,
identical neighbouring captures collapsed, every page of results by its resume key), and prints
per host: the captures per year, the distinct URLs (canonical form), how many of them look like
articles by their URL shape (`crawler.generic.urls.article_url_hint`, trap URLs left out: a
hint, not a count of articles) and the first and last capture. So an operator can plan which
portals to recover first (`scrapy crawl portal -a start_url=URL -a source=wayback`).

    scrapy wayback-survey honglinh.hatinh.gov.vn camxuyen.hatinh.gov.vn
    scrapy wayback-survey --file districts.txt --from 2019-01-01 --json > survey.json

A HOST is a host name (``honglinh.hatinh.gov.vn``, ``host:port``) or a URL (its host is taken);
the file holds one per line (blank lines and ``#`` comments ignored). The archive is asked
politely: one request at a time, ``DOWNLOAD_DELAY`` seconds apart, the project's User-Agent,
429/503 waited out like the crawl does (``PORTAL_WAYBACK_BACKOFF`` doubled at each of
``PORTAL_WAYBACK_RETRIES`` retries, ``Retry-After`` honoured). ``--json`` prints one JSON object
``{"hosts": [...]}``, each host with ``host``, ``captures``, ``per_year`` ({year: captures}),
``urls``, ``article_urls``, ``first``, ``last`` (ISO 8601 in +07:00, null without captures) and
``error`` (null, or why the CDX API could not be read). Exit codes: 0 every host surveyed, 2 bad
arguments (no host, a missing file, a bad date), 4 the CDX API failed for some host (the others
are still reported).
"""
from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from crawler import settings as defaults  # the one place for defaults
from crawler.generic import canonicalize_url, trap_reason
from crawler.generic.urls import article_url_hint
from crawler.sites import user_agent
from crawler.spiders.wayback import (
    BACKOFF_STATUSES,
    DAY,
    DEFAULT_CDX_URL,
    MAX_RETRY_AFTER,
    capture_time,
    host_cdx_query,
    parse_cdx,
)
from pipelines.outcome import EXIT_CONFIG, EXIT_SITE_FAILED

if TYPE_CHECKING:
    import argparse

SURVEY_PAGE_SIZE = 5000  # CDX rows per request: the survey reads lists, not pages
HOST_RE = re.compile(r"^[a-z0-9.-]+(?::\d+)?$")


@dataclass
class HostSurvey:
    """What the archive holds of one host."""

    host: str
    captures: int = 0
    per_year: dict[str, int] = field(default_factory=dict)
    urls: int = 0
    article_urls: int = 0
    first: str | None = None
    last: str | None = None
    error: str | None = None

    def lines(self) -> list[str]:
        if self.error:
            return [f"{self.host}: error: {self.error}"]
        if not self.captures:
            return [f"{self.host}: no HTML capture"]
        years = "  ".join(f"{year}: {n}" for year, n in sorted(self.per_year.items()))
        return [f"{self.host}: {self.captures} captures of {self.urls} URLs ({self.article_urls} look like articles), "
                f"first {self.first}, last {self.last}", f"  per year  {years}"]


def survey_captures(host: str, captures: list[dict[str, str]]) -> HostSurvey:
    """The survey of a host from its CDX rows (`timestamp`, `original`). Pure."""
    out = HostSurvey(host)
    years: Counter[str] = Counter()
    urls: set[str] = set()
    stamps = []
    for capture in captures:
        timestamp, original = capture.get("timestamp", ""), capture.get("original", "")
        if not re.fullmatch(r"\d{14}", timestamp) or not original:
            continue
        stamps.append(timestamp)
        years[timestamp[:4]] += 1
        urls.add(canonicalize_url(original if "://" in original else f"http://{original}"))
    out.captures = len(stamps)
    out.per_year = dict(sorted(years.items()))
    out.urls = len(urls)
    out.article_urls = sum(1 for url in urls if trap_reason(url) is None and article_url_hint(url))
    if stamps:
        out.first, out.last = capture_time(min(stamps)), capture_time(max(stamps))
    return out


def host_of(value: str) -> str:
    """``https://www.X.gov.vn/a`` -> ``x.gov.vn``; ``x.gov.vn:8080`` stays. UsageError if no host."""
    text = value.strip()
    parts = urlsplit(text if "://" in text else f"http://{text}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or port == -1 or not HOST_RE.match(host):
        raise UsageError(f"not a host name or URL: {value!r}")
    return f"{host}:{port}" if port and port not in (80, 443) else host


class CdxClient:
    """Pages through the CDX answers for a host, politely (see the module docstring)."""

    def __init__(self, settings: Any, sleep: Callable[[float], None] = time.sleep) -> None:
        self.cdx_url = settings.get("PORTAL_WAYBACK_CDX_URL") or DEFAULT_CDX_URL
        self.delay = settings.getfloat("DOWNLOAD_DELAY", defaults.DOWNLOAD_DELAY)
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT", defaults.DOWNLOAD_TIMEOUT)
        self.backoff = settings.getfloat("PORTAL_WAYBACK_BACKOFF", defaults.PORTAL_WAYBACK_BACKOFF)
        self.retries = settings.getint("PORTAL_WAYBACK_RETRIES", defaults.PORTAL_WAYBACK_RETRIES)
        # The crawl's User-Agent, built from PORTAL_CONTACT (a -s USER_AGENT=... still wins).
        given = (settings.getpriority("USER_AGENT") or 0) > SETTINGS_PRIORITIES["project"]
        self.agent = settings.get("USER_AGENT") if given else user_agent(settings.get("PORTAL_CONTACT"))
        self.sleep = sleep
        self.requests = 0
        self._last = 0.0

    def captures(self, host: str, date_from: str | None, date_to: str | None) -> Iterator[dict[str, str]]:
        resume = None
        while True:
            query = host_cdx_query(host, date_from, date_to, resume, SURVEY_PAGE_SIZE)
            rows, resume = parse_cdx(self._get(f"{self.cdx_url}?{query}"))
            yield from rows
            if not resume:
                return

    def _get(self, url: str) -> str:
        for attempt in range(self.retries + 1):
            wait = self._last + self.delay - time.monotonic()
            if wait > 0 and self.requests:
                self.sleep(wait)
            self.requests += 1
            request = urllib.request.Request(url, headers={"User-Agent": self.agent, "Accept": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                    return reply.read().decode("utf-8")
            except urllib.error.HTTPError as exc:
                if exc.code not in BACKOFF_STATUSES or attempt >= self.retries:
                    raise
                after = exc.headers.get("Retry-After", "") if exc.headers else ""
                delay = max(self.backoff * 2 ** attempt, min(float(after), MAX_RETRY_AFTER) if after.isdigit() else 0.0)
                print(f"CDX API answered {exc.code}: waiting {delay:.1f} s", file=sys.stderr)
                self.sleep(delay)
            finally:
                self._last = time.monotonic()
        raise AssertionError("unreachable")  # pragma: no cover


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "HOST [HOST...] [--file HOSTS.txt] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]"

    def short_desc(self) -> str:
        return "Survey what the Wayback Machine holds of portals (CDX API only), before recovering them"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--file", help="a file of hosts, one per line (# comments)")
        parser.add_argument("--from", dest="date_from", help="first day of captures, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day of captures, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        hosts = self._hosts(args, opts.file)
        for name, value in (("--from", opts.date_from), ("--to", opts.date_to)):
            if value is not None and not DAY.fullmatch(value):
                raise UsageError(f"{name}: expected a day YYYY-MM-DD, got {value!r}")
        client = CdxClient(self.settings)
        surveys = []
        for host in hosts:
            try:
                survey = survey_captures(host, list(client.captures(host, opts.date_from, opts.date_to)))
            except (OSError, ValueError) as exc:  # HTTP and network errors, a garbled answer
                survey = HostSurvey(host, error=f"{type(exc).__name__}: {exc}")
            surveys.append(survey)
            if not opts.json:
                print("\n".join(survey.lines()), flush=True)
        if opts.json:
            print(json.dumps({"hosts": [asdict(s) for s in surveys], "from": opts.date_from, "to": opts.date_to},
                             ensure_ascii=False, indent=1))
        if any(s.error for s in surveys):
            self.exitcode = EXIT_SITE_FAILED

    def _hosts(self, args: list[str], file: str | None) -> list[str]:
        values = list(args)
        if file is not None:
            path = Path(file)
            if not path.is_file():
                self.exitcode = EXIT_CONFIG
                raise UsageError(f"no such file: {file}")
            values += [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
        hosts = list(dict.fromkeys(host_of(v) for v in values if v.strip()))
        if not hosts:
            raise UsageError("give one or more hosts (or --file HOSTS.txt)")
        return hosts
