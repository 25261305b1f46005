"""Text helpers shared by the normalizers, page extraction and storage.

What lives here: Unicode normalization (`to_nfc`), whitespace cleanup (`clean_text`, `clean_texts`,
`clean_paragraphs`) and the search key the archive's full-text search uses (`fold_for_search`).
What does not: anything that knows about dates, view counts or bylines (see `pipelines.dates`,
`pipelines.views`, `pipelines.bylines`).

Every function takes None or any str, returns a str (``""`` for None) and never raises.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Characters str.split() does not treat as whitespace but that render as a gap or as nothing:
# zero-width space/joiners, word joiner, BOM (left at the start of pasted text by old CMS
# editors), Mongolian vowel separator, and C0/C1 control characters from broken encodings.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# A soft hyphen only marks where a word may break: removing it restores the word.
_SOFT_HYPHEN = "\u00ad"

# fold_for_search: combining marks (tones, circumflex, breve, horn) vanish after NFD; đ has no
# decomposition, so it is mapped by hand. U+00D0/U+00F0 (Ð/ð, "eth") stand in for Đ/đ in text
# converted from the old TCVN3/VNI encodings, so they fold to "d" as well. A regex and four
# str.replace calls run in C; str.translate with a large table was the archive's write hot spot.
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_D_LETTERS = "đĐðÐ"
# Words already folded (fold_for_search); at ~100 bytes a word the bound is a few megabytes.
_FOLDED_WORDS: dict[str, str] = {}
_FOLDED_WORDS_MAX = 50_000


def to_nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC (composed) form; ``""`` for None or a non-string."""
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str | None) -> str:
    """NFC, every run of whitespace (no-break and zero-width included) as one space, stripped."""
    if not isinstance(text, str):
        return ""
    # Invisible characters go first: removing one may bring a letter and its mark together.
    if _SOFT_HYPHEN in text:
        text = text.replace(_SOFT_HYPHEN, "")
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub(" ", text)
    return " ".join(unicodedata.normalize("NFC", text).split())


# Joins the texts `clean_texts` cleans in one go: a private-use character, which Unicode gives no
# decomposition or composition (NFC never merges across it) and that is no whitespace.
_BATCH_SEPARATOR = "\ue000"


def clean_texts(texts: list[str]) -> list[str]:
    """``[clean_text(t) for t in texts]``, computed faster for many short texts (a page's lines):
    invisible characters and NFC are handled once on all of them joined, and only the whitespace
    per text. Texts that contain the joining character itself are cleaned one by one."""
    if len(texts) < 2:
        return [clean_text(t) for t in texts]
    joined = _BATCH_SEPARATOR.join(texts)
    if joined.count(_BATCH_SEPARATOR) != len(texts) - 1:
        return [clean_text(t) for t in texts]
    if _SOFT_HYPHEN in joined:
        joined = joined.replace(_SOFT_HYPHEN, "")
    if _INVISIBLE.search(joined):
        joined = _INVISIBLE.sub(" ", joined)
    return [" ".join(text.split()) for text in unicodedata.normalize("NFC", joined).split(_BATCH_SEPARATOR)]


def clean_paragraphs(paragraphs: Iterable[str | None] | str | None) -> str:
    """Clean each paragraph, drop the empty ones, join with a blank line (``"\\n\\n"``).

    A single string is read as one paragraph per line, so that passing a text block by
    mistake does not split it into characters. Items that are not strings are skipped.
    """
    if paragraphs is None:
        return ""
    if isinstance(paragraphs, str):
        paragraphs = paragraphs.splitlines()
    try:
        cleaned = [clean_text(p) for p in paragraphs if isinstance(p, str)]
    except TypeError:  # not iterable at all
        return ""
    return "\n\n".join(p for p in cleaned if p)


# Characters that change how text is displayed without being text: ANSI terminal escape sequences
# (colours, cursor moves: ESC [ ... letter, ESC ] ... BEL, C1 CSI) and the Unicode bidirectional
# controls (embeddings, overrides, isolates, marks: a right-to-left override shows 'gnp.exe' as
# 'exe.png'). No Vietnamese text needs them; a page that carries them is broken or hostile.
_ANSI_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Every C0/C1 control but tab and newline (kept in multi-line text), and the bidi controls.
_DISPLAY_CONTROLS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")


def strip_display_controls(text: str | None) -> str:
    """``text`` without terminal escape sequences, control characters (tab and newline stay; a
    carriage return becomes a newline) or bidirectional controls; ``""`` for None or a non-string.

    For every value the archive displays: a crawled title must not recolour a terminal or
    reverse its own letters in a researcher's browser.
    """
    if not isinstance(text, str):
        return ""
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI_ESCAPES.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DISPLAY_CONTROLS.sub("", text) if _DISPLAY_CONTROLS.search(text) else text


def fold_for_search(text: str | None) -> str:
    """Search key: cleaned, case-folded, every diacritic removed and ``đ`` -> ``d``.

    Removing the marks also makes the old and new tone placements equal (``hoà``/``hòa``,
    ``thuỷ``/``thủy`` both fold to ``hoa``/``thuy``), and NFC and NFD inputs give one key.
    """
    if not isinstance(text, str) or not text:
        return ""
    if _SOFT_HYPHEN in text:
        text = text.replace(_SOFT_HYPHEN, "")
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub(" ", text)
    # Word by word through a memo: Vietnamese is written in a few thousand distinct syllables, so
    # almost every word of an article was folded before, and a dict lookup is several times
    # cheaper than decomposing, stripping and recomposing it again (this ran for every article
    # the archive stores). Folding never creates, removes or moves whitespace, so folding word
    # by word gives the same key as folding the whole text. The memo is bounded: it is emptied
    # when full, which keeps memory flat whatever the crawl reads.
    memo = _FOLDED_WORDS
    if len(memo) > _FOLDED_WORDS_MAX:
        memo.clear()
    out = []
    for word in text.split():
        folded = memo.get(word)
        if folded is None:
            folded = memo[word] = _fold_word(word)
        if folded:  # a stray mark standing alone folds to nothing
            out.append(folded)
    return " ".join(out)


def _fold_word(word: str) -> str:
    # Case-fold before decomposing: a few letters fold into a base letter plus a mark.
    folded = _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", word.casefold()))
    for letter in _D_LETTERS:
        if letter in folded:
            folded = folded.replace(letter, "d")
    # Re-compose what NFD split apart outside Latin (Hangul syllables, for one).
    return unicodedata.normalize("NFC", folded)
