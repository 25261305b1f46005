"""The local HTTP server of the sample portals (127.0.0.1 only, standard library only).

What lives where: ``SamplePortalServer`` owns a ``ThreadingHTTPServer``, the mounted sites (path
prefix -> site object: ``/honglinh`` is the SharePoint portal of ``sharepoint.py``,
``/namhonglinh`` the new Hà Tĩnh platform of ``hatinh_new.py``, ``/minhduc`` the NukeViet portal
of ``nukeviet.py``), the request log and the fault table. The
server answers ``/`` (an index of the portals), ``/robots.txt`` (allow all) and 404 for anything
outside a mount; a site answers everything below its prefix.

A site is any object with ``title``, ``family``, ``home`` (path below the mount) and
``handle(method, path, query, form) -> (status, headers, body)``, where `path` is the request
path with the mount prefix removed and `form` the first value of each posted form field.
"""
from __future__ import annotations

import html
import ipaddress
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from sample_portal.corpus import SamplePortal
from sample_portal.hatinh_new import HaTinhSite
from sample_portal.nukeviet import NukeVietSite
from sample_portal.sharepoint import SharePointSite

Reply = tuple[int, dict[str, str], bytes]
HTML_TYPE = "text/html; charset=utf-8"


class Site(Protocol):
    title: str
    family: str
    home: str

    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply: ...


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it; POSTs also carry the postback event fields."""

    method: str
    path: str  # as requested (case kept), without the query
    query: str  # raw query string, "" when none
    event_target: str | None = None
    event_argument: str | None = None
    status: int = 0


@dataclass
class Fault:
    """Make requests for one path fail or be slow: `status` (e.g. 500) and/or `delay` seconds.

    `times` limits how many requests are affected (None: all), to test retries.
    """

    status: int | None = None
    delay: float = 0.0
    times: int | None = None


def check_loopback(host: str) -> str:
    """`host` if it is a loopback address ("localhost" means 127.0.0.1); ValueError otherwise."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"host must be a loopback IP address such as 127.0.0.1, not {host!r}") from None
    if not address.is_loopback:
        raise ValueError(f"refusing to serve on {host}: sample portals bind to loopback only (127.0.0.1 or ::1)")
    return host


class SamplePortalServer:
    """The sample portals on ``http://127.0.0.1:PORT/``; bound on creation, served by ``start()``.

    ``with SamplePortalServer() as srv: srv.url`` serves in a daemon thread for the block.
    ``srv.requests`` is the request log (a list of ``RequestRecord``; ``.clear()`` it between
    steps); ``srv.faults[path] = 500`` or ``= Fault(delay=2.0)`` injects failures.
    """

    def __init__(self, portal: SamplePortal | None = None, host: str = "127.0.0.1", port: int = 0, *,
                 log_requests: bool = True, verbose: bool = False, visits: int = 0) -> None:
        host = check_loopback(host)
        self.portal = portal if portal is not None else SamplePortal(visits=visits)
        self.hatinh = HaTinhSite()
        self.nukeviet = NukeVietSite()
        self.sites: dict[str, Site] = {
            self.portal.mount.lower(): SharePointSite(self.portal),
            self.hatinh.mount.lower(): self.hatinh,
            self.nukeviet.mount.lower(): self.nukeviet,
        }
        self.requests: list[RequestRecord] = []
        self.faults: dict[str, int | Fault] = {}
        self.log_requests = log_requests
        self.verbose = verbose
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._httpd = _HTTPServer((host, port), self)

    # -- lifecycle

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The server root without a trailing slash, e.g. ``http://127.0.0.1:8765``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def portal_url(self) -> str:
        """The base URL of the SharePoint sample portal, e.g. ``http://127.0.0.1:8765/honglinh``."""
        return self.url + self.portal.mount

    def mount_url(self, mount: str) -> str:
        """The base URL of the portal mounted at `mount`, e.g. ``http://127.0.0.1:8765/minhduc``."""
        return self.url + mount

    def start(self) -> SamplePortalServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                            name=f"sample-portal-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SamplePortalServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- answering

    def dispatch(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        """Answer one request (faults first) and log it."""
        fault = self._take_fault(path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status:
            reply = _plain_page(fault.status, f"Injected fault {fault.status}")
        else:
            reply = self._route(method, path, query, form)
        if self.log_requests:
            record = RequestRecord(method, path, query, form.get("__EVENTTARGET") if method == "POST" else None,
                                   form.get("__EVENTARGUMENT") if method == "POST" else None, reply[0])
            with self._lock:
                self.requests.append(record)
        return reply

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            if isinstance(fault, int):
                return Fault(status=fault)
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[path]
            return fault

    def _route(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        if path == "/":
            return 200, {"Content-Type": HTML_TYPE}, self._index_page().encode("utf-8")
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, b"User-agent: *\nAllow: /\n"
        low = path.lower()
        for prefix, site in self.sites.items():
            if low == prefix or low.startswith(prefix + "/"):
                return site.handle(method, path[len(prefix):], query, form)
        return _plain_page(404, "404 Not Found")

    def _index_page(self) -> str:
        items = "\n".join(
            f'<li><a href="{html.escape(prefix + site.home)}">{html.escape(site.title)}</a> '
            f"({html.escape(site.family)}, mounted at <code>{html.escape(prefix)}</code>)</li>"
            for prefix, site in self.sites.items())
        return ('<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>Sample portals</title></head>\n'
                f"<body>\n<h1>Sample portals</h1>\n<ul>\n{items}\n</ul>\n</body>\n</html>\n")


def _plain_page(status: int, message: str) -> Reply:
    body = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(message)}</title></head>'
            f"<body><h1>{html.escape(message)}</h1></body></html>\n")
    return status, {"Content-Type": HTML_TYPE}, body.encode("utf-8")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a client's open keep-alive connection never blocks shutdown
    # The default backlog (5) refuses connections when a crawl opens many at once on a loaded
    # machine; real servers queue them, and a refused connection would read as a portal failure.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: SamplePortalServer) -> None:
        self.owner = owner
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: crawlers and benchmarks reuse connections
    server_version = "SamplePortal"
    timeout = 60  # close idle keep-alive connections
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        form = self._read_form() if method == "POST" else {}
        try:
            reply = self.server.owner.dispatch(method, parts.path or "/", parts.query, form)
        except Exception:  # a bug in a page must not kill the connection silently
            traceback.print_exc(file=sys.stderr)
            reply = _plain_page(500, "Internal Server Error")
        try:
            self._send(*reply, with_body=method != "HEAD")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_form(self) -> dict[str, str]:
        """The posted urlencoded fields (first value of each); other bodies are read and ignored."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if "application/x-www-form-urlencoded" not in (self.headers.get("Content-Type") or ""):
            return {}
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in fields.items()}

    def _send(self, status: int, headers: dict[str, str], body: bytes, with_body: bool) -> None:
        self._server_header = headers.get("Server", self.server_version)
        self.send_response(status)
        for name, value in headers.items():
            if name != "Server":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def version_string(self) -> str:
        """The Server header: the site's own (IIS for SharePoint) when it sets one."""
        return getattr(self, "_server_header", self.server_version)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.owner.verbose:
            super().log_message(format, *args)


def serve(portal: SamplePortal | None = None, host: str = "127.0.0.1", port: int = 0,
          **options: bool) -> SamplePortalServer:
    """A started server (also a context manager); stop it with ``.stop()``."""
    return SamplePortalServer(portal, host, port, **options).start()
