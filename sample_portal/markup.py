"""HTML helpers shared by the commune sample portals (``hatinh_new.py``, ``nukeviet.py``).

What lives here: escaping, the editor markup of article content (CKEditor-style paragraphs,
figures and the right-aligned bold byline), two-level menus, decomposed (NFD) text, the
windows-1258 encoder, Vietnamese weekday names, a thread-safe visit counter for footers, the
``CommuneSite`` base of both sites (portal, counter, ground truth) and the shape of every reply.
What does not: any platform's page layout (each family module has its own).
"""
from __future__ import annotations

import html
import threading
import unicodedata
from collections.abc import Callable
from datetime import datetime

from sample_portal.commune_corpus import CommunePortal, Post, origin_of
from sample_portal.corpus import VN_TZ, Block, thousands
from sample_portal.sharepoint import WEEKDAYS

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body

# Tone marks of Vietnamese. windows-1258 has no precomposed toned vowels beyond a few Latin-1
# letters, so text in that code page carries them as separate combining characters.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# A 1x1 GIF served for every picture path (crawlers rarely fetch them; browsers may).
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
         b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def esc(value: str) -> str:
    """Escape for an HTML text node; no-break spaces written as &nbsp; as editors do."""
    return html.escape(value, quote=False).replace("\xa0", "&nbsp;")


def attr(value: str) -> str:
    """Escape for a double-quoted attribute value."""
    return html.escape(value, quote=True)


def decomposed(text: str, on: bool = True) -> str:
    """`text` in NFD (as pasted from some Mac editors and legacy converters) when `on`."""
    return unicodedata.normalize("NFD", text) if on else text


def encode_cp1258(text: str) -> bytes:
    """`text` in windows-1258 the way Vietnamese legacy software writes it.

    A letter the code page has is written as is (``â``, ``ư``, ``á``); any other toned letter is
    written as its base letter (vowel marks kept: ``ư``, ``ê``) followed by a combining tone mark,
    so ``ừ`` becomes ``ư`` + U+0300. Characters the code page lacks entirely become ``?``.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def weekday(when: datetime) -> str:
    """The Vietnamese weekday name: ``Thứ hai`` ... ``Chủ nhật``."""
    return WEEKDAYS[when.weekday()]


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


class HitCounter:
    """The footer's visit counter: grows by one with every page served (thread-safe)."""

    def __init__(self, start: int) -> None:
        self._value = start
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def text(self) -> str:
        return thousands(self.next())


# How a CKEditor 4 editor writes each kind of content block (see corpus.Block).
_BLOCKS = {
    "div": '<div style="text-align:justify">{text}</div>',
    "span": '<p style="text-align:justify"><span style="font-size:14px">{text}</span></p>',
    "nbsp": '<p style="text-align:justify">&nbsp; &nbsp; {text}</p>',
    "spacer": "<p>&nbsp;</p>",
    "figure": ('<figure class="image" style="display:inline-block"><img alt="" height="400" src="{src}" '
               'width="600" /><figcaption>{text}</figcaption></figure>'),
}
_PARAGRAPH = '<p style="text-align:justify">{text}</p>'


def render_block(block: Block, image: Callable[[int], str], position: int) -> str:
    """One content block as the editor writes it; `image(position)` is a figure's src."""
    src = attr(image(position)) if block.kind == "figure" else ""
    return _BLOCKS.get(block.kind, _PARAGRAPH).format(text=esc(block.text), src=src)


def render_byline(byline: str) -> str:
    """The byline as editors put it under the content: right-aligned, bold."""
    return f'<p style="text-align:right"><strong>{esc(byline)}</strong></p>'


MenuEntry = tuple[str, str, tuple[tuple[str, str], ...]]  # label, path, children (label, path)


def render_menu(entries: tuple[MenuEntry, ...], link: Callable[[str, str], str], item_class: str = "",
                sub_class: str = "sub-menu") -> str:
    """The items of a two-level site menu (`link(label, path)` renders one anchor)."""
    klass = f' class="{item_class}"' if item_class else ""
    items = []
    for label, path, children in entries:
        sub = "".join(f"<li>{link(child, child_path)}</li>" for child, child_path in children)
        items.append(f"<li{klass}>{link(label, path)}" + (f'<ul class="{sub_class}">{sub}</ul>' if sub else "") + "</li>")
    return "".join(items)


class CommuneSite:
    """What the commune sample sites share: their posts, a footer visit counter, the ground truth.

    Subclasses set the ``Site`` attributes the server needs (``title``, ``family``, ``home``) and
    ``mount``, ``slug``, ``visits_start``, ``build() -> CommunePortal`` (the default corpus) and
    ``truth_row(post, origin) -> dict``.
    """

    title = family = home = mount = slug = ""
    visits_start = 1_000_000

    def __init__(self, portal: CommunePortal | None = None) -> None:
        self.portal = portal if portal is not None else self.build()
        self.counter = HitCounter(self.visits_start)

    @staticmethod
    def build() -> CommunePortal:
        raise NotImplementedError

    @staticmethod
    def truth_row(post: Post, origin: str) -> dict:
        raise NotImplementedError

    def ground_truth(self, base_url: str) -> list[dict]:
        """What a perfect crawl of this portal served at `base_url` (root or mount) archives, newest first."""
        origin = origin_of(base_url, self.mount)
        return [self.truth_row(post, origin) for post in self.portal.posts()]


def html_reply(page: str, headers: dict[str, str], status: int = 200) -> Reply:
    """A UTF-8 HTML page."""
    return status, {**headers, "Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")


def redirect(location: str, headers: dict[str, str], status: int = 301) -> Reply:
    body = f'<html><body>Moved to <a href="{attr(location)}">{esc(location)}</a></body></html>'
    return status, {**headers, "Content-Type": "text/html; charset=utf-8", "Location": location}, body.encode()
