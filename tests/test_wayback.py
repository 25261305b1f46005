"""The Wayback source: `scrapy crawl portal -a site=sample -a source=wayback` against a local fake
CDX/Wayback server holding captures of the SharePoint sample portal, which is gone (stopped)
when the crawl runs. Its quirks are the real one's: the CDX list is paged by a resume key and
lists listings and other pages too, a capture redirects to a neighbouring one, 429 and 503 answer
now and then, and one article is captured twice (the newest capture wins, both views are kept).
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.items import ArticleItem
from crawler.spiders.wayback import capture_time, is_truncated, parse_cdx, strip_toolbar
from pipelines.storage import latest_per_article, replaces_content
from sample_portal import SamplePortalServer
from sample_portal.catalog import ground_truth_for
from sample_portal.demo import LOCAL_ONLY_SETTINGS
from tests.conftest import REPO_ROOT
from tests.test_crawl_e2e import rows
from tests.test_warc import fetch

COMPARED = ("title", "published_at", "view_count", "authors", "body_text")
CDX_PAGE = 25  # the fake's page size, whatever the client asks: the resume key must be followed
CDX_FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


class FakeWayback:
    """CDX (`/cdx/search/cdx`), raw captures (`/web/<ts>id_/<url>`) and rendered captures
    (`/web/<ts>/<url>`, with the toolbar `renderer` adds) on 127.0.0.1.

    The CDX answers like the real one: rows sorted by URL then time; `url=HOST/PATH/*` a prefix
    (scheme, ``www.`` and ``:80`` aside, case folded), `filter=[!]field:regex` (full match),
    `collapse=digest` (a row whose URL and digest equal the previous row's is left out),
    `from`/`to` (timestamp prefixes), `CDX_PAGE` rows a page whatever the client asks, then an
    empty row and the resume key.
    """

    def __init__(self) -> None:
        self.captures: dict[tuple[str, str], tuple[str, bytes]] = {}  # (timestamp, url) -> (type, body)
        self.listed: list[tuple[str, str]] = []  # what the CDX lists: (timestamp, url)
        self.meta: dict[tuple[str, str], dict[str, str]] = {}  # listed capture -> CDX fields (status, mimetype, digest)
        self.redirects: dict[tuple[str, str], str] = {}  # listed capture -> the timestamp it redirects to
        self.raw_missing: set[tuple[str, str]] = set()  # captures served rendered only (id_ answers 404)
        self.renderer: Any = None  # (timestamp, url, body) -> rendered body (the toolbar, rewritten links)
        self.busy: dict[str, list[int]] = {}  # path -> statuses to answer before the capture
        self.cdx_busy: list[int] = []  # statuses the next CDX requests get before their answer
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, timestamp: str, url: str, content_type: str, body: bytes, listed: bool = True,
            status: str = "200", digest: str | None = None) -> None:
        self.captures[(timestamp, url)] = (content_type, body)
        if listed:
            self.listed.append((timestamp, url))
        self.meta[(timestamp, url)] = {"statuscode": status, "mimetype": content_type.split(";")[0].strip(),
                                       "digest": digest or hashlib.sha1(body).hexdigest().upper()}

    def cdx_rows(self, query: dict[str, list[str]]) -> list[list[str]]:
        """The CDX rows (urlkey, timestamp, original, mimetype, statuscode, digest, length) a query selects."""
        prefix = _urlkey(query["url"][0].rstrip("*"))
        rows = []
        for ts, url in sorted(self.listed, key=lambda c: (_urlkey(c[1]), c[0])):
            meta = self.meta.get((ts, url), {"statuscode": "200", "mimetype": "text/html", "digest": "D"})
            if not _urlkey(url).startswith(prefix):
                continue
            if any(ts[:len(v)] < v for v in query.get("from", [])) or any(ts[:len(v)] > v for v in query.get("to", [])):
                continue
            if not all(_passes(f, meta) for f in query.get("filter", [])):
                continue
            if "digest" in query.get("collapse", []) and rows and rows[-1][0] == _urlkey(url) \
                    and rows[-1][5] == meta["digest"]:
                continue
            rows.append([_urlkey(url), ts, url, meta["mimetype"], meta["statuscode"], meta["digest"], "1"])
        return rows

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.requests.append(self.path)
                if fake.busy.get(self.path):
                    return self._send(fake.busy[self.path].pop(0), "text/html", b"busy")
                if self.path.startswith("/cdx/search/cdx") and fake.cdx_busy:
                    return self._send(fake.cdx_busy.pop(0), "text/html", b"slow down")
                if self.path.startswith("/cdx/search/cdx"):
                    return self._cdx(parse_qs(urlsplit(self.path).query))
                match = re.match(r"/web/(\d{14})(id_)?/(.+)$", self.path)
                if match is None:
                    return self._send(404, "text/html", b"not in archive")
                timestamp, raw, url = match.group(1), bool(match.group(2)), match.group(3)
                mode = "id_" if raw else ""
                if (timestamp, url) in fake.redirects:
                    self.send_response(302)
                    self.send_header("Location", f"/web/{fake.redirects[(timestamp, url)]}{mode}/{url}")
                    self.end_headers()
                    return None
                if (timestamp, url) not in fake.captures or (raw and (timestamp, url) in fake.raw_missing):
                    return self._send(404, "text/html", b"not in archive")
                content_type, body = fake.captures[(timestamp, url)]
                status = int(fake.meta.get((timestamp, url), {}).get("statuscode", "200"))
                if not raw and fake.renderer is not None and "html" in content_type:
                    body = fake.renderer(timestamp, url, body)
                return self._send(status, content_type, body)

            def _cdx(self, query: dict[str, list[str]]) -> None:
                start = int(query.get("resumeKey", ["0"])[0])
                selected = fake.cdx_rows(query)
                out: list[list[str]] = [CDX_FIELDS]
                out += selected[start:start + CDX_PAGE]
                if start + CDX_PAGE < len(selected):
                    out += [[], [str(start + CDX_PAGE)]]
                self._send(200, "application/json", json.dumps(out).encode())

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> FakeWayback:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _urlkey(url: str) -> str:
    """A crude SURT: no scheme, no ``www.``, no ``:80``, lower case."""
    rest = re.sub(r"^[a-z]+://", "", url.lower())
    host, _, path = rest.partition("/")
    return host.removeprefix("www.").removesuffix(":80") + "/" + path


def _passes(spec: str, meta: dict[str, str]) -> bool:
    negate = spec.startswith("!")
    name, _, pattern = spec.lstrip("!").partition(":")
    return (re.fullmatch(pattern, meta.get(name, "")) is not None) != negate


def stamp(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


@pytest.fixture(scope="module")
def wayback() -> Iterator[tuple[FakeWayback, str, list[dict], dict]]:
    """Captures of every sample article (taken now), then the portal goes offline."""
    now = datetime.now(UTC).replace(microsecond=0)
    fake = FakeWayback()
    with SamplePortalServer() as portal:
        base = portal.url.rstrip("/")
        truth = ground_truth_for("sample", base)
        for i, article in enumerate(truth):
            _, ctype, body = fetch(article["url"])
            fake.add(stamp(now - timedelta(minutes=i)), article["url"], ctype, body)
        listing = base + "/honglinh/portal/Pages/Kinh-te.aspx"
        _, ctype, body = fetch(listing)
        fake.add(stamp(now), listing, ctype, body)
    twice, moved, slow = truth[0]["url"], truth[1]["url"], truth[2]["url"]
    # The same article captured a year earlier, when its title was different.
    old = stamp(now - timedelta(days=365))
    ctype, body = fake.captures[(stamp(now), twice)]
    fake.add(old, twice, ctype, body.replace(truth[0]["title"].encode(), b"Old title"))
    # A listed capture that redirects to its neighbour (what the Wayback does for near-misses).
    moved_at = stamp(now - timedelta(minutes=1))
    listed_at = stamp(now - timedelta(minutes=1, seconds=30))
    fake.listed[fake.listed.index((moved_at, moved))] = (listed_at, moved)
    fake.redirects[(listed_at, moved)] = moved_at
    # Rate limiting: the first CDX page and one capture answer 429 / 503 before they answer.
    slow_at = stamp(now - timedelta(minutes=2))
    fake.busy[f"/web/{slow_at}id_/{slow}"] = [429, 503]
    fake.cdx_busy = [503]
    # A truncated capture (cut mid-body) newer than a complete one: the complete one must win.
    cut = truth[3]["url"]
    complete_at = [ts for ts, u in fake.listed if u == cut][0]
    ctype, body = fake.captures[(complete_at, cut)]
    cut_at = stamp(now + timedelta(minutes=5))
    fake.add(cut_at, cut, ctype, body[: len(body) // 2])
    expected = {"twice": (twice, stamp(now), old), "moved": (moved, moved_at), "slow": slow, "now": now,
                "cut": (cut, complete_at, cut_at)}
    with fake:
        yield fake, base, truth, expected


@pytest.fixture(scope="module")
def crawled(wayback: tuple[FakeWayback, str, list[dict], dict],
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    fake, base, _, _ = wayback
    db = tmp_path_factory.mktemp("wayback") / "archive.db"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=sample", "-a", "source=wayback",
           "-s", f"SAMPLE_PORTAL_URL={base}", "-s", f"ARCHIVE_DB={db}", "-s", f"PORTAL_WAYBACK_URL={fake.url}",
           "-s", f"PORTAL_WAYBACK_CDX_URL={fake.url}/cdx/search/cdx", "-s", "PORTAL_WAYBACK_BACKOFF=0.2",
           "-s", "LOG_LEVEL=INFO"]
    for setting in LOCAL_ONLY_SETTINGS:
        cmd += ["-s", setting]
    return db, subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)


def test_pure_helpers() -> None:
    assert capture_time("20250701030405") == "2025-07-01T10:04:05+07:00"
    text = json.dumps([["urlkey", "timestamp", "original"], ["k", "20250101000000", "http://x/a"], [], ["KEY"]])
    assert parse_cdx(text) == ([{"urlkey": "k", "timestamp": "20250101000000", "original": "http://x/a"}], "KEY")
    assert parse_cdx(json.dumps([["urlkey"], ["k"]]))[1] is None and parse_cdx("[]") == ([], None)
    page = b"<html><!-- BEGIN WAYBACK TOOLBAR INSERT --><div>toolbar</div><!-- END WAYBACK TOOLBAR INSERT --><h1>x</h1>"
    assert strip_toolbar(page) == b"<html><h1>x</h1>"


def test_wayback_crawl_gets_every_article(crawled: tuple[Path, subprocess.CompletedProcess[str]],
                                          wayback: tuple[FakeWayback, str, list[dict], dict]) -> None:
    db, result = crawled
    assert result.returncode == 0, result.stderr[-3000:]
    _, _, truth, _ = wayback
    got = {r["url"]: r for r in rows(db, "select * from articles")}
    assert sorted(got) == sorted(a["url"] for a in truth)
    mismatches = [(want["url"], f) for want in truth for f in COMPARED
                  if (json.loads(got[want["url"]][f]) if f == "authors" else got[want["url"]][f]) != want[f]]
    assert mismatches == []
    assert {r["source"] for r in got.values()} == {"wayback"}
    # A Wayback run walks no listing: it must not leave the live crawl's walks marked unfinished.
    assert rows(db, "select * from listing_walks") == []


def test_rows_carry_capture_time_and_url(crawled: tuple[Path, subprocess.CompletedProcess[str]],
                                         wayback: tuple[FakeWayback, str, list[dict], dict]) -> None:
    db, _ = crawled
    fake, _, _, expected = wayback
    for row in rows(db, "select * from articles"):
        assert row["capture_url"].startswith(f"{fake.url}/web/") and row["capture_url"].endswith("id_/" + row["url"])
        timestamp = row["capture_url"].removeprefix(f"{fake.url}/web/")[:14]
        assert row["captured_at"] == row["fetched_at"] == capture_time(timestamp)
    moved_url, moved_at = expected["moved"]
    [moved] = rows(db, "select * from articles where url = ?", (moved_url,))
    assert moved["captured_at"] == capture_time(moved_at), "the capture the redirect landed on"
    assert {r["source"] for r in rows(db, "select source from raw_pages")} == {"wayback"}


def test_newest_capture_wins_and_both_views_are_kept(crawled: tuple[Path, subprocess.CompletedProcess[str]],
                                                      wayback: tuple[FakeWayback, str, list[dict], dict]) -> None:
    db, _ = crawled
    _, _, truth, expected = wayback
    url, newest, oldest = expected["twice"]
    [row] = rows(db, "select * from articles where url = ?", (url,))
    assert row["title"] == truth[0]["title"] and row["captured_at"] == capture_time(newest)
    views = rows(db, "select observed_at, source, capture_url from view_counts where url = ? order by observed_at",
                 (url,))
    assert [v["observed_at"] for v in views] == [capture_time(oldest), capture_time(newest)]
    assert {v["source"] for v in views} == {"wayback"} and all(v["capture_url"] for v in views)


def test_rate_limits_are_waited_out(crawled: tuple[Path, subprocess.CompletedProcess[str]],
                                    wayback: tuple[FakeWayback, str, list[dict], dict]) -> None:
    db, _ = crawled
    fake, _, _, expected = wayback
    slow = [p for p in fake.requests if p.endswith("id_/" + expected["slow"])]
    assert len(slow) == 3, slow  # 429, 503, then the capture
    assert rows(db, "select count(*) n from articles where url = ?", (expected["slow"],)) == [{"n": 1}]
    cdx = [p for p in fake.requests if p.startswith("/cdx/")]
    assert len(cdx) == 1 + -(-len(fake.listed) // CDX_PAGE), "a 503, then every page by its resume key"
    assert not any(p.startswith("/honglinh") for p in fake.requests)


@pytest.mark.parametrize("args, message", [
    (["-a", "site=sample", "-a", "source=ftp"], "source: expected one of live, wayback"),
    (["-a", "site=sample", "-a", "source=wayback", "-a", "from=2025"], "from: expected a day"),
    (["-a", "site=sample", "-a", "to=2025-01-01"], "to: only applies to -a source=wayback"),
    (["-a", "start_url=http://127.0.0.1:1/", "-a", "source=wayback", "-a", "max_depth=3"],
     "max_depth: does not apply to -a source=wayback"),
    (["-a", "start_url=http://127.0.0.1:1/", "-a", "source=wayback", "-a", "from=2025-01-01", "-a", "to=2024-01-01"],
     "is after to"),
    (["-a", "start_url=nowhere", "-a", "source=wayback"], "start_url: 'nowhere' is not an absolute http(s) URL"),
])
def test_bad_wayback_arguments_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", *args,
                             "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr[-2000:]


def test_source_rules() -> None:
    """A live item always wins; between captures the newest, in whatever order they come."""
    live = ArticleItem(site="s", url="u", fetched_at="2026-01-01T00:00:00+07:00", title="live")
    old = ArticleItem(site="s", url="u", fetched_at="2025-01-01T00:00:00+07:00", title="a", source="wayback",
                      captured_at="2025-01-01T00:00:00+07:00")
    new = ArticleItem(site="s", url="u", fetched_at="2025-06-01T00:00:00+07:00", title="b", source="wayback",
                      captured_at="2025-06-01T00:00:00+07:00")
    assert latest_per_article([new, old])["s:/u"] is new and latest_per_article([old, new])["s:/u"] is new
    assert latest_per_article([old, live, new])["s:/u"] is live
    assert not replaces_content({"source": "live", "captured_at": None}, new)
    assert replaces_content({"source": "wayback", "captured_at": old.captured_at}, new)
    assert not replaces_content({"source": "warc", "captured_at": new.captured_at}, old)
    assert replaces_content({"source": "warc", "captured_at": new.captured_at}, live)


def test_truncated_capture_never_replaces_a_complete_one(crawled: tuple[Path, subprocess.CompletedProcess[str]],
                                                        wayback: tuple[FakeWayback, str, list[dict], dict]) -> None:
    db, _ = crawled
    _, _, truth, expected = wayback
    url, complete_at, cut_at = expected["cut"]
    [row] = rows(db, "select title, body_text, captured_at from articles where url = ?", (url,))
    assert row["captured_at"] == capture_time(complete_at) and row["body_text"] == truth[3]["body_text"]
    [failure] = rows(db, "select reason from failures where url like ?", (f"%{cut_at}id_/%",))
    assert failure["reason"] == "truncated_capture"
    assert is_truncated(b"<html><body><p>cut", []) and not is_truncated(b"<html><body></body></html>\n", [])
    assert is_truncated(b"<html></html>", ["dataloss"])
