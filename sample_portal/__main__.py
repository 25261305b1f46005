"""``python -m sample_portal --port PORT``: serve the sample portals until Ctrl-C or SIGTERM.

The first line on stdout is ``Sample portals at http://127.0.0.1:PORT/`` (with ``--port 0``, the
port actually bound), flushed at once so that scripts and tests can read it.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from sample_portal.corpus import SamplePortal
from sample_portal.server import SamplePortalServer, check_loopback


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sample_portal",
                                     description="Serve the bundled sample portals on a loopback address.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--extra-articles", type=int, default=0, metavar="N",
                        help="append N generated articles (benchmarks use 5,000-100,000)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    try:
        args.host = check_loopback(args.host)
    except ValueError as error:
        parser.error(str(error))
    if args.extra_articles < 0:
        parser.error("--extra-articles must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    portal = SamplePortal(extra_articles=args.extra_articles)
    try:
        # No request log here: a long-running server must not grow with every request.
        server = SamplePortalServer(portal, args.host, args.port, log_requests=False, verbose=args.verbose)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    print(f"Sample portals at {server.url}/", flush=True)
    print(f"SharePoint portal/Pages: {server.portal_url}/portal/Pages/default.aspx "
          f"({portal.article_count} articles)", file=sys.stderr)
    for site in (server.hatinh, server.nukeviet):
        print(f"{site.family}: {server.mount_url(site.mount)}{site.home} ({len(site.portal)} articles, "
              f"site={site.slug})", file=sys.stderr)
    print("Ctrl-C stops.", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
