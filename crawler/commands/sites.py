"""`scrapy sites [--json] [--site SLUG]`: every site of the registry and of the archive with its
administrative unit in both eras, the confidence and the rule that decided, so that an operator can
confirm a tag or correct it (`unit_code` in crawler/profiles/sites.toml; docs/admin-units.md).

Registry sites are tagged as the registry says (by code or by name, resolved when it loads; a bad
name fails with exit code 2 and the candidates). Sites only in the archive (generic-mode crawls,
imports) show the tag stored in `ARCHIVE_DB`'s `sites` table, or, in an archive made before the
tags existed, the one their host name and name give now. The archive is read only: no migration,
no lock; a missing archive lists the registry alone.

    scrapy sites
    scrapy sites --json -s ARCHIVE_DB=/srv/data/archive.db
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand

from crawler import settings as defaults  # the one place for defaults
from crawler.profiles import ProfileError
from crawler.sites import load_registry
from pipelines.outcome import EXIT_ARCHIVE, EXIT_CONFIG
from pipelines.units import SITE_TAG_COLUMNS, site_tag

if TYPE_CHECKING:
    import argparse

ERA_FIELDS = {"legacy": ("province", "district", "ward"), "new_2025": ("province", "ward")}
STORED = {("legacy", "province"): "legacy_province", ("legacy", "district"): "legacy_district",
          ("legacy", "ward"): "legacy_ward", ("new_2025", "province"): "province_2025",
          ("new_2025", "ward"): "ward_2025"}


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--json] [--site SLUG]"

    def short_desc(self) -> str:
        return "List the registry's and the archive's sites with their administrative unit (legacy and 2025)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print a JSON list, one object per site")
        parser.add_argument("--site", help="only this site")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            registry = load_registry(self.settings)
        except ProfileError as exc:
            return self._fail(EXIT_CONFIG, f"configuration error: {exc}")
        path = self.settings.get("ARCHIVE_DB") or defaults.ARCHIVE_DB
        try:
            stored, counts = read_archive(Path(path))
        except sqlite3.Error as exc:
            return self._fail(EXIT_ARCHIVE, f"archive {path} is unusable: {exc}")
        entries = site_entries(registry, stored, counts)
        if opts.site:
            entries = [e for e in entries if e["slug"] == opts.site]
            if not entries:
                known = ", ".join(sorted({*registry, *stored}))
                return self._fail(EXIT_CONFIG, f"unknown site {opts.site!r}; known sites: {known}")
        if opts.json:
            print(json.dumps(entries, ensure_ascii=False, indent=1))
        else:
            print("\n".join(table_lines(entries)))

    def _fail(self, code: int, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        self.exitcode = code


def read_archive(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The archive's `sites` rows (with their tags when it has them) and articles per site, read only."""
    if not path.exists():
        return {}, {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        stored = {r["slug"]: dict(r) for r in conn.execute("select * from sites")} if "sites" in tables else {}
        counts = dict(conn.execute("select site, count(*) from articles group by site").fetchall()) \
            if "articles" in tables else {}
    finally:
        conn.close()
    for slug in counts:
        stored.setdefault(slug, {"slug": slug})
    return stored, counts


def site_entries(registry: dict[str, Any], stored: dict[str, dict[str, Any]],
                 counts: dict[str, int]) -> list[dict[str, Any]]:
    """One object per site: registry sites first (in registry order), then the archive's others."""
    out = []
    for slug, site in registry.items():
        tag = site_tag(site)
        entry = _entry(slug, site.name, site.base_url, site.family, "registry", tag, counts, site.level)
        entry["in_archive"] = slug in stored
        entry["enabled"] = site.enabled
        location = getattr(site, "location", None)
        for era in ("legacy", "new_2025"):
            view = getattr(location, era, None)
            if view is not None and view.wards:  # what a district became, what a new commune was formed from
                entry[era]["wards"] = [{"code": u.code, "name": u.name, "default": flag} for u, flag in view.wards]
        row = stored.get(slug) or {}
        if row.get("unit_uid", tag["unit_uid"]) != tag["unit_uid"] and "unit_uid" in row:
            entry["notes"].append(f"the archive still says {row.get('unit_uid')}: the next crawl of the site "
                                  "updates it")
        out.append(entry)
    for slug, row in sorted(stored.items()):
        if slug in registry:
            continue
        if row.get("admin_level"):
            tag = {c: row.get(c) for c in SITE_TAG_COLUMNS}
        else:  # an archive made before the tags, or a site with articles but no row
            stand_in = SimpleNamespace(slug=slug, name=row.get("name") or "", base_url=row.get("base_url") or "",
                                       family=row.get("platform") or "", province=row.get("province") or "",
                                       unit=row.get("unit") or "", level=row.get("level") or "")
            tag = site_tag(stand_in)
        entry = _entry(slug, row.get("name"), row.get("base_url"), row.get("platform"), "archive", tag, counts,
                       row.get("level"))
        entry["in_archive"] = True
        out.append(entry)
    return out


def _entry(slug: str, name: str | None, base_url: str | None, family: str | None, where: str,
           tag: dict[str, Any], counts: dict[str, int], registry_level: str | None) -> dict[str, Any]:
    return {
        "slug": slug, "name": name, "host": urlsplit(base_url or "").hostname, "family": family, "from": where,
        "level": tag.get("admin_level"), "registry_level": registry_level or None, "unit_uid": tag.get("unit_uid"),
        "legacy": {"province_code": tag.get("legacy_province_code"), "province": tag.get("legacy_province"),
                   "district_code": tag.get("legacy_district_code"), "district": tag.get("legacy_district"),
                   "ward_code": tag.get("legacy_ward_code"), "ward": tag.get("legacy_ward")},
        "new_2025": {"province_code": tag.get("province_2025_code"), "province": tag.get("province_2025"),
                     "ward_code": tag.get("ward_2025_code"), "ward": tag.get("ward_2025")},
        "confidence": tag.get("unit_confidence"), "rule": tag.get("unit_rule"),
        "notes": [n for n in (tag.get("unit_notes") or "").split(" | ") if n],
        "portal_title": tag.get("portal_title"),
        "articles": counts.get(slug, 0),
    }


def table_lines(entries: list[dict[str, Any]]) -> list[str]:
    """A plain table: one line per site, then its notes indented."""
    header = ("site", "from", "level", "legacy unit", "2025 unit", "conf", "rule", "articles")
    rows = []
    for e in entries:
        legacy = " / ".join(f"{e['legacy'][f]} {e['legacy'][f + '_code']}" for f in ERA_FIELDS["legacy"]
                            if e["legacy"][f])
        new = " / ".join(f"{e['new_2025'][f]} {e['new_2025'][f + '_code']}" for f in ERA_FIELDS["new_2025"]
                         if e["new_2025"][f])
        where = "both" if e["from"] == "registry" and e.get("in_archive") else e["from"]
        confidence = f"{e['confidence']:.2f}" if e["confidence"] is not None else "-"
        notes = list(e["notes"])
        if e["new_2025"].get("wards"):
            notes.append("became: " + ", ".join(f"{w['name']} {w['code']}" for w in e["new_2025"]["wards"]))
        if e["legacy"].get("wards"):
            notes.append("formed from: " + ", ".join(f"{w['name']} {w['code']}" for w in e["legacy"]["wards"]))
        rows.append(((e["slug"], where, e["level"] or "-", legacy or "-", new or "-", confidence, e["rule"] or "-",
                      str(e["articles"])), notes))
    widths = [max(len(h), *(len(r[0][i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for cells, notes in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        lines.extend(f"    note: {n}" for n in notes)
    lines.append(f"{len(entries)} site(s); correct a registry site's unit with unit_code in the registry "
                 "(docs/admin-units.md)")
    return lines
