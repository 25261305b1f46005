"""Bylines -> person names and the cited source: `split_byline(text) -> Byline`.

What lives here: the credit labels (``Tác giả:``, ``Tin, ảnh:``, ``Nguồn:`` ...), the unit and
placeholder vocabularies, and the name checks. What does not: finding the byline on the page
(page extraction decides which paragraph to pass; this module only reads it).

Decisions, each with a row in tests/data/byline_strings.jsonl:

* Photo credits name contributors: ``Ảnh: X`` alone gives ``[X]``, ``Tin: X - Ảnh: Y`` gives
  ``[X, Y]``. Editors (``Biên tập:``, ``BTV:``) are not authors and are left out.
* ``Nguồn:``, ``Nguồn tin:``, ``Theo X`` and ``(Theo X)`` are the source, never an author.
* Placeholders give no name: Admin, Quản trị viên, BBT, Ban biên tập, PV, CTV, Sưu tầm,
  Tổng hợp, Internet, Super User and the like.
* Units are stripped: a part in parentheses (``(CCVH)``), and every part from the first one
  that starts with a unit word (HND, Hội, UBND, Phòng, Ban, Trung tâm, Xã, ...) or is an
  all-caps acronym (a token that cannot be a Vietnamese syllable, such as TTVH or HT).
* A name is 1-6 words, each capitalised, no digits; ALL-CAPS names are title-cased
  (``MINH ĐỨC`` -> ``Minh Đức``). An unlabelled line needs two words or initials (``T.Q.L``),
  so that a heading word is not taken for a name. Anything else gives ``[]``, not garbage.
* In a multi-line text, labelled credit lines count wherever they are; an unlabelled name
  counts only as the last line, skipping unit, date, source and noise lines after it, and
  nothing after an end-of-body marker (``Tin cùng chuyên mục``) is read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines import vocab
from pipelines.text import clean_text, fold_for_search, to_nfc

MAX_NAME_WORDS = 6

_LABEL = re.compile(
    r"(?<!\w)(?:"
    r"(?P<photo>(?:nguồn\s?)?ảnh(?:\s(?:minh\s?họa|tư\s?liệu))?\s?[:：])"
    r"|(?P<source>nguồn(?:\s?tin|\s?bài(?:\s?viết)?)?(?:\s?[:：]|(?=\s)))"
    r"|(?P<author>tác\s?giả(?:\s?bài\s?viết)?\s?[:：]?"  # the one label also seen without a colon
    r"|(?:người\s?viết|bài\s?viết|thực\s?hiện|video|clip"
    r"|đồ\s?họa|thiết\s?kế|trình\s?bày|phóng\s?viên|cộng\s?tác\s?viên|nhóm\s?(?:pv|phóng\s?viên)"
    r"|pv|ctv|(?:tin|bài)(?:\s?(?:[,/&+\-–]|và)\s?ảnh)?|ảnh\s?(?:[,/&+\-–]|và)\s?(?:tin|bài))\s?[:：]"
    r"|(?:đăng|gửi|viết)\s?bởi\s?[:：]?|(?:posted|written)\s?by|by(?=\s))"
    r"|(?P<skip>(?:biên\s?tập(?:\s?viên)?|btv|duyệt(?:\s?bài)?|ngày(?:\s?(?:đăng|cập\s?nhật|gửi))?"
    r"|cập\s?nhật(?:\s?lúc)?|đăng\s?lúc|gửi\s?lúc|(?:số\s?)?lượt\s?xem|xem|chuyên\s?mục)\s?[:：])"
    r")",
    re.IGNORECASE,
)
# Dates and times next to a name ("T. Hà - 09:16, 12/08/2021") become a separator.
_DATE_TIME = re.compile(
    r"\d{1,2}[:h]\d{2}(?::\d{2})?|\d{1,4}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\(?\s?gmt\s?\+\s?\d+\s?\)?",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_SPLIT = re.compile(r"\s*[-–—;,|/&+]\s*|\s+(?:và|and)\s+", re.IGNORECASE)
_ROLE_PREFIX = re.compile(
    r"^(?:(?:pv|ctv|btv|phóng\s?viên|cộng\s?tác\s?viên|nhà\s?báo|nhóm\s?pv|đ/c|đồng\s?chí"
    r"|gs|pgs|ts|ths|bs|bsck[i12]*|ks|ls|cn|ncs|nsưt|nsnd|nghệ\s?nhân)(?:\.\s?|\s+))+",
    re.IGNORECASE,
)
_THEO = re.compile(r"^theo\s+", re.IGNORECASE)
_EDGE_PUNCT = " \t,:;-–—*•·\"'“”‘’«»!?…|/\\_=+~#()[]"
_END_DOTS = re.compile(r"(?:\s*\./\.|\.{2,}|…)+$")  # "./." closes a Vietnamese document
# A Vietnamese syllable once folded: initial consonant, 1-3 vowels, final consonant. A token in
# capitals that does not fit is an acronym (UBND, TTVH, HT), not a name...
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)
# ...except these Central Highlands surnames, which do not fit the shape but are names.
_HIGHLAND_SURNAMES = frozenset({"ksor", "kpa", "rmah", "rcom", "mlo", "bkrong", "hdok", "eban", "bya"})

# Words that open a unit ("Hội Nông dân xã", "Phòng VH-TT", "Xã Sơn Lĩnh"), matched on the
# lower-cased text *with* its diacritics: folded, "phòng"/"huyện"/"phường" would equal the common
# names Phong, Huyền and Phương. Both tone placements of "ủy" are spelled out.
_UY = "(?:ủy|uỷ)"
_HOA = "(?:hóa|hoá)"
_UNIT_START = re.compile(
    r"^(?:hội|phòng|ban|đài|huyện|xã|phường|tỉnh|tp|sở|cục|bộ|trạm|đội|viện|báo|cổng|cụm|khu|thôn"
    r"|xóm|ấp|tổ|đồn|bản\s?tin|trung\s?tâm|công\s?an|công\s?ty|công\s?đoàn|thị\s?xã|thị\s?trấn"
    r"|thành\s?phố|văn\s?phòng|chi\s?(?:cục|bộ|nhánh|hội|đoàn)|ngân\s?hàng|bệnh\s?viện|tạp\s?chí"
    rf"|liên\s?(?:đoàn|hiệp)|hợp\s?tác\s?xã|đảng\s?(?:{_UY}|bộ)|(?:huyện|tỉnh|thành|thị)\s?(?:{_UY}|đoàn|hội)"
    r"|(?:lữ|trung|sư|tiểu)\s?đoàn|mặt\s?trận|quỹ|kho\s?bạc|hạt|doanh\s?nghiệp|học\s?viện|cơ\s?quan"
    rf"|{_UY}\s?ban|nhà\s?(?:văn\s?{_HOA}|thiếu\s?nhi)|quân\s?sự|bảo\s?tàng|thư\s?viện)(?!\w)"
)
# A position after a name ("Nguyễn Thị Hà - Phó Chủ tịch UBND xã") ends the name list like a
# unit, but only after a name: "Phó" opens the name Phó Đức Phương.
_POSITION_START = re.compile(
    r"^(?:phó|chủ\s?tịch|bí\s?thư|trưởng|giám\s?đốc|cán\s?bộ|công\s?chức|chuyên\s?viên|kế\s?toán"
    r"|hội\s?viên|đoàn\s?viên|đảng\s?viên|giáo\s?viên|học\s?sinh|sinh\s?viên|bác\s?sĩ|điều\s?dưỡng)(?!\w)"
)
# "Đoàn" and "Trường" are also a surname and a given name: a unit only with one of these after
# them (folded), or a lower-case word or an acronym.
_AMBIGUOUS_UNIT = {
    "doan": ("thanh nien", "tn", "tncs", "xa", "phuong", "thi tran", "huyen", "khoi", "co so",
             "truong", "cong tac", "vien"),
    "truong": ("thcs", "thpt", "th", "mn", "mam non", "tieu hoc", "trung hoc", "dai hoc", "cao dang",
               "trung cap", "chinh tri", "dan toc", "pho thong", "ptdt", "dh", "cd", "tc"),
}
# The vocabulary (bylines naming nobody, end markers, furniture) lives in pipelines/vocab.py.
_PLACEHOLDERS = vocab.PLACEHOLDER_BYLINES
_END_MARKERS = vocab.BYLINE_END_MARKERS
_NOISE = vocab.BYLINE_NOISE


@dataclass(frozen=True)
class Byline:
    """The people a byline credits, in order, and the source it cites (``Nguồn:``), if any."""

    authors: tuple[str, ...] = ()
    source: str | None = None


@dataclass
class _Line:
    names: list[str]
    labelled: bool  # carries an author or photo credit label
    skippable: bool  # a unit, date, source, placeholder or noise line: look above it
    source: str | None


def split_byline(text: str | None) -> Byline:
    """A byline (one or more lines) to its authors and source; an empty `Byline` if none."""
    if not isinstance(text, str) or not text.strip():
        return Byline()
    lines = _body_tail(text)
    infos = [_read_line(line) for line in lines]
    chosen = {i for i, info in enumerate(infos) if info.labelled and info.names}
    for i in range(len(infos) - 1, -1, -1):  # the unlabelled byline is the last name line
        info = infos[i]
        if info.names and not info.labelled:
            chosen.add(i)
            break
        if not (info.skippable or info.labelled):
            break
    authors = _dedupe(name for i in sorted(chosen) for name in infos[i].names)
    source = next((info.source for info in infos if info.source), None)
    return Byline(tuple(authors), source)


def normalize_authors(text: str | None) -> list[str]:
    """Just the author names of `split_byline`."""
    return list(split_byline(text).authors)


def _body_tail(text: str) -> list[str]:
    """Cleaned non-empty lines, cut at the first end-of-body marker, noise lines dropped."""
    out: list[str] = []
    for raw in to_nfc(text).splitlines():
        line = clean_text(raw)
        if not line:
            continue
        folded = fold_for_search(line)
        if folded.startswith(_END_MARKERS):
            break
        if not folded.startswith(_NOISE):
            out.append(line)
    return out


def _read_line(line: str) -> _Line:
    """Names, source and kind of one line of the byline."""
    names: list[str] = []
    labelled, prose, source = False, False, None
    for kind, segment in _segments(line):
        if kind == "source":
            source = source or _clean_source(segment)
        elif kind in ("author", "photo", "bare"):
            labelled = labelled or kind != "bare"
            got, seg_source, seg_prose = _read_names(segment, strict=kind == "bare")
            names += got
            source = source or seg_source
            prose = prose or seg_prose
    if prose and not labelled:
        names = []  # a sentence, not a byline: a capitalised word in it is not a name
    skippable = not prose or bool(source)
    return _Line(names, labelled, skippable and not names, source)


def _segments(line: str) -> list[tuple[str, str]]:
    """Split a line at its labels: [(kind, text after the label)], 'bare' for the text before any."""
    out: list[tuple[str, str]] = []
    kind, pos = "bare", 0
    for m in _LABEL.finditer(line):
        out.append((kind, line[pos:m.start()]))
        kind, pos = m.lastgroup or "bare", m.end()
    out.append((kind, line[pos:]))
    return [(k, t) for k, t in out if t.strip(_EDGE_PUNCT + ".")]


def _read_names(segment: str, strict: bool) -> tuple[list[str], str | None, bool]:
    """(names, source found in it, whether it read as prose) for one credit segment."""
    source = None
    segment = _DATE_TIME.sub(" - ", segment)
    for m in _PAREN.finditer(segment):  # "(CCVH)" is a unit; "(Theo Báo Hà Tĩnh)" a source
        inner = (m[1] or m[2] or "").strip()
        if _THEO.match(inner):
            source = source or _clean_source(_THEO.sub("", inner))
    segment = _PAREN.sub(" - ", segment)
    names: list[str] = []
    prose = False
    for part in _SPLIT.split(segment):
        part = _trim(part)
        if not part:
            continue
        if _THEO.match(part):
            source = source or _clean_source(_THEO.sub("", part))
            break  # what follows "Theo" belongs to the source
        if names and _POSITION_START.match(part.lower()):
            break
        verdict, name = _classify(part, strict)
        if verdict == "unit":
            break  # everything after a unit word is the unit's name ("Phòng Văn hóa và Thông tin")
        if verdict == "name":
            names.append(name)
        prose = prose or verdict == "prose"
    return names, source, prose


def _trim(part: str) -> str:
    """A part without edge punctuation, role prefixes (PV, ThS.) and a sentence's full stop."""
    part = _ROLE_PREFIX.sub("", part.strip(_EDGE_PUNCT)).strip(_EDGE_PUNCT).lstrip(".")
    part = _END_DOTS.sub("", part).strip(_EDGE_PUNCT)
    # Keep the dot of a closing initial ("Nguyễn V.") but not a sentence's full stop ("Trần Minh.").
    tail = part.rsplit(" ", 1)[-1]
    if tail.endswith(".") and len(tail.rstrip(".")) >= 2 and "." not in tail.rstrip("."):
        part = part.rstrip(".").strip(_EDGE_PUNCT)
    return part


def _classify(part: str, strict: bool) -> tuple[str, str]:
    """('name', cleaned) | ('unit', '') | ('placeholder', '') | ('prose', '')."""
    if part.lower().rstrip(". ") in _PLACEHOLDERS:
        return "placeholder", ""
    tokens = part.split()
    if _is_unit(part, tokens):
        return "unit", ""
    while len(tokens) > 1 and _is_acronym(tokens[-1]):
        tokens.pop()  # "Lê Quang TTTT": a unit acronym glued to the name
    if len(tokens) > MAX_NAME_WORDS or any(ch.isdigit() for ch in part):
        return "prose", ""
    if _all_caps(tokens):
        tokens = [_title(t) for t in tokens]
    if not all(_name_token(t) for t in tokens):
        return "prose", ""
    if strict and len(tokens) < 2 and "." not in tokens[0]:
        return "prose", ""
    name = " ".join(tokens)
    if sum(ch.isalpha() for ch in name) < 2:
        return "prose", ""
    return "name", name


def _is_unit(part: str, tokens: list[str]) -> bool:
    """Whether a part names an organisation rather than a person."""
    if _is_acronym(tokens[0]):
        return True  # "HND huyện", "UBND xã", "TTVH"
    if _UNIT_START.match(part.lower()):
        return True
    words = fold_for_search(part).split()
    if words and words[0] in _AMBIGUOUS_UNIT and len(tokens) > 1:
        follow = " ".join(words[1:]) + " "
        return follow.startswith(tuple(w + " " for w in _AMBIGUOUS_UNIT[words[0]])) or (
            not tokens[1][:1].isupper() or _is_acronym(tokens[1])
        )
    return False


def _is_acronym(token: str) -> bool:
    """A token in capitals that cannot be a Vietnamese syllable: UBND, TTVH, VH-TT."""
    letters = token.strip(_EDGE_PUNCT + ".")
    if len(letters) < 2 or not letters.isupper() or "." in letters or "'" in letters:
        return False
    parts = [p for p in re.split(r"[-&]", fold_for_search(letters)) if p]
    return any(not _SYLLABLE.fullmatch(p) and p not in _HIGHLAND_SURNAMES for p in parts)


def _all_caps(tokens: list[str]) -> bool:
    """A name written in capitals (MINH ĐỨC), not just initials (T.Q.L)."""
    letters = "".join(tokens)
    return any(ch.isalpha() for ch in letters) and letters.isupper() and any(
        len(t.strip(".")) >= 2 and "." not in t for t in tokens
    )


def _title(token: str) -> str:
    """Vietnamese-aware title case of one token: ĐỨC -> Đức, H'BƠ -> H'Bơ, T.Q.L stays."""
    return re.sub(r"[^\W\d_]+", lambda m: m[0][0].upper() + m[0][1:].lower(), token)


def _name_token(token: str) -> bool:
    if not token[:1].isupper():
        return False
    return all(ch.isalpha() or ch in ".'’-" for ch in token)


def _clean_source(text: str) -> str | None:
    text = text.strip(_EDGE_PUNCT + ". ")
    return text or None


def _dedupe(names: Iterable[str]) -> list[str]:
    """First occurrence of each name, case-insensitively ("Tin: Thanh Hà - Ảnh: THANH HÀ")."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = name.casefold()  # not folded: Hà and Hạ are different people
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out
