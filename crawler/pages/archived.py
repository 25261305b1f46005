"""Pages that went through a web archive, read as the portal served them. Pure.

A *rendered* Wayback Machine capture (``/web/<timestamp>/<url>``, without ``id_``) is the
portal's page with the archive's additions: the toolbar (between ``<!-- BEGIN WAYBACK TOOLBAR
INSERT -->`` and ``<!-- END WAYBACK TOOLBAR INSERT -->``), the playback scripts and styles of
its head (``/_static/js/bundle-playback.js``, ``wombat.js``, ``__wm.init``, the older
``WB_wombat_Init`` / ``wbhack.js`` / ``ait-client-rewrite.js``, ``archive.org`` analytics, up to
``<!-- End Wayback Rewrite JS Include -->``), the trailing ``FILE ARCHIVED ON ... AND RETRIEVED
FROM THE INTERNET ARCHIVE ...`` and ``playback timings`` comments, and every link rewritten to
point into the archive: ``https://web.archive.org/web/<ts>/<original>``, ``/web/<ts>im_/<original>``
(``im_``, ``cs_``, ``js_``... name the kind of resource), and in pages saved from the Wayback by
mirroring tools, ``../../<ts>im_/http%253A/host/...``.

`unwayback` removes the additions and writes every rewritten link back to its original URL, so
the page reads like the portal's own: its links, its canonical URL, its images and its text are
the original's. A page with no Wayback trace (a raw ``id_`` capture, a live page) comes back
unchanged. `unwayback_bytes` does the same on undecoded bytes (the patterns are ASCII, so the
page's own encoding, windows-1258 or UTF-8, is left as it was). `capture_parts` reads a capture
URL: its timestamp, its modifier and the original URL.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

# What only a page served by the Wayback carries.
TRACES = (
    "BEGIN WAYBACK TOOLBAR INSERT", "End Wayback Rewrite JS Include", "FILE ARCHIVED ON", "__wm.init(",
    "WB_wombat_Init", "archive.org/includes/analytics.js", "/_static/js/bundle-playback", "wombat.js",
    "__wbhack.init", "playback timings (ms)",
)

_TOOLBAR = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
                      re.DOTALL | re.IGNORECASE)
# The archive's comments: the end of its head insert, the "FILE ARCHIVED ON" notice, the timings.
_COMMENTS = re.compile(r"<!--\s*(?:End Wayback Rewrite JS Include|FILE ARCHIVED ON|playback timings).*?-->",
                       re.DOTALL | re.IGNORECASE)
# Where the archive's own scripts and styles live (also as saved by mirroring tools, which make
# the paths relative: ../../static/js/wbhack.js@v=...).
_ARCHIVE_ASSET = (r"(?:archive\.org/includes/|web-static\.archive\.org/|/_static/(?:js|css)/"
                  r"|/_?static/(?:js/(?:ait-client-rewrite|wbhack|wombat|bundle-playback|playback|ruffle)"
                  r"|css/(?:banner-styles|iconochive)))")
_ASSET_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?[^\"'>\s]*" + _ARCHIVE_ASSET
                           + r"[^>]*>\s*</script\s*>", re.IGNORECASE)
_ASSET_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?[^\"'>\s]*" + _ARCHIVE_ASSET + r"[^>]*>", re.IGNORECASE)
# Inline scripts of the playback: __wm.init / __wm.wombat, WB_wombat_Init, __wbhack, the analytics
# beacon, the Ruffle (Flash) player.
_PLAYBACK_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script).)*?(?:__wm\.(?:init|wombat|bt)|WB_wombat_Init|__wbhack\.init"
    r"|archive_analytics|RufflePlayer)(?:(?!</script).)*</script\s*>", re.DOTALL | re.IGNORECASE)
# A link into the archive: the archive's address (absolute, protocol-relative or root-relative;
# or "../" steps and no /web/ in a mirrored copy), the timestamp, an optional modifier (im_, cs_,
# js_, id_, if_, fw_, oe_...), then the original URL's scheme, maybe percent-encoded once or twice.
# Each pattern starts with a literal ("/web/", "../", "http", "//") so that the regex engine
# scans for it instead of trying a match at every character (6 ms a page otherwise).
_ARCHIVE_HOST = r"(?:web\.)?archive\.org"
_REWRITTEN_PATH = r"/web/(\d{1,14})(?:[a-z]{2}_|\*)?/+(https?)(?::|%3a|%253a)/{1,2}"
_REWRITTEN = re.compile(_REWRITTEN_PATH, re.IGNORECASE)
_TO_ARCHIVE = (re.compile(r"https?://" + _ARCHIVE_HOST + f"(?={_REWRITTEN_PATH})", re.IGNORECASE),
               re.compile(r"//" + _ARCHIVE_HOST + f"(?={_REWRITTEN_PATH})", re.IGNORECASE))
_MIRRORED = re.compile(r"\.\./(?:\.\./)*(\d{14})[a-z]{2}_/(https?)(?::|%3a|%253a|_)/{1,2}", re.IGNORECASE)
_MIRRORED_AFTER = frozenset("\"'(= \t\r\n")  # what stands before a mirrored link: an attribute's start
# A root-relative link of the page resolved against the archive's host by the playback's script
# (in a page saved from the browser): https://web.archive.org/TinTuc/... is the portal's /TinTuc/...
_ARCHIVE_ROOT = (re.compile(r"https?://" + _ARCHIVE_HOST + r"(?=/(?!web/|_static/|static/|includes/))", re.IGNORECASE),
                 re.compile(r"//" + _ARCHIVE_HOST + r"(?=/(?!web/|_static/|static/|includes/))", re.IGNORECASE))
# A capture's own address: /web/<timestamp><modifier>/<original>.
CAPTURE_URL = re.compile(r"/web/(\d{14})([a-z]{2}_)?/+(.+)$")


def has_wayback_trace(html: str) -> bool:
    """Whether the page carries what the Wayback adds to a rendered capture. Ten substring scans,
    not one regex of ten alternatives: the regex engine tries every alternative at every
    character (0.3 ms on a 40 KB page, against 0.08), and every imported page is asked."""
    return any(trace in html for trace in TRACES)


def unwayback(html: str) -> str:
    """The page without the Wayback's toolbar, scripts and notices, its links written back to the
    original URLs. Unchanged when the page carries no Wayback trace."""
    if not has_wayback_trace(html):
        return html
    html = _TOOLBAR.sub("", html)
    html = _PLAYBACK_SCRIPT.sub("", html)
    html = _ASSET_SCRIPT.sub("", html)
    html = _ASSET_LINK.sub("", html)
    html = _COMMENTS.sub("", html)
    for pattern in _TO_ARCHIVE:
        html = pattern.sub("", html)  # https://web.archive.org/web/... -> /web/...
    html = _MIRRORED.sub(_mirrored_prefix, _REWRITTEN.sub(_original_prefix, html))
    for pattern in _ARCHIVE_ROOT:
        html = pattern.sub("", html)
    return html


def unwayback_bytes(body: bytes) -> bytes:
    """`unwayback` on an undecoded page: latin-1 maps every byte to one character and back, and
    the patterns are ASCII, so the page's own encoding is left untouched."""
    return unwayback(body.decode("latin-1")).encode("latin-1")


def capture_parts(url: str) -> tuple[str, str, str] | None:
    """``https://web.archive.org/web/20180330081814id_/http://x.gov.vn/a`` ->
    (``20180330081814``, ``id_``, ``http://x.gov.vn/a``); None for any other URL."""
    match = CAPTURE_URL.search(url)
    if match is None or not re.match(r"https?(?::|%3a)", match.group(3), re.IGNORECASE):
        return None
    original = match.group(3)
    if not original.lower().startswith(("http://", "https://")):
        original = unquote(original)
    scheme, _, rest = original.partition(":")
    return match.group(1), match.group(2) or "", f"{scheme}://{rest.lstrip('/')}"


def original_url(url: str) -> str:
    """The original URL of a Wayback capture URL; any other URL unchanged."""
    parts = capture_parts(url)
    return parts[2] if parts is not None else url


def _original_prefix(match: re.Match[str]) -> str:
    return f"{match.group(2)}://"


def _mirrored_prefix(match: re.Match[str]) -> str:
    start = match.start()
    if start == 0 or match.string[start - 1] not in _MIRRORED_AFTER:
        return match.group(0)  # "../" steps inside text, not a link written back by a mirroring tool
    return f"{match.group(2)}://"
