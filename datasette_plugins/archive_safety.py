"""Datasette plugin for the archive: safe to browse, safe to publish.

Always on (any instance started with `--plugins-dir datasette_plugins`, or `scrapy browse`):

- The archive is named `archive` whatever its file name: an archive made with
  `-s ARCHIVE_DB=other.db` keeps the canned queries, descriptions and dashboard of
  datasette_meta.json (which names the database `archive`).
- Read-only over HTTP: a request other than GET/HEAD/OPTIONS is refused (405) except Datasette's
  own /-/ endpoints and canned queries declared `"write": true` (the archive has none).
- No 500 for a bad request: an unsortable `_sort`, a malformed `_through`, a query SQLite refuses
  are answered 400 with Datasette's error page (`handle_exception`); a locked archive is a 503.
- `/-/databases.json` does not show the archive's file path.
- CSV exports neutralise spreadsheet formulas: a cell starting with = + - @ (not a number), tab
  or carriage return is prefixed with an apostrophe, so `=HYPERLINK(...)` in a crawled title is
  text in Excel or LibreOffice, not a formula.

Publish mode, configured by the `vngov-archive` plugin configuration of the metadata
(datasette_publish.json, docs/publishing.md):

- ``"base_metadata": "datasette_meta.json"``: the publish file only overrides; the archive's own
  metadata (descriptions, canned queries, dashboard) is read from this file (relative to the
  project root) and merged under it.
- ``"publish": true``: Datasette's settings are capped whatever the command line says
  (`PUBLISH_SETTING_CAPS`): query time, facet time, rows per page, CSV size; no database download,
  no facet suggestions, no template or trace debugging.
- ``"sql": "dashboard"``: arbitrary SQL is closed except the exact queries of the dashboard's
  charts (which the dashboard's page sends from the browser); ``"closed"``: no SQL at all (the
  dashboard's charts cannot load either); ``"open"``: Datasette's default.
- ``"hard_heap_limit_mb"``: SQLite's memory for the whole process (`PRAGMA hard_heap_limit`).
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sqlite3
import sys
import traceback
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.views.base import DatasetteError

PLUGIN = "vngov-archive"
DATABASE_NAME = "archive"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Publish mode: (setting, cap). A number is a maximum, a bool the value.
PUBLISH_SETTING_CAPS = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 200,
    "max_returned_rows": 1000,
    "max_csv_mb": 50,
    "allow_download": False,
    "suggest_facets": False,
    "template_debug": False,
    "trace_debug": False,
}
SQL_MODES = ("open", "dashboard", "closed")
# Tables with the archive's core rows: a database holding them is the archive.
ARCHIVE_TABLES = {"articles", "view_counts", "crawl_runs"}


# --- configuration --------------------------------------------------------------------------------


def local_config(datasette: Any) -> dict[str, Any]:
    """This plugin's configuration as the metadata file given to Datasette states it."""
    local = getattr(datasette, "_metadata_local", None) or {}
    return ((local.get("plugins") or {}).get(PLUGIN)) or {}


def settings(datasette: Any) -> dict[str, Any]:
    return datasette.plugin_config(PLUGIN) or {}


def sql_mode(datasette: Any) -> str:
    mode = settings(datasette).get("sql", "open")
    return mode if mode in SQL_MODES else "dashboard"


# One parsed copy of the base metadata per Datasette instance: Datasette merges the publish file
# into what this hook returns, in place, so instances must not share it.
_BASE: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


@hookimpl
def get_metadata(datasette: Any, key: str | None, database: str | None, table: str | None) -> dict[str, Any]:
    """The base metadata a publish file names (`base_metadata`), under the publish file itself; and
    with `"sql": "closed"`, Datasette's own switch for arbitrary SQL turned off."""
    config = local_config(datasette)
    if not config.get("base_metadata") and config.get("sql") != "closed":
        return {}
    if datasette not in _BASE:
        name = config.get("base_metadata")
        base = json.loads((PROJECT_ROOT / name).resolve().read_text(encoding="utf-8")) if name else {}
        if config.get("sql") == "closed":
            base["allow_sql"] = False
        _BASE[datasette] = base
    return _BASE[datasette]


# --- startup: the archive's name, publish settings -----------------------------------------------------


@hookimpl
def startup(datasette: Any) -> Any:
    async def inner() -> None:
        await name_the_archive(datasette)
        config = settings(datasette)
        if config.get("publish"):
            cap_settings(datasette)
        heap = config.get("hard_heap_limit_mb")
        if heap:
            limit = int(heap) * 1024 * 1024
            db = next((d for n, d in datasette.databases.items() if n != "_internal"), None)
            if db is not None:
                await db.execute_fn(lambda conn: conn.execute(f"PRAGMA hard_heap_limit = {limit}").fetchall())
    return inner


async def name_the_archive(datasette: Any) -> None:
    """Serve the archive as `archive` when it was opened under another name (its file's stem) and
    nothing else is called that: the metadata's canned queries, descriptions and dashboard are
    written for the name `archive`."""
    if DATABASE_NAME in datasette.databases:
        return
    candidates = []
    for name, db in datasette.databases.items():
        if name == "_internal" or db.is_memory:
            continue
        if ARCHIVE_TABLES <= set(await db.table_names()):
            candidates.append(name)
    if len(candidates) == 1:
        db = datasette.databases[candidates[0]]
        datasette.remove_database(candidates[0])
        datasette.add_database(db, name=DATABASE_NAME, route=DATABASE_NAME)


def cap_settings(datasette: Any) -> None:
    for name, cap in PUBLISH_SETTING_CAPS.items():
        current = datasette._settings.get(name)
        if isinstance(cap, bool):
            datasette._settings[name] = cap
        elif current is None or current > cap or current <= 0:
            datasette._settings[name] = cap
    datasette.sql_time_limit_ms = datasette.setting("sql_time_limit_ms")
    datasette.max_returned_rows = datasette.setting("max_returned_rows")


# --- errors: 400, not 500, for what a request got wrong ------------------------------------------------


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    from datasette.handle_exception import handle_exception as datasette_handler

    if isinstance(exception, DatasetteError) and exception.status == 500:
        replacement = DatasetteError(exception.message, title=exception.title or "Bad request",
                                     error_dict=exception.error_dict, status=400,
                                     message_is_html=exception.message_is_html)
    elif isinstance(exception, sqlite3.OperationalError) and "locked" in str(exception):
        replacement = DatasetteError("The archive is busy; try again in a moment.", title="Busy", status=503)
    elif isinstance(exception, (ValueError, KeyError, TypeError, IndexError, sqlite3.DatabaseError)):
        # Raised while reading a malformed parameter (`?_through={}`, a bad number): the request's
        # fault, not the server's. Logged all the same, in case it is not.
        traceback.print_exception(exception, file=sys.stderr)
        replacement = DatasetteError(f"Bad request: {exception}", title="Bad request", status=400)
    else:
        return None
    return datasette_handler(datasette, request, replacement)


# --- the HTTP layer: methods, paths, SQL, CSV --------------------------------------------------------


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            path, method = scope.get("path", ""), scope.get("method", "GET")
            if method not in SAFE_METHODS and not write_allowed(datasette, path):
                return await respond(send, 405, "text/plain; charset=utf-8",
                                     b"Method not allowed: this archive is read-only.\n", {"allow": "GET, HEAD"})
            if path.rstrip("/") in ("/-/databases", "/-/databases.json"):
                return await respond(send, 200, "application/json; charset=utf-8", databases_json(datasette))
            params = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
            if sql_mode(datasette) != "open" and (
                    "_where" in params or ("sql" in params and is_database_path(datasette, path) and any(
                        normalize_sql(sql) not in dashboard_sql(datasette) for sql in params["sql"]))):
                return await respond(send, 403, "text/plain; charset=utf-8", SQL_CLOSED)
            if path.endswith(".csv") or params.get("_format") == ["csv"]:
                return await app(scope, receive, CsvNeutralizer(send))
            return await app(scope, receive, send)
        return guarded
    return wrap


SQL_CLOSED = (b"Arbitrary SQL is closed on this published archive. Use the canned queries listed on the "
              b"database page, the tables' filters and search, or ask for a copy of the archive.\n")


async def respond(send: Any, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    raw = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def write_allowed(datasette: Any, path: str) -> bool:
    """Datasette's own endpoints check their own permissions; a canned query may declare writes."""
    if path.startswith("/-/"):
        return True
    parts = path.strip("/").split("/")
    if len(parts) == 2:
        queries = datasette.metadata("queries", database=parts[0], fallback=False) or {}
        query = queries.get(parts[1])
        return isinstance(query, dict) and bool(query.get("write"))
    return False


def databases_json(datasette: Any) -> bytes:
    """/-/databases.json without the file paths."""
    rows = [{k: v for k, v in d.items() if k != "path"} for d in datasette._connected_databases()]
    return json.dumps(rows, indent=4).encode()


def is_database_path(datasette: Any, path: str) -> bool:
    """`/DB`, `/DB.json`, `/DB.csv`: where Datasette runs the SQL of a `sql` parameter."""
    name = path.strip("/")
    for suffix in (".json", ".csv"):
        name = name.removesuffix(suffix)
    return "/" not in name and any(db.route == name for db in datasette.databases.values())


def normalize_sql(sql: str) -> str:
    return " ".join(sql.split())


_DASHBOARD_SQL: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def dashboard_sql(datasette: Any) -> set[str]:
    """Every SQL text the dashboard's page can send for its charts: each chart's query with each of
    its optional [[ ... :param ... ]] parts kept or dropped (datasette-dashboards' own rule)."""
    if datasette not in _DASHBOARD_SQL:
        _DASHBOARD_SQL[datasette] = _dashboard_sql(datasette)
    return _DASHBOARD_SQL[datasette]


def _dashboard_sql(datasette: Any) -> set[str]:
    try:
        from datasette_dashboards import replace_opts_in_query
    except ImportError:
        return set()
    allowed: set[str] = set()
    for dashboard in (datasette.plugin_config("datasette-dashboards") or {}).values():
        for chart in (dashboard.get("charts") or {}).values():
            query = chart.get("query")
            if not query:
                continue
            names = sorted(set(re.findall(r"\[\[.*?:([a-zA-Z0-9_]+).*?\]\]", query)))
            for kept in itertools.product((False, True), repeat=len(names)):
                options = {n: "x" if keep else "" for n, keep in zip(names, kept, strict=True)}
                allowed.add(normalize_sql(replace_opts_in_query(query, options)))
    return allowed


# --- CSV: formulas neutralised -------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell that may need neutralising: at a line start or after a comma, optionally quoted.
_RISKY = re.compile(r'(?:^|,|\n)"?[=+\-@\t\r]')


def neutralize_cell(value: str) -> str:
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


# Datasette's own CSV writer has no field limit; the reader that rewrites its records must not
# have one either (the default, 128 KiB, is below a long article's body).
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def neutralize_records(text: str) -> str:
    """Complete CSV records (Datasette's dialect: minimal quoting, CRLF) with formulas neutralised;
    the text unchanged when no cell can start a formula."""
    if not _RISKY.search(text):
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for record in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralize_cell(cell) for cell in record])
    return out.getvalue()


class CsvNeutralizer:
    """An ASGI `send` that rewrites a (streamed) CSV body record by record. A record ends at a
    newline outside quotes, i.e. after an even number of double quotes since the last record."""

    def __init__(self, send: Any) -> None:
        self.send = send
        self.pending = ""
        self.csv = False
        self.decoder: Any = None

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers") or [])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            self.csv = message.get("status") == 200 and content_type.startswith(("text/plain", "text/csv"))
            if self.csv:  # the body's length may change
                message = {**message, "headers": [(k, v) for k, v in message.get("headers") or []
                                                  if k.lower() != b"content-length"]}
                import codecs
                self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
            return await self.send(message)
        if message["type"] != "http.response.body" or not self.csv:
            return await self.send(message)
        more = message.get("more_body", False)
        self.pending += self.decoder.decode(message.get("body", b""), final=not more)
        ready, self.pending = split_complete(self.pending) if more else (self.pending, "")
        await self.send({"type": "http.response.body", "body": neutralize_records(ready).encode("utf-8"),
                         "more_body": more})


def split_complete(text: str) -> tuple[str, str]:
    """(the complete records at the start of `text`, the rest)."""
    end, quotes, at = 0, 0, 0
    while True:
        newline = text.find("\n", at)
        if newline < 0:
            return text[:end], text[end:]
        quotes += text.count('"', at, newline)
        at = newline + 1
        if quotes % 2 == 0:
            end = at
