"""Folding Vietnamese names for matching: no diacritics, ``đ`` -> ``d``, lower case. Pure.

``fold("Thị xã Hồng Lĩnh")`` -> ``"thi xa hong linh"``; ``slug("Hồng Lĩnh")`` -> ``"honglinh"`` (what a
host name label looks like); ``words(...)`` the folded words. Old and new tone placements fold
alike (``Hoà``/``Hòa`` -> ``hoa``), and NFC and NFD input give one key.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, every diacritic removed, ``đ`` -> ``d``; other characters kept as they are."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text`` (runs of ``a-z0-9``): punctuation and hyphens separate words."""
    return _WORD.findall(fold(text or ""))


def slug(text: str) -> str:
    """The folded words run together, as in a host name label: ``"Krông Nô"`` -> ``"krongno"``."""
    return "".join(words(text))


def name_key(text: str) -> str:
    """The folded words joined by one space: the key names are compared by."""
    return " ".join(words(text))


# The five tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}


def _tone_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


def tone_key(text: str) -> str:
    """A key that keeps every diacritic but ignores where the tone mark sits: ``"Hoà"`` and
    ``"Hòa"`` give one key, ``"Lĩnh"`` and ``"Linh"`` two. For telling apart names that fold alike."""
    return " ".join(_tone_word(w) for w in re.findall(r"[^\W_]+", (text or "").lower()))


def has_diacritics(text: str) -> bool:
    return fold(text or "") != (text or "").lower()
