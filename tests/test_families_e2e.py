"""End to end for the new Hà Tĩnh and NukeViet families, and the site registry.

For each of `sample-hatinh` and `sample-nukeviet`: `scrapy crawl portal -a site=SLUG` runs in a
subprocess against the sample portals on 127.0.0.1 (as tests/test_crawl_e2e.py does for the
SharePoint sample), and the archive is compared with the portal's ground truth row by row. The
NukeViet sample is served in windows-1258 declared only in a <meta> tag, so its crawl also checks
that the archive ends up in correct NFC text.
"""
from __future__ import annotations

import json
import re
import subprocess
import tomllib
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlite_utils

from crawler.profiles import load_families
from crawler.sites import load_registry
from sample_portal import SamplePortalServer, ground_truth_for
from sample_portal.demo import crawl_command
from sample_portal.server import RequestRecord
from tests.conftest import REPO_ROOT

FAMILY_SITES = ("sample-hatinh", "sample-nukeviet")
COMPARED = ("title", "summary", "body_text", "authors", "category", "published_at", "published_date",
            "date_raw", "view_count", "views_raw")
SITES_FILE = REPO_ROOT / "crawler" / "profiles" / "sites.toml"
FAMILIES_DIR = REPO_ROOT / "crawler" / "profiles" / "families"
SETTINGS = {"SAMPLE_PORTAL_URL": "http://127.0.0.1:8765", "PORTAL_FAMILIES_DIR": str(FAMILIES_DIR),
            "PORTAL_SITES_FILE": str(SITES_FILE)}


def crawl(base_url: str, db: Path, site: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crawl_command(base_url, str(db), site=site), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=240)


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    database = sqlite_utils.Database(db)
    try:
        return list(database.query(sql, params))
    finally:
        database.close()


class Crawled:
    """One clean crawl of one sample site: the archive, the process result, the server's request log."""

    def __init__(self, slug: str, base: str, db: Path, result: subprocess.CompletedProcess[str],
                 requests: list[RequestRecord]) -> None:
        self.slug, self.base, self.db, self.result, self.requests = slug, base, db, result, requests

    def articles(self) -> dict[str, dict]:
        return {r["url"]: dict(r, authors=json.loads(r["authors"])) for r in rows(self.db, "select * from articles")}

    def truth(self) -> dict[str, dict]:
        return {row["url"]: row for row in ground_truth_for(self.slug, self.base)}


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePortalServer]:
    with SamplePortalServer() as srv:
        yield srv


@pytest.fixture(scope="module", params=FAMILY_SITES)
def crawled(request: pytest.FixtureRequest, server: SamplePortalServer,
            tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    slug = request.param
    db = tmp_path_factory.mktemp(slug) / "archive.db"
    server.requests.clear()
    base = server.url.rstrip("/")
    result = crawl(base, db, slug)
    return Crawled(slug, base, db, result, list(server.requests))


def test_crawl_succeeds(crawled: Crawled) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert len(rows(crawled.db, "select * from crawl_runs")) == 1


def test_archive_equals_ground_truth(crawled: Crawled) -> None:
    expected, got = crawled.truth(), crawled.articles()
    assert len(expected) >= 40
    assert sorted(got) == sorted(expected), "every sample article exactly once, nothing else"
    assert {r["site"] for r in got.values()} == {crawled.slug}
    mismatches = [(url.rsplit("/", 1)[-1], field, got[url][field], want[field])
                  for url, want in expected.items() for field in COMPARED if got[url][field] != want[field]]
    assert mismatches == []


def test_header_clock_is_never_a_publication_date(crawled: Crawled) -> None:
    today = datetime.now(timezone(timedelta(hours=7))).date().isoformat()
    assert rows(crawled.db, "select url from articles where published_date = ? or published_at is null", (today,)) == []


def test_archived_text_is_nfc(crawled: Crawled) -> None:
    for row in crawled.articles().values():
        for field in ("title", "summary", "body_text", "category"):
            assert row[field] is None or unicodedata.is_normalized("NFC", row[field]), (row["url"], field)


def test_every_listing_page_is_walked_by_plain_links(crawled: Crawled, server: SamplePortalServer) -> None:
    site = server.hatinh if crawled.slug == "sample-hatinh" else server.nukeviet
    walked = {(r.path, r.query) for r in crawled.requests if r.method == "GET" and r.status == 200}
    assert not [r for r in crawled.requests if r.method == "POST"]
    for section in site.portal.sections:
        pages = site.portal.pages(section.slug)
        assert pages >= 2
        for n in range(2, pages + 1):
            if crawled.slug == "sample-hatinh":
                assert (f"/namhonglinh/vi/chuyen-muc/{section.slug}", f"page={n}") in walked
            else:
                assert (f"/minhduc/vi/news/{section.slug}/page-{n}", "") in walked
    assert not [r for r in crawled.requests if r.status == 404], "no guessed or broken URLs"


# ---------------------------------------------------------------- the site registry


def _registry_toml() -> dict:
    return tomllib.loads(SITES_FILE.read_text(encoding="utf-8"))["sites"]


def test_registry_slugs_are_unique() -> None:
    headers = re.findall(r"^\[sites\.([^\].]+)\]\s*$", SITES_FILE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(headers) == len(set(headers)) == len(_registry_toml())


def test_every_entry_names_an_existing_family_and_its_start_pages_are_listings() -> None:
    families = load_families(FAMILIES_DIR)
    assert {"sharepoint_portal", "hatinh_new", "nukeviet"} <= set(families)
    sites = load_registry(SETTINGS)
    for slug, site in sites.items():
        assert site.family in families, slug
        for url in site.start_urls:
            assert site.urls.is_listing(url) and not site.urls.is_article(url), (slug, url)


def test_real_portals_cover_the_three_families() -> None:
    real = {slug: entry for slug, entry in _registry_toml().items() if "base_url" in entry}
    assert {"honglinh", "namhonglinh", "minhduc"} <= set(real)
    assert {entry["family"] for entry in real.values()} == {"sharepoint_portal", "hatinh_new", "nukeviet"}
    for slug, entry in real.items():
        assert entry["base_url"].startswith("https://"), slug
        assert entry.get("notes"), f"{slug}: say what was verified and what was inferred"
    # The one start path the reference attests; every other real entry waits for a check.
    assert {slug for slug, entry in real.items() if entry.get("enabled", True)} == {"honglinh", "namhonglinh"}


def test_sample_entries_are_served_by_the_sample_portal(server: SamplePortalServer) -> None:
    sites = load_registry({**SETTINGS, "SAMPLE_PORTAL_URL": server.url})
    for slug in FAMILY_SITES:
        site = sites[slug]
        assert not site.enabled
        assert site.base_url in (server.mount_url("/namhonglinh"), server.mount_url("/minhduc"))


def test_unknown_site_lists_every_known_slug(tmp_path: Path) -> None:
    result = crawl("http://127.0.0.1:9", tmp_path / "a.db", "nosuch")
    assert result.returncode == 2
    known = ", ".join(sorted(_registry_toml()))
    assert f"unknown site 'nosuch'; known sites: {known}" in result.stderr
    assert not (tmp_path / "a.db").exists()
