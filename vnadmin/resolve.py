"""Which administrative unit a portal belongs to, from its host name and title. Pure.

``locate(host, title=None)`` reads a portal's host name (and, when given, its title or header text)
and returns a `Location`: the level (``province``, ``district``, ``commune``, ``province_agency``,
``national`` or ``unknown``), the unit in both eras (legacy: before 1 July 2025; new_2025: after),
a confidence in [0, 1] and the rule that decided. It never guesses silently: when a name fits
several units the confidence is low and the candidates are listed.

Confidence bands (`Location.band`): ``high`` >= 0.85 (the host or title names exactly one unit the
usual way), ``medium`` >= 0.6 (one unit, but by a weaker sign: a bare commune slug, a former name,
a unit under a merged province, a same-named 2025 commune that may have taken over the host),
``low`` < 0.6 (ambiguous or unknown; see the candidates).

Host names, right to left: ``gov.vn``; the province label (``hatinh``, ``daknong``, ``tphcm``...);
then a department (``stp``, ``sotttt``, ``ldld``...), a district (``honglinh``, ``tpthanhhoa``,
``huyenkrongno``) or a commune (``xasonlinh``, ``namhonglinh``), possibly a commune under a
district (``longanh.tpthanhhoa.thanhhoa.gov.vn``). A slug shared by several units is resolved by
the province label (and district label) around it. National sites: ``chinhphu.vn`` and its
subdomains, and ``*.gov.vn`` without a province label (``moh.gov.vn``).

``resolve_name(name, province=None)`` finds the unit a registry entry names (``"Thị xã Hồng
Lĩnh"``, province ``"Hà Tĩnh"``) and raises `AdminNameError`, listing the candidates, when the name
is unknown or fits several units. ``describe(unit)`` gives a unit's `Location` in both eras.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from vnadmin import names as N
from vnadmin.data import COMMUNE, DISTRICT, LEGACY, NEW, PROVINCE, Dataset, Unit, load
from vnadmin.fold import has_diacritics, slug, tone_key, words

PROVINCE_AGENCY, NATIONAL, UNKNOWN = "province_agency", "national", "unknown"
LEVELS = (PROVINCE, DISTRICT, COMMUNE, PROVINCE_AGENCY, NATIONAL, UNKNOWN)
HIGH, MEDIUM = 0.85, 0.6

_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def band(confidence: float) -> str:
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


class AdminNameError(ValueError):
    """A unit name that is unknown or fits several units; `candidates` lists what it could be."""

    def __init__(self, message: str, candidates: Iterable[Unit] = ()):
        self.candidates = list(candidates)
        if self.candidates:
            listed = "; ".join(_describe_candidate(u) for u in self.candidates[:12])
            more = f" (and {len(self.candidates) - 12} more)" if len(self.candidates) > 12 else ""
            message = f"{message}; candidates: {listed}{more}"
        super().__init__(message)


def _describe_candidate(unit: Unit) -> str:
    data = load()
    where = []
    if unit.district_code:
        where.append(data.unit(LEGACY, unit.district_code).name)  # type: ignore[union-attr]
    if unit.level != PROVINCE:
        where.append(data.province_of(unit).name)
    return f"{unit.name}{' (' + ', '.join(where) + ')' if where else ''} [{unit.uid}]"


# --- the result ------------------------------------------------------------------------------------

@dataclass
class EraView:
    """A portal's units in one era. ``wards``: for a legacy district or commune, the 2025 communes
    formed from it (first: where most of it went; ``True`` marks the default piece of a split
    commune); for a 2025 commune, the legacy communes it was formed from."""

    province: Unit | None = None
    district: Unit | None = None
    ward: Unit | None = None
    wards: list[tuple[Unit, bool]] = field(default_factory=list)
    candidates: list[Unit] = field(default_factory=list)
    agency: str | None = None

    def to_dict(self) -> dict:
        out: dict = {
            "province_code": self.province.code if self.province else None,
            "province": self.province.name if self.province else None,
            "district_code": self.district.code if self.district else None,
            "district": self.district.name if self.district else None,
            "ward_code": self.ward.code if self.ward else None,
            "ward": self.ward.name if self.ward else None,
        }
        if self.wards:
            out["wards"] = [{"code": u.code, "name": u.name, "default": flag} for u, flag in self.wards]
        if self.candidates:
            out["candidates"] = [{"code": u.code, "name": u.name, "level": u.level, "province_code": u.province_code,
                                  "district_code": u.district_code} for u in self.candidates]
        if self.agency:
            out["agency"] = self.agency
        return out


@dataclass
class Location:
    host: str
    level: str
    legacy: EraView
    new_2025: EraView
    confidence: float
    rule: str
    title: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def band(self) -> str:
        return band(self.confidence)

    def to_dict(self) -> dict:
        """The ``scrapy locate-site --json`` object: exactly level, legacy, new_2025, confidence, rule."""
        return {"level": self.level, "legacy": self.legacy.to_dict(), "new_2025": self.new_2025.to_dict(),
                "confidence": round(self.confidence, 2), "rule": self.rule}

    def lines(self) -> list[str]:
        out = [f"host:        {self.host}"]
        if self.title:
            out.append(f"title:       {self.title}")
        out.append(f"level:       {self.level}")
        for label, view in (("legacy", self.legacy), ("2025", self.new_2025)):
            parts = [u.label() for u in (view.province, view.district, view.ward) if u]
            if view.agency:
                parts.append(f"agency: {view.agency}")
            out.append(f"{label + ':':<12} {' / '.join(parts) if parts else '-'}")
            if view.wards:
                listed = ", ".join(f"{u.name} {u.code}{' *' if flag and len(view.wards) > 1 else ''}" for u, flag in view.wards)
                heading = "  formed from:" if view is self.legacy else "  became:"
                out.append(f"{heading:<12} {listed}")
            if view.candidates:
                out.append(f"{'  maybe:':<12} " + "; ".join(_describe_candidate(u) for u in view.candidates))
        out.append(f"confidence:  {self.confidence:.2f} ({self.band})")
        out.append(f"rule:        {self.rule}")
        out.extend(f"note:        {n}" for n in self.notes)
        return out


# --- indexes -------------------------------------------------------------------------------------

_TYPED_PREFIXES = {
    "huyện": ("huyen",), "thị xã": ("thixa", "tx"), "thành phố": ("thanhpho", "tp"), "quận": ("quan", "q"),
    "xã": ("xa",), "phường": ("phuong", "p"), "thị trấn": ("thitran", "tt"), "đặc khu": ("dackhu", "dk"),
}


def _keys(unit: Unit) -> list[tuple[str, str]]:
    """(key, how) pairs a host label may use for a unit: the bare slug and typed forms."""
    s = unit.slug
    out = [] if s.isdigit() else [(s, "bare")]
    out.append((slug(unit.name), "typed"))
    for prefix in _TYPED_PREFIXES.get(unit.type, ()):
        # "p" + "hong" is also the bare "phong": one-letter prefixes rank below bare slugs
        how = "abbrev" if len(prefix) == 1 and not s.isdigit() else "typed"
        out.append((prefix + s, how))
        if s.isdigit() and len(s) == 1:
            out.append((prefix + "0" + s, how))
    return list(dict.fromkeys(out))  # each pair once ("thanhpho" + slug is also the typed name)


class _Index:
    def __init__(self, data: Dataset):
        self.data = data
        self.province_labels: dict[str, str] = {}
        for p in data.provinces[LEGACY]:
            for label in (p.slug, slug(p.name)):
                self.province_labels[label] = p.code
        for code, labels in N.PROVINCE_ALIASES.items():
            for label in labels:
                self.province_labels[slug(label)] = code
        self.siblings: dict[str, list[str]] = {}
        for code, new in data.province_to_2025.items():
            self.siblings.setdefault(new, []).append(code)
        self.districts: dict[str, dict[str, list[tuple[Unit, str]]]] = {}
        self.district_communes: dict[str, dict[str, list[tuple[Unit, str]]]] = {}
        self.communes: dict[tuple[str, str], dict[str, list[tuple[Unit, str]]]] = {}
        self.national: dict[str, dict[str, list[tuple[Unit, str]]]] = {DISTRICT: {}, LEGACY: {}, NEW: {}}
        # Each unit is put in a bucket once with each of its (deduplicated) keys, so a bucket's
        # list needs no search for what it holds already: this builds 120,000 entries, once per
        # process, before the first site is tagged (a search per entry took most of a quarter second).
        national = self.national[DISTRICT]
        for d in data.districts:
            bucket = self.districts.setdefault(d.province_code, {})
            for key, how in _keys(d):
                entry = (d, how)
                bucket.setdefault(key, []).append(entry)
                national.setdefault(key, []).append(entry)
            for key in dict.fromkeys(slug(alias) for alias in data.district_aliases.get(d.code, ())):
                bucket.setdefault(key, []).append((d, "alias"))
        for era in (LEGACY, NEW):
            national = self.national[era]
            for c in data.communes[era]:
                bucket = self.communes.setdefault((era, c.province_code), {})
                district = self.district_communes.setdefault(c.district_code, {}) if c.district_code else None
                for key, how in _keys(c):
                    entry = (c, how)
                    bucket.setdefault(key, []).append(entry)
                    national.setdefault(key, []).append(entry)
                    if district is not None:
                        district.setdefault(key, []).append(entry)
        # names for titles and registry entries: (era, level) -> name key -> units
        self.names: dict[tuple[str, str], dict[str, list[Unit]]] = {}
        for era in (LEGACY, NEW):
            for u in data.provinces[era] + (data.districts if era == LEGACY else []) + data.communes[era]:
                self.names.setdefault((era, u.level), {}).setdefault(u.key, []).append(u)
        for key, code in (("thua thien hue", "46"), ("hcm", "79"), ("ho chi minh city", "79")):  # in titles
            self.names[(LEGACY, PROVINCE)].setdefault(key, []).append(data.units[(LEGACY, code)])

    def new_province(self, legacy_code: str) -> Unit:
        return self.data.units[(NEW, self.data.province_to_2025[legacy_code])]

    def continuing(self, legacy_code: str) -> bool:
        """Whether the legacy province's name lives on as a 2025 province (hatinh, lamdong: yes;
        daknong: no), i.e. whether its host label may also carry post-2025 portals."""
        return self.new_province(legacy_code).slug == self.data.units[(LEGACY, legacy_code)].slug


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(load())


_UNIT = ("typed", "bare", "abbrev")


def _best(entries: list[tuple[Unit, str]], order: tuple[str, ...] = _UNIT) -> tuple[list[Unit], str]:
    """The units of the best kind of match present, and that kind ("abbrev" reported as "typed")."""
    for how in order:
        units = _unique(u for u, h in entries if h == how)
        if units:
            return units, "typed" if how == "abbrev" else how
    return [], ""


def _unique(units: Iterable[Unit]) -> list[Unit]:
    seen: dict[str, Unit] = {}
    for u in units:
        seen.setdefault(u.uid, u)
    return list(seen.values())


# --- building locations -----------------------------------------------------------------------------

def _province_view(idx: _Index, legacy_code: str) -> tuple[EraView, EraView]:
    return EraView(province=idx.data.units[(LEGACY, legacy_code)]), EraView(province=idx.new_province(legacy_code))


def _from_unit(idx: _Index, host: str, unit: Unit, confidence: float, rule: str, *,
               new_hint: Unit | None = None, candidates: Iterable[Unit] = (), notes: Iterable[str] = ()) -> Location:
    data = idx.data
    legacy, new = EraView(), EraView()
    if unit.era == LEGACY:
        legacy.province = data.province_of(unit)
        new.province = idx.new_province(unit.province_code)
        if unit.level == DISTRICT:
            legacy.district = unit
            new.wards = [(u, i == 0) for i, (u, _) in enumerate(data.successors(unit))]
        elif unit.level == COMMUNE:
            legacy.district = data.unit(LEGACY, unit.district_code)
            legacy.ward = unit
            pieces = data.successors(unit)
            chosen = new_hint or next((u for u, flag in pieces if flag), pieces[0][0] if pieces else None)
            new.ward = chosen
            if len(pieces) > 1:
                new.wards = pieces
    else:
        new.province = data.province_of(unit)
        if unit.level == PROVINCE:
            before = data.predecessors(unit)
            same = [p for p in before if p.slug == unit.slug]
            legacy.province = same[0] if same else (before[0] if len(before) == 1 else None)
            if legacy.province is None:
                legacy.candidates = before
        else:
            new.ward = unit
            before = data.predecessors(unit)
            legacy.wards = [(u, False) for u in before]
            provinces = {u.province_code for u in before}
            districts = {u.district_code for u in before}
            if len(provinces) == 1:
                legacy.province = data.unit(LEGACY, provinces.pop())
            if len(districts) == 1:
                legacy.district = data.unit(LEGACY, districts.pop())
            if len(before) == 1:
                legacy.ward = before[0]
            if not before:  # a đặc khu that was an island district without communes
                island = [d for d in data.districts if data.district_to_2025.get(d.code) == (unit.code,)
                          and not data.children.get(d.uid)]
                if island:
                    legacy.province, legacy.district = data.province_of(island[0]), island[0]
    level = unit.level
    loc = Location(host, level, legacy, new, confidence, rule, notes=list(notes))
    for c in candidates:
        (loc.legacy if c.era == LEGACY else loc.new_2025).candidates.append(c)
    return loc


def _agency(idx: _Index, host: str, legacy_code: str, name: str, confidence: float, rule: str) -> Location:
    legacy, new = _province_view(idx, legacy_code)
    legacy.agency = new.agency = name
    return Location(host, PROVINCE_AGENCY, legacy, new, confidence, rule)


def _province(idx: _Index, host: str, legacy_code: str, level: str, confidence: float, rule: str,
              candidates: Iterable[Unit] = (), notes: Iterable[str] = ()) -> Location:
    legacy, new = _province_view(idx, legacy_code)
    loc = Location(host, level, legacy, new, confidence, rule, notes=list(notes))
    for c in candidates:
        (loc.legacy if c.era == LEGACY else loc.new_2025).candidates.append(c)
    return loc


def _bare(host: str, level: str, confidence: float, rule: str, agency: str | None = None,
          candidates: Iterable[Unit] = ()) -> Location:
    loc = Location(host, level, EraView(agency=agency), EraView(agency=agency), confidence, rule)
    for c in candidates:
        (loc.legacy if c.era == LEGACY else loc.new_2025).candidates.append(c)
    return loc


# --- host names ---------------------------------------------------------------------------------------

def normalize_host(host: str) -> str:
    """The host name of ``host`` (a bare host or a URL): lower case, no port, no trailing dot.
    Raises ValueError when it is not a host name."""
    text = (host or "").strip()
    if not text:
        raise ValueError("empty host name")
    if "://" in text:
        text = urlsplit(text).hostname or ""
    else:
        text = text.split("/", 1)[0].rsplit("@", 1)[-1]
        if text.count(":") == 1:
            text = text.split(":", 1)[0]
    text = text.strip().rstrip(".").lower()
    try:
        text = text.encode("idna").decode("ascii") if any(ord(ch) > 127 for ch in text) else text
    except UnicodeError as exc:
        raise ValueError(f"not a host name: {host!r}") from exc
    if not text or not _HOST.match(text):
        raise ValueError(f"not a host name: {host!r}")
    return text


def _locate_host(idx: _Index, host: str) -> Location:
    labels = host.split(".")
    try:
        ipaddress.ip_address(host)
        return _bare(host, UNKNOWN, 0.0, "host:not-a-portal")
    except ValueError:
        pass
    if host == "localhost" or len(labels) < 2:
        return _bare(host, UNKNOWN, 0.0, "host:not-a-portal")
    if labels[-2:] == ["gov", "vn"]:
        return _locate_gov(idx, host, labels[:-2])
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in N.NATIONAL_DOMAINS:
            return _bare(host, NATIONAL, 0.95, "host:national-domain")
    if labels[-2:] == ["dcs", "vn"] and len(labels) >= 3:
        code = idx.province_labels.get(slug(labels[-3]))
        if code:
            return _agency(idx, host, code, "Tỉnh ủy / Thành ủy (Đảng bộ)", 0.75, "host:party-committee")
    return _bare(host, UNKNOWN, 0.1, "host:not-gov-vn")


def _locate_gov(idx: _Index, host: str, inner: list[str]) -> Location:
    ignored = []
    while inner and inner[0] in N.TRANSPARENT:
        ignored.append(inner.pop(0))
    if not inner:
        return _bare(host, NATIONAL, 0.9, "host:national")
    code = idx.province_labels.get(slug(inner[-1]))
    if code is None:
        return _no_province(idx, host, inner)
    rest = inner[:-1]
    if not rest:
        return _province(idx, host, code, PROVINCE, 0.97 if not ignored else 0.92, "host:province")
    x = slug(rest[-1])
    units, how = _best(idx.districts.get(code, {}).get(x, []))
    if units:  # a district's name wins over a department's label ("vanban.laocai": huyện Văn Bàn)
        return _district_hit(idx, host, code, units, how, rest[:-1])
    if x in N.AGENCIES:
        loc = _agency(idx, host, code, N.AGENCIES[x], 0.95 if len(rest) == 1 else 0.9,
                      "host:agency" if len(rest) == 1 else "host:agency-subsite")
        same = _unique(u for era, c in ((LEGACY, code), (NEW, idx.data.province_to_2025[code]))
                       for u, _ in idx.communes.get((era, c), {}).get(x, []))
        if same:  # a commune of the province has that name too ("congan": xã Cô Ngân)
            loc.confidence = 0.6
            for unit in same:
                (loc.legacy if unit.era == LEGACY else loc.new_2025).candidates.append(unit)
        return loc
    if x in N.SERVICES:
        return _agency(idx, host, code, N.SERVICES[x], 0.75, "host:province-service")
    hit = _unit_in_province(idx, host, code, rest)
    if hit is not None:
        return hit
    if x.startswith("so") and x[2:] and any(x[2:] == a or "s" + x[2:] == a for a in N.AGENCIES):
        return _agency(idx, host, code, N.AGENCIES.get(x[2:]) or N.AGENCIES["s" + x[2:]], 0.8, "host:agency")
    return _province(idx, host, code, UNKNOWN, 0.2, "host:unknown-slug+province",
                     notes=[f"no unit or agency called {rest[-1]!r} in this province"])


def _unit_in_province(idx: _Index, host: str, code: str, rest: list[str]) -> Location | None:
    x = slug(rest[-1])
    deeper = rest[:-1]
    new_code = idx.data.province_to_2025[code]
    entries = idx.districts.get(code, {}).get(x, [])
    units, how = _best(entries)
    if units:
        return _district_hit(idx, host, code, units, how, deeper)
    hit = _commune_hit(idx, host, code, new_code, x, "+province")
    units, how = _best(entries, ("alias",))
    if units and (hit is None or "-typed" not in hit.rule):  # a former district's name beats a bare commune slug
        loc = _district_hit(idx, host, code, units, how, deeper)
        if hit is not None:
            for unit in (hit.legacy.ward, hit.new_2025.ward if hit.legacy.ward is None else None):
                if unit is not None:
                    (loc.legacy if unit.era == LEGACY else loc.new_2025).candidates.append(unit)
        return loc
    if hit is not None:
        return hit
    for sibling in idx.siblings.get(new_code, []):  # a legacy unit of a province merged with this one
        if sibling == code:
            continue
        units, how = _best(idx.districts.get(sibling, {}).get(x, []))
        if len(units) == 1:
            return _from_unit(idx, host, units[0], 0.7 if how == "typed" else 0.6, "host:district-slug+merged-province")
        lm, lhow = _best(idx.communes.get((LEGACY, sibling), {}).get(x, []))
        if len(lm) == 1:
            return _from_unit(idx, host, lm[0], 0.7 if lhow == "typed" else 0.55, "host:commune-slug+merged-province")
    return None


def _district_hit(idx: _Index, host: str, code: str, units: list[Unit], how: str, deeper: list[str]) -> Location:
    rule = {"typed": "host:district-typed+province", "bare": "host:district-slug+province",
            "alias": "host:district-former-name+province"}[how]
    if len(units) > 1:
        rural = [u for u in units if u.type == "huyện"]
        if how == "bare" and len(rural) == 1:
            others = [u for u in units if u is not rural[0]]
            return _from_unit(idx, host, rural[0], 0.6, "host:district-slug+province(huyện over same-named town)",
                              candidates=others)
        return _province(idx, host, code, DISTRICT, 0.35, "host:district-ambiguous", candidates=units)
    district = units[0]
    if deeper:
        y = slug(deeper[-1])
        found, chow = _best(idx.district_communes.get(district.code, {}).get(y, []))
        if len(found) == 1:
            return _from_unit(idx, host, found[0], 0.93 if chow == "typed" else 0.9, "host:commune+district+province")
        if len(found) > 1:
            return _from_unit(idx, host, district, 0.4, "host:commune-ambiguous+district", candidates=found)
        if y in N.AGENCIES or y in N.SERVICES:
            return _from_unit(idx, host, district, 0.7, "host:district-subsite",
                              notes=[f"{deeper[-1]!r}: a department or system of the district"])
        return _from_unit(idx, host, district, 0.7, "host:district-subsite",
                          notes=[f"label {deeper[-1]!r} under the district not recognised"])
    confidence = {"typed": 0.95, "bare": 0.93, "alias": 0.65}[how]
    notes, candidates = [], []
    if how == "alias":
        notes.append(f"{host.split('.')[0]!r} is a former name: that unit was merged into {district.name} before 1 July 2025")
    new_code = idx.data.province_to_2025[code]
    if idx.continuing(code):
        same = [u for u, _ in idx.communes.get((NEW, new_code), {}).get(district.slug, []) if u.slug == district.slug]
        if same:
            confidence = min(confidence, 0.75)
            candidates = _unique(same)
            notes.append(f"the 2025 {same[0].name} has the same name and may now use this host")
    return _from_unit(idx, host, district, confidence, rule, candidates=candidates, notes=notes)


def _commune_hit(idx: _Index, host: str, code: str, new_code: str, x: str, suffix: str) -> Location | None:
    data = idx.data
    lm_entries = idx.communes.get((LEGACY, code), {}).get(x, [])
    nm_entries = idx.communes.get((NEW, new_code), {}).get(x, [])
    present = {h for _, h in lm_entries + nm_entries}
    how = next((h for h in _UNIT if h in present), "bare")
    typed = how != "bare"
    lu = _unique(u for u, h in lm_entries if h == how)
    nu = _unique(u for u, h in nm_entries if h == how)
    kind = "typed" if typed else "slug"
    if len(lu) == 1:
        unit = lu[0]
        successors = [u for u, _ in data.successors(unit)]
        same = [n for n in nu if n in successors]
        if same:
            others = [n for n in nu if n is not same[0]]  # another 2025 commune whose name folds alike
            confidence = (0.9 if typed else 0.8) if not others else 0.5
            return _from_unit(idx, host, unit, confidence, f"host:commune-{kind}{suffix}", new_hint=same[0],
                              candidates=others)
        if nu:
            return _from_unit(idx, host, unit, 0.5, f"host:commune-{kind}{suffix}(era ambiguous)", candidates=nu,
                              notes=["a different 2025 commune has the same name"])
        return _from_unit(idx, host, unit, 0.9 if typed else 0.75, f"host:commune-{kind}{suffix}")
    if len(nu) == 1:
        unit = nu[0]
        if lu:  # several legacy communes of that name, one 2025 commune
            before = set(data.predecessors(unit))
            confidence = 0.75 if all(u in before for u in lu) else 0.4
            return _from_unit(idx, host, unit, confidence, f"host:commune-2025-{kind}{suffix}", candidates=lu)
        return _from_unit(idx, host, unit, 0.9 if typed else 0.85, f"host:commune-2025-{kind}{suffix}")
    if lu or nu:
        return _province(idx, host, code, COMMUNE, 0.3, "host:commune-ambiguous", candidates=lu + nu)
    return None


def _no_province(idx: _Index, host: str, inner: list[str]) -> Location:
    last = inner[-1]
    s = slug(last)
    if s in N.NATIONAL_GOV_LABELS:
        return _bare(host, NATIONAL, 0.95, "host:national")
    parts = [slug(p) for p in last.split("-") if p]
    if len(parts) > 1:
        codes = [idx.province_labels[p] for p in parts if p in idx.province_labels]
        agencies = [N.AGENCIES[p] for p in parts if p in N.AGENCIES]
        if codes and agencies:
            return _agency(idx, host, codes[0], agencies[0], 0.7, "host:agency-hyphen")
    if len(inner) == 1:
        found = _unique(u for bucket in (idx.national[DISTRICT], idx.national[LEGACY], idx.national[NEW])
                        for u, h in bucket.get(s, []) if h == "typed")
        if len(found) == 1:
            return _from_unit(idx, host, found[0], 0.7, "host:standalone-unit")
        if len(found) > 1:
            return _bare(host, UNKNOWN, 0.3, "host:standalone-unit-ambiguous", candidates=found)
        districts = _unique(u for u, h in idx.national[DISTRICT].get(s, []) if h == "bare")
        if len(districts) == 1 and len(s) >= 6:
            return _from_unit(idx, host, districts[0], 0.5, "host:standalone-district-slug",
                              notes=["a .gov.vn domain without a province label that matches one district's name"])
    return _bare(host, NATIONAL, 0.8, "host:national-unlisted")


# --- titles ----------------------------------------------------------------------------------------

_TYPE_WORDS: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    # (folded words, levels, unit types allowed; empty: any of the level)
    (("thanh", "pho"), (PROVINCE, DISTRICT), ("thành phố",)),
    (("thu", "do"), (PROVINCE,), ()),
    (("thi", "xa"), (DISTRICT,), ("thị xã",)),
    (("thi", "tran"), (COMMUNE,), ("thị trấn",)),
    (("dac", "khu"), (COMMUNE,), ("đặc khu",)),
    (("tinh",), (PROVINCE,), ()),
    (("huyen",), (DISTRICT,), ("huyện",)),
    (("quan",), (DISTRICT,), ("quận",)),
    (("xa",), (COMMUNE,), ("xã",)),
    (("phuong",), (COMMUNE,), ("phường",)),
    (("tp",), (PROVINCE, DISTRICT), ("thành phố",)),
    (("tx",), (DISTRICT,), ("thị xã",)),
    (("tt",), (COMMUNE,), ("thị trấn",)),
]


def _mentions(idx: _Index, title: str) -> list[tuple[str, list[Unit]]]:
    """(level, units) for each "type + name" in the title that names existing units."""
    pairs = [(t, slug(t)) for t in re.findall(r"[^\W_]+", title.lower())]
    original = [t for t, f in pairs if f]
    w = [f for _, f in pairs if f]
    out: list[tuple[str, list[Unit]]] = []
    i = 0
    while i < len(w):
        matched = False
        for type_words, levels, types in _TYPE_WORDS:
            k = len(type_words)
            if tuple(w[i:i + k]) != type_words:
                continue
            if type_words == ("quan",) and i > 0 and w[i - 1] == "co":  # "cơ quan"
                continue
            for n in range(min(6, len(w) - i - k), 0, -1):
                key = " ".join(w[i + k:i + k + n])
                for level in levels:
                    units = [u for era in (LEGACY, NEW) for u in idx.names.get((era, level), {}).get(key, [])
                             if not types or u.type in types]
                    if units:
                        units = _unique(units)
                        if len(units) > 1:  # "Sơn Lĩnh" and "Sơn Linh" fold alike: the accents decide
                            spelled = " ".join(original[i + k:i + k + n])
                            units = [u for u in units if tone_key(u.short_name) == tone_key(spelled)] or units
                        out.append((level, units))
                        matched = True
                if matched:
                    i += k + n
                    break
            if matched:
                break
        if not matched:
            i += 1
    return out


def _locate_title(idx: _Index, host: str, title: str, scope_code: str | None) -> Location | None:
    """The unit a portal's title names, within the host's province (legacy code) when known."""
    data = idx.data
    mentions = _mentions(idx, title)
    new_scope: set[str] | None = None
    if scope_code:
        new_scope = {data.province_to_2025[scope_code]}
    title_provinces = [u for level, units in mentions if level == PROVINCE for u in units]
    if title_provinces:
        named = {data.province_to_2025[u.code] if u.era == LEGACY else u.code for u in title_provinces}
        new_scope = named if new_scope is None else (new_scope & named or new_scope)
    legacy_scope = None if new_scope is None else {c for c, n in data.province_to_2025.items() if n in new_scope}

    def in_scope(u: Unit) -> bool:
        if new_scope is None:
            return True
        return u.province_code in (legacy_scope if u.era == LEGACY else new_scope)  # type: ignore[operator]

    base = 0.85 if scope_code else 0.8 if title_provinces else 0.65
    districts = [u for level, units in mentions if level == DISTRICT for u in units if in_scope(u)]
    communes = [u for level, units in mentions if level == COMMUNE for u in units if in_scope(u)]
    if communes and districts:
        communes = [u for u in communes if u.era == NEW or u.district_code in {d.code for d in districts}] or communes
    if communes:
        lu = _unique(u for u in communes if u.era == LEGACY)
        nu = _unique(u for u in communes if u.era == NEW)
        if len(lu) == 1:
            successors = [u for u, _ in data.successors(lu[0])]
            same = [n for n in nu if n in successors]
            if nu and not same:
                return _from_unit(idx, host, lu[0], 0.5, "title:commune(era ambiguous)", candidates=nu)
            return _from_unit(idx, host, lu[0], base, "title:commune", new_hint=same[0] if same else None)
        if len(nu) == 1:
            before = set(data.predecessors(nu[0]))
            confidence = base if not lu else min(base, 0.75) if all(u in before for u in lu) else 0.4
            return _from_unit(idx, host, nu[0], confidence, "title:commune", candidates=lu)
        return _mk_ambiguous(idx, host, scope_code, COMMUNE, lu + nu, "title:commune-ambiguous")
    if districts:
        units = _unique(districts)
        if len(units) == 1:
            return _from_unit(idx, host, units[0], base, "title:district")
        return _mk_ambiguous(idx, host, scope_code, DISTRICT, units, "title:district-ambiguous")
    folded = " ".join(words(title))
    if any(f" {p} " in f" {folded} " for p in N.TITLE_AGENCY_PREFIXES):
        code = scope_code or (next((u.code for u in title_provinces if u.era == LEGACY), None))
        if code:
            agency = next(p for p in N.TITLE_AGENCY_PREFIXES if f" {p} " in f" {folded} ")
            return _agency(idx, host, code, f"({agency})", 0.8 if scope_code else 0.7, "title:agency")
    provinces = [u for u in title_provinces if in_scope(u)]
    if provinces:
        legacy = _unique(u for u in provinces if u.era == LEGACY)
        if len(legacy) == 1:
            return _province(idx, host, legacy[0].code, PROVINCE, base, "title:province")
        new = _unique(u for u in provinces if u.era == NEW)
        if len(new) == 1:
            return _from_unit(idx, host, new[0], base, "title:province")
    return None


def _mk_ambiguous(idx: _Index, host: str, scope_code: str | None, level: str, units: list[Unit], rule: str) -> Location:
    if scope_code:
        return _province(idx, host, scope_code, level, 0.3, rule, candidates=units)
    return _bare(host, level, 0.3, rule, candidates=units)


def _same(a: Location, b: Location) -> bool:
    key = lambda loc: (loc.level, *(u.uid if u else None for u in (loc.legacy.province, loc.legacy.district, loc.legacy.ward)),
                       loc.new_2025.ward.uid if loc.new_2025.ward else None)
    ka, kb = key(a), key(b)
    if ka == kb:
        return True
    # one era's unit agrees (a 2025 commune read from the title, the legacy one from the host)
    return a.level == b.level == COMMUNE and a.new_2025.ward is not None and a.new_2025.ward == b.new_2025.ward


def _inside(inner: Location, outer: Location) -> bool:
    """Whether ``inner`` is a unit within ``outer``'s unit (a commune of a district or province)."""
    if outer.level == PROVINCE:
        return (inner.legacy.province == outer.legacy.province or inner.new_2025.province == outer.new_2025.province) \
            and inner.level in (DISTRICT, COMMUNE)
    if outer.level == DISTRICT and inner.level == COMMUNE:
        return inner.legacy.district is not None and inner.legacy.district == outer.legacy.district
    return False


def _combine(host_loc: Location, title_loc: Location | None, title: str) -> Location:
    if title_loc is None:
        host_loc.notes.append("the title names no unit")
        return host_loc
    if host_loc.level == NATIONAL:
        if host_loc.rule == "host:national-unlisted" and title_loc.level in (DISTRICT, COMMUNE) \
                and title_loc.confidence >= MEDIUM:  # a unit on a domain of its own ("xatamlanh.gov.vn")
            title_loc.confidence = min(title_loc.confidence, 0.7)
            title_loc.rule = f"{title_loc.rule}(host: {host_loc.rule})"
            return title_loc
        return host_loc
    if host_loc.level == UNKNOWN and host_loc.legacy.province is None:  # no province from the host
        return title_loc
    if _same(host_loc, title_loc):
        host_loc.confidence = min(0.99, max(host_loc.confidence, title_loc.confidence) + 0.04)
        host_loc.rule += "+title"
        return host_loc
    if host_loc.level == PROVINCE_AGENCY:
        if title_loc.level in (PROVINCE_AGENCY, PROVINCE):
            host_loc.confidence = min(0.99, host_loc.confidence + 0.02)
            host_loc.rule += "+title"
        return host_loc
    candidates = host_loc.legacy.candidates + host_loc.new_2025.candidates
    if candidates and any(_picks(title_loc, c) for c in candidates) or (
            host_loc.confidence < MEDIUM and title_loc.confidence >= MEDIUM and
            (host_loc.legacy.province is None or title_loc.new_2025.province == host_loc.new_2025.province)):
        title_loc.confidence = max(title_loc.confidence, 0.85 if candidates else title_loc.confidence)
        title_loc.rule = f"{title_loc.rule}(host: {host_loc.rule})"
        return title_loc
    if host_loc.confidence < HIGH and _inside(title_loc, host_loc):
        title_loc.rule = f"{title_loc.rule}+host"
        return title_loc
    host_loc.confidence = min(host_loc.confidence, 0.55)
    host_loc.notes.append(f"the title names another unit: {title_loc.rule} -> "
                          + ", ".join(u.label() for u in (title_loc.legacy.ward or title_loc.legacy.district or
                                                           title_loc.new_2025.ward or title_loc.legacy.province,) if u))
    return host_loc


def _picks(loc: Location, unit: Unit) -> bool:
    return unit in (loc.legacy.province, loc.legacy.district, loc.legacy.ward, loc.new_2025.ward) and \
        unit.level == loc.level if loc.level in (DISTRICT, COMMUNE) else False


# --- public API ------------------------------------------------------------------------------------

def locate(host: str, title: str | None = None) -> Location:
    """The administrative unit of the portal at ``host`` (a host name or URL), with its title or
    header text when known. Raises ValueError when ``host`` is not a host name."""
    idx = _index()
    clean = normalize_host(host)
    loc = _locate_host(idx, clean)
    if title and title.strip():
        scope = loc.legacy.province.code if loc.legacy.province else None
        loc = _combine(loc, _locate_title(idx, clean, title, scope), title)
        loc.title = title.strip()
    return loc


class _Eras:
    """What building a unit's `Location` needs (`_from_unit`): the data and each legacy province's
    2025 one; not the host-name and title indexes, which take longer to build than the data to load."""

    def __init__(self, data: Dataset):
        self.data = data

    def new_province(self, legacy_code: str) -> Unit:
        return self.data.units[(NEW, self.data.province_to_2025[legacy_code])]


def describe(unit: Unit | str) -> Location:
    """A unit's `Location` in both eras (a registry entry tagged by code or name)."""
    data = load()
    if isinstance(unit, str):
        found = data.get(unit)
        if found is None:
            raise AdminNameError(f"no unit {unit!r} (expected era:code, e.g. legacy:437 or 2025:18115)")
        unit = found
    return _from_unit(_Eras(data), "", unit, 1.0, "registry")  # type: ignore[arg-type]


_LEVEL_WORDS = {"province": PROVINCE, "tinh": PROVINCE, "district": DISTRICT, "huyen": DISTRICT,
                "commune": COMMUNE, "ward": COMMUNE, "xa": COMMUNE, "phuong": COMMUNE}


def resolve_name(name: str, province: str | None = None, *, era: str | None = None, level: str | None = None) -> Unit:
    """The unit called ``name`` ("Thị xã Hồng Lĩnh", "Hồng Lĩnh", "Phường Nam Hồng Lĩnh"), within
    ``province`` (a name or code) when given; ``era`` ("legacy" or "2025") and ``level``
    ("province", "district", "commune"/"ward") narrow it further. A parenthesised remark is
    ignored ("Xã Minh Đức (sample)"). Raises AdminNameError listing the candidates when the name is
    unknown or fits several units."""
    idx = _index()
    data = idx.data
    text = re.sub(r"\([^)]*\)", " ", name or "").strip()
    w = words(text)
    if not w:
        raise AdminNameError(f"empty unit name {name!r}")
    tokens = re.findall(r"[^\W_]+", text)
    levels: tuple[str, ...] = (PROVINCE, DISTRICT, COMMUNE)
    types: tuple[str, ...] = ()
    for type_words, type_levels, type_names in _TYPE_WORDS:
        if tuple(w[:len(type_words)]) == type_words and len(w) > len(type_words):
            w = w[len(type_words):]
            tokens = tokens[len(type_words):]
            levels, types = type_levels, type_names
            break
    short_text = " ".join(tokens)
    strict = has_diacritics(short_text)  # written with accents: they must be the unit's (Lĩnh is not Linh)
    if level:
        wanted = _LEVEL_WORDS.get(slug(level))
        if wanted is None:
            raise AdminNameError(f"unknown level {level!r} (province, district, commune or ward)")
        levels = tuple(lv for lv in levels if lv == wanted)
    eras = (era,) if era else (LEGACY, NEW)
    if era and era not in (LEGACY, NEW):
        raise AdminNameError(f"unknown era {era!r} (legacy or 2025)")
    scope: dict[str, set[str]] | None = None
    if province:
        scope = _province_scope(idx, province)
    key = " ".join(w)

    def spelled(u: Unit) -> bool:
        return not strict or tone_key(u.short_name) == tone_key(short_text)

    def matches(check_type: bool, check_spelling: bool = True, in_scope: bool = True) -> list[Unit]:
        return _unique(u for e in eras for lv in levels for u in idx.names.get((e, lv), {}).get(key, [])
                       if (not check_type or not types or u.type in types)
                       and (not check_spelling or spelled(u))
                       and (not in_scope or scope is None or u.province_code in scope[u.era]))

    found = matches(True)
    if not found and scope is not None:  # a legacy unit of a province merged into the named 2025 one
        widened = {c for c, n in data.province_to_2025.items() if n in scope[NEW] or c in scope[LEGACY]}
        scope = {LEGACY: widened, NEW: scope[NEW]}
        found = matches(True)
    if len(found) > 1 and not era:
        provinces = [u for u in found if u.level == PROVINCE]
        if len(provinces) == len(found) and len({u.code for u in found}) == 1:
            return next(u for u in found if u.era == LEGACY)
    if len(found) == 1:
        return found[0]
    where = f" in {province}" if province else ""
    if found:
        raise AdminNameError(f"{name!r}{where} fits {len(found)} units (give the province, era or level)", found)
    elsewhere = matches(True, in_scope=False)
    near = matches(True, check_spelling=False)
    if near:
        raise AdminNameError(f"no unit spelled {name!r}{where} (other accents, or elsewhere)", near + elsewhere)
    loose = matches(False)
    if loose:
        raise AdminNameError(f"no unit of that type called {name!r}{where}", loose)
    if not elsewhere:
        target = slug(text)
        elsewhere = _unique(u for e in eras for lv in levels for k, units in idx.names.get((e, lv), {}).items()
                            if target and target in k.replace(" ", "") for u in units
                            if scope is None or u.province_code in scope[u.era])[:12]
    raise AdminNameError(f"no unit called {name!r}{where}", elsewhere)


def _province_scope(idx: _Index, province: str) -> dict[str, set[str]]:
    data = idx.data
    text = re.sub(r"\([^)]*\)", " ", province).strip()
    if text.isdigit():
        code = text.zfill(2)
        scope = {LEGACY: {code} if data.unit(LEGACY, code) else set(), NEW: {code} if data.unit(NEW, code) else set()}
    else:
        w = words(text)
        for type_words, type_levels, _ in _TYPE_WORDS:
            if PROVINCE in type_levels and tuple(w[:len(type_words)]) == type_words and len(w) > len(type_words):
                w = w[len(type_words):]
                break
        key = " ".join(w)
        scope = {era: {u.code for u in idx.names.get((era, PROVINCE), {}).get(key, [])} for era in (LEGACY, NEW)}
        label_code = idx.province_labels.get(slug(text))
        if label_code and not scope[LEGACY]:
            scope[LEGACY].add(label_code)
    if not scope[LEGACY] and not scope[NEW]:
        raise AdminNameError(f"no province called {province!r}")
    return scope
