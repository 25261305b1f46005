"""Which administrative unit a registry entry (or any site) belongs to, in both eras. Pure.

An entry names its unit by code (``unit_code = "legacy:437"`` / ``"2025:18115"``) or by name
(``unit = "Thị xã Hồng Lĩnh"``, ``province = "Hà Tĩnh"``), resolved when the registry loads with
`vnadmin.resolve_name`: an unknown or ambiguous name is an error that lists the candidates. The
entry's ``level`` must agree with the unit (``district``; ``commune`` or ``ward``; ``province``);
an ``agency`` (a department, museum... of a province) is tagged with its province. An entry that
names no unit at all is located from its host name and name (`vnadmin.locate`), with the
confidence and the rule that decided: never silently.

`site_location(site, title)` gives any site's `(uid, Location)`: a registry profile's resolved one,
else the same resolution from the attributes a stand-in carries, else its host (and ``title``:
what the portal shows, for generic-mode sites).
"""
from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vnadmin import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    PROVINCE_AGENCY,
    AdminNameError,
    Location,
    describe,
    load,
    locate,
    resolve_name,
)
from vnadmin.fold import name_key, slug

if TYPE_CHECKING:
    from vnadmin import Unit

# The registry's `level` values and the unit level each one names.
REGISTRY_LEVELS = {"province": PROVINCE, "district": DISTRICT, "commune": COMMUNE, "ward": COMMUNE,
                   "agency": PROVINCE}


def entry_location(*, unit_code: str = "", unit: str = "", province: str = "", level: str = "",
                   host: str = "", name: str = "") -> tuple[str | None, Location | None]:
    """The unit an entry names, as ``(uid, Location)``. Raises AdminNameError (its message lists
    the candidates) for an unknown code or name, an ambiguous name, or a level that disagrees."""
    level = (level or "").strip().lower()
    wanted = REGISTRY_LEVELS.get(level)
    if level and wanted is None:
        raise AdminNameError(f"level {level!r}: unknown (one of {', '.join(REGISTRY_LEVELS)})")
    unit, province, unit_code = (unit or "").strip(), (province or "").strip(), (unit_code or "").strip()
    if unit_code:
        found = load().get(unit_code)
        if found is None:
            raise AdminNameError(f"unit_code {unit_code!r}: no such unit (expected era:code, e.g. legacy:437 "
                                 "or 2025:18115; `scrapy locate-site HOST` suggests one)")
        rule = "registry:unit_code"
        _check_name(found, unit, level)
    elif level == "agency":
        if not province:
            raise AdminNameError("an agency is tagged with its province: give province (or unit_code)")
        found, rule = resolve_name(province, level=PROVINCE), "registry:agency+province"
    elif unit or (province and wanted == PROVINCE):
        try:
            found = resolve_name(unit or province, province or None, level=wanted)
        except AdminNameError as exc:
            if exc.candidates:
                raise
            raise AdminNameError(str(exc), _near(unit or province, province, wanted)) from None
        rule = "registry:unit"
    else:
        return located(host, name)
    if wanted is not None and found.level != wanted:
        raise AdminNameError(f"{found.label()} is a {found.level}, but level is {level!r}")
    location = describe(found)
    if province and unit_code:
        _check_province(location, province)
    location.host, location.rule = _host(host), rule
    if level == "agency":
        location.level = PROVINCE_AGENCY
        location.legacy.agency = location.new_2025.agency = unit or name or None
    return found.uid, location


def located(host: str, title: str | None = None) -> tuple[str | None, Location | None]:
    """A site located from its host name (and title): ``(uid of its unit or None, Location)``;
    ``(None, None)`` when the host is no host name at all."""
    try:
        location = locate(host, title or None)
    except ValueError:
        return None, None
    return primary_uid(location), location


def site_location(site: Any, title: str | None = None) -> tuple[str | None, Location | None]:
    """Any site's unit: a registry profile's resolved one, else resolved from its attributes
    (unit_code, unit, province, level), else located from its host and ``title`` (or its name)."""
    if getattr(site, "location", None) is not None:
        return getattr(site, "unit_code", "") or primary_uid(site.location), site.location
    host = _host(getattr(site, "base_url", "") or "")
    if getattr(site, "family", "") == "generic":
        return located(host, title)
    try:
        return entry_location(unit_code=getattr(site, "unit_code", "") or "", unit=getattr(site, "unit", "") or "",
                              province=getattr(site, "province", "") or "", level=getattr(site, "level", "") or "",
                              host=host, name=title or getattr(site, "name", "") or "")
    except AdminNameError:
        return located(host, title or getattr(site, "name", "") or None)


def primary_uid(location: Location) -> str | None:
    """The uid of the one unit a location names (a 2025 ward when it was read as one)."""
    legacy, new = location.legacy, location.new_2025
    if location.level == COMMUNE:
        if new.ward is not None and (legacy.ward is None or "2025" in location.rule):
            return new.ward.uid
        return legacy.ward.uid if legacy.ward is not None else None
    if location.level == DISTRICT:
        return legacy.district.uid if legacy.district is not None else None
    if location.level in (PROVINCE, PROVINCE_AGENCY):
        unit = legacy.province or new.province
        return unit.uid if unit is not None else None
    return None


def _check_name(found: Any, unit: str, level: str) -> None:
    """An entry with a code and a name: the name must be the code's unit's (a typo in either shows)."""
    if not unit or level == "agency":
        return
    if slug(found.short_name) not in slug(re.sub(r"\([^)]*\)", " ", unit)):
        raise AdminNameError(f"unit_code {found.uid} is {found.name}, but unit is {unit!r}")


def _check_province(location: Location, province: str) -> None:
    """An entry with a code and a province: the province must be the unit's, in either era (by
    name, with or without its type, or by code; cheap: no name index is built)."""
    mine = [u for u in (location.legacy.province, location.new_2025.province) if u is not None]
    text = re.sub(r"\([^)]*\)", " ", province).strip()
    key = name_key(text)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        key = key.removeprefix(prefix)
    if any(text.zfill(2) == u.code or key in (name_key(u.short_name), slug(u.short_name)) for u in mine):
        return
    names = " / ".join(dict.fromkeys(u.name for u in mine))
    raise AdminNameError(f"province {province!r} is not the unit's province ({names})")


def _near(name: str, province: str, level: str | None) -> list[Unit]:
    """Units whose names are close to an unknown one (within the province when it is known)."""
    data = load()
    scope: set[str] | None = None
    if province:
        try:
            view = describe(resolve_name(province, level=PROVINCE))
        except AdminNameError:
            view = None
        if view is not None:
            scope = {u.uid for u in (view.legacy.province, view.new_2025.province, *view.legacy.candidates) if u}
    units = [u for u in data.units.values() if (level is None or u.level == level)
             and (scope is None or f"{u.era}:{u.province_code}" in scope)]
    keys: dict[str, list[Unit]] = {}
    for u in units:
        keys.setdefault(name_key(u.short_name), []).append(u)
    wanted = name_key(re.sub(r"\([^)]*\)", " ", name))
    words = wanted.split()
    if len(words) > 1 and words[0] in {"xa", "phuong", "huyen", "quan", "tinh", "thi", "thanh", "dac"}:
        wanted = " ".join(words[2:] if words[0] in {"thi", "thanh", "dac"} else words[1:])
    close = difflib.get_close_matches(wanted, list(keys), n=6, cutoff=0.6)
    return [u for key in close for u in keys[key]][:8]


def _host(address: str) -> str:
    if "://" in address:
        return (urlsplit(address).hostname or "").lower()
    return address.lower()
