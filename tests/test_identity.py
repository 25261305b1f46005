"""One article, one row: the article key (pure), the registry's aliases, the storage at many
addresses of one site, and the migration that merges an older archive's duplicate rows."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from crawler.incremental import IncrementalPolicy, plan_site
from crawler.items import ArticleItem, FailureItem, RawPageItem
from crawler.profiles import ProfileError, load_families, load_sites
from crawler.profiles.model import SiteProfile
from crawler.sites import load_registry
from pipelines.crawlstate import CrawlState
from pipelines.identity import IdentityRules, article_key, at_address, location, rebase
from pipelines.normalizing import normalize_article
from pipelines.rekey import archive_rules, rekey_archive
from pipelines.rows import article_row, failure_row, raw_page_row, version_row, view_row
from pipelines.schema import migrations, open_archive
from pipelines.search import EXACT_FTS_TABLE, FTS_TABLE, search_migrations
from pipelines.storage import ArchiveWriter
from tests.conftest import REPO_ROOT

SHAREPOINT = IdentityRules(case_insensitive_paths=True, ignore_params=("Source", "IsDlg"))
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAMILIES_DIR = REPO_ROOT / "crawler" / "profiles" / "families"


def registry(sample_url: str = "http://127.0.0.1:40002") -> dict[str, SiteProfile]:
    return load_registry({"PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml"),
                          "PORTAL_FAMILIES_DIR": str(FAMILIES_DIR), "SAMPLE_PORTAL_URL": sample_url})


# --- the key, pure ---------------------------------------------------------------------------------


def test_key_examples() -> None:
    assert article_key("honglinh", "https://www.honglinh.hatinh.gov.vn:443/portal/Pages/2024-3-1/Tin-12.aspx"
                                   "?utm_source=zalo&Source=%2Fportal#top", SHAREPOINT) == \
        "honglinh:/portal/pages/2024-3-1/tin-12.aspx"
    # Default rules: paths keep their case; trailing slash, default document and sessions go.
    assert article_key("x", "http://x.gov.vn/vi/news/Tin-Tuc/") == "x:/vi/news/Tin-Tuc"
    assert article_key("x", "http://x.gov.vn/vi/news/index.php?PHPSESSID=ab&nv=news&op=1") == \
        "x:/vi/news?nv=news&op=1"
    assert article_key("x", "http://x.gov.vn/vi/bai-viet/tin-t%e1%bb%a9c") == \
        article_key("x", "http://x.gov.vn/vi/bai-viet/tin-tức") == "x:/vi/bai-viet/tin-t%E1%BB%A9c"
    # Only the identifying parameters, when the family names them.
    assert article_key("x", "http://x/Pages/ChiTiet.aspx?ItemID=12&Cat=3", IdentityRules(id_params=("itemid",))) == \
        "x:/Pages/ChiTiet.aspx?ItemID=12"
    assert location("http://x") == location("http://x/") == location("http://x/default.aspx") == "/"
    assert article_key("s", "a3") == "s:/a3"  # hand-made rows without a scheme still get a key


SEGMENT = st.text(st.sampled_from("abcdeghiklmnoqstuvxyABCDEGHKLMNTUV0123456789-_.~ "
                                  "đĐàáảãạăắằẳẵặâấầẩẫậêếềểễệôốồổỗộơớờởỡợưứừửữự%"), min_size=1, max_size=12)
PATHS = st.lists(SEGMENT, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts))
PARAMS = st.lists(st.tuples(st.sampled_from(["ItemID", "id", "p", "cat", "nv", "op"]),
                            st.text("abc0123456789-", min_size=1, max_size=6)), max_size=3)
RULES = st.sampled_from([IdentityRules(), SHAREPOINT, IdentityRules(id_params=("itemid", "id"))])


def _url(prefix: str, path: str, params: list[tuple[str, str]]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params)
    return prefix + quote(path, safe="/%") + (f"?{query}" if query else "")


@PROPERTY_SETTINGS
@given(PATHS, PARAMS, RULES)
def test_key_is_a_fixed_point(path: str, params: list[tuple[str, str]], rules: IdentityRules) -> None:
    once = location(_url("http://h", path, params), rules)
    assert location("https://other" + once, rules) == once


@PROPERTY_SETTINGS
@given(PATHS, PARAMS, RULES,
       st.sampled_from(["http://127.0.0.1:8765", "http://localhost:40001", "https://www.honglinh.hatinh.gov.vn",
                        "HTTP://HONGLINH.hatinh.gov.vn:80", "//honglinh.hatinh.gov.vn"]))
def test_key_ignores_scheme_host_port_fragment_and_tracking(path: str, params: list[tuple[str, str]],
                                                           rules: IdentityRules, prefix: str) -> None:
    plain = article_key("s", _url("http://127.0.0.1:1", path, params), rules)
    noisy = _url(prefix, path, [*params, ("utm_source", "fb"), ("fbclid", "x1")]) + "#doan-2"
    assert article_key("s", noisy, rules) == plain
    assert article_key("s", _url(prefix, path + "/", params), rules) == plain  # trailing slash


@PROPERTY_SETTINGS
@given(PATHS)
def test_sharepoint_paths_ignore_case_and_others_do_not(path: str) -> None:
    upper, lower = _url("http://h", path.upper(), []), _url("http://h", path.lower(), [])
    assert article_key("s", upper, SHAREPOINT) == article_key("s", lower, SHAREPOINT)
    if location(upper) != location(lower):
        assert article_key("s", upper) != article_key("s", lower)


@PROPERTY_SETTINGS
@given(PATHS, RULES)
def test_percent_encoding_spellings_are_one(path: str, rules: IdentityRules) -> None:
    assert location("http://h" + quote(path, safe="/%"), rules) == location("http://h" + quote(path, safe="/"), rules) \
        or "%" in path  # a literal "%" in the generated text is itself an escape in one spelling


@PROPERTY_SETTINGS
@given(st.text("abcdef0123456789", min_size=1, max_size=8), st.text("abcdef0123456789", min_size=1, max_size=8), RULES)
def test_different_articles_keep_different_keys(a: str, b: str, rules: IdentityRules) -> None:
    same = (a.lower() == b.lower()) if rules.case_insensitive_paths else a == b
    assert (article_key("s", f"http://h/tin/{a}.aspx", rules) == article_key("s", f"http://h/tin/{b}.aspx", rules)) == same
    assert (article_key("s", f"http://h/ct.aspx?id={a}", rules) == article_key("s", f"http://h/ct.aspx?id={b}", rules)) \
        == (a == b)


def test_addresses() -> None:
    assert at_address("https://www.x.gov.vn/a", "http://x.gov.vn")  # www. and the scheme aside
    assert at_address("http://127.0.0.1:8765/a", "http://127.0.0.1:8765/honglinh")
    assert not at_address("http://127.0.0.1:1/a", "http://127.0.0.1:8765/honglinh")  # another port, another portal
    assert at_address("https://x.gov.vn:443/a", "https://x.gov.vn") and not at_address("http://y.gov.vn/", "http://x.gov.vn")
    assert rebase("http://127.0.0.1:1/honglinh/a.aspx?b=1", "http://localhost:2/honglinh") == \
        "http://localhost:2/honglinh/a.aspx?b=1"


# --- the registry ----------------------------------------------------------------------------------


def _sites(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\n'
                    f'start_paths = ["/portal/Pages/Tin.aspx"]\n{extra}\n', encoding="utf-8")
    return path


def test_registry_aliases_and_family_identity(tmp_path: Path) -> None:
    families = load_families(FAMILIES_DIR)
    assert families["sharepoint_portal"].identity.case_insensitive_paths
    assert not families["hatinh_new"].identity.case_insensitive_paths
    site = load_sites(_sites(tmp_path, 'aliases = ["http://old-x.gov.vn", "https://www.x.gov.vn:8443/"]'), families)["x"]
    assert site.aliases == ("http://old-x.gov.vn", "https://www.x.gov.vn:8443")
    assert site.hosts == ("x.gov.vn", "old-x.gov.vn", "www.x.gov.vn")
    assert site.owns("http://old-x.gov.vn/portal/pages/a.aspx") and not site.owns("https://hatinh.gov.vn/a")
    assert site.key("http://OLD-X.gov.vn/PORTAL/Pages/A.aspx") == site.key("https://x.gov.vn/portal/pages/a.aspx")
    assert site.current_url("http://old-x.gov.vn/portal/pages/a.aspx") == "https://x.gov.vn/portal/pages/a.aspx"


@pytest.mark.parametrize(("extra", "message"), [
    ('aliases = ["ftp://x.gov.vn"]', "[sites.x] aliases: not an http(s) URL: 'ftp://x.gov.vn'"),
    ('aliases = ["http://x.gov.vn:port"]', "[sites.x] aliases: invalid port in 'http://x.gov.vn:port'"),
    ("aliases = [1]", "[sites.x] aliases: must be a string or a list of strings"),
])
def test_bad_aliases_name_file_and_key(tmp_path: Path, extra: str, message: str) -> None:
    path = _sites(tmp_path, extra)
    with pytest.raises(ProfileError) as info:
        load_sites(path, load_families(FAMILIES_DIR))
    assert str(info.value) == f"{path}: {message}"


def test_bad_identity_table_names_file_and_key(tmp_path: Path) -> None:
    for name in ("sharepoint_portal", "hatinh_new", "nukeviet"):
        (tmp_path / f"{name}.toml").write_text((FAMILIES_DIR / f"{name}.toml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    path = tmp_path / "nukeviet.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[identity]\ncase_insensitive_paths = "yes"\n',
                    encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_families(tmp_path)
    assert str(info.value) == f"{path}: [identity] case_insensitive_paths: must be true or false"


# --- storage: one row at any address ---------------------------------------------------------------


def item(site: str, url: str, fetched_at: str, **changes: Any) -> ArticleItem:
    fields = {"title": "Cụm ATLC sơ kết", "body_text": "Nội dung.", "date_raw": "Cập nhật lúc: 14:55 - 10/10/2018",
              "views_raw": "Lượt xem: 162", **changes}
    article = ArticleItem(site=site, url=url, fetched_at=fetched_at, **fields)
    normalize_article(article)
    return article


def write(db: Any, sites: list[SiteProfile], run_id: int, *items: ArticleItem) -> None:
    writer = ArchiveWriter(db, run_id, sites)
    writer.write_batch(writer.prepare(list(items), [], []))


def rows(db: Any, sql: str, params: tuple = ()) -> list[tuple]:
    return db.execute(sql, params).fetchall()


SEED = "/honglinh/portal/pages/2018-10-10/Cum-ATLC-SSCD-phia-bac-thi-xa-so-ket-9-thang-dau-nam-2018-4335282.aspx"


def test_sample_portal_at_other_ports_hosts_and_cases_is_one_row(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    sample = registry()["sample"]
    addresses = ["http://127.0.0.1:40001" + SEED, "http://localhost:40003" + SEED, "http://127.0.0.1:40002" + SEED.upper(),
                 "http://127.0.0.1:40002" + SEED.replace("/pages/", "/Pages/") + "/"]
    for run, url in enumerate(addresses, start=1):
        write(db, [sample], run, item("sample", url, f"2026-11-0{run}T08:00:00+07:00", views_raw=f"Lượt xem: {run}"))
    assert rows(db, "select article_key, url, view_count, first_seen_at from articles") == [
        (sample.key(addresses[0]), addresses[-1], 4, "2026-11-01T08:00:00+07:00")]
    assert rows(db, "select url, view_count from view_counts order by id") == [(u, n) for n, u in enumerate(addresses, 1)]
    assert rows(db, "select count(*) from article_versions") == [(0,)]


def test_wayback_http_and_live_https_www_are_one_row(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    honglinh = registry()["honglinh"]
    archived = item("honglinh", "http://honglinh.hatinh.gov.vn/portal/pages/2018-10-10/Tin-1.aspx",
                    "2025-06-01T08:00:00+07:00", title="Như lưu trữ", views_raw="Lượt xem: 50", source="wayback",
                    captured_at="2025-06-01T08:00:00+07:00", capture_url="https://web.archive.org/web/2025/x")
    live = item("honglinh", "https://www.honglinh.hatinh.gov.vn/portal/Pages/2018-10-10/Tin-1.aspx",
                "2026-11-01T08:00:00+07:00")
    write(db, [honglinh], 1, archived)
    write(db, [honglinh], 2, live)
    assert rows(db, "select article_key, url, title, source from articles") == [
        ("honglinh:/portal/pages/2018-10-10/tin-1.aspx", live.url, live.title, "live")]
    assert rows(db, "select source, view_count from view_counts order by observed_at") == [("wayback", 50), ("live", 162)]
    # A later capture never replaces the live row, and still counts as an observation.
    later = item("honglinh", archived.url, "2026-12-01T08:00:00+07:00", title="Khác", source="wayback",
                 captured_at="2026-12-01T08:00:00+07:00")
    write(db, [honglinh], 3, later)
    assert rows(db, "select count(*), max(title), max(source) from articles") == [(1, live.title, "live")]
    assert rows(db, "select count(*) from view_counts") == [(3,)]


def test_redirects_within_a_site_and_to_another_site(tmp_path: Path) -> None:
    families = load_families(FAMILIES_DIR)
    path = tmp_path / "sites.toml"
    path.write_text('[sites.ward]\nname = "W"\nfamily = "hatinh_new"\nbase_url = "https://ward.hatinh.gov.vn"\n'
                    'aliases = ["http://old-ward.hatinh.gov.vn"]\nstart_paths = ["/vi/chuyen-muc/tin"]\n', encoding="utf-8")
    ward = load_sites(path, families)["ward"]
    db = open_archive(tmp_path / "archive.db")
    before = item("ward", "https://ward.hatinh.gov.vn/vi/bai-viet/le-hoi", "2026-11-01T08:00:00+07:00")
    write(db, [ward], 1, before)
    # The former host redirects to the current one: the same article, one row.
    alias = item("ward", "https://ward.hatinh.gov.vn/vi/bai-viet/le-hoi", "2026-11-02T08:00:00+07:00",
                 fetched_url="http://old-ward.hatinh.gov.vn/vi/bai-viet/le-hoi")
    write(db, [ward], 2, alias)
    # Then the ward's portal is merged into the province's: its article redirects there.
    moved = item("ward", "https://hatinh.gov.vn/vi/bai-viet/ward-le-hoi", "2026-11-03T08:00:00+07:00",
                 fetched_url="https://ward.hatinh.gov.vn/vi/bai-viet/le-hoi")
    write(db, [ward], 3, moved)
    assert rows(db, "select article_key, url, moved_to from articles") == [
        ("ward:/vi/bai-viet/le-hoi", "https://ward.hatinh.gov.vn/vi/bai-viet/le-hoi",
         "https://hatinh.gov.vn/vi/bai-viet/ward-le-hoi")]
    assert rows(db, "select count(distinct article_key), count(*) from view_counts") == [(1, 3)]


def test_failures_raw_pages_and_removals_use_the_key(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    sample = registry()["sample"]
    write(db, [sample], 1, item("sample", "http://127.0.0.1:40001" + SEED, "2026-11-01T08:00:00+07:00"))
    writer = ArchiveWriter(db, 2, [sample])
    gone = "http://localhost:40002" + SEED.upper()
    writer.write_batch(writer.prepare([], [FailureItem(site="sample", url=gone, observed_at="2026-11-02T08:00:00+07:00",
                                                       kind="http", reason="http_404", http_status=404)],
                                      [RawPageItem(site="sample", url=gone, kind="error", fetched_at="2026-11-02",
                                                   status=404, body=b"gone")]))
    key = sample.key(gone)
    assert rows(db, "select removed_at from articles where article_key = ?", (key,)) == [("2026-11-02T08:00:00+07:00",)]
    assert rows(db, "select article_key from failures") == rows(db, "select article_key from raw_pages") == [(key,)]


def test_crawl_state_knows_articles_and_walks_at_a_new_address(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from pipelines.normalize import VN_TZ

    old, new = registry("http://127.0.0.1:40001")["sample"], registry("http://localhost:40002")["sample"]
    path = tmp_path / "archive.db"
    db = open_archive(path)
    write(db, [old], 1, item("sample", "http://127.0.0.1:40001" + SEED, "2026-11-01T08:00:00+07:00"))
    db["listing_walks"].insert({"site": "sample", "listing_key": old.key(old.start_urls[0]), "listing_url": old.start_urls[0],
                                "crawl_run_id": 1, "completed_at": "2026-11-01T09:00:00+07:00"})
    db.close()
    state = CrawlState(path)
    link = "http://localhost:40002" + SEED.replace("/pages/", "/Pages/")
    assert state.known([link, "http://localhost:40002/honglinh/portal/pages/2020-1-1/khac-9.aspx"], new) == {link}
    plan = plan_site(state, IncrementalPolicy(refetch_after=timedelta(0)), new, datetime(2027, 1, 1, tzinfo=VN_TZ))
    assert plan.completed_walks == {new.start_urls[0]}
    assert plan.refetch == ["http://localhost:40002" + SEED]  # at the site's current address
    state.close()


# --- the migration of an archive built by the previous version -------------------------------------


def old_archive(path: Path) -> Database:
    """An archive with the schema of the previous version (before m009) and its search indexes."""
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m009_article_identity")
    search_migrations.apply(db)
    db["sites"].insert_all([{"slug": "sample", "platform": "sharepoint_portal", "base_url": "http://127.0.0.1:40002"},
                            {"slug": "honglinh", "platform": "sharepoint_portal",
                             "base_url": "https://honglinh.hatinh.gov.vn"}], pk="slug")
    return db


NEW_COLUMNS = ("article_key", "moved_to", "attachments", "truncated_from")  # columns later than the version simulated


def old_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the previous version wrote it: the same builders, without the identity columns."""
    return {k: v for k, v in row.items() if k not in NEW_COLUMNS}


def store_old(db: Database, article: ArticleItem, run: int | None, first_seen: str | None = None,
              last_changed: str | None = None) -> None:
    """What the previous storage did for one fetched article: its row by full URL, one observation
    and the raw page."""
    row = old_row(article_row(article, run))
    db["articles"].insert({**row, "first_seen_at": first_seen or article.fetched_at,
                           "last_changed_at": last_changed or first_seen or article.fetched_at})
    db["view_counts"].insert(old_row(view_row(article, run)))
    db["raw_pages"].insert(old_row(raw_page_row(RawPageItem(
        site=article.site, url=article.url, kind="article", fetched_at=article.fetched_at, status=200,
        body=(article.title or "").encode(), source=article.source), run, None)))


P1, P2, LOCAL = "http://127.0.0.1:40001", "http://127.0.0.1:40002", "http://localhost:40002"
A = "/honglinh/portal/pages/2018-10-10/Cum-ATLC-1.aspx"
C = "/honglinh/portal/Pages/2019-1-1/Hoi-Nghi-2.aspx"
D = "/portal/Pages/2020-5-5/Le-hoi-3.aspx"
E = "/honglinh/portal/pages/2021-2-2/Mot-minh-4.aspx"
T0, T1, T2, T3 = ("2026-10-01T08:00:00+07:00", "2026-11-01T08:00:00+07:00", "2026-11-08T08:00:00+07:00",
                  "2026-11-15T08:00:00+07:00")


def doubled_archive(path: Path) -> None:
    """Two runs of the previous version against the sample portal on two ports (and a Wayback
    capture of a real portal under http:// beside its live https://www. row): each article twice."""
    db = old_archive(path)
    with db.atomic():
        store_old(db, item("sample", P1 + A, T1, views_raw="Lượt xem: 100"), 1)
        store_old(db, item("sample", P2 + A, T2, views_raw="Lượt xem: 120"), 2)
        # Edited between the runs, and already edited once before (a version of its first URL).
        db["article_versions"].insert(old_row(version_row(
            {**article_row(item("sample", P1 + C, T0, title="Hội nghị (bản đầu)"), 1)}, 1, T1, 1)))
        store_old(db, item("sample", P1 + C, T1, title="Hội nghị (bản hai)"), 1, first_seen=T0, last_changed=T1)
        store_old(db, item("sample", LOCAL + C.lower(), T2, title="Hội nghị (bản ba)"), 2)
        store_old(db, item("honglinh", "http://honglinh.hatinh.gov.vn" + D, T3, title="Lễ hội (bản lưu)",
                           source="wayback", captured_at=T3, capture_url="https://web.archive.org/web/x"), None)
        store_old(db, item("honglinh", "https://www.honglinh.hatinh.gov.vn" + D, T1, title="Lễ hội"), 1)
        store_old(db, item("sample", P2 + E, T2, title="Một mình"), 2)
        db["failures"].insert(old_row(failure_row(FailureItem(
            site="sample", url=P1 + A, observed_at=T0, kind="http", reason="http_500", http_status=500), 0)))
        for run, base, started in ((1, P1, T1), (2, P2, T2)):
            db["listing_walks"].insert({"site": "sample", "listing_url": base + "/honglinh/portal/Pages/Kinh-te.aspx",
                                        "crawl_run_id": run, "started_at": started, "completed_at": started,
                                        "pages": 3, "stopped_because": "last_page"})
    db.close()


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                            "and name not like '%fts%' and name != '_sqlite_migrations'")]
        out = {name: conn.execute(f"select rowid, * from [{name}] order by rowid").fetchall() for name in names}
        out["schema"] = conn.execute("select type, name, sql from sqlite_master order by name").fetchall()
        out["fts"] = conn.execute(f"select * from {FTS_TABLE}_data union all select * from {EXACT_FTS_TABLE}_data "
                                  "order by 1").fetchall()
        return out
    finally:
        conn.close()


def test_migration_merges_a_doubled_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    doubled_archive(path)
    db = open_archive(path)  # applies m009
    sample_key = lambda p: article_key("sample", P1 + p, SHAREPOINT)  # noqa: E731
    d_key = article_key("honglinh", "http://x" + D, SHAREPOINT)
    assert rows(db, "select article_key, url, title, source, first_seen_at, last_changed_at, fetched_at, view_count "
                    "from articles order by article_key") == [
        (d_key, "https://www.honglinh.hatinh.gov.vn" + D, "Lễ hội", "live", T1, T1, T1, 162),
        (sample_key(A), P2 + A, "Cụm ATLC sơ kết", "live", T1, T1, T2, 120),
        (sample_key(C), LOCAL + C.lower(), "Hội nghị (bản ba)", "live", T0, T2, T2, 162),
        (sample_key(E), P2 + E, "Một mình", "live", T2, T2, T2, 162),
    ]
    # Every observation, version, raw page and failure kept, each with its own URL and the article's key.
    assert rows(db, "select article_key, url, view_count, source from view_counts order by article_key, observed_at") == [
        (d_key, "https://www.honglinh.hatinh.gov.vn" + D, 162, "live"),
        (d_key, "http://honglinh.hatinh.gov.vn" + D, 162, "wayback"),
        (sample_key(A), P1 + A, 100, "live"), (sample_key(A), P2 + A, 120, "live"),
        (sample_key(C), P1 + C, 162, "live"), (sample_key(C), LOCAL + C.lower(), 162, "live"),
        (sample_key(E), P2 + E, 162, "live"),
    ]
    assert rows(db, "select article_key, version, title, url from article_versions order by article_key, version") == [
        (d_key, 1, "Lễ hội (bản lưu)", "http://honglinh.hatinh.gov.vn" + D),
        (sample_key(C), 1, "Hội nghị (bản đầu)", P1 + C), (sample_key(C), 2, "Hội nghị (bản hai)", P1 + C),
    ]
    assert rows(db, "select count(*), count(distinct article_key) from raw_pages") == [(7, 4)]
    assert rows(db, "select count(*) from raw_pages r join articles a using (article_key)") == [(7,)]
    assert rows(db, "select article_key, url from failures") == [(sample_key(A), P1 + A)]
    assert rows(db, "select listing_key, listing_url, crawl_run_id from listing_walks") == [
        ("sample:/honglinh/portal/pages/kinh-te.aspx", P2 + "/honglinh/portal/Pages/Kinh-te.aspx", 2)]
    # The deleted rows left the search indexes with them.
    for table in (FTS_TABLE, EXACT_FTS_TABLE):
        db.execute(f"insert into {table}({table}) values ('integrity-check')")
        assert rows(db, f"select count(*) from {table} where {table} match 'hoi'") == [(2,)] or table == EXACT_FTS_TABLE
    assert rows(db, f"select a.title from {FTS_TABLE} f join articles a on a.rowid = f.rowid "
                    f"where {FTS_TABLE} match 'nghi'") == [("Hội nghị (bản ba)",)]
    assert db["articles"].pks == ["article_key"] and db["listing_walks"].pks == ["site", "listing_key"]
    db.close()


def test_migration_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    doubled_archive(path)
    open_archive(path).close()
    before = dump(path)
    db = open_archive(path)  # recorded as applied: not run again
    db.close()
    db = open_archive(path)
    with db.atomic():
        rekey_archive(db, archive_rules(db))  # and run again by hand: nothing left to do
    db.close()
    assert dump(path) == before


def test_migration_one_observation_per_article_run_and_time(tmp_path: Path) -> None:
    """Two addresses of one article fetched in the same run and second were one observation."""
    path = tmp_path / "archive.db"
    db = old_archive(path)
    store_old(db, item("sample", P1 + A, T1), 1)
    store_old(db, item("sample", P2 + A.upper(), T1), 1)
    store_old(db, item("sample", P2 + A, T2), 2)
    db.close()
    db = open_archive(path)
    assert rows(db, "select count(*) from articles") == [(1,)]
    assert rows(db, "select crawl_run_id, observed_at from view_counts order by id") == [(1, T1), (2, T2)]
    db.close()


def test_fresh_archive_schema() -> None:
    db = open_archive(":memory:")
    assert db["articles"].pks == ["article_key"]
    assert {"article_key", "moved_to", "url"} <= set(db["articles"].columns_dict)
    for table in ("view_counts", "article_versions", "raw_pages", "failures"):
        assert "article_key" in db[table].columns_dict, table
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["view_counts"].foreign_keys] == [
        ("article_key", "articles", "article_key")]
