"""One article, one row, end to end: the README's demo run twice, the sample portal crawled at
another address, and an archive made by the previous version (which keyed articles by full URL)
migrated. Crawls run in a subprocess against local servers, as in tests/test_crawl_e2e.py."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from pipelines.schema import open_archive
from sample_portal import SamplePortalServer
from sample_portal.demo import crawl_command
from tests.conftest import REPO_ROOT
from tests.test_crawl_e2e import rows

SEED_TITLE = "Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018"
ARTICLES = 72  # the SharePoint sample portal's
# The last version that keyed articles by their full URL (before `article_key`).
PREVIOUS_VERSION = "6611f9b223594a8b6504f1b6a341bc4da55dec51"
CATEGORIES = ("Tin-tuc-su-kien", "Kinh-te", "Van-hoa-xa-hoi", "Quoc-phong-an-ninh")


def demo(db: Path, root: Path = REPO_ROOT, module: str = "sample_portal.demo") -> subprocess.CompletedProcess[str]:
    """The README's Quick start command (`python -m sample_portal.demo`), from the project at `root`
    (the previous version kept it in `crawler.demo`)."""
    return subprocess.run([sys.executable, "-m", module, "--db", str(db), "--quiet"], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
                          timeout=300)


def counts(db: Path) -> tuple[int, int, list[int]]:
    """Articles, view observations, and the seed article's observations per row (one row: one number)."""
    [[articles]] = [list(r.values()) for r in rows(db, "select count(*) from articles")]
    [[views]] = [list(r.values()) for r in rows(db, "select count(*) from view_counts")]
    key = "article_key" if "article_key" in rows(db, "select * from articles limit 1")[0] else "url"
    seed = [r["n"] for r in rows(db, f"select (select count(*) from view_counts v where v.{key} = a.{key}) as n "
                                     "from articles a where title = ?", (SEED_TITLE,))]
    return articles, views, seed


def test_demo_twice_observes_every_article_twice(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    first = demo(db)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    second = demo(db)  # the sample portal starts on another port
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert counts(db) == (ARTICLES, 2 * ARTICLES, [2])
    assert f"articles:      {ARTICLES}\n" in second.stdout and f"observations:  {2 * ARTICLES} view-count rows" in second.stdout
    [seed] = rows(db, "select article_key from articles where title = ?", (SEED_TITLE,))
    ports = rows(db, "select distinct url from view_counts where article_key = ?", (seed["article_key"],))
    assert len(ports) == 2, "observed at two addresses, one article"


def moved_sites_file(tmp_path: Path) -> Path:
    """The sample portal's registry entry with its paths in upper case (SharePoint ignores case)."""
    path = tmp_path / "sites.toml"
    starts = ", ".join(f'"/PORTAL/PAGES/{c.upper()}.ASPX"' for c in CATEGORIES)
    path.write_text('[sites.sample]\nname = "Sample portal, moved"\nfamily = "sharepoint_portal"\n'
                    'base_url_setting = "SAMPLE_PORTAL_URL"\nmount = "/HONGLINH"\n'
                    f"start_paths = [{starts}]\nenabled = false\n", encoding="utf-8")
    return path


def test_crawl_at_another_address_adds_no_rows(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with SamplePortalServer() as first:
        result = subprocess.run(crawl_command(first.url, str(db), full=True), cwd=REPO_ROOT, capture_output=True,
                                text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
    before = rows(db, "select article_key, first_seen_at, content_hash from articles order by article_key")
    assert len(before) == ARTICLES
    sites = ["-s", f"PORTAL_SITES_FILE={moved_sites_file(tmp_path)}"]
    with SamplePortalServer() as moved:  # another port, reached as localhost, upper-case paths
        base = f"http://localhost:{moved.port}"
        # Incremental: every walk is known complete and every listed article known, by key.
        result = subprocess.run(crawl_command(base, str(db)) + sites, cwd=REPO_ROOT, capture_output=True, text=True,
                                timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
        assert not [r for r in moved.requests if "/portal/pages/" in r.path.lower() and r.path.count("/") > 4], \
            "no article fetched again"
        assert rows(db, "select stopped_because, count(*) n from listing_walks group by 1") == [
            {"stopped_because": "known_articles", "n": len(CATEGORIES)}]
        # Full: every article fetched at the new address, still one row each.
        result = subprocess.run(crawl_command(base, str(db), full=True) + sites, cwd=REPO_ROOT, capture_output=True,
                                text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
    assert rows(db, "select article_key, first_seen_at, content_hash from articles order by article_key") == before
    assert {r["url"].split("/honglinh/")[0] for r in rows(db, "select url from articles")} == {base}
    assert rows(db, "select count(*) n, count(distinct article_key) k from view_counts") == [
        {"n": 2 * ARTICLES, "k": ARTICLES}]
    assert rows(db, "select count(*) n from listing_walks") == [{"n": len(CATEGORIES)}]
    runs = rows(db, "select articles_new, articles_unchanged from crawl_runs order by id")
    assert [r["articles_new"] for r in runs] == [ARTICLES, 0, 0]


def previous_version(tmp_path: Path) -> Path:
    """The project as it was before article keys, from git (skipped where there is no history)."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("no git history to build an archive with the previous version")
    tarball = subprocess.run(["git", "archive", PREVIOUS_VERSION], cwd=REPO_ROOT, capture_output=True, timeout=60)
    if tarball.returncode != 0:
        pytest.skip(f"previous version {PREVIOUS_VERSION[:7]} not in this clone's history")
    root = tmp_path / "previous"
    with tarfile.open(fileobj=BytesIO(tarball.stdout)) as archive:
        archive.extractall(root, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return root


def test_archive_of_the_previous_version_is_merged(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    old = previous_version(tmp_path)
    for _ in range(2):
        result = demo(db, old, module="crawler.demo")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert counts(db) == (2 * ARTICLES, 2 * ARTICLES, [1, 1])  # the bug: every article twice
    open_archive(db).close()  # the migration
    assert counts(db) == (ARTICLES, 2 * ARTICLES, [2])
    assert rows(db, "select count(*) n from listing_walks") == [{"n": len(CATEGORIES)}]
    result = demo(db)  # and the current version carries on
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert counts(db) == (ARTICLES, 3 * ARTICLES, [3])
