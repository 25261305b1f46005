"""Properties: the normalizers never raise, and dates written in every layout parse back to themselves."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.normalize import (
    VN_TZ,
    clean_paragraphs,
    clean_text,
    fold_for_search,
    normalize_authors,
    normalize_datetime,
    normalize_datetime_detail,
    normalize_view_count,
    split_byline,
    to_nfc,
)

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ)
CONTRACT = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\+07:00)?")
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real date, view and byline lines, so that random text reaches the deep branches.
TOKENS = [
    "0", "1", "7", "12", "2019", "2026", "1994", "31", "00", "/", "-", ".", ":", ",", "|", " ", "  ",
    "\n", "\u00a0", "\u200b", "(", ")", "+", "Z", "T", "h", "g", "giờ", "phút", "giây", "ngày", "tháng",
    "năm", "Thứ", "hai", "bảy", "Chủ nhật", "SA", "CH", "sáng", "chiều", "(GMT+7)", "(GMT +7)", "lúc",
    "trước", "hôm qua", "hôm nay", "vừa xong", "Cập nhật lúc:", "Đăng lúc:", "Ngày đăng:", "Gửi lúc:",
    "Hiệu lực:", "số 12/QĐ-UBND", "Lượt xem:", "Xem:", "Xem thêm", "views", "k", "K", "1.5k", "1,234",
    "Tác giả:", "Tin, ảnh:", "Ảnh:", "Nguồn:", "Theo", "và", "HND", "Hội", "Phòng", "UBND", "Admin",
    "MINH ĐỨC", "Thanh Hà", "T.Q.L", "(CCVH)", "./.", "Tin cùng chuyên mục", "\u0301", "\u0309",
    "2025-07-16T09:42:31+07:00", "20120710081514", "July", "Jul", "ago", "minutes",
]
tokens_text = st.lists(st.sampled_from(TOKENS), max_size=20).map("".join)
any_text = st.one_of(st.text(), tokens_text, st.text(alphabet="0123456789/.-: hgk,|tháng"))
nows = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)


@PROPERTY_SETTINGS
@given(text=any_text, now=nows)
def test_dates_never_raise_and_keep_the_contract(text: str, now: datetime | None) -> None:
    got = normalize_datetime(text, now=now)
    assert got is None or CONTRACT.fullmatch(got)
    detail = normalize_datetime_detail(text, now=now)
    assert (detail.iso if detail else None) == got or now is None  # now=None moves between calls
    if detail is not None:
        assert detail.value.utcoffset() == timedelta(hours=7)
        assert detail.value.date() >= datetime(1995, 1, 1).date()
        if now is not None:  # never after now + 1 day (a naive now is Vietnam local time)
            local_now = now.replace(tzinfo=VN_TZ) if now.tzinfo is None else now.astimezone(VN_TZ)
            assert detail.value <= local_now + timedelta(days=1)


@PROPERTY_SETTINGS
@given(text=any_text)
def test_view_counts_never_raise(text: str) -> None:
    got = normalize_view_count(text)
    assert got is None or (isinstance(got, int) and 0 <= got < 10**10)


@PROPERTY_SETTINGS
@given(text=any_text)
def test_bylines_never_raise_and_give_clean_names(text: str) -> None:
    names = normalize_authors(text)
    assert names == list(split_byline(text).authors)
    for name in names:
        assert name and name == clean_text(name) and unicodedata.is_normalized("NFC", name)
        assert not any(ch.isdigit() for ch in name)


@PROPERTY_SETTINGS
@given(text=st.one_of(st.none(), any_text))
def test_text_helpers_never_raise(text: str | None) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert clean_text(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", to_nfc(text))
    folded = fold_for_search(text)
    assert fold_for_search(folded) == folded
    assert fold_for_search(unicodedata.normalize("NFD", text or "")) == folded
    assert "\n\n\n" not in clean_paragraphs([text, text])


# --- round trip: a datetime written in every supported layout parses back to itself ---

WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def dmy(v: datetime) -> str:
    return f"{v.day:02d}/{v.month:02d}/{v.year}"


def h12(v: datetime, am: str = "SA", pm: str = "CH") -> str:
    return f"{(v.hour % 12) or 12:02d}:{v.minute:02d}" + (f" {am}" if v.hour < 12 else f" {pm}")


# (layout, precision the text states)
LAYOUTS: list[tuple[Callable[[datetime], str], str]] = [
    (dmy, "day"),
    (lambda v: f"{v.day}/{v.month}/{v.year}", "day"),
    (lambda v: f"{v.day:02d}-{v.month:02d}-{v.year}", "day"),
    (lambda v: f"{v.day:02d}.{v.month:02d}.{v.year}", "day"),
    (lambda v: f"{v.day:02d} {v.month:02d} {v.year}", "day"),
    (lambda v: f"ngày {v.day} tháng {v.month} năm {v.year}", "day"),
    (lambda v: f"{WEEKDAYS[v.weekday()]}, ngày {v.day:02d} tháng {v.month:02d} năm {v.year}", "day"),
    (lambda v: f"({dmy(v)})", "day"),
    (lambda v: v.date().isoformat(), "day"),
    (lambda v: f"Tin đăng ngày: {v.day}/{v.month}/{v.year} - Xem: 147", "day"),
    (lambda v: f"{v:%H:%M} {dmy(v)}", "minute"),
    (lambda v: f"{dmy(v)} {v:%H:%M}", "minute"),
    (lambda v: f"{dmy(v)}, {v:%H:%M}", "minute"),
    (lambda v: f"{dmy(v)} - {v:%H:%M}", "minute"),
    (lambda v: f"{v:%H:%M} | {v:%d-%m-%Y} | Văn hóa", "minute"),
    (lambda v: f"Cập nhật lúc: {v:%H:%M} - {dmy(v)} Lượt xem: 162", "minute"),
    (lambda v: f"{WEEKDAYS[v.weekday()]} - {dmy(v)} {v:%H:%M}", "minute"),
    (lambda v: f"{WEEKDAYS[v.weekday()].upper()}: {v:%H:%M} ngày {dmy(v)}", "minute"),
    (lambda v: f"{WEEKDAYS[v.weekday()]}, ngày {v.day} tháng {v.month} năm {v.year} | {v:%H:%M}", "minute"),
    (lambda v: f"{WEEKDAYS[v.weekday()]}, ngày {v:%d} tháng {v:%m} năm {v.year}\n{v:%H:%M} (GMT +7)",
     "minute"),
    (lambda v: f"{v.hour}h{v.minute:02d} ngày {dmy(v)}", "minute"),
    (lambda v: f"{v.hour} giờ {v.minute} phút, ngày {dmy(v)}", "minute"),
    (lambda v: f"{dmy(v)} {h12(v)}", "minute"),
    (lambda v: f"{dmy(v)} {h12(v, 'AM', 'PM')}", "minute"),
    (lambda v: f"{v:%Y-%m-%dT%H:%M}", "minute"),
    (lambda v: f"{v:%H:%M:%S} {dmy(v)}", "second"),
    (lambda v: f"Lượt xem: 5281 | Gửi lúc: {dmy(v)} {v:%H:%M:%S}", "second"),
    (lambda v: f"Đăng lúc: {v:%H:%M:%S} {dmy(v)} (GMT+7)", "second"),
    (lambda v: f"{WEEKDAYS[v.weekday()].upper()}, {dmy(v)} {v:%H:%M:%S}", "second"),
    (lambda v: v.isoformat(timespec="seconds"), "second"),
    (lambda v: v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "second"),
    (lambda v: f"{dmy(v)} {v:%I:%M:%S} {'SA' if v.hour < 12 else 'CH'}", "second"),
]

moments = st.datetimes(
    min_value=datetime(1995, 1, 1), max_value=NOW.replace(tzinfo=None), timezones=st.just(VN_TZ)
).map(lambda v: v.replace(microsecond=0))


@settings(max_examples=600, deadline=None)
@given(moment=moments, layout=st.sampled_from(range(len(LAYOUTS))))
def test_every_layout_parses_back_to_itself(moment: datetime, layout: int) -> None:
    write, precision = LAYOUTS[layout]
    if precision == "minute":
        moment = moment.replace(second=0)
    if precision == "day" or (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        precision = "day"  # 00:00 is read as "no time stated" (catalogue format 26)
        moment = moment.replace(hour=0, minute=0, second=0)
    text = write(moment)
    got = normalize_datetime_detail(text, now=NOW)
    assert got is not None, text
    assert (got.value, got.precision) == (moment, precision), text
    assert normalize_datetime(unicodedata.normalize("NFD", text), now=NOW) == got.iso


# --- the search key: word by word through a memo equals folding the whole text at once ---

MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def fold_whole_text(text: str | None) -> str:
    """The search key as specified, computed on the whole text in one pass (no memo)."""
    if not text:
        return ""
    text = INVISIBLE.sub(" ", text.replace("\u00ad", ""))
    folded = MARKS.sub("", unicodedata.normalize("NFD", text.casefold()))
    for letter in "đĐðÐ":
        folded = folded.replace(letter, "d")
    return " ".join(unicodedata.normalize("NFC", folded).split())


# Whitespace of every kind, stray marks and the letters that fold specially, between words.
fold_text = st.lists(st.one_of(any_text, st.sampled_from(
    [" ", "\u00a0", "\u2000", "\u2001", "\u3000", "\n", "\u0301", " \u0301 ", "\u00ad", "\u200b", "Đ", "ð",
     "\u1100\u1161", "\u0930\u093f", "ﬀ", "İ", "ẞ", "\u0385"])), max_size=12).map("".join)


@PROPERTY_SETTINGS
@given(text=fold_text)
def test_fold_word_by_word_equals_folding_the_whole_text(text: str) -> None:
    assert fold_for_search(text) == fold_whole_text(text)
    assert fold_for_search(text) == fold_whole_text(text)  # the second time from the memo
