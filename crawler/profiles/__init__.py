"""Loading and validating site knowledge: the site registry and platform-family profiles.

Families live in `families/<family>.toml`; the registry of portals in `sites.toml`. A site entry
names its family and may override any `[urls]`, `[listing]` or `[article]` key for itself. Every
problem is a `ProfileError` whose message names the file and the key, raised before a crawl
starts. Pure apart from reading the TOML files.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.profiles.model import (
    ArticleRules,
    FamilyProfile,
    ListingRules,
    SiteProfile,
    UrlRules,
)
from crawler.profiles.units import entry_location
from pipelines.identity import DEFAULT_RULES, IdentityRules
from vnadmin import AdminDataError, AdminNameError

__all__ = [
    "ProfileError",
    "UnknownSiteError",
    "family_identities",
    "load_families",
    "load_sites",
    "select_sites",
    "SiteProfile",
    "FamilyProfile",
]

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PAGINATION_KINDS = {"postback", "link"}
BYLINE_KINDS = {"last_paragraph", "none"}
SITE_KEYS = {
    "name", "family", "base_url", "base_url_setting", "mount", "start_paths", "start_urls",
    "enabled", "province", "unit", "unit_code", "level", "notes", "urls", "listing", "article", "aliases",
}
FAMILY_KEYS = {"name", "urls", "listing", "article", "notes", "identity"}


class ProfileError(ValueError):
    """A profile or registry file is missing a key or has a value of the wrong shape."""


class UnknownSiteError(ProfileError):
    """`-a site=SLUG` names no configured portal."""


def load_families(directory: str | Path) -> dict[str, FamilyProfile]:
    """Load every `<family>.toml` in `directory`; the file stem is the family id."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ProfileError(f"{directory}: profile directory not found")
    families = {}
    for path in sorted(directory.glob("*.toml")):
        data = _read_toml(path)
        families[path.stem] = _family_from_dict(path.stem, data, str(path))
    return families


def family_identities(directory: str | Path) -> dict[str, IdentityRules]:
    """Each family's identity rules alone (what the archive's key migration needs), read from
    `<family>.toml`'s `[identity]` table; families without one get the default rules."""
    directory = Path(directory)
    rules = {}
    for path in sorted(directory.glob("*.toml")) if directory.is_dir() else []:
        data = _read_toml(path)
        rules[path.stem] = _identity(data.get("identity"), str(path))
    return rules


def load_sites(
    sites_file: str | Path,
    families: Mapping[str, FamilyProfile],
    settings: Mapping[str, Any] | None = None,
) -> dict[str, SiteProfile]:
    """Load the site registry and resolve each entry against its family.

    `settings` supplies values for entries with `base_url_setting` (the sample portals).
    """
    path = Path(sites_file)
    data = _read_toml(path)
    entries = data.get("sites")
    if not isinstance(entries, dict) or not entries:
        raise ProfileError(f"{path}: [sites]: no site entries found")
    return {
        slug: _site_from_dict(slug, entry, families, settings or {}, str(path))
        for slug, entry in entries.items()
    }


def select_sites(sites: Mapping[str, SiteProfile], slug: str | None) -> list[SiteProfile]:
    """The sites one crawl covers: one by slug, or every enabled one."""
    if slug is None or slug == "":
        return [site for site in sites.values() if site.enabled]
    if slug not in sites:
        known = ", ".join(sorted(sites))
        raise UnknownSiteError(f"unknown site {slug!r}; known sites: {known}")
    return [sites[slug]]


# --- internals ---------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None


def _family_from_dict(family: str, data: dict[str, Any], source: str) -> FamilyProfile:
    _check_keys(data, FAMILY_KEYS, source, "")
    return FamilyProfile(
        family=family,
        name=_required_str(data, "name", source),
        urls=_url_rules(data.get("urls", {}), source, "urls"),
        listing=_build(ListingRules, data.get("listing", {}), source, "listing"),
        article=_build(ArticleRules, data.get("article", {}), source, "article"),
        source=source,
        identity=_identity(data.get("identity"), source),
    )


def _identity(data: Any, source: str) -> IdentityRules:
    """The `[identity]` table. A family-wide property on purpose: no site overrides it, so that
    the archive's key migration, which knows only each site's family, computes the same keys."""
    return DEFAULT_RULES if data is None else _build(IdentityRules, data, source, "identity")


def _site_from_dict(
    slug: str,
    entry: Any,
    families: Mapping[str, FamilyProfile],
    settings: Mapping[str, Any],
    source: str,
) -> SiteProfile:
    where = f"sites.{slug}"
    if not SLUG_RE.match(slug):
        raise ProfileError(f"{source}: [{where}]: slug must be lower-case ascii letters, digits, - or _")
    if not isinstance(entry, dict):
        raise ProfileError(f"{source}: [{where}]: must be a table")
    _check_keys(entry, SITE_KEYS, source, where)
    family_id = _required_str(entry, "family", source, where)
    family = families.get(family_id)
    if family is None:
        raise ProfileError(
            f"{source}: [{where}] family: unknown family {family_id!r}; known: {', '.join(sorted(families))}"
        )
    base_url = _base_url(entry, settings, source, where)
    unit_code, location = _unit(entry, base_url, source, where)
    return SiteProfile(
        slug=slug,
        name=_required_str(entry, "name", source, where),
        base_url=base_url,
        family=family_id,
        start_urls=_start_urls(entry, base_url, source, where),
        urls=_merge_urls(family.urls, entry.get("urls"), source, f"{where}.urls"),
        listing=_merge(family.listing, entry.get("listing"), source, f"{where}.listing"),
        article=_merge(family.article, entry.get("article"), source, f"{where}.article"),
        enabled=_bool(entry, "enabled", True, source, where),
        province=str(entry.get("province", "")),
        unit=str(entry.get("unit", "")),
        level=str(entry.get("level", "")),
        notes=str(entry.get("notes", "")),
        aliases=_aliases(entry, source, where),
        identity=family.identity,
        unit_code=unit_code or "",
        location=location,
    )


def _unit(entry: dict[str, Any], base_url: str, source: str, where: str) -> tuple[str | None, Any]:
    """The entry's administrative unit (crawler/profiles/units.py): by unit_code, or by unit and
    province names; an unknown or ambiguous one fails here, listing the candidates."""
    values = {key: entry.get(key, "") for key in ("unit_code", "unit", "province", "level")}
    for key, value in values.items():
        if not isinstance(value, str):
            raise ProfileError(f"{source}: [{where}] {key}: must be a string")
    try:
        return entry_location(**values, host=base_url, name=str(entry.get("name", "")))
    except AdminNameError as exc:
        keys = "unit_code" if values["unit_code"] else "unit" if values["unit"] else "province/level"
        raise ProfileError(f"{source}: [{where}] {keys}: {exc}") from None
    except AdminDataError as exc:
        raise ProfileError(f"{source}: [{where}] unit: administrative data unavailable: {exc}") from None


def _aliases(entry: dict[str, Any], source: str, where: str) -> tuple[str, ...]:
    """The site's other addresses: http(s) URLs (``https://www.x.gov.vn``, ``http://old-host.gov.vn``)."""
    aliases = []
    for alias in _str_list(entry.get("aliases", []), source, where, "aliases"):
        parts = urlsplit(alias.strip())
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise ProfileError(f"{source}: [{where}] aliases: invalid port in {alias!r}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(f"{source}: [{where}] aliases: not an http(s) URL: {alias!r}")
        aliases.append(alias.strip().rstrip("/"))
    return tuple(aliases)


def _base_url(entry: dict[str, Any], settings: Mapping[str, Any], source: str, where: str) -> str:
    if "base_url_setting" in entry:
        name = _required_str(entry, "base_url_setting", source, where)
        value = settings.get(name)
        if not value:
            raise ProfileError(f"{source}: [{where}] base_url_setting: setting {name} is not set")
        base = str(value).rstrip("/") + str(entry.get("mount", ""))
    else:
        base = _required_str(entry, "base_url", source, where).rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"{source}: [{where}] base_url: not an http(s) URL: {base!r}")
    return base


def _start_urls(entry: dict[str, Any], base_url: str, source: str, where: str) -> tuple[str, ...]:
    paths = entry.get("start_paths", [])
    urls = entry.get("start_urls", [])
    if not isinstance(paths, list) or not isinstance(urls, list):
        raise ProfileError(f"{source}: [{where}] start_paths/start_urls: must be lists of strings")
    resolved = [base_url + p if p.startswith("/") else urljoin(base_url + "/", p) for p in paths]
    resolved += [str(u) for u in urls]
    if not resolved:
        raise ProfileError(f"{source}: [{where}] start_paths: at least one start page is needed")
    return tuple(resolved)


def _merge(base: Any, overrides: Any, source: str, where: str) -> Any:
    if overrides is None:
        return base
    if not isinstance(overrides, dict):
        raise ProfileError(f"{source}: [{where}]: must be a table")
    current = {f.name: getattr(base, f.name) for f in fields(base)}
    return _build(type(base), {**current, **overrides}, source, where)


def _merge_urls(base: UrlRules, overrides: Any, source: str, where: str) -> UrlRules:
    if overrides is None:
        return base
    if not isinstance(overrides, dict):
        raise ProfileError(f"{source}: [{where}]: must be a table")
    merged = _url_rules(overrides, source, where, defaults=base)
    return merged


def _url_rules(data: Any, source: str, where: str, defaults: UrlRules | None = None) -> UrlRules:
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: [{where}]: must be a table")
    _check_keys(data, {"article", "listing", "exclude", "date_in_url"}, source, where)
    compiled: dict[str, Any] = {}
    for key in ("article", "listing", "exclude"):
        if key in data:
            compiled[key] = tuple(_regex(p, source, f"{where}.{key}") for p in _str_list(data[key], source, where, key))
        elif defaults is not None:
            compiled[key] = getattr(defaults, key)
    if "date_in_url" in data:
        compiled["date_in_url"] = _regex(data["date_in_url"], source, f"{where}.date_in_url")
        if compiled["date_in_url"].groups != 3:
            raise ProfileError(f"{source}: [{where}] date_in_url: needs 3 groups (year, month, day)")
    elif defaults is not None:
        compiled["date_in_url"] = defaults.date_in_url
    if not compiled.get("article"):
        raise ProfileError(f"{source}: [{where}] article: at least one article URL pattern is needed")
    return UrlRules(**compiled)


def _build(cls: type, data: Any, source: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: [{where}]: must be a table")
    known = {f.name: f for f in fields(cls)}
    _check_keys(data, set(known), source, where)
    values: dict[str, Any] = {}
    for key, value in data.items():
        kind = str(known[key].type)  # annotations are strings here (PEP 563)
        if kind.startswith("tuple"):
            values[key] = tuple(_str_list(value, source, where, key))
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ProfileError(f"{source}: [{where}] {key}: must be true or false")
            values[key] = value
        elif kind == "int":
            if not isinstance(value, int) or value < 0:
                raise ProfileError(f"{source}: [{where}] {key}: must be a non-negative integer")
            values[key] = value
        else:
            if not isinstance(value, str):
                raise ProfileError(f"{source}: [{where}] {key}: must be a string")
            values[key] = value
    try:
        built = cls(**values)
    except TypeError as exc:
        missing = str(exc).split("argument")[-1].strip(": ")
        raise ProfileError(f"{source}: [{where}] {missing}: required key missing") from None
    _check_values(built, source, where)
    return built


def _check_values(rules: Any, source: str, where: str) -> None:
    from parsel import Selector  # only to validate CSS syntax early

    probe = Selector(text="<html></html>")
    if isinstance(rules, ListingRules) and rules.pagination not in PAGINATION_KINDS:
        raise ProfileError(f"{source}: [{where}] pagination: must be one of {sorted(PAGINATION_KINDS)}")
    if isinstance(rules, ArticleRules) and rules.byline not in BYLINE_KINDS:
        raise ProfileError(f"{source}: [{where}] byline: must be one of {sorted(BYLINE_KINDS)}")
    selector_keys = {
        ListingRules: ("article_links", "pager"),
        ArticleRules: ("title", "body", "date", "views", "summary", "category", "author", "source", "body_drop"),
    }.get(type(rules), ())
    for key in selector_keys:
        value = getattr(rules, key)
        for css in value if isinstance(value, tuple) else (value,):
            try:
                probe.css(css)
            except Exception as exc:  # cssselect raises several error types
                raise ProfileError(f"{source}: [{where}] {key}: bad CSS selector {css!r}: {exc}") from None


def _check_keys(data: dict[str, Any], allowed: set[str], source: str, where: str) -> None:
    for key in data:
        if key not in allowed:
            prefix = f"[{where}] " if where else ""
            raise ProfileError(f"{source}: {prefix}{key}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _required_str(data: dict[str, Any], key: str, source: str, where: str = "") -> str:
    value = data.get(key)
    prefix = f"[{where}] " if where else ""
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{source}: {prefix}{key}: required, must be a non-empty string")
    return value


def _bool(data: dict[str, Any], key: str, default: bool, source: str, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ProfileError(f"{source}: [{where}] {key}: must be true or false")
    return value


def _str_list(value: Any, source: str, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{source}: [{where}] {key}: must be a string or a list of strings")
    return list(value)


def _regex(pattern: Any, source: str, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise ProfileError(f"{source}: [{where}]: must be a regex string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"{source}: [{where}]: bad regex {pattern!r}: {exc}") from None
