"""Vietnam's administrative units before and after 1 July 2025, and the crosswalk between them. Pure.

The data is the one shipped inside the pinned PyPI package ``vietnamadminunits`` (MIT licence; see
``SOURCE`` and requirements.txt): nothing is downloaded, and the package's own code is not imported
(its parser pulls in shapely and numpy): only its two data files are read, once, on first use.

Two eras, each a list of `Unit`:

* ``legacy``: the 63 provinces, 696 districts and 10,035 communes (xã / phường / thị trấn) as they
  stood on 30 June 2025, the eve of the reorganisation, from the General Statistics Office's
  administrative register (danhmuchanhchinh.gso.gov.vn, snapshot of 2025-07-18). It already folds in
  the changes of 1 January 2025 (e.g. huyện Mỹ Lộc merged into thành phố Nam Định): a unit abolished
  before 30 June 2025 is not a unit here; the package's aliases for such former districts are kept
  in `Dataset.district_aliases`.
* ``2025``: the 34 provinces and 3,321 communes (xã / phường / đặc khu) from 1 July 2025. Their codes
  are the official ones of the list the Statistics Office published for Decision 19/2025/QĐ-TTg
  (Công văn 1027/CTK-CSCL, 25 June 2025); tests/test_vnadmin.py checks a sample against that list.

Codes are the official zero-padded strings: 2 digits for a province, 3 for a district, 5 for a
commune. A code is unique within an era and level, but the two eras share code space (a new ward
usually takes the code of the old commune that was its seat: ``18115`` is phường Bắc Hồng before
and phường Bắc Hồng Lĩnh after), so a unit is identified by ``era:code`` (`Unit.uid`).

The crosswalk (from sapnhap.bando.com.vn, the merger map, via the same package): each legacy
province to its 2025 province; each legacy commune to the 2025 commune(s) that absorbed it (a commune
split between several has one marked as default, where most of it went); derived from those: each
legacy district to its 2025 province and to the 2025 communes formed from its territory.

`admin_unit_rows()` and `crosswalk_rows()` give the rows for the archive's tables.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import marshal
import os
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from vnadmin.fold import name_key, slug

PACKAGE = "vietnamadminunits"
PINNED_VERSION = "1.0.4"

LEGACY = "legacy"
NEW = "2025"
ERAS = (LEGACY, NEW)

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"

SOURCE = {
    "package": PACKAGE,
    "pinned_version": PINNED_VERSION,
    "licence": "MIT (Copyright (c) 2025 Tran Ngoc Minh Hieu)",
    "homepage": "https://github.com/tranngocminhhieu/vietnamadminunits",
    "legacy": "63 provinces / 696 districts / 10,035 communes as of 30 June 2025: General Statistics "
              "Office register danhmuchanhchinh.gso.gov.vn, snapshot 2025-07-18",
    "new_2025": "34 provinces / 3,321 communes from 1 July 2025, codes of the Statistics Office list for "
                "Decision 19/2025/QĐ-TTg (Công văn 1027/CTK-CSCL, 25 June 2025)",
    "crosswalk": "merger map of sapnhap.bando.com.vn, snapshot 2025-07-17 (default ward of split "
                 "communes chosen by the package author)",
    "coordinates": "geocoded centre points (Google Geocoding) shipped with the package",
}


class AdminDataError(RuntimeError):
    """The pinned administrative-units package is missing or its data is not what we expect."""


@dataclass(frozen=True)
class Unit:
    """One administrative unit of one era."""

    era: str                   # "legacy" or "2025"
    code: str                  # official code: "42", "437", "18115"
    name: str                  # full name with its type: "Thị xã Hồng Lĩnh"
    short_name: str            # without the type: "Hồng Lĩnh"
    type: str                  # "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"
    level: str                 # "province", "district" or "commune"
    province_code: str         # the unit's own province (its own code for a province)
    district_code: str | None = None   # legacy communes only
    lat: float | None = None
    lon: float | None = None
    area_km2: float | None = None

    @property
    def uid(self) -> str:
        return f"{self.era}:{self.code}"

    @property
    def parent_code(self) -> str | None:
        if self.level == PROVINCE:
            return None
        if self.level == COMMUNE and self.district_code:
            return self.district_code
        return self.province_code

    @property
    def slug(self) -> str:
        return slug(self.short_name)

    @property
    def key(self) -> str:
        return name_key(self.short_name)

    def label(self) -> str:
        return f"{self.name} ({self.era} {self.code})"


@dataclass(frozen=True)
class Successor:
    """Where (part of) a legacy commune went on 1 July 2025."""

    code: str            # the 2025 commune's code
    is_default: bool     # the main piece when the commune was split (always True when it was not)


@dataclass
class Dataset:
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    provinces: dict[str, list[Unit]] = field(default_factory=lambda: {LEGACY: [], NEW: []})
    districts: list[Unit] = field(default_factory=list)
    communes: dict[str, list[Unit]] = field(default_factory=lambda: {LEGACY: [], NEW: []})
    children: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))
    province_to_2025: dict[str, str] = field(default_factory=dict)
    commune_to_2025: dict[str, tuple[Successor, ...]] = field(default_factory=dict)
    commune_from_legacy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    district_to_2025: dict[str, tuple[str, ...]] = field(default_factory=dict)
    district_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version: str = ""

    def unit(self, era: str, code: str | None) -> Unit | None:
        if not code:
            return None
        return self.units.get((era, str(code)))

    def get(self, uid: str) -> Unit | None:
        era, _, code = uid.partition(":")
        return self.unit(era, code)

    def province_of(self, unit: Unit) -> Unit:
        return self.units[(unit.era, unit.province_code)]

    def successors(self, unit: Unit) -> list[tuple[Unit, bool]]:
        """The 2025 units a legacy unit went into, with the default flag (communes and provinces)."""
        if unit.era != LEGACY:
            return []
        if unit.level == PROVINCE:
            return [(self.units[(NEW, self.province_to_2025[unit.code])], True)]
        if unit.level == COMMUNE:
            return [(self.units[(NEW, s.code)], s.is_default) for s in self.commune_to_2025.get(unit.code, ())]
        return [(self.units[(NEW, c)], False) for c in self.district_to_2025.get(unit.code, ())]

    def predecessors(self, unit: Unit) -> list[Unit]:
        """The legacy communes (whole or in part) a 2025 commune was formed from; legacy provinces
        merged into a 2025 province."""
        if unit.era != NEW:
            return []
        if unit.level == PROVINCE:
            return [self.units[(LEGACY, c)] for c, n in sorted(self.province_to_2025.items()) if n == unit.code]
        return [self.units[(LEGACY, c)] for c in self.commune_from_legacy.get(unit.code, ())]


def _package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise AdminDataError(f"the package {PACKAGE}=={PINNED_VERSION} is not installed: "
                             f"pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0])


def _province_type(name: str) -> str:
    return "tỉnh" if name.startswith("Tỉnh") else "thành phố"


_TYPE_CASE = {"Thành Phố ": "Thành phố ", "Thị Xã ": "Thị xã ", "Thị Trấn ": "Thị trấn ", "Đặc Khu ": "Đặc khu "}


def _name(name: str) -> str:
    """The full name with its type in the usual case ("Thành Phố Bắc Kạn" -> "Thành phố Bắc Kạn")."""
    name = " ".join(name.split())
    for wrong, right in _TYPE_CASE.items():
        if name.startswith(wrong):
            return right + name[len(wrong):]
    return name


def _short(short: str) -> str:
    """The name without its type; the package marks same-named units "Kỳ Anh (Huyện)": dropped."""
    return " ".join(re.sub(r"\([^)]*\)", " ", short).split())


def _code(value: object, width: int) -> str:
    return str(value).strip().zfill(width)


def _float(value: object) -> float | None:
    return float(value) if value not in (None, "") else None  # type: ignore[arg-type]


_LEGACY_COLUMNS = ", ".join((
    "province", "provinceShort", "provinceCode", "provinceLat", "provinceLon", "provinceKey",
    "district", "districtShort", "districtType", "districtCode", "districtLat", "districtLon", "districtKey", "districtAlias",
    "ward", "wardShort", "wardType", "wardCode", "wardLat", "wardLon", "wardKey"))
_NEW_COLUMNS = ", ".join((
    "province", "provinceShort", "provinceCode", "provinceLat", "provinceLon", "provinceKey",
    "ward", "wardShort", "wardType", "wardCode", "wardLat", "wardLon", "wardAreaKm2", "wardKey"))


@lru_cache(maxsize=1)
def load() -> Dataset:
    """Both eras and the crosswalk, read once per process: from the pinned package's data files
    (~0.4 s), or from the cache of what they gave (~0.05 s; `_cache_file`)."""
    root = _package_dir() / "data"
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - found by spec but no metadata
        version = "unknown"
    cache = _cache_file(root, version)
    data = _read_cache(cache)
    if data is None:
        data = _build(root, version)
        _write_cache(cache, data)
    return data


def _build(root: Path, version: str) -> Dataset:
    try:
        db = sqlite3.connect(f"file:{root / 'dataset.db'}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        legacy_rows = db.execute(f"SELECT {_LEGACY_COLUMNS} FROM admin_units_legacy").fetchall()
        new_rows = db.execute(f"SELECT {_NEW_COLUMNS} FROM admin_units").fetchall()
        db.close()
        converter = json.loads((root / "converter_2025.json").read_text(encoding="utf-8"))
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise AdminDataError(f"cannot read the data of {PACKAGE} {version} in {root}: {exc}") from exc

    data = Dataset(version=version)
    add = data.units.setdefault
    legacy_province_by_key: dict[str, str] = {}
    legacy_commune_by_key: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    for r in legacy_rows:
        pcode = _code(r["provinceCode"], 2)
        legacy_province_by_key[r["provinceKey"]] = pcode
        province = data.units.get((LEGACY, pcode))
        if province is None:
            province = Unit(LEGACY, pcode, _name(r["province"]), _short(r["provinceShort"]),
                            _province_type(r["province"]), PROVINCE, pcode,
                            lat=_float(r["provinceLat"]), lon=_float(r["provinceLon"]))
            data.units[(LEGACY, pcode)] = province
            data.provinces[LEGACY].append(province)
        dcode = _code(r["districtCode"], 3)
        district = data.units.get((LEGACY, dcode))
        if district is None:
            district = Unit(LEGACY, dcode, _name(r["district"]), _short(r["districtShort"]), r["districtType"].lower(),
                            DISTRICT, pcode, lat=_float(r["districtLat"]), lon=_float(r["districtLon"]))
            data.units[(LEGACY, dcode)] = district
            data.districts.append(district)
            data.children[province.uid].append(district)
        if r["districtAlias"]:
            aliases[dcode].update(json.loads(r["districtAlias"]))
        if r["wardCode"] is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, ...)
            continue
        wcode = _code(r["wardCode"], 5)
        commune = Unit(LEGACY, wcode, _name(r["ward"]), _short(r["wardShort"]), r["wardType"].lower(), COMMUNE, pcode,
                       district_code=dcode, lat=_float(r["wardLat"]), lon=_float(r["wardLon"]))
        if add((LEGACY, wcode), commune) is commune:
            data.communes[LEGACY].append(commune)
            data.children[district.uid].append(commune)
        legacy_commune_by_key[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = wcode

    new_province_by_key: dict[str, str] = {}
    new_commune_by_key: dict[tuple[str, str], str] = {}
    for r in new_rows:
        pcode = _code(r["provinceCode"], 2)
        new_province_by_key[r["provinceKey"]] = pcode
        province = data.units.get((NEW, pcode))
        if province is None:
            province = Unit(NEW, pcode, _name(r["province"]), _short(r["provinceShort"]), _province_type(r["province"]),
                            PROVINCE, pcode, lat=_float(r["provinceLat"]), lon=_float(r["provinceLon"]))
            data.units[(NEW, pcode)] = province
            data.provinces[NEW].append(province)
        wcode = _code(r["wardCode"], 5)
        commune = Unit(NEW, wcode, _name(r["ward"]), _short(r["wardShort"]), r["wardType"].lower(), COMMUNE, pcode,
                       lat=_float(r["wardLat"]), lon=_float(r["wardLon"]), area_km2=_float(r["wardAreaKm2"]))
        if add((NEW, wcode), commune) is commune:
            data.communes[NEW].append(commune)
            data.children[province.uid].append(commune)
        new_commune_by_key[(r["provinceKey"], r["wardKey"])] = wcode

    # --- the crosswalk ---------------------------------------------------------------------------
    for new_key, legacy_keys in converter["DICT_PROVINCE"].items():
        for legacy_key in legacy_keys:
            data.province_to_2025[legacy_province_by_key[legacy_key]] = new_province_by_key[new_key]
    successors: dict[str, list[Successor]] = defaultdict(list)
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, legacy_keys in wards.items():
            new_code = new_commune_by_key[(new_pkey, new_wkey)]
            for legacy_key in legacy_keys:
                if legacy_key in legacy_commune_by_key:  # "prov_district_" keys of island districts
                    successors[legacy_commune_by_key[legacy_key]].append(Successor(new_code, True))
    for new_pkey, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for legacy_key, pieces in divided.items():
            if legacy_key not in legacy_commune_by_key:
                continue
            code = legacy_commune_by_key[legacy_key]
            for piece in pieces:
                successors[code].append(Successor(new_commune_by_key[(new_pkey, piece["newWardKey"])],
                                                  bool(piece["isDefaultNewWard"])))
    sources: dict[str, list[str]] = defaultdict(list)
    for code, pieces in successors.items():
        pieces.sort(key=lambda s: (not s.is_default, s.code))
        data.commune_to_2025[code] = tuple(pieces)
        for piece in pieces:
            sources[piece.code].append(code)
    data.commune_from_legacy = {code: tuple(sorted(set(c))) for code, c in sources.items()}

    new_by_slug = defaultdict(list)
    for commune in data.communes[NEW]:
        new_by_slug[(commune.province_code, commune.slug)].append(commune)
    for district in data.districts:
        counts: Counter[str] = Counter()
        for commune in data.children.get(district.uid, ()):
            for piece in data.commune_to_2025.get(commune.code, ()):
                counts[piece.code] += 2 if piece.is_default else 1
        if not counts:  # an island district without communes became the đặc khu of its name
            new_province = data.province_to_2025[district.province_code]
            for unit in new_by_slug.get((new_province, district.slug), ()):
                counts[unit.code] += 1
        data.district_to_2025[district.code] = tuple(c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    data.district_aliases = {code: tuple(sorted(names)) for code, names in aliases.items()}
    _check(data)
    return data


# --- the cache ------------------------------------------------------------------------------------
# Every process that tags a site or fills the archive's tables needs the dataset, and building it
# from the package's files is most of a crawl's start-up. Its result (plain tuples and dicts, in
# `marshal`: no code can come out of it) is kept in $VNADMIN_CACHE, else $XDG_CACHE_HOME/vnadmin or
# ~/.cache/vnadmin (VNADMIN_CACHE=0: no cache), under a name made of the package's version, the
# data files' sizes and times and this module's own text: any change builds it anew. A cache that
# cannot be read or written is ignored.

CACHE_FORMAT = 1


def _cache_file(root: Path, version: str) -> Path | None:
    setting = os.environ.get("VNADMIN_CACHE")
    if setting in ("0", ""):
        return None
    try:
        base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vnadmin"
        stamp = hashlib.sha1(Path(__file__).read_bytes())
        for name in ("dataset.db", "converter_2025.json"):
            info = (root / name).stat()
            stamp.update(f"{name}:{info.st_size}:{info.st_mtime_ns}".encode())
    except (OSError, RuntimeError):  # no home directory, unreadable files
        return None
    return base / f"{PACKAGE}-{version}-{stamp.hexdigest()[:16]}-{CACHE_FORMAT}.marshal"


def _read_cache(path: Path | None) -> Dataset | None:
    if path is None:
        return None
    try:
        version, units, to_2025, commune_to, commune_from, district_to, aliases = marshal.loads(path.read_bytes())
        data = Dataset(version=version)
        for values in units:
            unit = Unit(*values)
            data.units[(unit.era, unit.code)] = unit
            if unit.level == PROVINCE:
                data.provinces[unit.era].append(unit)
            elif unit.level == DISTRICT:
                data.districts.append(unit)
                data.children[f"{LEGACY}:{unit.province_code}"].append(unit)
            else:
                data.communes[unit.era].append(unit)
                parent = unit.district_code if unit.era == LEGACY else unit.province_code
                data.children[f"{unit.era}:{parent}"].append(unit)
        data.province_to_2025 = to_2025
        data.commune_to_2025 = {code: tuple(Successor(c, flag) for c, flag in pieces) for code, pieces in commune_to.items()}
        data.commune_from_legacy = commune_from
        data.district_to_2025 = district_to
        data.district_aliases = aliases
        _check(data)
        return data
    except Exception:  # noqa: BLE001 - missing, truncated, from another format: built anew
        return None


def _write_cache(path: Path | None, data: Dataset) -> None:
    if path is None:
        return
    units = tuple((u.era, u.code, u.name, u.short_name, u.type, u.level, u.province_code, u.district_code, u.lat,
                   u.lon, u.area_km2) for u in data.units.values())
    state = (data.version, units, data.province_to_2025,
             {code: tuple((s.code, s.is_default) for s in pieces) for code, pieces in data.commune_to_2025.items()},
             data.commune_from_legacy, data.district_to_2025, data.district_aliases)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(marshal.dumps(state))
        os.replace(temporary, path)  # whole or not at all, whoever writes it at the same time
    except OSError:
        pass


def _check(data: Dataset) -> None:
    """Fail loudly if the package's data is not the shape this module was written for."""
    counts = (len(data.provinces[LEGACY]), len(data.provinces[NEW]))
    if counts != (63, 34):
        raise AdminDataError(f"{PACKAGE} {data.version}: expected 63 legacy and 34 new provinces, got {counts}")
    missing = [c.code for c in data.communes[LEGACY] if c.code not in data.commune_to_2025]
    if missing:
        raise AdminDataError(f"{PACKAGE} {data.version}: {len(missing)} legacy communes have no 2025 successor "
                             f"(e.g. {missing[:5]})")


def admin_unit_rows() -> Iterator[dict]:
    """Rows for an ``admin_units`` table: both eras, provinces, districts and communes.

    Keys: uid (primary key, ``era:code``), era, code, name, short_name, type, level, parent_code,
    province_code, district_code, lat, lon, area_km2, slug.
    """
    data = load()
    for era in ERAS:
        units = data.provinces[era] + (data.districts if era == LEGACY else []) + data.communes[era]
        for u in units:
            yield {"uid": u.uid, "era": u.era, "code": u.code, "name": u.name, "short_name": u.short_name,
                   "type": u.type, "level": u.level, "parent_code": u.parent_code,
                   "province_code": u.province_code, "district_code": u.district_code,
                   "lat": u.lat, "lon": u.lon, "area_km2": u.area_km2, "slug": u.slug}


def crosswalk_rows() -> Iterator[dict]:
    """Rows for an ``admin_crosswalk`` table: one per (legacy unit, 2025 unit) pair.

    Keys: legacy_uid, legacy_code, legacy_level, new_uid, new_code, new_level, relation, is_default.
    Relations: ``province``: a legacy province into its 2025 province (``kept`` when the 2025
    province is that province alone, else ``merged_into``); ``merged_into``: a whole legacy commune
    into a 2025 commune; ``split_into``: part of a legacy commune (is_default marks the main part);
    ``within``: a legacy district into its 2025 province; ``territory_to``: a 2025 commune formed
    (wholly or partly) from a legacy district's communes, or the đặc khu an island district became.
    """
    data = load()
    merged = Counter(data.province_to_2025.values())
    for code, new_code in sorted(data.province_to_2025.items()):
        yield _cw(LEGACY, code, PROVINCE, new_code, PROVINCE, "kept" if merged[new_code] == 1 else "merged_into", True)
    for district in data.districts:
        yield _cw(LEGACY, district.code, DISTRICT, data.province_to_2025[district.province_code], PROVINCE,
                  "within", True)
        for i, new_code in enumerate(data.district_to_2025.get(district.code, ())):
            yield _cw(LEGACY, district.code, DISTRICT, new_code, COMMUNE, "territory_to", i == 0)
    for code, pieces in sorted(data.commune_to_2025.items()):
        relation = "merged_into" if len(pieces) == 1 else "split_into"
        for piece in pieces:
            yield _cw(LEGACY, code, COMMUNE, piece.code, COMMUNE, relation, piece.is_default)


def _cw(era: str, code: str, level: str, new_code: str, new_level: str, relation: str, is_default: bool) -> dict:
    return {"legacy_uid": f"{era}:{code}", "legacy_code": code, "legacy_level": level,
            "new_uid": f"{NEW}:{new_code}", "new_code": new_code, "new_level": new_level,
            "relation": relation, "is_default": int(is_default)}


@lru_cache(maxsize=1)
def data_version() -> str:
    """What the admin tables were built from ("vietnamadminunits==1.0.4"): a migration stores it and
    rebuilds the tables when it changes. Cheap (the installed package's metadata, not its data), so
    that the archive can compare it with its stored version every time it is opened."""
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise AdminDataError(f"the package {PACKAGE}=={PINNED_VERSION} is not installed: "
                             f"pip install -r requirements.txt") from None
    return f"{PACKAGE}=={version}"
