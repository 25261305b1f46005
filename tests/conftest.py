"""Shared test fixtures: a guard that keeps every test off the internet, and common paths."""
from __future__ import annotations

import os
import socket
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
