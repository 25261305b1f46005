"""Administrative units in the archive: the admin tables and their refresh (migration m011), the
crosswalk on known cases, every registry site tagged (by code or name; bad names fail with the
candidates), generic-mode sites tagged from their host and title, the articles' unit columns and
facets, the three canned queries and the map's query, and `scrapy sites`.

Expected units are the official ones (see tests/test_vnadmin.py for the codes themselves).
"""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlite_utils import Database

from crawler.generic.profile import generic_profile
from crawler.items import ArticleItem, RawPageItem
from crawler.profiles import ProfileError, load_families, load_sites
from crawler.profiles.units import entry_location
from crawler.sites import load_registry
from pipelines.rows import site_row
from pipelines.schema import migrations, open_archive
from pipelines.search import search_migrations
from pipelines.storage import ArchiveWriter
from pipelines.units import ARTICLE_TAG_COLUMNS, heading_text, refresh_admin_tables, write_site_rows
from sample_portal import SamplePortalServer
from tests.conftest import REPO_ROOT, rows
from tests.generic_sites import generic_crawl_command
from tests.test_search import META, crawl_sample_archive, datasette_json, sample_truth
from vnadmin import crosswalk_rows, data_version

FAMILIES_DIR = REPO_ROOT / "crawler" / "profiles" / "families"
SITES_FILE = REPO_ROOT / "crawler" / "profiles" / "sites.toml"
SETTINGS = {"SAMPLE_PORTAL_URL": "http://127.0.0.1:8765", "PORTAL_FAMILIES_DIR": str(FAMILIES_DIR),
            "PORTAL_SITES_FILE": str(SITES_FILE)}
NOW = "2026-11-28T10:00:00+07:00"
DASHBOARD = META["plugins"]["datasette-dashboards"]["archive"]




def run(db: Path, name: str, **params: str) -> list[dict[str, Any]]:
    data = datasette_json(db, f"/archive/{name}.json", **params)
    assert data.get("ok", True) and not data.get("error"), data
    return data["rows"]


# --- the tables ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "archive.db"
    open_archive(path).close()
    return path


def test_admin_units_of_both_eras(fresh: Path) -> None:
    counts = {(r["era"], r["level"]): r["n"]
              for r in rows(fresh, "select era, level, count(*) n from admin_units group by 1, 2")}
    assert counts == {("legacy", "province"): 63, ("legacy", "district"): 696, ("legacy", "commune"): 10035,
                      ("2025", "province"): 34, ("2025", "commune"): 3321}
    [unit] = rows(fresh, "select * from admin_units where uid = 'legacy:437'")
    assert unit["name"] == "Thị xã Hồng Lĩnh" and unit["type"] == "thị xã" and unit["level"] == "district"
    assert unit["parent_uid"] == unit["province_uid"] == "legacy:42" and unit["code"] == "437"
    assert 18 < unit["lat"] < 19 and 105 < unit["lon"] < 106
    [ward] = rows(fresh, "select * from admin_units where uid = '2025:18115'")
    assert (ward["name"], ward["type"], ward["parent_uid"]) == ("Phường Bắc Hồng Lĩnh", "phường", "2025:42")
    [old] = rows(fresh, "select * from admin_units where uid = 'legacy:18115'")
    assert (old["name"], old["parent_uid"], old["province_uid"]) == ("Phường Bắc Hồng", "legacy:437", "legacy:42")
    types = {r["type"] for r in rows(fresh, "select distinct type from admin_units")}
    assert types == {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"}
    assert rows(fresh, "select count(*) n from admin_crosswalk")[0]["n"] == len(list(crosswalk_rows()))
    meta = {r["key"]: r["value"] for r in rows(fresh, "select * from admin_meta")}
    assert meta["data_version"].startswith(data_version() + ";") and "MIT" in meta["source"]


@pytest.mark.parametrize(("legacy", "expected"), [
    # provinces: merged, or kept alone
    ("legacy:67", {("2025:68", "Tỉnh Lâm Đồng", "merged_into", 1)}),           # Đắk Nông -> Lâm Đồng
    ("legacy:36", {("2025:37", "Tỉnh Ninh Bình", "merged_into", 1)}),          # Nam Định -> Ninh Bình
    ("legacy:02", {("2025:08", "Tỉnh Tuyên Quang", "merged_into", 1)}),        # Hà Giang -> Tuyên Quang
    ("legacy:42", {("2025:42", "Tỉnh Hà Tĩnh", "kept", 1)}),
    # a former district: its province and the communes formed from its territory
    ("legacy:437", {("2025:42", "Tỉnh Hà Tĩnh", "within", 1),
                    ("2025:18115", "Phường Bắc Hồng Lĩnh", "territory_to", 1),
                    ("2025:18118", "Phường Nam Hồng Lĩnh", "territory_to", 0)}),
    # communes of thị xã Hồng Lĩnh into the two new wards
    ("legacy:18115", {("2025:18115", "Phường Bắc Hồng Lĩnh", "merged_into", 1)}),
    ("legacy:18118", {("2025:18118", "Phường Nam Hồng Lĩnh", "merged_into", 1)}),
    # an island district without communes became the đặc khu of its name
    ("legacy:755", {("2025:79", "Thành phố Hồ Chí Minh", "within", 1),
                    ("2025:26732", "Đặc khu Côn Đảo", "territory_to", 1)}),
])
def test_crosswalk_known_cases(fresh: Path, legacy: str, expected: set[tuple]) -> None:
    found = rows(fresh, "select c.new_uid, n.name, c.relation, c.is_default from admin_crosswalk c "
                       "join admin_units n on n.uid = c.new_uid where c.legacy_uid = ?", [legacy])
    assert {tuple(r.values()) for r in found} == expected


def test_crosswalk_split_commune_has_one_default(fresh: Path) -> None:
    split = rows(fresh, "select legacy_uid, sum(is_default) d, count(*) n from admin_crosswalk "
                        "where relation = 'split_into' group by legacy_uid")
    assert split and all(r["d"] == 1 and r["n"] >= 2 for r in split)
    assert rows(fresh, "select count(*) n from admin_crosswalk c join admin_units u on u.uid = c.legacy_uid "
                       "where u.era = 'legacy' and u.level = 'commune' and c.relation in ('merged_into', 'split_into')"
                       )[0]["n"] >= 10035


def test_tables_are_refilled_only_when_outdated(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    db.execute("update admin_units set name = 'kept' where uid = 'legacy:437'")  # a current table is left alone
    db.conn.commit()
    assert refresh_admin_tables(db) is False
    db.close()
    db = open_archive(path)
    assert db.execute("select name from admin_units where uid = 'legacy:437'").fetchone()[0] == "kept"
    # Another data version (a new pinned package): everything is filled anew at the next open.
    db.execute("update admin_meta set value = 'vietnamadminunits==0.9' where key = 'data_version'")
    db.execute("delete from admin_units where era = '2025'")
    db.execute("delete from admin_crosswalk")
    db.conn.commit()
    db.close()
    db = open_archive(path)
    assert db.execute("select name from admin_units where uid = 'legacy:437'").fetchone()[0] == "Thị xã Hồng Lĩnh"
    assert db.execute("select count(*) from admin_units where era = '2025'").fetchone()[0] == 3355
    assert db.execute("select count(*) from admin_crosswalk").fetchone()[0] == len(list(crosswalk_rows()))
    stored = db.execute("select value from admin_meta where key = 'data_version'").fetchone()[0]
    assert stored.startswith(data_version())
    db.close()


def test_dataset_cache_gives_what_the_package_files_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """vnadmin keeps what it read (a crawl's start-up would otherwise spend ~0.4 s on it): the cached
    dataset is the built one, and a damaged cache is built anew."""
    from vnadmin import data as vdata

    monkeypatch.setenv("VNADMIN_CACHE", str(tmp_path))
    root = vdata._package_dir() / "data"
    built = vdata._build(root, vdata.load().version)
    path = vdata._cache_file(root, built.version)
    assert path is not None and path.parent == tmp_path and not path.exists()
    vdata._write_cache(path, built)
    cached = vdata._read_cache(path)
    assert cached is not None and list(cached.units.items()) == list(built.units.items())
    assert cached.children == built.children and cached.commune_to_2025 == built.commune_to_2025
    assert (cached.provinces, cached.districts, cached.communes) == (built.provinces, built.districts, built.communes)
    assert (cached.province_to_2025, cached.district_to_2025, cached.district_aliases, cached.commune_from_legacy) == \
        (built.province_to_2025, built.district_to_2025, built.district_aliases, built.commune_from_legacy)
    path.write_bytes(path.read_bytes()[:1000])
    assert vdata._read_cache(path) is None
    monkeypatch.setenv("VNADMIN_CACHE", "0")
    assert vdata._cache_file(root, built.version) is None


def test_migration_tags_an_older_archive(tmp_path: Path) -> None:
    """An archive made before m011: its sites are tagged from what their rows say, and its articles
    get their site's unit columns."""
    path = tmp_path / "archive.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m011_admin_units")
    search_migrations.apply(db)
    db["sites"].insert_all([
        {"slug": "sample", "name": "Sample", "base_url": "http://127.0.0.1:8765/honglinh",
         "platform": "sharepoint_portal", "province": "Hà Tĩnh", "unit": "Thị xã Hồng Lĩnh (sample)",
         "level": "district"},
        {"slug": "generic-stp-daknong-gov-vn", "name": "stp.daknong.gov.vn (generic crawl)",
         "base_url": "https://stp.daknong.gov.vn", "platform": "generic"},
    ])
    db["articles"].insert_all([
        {"article_key": f"{site}:/{n}", "url": f"https://x/{site}/{n}", "site": site, "title": "T",
         "fetched_at": NOW, "first_seen_at": NOW}
        for site in ("sample", "generic-stp-daknong-gov-vn") for n in range(2)])
    db.conn.commit()
    db.close()
    open_archive(path).close()
    tags = {r["slug"]: r for r in rows(path, "select * from sites")}
    assert (tags["sample"]["unit_uid"], tags["sample"]["admin_level"], tags["sample"]["unit_rule"]) == \
        ("legacy:437", "district", "registry:unit")
    agency = tags["generic-stp-daknong-gov-vn"]
    assert (agency["admin_level"], agency["legacy_province"], agency["province_2025"], agency["unit_rule"]) == \
        ("province_agency", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "host:agency")
    assert "agency: Sở Tư pháp" in agency["unit_notes"]
    assert Counter((r["site"], r["legacy_province"], r["province_2025"], r["admin_level"])
                   for r in rows(path, "select * from articles")) == {
        ("sample", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", "district"): 2,
        ("generic-stp-daknong-gov-vn", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "province_agency"): 2}


# --- the registry -------------------------------------------------------------------------------------


REGISTRY_LEVELS = {"district": "district", "commune": "commune", "ward": "commune", "province": "province",
                   "agency": "province_agency"}


def test_every_registry_and_sample_site_is_tagged_in_both_eras() -> None:
    sites = load_registry(SETTINGS)
    assert {"sample", "sample-hatinh", "sample-nukeviet", "honglinh", "btctdbp"} <= set(sites)
    for slug, site in sites.items():
        row = site_row(site, NOW)
        assert re.fullmatch(r"(legacy|2025):\d+", site.unit_code), slug
        assert row["unit_uid"] == site.unit_code and row["unit_confidence"] == 1.0, slug
        assert row["legacy_province"] and row["province_2025"], slug
        assert row["admin_level"] == REGISTRY_LEVELS[site.level], slug
        assert row["unit_rule"] == "registry:unit_code", slug
    tags = {slug: site_row(site, NOW) for slug, site in sites.items()}
    assert {k: tags["sample"][k] for k in ("legacy_district", "legacy_district_code", "province_2025")} == \
        {"legacy_district": "Thị xã Hồng Lĩnh", "legacy_district_code": "437", "province_2025": "Tỉnh Hà Tĩnh"}
    assert (tags["sample-hatinh"]["ward_2025"], tags["sample-hatinh"]["ward_2025_code"],
            tags["sample-hatinh"]["legacy_district"]) == ("Phường Nam Hồng Lĩnh", "18118", "Thị xã Hồng Lĩnh")
    assert (tags["sample-nukeviet"]["ward_2025"], tags["sample-nukeviet"]["province_2025"],
            tags["sample-nukeviet"]["legacy_province"]) == ("Xã Minh Đức", "Tỉnh Đồng Nai", "Tỉnh Bình Phước")
    assert (tags["namdinh"]["legacy_province"], tags["namdinh"]["province_2025"]) == ("Tỉnh Nam Định", "Tỉnh Ninh Bình")
    assert (tags["xasonlinh"]["legacy_ward"], tags["xasonlinh"]["ward_2025"]) == ("Xã Sơn Lĩnh", "Xã Sơn Hồng")
    assert tags["btctdbp"]["unit_notes"] == "agency: Sở VHTTDL tỉnh Điện Biên (bảo tàng)"


def test_registry_names_resolve_to_the_codes_it_gives() -> None:
    """Each entry's unit and province, resolved by name alone, give its unit_code: the two agree."""
    entries = tomllib.loads(SITES_FILE.read_text(encoding="utf-8"))["sites"]
    for slug, entry in entries.items():
        uid, location = entry_location(unit=entry.get("unit", ""), province=entry.get("province", ""),
                                       level=entry.get("level", ""))
        assert uid == entry["unit_code"], slug
        assert location.rule in ("registry:unit", "registry:agency+province"), slug


def _registry(tmp_path: Path, **keys: str) -> Path:
    body = '[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n'
    body += "".join(f'{k} = "{v}"\n' for k, v in keys.items())
    path = tmp_path / "sites.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_registry_entry_by_name_or_code(tmp_path: Path) -> None:
    families = load_families(FAMILIES_DIR)
    by_name = load_sites(_registry(tmp_path, unit="Hồng Lĩnh", province="Hà Tĩnh", level="district"), families)["x"]
    assert (by_name.unit_code, by_name.location.rule) == ("legacy:437", "registry:unit")
    ward = load_sites(_registry(tmp_path, unit="Phường Nam Hồng Lĩnh", province="Hà Tĩnh", level="ward"), families)["x"]
    assert ward.unit_code == "2025:18118"
    by_code = load_sites(_registry(tmp_path, unit_code="2025:18115"), families)["x"]
    assert (by_code.unit_code, by_code.location.new_2025.ward.name) == ("2025:18115", "Phường Bắc Hồng Lĩnh")
    agency = load_sites(_registry(tmp_path, unit="Sở Tư pháp", province="Đắk Nông", level="agency"), families)["x"]
    assert (agency.unit_code, agency.location.level, agency.location.new_2025.province.name) == \
        ("legacy:67", "province_agency", "Tỉnh Lâm Đồng")
    unnamed = load_sites(_registry(tmp_path), families)["x"]  # no unit given: located from its host, and says so
    assert unnamed.location.rule.startswith("host:") and unnamed.location.level == "national"


@pytest.mark.parametrize(("keys", "message"), [
    ({"unit": "Xã Sơn Linh", "province": "Hà Tĩnh", "level": "commune"},
     r"\[sites.x\] unit: no unit spelled 'Xã Sơn Linh' in Hà Tĩnh .*candidates: Xã Sơn Lĩnh \(Huyện Hương Sơn, "
     r"Tỉnh Hà Tĩnh\) \[legacy:18160\]"),
    ({"unit": "Kỳ Anh", "province": "Hà Tĩnh", "level": "district"},
     r"\[sites.x\] unit: 'Kỳ Anh' in Hà Tĩnh fits 2 units .*candidates: Huyện Kỳ Anh \(Tỉnh Hà Tĩnh\) \[legacy:447\]; "
     r"Thị xã Kỳ Anh \(Tỉnh Hà Tĩnh\) \[legacy:449\]"),
    ({"unit": "Xã Sơn Lĩn", "province": "Hà Tĩnh", "level": "commune"},
     r"\[sites.x\] unit: no unit called 'Xã Sơn Lĩn' in Hà Tĩnh; candidates: Xã Sơn Lĩnh .*\[legacy:18160\]"),
    ({"unit": "Minh Đức"}, r"\[sites.x\] unit: 'Minh Đức' fits \d+ units .*candidates: "),
    ({"unit_code": "legacy:99999"}, r"\[sites.x\] unit_code: unit_code 'legacy:99999': no such unit"),
    ({"unit_code": "437"}, r"\[sites.x\] unit_code: unit_code '437': no such unit \(expected era:code"),
    ({"unit_code": "legacy:437", "unit": "Xã Sơn Lĩnh"},
     r"\[sites.x\] unit_code: unit_code legacy:437 is Thị xã Hồng Lĩnh, but unit is 'Xã Sơn Lĩnh'"),
    ({"unit_code": "legacy:437", "level": "commune"},
     r"\[sites.x\] unit_code: Thị xã Hồng Lĩnh \(legacy 437\) is a district, but level is 'commune'"),
    ({"unit_code": "legacy:437", "province": "Nghệ An"},
     r"\[sites.x\] unit_code: province 'Nghệ An' is not the unit's province \(Tỉnh Hà Tĩnh\)"),
    ({"unit": "Sở Tư pháp", "level": "agency"}, r"\[sites.x\] unit: an agency is tagged with its province"),
    ({"unit": "Hồng Lĩnh", "province": "Hà Tĩnh", "level": "town"}, r"\[sites.x\] unit: level 'town': unknown"),
])
def test_bad_unit_fails_loading_with_the_candidates(tmp_path: Path, keys: dict[str, str], message: str) -> None:
    path = _registry(tmp_path, **keys)
    with pytest.raises(ProfileError, match=message) as info:
        load_sites(path, load_families(FAMILIES_DIR))
    assert str(info.value).startswith(f"{path}: ")


def test_crawl_with_a_bad_unit_exits_2_listing_candidates(tmp_path: Path) -> None:
    path = _registry(tmp_path, unit="Kỳ Anh", province="Hà Tĩnh", level="district")
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=x", "-s",
                             f"PORTAL_SITES_FILE={path}", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "error: configuration error: " in result.stderr
    assert "[sites.x] unit: 'Kỳ Anh' in Hà Tĩnh fits 2 units" in result.stderr
    assert "Huyện Kỳ Anh (Tỉnh Hà Tĩnh) [legacy:447]; Thị xã Kỳ Anh (Tỉnh Hà Tĩnh) [legacy:449]" in result.stderr
    assert not (tmp_path / "a.db").exists()


# --- generic-mode sites ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("start_url", "level", "uid", "legacy", "new", "rule"), [
    ("https://honglinh.hatinh.gov.vn/portal/Pages/default.aspx", "district", "legacy:437", "Tỉnh Hà Tĩnh",
     "Tỉnh Hà Tĩnh", "host:district-slug+province"),
    ("https://xasonlinh.hatinh.gov.vn/", "commune", "legacy:18160", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh",
     "host:commune-typed+province"),
    ("https://namhonglinh.hatinh.gov.vn/vi", "commune", "2025:18118", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh",
     "host:commune-2025-slug+province"),
    ("https://stp.daknong.gov.vn/", "province_agency", "legacy:67", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "host:agency"),
    ("https://hatinh.gov.vn/", "province", "legacy:42", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", "host:province"),
    ("https://moh.gov.vn/", "national", None, None, None, "host:national"),
    ("http://127.0.0.1:8765/", "unknown", None, None, None, "host:not-a-portal"),
])
def test_generic_sites_are_tagged_from_their_host(start_url: str, level: str, uid: str | None, legacy: str | None,
                                                  new: str | None, rule: str) -> None:
    row = site_row(generic_profile(start_url), NOW)
    assert (row["admin_level"], row["unit_uid"], row["legacy_province"], row["province_2025"]) == \
        (level, uid, legacy, new)
    assert row["unit_rule"] == rule and row["unit_confidence"] is not None


def test_heading_text_reads_title_site_name_and_header() -> None:
    html = ('<html><head><title>Trang chủ</title><meta property="og:site_name" content="Cổng TTĐT xã Sơn Lĩnh">'
            '<script>var x = "xã Khác";</script></head><body>'
            '<div id="header"><div class="header-date">Thứ hai, 01/12/2025</div><img src="l.png" alt="Quốc huy">'
            '<span>UBND XÃ SƠN LĨNH</span><ul class="menu"><li>Huyện Hương Sơn</li></ul>'
            '<form><input name="q"></form></div><div class="content">xã Sơn Tiến</div></body></html>')
    assert heading_text(html) == "Trang chủ | Cổng TTĐT xã Sơn Lĩnh | Quốc huy UBND XÃ SƠN LĨNH"
    assert heading_text("") == "" and heading_text("<p>no head</p>") == ""


def _generic_writer(db_path: Path, start_url: str) -> tuple[Any, ArchiveWriter, Any]:
    db = open_archive(db_path)
    site = generic_profile(start_url)
    write_site_rows(db, [site_row(site, NOW)])
    return db, ArchiveWriter(db, None, [site]), site


def _page(site: Any, url: str, html: str, kind: str = "listing") -> RawPageItem:
    return RawPageItem(site=site.slug, url=url, kind=kind, fetched_at=NOW, status=200, body=html.encode("utf-8"),
                       content_type="text/html; charset=utf-8", encoding="utf-8")


def _article(site: Any, n: int, date: str = "2024-03-01") -> ArticleItem:
    return ArticleItem(site=site.slug, url=f"{site.base_url}/tin-{n}.html", title=f"Tin {n}", body_text="Nội dung.",
                       fetched_at=NOW, published_at=date, published_date=date, published_precision="day")


def test_generic_site_is_tagged_anew_from_its_title(tmp_path: Path) -> None:
    """A host that says little (a bare commune slug shared by two provinces' communes, here an IP)
    gets its unit from what the portal shows; its articles follow, and the next run keeps it."""
    db, writer, site = _generic_writer(tmp_path / "archive.db", "http://127.0.0.1:8123/")
    before = rows(tmp_path / "archive.db", "select admin_level, unit_rule from sites")
    assert before == [{"admin_level": "unknown", "unit_rule": "host:not-a-portal"}]
    with db.atomic():
        writer.write_articles([_article(site, 1)])
    batch = writer.prepare([_article(site, 2)], [], [
        _page(site, "http://127.0.0.1:8123/", "<title>Cổng thông tin điện tử xã Sơn Lĩnh, huyện Hương Sơn, "
                                             "tỉnh Hà Tĩnh</title>")])
    writer.write_batch(batch)
    db.close()
    [tag] = rows(tmp_path / "archive.db", "select * from sites")
    assert (tag["unit_uid"], tag["admin_level"], tag["legacy_ward"], tag["legacy_district"], tag["ward_2025"]) == \
        ("legacy:18160", "commune", "Xã Sơn Lĩnh", "Huyện Hương Sơn", "Xã Sơn Hồng")
    assert tag["unit_rule"].startswith("title:commune") and tag["portal_title"].startswith("Cổng thông tin")
    articles = rows(tmp_path / "archive.db", f"select {', '.join(ARTICLE_TAG_COLUMNS)} from articles")
    assert articles == [
        {"legacy_province": "Tỉnh Hà Tĩnh", "province_2025": "Tỉnh Hà Tĩnh", "admin_level": "commune"}] * 2
    # The next run writes the site row from its host and the title it was last tagged from.
    from pipelines.units import stored_titles
    db = open_archive(tmp_path / "archive.db")
    write_site_rows(db, [site_row(site, NOW, stored_titles(db, [site.slug]).get(site.slug))])
    db.conn.commit()
    db.close()
    assert rows(tmp_path / "archive.db", "select unit_uid from sites") == [{"unit_uid": "legacy:18160"}]


def test_generic_crawl_tags_the_portal_from_its_pages(tmp_path: Path) -> None:
    """`scrapy crawl portal -a start_url=...` of the local replica of phường Nam Hồng Lĩnh's portal:
    its host (127.0.0.1) says nothing, its title and header do."""
    db = tmp_path / "archive.db"
    with SamplePortalServer() as server:
        result = subprocess.run(generic_crawl_command(server.url.rstrip("/") + "/namhonglinh/vi", str(db),
                                                      "-a", "max_pages=4"),
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode in (0, 4), result.stderr[-3000:]
    [site] = rows(db, "select * from sites")
    assert site["platform"] == "generic" and site["unit_uid"] == "2025:18118"
    assert (site["ward_2025"], site["province_2025"], site["admin_level"]) == \
        ("Phường Nam Hồng Lĩnh", "Tỉnh Hà Tĩnh", "commune")
    assert site["unit_rule"] == "title:commune" and "NAM HỒNG LĨNH" in site["portal_title"]


# --- articles, facets, canned queries, the map's query -------------------------------------------------


KNOWN_SITES = [  # stand-ins of registry entries, tagged by the same code as profiles are
    ("honglinh", "https://honglinh.hatinh.gov.vn", "legacy:437", "district"),
    ("namhong-old", "https://namhong.honglinh.hatinh.gov.vn", "legacy:18118", "commune"),
    ("namhonglinh", "https://namhonglinh.hatinh.gov.vn", "2025:18118", "ward"),
    ("bachonglinh", "https://bachonglinh.hatinh.gov.vn", "2025:18115", "ward"),
    ("xasonlinh", "https://xasonlinh.hatinh.gov.vn", "legacy:18160", "commune"),
    ("krongno", "https://krongno.daknong.gov.vn", "legacy:664", "district"),
    ("lamdong", "https://lamdong.gov.vn", "legacy:68", "province"),
]
KNOWN_ARTICLES = {  # site: publication days
    "honglinh": ["2024-01-10", "2024-01-20", "2025-05-02"], "namhong-old": ["2024-02-01"],
    "namhonglinh": ["2025-08-01", "2025-08-15"], "bachonglinh": ["2025-09-01"], "xasonlinh": ["2024-01-05"],
    "krongno": ["2024-03-03"], "lamdong": ["2024-03-04", "2025-07-30"], "generic-moh-gov-vn": ["2024-01-01"],
}


def known_archive(path: Path) -> Path:
    db = open_archive(path)
    sites = [SimpleNamespace(slug=slug, name=f"Portal {slug}", base_url=url, family="sharepoint_portal", province="",
                             unit="", unit_code=code, level=level, enabled=True, notes="", start_urls=())
             for slug, url, code, level in KNOWN_SITES] + [generic_profile("https://moh.gov.vn/")]
    with db.atomic():
        write_site_rows(db, [site_row(s, NOW) for s in sites])
        writer = ArchiveWriter(db, None, sites)
        by_slug = {s.slug: s for s in sites}
        writer.write_articles([_article(by_slug[slug], n, day) for slug, days in KNOWN_ARTICLES.items()
                               for n, day in enumerate(days)])
    db.close()
    return path


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return known_archive(tmp_path_factory.mktemp("known") / "archive.db")


def test_articles_copy_their_sites_unit(known: Path) -> None:
    found = Counter((r["site"], r["legacy_province"], r["province_2025"], r["admin_level"])
                    for r in rows(known, "select * from articles"))
    assert found[("krongno", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng", "district")] == 1
    assert found[("namhonglinh", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", "commune")] == 2
    assert found[("generic-moh-gov-vn", None, None, "national")] == 1
    assert sum(found.values()) == sum(len(d) for d in KNOWN_ARTICLES.values())


def test_a_corrected_tag_reaches_the_sites_articles(tmp_path: Path) -> None:
    path = known_archive(tmp_path / "archive.db")
    db = open_archive(path)
    corrected = SimpleNamespace(slug="krongno", name="Portal krongno", base_url="https://krongno.daknong.gov.vn",
                                family="sharepoint_portal", province="", unit="", unit_code="legacy:42",
                                level="province", enabled=True, notes="")
    with db.atomic():
        write_site_rows(db, [site_row(corrected, NOW)])
    db.close()
    assert rows(path, "select legacy_province, admin_level from articles where site = 'krongno'") == [
        {"legacy_province": "Tỉnh Hà Tĩnh", "admin_level": "province"}]


def _facets(db: Path, table: str) -> dict[str, dict[str, int]]:
    data = datasette_json(db, f"/archive/{table}.json", _extra="facet_results")
    results = data["facet_results"].get("results", data["facet_results"])
    return {name: {str(f["value"]): f["count"] for f in facet["results"]} for name, facet in results.items()}


def test_facets_on_articles_and_sites(known: Path) -> None:
    facets = _facets(known, "articles")
    assert facets["province_2025"] == {"Tỉnh Hà Tĩnh": 8, "Tỉnh Lâm Đồng": 3}
    assert facets["legacy_province"] == {"Tỉnh Hà Tĩnh": 8, "Tỉnh Lâm Đồng": 2, "Tỉnh Đắk Nông": 1}
    assert facets["admin_level"] == {"district": 4, "commune": 5, "province": 2, "national": 1}
    facets = _facets(known, "sites")
    assert facets["province_2025"] == {"Tỉnh Hà Tĩnh": 5, "Tỉnh Lâm Đồng": 2}
    assert facets["admin_level"] == {"commune": 4, "district": 2, "province": 1, "national": 1}


def test_facet_counts_come_from_the_indexes(known: Path) -> None:
    conn = sqlite3.connect(known)
    for column in ARTICLE_TAG_COLUMNS:
        plan = " ".join(r[-1] for r in conn.execute(
            f"explain query plan select {column} as value, count(*) as count from (select * from articles) "
            f"where {column} is not null group by {column} order by count desc, value limit 31"))
        assert "COVERING INDEX" in plan, (column, plan)
    conn.close()


def test_articles_per_month_by_province_2025(known: Path) -> None:
    keys = ("province_2025", "month", "articles")
    everything = [tuple(r[k] for k in keys) for r in run(known, "articles_per_month_by_province_2025")]
    assert everything == [
        ("Tỉnh Hà Tĩnh", "2024-01", 3), ("Tỉnh Hà Tĩnh", "2024-02", 1), ("Tỉnh Hà Tĩnh", "2025-05", 1),
        ("Tỉnh Hà Tĩnh", "2025-08", 2), ("Tỉnh Hà Tĩnh", "2025-09", 1),
        ("Tỉnh Lâm Đồng", "2024-03", 2), ("Tỉnh Lâm Đồng", "2025-07", 1),
        (None, "2024-01", 1),  # the national portal's
    ]
    lam_dong = [("Tỉnh Lâm Đồng", "2024-03", 2), ("Tỉnh Lâm Đồng", "2025-07", 1)]
    for name in ("Lâm Đồng", "Tỉnh Lâm Đồng", "68", "Đắk Nông"):  # a former province gives its 2025 one
        assert [tuple(r[k] for k in keys) for r in run(known, "articles_per_month_by_province_2025", province=name)] \
            == lam_dong, name
    assert [tuple(r[k] for k in keys) for r in run(known, "articles_per_month_by_province_2025", province="Hà Tĩnh",
                                                    **{"from": "2025-01-01", "to": "2025-08-31"})] == [
        ("Tỉnh Hà Tĩnh", "2025-05", 1), ("Tỉnh Hà Tĩnh", "2025-08", 2)]
    assert run(known, "articles_per_month_by_province_2025", province="Atlantis") == []


def test_articles_of_a_former_district_and_its_successors(known: Path) -> None:
    keys = ("former_district", "role", "site", "unit", "published_date")
    expected = [
        ("Thị xã Hồng Lĩnh", "2025 successor commune", "bachonglinh", "Phường Bắc Hồng Lĩnh", "2025-09-01"),
        ("Thị xã Hồng Lĩnh", "2025 successor commune", "namhonglinh", "Phường Nam Hồng Lĩnh", "2025-08-15"),
        ("Thị xã Hồng Lĩnh", "2025 successor commune", "namhonglinh", "Phường Nam Hồng Lĩnh", "2025-08-01"),
        ("Thị xã Hồng Lĩnh", "former district", "honglinh", "Thị xã Hồng Lĩnh", "2025-05-02"),
        ("Thị xã Hồng Lĩnh", "legacy commune", "namhong-old", "Phường Nam Hồng", "2024-02-01"),
        ("Thị xã Hồng Lĩnh", "former district", "honglinh", "Thị xã Hồng Lĩnh", "2024-01-20"),
        ("Thị xã Hồng Lĩnh", "former district", "honglinh", "Thị xã Hồng Lĩnh", "2024-01-10"),
    ]
    for district in ("437", "legacy:437", "Hồng Lĩnh", "Thị xã Hồng Lĩnh"):
        found = run(known, "former_district_articles", district=district, province="")
        assert [tuple(r[k] for k in keys) for r in found] == expected, district
    assert all(r["title"] and r["url"] for r in found)
    assert [r["published_date"] for r in run(known, "former_district_articles", district="437", province="Hà Tĩnh",
                                             **{"from": "2024-02-01", "to": "2025-08-01"})] == \
        ["2025-08-01", "2025-05-02", "2024-02-01"]
    assert run(known, "former_district_articles", district="437", province="Nghệ An") == []
    krong_no = run(known, "former_district_articles", district="Krông Nô", province="Đắk Nông")
    assert [(r["role"], r["site"]) for r in krong_no] == [("former district", "krongno")]


def test_sites_per_province_with_their_latest_article(known: Path) -> None:
    keys = ("province_2025", "legacy_province", "sites_in_province", "site", "admin_level", "unit", "articles",
            "latest_date")
    found = [tuple(r[k] for k in keys) for r in run(known, "sites_per_province")]
    assert found == [
        ("Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", 5, "bachonglinh", "commune", "Phường Bắc Hồng Lĩnh", 1, "2025-09-01"),
        ("Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", 5, "honglinh", "district", "Thị xã Hồng Lĩnh", 3, "2025-05-02"),
        ("Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", 5, "namhong-old", "commune", "Phường Nam Hồng", 1, "2024-02-01"),
        ("Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", 5, "namhonglinh", "commune", "Phường Nam Hồng Lĩnh", 2, "2025-08-15"),
        ("Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh", 5, "xasonlinh", "commune", "Xã Sơn Lĩnh", 1, "2024-01-05"),
        ("Tỉnh Lâm Đồng", "Tỉnh Lâm Đồng", 2, "lamdong", "province", "Tỉnh Lâm Đồng", 2, "2025-07-30"),
        ("Tỉnh Lâm Đồng", "Tỉnh Đắk Nông", 2, "krongno", "district", "Huyện Krông Nô", 1, "2024-03-03"),
        (None, None, 1, "generic-moh-gov-vn", "national", None, 1, "2024-01-01"),
    ]
    [latest] = [r for r in run(known, "sites_per_province") if r["site"] == "namhonglinh"]
    assert (latest["latest_title"], latest["latest_url"]) == ("Tin 1", "https://namhonglinh.hatinh.gov.vn/tin-1.html")
    assert [r["site"] for r in run(known, "sites_per_province", province="Đắk Nông")] == ["krongno"]
    assert [r["site"] for r in run(known, "sites_per_province", province="68")] == ["lamdong", "krongno"]
    assert [r["site"] for r in run(known, "sites_per_province", province="Tỉnh Lâm Đồng")] == ["lamdong", "krongno"]


def map_query(params: dict[str, str] | None = None) -> str:
    sql = DASHBOARD["charts"]["sites-map"]["query"]
    if params and "site" in params:
        return sql.replace("[[ and s.slug = :site ]]", "and s.slug = :site")
    return re.sub(r"\[\[.*?\]\]", "", sql)


def test_map_query_gives_each_located_site_with_its_articles(known: Path) -> None:
    found = datasette_json(known, "/archive.json", sql=map_query())["rows"]
    assert [(r["site"], r["unit"], r["province"], r["articles"]) for r in found] == [
        ("bachonglinh", "Phường Bắc Hồng Lĩnh", "Tỉnh Hà Tĩnh", 1), ("honglinh", "Thị xã Hồng Lĩnh", "Tỉnh Hà Tĩnh", 3),
        ("krongno", "Huyện Krông Nô", "Tỉnh Lâm Đồng", 1), ("lamdong", "Tỉnh Lâm Đồng", "Tỉnh Lâm Đồng", 2),
        ("namhong-old", "Phường Nam Hồng", "Tỉnh Hà Tĩnh", 1),
        ("namhonglinh", "Phường Nam Hồng Lĩnh", "Tỉnh Hà Tĩnh", 2),
        ("xasonlinh", "Xã Sơn Lĩnh", "Tỉnh Hà Tĩnh", 1),
    ]  # moh.gov.vn, a national portal, has no place on the map
    assert all(8 < r["latitude"] < 24 and 102 < r["longitude"] < 110 for r in found)
    one = datasette_json(known, "/archive.json", sql=map_query({"site": "krongno"}), site="krongno")["rows"]
    assert [r["site"] for r in one] == ["krongno"]


def test_dashboard_lays_out_the_map() -> None:
    assert ["sites-map", "sites-map"] in DASHBOARD["layout"]
    chart = DASHBOARD["charts"]["sites-map"]
    assert chart["library"] == "map"
    assert chart["display"] == {"latitude_column": "latitude", "longitude_column": "longitude"}
    for name in ("articles_per_month_by_province_2025", "former_district_articles", "sites_per_province"):
        assert f"(/archive/{name})" in DASHBOARD["charts"]["help"]["display"]


# --- the demo archive: a real crawl of the sample portal -----------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db, base = crawl_sample_archive(tmp_path_factory.mktemp("crawl"))
    return db, sample_truth(base)


def test_demo_archive_is_tagged_and_answers_the_new_queries(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    [site] = rows(db, "select * from sites")
    assert (site["slug"], site["unit_uid"], site["legacy_district"], site["province_2025"], site["unit_rule"]) == \
        ("sample", "legacy:437", "Thị xã Hồng Lĩnh", "Tỉnh Hà Tĩnh", "registry:unit_code")
    assert rows(db, "select distinct legacy_province, province_2025, admin_level from articles") == [
        {"legacy_province": "Tỉnh Hà Tĩnh", "province_2025": "Tỉnh Hà Tĩnh", "admin_level": "district"}]
    months = Counter(a["published_date"][:7] for a in truth)
    per_month = run(db, "articles_per_month_by_province_2025")
    assert [(r["province_2025"], r["month"], r["articles"]) for r in per_month] == \
        [("Tỉnh Hà Tĩnh", m, n) for m, n in sorted(months.items())]
    found = run(db, "former_district_articles", district="Hồng Lĩnh", province="Hà Tĩnh")
    assert {r["url"] for r in found} == {a["url"] for a in truth}
    assert {r["role"] for r in found} == {"former district"}
    latest = max(truth, key=lambda a: (a["published_date"], a["published_at"]))
    [row] = run(db, "sites_per_province", province="Hà Tĩnh")
    assert (row["site"], row["articles"], row["latest_date"], row["latest_title"]) == \
        ("sample", len(truth), latest["published_date"], latest["title"])
    [marker] = datasette_json(db, "/archive.json", sql=map_query())["rows"]
    assert (marker["site"], marker["unit"], marker["articles"]) == ("sample", "Thị xã Hồng Lĩnh", len(truth))


# --- scrapy sites ----------------------------------------------------------------------------------------


def scrapy_sites(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "sites", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)


def test_scrapy_sites_json_lists_registry_and_archive_sites(known: Path) -> None:
    result = scrapy_sites("--json", "-s", f"ARCHIVE_DB={known}")
    assert result.returncode == 0, result.stderr[-2000:]
    entries = {e["slug"]: e for e in json.loads(result.stdout)}
    registry = tomllib.loads(SITES_FILE.read_text(encoding="utf-8"))["sites"]
    assert set(registry) | {s for s, *_ in KNOWN_SITES} | {"generic-moh-gov-vn"} == set(entries)
    honglinh = entries["honglinh"]
    assert honglinh == {
        "slug": "honglinh", "name": "Cổng thông tin điện tử thị xã Hồng Lĩnh", "host": "honglinh.hatinh.gov.vn",
        "family": "sharepoint_portal", "from": "registry", "level": "district", "registry_level": "district",
        "unit_uid": "legacy:437",
        "legacy": {"province_code": "42", "province": "Tỉnh Hà Tĩnh", "district_code": "437",
                   "district": "Thị xã Hồng Lĩnh", "ward_code": None, "ward": None},
        "new_2025": {"province_code": "42", "province": "Tỉnh Hà Tĩnh", "ward_code": None, "ward": None,
                     "wards": [{"code": "18115", "name": "Phường Bắc Hồng Lĩnh", "default": True},
                               {"code": "18118", "name": "Phường Nam Hồng Lĩnh", "default": False}]},
        "confidence": 1.0, "rule": "registry:unit_code", "notes": [], "portal_title": None, "articles": 3,
        "in_archive": True, "enabled": True,
    }
    for slug in registry:
        e = entries[slug]
        assert e["unit_uid"] == registry[slug]["unit_code"] and e["legacy"]["province"] and e["new_2025"]["province"]
    moh = entries["generic-moh-gov-vn"]
    assert (moh["from"], moh["level"], moh["rule"], moh["articles"], moh["unit_uid"]) == \
        ("archive", "national", "host:national", 1, None)
    assert entries["krongno"]["new_2025"]["province"] == "Tỉnh Lâm Đồng" and entries["krongno"]["from"] == "archive"


def test_scrapy_sites_table_and_errors(tmp_path: Path) -> None:
    result = scrapy_sites("-s", f"ARCHIVE_DB={tmp_path / 'none.db'}")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["site", "from", "level", "legacy", "unit", "2025", "unit", "conf", "rule", "articles"]
    [btctdbp] = [line for line in lines if line.startswith("btctdbp ")]
    assert "province_agency" in btctdbp and "Tỉnh Điện Biên 11" in btctdbp and "registry:unit_code" in btctdbp
    assert "    note: agency: Sở VHTTDL tỉnh Điện Biên (bảo tàng)" in lines
    assert "    note: became: Phường Bắc Hồng Lĩnh 18115, Phường Nam Hồng Lĩnh 18118" in lines
    assert not (tmp_path / "none.db").exists()  # read only: nothing created
    bad = _registry(tmp_path, unit="Kỳ Anh", province="Hà Tĩnh", level="district")
    result = scrapy_sites("-s", f"PORTAL_SITES_FILE={bad}")
    assert result.returncode == 2 and "fits 2 units" in result.stderr and "[legacy:449]" in result.stderr
    result = scrapy_sites("--site", "nosuch", "-s", f"ARCHIVE_DB={tmp_path / 'none.db'}")
    assert result.returncode == 2 and "unknown site 'nosuch'" in result.stderr
