"""vnadmin: the administrative units of both eras, the crosswalk, the host/title resolver, and
`scrapy locate-site` in a subprocess.

The codes checked below are the official ones: legacy codes from the Statistics Office register
(danhmuchanhchinh.gso.gov.vn), 2025 codes from the list it published for Decision 19/2025/QĐ-TTg
(Công văn 1027/CTK-CSCL, 25 June 2025). Several of the 2025 ones are exactly where the draft list
(and so the vietnam-provinces 2025.10.1 package) differs: they pin the choice of data.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT
from vnadmin import (
    AdminNameError,
    admin_unit_rows,
    crosswalk_rows,
    data_version,
    describe,
    load,
    locate,
    normalize_host,
    resolve_name,
)
from vnadmin.data import LEGACY, NEW, PINNED_VERSION, SOURCE

CONTRACT_KEYS = {"level", "legacy", "new_2025", "confidence", "rule"}
ERA_KEYS = {"province_code", "province", "district_code", "district", "ward_code", "ward"}


@pytest.fixture(scope="module")
def data():
    return load()


# --- the dataset ---------------------------------------------------------------------------------

def test_pinned_package_is_the_one_loaded(data) -> None:
    assert data.version == PINNED_VERSION
    pins = [line.strip() for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
            if line.strip().startswith("vietnamadminunits")]
    assert pins == [f"vietnamadminunits=={PINNED_VERSION}"]
    assert "MIT" in SOURCE["licence"]
    assert data_version() == f"vietnamadminunits=={PINNED_VERSION}"


def test_both_eras_have_the_expected_numbers_of_units(data) -> None:
    assert len(data.provinces[LEGACY]) == 63
    assert len(data.provinces[NEW]) == 34
    assert len(data.districts) == 696
    assert 10_000 <= len(data.communes[LEGACY]) <= 10_100      # 10,035 on 30 June 2025
    assert len(data.communes[NEW]) == 3321                     # Decision 19/2025/QĐ-TTg
    types = {u.type for u in data.communes[NEW]}
    assert types == {"xã", "phường", "đặc khu"}
    assert {u.type for u in data.districts} == {"huyện", "quận", "thị xã", "thành phố"}
    assert {u.type for u in data.communes[LEGACY]} == {"xã", "phường", "thị trấn"}


@pytest.mark.parametrize("code, name", [
    ("42", "Tỉnh Hà Tĩnh"), ("67", "Tỉnh Đắk Nông"), ("02", "Tỉnh Hà Giang"), ("01", "Thành phố Hà Nội"),
    ("77", "Tỉnh Bà Rịa - Vũng Tàu"), ("92", "Thành phố Cần Thơ"), ("437", "Thị xã Hồng Lĩnh"),
    ("664", "Huyện Krông Nô"), ("447", "Huyện Kỳ Anh"), ("449", "Thị xã Kỳ Anh"), ("00073", "Phường Cửa Nam"),
    ("00082", "Phường Trần Hưng Đạo"), ("18115", "Phường Bắc Hồng"), ("18160", "Xã Sơn Lĩnh"),
])
def test_legacy_codes_are_the_official_ones(data, code: str, name: str) -> None:
    assert data.unit(LEGACY, code).name == name


@pytest.mark.parametrize("code, name", [
    # provinces of the 34: the merged ones take the code of one of their parts
    ("08", "Tỉnh Tuyên Quang"), ("15", "Tỉnh Lào Cai"), ("24", "Tỉnh Bắc Ninh"), ("25", "Tỉnh Phú Thọ"),
    ("37", "Tỉnh Ninh Bình"), ("44", "Tỉnh Quảng Trị"), ("52", "Tỉnh Gia Lai"), ("68", "Tỉnh Lâm Đồng"),
    ("79", "Thành phố Hồ Chí Minh"), ("80", "Tỉnh Tây Ninh"), ("82", "Tỉnh Đồng Tháp"), ("91", "Tỉnh An Giang"),
    # communes: official codes, several of them where the draft list differed
    ("00082", "Phường Cửa Nam"), ("00229", "Phường Kim Liên"), ("00226", "Phường Văn Miếu - Quốc Tử Giám"),
    ("00331", "Phường Hoàng Mai"), ("00340", "Phường Yên Sở"), ("00118", "Phường Bồ Đề"),
    ("01537", "Xã Lý Quốc"), ("01558", "Xã Hạ Lang"), ("01561", "Xã Vinh Quý"), ("06994", "Đặc khu Vân Đồn"),
    ("11948", "Đặc khu Bạch Long Vĩ"), ("07616", "Xã Tây Yên Tử"), ("10660", "Phường Ái Quốc"),
    ("18115", "Phường Bắc Hồng Lĩnh"), ("18118", "Phường Nam Hồng Lĩnh"), ("18406", "Xã Can Lộc"),
    ("18352", "Xã Nghi Xuân"),
])
def test_2025_codes_follow_decision_19_2025(data, code: str, name: str) -> None:
    assert data.unit(NEW, code).name == name


# --- the crosswalk -------------------------------------------------------------------------------

@pytest.mark.parametrize("legacy, new", [
    ("67", "68"),   # Đắk Nông -> Lâm Đồng
    ("42", "42"),   # Hà Tĩnh stays
    ("02", "08"),   # Hà Giang -> Tuyên Quang
    ("10", "15"),   # Lào Cai (with Yên Bái) -> Lào Cai, code 15
    ("36", "37"),   # Nam Định -> Ninh Bình
    ("74", "79"),   # Bình Dương -> Hồ Chí Minh
    ("77", "79"),   # Bà Rịa - Vũng Tàu -> Hồ Chí Minh
])
def test_provinces_cross_to_2025(data, legacy: str, new: str) -> None:
    assert data.province_to_2025[legacy] == new


def test_every_legacy_unit_has_a_2025_successor(data) -> None:
    assert len(data.province_to_2025) == 63
    assert set(data.province_to_2025.values()) == {u.code for u in data.provinces[NEW]}
    assert all(data.commune_to_2025.get(c.code) for c in data.communes[LEGACY])
    assert all(data.district_to_2025.get(d.code) for d in data.districts)
    # exactly one default piece for each split commune
    assert all(sum(s.is_default for s in pieces) == 1 for pieces in data.commune_to_2025.values())


def test_hong_linh_town_became_two_wards(data) -> None:
    district = data.unit(LEGACY, "437")
    assert [u.name for u, _ in data.successors(district)] == ["Phường Bắc Hồng Lĩnh", "Phường Nam Hồng Lĩnh"]
    north = data.unit(NEW, "18115")
    assert {u.name for u in data.predecessors(north)} == {
        "Phường Bắc Hồng", "Phường Trung Lương", "Phường Đức Thuận", "Xã Xuân Lam"}
    south = data.unit(NEW, "18118")
    assert {u.name for u in data.predecessors(south)} == {"Phường Nam Hồng", "Phường Đậu Liêu", "Xã Thuận Lộc"}


def test_commune_crosswalk_known_cases(data) -> None:
    long_anh = data.unit(LEGACY, "15922")     # phường Long Anh, TP Thanh Hóa
    assert [u.name for u, _ in data.successors(long_anh)] == ["Phường Nguyệt Viên"]
    tan_lap = data.unit(LEGACY, "01159")      # xã Tân Lập, Bắc Quang, Hà Giang
    assert [u.name for u, _ in data.successors(tan_lap)] == ["Xã Tân Quang"]
    assert data.province_of(data.successors(tan_lap)[0][0]).name == "Tỉnh Tuyên Quang"
    krong_no = data.unit(LEGACY, "664")
    assert "Xã Krông Nô" in [u.name for u, _ in data.successors(krong_no)]
    assert {data.province_of(u).code for u, _ in data.successors(krong_no)} == {"68"}


def test_island_districts_became_special_zones(data) -> None:
    for code, zone in (("318", "Đặc khu Bạch Long Vĩ"), ("755", "Đặc khu Côn Đảo"), ("536", "Đặc khu Lý Sơn")):
        assert [u.name for u, _ in data.successors(data.unit(LEGACY, code))] == [zone]


def test_rows_for_the_archive_tables(data) -> None:
    units = list(admin_unit_rows())
    assert len(units) == 63 + 696 + len(data.communes[LEGACY]) + 34 + 3321
    assert len({r["uid"] for r in units}) == len(units)
    row = next(r for r in units if r["uid"] == "legacy:437")
    assert row == {**row, "era": "legacy", "code": "437", "name": "Thị xã Hồng Lĩnh", "type": "thị xã",
                   "level": "district", "parent_code": "42", "province_code": "42", "slug": "honglinh"}
    assert row["lat"] and row["lon"]
    ward = next(r for r in units if r["uid"] == "2025:18115")
    assert (ward["level"], ward["parent_code"], ward["type"]) == ("commune", "42", "phường")
    links = list(crosswalk_rows())
    assert {r["relation"] for r in links} == {"kept", "merged_into", "within", "territory_to", "split_into"}
    assert {"legacy_uid": "legacy:67", "legacy_code": "67", "legacy_level": "province", "new_uid": "2025:68",
            "new_code": "68", "new_level": "province", "relation": "merged_into", "is_default": 1} in links
    hong_linh = [r["new_code"] for r in links if r["legacy_uid"] == "legacy:437" and r["relation"] == "territory_to"]
    assert hong_linh == ["18115", "18118"]


# --- the resolver --------------------------------------------------------------------------------

def _units(loc) -> tuple:
    d = loc.to_dict()
    return (d["level"], d["legacy"]["province_code"], d["legacy"]["district_code"], d["legacy"]["ward_code"],
            d["new_2025"]["province_code"], d["new_2025"]["ward_code"])


@pytest.mark.parametrize("host, level, legacy_province, legacy_district, legacy_ward, new_province, new_ward, rule", [
    # districts (legacy), by slug under the province label
    ("honglinh.hatinh.gov.vn", "district", "42", "437", None, "42", None, "host:district-slug+province"),
    ("krongno.daknong.gov.vn", "district", "67", "664", None, "68", None, "host:district-slug+province"),
    ("tpthanhhoa.thanhhoa.gov.vn", "district", "38", "380", None, "38", None, "host:district-typed+province"),
    ("thixakyanh.hatinh.gov.vn", "district", "42", "449", None, "42", None, "host:district-typed+province"),
    ("quan1.hochiminhcity.gov.vn", "district", "79", "760", None, "79", None, "host:district-typed+province"),
    ("dakmil.daknong.gov.vn", "district", "67", "663", None, "68", None, "host:district-slug+province"),
    # a slug shared by provinces, resolved by the province label
    ("chauthanh.longan.gov.vn", "district", "80", "808", None, "80", None, "host:district-slug+province"),
    ("chauthanh.bentre.gov.vn", "district", "83", "831", None, "86", None, "host:district-slug+province"),
    # communes: typed, under a district label (four labels), 2025 wards, merged provinces
    ("xasonlinh.hatinh.gov.vn", "commune", "42", "439", "18160", "42", "18160", "host:commune-typed+province"),
    ("longanh.tpthanhhoa.thanhhoa.gov.vn", "commune", "38", "380", "15922", "38", None, "host:commune+district+province"),
    ("namhonglinh.hatinh.gov.vn", "commune", "42", "437", None, "42", "18118", "host:commune-2025-slug+province"),
    ("minhduc.dongnai.gov.vn", "commune", "70", "694", None, "75", "25349", "host:commune-2025-slug+province"),
    ("xatanlap.tuyenquang.gov.vn", "commune", "02", "034", "01159", "08", None, "host:commune-slug+merged-province"),
    # provinces
    ("hatinh.gov.vn", "province", "42", None, None, "42", None, "host:province"),
    ("daknong.gov.vn", "province", "67", None, None, "68", None, "host:province"),
    ("www.dienbien.gov.vn", "province", "11", None, None, "11", None, "host:province"),
    ("tphcm.gov.vn", "province", "79", None, None, "79", None, "host:province"),
    ("thuathienhue.gov.vn", "province", "46", None, None, "46", None, "host:province"),
    ("baria-vungtau.gov.vn", "province", "77", None, None, "79", None, "host:province"),
    # department and agency portals of a province
    ("stp.daknong.gov.vn", "province_agency", "67", None, None, "68", None, "host:agency"),
    ("thanhtra.daknong.gov.vn", "province_agency", "67", None, None, "68", None, "host:agency"),
    ("ldld.daknong.gov.vn", "province_agency", "67", None, None, "68", None, "host:agency"),
    ("sotttt.hanoi.gov.vn", "province_agency", "01", None, None, "01", None, "host:agency"),
    ("btctdbp.svhttdl.dienbien.gov.vn", "province_agency", "11", None, None, "11", None, "host:agency-subsite"),
    # national
    ("chinhphu.vn", "national", None, None, None, None, None, "host:national-domain"),
    ("vpcp.chinhphu.vn", "national", None, None, None, None, None, "host:national-domain"),
    ("moh.gov.vn", "national", None, None, None, None, None, "host:national"),
    ("moit.gov.vn", "national", None, None, None, None, None, "host:national"),
    ("mic.gov.vn", "national", None, None, None, None, None, "host:national"),
    # a commune on a domain of its own
    ("xatamlanh.gov.vn", "commune", "49", "518", "20395", "48", None, "host:standalone-unit"),
])
def test_locate_hosts(host, level, legacy_province, legacy_district, legacy_ward, new_province, new_ward, rule) -> None:
    loc = locate(host)
    got = _units(loc)
    assert got[:5] == (level, legacy_province, legacy_district, legacy_ward, new_province), loc.lines()
    if new_ward is not None:
        assert got[5] == new_ward
    assert loc.rule == rule
    assert 0.0 <= loc.confidence <= 1.0


@pytest.mark.parametrize("host", [
    "honglinh.hatinh.gov.vn", "krongno.daknong.gov.vn", "stp.daknong.gov.vn", "hatinh.gov.vn", "moh.gov.vn",
    "xasonlinh.hatinh.gov.vn", "longanh.tpthanhhoa.thanhhoa.gov.vn", "quan1.hochiminhcity.gov.vn",
])
def test_clear_cases_are_high_confidence(host: str) -> None:
    assert locate(host).band == "high"


def test_district_lists_its_2025_wards() -> None:
    d = locate("honglinh.hatinh.gov.vn").to_dict()
    assert [w["name"] for w in d["new_2025"]["wards"]] == ["Phường Bắc Hồng Lĩnh", "Phường Nam Hồng Lĩnh"]
    assert d["new_2025"]["ward_code"] is None          # a district is not one ward


def test_2025_commune_lists_what_it_was_formed_from() -> None:
    d = locate("namhonglinh.hatinh.gov.vn").to_dict()
    assert d["legacy"]["district"] == "Thị xã Hồng Lĩnh"
    assert {w["name"] for w in d["legacy"]["wards"]} == {"Phường Nam Hồng", "Phường Đậu Liêu", "Xã Thuận Lộc"}


def test_same_named_town_and_district_is_not_a_silent_guess() -> None:
    loc = locate("kyanh.hatinh.gov.vn")          # huyện Kỳ Anh and thị xã Kỳ Anh
    d = loc.to_dict()
    assert loc.band != "high"
    assert {c["code"] for c in d["legacy"]["candidates"]} == {"449"}
    # the title settles it
    loc = locate("kyanh.hatinh.gov.vn", title="Cổng thông tin điện tử Thị xã Kỳ Anh")
    assert (loc.level, loc.legacy.district.code, loc.band) == ("district", "449", "high")


def test_district_host_that_a_2025_commune_may_have_taken_is_medium() -> None:
    loc = locate("camxuyen.hatinh.gov.vn")       # huyện Cẩm Xuyên; the 2025 xã Cẩm Xuyên has the same name
    assert (loc.level, loc.legacy.district.code, loc.band) == ("district", "446", "medium")
    assert [c.name for c in loc.new_2025.candidates] == ["Xã Cẩm Xuyên"]


def test_former_district_name_is_medium() -> None:
    loc = locate("myloc.namdinh.gov.vn")         # huyện Mỹ Lộc, merged into TP Nam Định on 1 January 2025
    assert (loc.level, loc.legacy.district.name, loc.rule) == (
        "district", "Thành phố Nam Định", "host:district-former-name+province")
    assert loc.band == "medium"


def test_unknown_slug_is_unknown_and_low() -> None:
    loc = locate("qwertyuiop.hatinh.gov.vn")
    assert (loc.level, loc.band, loc.rule) == ("unknown", "low", "host:unknown-slug+province")
    assert loc.legacy.province.code == "42"       # the province label is still known
    assert locate("example.com").to_dict()["level"] == "unknown"
    assert locate("127.0.0.1").confidence == 0.0


def test_ambiguous_commune_lists_candidates() -> None:
    loc = locate("dongtien.thanhhoa.gov.vn")       # phường Đông Tiến and xã Đồng Tiến (2025), several legacy
    assert loc.band == "low"
    assert len(loc.legacy.candidates + loc.new_2025.candidates) >= 2


def test_title_names_the_commune() -> None:
    loc = locate("sonlinh.hatinh.gov.vn", title="Cổng thông tin điện tử xã Sơn Lĩnh")
    assert (loc.level, loc.legacy.ward.code, loc.band) == ("commune", "18160", "high")
    assert loc.rule.endswith("+title")
    loc = locate("abc.hatinh.gov.vn", title="Cổng thông tin điện tử xã Sơn Lĩnh")
    assert (loc.level, loc.legacy.ward.code) == ("commune", "18160")
    assert loc.rule.startswith("title:commune")
    loc = locate("krongno.daknong.gov.vn", title="Trang thông tin điện tử Huyện Krông Nô")
    assert (loc.level, loc.legacy.district.code, loc.band) == ("district", "664", "high")


def test_title_alone_without_province_is_not_high() -> None:
    loc = locate("portal.example.org", title="Trang thông tin điện tử Huyện Krông Nô")
    assert (loc.level, loc.legacy.district.code) == ("district", "664")
    assert loc.band == "medium"
    loc = locate("portal.example.org", title="Cổng thông tin điện tử xã Tân Lập")
    assert loc.band == "low" and loc.legacy.candidates


def test_agency_title_confirms_agency_host() -> None:
    loc = locate("stp.daknong.gov.vn", title="Sở Tư pháp tỉnh Đắk Nông")
    assert loc.level == "province_agency" and loc.band == "high"
    assert loc.to_dict()["legacy"]["agency"] == "Sở Tư pháp"


def test_hosts_are_normalized() -> None:
    assert normalize_host("https://www.HongLinh.HaTinh.gov.vn:443/portal/Pages/x.aspx") == "www.honglinh.hatinh.gov.vn"
    assert locate("https://honglinh.hatinh.gov.vn/portal/").legacy.district.code == "437"
    for bad in ("", "   ", "bad host!", "http://"):
        with pytest.raises(ValueError):
            locate(bad)


# --- registry names ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, province, uid", [
    ("Thị xã Hồng Lĩnh", "Hà Tĩnh", "legacy:437"),
    ("Thị xã Hồng Lĩnh (sample)", "Hà Tĩnh", "legacy:437"),
    ("Phường Nam Hồng Lĩnh", "Hà Tĩnh", "2025:18118"),
    ("Xã Minh Đức", "Đồng Nai", "2025:25349"),
    ("Xã Sơn Lĩnh", "Hà Tĩnh", "legacy:18160"),
    ("Tỉnh Điện Biên", "Điện Biên", "legacy:11"),
    ("Huyện Ngọc Lặc", "Thanh Hóa", "legacy:389"),
    ("Thị xã Mỹ Hào", "Hưng Yên", "legacy:328"),
    ("Xã Tam Lãnh", None, "legacy:20395"),
    ("Huyện Krông Nô", "67", "legacy:664"),
    ("Xã Tân Lập", "Tuyên Quang", "legacy:01159"),   # in Hà Giang, merged into Tuyên Quang
])
def test_resolve_name(name, province, uid) -> None:
    assert resolve_name(name, province).uid == uid


def test_resolve_name_ambiguous_lists_candidates() -> None:
    with pytest.raises(AdminNameError) as caught:
        resolve_name("Kỳ Anh", "Hà Tĩnh")
    message = str(caught.value)
    assert "Huyện Kỳ Anh" in message and "Thị xã Kỳ Anh" in message and "Xã Kỳ Anh" in message
    assert {u.uid for u in caught.value.candidates} == {"legacy:447", "legacy:449", "2025:18775"}
    with pytest.raises(AdminNameError):  # still two: the era and level alone do not settle it
        resolve_name("Kỳ Anh", "Hà Tĩnh", era="legacy", level="district")
    assert resolve_name("Huyện Kỳ Anh", "Hà Tĩnh").uid == "legacy:447"


def test_resolve_name_unknown_fails_clearly() -> None:
    with pytest.raises(AdminNameError, match="no unit called 'Xã Không Có' in Hà Tĩnh"):
        resolve_name("Xã Không Có", "Hà Tĩnh")
    with pytest.raises(AdminNameError, match="no province called"):
        resolve_name("Xã Sơn Lĩnh", "Atlantis")
    with pytest.raises(AdminNameError) as caught:
        resolve_name("Xã Sơn Lĩnh", "Quảng Ngãi")   # Sơn Lĩnh is in Hà Tĩnh: the candidates say where
    assert any(u.uid == "legacy:18160" for u in caught.value.candidates)


def test_describe_a_registry_unit() -> None:
    d = describe("legacy:437").to_dict()
    assert (d["level"], d["new_2025"]["province_code"], d["rule"]) == ("district", "42", "registry")
    assert describe(resolve_name("Phường Nam Hồng Lĩnh", "Hà Tĩnh")).to_dict()["legacy"]["district_code"] == "437"


# --- the command ---------------------------------------------------------------------------------

def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "locate-site", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_command_json_contract() -> None:
    result = _run("honglinh.hatinh.gov.vn", "--json")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert set(obj) == CONTRACT_KEYS
    assert ERA_KEYS <= set(obj["legacy"]) and ERA_KEYS <= set(obj["new_2025"])
    assert obj["level"] == "district"
    assert (obj["legacy"]["province_code"], obj["legacy"]["province"]) == ("42", "Tỉnh Hà Tĩnh")
    assert (obj["legacy"]["district_code"], obj["legacy"]["district"]) == ("437", "Thị xã Hồng Lĩnh")
    assert obj["legacy"]["ward_code"] is None and obj["legacy"]["ward"] is None
    assert (obj["new_2025"]["province_code"], obj["new_2025"]["province"]) == ("42", "Tỉnh Hà Tĩnh")
    assert obj["new_2025"]["district_code"] is None
    assert [w["code"] for w in obj["new_2025"]["wards"]] == ["18115", "18118"]
    assert isinstance(obj["confidence"], float) and obj["confidence"] >= 0.85
    assert obj["rule"] == "host:district-slug+province"


@pytest.mark.e2e
def test_command_with_title_and_readable_output() -> None:
    result = _run("sonlinh.hatinh.gov.vn", "--title", "Cổng thông tin điện tử xã Sơn Lĩnh", "--json")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert (obj["level"], obj["legacy"]["ward_code"], obj["legacy"]["ward"]) == ("commune", "18160", "Xã Sơn Lĩnh")
    assert obj["new_2025"]["ward_code"] == "18160"
    result = _run("stp.daknong.gov.vn")
    assert result.returncode == 0, result.stderr
    assert "province_agency" in result.stdout and "Tỉnh Lâm Đồng" in result.stdout and "Sở Tư pháp" in result.stdout


@pytest.mark.e2e
@pytest.mark.parametrize("args", [(), ("a.gov.vn", "b.gov.vn"), ("bad host!",), ("--bogus", "x.gov.vn")])
def test_command_bad_arguments_exit_2(args: tuple[str, ...]) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert "error" in result.stderr.lower()
