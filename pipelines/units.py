"""Administrative units in the archive, and the unit each site (and so each article) belongs to.

Tables, created by migration m011 and filled from `vnadmin` (the pinned vietnamadminunits data;
docs/admin-units.md):

- ``admin_units``: every unit of both eras (63 legacy provinces, 696 districts, 10,035 communes;
  34 provinces and 3,321 communes from 1 July 2025), keyed by ``uid`` = ``era:code``
  (``legacy:437``, ``2025:18115``), with name, type, level, parent, province and coordinates.
- ``admin_crosswalk``: legacy unit -> 2025 unit, one row per pair, with the relation.
- ``admin_meta``: what the two tables were filled from (``data_version``). `refresh_admin_tables`
  compares it with `vnadmin.data_version()` at every open (one row read, no data loaded) and refills
  both tables in one transaction when they are missing or outdated.

Sites carry their unit as columns (`SITE_TAG_COLUMNS`: the unit's uid and level, legacy province,
district and ward, 2025 province and ward, with codes, the confidence and the rule that decided),
written by `site_row` from the registry's resolved unit (crawler/profiles/units.py) or, for
generic-mode sites, located from the host name and, once a page of the portal is stored, from
its title and header text (`retag_from_page`).

Articles carry three of those columns (`ARTICLE_TAG_COLUMNS`), copied from their site by the
storage, each with an index: Datasette's facets are ``GROUP BY column`` over the table, which an
index answers by scanning the index alone (no article row is read, so the long texts do not
matter), where a view joining sites would have to visit every article.
"""
from __future__ import annotations

import json
import logging
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from crawler.profiles.units import located, site_location
from vnadmin import SOURCE, AdminDataError, admin_unit_rows, crosswalk_rows, data_version

if TYPE_CHECKING:
    from sqlite_utils import Database

    from vnadmin import Location, Unit

logger = logging.getLogger(__name__)

# Bump when the rows' shape changes: the tables are refilled at the next open.
TABLES_LAYOUT = 1

UNIT_COLUMNS: dict[str, type] = {
    "uid": str, "era": str, "code": str, "name": str, "short_name": str, "type": str, "level": str,
    "parent_uid": str, "parent_code": str, "province_uid": str, "province_code": str, "district_code": str,
    "lat": float, "lon": float, "area_km2": float, "slug": str,
}
CROSSWALK_COLUMNS: dict[str, type] = {
    "legacy_uid": str, "new_uid": str, "legacy_code": str, "legacy_level": str, "new_code": str,
    "new_level": str, "relation": str, "is_default": int,
}
SITE_TAG_COLUMNS: dict[str, type] = {
    "unit_uid": str, "admin_level": str,
    "legacy_province_code": str, "legacy_province": str, "legacy_district_code": str, "legacy_district": str,
    "legacy_ward_code": str, "legacy_ward": str,
    "province_2025_code": str, "province_2025": str, "ward_2025_code": str, "ward_2025": str,
    "unit_confidence": float, "unit_rule": str, "unit_notes": str, "portal_title": str,
}
ARTICLE_TAG_COLUMNS = ("legacy_province", "province_2025", "admin_level")
# Pages a generic-mode site is tagged from (its title and header), at most this many per run.
TITLE_ATTEMPTS = 3


# --- the tables -----------------------------------------------------------------------------------


def create_admin_tables(db: Database) -> None:
    """The three tables and the tag columns of `sites` and `articles` (migration m011)."""
    db["admin_units"].create(UNIT_COLUMNS, pk="uid", not_null=["era", "code", "name", "level"],
                             foreign_keys=[("parent_uid", "admin_units", "uid"),
                                           ("province_uid", "admin_units", "uid")])
    db["admin_units"].create_index(["era", "level", "code"])
    db["admin_units"].create_index(["parent_uid"])
    db["admin_units"].create_index(["province_uid"])
    db["admin_crosswalk"].create(CROSSWALK_COLUMNS, pk=("legacy_uid", "new_uid"),
                                 foreign_keys=[("legacy_uid", "admin_units", "uid"),
                                               ("new_uid", "admin_units", "uid")])
    db["admin_crosswalk"].create_index(["new_uid"])
    db["admin_meta"].create({"key": str, "value": str}, pk="key")
    for column, kind in SITE_TAG_COLUMNS.items():
        db["sites"].add_column(column, kind)
    for column in ARTICLE_TAG_COLUMNS:
        db["articles"].add_column(column, str)
    # Each answers its facet's GROUP BY alone (a covering index scan, no article row read), a
    # filtered page's newest-first rows (`where province_2025 = ? order by published_at desc`) in
    # index order, and with the day the per-month canned query without reading the rows either.
    db["articles"].create_index(["legacy_province", "published_at", "published_date"])
    db["articles"].create_index(["province_2025", "published_at", "published_date"])
    db["articles"].create_index(["admin_level", "published_at"])


def tables_version() -> str:
    """What the admin tables hold: the data's version and the rows' layout."""
    return f"{data_version()};layout={TABLES_LAYOUT}"


def refresh_admin_tables(db: Database) -> bool:
    """Fill `admin_units` and `admin_crosswalk` when they are missing or outdated (one transaction);
    True when they were. Cheap when they are current: one row read. Without the administrative
    data (the package is not installed), the tables are left as they are, with a warning."""
    try:
        version = tables_version()
    except AdminDataError as exc:
        logger.warning("administrative units not refreshed: %s", exc)
        return False
    stored = db.execute("select value from admin_meta where key = 'data_version'").fetchone()
    if stored is not None and stored[0] == version:
        return False
    try:
        units = [_unit_row(row) for row in admin_unit_rows()]
        crosswalk = list(crosswalk_rows())
    except AdminDataError as exc:
        logger.warning("administrative units not refreshed: %s", exc)
        return False
    with db.atomic():
        db.execute("delete from admin_crosswalk")
        db.execute("delete from admin_units")
        _insert(db, "admin_units", UNIT_COLUMNS, units)
        _insert(db, "admin_crosswalk", CROSSWALK_COLUMNS, crosswalk)
        meta = {"data_version": version, "source": json.dumps(SOURCE, ensure_ascii=False),
                "admin_units": str(len(units)), "admin_crosswalk": str(len(crosswalk))}
        db.conn.executemany("insert or replace into admin_meta (key, value) values (?, ?)", meta.items())
    return True


def _unit_row(row: dict[str, Any]) -> dict[str, Any]:
    era = row["era"]
    return {**row, "parent_uid": f"{era}:{row['parent_code']}" if row["parent_code"] else None,
            "province_uid": f"{era}:{row['province_code']}"}


def _insert(db: Database, table: str, columns: dict[str, type], rows: list[dict[str, Any]]) -> None:
    names = list(columns)
    db.conn.executemany(f"insert into [{table}] ({', '.join(names)}) values ({', '.join('?' for _ in names)})",
                        ([row.get(c) for c in names] for row in rows))


# --- site tags ------------------------------------------------------------------------------------


def tag_columns(uid: str | None, location: Location | None, portal_title: str | None = None) -> dict[str, Any]:
    """The `sites` tag columns for a unit and its location."""
    if location is None:
        return {**dict.fromkeys(SITE_TAG_COLUMNS), "admin_level": "unknown", "unit_confidence": 0.0,
                "unit_rule": "untagged: no host name", "portal_title": portal_title}
    legacy, new = location.legacy, location.new_2025
    notes = []
    agency = legacy.agency or new.agency
    if agency:
        notes.append(f"agency: {agency}")
    notes.extend(location.notes)
    candidates = legacy.candidates + new.candidates
    if candidates:
        listed = "; ".join(u.label() for u in candidates[:12])
        notes.append(f"candidates: {listed}{' ...' if len(candidates) > 12 else ''}")
    return {
        "unit_uid": uid, "admin_level": location.level,
        "legacy_province_code": _code(legacy.province), "legacy_province": _name(legacy.province),
        "legacy_district_code": _code(legacy.district), "legacy_district": _name(legacy.district),
        "legacy_ward_code": _code(legacy.ward), "legacy_ward": _name(legacy.ward),
        "province_2025_code": _code(new.province), "province_2025": _name(new.province),
        "ward_2025_code": _code(new.ward), "ward_2025": _name(new.ward),
        "unit_confidence": round(location.confidence, 2), "unit_rule": location.rule,
        "unit_notes": " | ".join(notes) or None, "portal_title": portal_title,
    }


def site_tag(site: Any, portal_title: str | None = None) -> dict[str, Any]:
    """A site's tag columns (registry profile, generic profile or stand-in); never raises for a
    unit it cannot find: the tag then says so (level ``unknown``, its rule, confidence 0)."""
    title = portal_title if getattr(site, "family", "") == "generic" else None
    try:
        uid, location = site_location(site, title)
    except AdminDataError as exc:
        return {**dict.fromkeys(SITE_TAG_COLUMNS), "admin_level": "unknown", "unit_confidence": 0.0,
                "unit_rule": f"untagged: {exc}"}
    return tag_columns(uid, location, title)


def article_tag(tag: dict[str, Any] | None) -> dict[str, Any]:
    """The tag columns an article copies from its site's."""
    return {c: (tag or {}).get(c) for c in ARTICLE_TAG_COLUMNS}


def stored_titles(db: Database, slugs: list[str]) -> dict[str, str]:
    """The portal titles generic-mode sites were last tagged from, by slug."""
    marks = ", ".join("?" for _ in slugs)
    return dict(db.execute(f"select slug, portal_title from sites where portal_title is not null and slug in ({marks})",
                           slugs).fetchall()) if slugs else {}


def stored_article_tag(db: Database, slug: str) -> dict[str, Any] | None:
    row = db.execute(f"select {', '.join(ARTICLE_TAG_COLUMNS)} from sites where slug = ?", [slug]).fetchone()
    return None if row is None else dict(zip(ARTICLE_TAG_COLUMNS, row, strict=True))


def write_site_rows(db: Database, rows: list[dict[str, Any]]) -> None:
    """Upsert `sites` rows; a site whose tag changed has its articles' tag columns set anew."""
    if not rows:
        return
    slugs = [r["slug"] for r in rows]
    marks = ", ".join("?" for _ in slugs)
    before = {r[0]: tuple(r[1:]) for r in db.execute(
        f"select slug, {', '.join(ARTICLE_TAG_COLUMNS)} from sites where slug in ({marks})", slugs).fetchall()}
    db["sites"].upsert_all(rows, pk="slug")
    for row in rows:
        if not set(ARTICLE_TAG_COLUMNS) <= set(row):
            continue
        tag = article_tag(row)
        if before.get(row["slug"]) != tuple(tag.values()):
            set_article_tags(db, row["slug"], tag)


def set_article_tags(db: Database, slug: str, tag: dict[str, Any]) -> None:
    """Give the site's articles its tag columns (rows already right are not rewritten)."""
    columns = list(ARTICLE_TAG_COLUMNS)
    db.execute(f"update articles set {', '.join(f'{c} = ?' for c in columns)} "
               f"where site = ? and ({' or '.join(f'{c} is not ?' for c in columns)})",
               [*(tag[c] for c in columns), slug, *(tag[c] for c in columns)])


def retag_from_page(db: Database, slug: str, body: bytes, encoding: str | None) -> dict[str, Any] | None:
    """Tag a generic-mode site anew from what a page of it shows (its title, site name and header
    text) with its host name; the new tag columns, or None when the site is no generic-mode site
    or the page shows no title."""
    row = db.execute("select base_url, platform from sites where slug = ?", [slug]).fetchone()
    if row is None or row[1] != "generic":
        return None
    title = heading_text(_decode(body, encoding))
    if not title:
        return None
    uid, location = located(row[0], title)
    tag = {"slug": slug, **tag_columns(uid, location, title)}
    write_site_rows(db, [tag])
    return tag


def tag_archive_sites(db: Database) -> None:
    """Tag every `sites` row from what it stores (unit, province, level, host, name) and give the
    articles their site's tag: for archives made before the tag columns existed (m011)."""
    rows = db.execute("select slug, name, base_url, platform, province, unit, level from sites").fetchall()
    if not rows:
        return
    tagged = []
    for slug, name, base_url, platform, province, unit, level in rows:
        stand_in = SimpleNamespace(slug=slug, name=name or "", base_url=base_url or "", family=platform or "",
                                   province=province or "", unit=unit or "", level=level or "")
        tagged.append({"slug": slug, **site_tag(stand_in)})
    db["sites"].upsert_all(tagged, pk="slug")
    columns = ", ".join(f"{c} = s.{c}" for c in ARTICLE_TAG_COLUMNS)
    db.execute(f"update articles set {columns} from sites as s where s.slug = articles.site")


def _code(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


def _name(unit: Unit | None) -> str | None:
    return unit.name if unit is not None else None


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


# --- what a portal says it is ---------------------------------------------------------------------

_HEADER = re.compile(r"header|banner|logo|brand|site-?name|sitename|ten-?don-?vi|tendonvi|top-?title|portal-?name",
                     re.IGNORECASE)
_SKIP = re.compile(r"menu|nav|search|tim-?kiem|login|date|time|clock|weather|marquee", re.IGNORECASE)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_SITE_NAME_META = {"og:site_name", "application-name", "apple-mobile-web-app-title"}
MAX_HEADER_CHARS = 200


class _Heading(HTMLParser):
    """`<title>`, the site-name meta tags, and the text (and image alt texts) of header, banner or
    logo elements, menus, search boxes and clocks left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.site_names: list[str] = []
        self.header: list[str] = []
        self.stack: list[str] = []
        self.in_title = False
        self.header_depth: int | None = None
        self.skip_depth: int | None = None
        self.header_chars = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "title":
            self.in_title = True
        elif tag == "meta" and (a.get("property") or a.get("name") or "").lower() in _SITE_NAME_META:
            self.site_names.append(a.get("content", ""))
        marks = f"{a.get('id', '')} {a.get('class', '')}"
        if tag in ("script", "style", "noscript", "nav", "select", "form") or _SKIP.search(marks):
            if self.skip_depth is None and tag not in _VOID:
                self.skip_depth = len(self.stack)
        elif self.header_depth is None and (tag == "header" or _HEADER.search(marks)) and tag not in _VOID:
            self.header_depth = len(self.stack)
        if tag == "img" and self.header_depth is not None and self.skip_depth is None:
            self._add_header(a.get("alt", "") or a.get("title", ""))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            if self.stack.pop() == tag:
                break
        depth = len(self.stack)
        if self.skip_depth is not None and depth <= self.skip_depth:
            self.skip_depth = None
        if self.header_depth is not None and depth <= self.header_depth:
            self.header_depth = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.header_depth is not None and self.skip_depth is None:
            self._add_header(data)

    def _add_header(self, text: str) -> None:
        text = " ".join(text.split())
        if text and self.header_chars < MAX_HEADER_CHARS:
            self.header.append(text)
            self.header_chars += len(text)


def heading_text(html: str) -> str:
    """What a page says its portal is: ``<title>``, the site name in its meta tags and the text of
    its header or banner, joined by `` | `` (each once). Pure; '' when the page shows none."""
    parser = _Heading()
    try:
        parser.feed(html[:300_000])
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser on hopeless markup
        pass
    parts = [" ".join("".join(parser.title).split()), *(" ".join(n.split()) for n in parser.site_names),
             " ".join(" ".join(parser.header).split())[:MAX_HEADER_CHARS]]
    return " | ".join(dict.fromkeys(p for p in parts if p))
