"""Static portals for the crawl benchmarks: pages pre-rendered to files, served by nginx on 127.0.0.1.

A crawl benchmark must measure the crawler, not the server. The sample portal's own server
(`sample_portal.SamplePortalServer`) renders every page in Python, in threads of one
process, and tops out near the crawler's own speed; so the benchmarks render every page a crawl
will request to a file first, and serve the directory with a real web server:

- `StaticServer(root)`: nginx (the Debian package's binary, found with `command -v nginx` or
  /usr/sbin/nginx) started on a free 127.0.0.1 port with a minimal configuration written to a
  temporary directory (one worker, no access log, error log and pid file in that directory,
  `text/html; charset=utf-8` for everything), stopped on exit, Ctrl-C and SIGTERM included. When
  nginx is missing it is installed only if running as root with `BENCH_INSTALL_NGINX=1`
  (`apt-get install -y nginx`); otherwise the benchmark says so loudly and serves the directory
  with a threaded Python server in a process of its own (`python bench/static_site.py serve
  DIR`), which may well be the bottleneck.
- URL -> file: the path as requested (percent-decoded), and a query string as part of the file
  name: ``/a/List.aspx?Page=2`` is the file ``a/List.aspx@Page=2``. ``/dir/`` is
  ``dir/index.html``; an extension-less ``/page`` may be ``page.html``. Both servers map alike.
- `render_sample_portal(portal, root)`: every page a full crawl of the SharePoint sample portal
  (site ``sample``) requests, as the sample server renders it, written to `root`. The sample
  paginates its category listings by ASP.NET postbacks (POSTing the form back with the page's
  signed view state), which no static server can answer; the rendered listings are therefore
  the GET variant of the same pages: each pager link ``javascript:__doPostBack('...','Page$Next')``
  becomes a plain link to ``<listing>.aspx?Page=N`` (the page the postback would have returned),
  everything else byte for byte what the sample server sends. The `sharepoint_portal` profile
  follows such a link like any "Tiếp" link (`crawler.pages.listing.ListingPage.next_page`), so
  the crawl runs the real profile, unchanged, minus one POST per listing page.

Command line (for trying things by hand):

    python bench/static_site.py serve DIR [--port N] [--server auto|nginx|python]
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HTML_TYPE = "text/html; charset=utf-8"
QUERY_MARK = "@"  # ``List.aspx?Page=2`` is stored as ``List.aspx@Page=2``
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
FALLBACK_MESSAGE = "nginx not found: serving with Python's http.server (the server may be the bottleneck)"


# ---------------------------------------------------------------- URL <-> file


def file_for(root: Path, path: str, query: str = "") -> Path:
    """The file that holds the page at `path` (+ `query`) under `root` (it need not exist yet)."""
    path = unquote(path) or "/"
    if path.endswith("/"):
        path += "index.html"
    name = path.lstrip("/") + (QUERY_MARK + query if query else "")
    return root / name


def write_page(root: Path, url_path: str, body: bytes | str) -> int:
    """Write one page for the URL path `url_path` (may carry ``?query``); returns its size."""
    parts = urlsplit(url_path)
    target = file_for(root, parts.path, parts.query)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = body.encode("utf-8") if isinstance(body, str) else body
    target.write_bytes(data)
    return len(data)


def candidates(path: str, query: str) -> Iterator[str]:
    """Relative file names tried for a request, in nginx's try_files order (see NGINX_CONF)."""
    path = unquote(path) or "/"
    rel = path.lstrip("/")
    if query:
        yield rel + QUERY_MARK + query
    if rel and not rel.endswith("/"):
        yield rel
        yield rel + "/index.html"
        yield rel + ".html"
    else:
        yield rel + "index.html"


# ---------------------------------------------------------------- nginx


NGINX_CONF = """\
# Written by bench/static_site.py for one benchmark run; nothing here outlives it.
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    # No open_file_cache: a crawl reads each file once, and a cache of open descriptors would run
    # into the process's file limit on a large portal (try_files then answers 404).
    # Every file is a page: .aspx, .html, or no extension at all.
    types {{ }}
    default_type text/html;
    charset utf-8;
    server_tokens off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        root {root};
        location / {{
            # /List.aspx?Page=2 -> List.aspx@Page=2; /dir/ -> dir/index.html; /page -> page.html
            try_files "$uri{mark}$args" $uri ${{uri}}index.html $uri/index.html $uri.html =404;
        }}
    }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary, or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((c for c in NGINX_CANDIDATES if os.access(c, os.X_OK)), None)


def ensure_nginx() -> str | None:
    """nginx if installed; installed first when running as root with BENCH_INSTALL_NGINX=1."""
    found = find_nginx()
    if found or os.environ.get("BENCH_INSTALL_NGINX") != "1":
        return found
    if os.geteuid() != 0:
        print("BENCH_INSTALL_NGINX=1 but not running as root: not installing nginx", flush=True)
        return None
    print("installing nginx (apt-get install -y nginx) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "install", "-y", "nginx"], ["apt-get", "update"], ["apt-get", "install", "-y", "nginx"]):
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = find_nginx()
        if found:
            return found
    return None


def nginx_version(binary: str) -> str:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True)
    text = (out.stderr or out.stdout).strip()
    return text.split(":", 1)[-1].strip() if text else "nginx"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(port: int, process: subprocess.Popen, timeout: float = 15.0) -> bool:
    """Poll until 127.0.0.1:`port` answers an HTTP request (True), or the process died / timed out."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
                conn.sendall(b"HEAD / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if conn.recv(16).startswith(b"HTTP/"):
                    return True
        except OSError:
            pass
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
    return False


# ---------------------------------------------------------------- the server


@dataclass
class StaticServer:
    """Serve `root` on 127.0.0.1 with nginx (or the Python fallback); a context manager.

    `prefer`: "auto" (nginx if available, else the fallback, said loudly), "nginx" (fail without
    it) or "python" (the fallback on purpose, e.g. to see what a slow server does to the figures).
    """

    root: Path
    prefer: str = "auto"
    port: int = 0  # 0: a free port
    url: str = ""
    kind: str = ""
    _process: subprocess.Popen | None = None
    _tmp: tempfile.TemporaryDirectory | None = None
    _log: Any = None
    _tried: list[str] = field(default_factory=list)

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> StaticServer:
        self.root = Path(self.root).resolve()
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-server-")
        binary = None if self.prefer == "python" else ensure_nginx()
        if binary is None and self.prefer == "nginx":
            raise SystemExit("nginx not found (apt-get install nginx, or run with BENCH_INSTALL_NGINX=1 as root)")
        try:
            if binary is not None:
                self._start_nginx(binary)
            else:
                if self.prefer != "python":
                    print(FALLBACK_MESSAGE, flush=True)
                self._start_python()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_nginx(self, binary: str) -> None:
        tmp = Path(self._tmp.name)  # type: ignore[union-attr]
        # As root, nginx's workers would switch to "nobody", who cannot read a private temp dir.
        user = ""
        if os.geteuid() == 0:
            import pwd
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
        for _ in range(1 if self.port else 5):  # a port taken between free_port() and nginx's bind: retry
            port = self.port or free_port()
            conf = tmp / "nginx.conf"
            conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, port=port, root=self.root, mark=QUERY_MARK),
                            encoding="utf-8")
            self._log = open(tmp / "nginx.out", "wb")
            self._process = subprocess.Popen(
                [binary, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log"), "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
            if wait_for_http(port, self._process):
                self.url = f"http://127.0.0.1:{port}"
                self.kind = nginx_version(binary)
                return
            self._kill()
        log = ""
        for name in ("nginx.out", "error.log"):
            if (tmp / name).exists():
                log += (tmp / name).read_text(errors="replace")[-2000:]
        raise RuntimeError(f"nginx did not start:\n{log}")

    def _start_python(self) -> None:
        tmp = Path(self._tmp.name)  # type: ignore[union-attr]
        port = self.port or free_port()
        self._log = open(tmp / "server.out", "wb")
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve", str(self.root), "--port", str(port),
             "--server", "python", "--quiet"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        if not wait_for_http(port, self._process):
            self._kill()
            raise RuntimeError("the Python static server did not start: "
                               + (tmp / "server.out").read_text(errors="replace")[-2000:])
        self.url = f"http://127.0.0.1:{port}"
        self.kind = "Python http.server (threaded, fallback)"

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            # nginx: SIGTERM/SIGINT are its fast shutdown (workers stop at once), SIGQUIT the graceful one.
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that `with StaticServer(...)` blocks stop their server
    (Ctrl-C is a KeyboardInterrupt already, and reaches nginx too, as it shares our process group)."""
    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# ---------------------------------------------------------------- the Python fallback


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bench-static"
    timeout = 60
    root: Path = Path(".")
    quiet = True

    def do_GET(self) -> None:
        self._serve(True)

    def do_HEAD(self) -> None:
        self._serve(False)

    def do_POST(self) -> None:  # like nginx: static files are not POSTed to
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._reply(405, b"<html><body><h1>405 Not Allowed</h1></body></html>", True)

    def _serve(self, with_body: bool) -> None:
        parts = urlsplit(self.path)
        for rel in candidates(parts.path, parts.query):
            target = (self.root / rel).resolve()
            if target.is_file() and (target == self.root or self.root in target.parents):
                return self._reply(200, target.read_bytes(), with_body)
        self._reply(404, b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
                    with_body)

    def _reply(self, status: int, body: bytes, with_body: bool) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", HTML_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve_python(root: Path, port: int, quiet: bool = True) -> None:
    handler = type("Handler", (_Handler,), {"root": root.resolve(), "quiet": quiet})
    with _ThreadingServer(("127.0.0.1", port), handler) as httpd:
        httpd.serve_forever(poll_interval=0.2)


# ---------------------------------------------------------------- the SharePoint sample, rendered


_HIDDEN = re.compile(r'<input type="hidden" name="(__VIEWSTATE|__EVENTVALIDATION)" id="[^"]*" value="([^"]*)">')
_POSTBACK_HREF = re.compile(r"""href="javascript:__doPostBack\('([^']*)','([^']*)'\)\"""")


@dataclass
class RenderedSample:
    """What `render_sample_portal` wrote."""

    articles: int = 0
    listing_pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    start_paths: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.articles + self.listing_pages


def render_sample_portal(portal: Any, root: Path, progress: bool = False) -> RenderedSample:
    """Write every page a full crawl of the sample portal requests (see the module docstring).

    Listings are walked through the sample site's own postback handling (GET page 1, then POST
    the form back with ``Page$Next`` and the page's view state, as a browser would), so each
    page is exactly what the server returns; only the pager's postback links are turned into
    ``?Page=N`` links before writing.
    """
    from sample_portal.sharepoint import SharePointSite, resolve_page

    started = time.perf_counter()
    site = SharePointSite(portal)
    mount = portal.mount
    out = RenderedSample()

    def get(path: str, method: str = "GET", form: dict[str, str] | None = None) -> str:
        status, _, body = site.handle(method, path[len(mount):], "", form or {})
        if status != 200:
            raise RuntimeError(f"sample portal answered {status} to {method} {path}")
        return body.decode("utf-8")

    for listing in portal.categories:
        path, pages = listing.path, listing.pages
        out.start_paths.append(path)
        page_html = get(path)
        for page in range(1, pages + 1):
            if page > 1:  # the postback a browser sends from the previous page's "Tiếp"
                hidden = dict(_HIDDEN.findall(page_html))
                page_html = get(path, "POST", {"__EVENTTARGET": listing.pager_target, "__EVENTARGUMENT": "Page$Next",
                                               **hidden})

            def as_link(match: re.Match[str], page: int = page, pages: int = pages, path: str = path) -> str:
                target = resolve_page(match.group(2), page, pages)
                return f'href="{html.escape(path)}{"" if target == 1 else f"?Page={target}"}"'

            static = _POSTBACK_HREF.sub(as_link, page_html)
            out.bytes += write_page(root, path if page == 1 else f"{path}?Page={page}", static)
            out.listing_pages += 1
    for i, article in enumerate(portal.articles()):
        out.bytes += write_page(root, article.path, get(article.path))
        out.articles += 1
        if progress and i and i % 20000 == 0:
            print(f"  rendered {i:,} articles ...", flush=True)
    out.seconds = time.perf_counter() - started
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a directory of pre-rendered pages on 127.0.0.1.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve DIR until Ctrl-C")
    serve.add_argument("root", type=Path)
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    serve.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.server == "python":  # the fallback itself (also what StaticServer starts)
        port = args.port or free_port()
        if not args.quiet:
            print(f"serving {args.root} at http://127.0.0.1:{port}/ (Python fallback); Ctrl-C to stop", flush=True)
        try:
            serve_python(args.root, port, quiet=args.quiet)
        except KeyboardInterrupt:
            pass
        return 0
    exit_on_sigterm()
    with StaticServer(args.root, prefer=args.server, port=args.port) as server:
        print(f"serving {args.root} at {server.url}/ with {server.kind}; Ctrl-C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
