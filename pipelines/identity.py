"""Article identity: one key per article, whatever address it was fetched at. Pure: no I/O.

A portal's articles are reached at many addresses: the sample portal starts on a new port each
run, real portals move from http to https, gain or drop ``www.``, change the case of a SharePoint
path (``/portal/Pages/`` and ``/portal/pages/`` are one page there), append tracking or session
parameters, or are re-hosted. The archive therefore keys an article by its **site and canonical
location within the site**, never by its full URL:

    article_key("honglinh", "https://www.honglinh.hatinh.gov.vn:443/portal/Pages/2024-3-1/Tin-12.aspx?utm_source=x",
                sharepoint_rules) == "honglinh:/portal/pages/2024-3-1/tin-12.aspx"

- scheme, host and port are ignored: which addresses belong to a site is the registry's decision
  (its `base_url` and `aliases`), made before a URL reaches this function;
- the path is normalized: percent-encoding (one spelling per byte: unreserved characters decoded,
  the rest upper-case escapes), dot segments and repeated or trailing slashes removed, a default
  document (``default.aspx``, ``index.html``, ``index.php``...) dropped, and lower-cased when the
  platform's paths are case-insensitive (`IdentityRules.case_insensitive_paths`: SharePoint);
- only the query parameters that identify the page are kept, sorted: tracking and session
  parameters are dropped, and a family may list the parameters that identify its articles.

Every table that refers to an article stores this key (`article_key`; `listing_key` for listing
walks), computed by `article_key` alone, so that storage, the incremental crawl, re-extraction and
the migration that merged the duplicates of earlier archives agree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urlsplit, urlunsplit

# Documents a server returns for the folder itself: ``/tin-tuc/index.html`` is ``/tin-tuc``.
DEFAULT_DOCUMENTS = ("default.aspx", "default.asp", "default.htm", "default.html", "index.html", "index.htm",
                     "index.php", "index.asp", "index.aspx", "index.jsp")
# Parameters that never identify a page: campaign tracking and server sessions (the same lists as
# generic mode's URL canonicalization, crawler/generic/urls.py, which imports them from here: this
# bottom layer imports nothing of the crawler).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "zarsrc", "_ga", "_gl", "mc_cid", "mc_eid", "ref",
    "refid", "cmpid", "igshid", "spm",
})
SESSION_PARAMS = frozenset({"sid", "sessionid", "session_id", "phpsessid", "jsessionid", "aspsessionid", "cfid",
                            "cftoken", "sess", "s_id"})
# ``;jsessionid=...`` and ASP.NET's cookieless ``/(S(...))/`` carry a session in the path itself.
SESSION_IN_PATH = re.compile(r";jsessionid=[^/?#]*|/\([A-Za-z]\([^)]*\)\)", re.IGNORECASE)
# Path characters left unescaped (a "/" inside a segment stays %2F). RFC 3986 allows ";", "(" and ")"
# too, but they are kept escaped here: decoded, they could spell a session (";jsessionid=",
# "/(S(...))/") that the next normalization would remove, and the key must be a fixed point.
PATH_SAFE = "-._~!$&'*+,=:@"
# A URL's scheme and authority (host, port, credentials): not part of the location.
AUTHORITY = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^/?#]*")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class IdentityRules:
    """How one platform spells the same page differently (a family profile's ``[identity]`` table)."""

    # The server treats paths case-insensitively (IIS/SharePoint): the key lower-cases them.
    case_insensitive_paths: bool = False
    # The query parameters that identify an article; None: every parameter not known to be noise.
    id_params: tuple[str, ...] | None = None
    # Parameters of this platform that never identify a page (besides tracking and sessions).
    ignore_params: tuple[str, ...] = ()
    default_documents: tuple[str, ...] = DEFAULT_DOCUMENTS


DEFAULT_RULES = IdentityRules()


@dataclass(frozen=True)
class Identity:
    """Where an article fetched at some address belongs: its key, its address on its own site,
    and, when the portal now redirects it to another site, where it moved."""

    key: str
    url: str
    moved_to: str | None = None


def article_key(site: str, url: str, rules: IdentityRules = DEFAULT_RULES) -> str:
    """``<site>:<canonical location>``: the article's identity in the archive (module docstring)."""
    return f"{site}:{location(url, rules)}"


def location(url: str, rules: IdentityRules = DEFAULT_RULES) -> str:
    """The canonical path and identifying query of `url`, without scheme, host, port or fragment."""
    # Split by hand rather than with urlsplit, which rejects some hosts (a stray "[") that a
    # portal's links do contain: the host is ignored here anyway.
    rest = AUTHORITY.sub("", url.strip(), count=1).split("#", 1)[0]
    path, _, query = rest.partition("?")
    query = canonical_query(query, rules)
    return canonical_path(path, rules) + (f"?{query}" if query else "")


def canonical_path(path: str, rules: IdentityRules = DEFAULT_RULES) -> str:
    """The path with one spelling: escapes, dot segments, slashes, default documents, case."""
    segments: list[str] = []
    for raw in SESSION_IN_PATH.sub("", path).split("/"):
        segment = _segment(raw, rules.case_insensitive_paths)
        if segment in ("", "."):
            continue  # repeated and trailing slashes
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    defaults = {d.lower() for d in rules.default_documents}
    while segments and _decoded(segments[-1]).lower() in defaults:
        segments.pop()
    return "/" + "/".join(segments)


def canonical_query(query: str, rules: IdentityRules = DEFAULT_RULES) -> str:
    """The identifying parameters, sorted; names lower-cased where the platform ignores case."""
    wanted = None if rules.id_params is None else {p.lower() for p in rules.id_params}
    ignored = {p.lower() for p in rules.ignore_params}
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True, errors="surrogateescape"):
        folded = name.lower()
        if wanted is not None:
            if folded not in wanted:
                continue
        elif folded in TRACKING_PARAMS or folded in SESSION_PARAMS or folded in ignored or folded.startswith("utm_"):
            continue
        kept.append((folded if rules.case_insensitive_paths else name, value))
    return urlencode(sorted(kept), quote_via=quote, safe="", errors="surrogateescape")


def _segment(raw: str, fold_case: bool) -> str:
    """One path segment with one spelling per byte; bytes that are no UTF-8 survive as escapes."""
    data = unquote_to_bytes(raw)
    if fold_case:
        data = data.decode("utf-8", "surrogateescape").lower().encode("utf-8", "surrogateescape")
    return quote(data, safe=PATH_SAFE)


def _decoded(segment: str) -> str:
    return unquote_to_bytes(segment).decode("utf-8", "replace")


# --- a site's addresses ------------------------------------------------------------------------


def host_of(url: str) -> str:
    """The host name, lower-cased, without ``www.``: ``https://WWW.X.gov.vn/`` -> ``x.gov.vn``."""
    try:
        return (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def at_address(url: str, address: str) -> bool:
    """Whether `url` is served at `address` (a site's base URL or alias): same host (``www.``
    aside), and the same port when the address names one (two sample portals on one host differ
    by port); the scheme is ignored (a portal that moved to https is the same portal)."""
    if not host_of(url) or host_of(url) != host_of(address):
        return False
    try:
        wanted = urlsplit(address.strip()).port
        if wanted is None:
            return True
        parts = urlsplit(url.strip())
        return (parts.port or DEFAULT_PORTS.get(parts.scheme.lower())) == wanted
    except ValueError:
        return False


def rebase(url: str, base_url: str) -> str:
    """`url`'s path, query and fragment at the scheme, host and port of `base_url` (the site's
    current address): a stored address from an earlier port, host or scheme, made fetchable."""
    try:
        base, parts = urlsplit(base_url), urlsplit(url)
    except ValueError:
        return url
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def resolve_identity(site: str, url: str, requested: str | None, rules: IdentityRules,
                     addresses: tuple[str, ...]) -> Identity:
    """The identity of an article the site's `requested` address answered with the page at `url`.

    A redirect within the site (another address of it, another spelling of the path) changes
    nothing: the key comes from `url`, the page's own address. A redirect to another site (a
    district portal merged into its province's) keeps the article where it was: the key and the
    address of `requested`, with `url` recorded as where it moved. With no known `addresses` the
    site cannot tell, and `url` decides.
    """
    owned = lambda u: any(at_address(u, a) for a in addresses)  # noqa: E731 - a two-use predicate
    if addresses and requested and not owned(url) and owned(requested):
        return Identity(article_key(site, requested, rules), requested, url)
    return Identity(article_key(site, url, rules), url, None)
