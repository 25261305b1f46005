"""Scrapy settings for the archive crawler.

Every project setting is documented here and nowhere else: `ARCHIVE_DB` (name fixed by the
contract, docs/contract.md) and the `PORTAL_*` family. Override any of them for one run with
`-s NAME=VALUE`.
"""
from __future__ import annotations

from pathlib import Path

_PROJECT = Path(__file__).resolve().parent

BOT_NAME = "vngov_archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Project commands (`crawl` with clear errors and exit codes a cron job can act on).
COMMANDS_MODULE = "crawler.commands"

# --- Politeness: these are small government servers -------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# Pages of any size: a response larger than PORTAL_MAX_PAGE_BYTES (20 MiB; a news page is well
# under 1 MiB) is abandoned while it streams, whether its Content-Length says so or a chunked
# body grows past it, and recorded in `failures` as kind `too_large` (reason
# `max_page_bytes:<limit>`). Set PORTAL_MAX_PAGE_BYTES (crawler.middlewares.PageSizeMiddleware
# puts it on every request); DOWNLOAD_MAXSIZE follows it here for requests that bypass it.
# Responses above DOWNLOAD_WARNSIZE are logged as a warning (half the limit if the limit is lower).
PORTAL_MAX_PAGE_BYTES = 20 * 1024 * 1024
DOWNLOAD_MAXSIZE = PORTAL_MAX_PAGE_BYTES
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
# Government portals answer 500/502/503 under load and recover; 404 is final.
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# An honest User-Agent that says who we are and how to reach us. Set PORTAL_CONTACT to an
# e-mail address or URL of the operator before crawling real portals.
PORTAL_CONTACT = "https://github.com/vngov-archive"
USER_AGENT = f"vngov-archive/0.1 (research archive of Vietnamese local-government news; +{PORTAL_CONTACT})"
# No control endpoints: Scrapy's telnet console and (since Scrapy 2.15) its remote-control HTTP
# server, which runs Python code sent to it and leaves a token file in the user's profile
# directory that a killed crawl never removes. Nothing in this project uses either.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = True  # ASP.NET session cookies accompany postback pagination
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy checks every callback for `return value` inside a generator by reading and parsing its
# source, and its cache holds callbacks weakly: a bound method is a new object per request, so the
# check re-parsed the spider's source for every response (4 % of the crawl's main thread under
# py-spy). Our callbacks are covered by tests instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy's per-response and per-item DEBUG lines, built only at LOG_LEVEL=DEBUG and without page
# bodies (crawler/logformat.py).
LOG_FORMATTER = "crawler.logformat.ArchiveLogFormatter"
# Scrapy (2.13+) starts CONCURRENT_ITEMS asyncio tasks (default 100) to process the output of
# every response, however few requests and items it yields; the item pipelines here are
# synchronous, so the slots buy nothing: one task takes each response's items in order (16 took
# 10-20 % off a generic crawl of a mega-menu portal; 1, a few per cent more of every crawl).
CONCURRENT_ITEMS = 1

SPIDER_MIDDLEWARES = {
    # A crashing callback becomes a stored failure, not just a log line.
    "crawler.middlewares.ExtractionErrorMiddleware": 550,
}

DOWNLOADER_MIDDLEWARES = {
    # The page-size limit (PORTAL_MAX_PAGE_BYTES) on every request.
    "crawler.middlewares.PageSizeMiddleware": 50,
}

ITEM_PIPELINES = {
    "pipelines.normalizing.NormalizePipeline": 300,  # raw strings -> values
    "pipelines.storage.SQLitePipeline": 800,  # values -> rows in ARCHIVE_DB
}

# --- Project settings -----------------------------------------------------------------------
# Path of the SQLite archive (name fixed by the project contract).
ARCHIVE_DB = "archive.db"
# Site registry (TOML): one entry per portal, naming its platform family and start pages.
PORTAL_SITES_FILE = str(_PROJECT / "profiles" / "sites.toml")
# Directory of platform-family profiles (`<family>.toml`).
PORTAL_FAMILIES_DIR = str(_PROJECT / "profiles" / "families")
# Base URL of a running sample portal server (`python -m sample_portal`); sites whose
# registry entry says `base_url_setting = "SAMPLE_PORTAL_URL"` are served from it.
SAMPLE_PORTAL_URL = "http://127.0.0.1:8765"
# Items per storage transaction (an article page is two: the article and its raw page). Larger
# batches write faster (bench/bench_storage.py: 100 -> 1000 is about +30 %); what a crash can
# lose is bounded by them and by PORTAL_SQLITE_FLUSH_SECONDS.
PORTAL_SQLITE_BATCH = 1000
# A batch is written once its oldest item waited this long, full or not (slow, polite crawls).
PORTAL_SQLITE_FLUSH_SECONDS = 5
# Listing pages walked per category and run; 0 = no limit (profiles may set their own).
PORTAL_MAX_LISTING_PAGES = 0
# Seconds to wait for another writer's lock on the archive before giving up.
PORTAL_SQLITE_TIMEOUT = 30

# --- Incremental crawling (the default; `-a full=1` walks every listing page) ---------------
# A known article is fetched again (a new view_counts observation, edits caught) once its last
# fetch is older than this many hours...
PORTAL_REFETCH_AFTER_HOURS = 168
# ...newest publications first, at most this many per site and run.
PORTAL_REFETCH_BUDGET = 200
# Article pages that failed for a retryable reason (network, 5xx, 429) are tried again in later
# runs until they have failed this many times in all; 4xx failures are final.
PORTAL_RETRY_FAILED_RUNS = 3
PORTAL_RETRY_BUDGET = 200

# --- Health ---------------------------------------------------------------------------------------
# Minimum share of a run's articles (per site, on 10 or more) that must have each field; below it
# the run is marked failed (exit code 4): the usual sign of a layout change. JSON on the command
# line: -s 'PORTAL_COVERAGE_FLOORS={"published_at": 0.95}'.
PORTAL_COVERAGE_FLOORS = {"title": 1.0, "body_text": 0.95, "published_at": 0.9}

# --- Generic mode (`-a start_url=URL`: a portal without a profile) ------------------------------
# Pages one generic crawl may request in all (listings, articles, menus; the -a max_pages
# argument overrides it): a safety net that keeps a crawl of an unknown site finite, set high
# enough that a portal of tens of thousands of articles is crawled to its end (the depth limit
# and the trap rules are what stop calendars and ever-growing paths).
PORTAL_GENERIC_MAX_PAGES = 100_000
# How many links away from the start URL a page may be (-a max_depth overrides it). Pager links
# (the next pages of one listing) do not count as a step.
PORTAL_GENERIC_MAX_DEPTH = 6

# --- Extraction in worker processes ---------------------------------------------------------------
# Processes extracting pages: 0 = one per CPU the process may use, 1 = the process alone. For
# `scrapy import-warc` and `scrapy reextract` (a command's `--workers N` overrides it) the pages
# are stored in their order whatever the number. A crawl of configured portals starts that many
# worker processes once extraction in its own process takes PORTAL_EXTRACT_WORKERS_BUSY of its
# time (a share, checked every second; 0 = from the first page on, later pages waiting for them to
# start): a polite crawl of the portals never does, a crawl of a fast source (a mirror on the same
# network) soon does (crawler/page_workers.py). The archive comes out the same in every case.
PORTAL_EXTRACT_WORKERS = 0
PORTAL_EXTRACT_WORKERS_BUSY = 0.2
# Seconds one page's reading may take (crawls, import-warc, reextract; in the crawl's process and
# in the workers) before it is given up as failed (``exception:ExtractionTimeout``, its raw page
# kept) and the job goes on; 0 = no limit. Real pages take milliseconds: this is against a page
# that would never end (crawler/timelimit.py).
PORTAL_EXTRACT_TIME_LIMIT = 60.0

# --- Archived copies (`-a source=wayback`) ----------------------------------------------------
# The Wayback Machine's CDX API and capture server (tests point them at a local fake).
PORTAL_WAYBACK_CDX_URL = "https://web.archive.org/cdx/search/cdx"
PORTAL_WAYBACK_URL = "https://web.archive.org"
# On 429/503 from the Wayback: wait this many seconds, doubled per attempt, this many times.
PORTAL_WAYBACK_BACKOFF = 5.0
PORTAL_WAYBACK_RETRIES = 4
# Recovering a portal without a profile (`-a start_url=URL -a source=wayback`): a page (article
# key) none of whose first this many captures was an article (a home page or a listing captured
# a thousand times) is not fetched further; 0 fetches every capture.
PORTAL_WAYBACK_PROBES = 3

# --- Distributed crawl (docs/distributed.md): scrapy dist-writer, dist-worker, dist-status, dist-stop
# Not used by `scrapy crawl portal`, which needs no Redis. The Redis server every worker and the
# writer share (a single instance; reachable only by your machines: it carries the crawl).
DIST_REDIS_URL = "redis://127.0.0.1:6379/0"
# Key prefix of the run in Redis: one distributed run at a time per prefix (and per archive).
DIST_REDIS_PREFIX = "vngov"
# Seconds between a worker's (and the writer's) heartbeats; a worker silent for DIST_WORKER_TIMEOUT
# seconds is taken for dead and the requests it held are queued again for the others.
DIST_HEARTBEAT_SECONDS = 2.0
DIST_WORKER_TIMEOUT = 30.0
# How long a worker started before the writer waits for a run to join.
DIST_JOIN_TIMEOUT = 600.0
# Workers stop taking requests while this many item messages wait for the writer (it is down or
# behind), and take them again when half as many wait: Redis memory stays bounded.
DIST_MAX_PENDING_ITEMS = 20_000
# How often an idle worker (or the writer) looks at Redis again, in seconds.
DIST_POLL_SECONDS = 0.25
# The per-host delay across all workers: a request to a host starts at least this long after the
# previous one's response (or failure) came back, whichever worker sent either. None: DOWNLOAD_DELAY
# (AutoThrottle's adjustments, when enabled, are shared too). Each worker's own DOWNLOAD_DELAY and
# AutoThrottle are switched off: the delay is enforced in Redis, right before each request is sent.
DIST_HOST_DELAY = None
