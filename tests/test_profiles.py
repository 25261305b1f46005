"""Site registry and family profiles: loading, overrides, and clear errors naming file and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import ProfileError, UnknownSiteError, load_families, load_sites, select_sites
from crawler.sites import load_registry
from tests.conftest import REPO_ROOT

FAMILIES_DIR = REPO_ROOT / "crawler" / "profiles" / "families"
SITES_FILE = REPO_ROOT / "crawler" / "profiles" / "sites.toml"
SETTINGS = {"SAMPLE_PORTAL_URL": "http://127.0.0.1:8765", "PORTAL_FAMILIES_DIR": str(FAMILIES_DIR),
            "PORTAL_SITES_FILE": str(SITES_FILE)}


def test_bundled_registry_loads_and_resolves_sample_site() -> None:
    sites = load_registry(SETTINGS)
    assert {"honglinh", "sample"} <= set(sites)
    sample = sites["sample"]
    assert sample.base_url == "http://127.0.0.1:8765/honglinh"
    assert sample.start_urls[0] == "http://127.0.0.1:8765/honglinh/portal/Pages/Tin-tuc-su-kien.aspx"
    assert sample.listing.pagination == "postback"
    assert sample.host == "127.0.0.1"
    assert not sample.enabled  # crawled only by name: it needs the local server


def test_family_url_rules_classify_sharepoint_urls() -> None:
    rules = load_families(FAMILIES_DIR)["sharepoint_portal"].urls
    assert rules.is_article("https://honglinh.hatinh.gov.vn/portal/pages/2021-5-7/Hoi-nghi-4700701.aspx")
    assert rules.is_article("https://x.gov.vn/portal/Pages/2023-08-17/Slug-cz7od4fe8gt9z.aspx")
    assert not rules.is_article("https://x.gov.vn/portal/Pages/Tin-tuc-su-kien.aspx")
    assert rules.is_listing("https://x.gov.vn/portal/Pages/Tin-tuc-su-kien.aspx")
    assert not rules.is_listing("https://x.gov.vn/portal/Pages/default.aspx")
    assert not rules.is_article("https://x.gov.vn/portal/pages/print.aspx?p=4700701")


def test_select_all_enabled_and_unknown_slug_lists_known_ones() -> None:
    sites = load_registry(SETTINGS)
    assert [s.slug for s in select_sites(sites, None)] == [s.slug for s in sites.values() if s.enabled]
    with pytest.raises(UnknownSiteError) as info:
        select_sites(sites, "nope")
    assert str(info.value) == f"unknown site 'nope'; known sites: {', '.join(sorted(sites))}"


def _write_sites(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_site_overrides_family_keys(tmp_path: Path) -> None:
    path = _write_sites(tmp_path, """
[sites.demo]
name = "Demo"
family = "sharepoint_portal"
base_url = "https://demo.gov.vn"
start_paths = ["/portal/Pages/Tin-tuc.aspx"]
[sites.demo.article]
title = ["h1.custom"]
[sites.demo.listing]
max_pages = 3
""")
    site = load_sites(path, load_families(FAMILIES_DIR))["demo"]
    assert site.article.title == ("h1.custom",)
    assert site.article.body[0] == ".tandan-content-view"  # not overridden: the family's
    assert site.listing.max_pages == 3
    assert site.listing.pagination == "postback"


@pytest.mark.parametrize(("body", "message"), [
    ('[sites.x]\nname = "X"\nfamily = "nukeviet9"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n',
     r"\[sites.x\] family: unknown family 'nukeviet9'"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nstart_paths = ["/a"]\n',
     r"\[sites.x\] base_url: required"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "ftp://x"\nstart_paths = ["/a"]\n',
     r"\[sites.x\] base_url: not an http\(s\) URL"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\n',
     r"\[sites.x\] start_paths: at least one"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\nenabeld = true\n',
     r"\[sites.x\] enabeld: unknown key"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n[sites.x.article]\ntitle = ["h1["]\n',
     r"\[sites.x.article\] title: bad CSS selector"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n[sites.x.listing]\npagination = "scroll"\n',
     r"\[sites.x.listing\] pagination: must be one of"),
    ('[sites.x]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n[sites.x.urls]\narticle = ["(unclosed"]\n',
     r"\[sites.x.urls.article\]: bad regex"),
    ('[sites.X_Y]\nname = "X"\nfamily = "sharepoint_portal"\nbase_url = "https://x.gov.vn"\nstart_paths = ["/a"]\n',
     r"\[sites.X_Y\]: slug must be lower-case"),
    ('[sites.x\nname = "X"\n', r"not valid TOML"),
])
def test_bad_registry_names_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = _write_sites(tmp_path, body)
    with pytest.raises(ProfileError, match=message) as info:
        load_sites(path, load_families(FAMILIES_DIR))
    assert str(path) in str(info.value)


def test_bad_family_profile_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('name = "Broken"\n[urls]\narticle = ["x"]\n[listing]\narticle_links = "a::attr(href)"\nmax_pages = -1\n[article]\ntitle = "h1"\nbody = ".c"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken.toml: \[listing\] max_pages: must be a non-negative integer"):
        load_families(tmp_path)


def test_family_missing_required_selector(tmp_path: Path) -> None:
    (tmp_path / "nobody.toml").write_text('name = "No body"\n[urls]\narticle = ["x"]\n[listing]\narticle_links = "a::attr(href)"\n[article]\ntitle = "h1"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"nobody.toml: \[article\] .*body.*required key missing"):
        load_families(tmp_path)


def test_missing_sample_url_setting_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"\[sites.sample\] base_url_setting: setting SAMPLE_PORTAL_URL is not set"):
        load_sites(SITES_FILE, load_families(FAMILIES_DIR), {})
