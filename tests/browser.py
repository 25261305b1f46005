"""Headless Debian chromium driven through the DevTools protocol over a pipe (no websocket library,
no network port): open a page, wait until it has loaded, evaluate JavaScript in it, and see every
request it made and every dialog a script tried to open.

`chromium --remote-debugging-pipe` reads protocol messages (JSON, each ended by a NUL byte) on file
descriptor 3 and writes on 4. Used by tests/test_archive_browser.py; the older
tests/test_dashboard_browser.py uses `--dump-dom`.
"""
from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
WINDOW = (1280, 1100)


class BrowserError(RuntimeError):
    pass


class Chromium:
    """One headless chromium with one page (tab). Use as a context manager."""

    def __init__(self, profile: Path, timeout: float = 60.0) -> None:
        assert CHROMIUM, "chromium must be installed (apt-get install chromium)"
        self.timeout = timeout
        read_end, self._to_child = os.pipe()
        self._from_child, write_end = os.pipe()
        # The child's ends, moved above 9 so that putting them on 3 and 4 cannot overwrite either.
        to_child_r = fcntl.fcntl(read_end, fcntl.F_DUPFD_CLOEXEC, 10)
        from_child_w = fcntl.fcntl(write_end, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(read_end)
        os.close(write_end)
        # bash (dash takes one-digit descriptors only) puts the two ends on the descriptors chromium
        # expects, then becomes chromium.
        plumb = ["/bin/bash", "-c", f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w}']
        cmd = [*plumb, CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--disable-extensions", f"--user-data-dir={profile}",
               f"--window-size={WINDOW[0]},{WINDOW[1]}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(cmd, pass_fds=(to_child_r, from_child_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"})
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def __enter__(self) -> Chromium:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable")
        self.call("Page.setLifecycleEventsEnabled", enabled=True)
        self.call("Emulation.setDeviceMetricsOverride", width=WINDOW[0], height=WINDOW[1], deviceScaleFactor=1,
                  mobile=False)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close", session=False)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)

    # --- the protocol -----------------------------------------------------------------------

    def call(self, method: str, session: bool = True, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _pump(self, seconds: float) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not select.select([self._from_child], [], [], max(0.0, deadline - time.monotonic()))[0]:
                break
            try:
                self.events.append(self._read(deadline))
            except BrowserError:
                break

    # --- pages --------------------------------------------------------------------------------

    def open(self, url: str, settle: float = 0.5) -> None:
        """Navigate, wait for the load event (images and scripts done), then let the page settle."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not finish loading")
            self._pump(0.1)
        self._pump(settle)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested(self) -> list[str]:
        """Every URL the page requested since it was opened."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def dialogs(self) -> list[str]:
        """Messages of the alert/confirm/prompt dialogs a script opened."""
        return [e["params"].get("message", "") for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def console_errors(self) -> list[str]:
        return [json.dumps(e["params"]) for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
