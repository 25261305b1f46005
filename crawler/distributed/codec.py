"""What travels through Redis: requests and items as compact, pickle-free messages.

A message is JSON with the bytes values (page bodies, POST bodies, header values) taken out and
appended raw after it, the whole zlib-compressed when it is worth it. JSON rather than pickle:
nothing read back from Redis can run code in a worker or in the writer that holds the archive.

Requests: Scrapy's `Request.to_dict()`, with the spider's `SiteProfile` (in `cb_kwargs`) sent as its
slug and resolved again on the other side against the worker's own registry. Items: the four item
dataclasses of `crawler.items`, by name and fields.
"""
from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from crawler.items import ArticleItem, FailureItem, ListingWalkItem, RawPageItem

ITEM_TYPES: dict[str, type] = {cls.__name__: cls for cls in (ArticleItem, FailureItem, RawPageItem, ListingWalkItem)}
_LEN = struct.Struct(">I")
_PLAIN, _ZLIB = b"j", b"z"
# Messages smaller than this are not worth compressing (a request is a few hundred bytes).
COMPRESS_FROM = 1024


class CodecError(ValueError):
    """A value that cannot travel through Redis, or a message that is not one of ours."""


def pack(value: Any, replace: Callable[[Any], Any] | None = None) -> bytes:
    """`value` (JSON types, bytes, tuples, dicts with any keys) as one message.

    `replace` maps objects JSON does not know (a SiteProfile) to something it does, or raises."""
    blobs: list[bytes] = []

    def enc(obj: Any) -> Any:
        if obj is None or isinstance(obj, (str, bool, int, float)):
            return obj
        if isinstance(obj, (bytes, bytearray, memoryview)):
            blobs.append(bytes(obj))
            return {"__blob": len(blobs) - 1}
        if isinstance(obj, (list, tuple)):
            return [enc(x) for x in obj]
        if isinstance(obj, Mapping):
            if all(isinstance(k, str) and not k.startswith("__") for k in obj):
                return {k: enc(v) for k, v in obj.items()}
            return {"__pairs": [[enc(k), enc(v)] for k, v in obj.items()]}
        if replace is not None:
            return {"__obj": enc(replace(obj))}
        raise CodecError(f"cannot send a {type(obj).__name__} through Redis: {obj!r:.200}")

    head = json.dumps(enc(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    raw = b"".join([_LEN.pack(len(head)), head, *(_LEN.pack(len(b)) + b for b in blobs)])
    if len(raw) >= COMPRESS_FROM:
        return _ZLIB + zlib.compress(raw, 3)
    return _PLAIN + raw


def unpack(message: bytes, restore: Callable[[Any], Any] | None = None) -> Any:
    """The value of a `pack`ed message; `restore` undoes `replace`."""
    kind, body = message[:1], message[1:]
    if kind == _ZLIB:
        body = zlib.decompress(body)
    elif kind != _PLAIN:
        raise CodecError(f"not a message of this crawler (starts with {message[:8]!r})")
    (size,) = _LEN.unpack_from(body, 0)
    head = json.loads(body[4:4 + size].decode("utf-8"))
    blobs, offset = [], 4 + size
    while offset < len(body):
        (n,) = _LEN.unpack_from(body, offset)
        blobs.append(body[offset + 4:offset + 4 + n])
        offset += 4 + n

    def dec(obj: Any) -> Any:
        if isinstance(obj, list):
            return [dec(x) for x in obj]
        if isinstance(obj, dict):
            if "__blob" in obj:
                return blobs[obj["__blob"]]
            if "__pairs" in obj:
                return {_hashable(dec(k)): dec(v) for k, v in obj["__pairs"]}
            if "__obj" in obj:
                if restore is None:
                    raise CodecError("the message holds an object and no way to restore it")
                return restore(dec(obj["__obj"]))
            return {k: dec(v) for k, v in obj.items()}
        return obj

    return dec(head)


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


# --- items ------------------------------------------------------------------------------------------


def item_record(item: Any) -> dict[str, Any]:
    """An item as a plain record: its class name and fields."""
    name = type(item).__name__
    if name not in ITEM_TYPES or not is_dataclass(item):
        raise CodecError(f"not an item of this crawler: {type(item).__name__}")
    return {"type": name, "fields": {f.name: getattr(item, f.name) for f in fields(item)}}


def item_from_record(record: Mapping[str, Any]) -> Any:
    cls = ITEM_TYPES.get(record.get("type", ""))
    if cls is None:
        raise CodecError(f"unknown item type {record.get('type')!r}")
    return cls(**record["fields"])


def pack_items(items: list[Any], origin: str = "") -> bytes:
    """The items one response produced, as one message for the writer."""
    return pack({"origin": origin, "items": [item_record(i) for i in items]})


def unpack_items(message: bytes) -> tuple[str, list[Any]]:
    value = unpack(message)
    return value.get("origin", ""), [item_from_record(r) for r in value["items"]]


# --- requests ---------------------------------------------------------------------------------------


def site_replacer(obj: Any) -> Any:
    """A SiteProfile travels as its slug (resolved against the receiving worker's registry)."""
    slug = getattr(obj, "slug", None)
    if isinstance(slug, str) and hasattr(obj, "start_urls"):
        return {"site": slug}
    raise CodecError(f"cannot send a {type(obj).__name__} through Redis: {obj!r:.200}")


def site_restorer(sites: Mapping[str, Any]) -> Callable[[Any], Any]:
    def restore(value: Any) -> Any:
        slug = value.get("site") if isinstance(value, dict) else None
        if not isinstance(slug, str) or slug not in sites:
            raise CodecError(f"a request names site {slug!r}, which this worker's registry does not resolve")
        return sites[slug]
    return restore
