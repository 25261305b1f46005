"""Shared test fixtures: a guard that keeps every test off the internet, and common paths."""
from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "::1", "localhost"}

# Ignore system-wide proxies, as Scrapy's own test-suite does: a proxy would turn loopback
# requests into outside traffic.
for _var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any socket connection that is not to loopback: tests never touch the internet."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise RuntimeError(f"test tried to reach {address!r}; use a local server")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


# Modules whose tests start subprocesses, servers or a browser: `pytest -m "not e2e"` leaves them
# out (the fast inner loop, docs/development.md). A test elsewhere that does the same carries
# `@pytest.mark.e2e` itself.
E2E_MODULES = frozenset({
    "test_admin_units_browser", "test_crawl_e2e", "test_cron", "test_dashboard_browser", "test_datasette_browser",
    "test_datasette_server", "test_families_e2e", "test_generic_e2e", "test_generic_pagination_e2e",
    "test_identity_e2e", "test_limits", "test_warc", "test_wayback", "test_wayback_generic",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in E2E_MODULES:
            item.add_marker(pytest.mark.e2e)


def rows(db: Path | str, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
    """The rows of a query on an archive file, as dicts (the connection closed after)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def query(db: Path | str, sql: str, params: tuple | list = ()) -> list[tuple]:
    """The rows of a query on an archive file, as tuples (the connection closed after)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
