"""Datasette plugin for the archive: the pages researchers read.

- The article page (templates/row-archive-articles.html): headline, portal and its unit, category,
  publication time as shown and normalized, authors, the lead, the body as paragraphs,
  attachments, the original address and every archived capture, the view-count history as a
  small chart, earlier versions with what changed, and the field provenance on demand. Its data
  is gathered here (`article_context`); the JSON and CSV of the row are Datasette's own.
- Table pages with their results first (templates/table.html: the column notes folded away
  below the results) and, for `articles`, a few default columns with the rest a click away
  (`default_columns` in the table's `vngov-archive` plugin configuration; `?_columns=all`
  shows every column), long texts cut with a link to the article.
- Cells: every crawled value is shown as escaped text. Search excerpts (a `snippet` column) are
  highlighted by markup this plugin adds (<mark>) around the words `search_excerpt` marked, never
  by rendering page text as Markdown or HTML; titles and article keys in query results link to
  the article page; control and bidirectional-override characters are removed on display too
  (archives made before the crawler removed them).

The templates live in datasette_plugins/templates and are found through this plugin, so the
browse command needs no `--template-dir` (a `--template-dir` of your own still wins).
"""
from __future__ import annotations

import difflib
import json
import re
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLUGIN = "vngov-archive"
# The archive's tables whose rows refer to an article by its key.
ARTICLE_KEY_TABLES = {"view_counts", "article_versions", "raw_pages", "failures"}
# A table cell longer than this is cut, with a link to the article (or the row) to read it all.
CELL_CHARS = 200
# A title in a table or a query's results: a real headline is shorter; a hostile one is cut.
TITLE_CHARS = 300
# The article page shows at most this much of the body (a bounded archive's body is shorter; an
# archive made before the bounds may hold more): the rest is in the row's JSON.
PAGE_BODY_CHARS = 500_000
MAX_OBSERVATIONS = 2_000
MAX_VERSIONS = 50
DIFF_PARAGRAPHS = 400
SHOWN_CHANGES = 3
CONTENT_FIELDS = ("title", "summary", "body_text", "authors", "category", "published_at")

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# What search_excerpt marks: a word (never containing *) between ** and **. Runs of * in the text
# itself are cut to one by search_excerpt, so the innermost pair is always a mark.
_MARKED = re.compile(r"\*\*([^*]+?)\*\*")


# --- text helpers (also Jinja filters) -------------------------------------------------------------


def display(value: Any) -> str:
    """A value as display text: no terminal escapes, control or bidirectional-override characters
    (tab and newline stay). Jinja escapes the result; this only removes what fools the eye."""
    if value is None:
        return ""
    text = str(value)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def paragraphs(text: Any) -> list[str]:
    """The body's paragraphs (separated by blank lines), each on one line."""
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(display(text)) if p.strip()]


def web_url(value: Any) -> str | None:
    """The value when it is an http(s) address (safe in an href), else None."""
    text = str(value or "").strip()
    if re.match(r"https?://[^\s\"'<>]+$", text, re.IGNORECASE):
        return text
    return None


def from_json(value: Any, default: Any = None) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else (value if value is not None else default)
    except ValueError:
        return default


def highlight(value: Any) -> Markup:
    """A search excerpt as HTML: the text escaped, the words search_excerpt put between ** in <mark>."""
    return Markup(_MARKED.sub(r"<mark>\1</mark>", str(escape(display(value)))))


# The tables researchers read, in this order, before the others on the database page.
READING_ORDER = ("articles", "view_counts", "article_versions", "sites", "crawl_runs", "failures")


def tables_first(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {name: n for n, name in enumerate(READING_ORDER)}
    return sorted(tables, key=lambda t: (bool(t.get("hidden")), rank.get(t["name"], len(rank)), t["name"]))


def pick(name: str, items: Any, attribute: str) -> Any:
    """The first of `items` whose `attribute` is `name` (None if none): columns in a chosen order."""
    return next((item for item in items if item[attribute] == name), None)


def article_url(datasette: Any, database: str, key: str) -> str:
    return datasette.urls.row(database, "articles", tilde_encode(str(key)))


def shortened(value: Any, chars: int) -> str:
    text = display(value)
    return text if len(text) <= chars else text[:chars].rstrip() + "…"


def cut(value: str, url: str | None, chars: int = CELL_CHARS) -> Markup:
    text = display(value)
    if len(text) <= chars:
        return Markup(escape(text))
    more = Markup(' <a class="read-more" href="{}">read all</a>').format(url) if url else ""
    return Markup("{}…{}").format(text[:chars].rstrip(), more)


# --- hooks -----------------------------------------------------------------------------------------


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The archive's templates, after any --template-dir and before Datasette's defaults."""
    loader = env.loader.loaders[0] if hasattr(env.loader, "loaders") else env.loader
    paths = getattr(loader, "searchpath", None)
    if paths is not None and str(TEMPLATES) not in paths:
        paths.insert(max(0, len(paths) - 1), str(TEMPLATES))
    env.filters.update({"display": display, "paragraphs": paragraphs, "web_url": web_url,
                        "from_json": from_json, "highlight": highlight, "archive_pick": pick,
                        "archive_tables_first": tables_first})


_ARCHIVES: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def is_archive(datasette: Any, database: str | None) -> bool:
    """The archive's database (the metadata describes its `articles`); remembered per instance, as
    render_cell asks for every cell."""
    if not database:
        return False
    known = _ARCHIVES.setdefault(datasette, {})
    if database not in known:
        known[database] = bool((datasette.metadata("tables", database=database) or {}).get("articles"))
    return known[database]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if not isinstance(value, str) or not is_archive(datasette, database):
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    key = row["article_key"] if "article_key" in keys else None
    if table is None:  # a query's results
        if column == "snippet":
            return highlight(value)
        if column in ("article_key", "title") and key:
            return Markup('<a href="{}">{}</a>').format(article_url(datasette, database, key),
                                                        shortened(value, TITLE_CHARS))
        if len(value) > CELL_CHARS and not web_url(value):
            return cut(value, article_url(datasette, database, key) if key else None)
    elif table == "articles":
        page = article_url(datasette, database, key) if key else None
        if column == "title" and page:
            return Markup('<a href="{}">{}</a>').format(page, shortened(value, TITLE_CHARS))
        if column == "published_at" and len(value) > 10:
            return Markup('<time datetime="{}">{}</time>').format(value, value[:16].replace("T", " "))
        if column == "authors":
            names = from_json(value, [])
            if isinstance(names, list):
                return ", ".join(display(n) for n in names) or Markup("&nbsp;")
        if len(value) > CELL_CHARS and not web_url(value):
            return cut(value, page)
    elif table in ARTICLE_KEY_TABLES and column == "article_key":
        return Markup('<a href="{}">{}</a>').format(article_url(datasette, database, value), display(value))
    elif table == "article_versions" and len(value) > CELL_CHARS:
        row_id = row["id"] if "id" in keys else None
        return cut(value, datasette.urls.row(database, table, str(row_id)) if row_id is not None else None)
    if _CONTROLS.search(value) or "\x1b" in value:
        return display(value)
    return None


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, view_name: str,
                        request: Any, datasette: Any) -> Any:
    if database is None or not is_archive(datasette, database) or request is None:
        return {}
    if view_name == "row" and table == "articles":
        async def article_vars() -> dict[str, Any]:
            pks = urlsafe_components(request.url_vars["pks"])
            context = await article_context(datasette, database, pks[0])
            context["raw_pages_visible"] = await datasette.permission_allowed(
                request.actor, "view-table", (database, "raw_pages"), default=True)
            return {"article": context}
        return article_vars
    if view_name == "table" and table:
        config = datasette.plugin_config(PLUGIN, database=database, table=table) or {}
        columns = config.get("default_columns") or []
        explicit = any(k in request.args for k in ("_col", "_nocol")) or request.args.get("_columns") == "all"
        return {"archive_default_columns": [] if explicit else list(columns),
                "archive_configured_columns": list(columns)}
    return {}


@hookimpl
def extra_body_script(template: str, database: str | None, datasette: Any) -> Any:
    """On the archive's query pages, a `site` parameter becomes a choice of the archived portals."""
    if not template.startswith("query") or not is_archive(datasette, database):
        return None

    async def script() -> str:
        rows = await datasette.get_database(database).execute(
            "select slug, name from sites union select distinct site, null from articles "
            "where site not in (select slug from sites) order by 1")
        choices = json.dumps([[r[0], r[1] or r[0]] for r in rows], ensure_ascii=True).replace("<", "\\u003c")
        return ("(function(){var i=document.querySelector('form.sql input[name=\"site\"]');if(!i)return;"
                "var s=document.createElement('select');s.name='site';s.id=i.id;"
                "var all=document.createElement('option');all.value='';all.textContent='(all sites)';s.appendChild(all);"
                f"{choices}.forEach(function(c){{var o=document.createElement('option');o.value=c[0];"
                "o.textContent=c[1]===c[0]?c[0]:c[1]+' ('+c[0]+')';if(c[0]===i.value)o.selected=true;s.appendChild(o);});"
                "i.replaceWith(s);})();")
    return script


# --- the article page --------------------------------------------------------------------------------


async def article_context(datasette: Any, database: str, key: str) -> dict[str, Any]:
    """What the article page shows beyond the row itself: its portal, observations, captures and
    earlier versions, read with a few bounded queries."""
    db = datasette.get_database(database)
    row = (await db.execute("select * from articles where article_key = ?", [key])).first()
    if row is None:
        return {}
    row = dict(row)
    site = (await db.execute("select * from sites where slug = ?", [row["site"]])).first()
    observations = [dict(r) for r in await db.execute(
        "select observed_at, view_count, views_raw, source, capture_url, url from view_counts "
        "where article_key = ? order by observed_at, id limit ?", [key, MAX_OBSERVATIONS])]
    versions = [dict(r) for r in await db.execute(
        "select * from article_versions where article_key = ? order by version limit ?", [key, MAX_VERSIONS])]
    raw = (await db.execute("select count(*), min(fetched_at), max(fetched_at) from raw_pages where article_key = ?",
                            [key])).first()
    body = row.get("body_text") or ""
    summary = row.get("summary") or ""
    lead_in_body = bool(summary) and body.startswith(summary)
    shown_body = body[len(summary):] if lead_in_body else body
    key_path = tilde_encode(key)
    return {
        "row": row,
        "key_path": key_path,
        "site": dict(site) if site else {"slug": row["site"]},
        "authors": [display(a) for a in from_json(row.get("authors"), []) or [] if isinstance(a, str)],
        "attachments": [a for a in from_json(row.get("attachments"), []) or [] if isinstance(a, dict)],
        "provenance": from_json(row.get("provenance"), {}) or {},
        "lead": summary,
        "paragraphs": paragraphs(shown_body[:PAGE_BODY_CHARS]),
        "body_cut": len(shown_body) > PAGE_BODY_CHARS,
        "published": published(row),
        "observations": observations,
        "chart": views_chart(observations),
        "captures": captures(row, observations),
        "versions": describe_versions(versions, row),
        "raw_pages": {"count": raw[0], "first": raw[1], "last": raw[2]} if raw else {"count": 0},
        "links": {
            "json": datasette.urls.row(database, "articles", key_path, format="json"),
            "view_growth": datasette.urls.database(database) + "/view_growth?" + _qs(url=key),
            "view_counts": datasette.urls.table(database, "view_counts") + "?" + _qs(article_key=key),
            "versions": datasette.urls.table(database, "article_versions") + "?" + _qs(article_key=key),
            "raw_pages": datasette.urls.table(database, "raw_pages") + "?" + _qs(article_key=key),
            "site": datasette.urls.table(database, "articles") + "?" + _qs(site=row["site"]),
            "category": datasette.urls.table(database, "articles") + "?" + _qs(site=row["site"],
                                                                                category=row.get("category") or ""),
            "author": datasette.urls.table(database, "articles") + "?" + _qs(site=row["site"]) + "&authors__arraycontains=",
        },
    }


def _qs(**params: str) -> str:
    from urllib.parse import urlencode
    return urlencode(params)


def published(row: dict[str, Any]) -> dict[str, Any]:
    """The publication time normalized for reading (day, and time of day when the page gave one)."""
    value = row.get("published_at")
    if not value:
        return {}
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return {"iso": value, "text": value}
    text = moment.strftime("%d/%m/%Y")
    if "T" in value:
        text = moment.strftime("%H:%M:%S" if row.get("published_precision") == "second" else "%H:%M") + ", " + text
    return {"iso": value, "text": text}


def captures(row: dict[str, Any], observations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every archived copy the archive read of this article (WARC records, Wayback captures)."""
    seen: dict[str, dict[str, Any]] = {}
    candidates = [(o.get("capture_url"), o.get("observed_at"), o.get("source")) for o in observations]
    candidates.append((row.get("capture_url"), row.get("captured_at"), row.get("source")))
    for address, when, source in candidates:
        if address and address not in seen:
            warc = address.startswith("warc:")
            file, _, record = address[5:].partition("#") if warc else ("", "", "")
            seen[address] = {"address": address, "when": when, "source": source, "href": web_url(address),
                             "warc_file": file, "warc_record": record}
    return sorted(seen.values(), key=lambda c: c["when"] or "")


def describe_versions(versions: list[dict[str, Any]], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Each earlier version and what the next one (or the current text) changed."""
    described = []
    for n, version in enumerate(versions):
        after = versions[n + 1] if n + 1 < len(versions) else current
        changes = []
        for field in CONTENT_FIELDS:
            old, new = version.get(field), after.get(field)
            if (old or None) == (new or None):
                continue
            change: dict[str, Any] = {"field": field}
            if field in ("body_text", "summary"):
                change.update(paragraph_diff(old or "", new or ""))
            elif field == "authors":
                change.update(old=", ".join(from_json(old, []) or []), new=", ".join(from_json(new, []) or []))
            else:
                change.update(old=display(old), new=display(new))
            changes.append(change)
        described.append({**version, "changes": changes})
    return described


def paragraph_diff(old: str, new: str) -> dict[str, Any]:
    """Paragraphs removed and added between two texts (the first DIFF_PARAGRAPHS of each)."""
    before, after = paragraphs(old)[:DIFF_PARAGRAPHS], paragraphs(new)[:DIFF_PARAGRAPHS]
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += before[i1:i2]
        if tag in ("replace", "insert"):
            added += after[j1:j2]
    return {"removed": len(removed), "added": len(added),
            "removed_shown": [p[:300] for p in removed[:SHOWN_CHANGES]],
            "added_shown": [p[:300] for p in added[:SHOWN_CHANGES]],
            "chars": (len(old), len(new))}


def views_chart(observations: list[dict[str, Any]], width: int = 560, height: int = 150) -> Markup | None:
    """The view counter over time as an inline SVG line chart (numbers and dates only)."""
    points = []
    for o in observations:
        if o.get("view_count") is None:
            continue
        try:
            moment = datetime.fromisoformat(o["observed_at"])
        except (TypeError, ValueError):
            continue
        points.append((moment, int(o["view_count"]), o["observed_at"]))
    if not points:
        return None
    pad_left, pad_right, pad_top, pad_bottom = 56, 16, 12, 28
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    v0, v1 = min(p[1] for p in points), max(p[1] for p in points)
    span_t, span_v = (t1 - t0) or 1.0, (v1 - v0) or 1
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def xy(moment: datetime, views: int) -> tuple[float, float]:
        x = pad_left + (inner_w * (moment.timestamp() - t0) / span_t if t1 > t0 else inner_w / 2)
        y = pad_top + inner_h - (inner_h * (views - v0) / span_v if v1 > v0 else inner_h / 2)
        return round(x, 1), round(y, 1)

    coords = [xy(m, v) for m, v, _ in points]
    parts = [Markup('<svg class="views-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
                    'xmlns="http://www.w3.org/2000/svg"><title>View counter over time</title>').format(w=width, h=height),
             Markup('<line x1="{x}" y1="{t}" x2="{x}" y2="{b}" class="axis"/><line x1="{x}" y1="{b}" x2="{r}" y2="{b}" '
                    'class="axis"/>').format(x=pad_left, t=pad_top, b=pad_top + inner_h, r=pad_left + inner_w)]
    if len(coords) > 1:
        parts.append(Markup('<polyline class="line" points="{}"/>').format(" ".join(f"{x},{y}" for x, y in coords)))
    for (x, y), (_, views, when) in zip(coords, points, strict=True):
        parts.append(Markup('<circle class="point" cx="{}" cy="{}" r="3.5"><title>{}: {:,} views</title></circle>')
                     .format(x, y, when, views))
    parts.append(Markup('<text x="{}" y="{}" class="label" text-anchor="end">{:,}</text>').format(
        pad_left - 6, pad_top + 10, v1))
    parts.append(Markup('<text x="{}" y="{}" class="label" text-anchor="end">{:,}</text>').format(
        pad_left - 6, pad_top + inner_h, v0))
    parts.append(Markup('<text x="{}" y="{}" class="label">{}</text>').format(
        pad_left, height - 8, points[0][2][:10]))
    if len(points) > 1:
        parts.append(Markup('<text x="{}" y="{}" class="label" text-anchor="end">{}</text>').format(
            pad_left + inner_w, height - 8, points[-1][2][:10]))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
