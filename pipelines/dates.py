"""Vietnamese portal date lines -> the contract string or a `ParsedDate` (+07:00 value, precision).

What lives here: `normalize_datetime` and `parse_datetime_detail`, the compiled patterns of the
fast path, the plausibility bounds, relative forms ("2 giờ trước", "hôm qua") and the lazily
imported dateparser fallback for what the patterns cannot read. What does not: deciding which
text on a page is the publication date (page extraction). Import from `pipelines.normalize`.

Rules, in the order they apply (see tests/data/date_strings.jsonl for one row per format):

* Day always comes before month; a date needs a year ("22/05 09:15", "(13/04)" give None). A
  two-digit year is read only after slashes ("10/10/18", "05/03/19 08:30"): 20yy, or 19yy when
  20yy is after ``now``'s year; a four-digit date later on the line beats it. On a line with no
  well-formed date, a separator typed twice counts once ("04//7/2019").
* Month words, with or without diacritics and in any case: Một, Hai, Ba, Tư/Bốn, Năm, Sáu, Bảy,
  Tám, Chín, Mười, Mười Một, Mười Hai ("ngày 5 tháng Năm năm 2020", "28 Tháng Ba, 2021"), and
  WordPress's month-first "Tháng Mười Hai 29, 2013, 14:14". Giêng is read only in WordPress's
  comma layouts ("5 Tháng Giêng, 2020", "Tháng Giêng 5, 2020"): elsewhere it names a lunar month.
* A time counts only when it touches the date: before or after it, with punctuation, ``lúc``,
  ``ngày``, ``vào`` or a weekday in between. ``00:00`` (and ``00:00:00``) means "no time":
  CMSs print it for day-only records, so the result is day precision, never a fabricated midnight.
  12-hour clocks take AM/PM or the Vietnamese SA/CH ("08:45 CH" is 20:45, "12:10 AM" is 00:10);
  a clock that cannot be read ("8/4/2019-13:1 PM") leaves the date alone, day precision.
* ISO 8601 values keep their offset and are converted to +07:00: SharePoint's
  "(2019-05-17T02:49:00.000Z)" is 09:49 in Vietnam.
* The first date on the line wins, except that a date labelled as published (``Đăng``, ``Gửi``,
  ``Xuất bản``) beats an earlier one, and dates labelled ``Hiệu lực`` (legal effect) or as a
  deadline are never taken.
* Implausible results give None, never a guess: before 1995-01-01, after ``now`` + 1 day, or not
  a calendar date (31/02). So does a date the fast path recognises but cannot build, and so do
  CMS placeholders ("31/12/9999", "01/01/0001", "01/01/1900").
* Relative forms are resolved against ``now``: ``N phút/giờ trước`` to the minute (seconds 00),
  ``N ngày trước``, ``hôm qua`` and ``hôm nay`` to the day. Weeks, months and years ago are too
  coarse to give a day and yield None, as does a bare age with no ``trước`` ("247 ngày"). A day
  word followed by a colon and a count is a visitor counter, not a date ("Hôm qua: 1441").
* dateparser (``languages=['vi']``, day first, absolute parsers only, day/month/year required)
  sees only lines with a four-digit year that no pattern matched, and its answers pass the same
  bounds. Each such line costs ~300 µs against ~4 µs on the fast path, so it must stay rare.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from types import ModuleType
from typing import Literal

_SEVEN_HOURS = timedelta(hours=7)
VN_TZ = timezone(_SEVEN_HOURS)
# The floor htmldate uses: nothing on a gov.vn portal is older. Built on VN_TZ itself, because
# comparing aware datetimes that share one tzinfo object skips the offset arithmetic.
MIN_VALUE = datetime(1995, 1, 1, tzinfo=VN_TZ)
MAX_AHEAD = timedelta(days=1)  # a clock a few hours fast is normal; a date days ahead is not
MAX_GAP = 24  # characters allowed between a date and its time ("16 giờ 25 phút, ngày ...")
FALLBACK_MAX_LEN = 200  # longer texts are not date lines; dateparser would only be slow on them

Precision = Literal["day", "minute", "second"]

_MONTHS_EN = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS_EN.split("|"), start=1)}
# Month words after "tháng", also as typed without diacritics ("thang muoi hai"). "Chạp" is
# never read (the twelfth lunar month); "Giêng" only in WordPress's layouts, see _LUNAR_OR_SOLAR.
_MONTH_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
    "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
    "mot": 1, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12,
}
# January in WordPress's Vietnamese month names, but in prose the first *lunar* month ("mùng 5
# tháng Giêng năm ..."): read only when a comma comes before the year, as WordPress prints it.
_LUNAR_OR_SOLAR = {"giêng": 1, "gieng": 1}
_MONTH_WORDS |= _LUNAR_OR_SOLAR
_MONTH_WORD = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))  # longest first: "mười hai"

# Speed note: every pattern that is searched starts with a bare [0-9], so that `re` scans for a
# digit in C and tries the pattern only there; the "no digit before" checks therefore come as
# lookbehinds *after* the first digit ((?<![\d/.]\d) reads "the char before this digit").
#
# One pass finds the date candidates, left to right, in the lower-cased, space-collapsed text:
# year first (ISO, URL paths such as /2021-5-7/), day first with one repeated separator ("/", "-",
# ".", " ", catalogue formats 4-25), day first with a two-digit year (slashes only: with dots or
# dashes "1.2.15" is a version or a document number more often than a date), the long "ngày d
# tháng m năm yyyy" form (month as a number or a word; "yc" keeps what comes before the year for
# Giêng) and "16 Jul 2025" from English versions of portals. Numbers are read back from the
# matched text, in the order the alternative names them.
DATE = re.compile(
    r"[0-9](?:"
    r"(?P<ymd>(?<![\d.]\d)(?:(?<=1)9|(?<=2)0)\d\d(?P<s1>[-/])\d{1,2}(?P=s1)\d{1,2}(?!\d))"
    r"|(?P<dmy>(?<![\d/.\-]\d)\d?(?P<s2>\s?[/.\-]\s?|\s)\d{1,2}(?P=s2)(?:19|20)\d\d(?!\d))"
    r"|(?P<dmy2>(?<![\d/.\-]\d)\d?/\d{1,2}/\d\d(?![\d/]))"
    r"|(?P<long>(?<!\d\d)\d?\s*(?:tháng|thang|thg)\s*"
    rf"(?:\d{{1,2}}|(?P<mw>{_MONTH_WORD}))\s*(?P<yc>năm|nam|[,/])?\s*(?:19|20)\d\d(?!\d))"
    rf"|(?P<en>(?<!\d\d)\d?(?:st|nd|rd|th)?\s+(?P<mn>{_MONTHS_EN})[a-z]*\.?,?\s+(?:19|20)\d\d(?!\d))"
    r")"
)
# "July 16, 2025": the only layout that starts with a letter, so it has its own, rarely run, pattern.
DATE_EN_MONTH_FIRST = re.compile(
    rf"(?<![a-z])(?P<mn>{_MONTHS_EN})[a-z]*\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d\d)(?!\d)"
)
# WordPress's "F j, Y" in Vietnamese: "Tháng Mười Hai 29, 2013", "Tháng Một 5, 2020". It starts
# with a letter, so like the English one it is tried only when DATE found nothing; the comma
# before the year is required, as in every WordPress output, so that prose is not read.
DATE_VI_MONTH_FIRST = re.compile(
    rf"(?<!\w)(?:tháng|thang|thg)\s?(?:(?P<mo>\d{{1,2}})|(?P<mw>{_MONTH_WORD}))\s(?P<d>\d{{1,2}}),\s?"
    r"(?P<y>(?:19|20)\d\d)(?!\d)"
)
# A separator typed twice between digits ("04//7/2019" in a document list); see _parse.
REPEATED_SEP = re.compile(r"(?<=\d)([/.\-])\1+(?=\d)")
_NUMS = re.compile(r"\d+")
# The time part of an ISO 8601 value right after its date: "t09:42:31+07:00", " 09:42:31z".
ISO_TIME = re.compile(
    r"[t ](?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d)(?:[.,]\d+)?)?"
    r"\s?(?P<tz>z|[+-](?:0\d|1[0-4])(?::?[0-5]\d)?)?(?![\d:])"
)
# A clock time: "14:55", "10:27:53", "09:35:00 sa" or "14h55", "14h", "14 giờ 55 phút", "8g30".
# SA/CH are the Vietnamese AM/PM; sáng/trưa/chiều/tối/đêm are parts of the day. The hour is the
# first digit plus group hb/hb2; an hour above 23 is rejected in code.
_TIME = (
    r"(?P<t>[0-9](?<![\d:+]\d)(?:"
    r"(?P<hb>\d?):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])"
    r"|(?<![\w.,/]\d)(?P<hb2>\d?)\s?(?:h|g|giờ)(?:\s?(?P<mi2>[0-5]?\d)(?:\s?(?:phút|p|'))?)?"
    r"(?:\s?(?P<s2>[0-5]?\d)\s?giây)?(?!\w)"
    r")(?:\s?(?P<ap>sa|ch|am|pm|a\.m\.|p\.m\.|sáng|trưa|chiều|tối|đêm)(?!\w))?)"
)
# What may stand between a date and its time: punctuation, a weekday, "lúc", "ngày", "vào".
# Possessive (*+): what follows never starts with punctuation, so giving some back cannot help,
# and a failed match stops at once instead of retrying every split of " - ".
_GAP = r"\W*+(?:(?:thứ\s?(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s?nhật)\W*+)?(?:(?:vào\s)?lúc|ngày|vào)?\W*+"
TIME_AFTER = re.compile(_GAP + _TIME)
TIME_BEFORE = re.compile(_TIME + _GAP + r"\Z")
TIME = re.compile(_TIME)
# Timezone markers are dropped before matching: "(GMT+7)", "(GMT +7)", "UTC+07:00". Each
# alternative starts with a literal so that `re` can skip ahead to it.
_TZ_BODY = r"\s?\+\s?0?7(?::?00)?"
TZ_MARK = re.compile(rf"\(\s?(?:gmt|utc){_TZ_BODY}\s?\)|gmt{_TZ_BODY}|utc{_TZ_BODY}")
# What makes the date after it not a publication date: a legal-effect or deadline label, or a
# document reference ("Quyết định số 12/QĐ-UBND ngày 10/12/2019": a date inside a title).
EXCLUDED_BEFORE = re.compile(
    r"(?:(?:hiệu\s?lực|hết\s?hạn|hạn\s(?:nộp|chót|cuối)|thời\s?hạn|sinh\s?ngày|ngày\s?sinh)"
    r"(?:\s?(?:từ|đến|kể\s?từ))?"
    r"|\d+/(?:\d{4}/)?[a-zđ]{1,8}(?:-[a-zđ0-9]{1,8})*)\s?(?:ngày)?\W*$"
)
# Literal pre-checks for the two patterns around it: cheap to run on every line.
_EXCLUDED_HINT = re.compile(r"hiệu|hạn|sinh|/")
_PUBLISH_WORD = re.compile(r"đăng|gửi|xuất\s?bản|posted|published")
# A publication label, possibly with the time between it and the date ("Đăng lúc: 10:20 10/10/2018").
PUBLISH_BEFORE = re.compile(
    r"(?:đăng|gửi|xuất\s?bản|published|posted)(?:\s?(?:lúc|ngày|vào))?\W*"
    r"(?:\d{1,2}[:h]\d\d(?::\d\d)?(?:\s?(?:sa|ch|am|pm))?\W*(?:ngày\W*)?)?$"
)
# yyyymmddHHMMSS[fff] page names and ids (laocai "20120710081514", baoninhbinh "d2023...554").
COMPACT = re.compile(
    r"d?(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?P<H>\d\d)(?P<M>\d\d)(?P<S>\d\d)(?:\d{3})?"
)
AGO = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,6})\s?(?P<u>giây|phút|tiếng|giờ|ngày|tuần|tháng|năm"
    r"|sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?)"
    r"\s?(?:đồng hồ\s?)?(?:trước|ago)(?!\w)"
)
DAY_WORD = re.compile(r"(?<!\w)(?:hôm\s?(?P<vi>nay|qua|kia)|(?P<en>today|yesterday))(?!\w)")
# What follows a day word in a visitor-counter box: "Hôm nay: 427", "Hôm qua: 1.441". A count,
# not a clock: "Hôm nay: 08:30" and "Hôm nay: 14h30" stay times.
COUNTER_AFTER = re.compile(
    r"\s?:\s?(?:\d{1,3}(?:[.,]\d{3})+|\d++)(?![\d:.,/hg]|\s?(?:giờ|h|g|sa|ch|am|pm)(?!\w))"
)
JUST_NOW = re.compile(r"(?<!\w)(?:vừa\s?xong|vừa\s?mới\s?đăng|just\s?now)(?!\w)")
YEAR = re.compile(r"(?<!\d)(?:199[5-9]|20\d\d)(?!\d)")
# "tháng 3/2020", "tháng 3 năm 2020": a month without a day is not a publication date.
MONTH_YEAR_ONLY = re.compile(r"(?<![\d\s])\s?tháng\s?\d{1,2}\s?(?:[/,\-]|năm)\s?\d{4}|^tháng")
# Labels removed before the text goes to dateparser, which fails on most of them.
FALLBACK_LABELS = re.compile(
    r"(?:cập\s?nhật|ngày\s?đăng|đăng\s?ngày|đăng\s?lúc|gửi\s?lúc|tin\s?đăng\s?ngày|thời\s?gian"
    r"|xuất\s?bản|ngày\s?cập\s?nhật|lúc)\s?:?"
)

# Minutes per unit of "N <unit> trước"; seconds count as 0 because the result keeps whole minutes.
_AGO_MINUTES = {"giây": 0, "phút": 1, "tiếng": 60, "giờ": 60}
_AGO_MINUTES |= {u: 0 for u in ("sec", "secs", "second", "seconds")}
_AGO_MINUTES |= {u: 1 for u in ("min", "mins", "minute", "minutes")}
_AGO_MINUTES |= {u: 60 for u in ("hr", "hrs", "hour", "hours")}
_AGO_DAYS = {"ngày", "day", "days"}
_DAY_OFFSET = {"nay": 0, "qua": 1, "kia": 2, "today": 0, "yesterday": 1}
_PM = {"ch", "pm", "p.m.", "chiều", "tối"}


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A publication time in +07:00 and how much of it the text stated."""

    value: datetime  # tz-aware, +07:00; its clock time is 00:00 and means nothing for "day"
    precision: Precision  # "day" | "minute" | "second"

    @property
    def iso(self) -> str:
        """Contract form: 'YYYY-MM-DDTHH:MM:SS+07:00' if the text stated a time, else 'YYYY-MM-DD'."""
        return _iso(self.value, self.precision)

    @property
    def day(self) -> str:
        """The local calendar day, 'YYYY-MM-DD' (the archive's ``published_date``)."""
        return self.value.date().isoformat()


# Inside this module a result travels as a plain (value, precision) tuple, which is five times
# cheaper to build than the dataclass; the public functions wrap or format it at the end.
_Result = tuple[datetime, Precision]


def _iso(v: datetime, precision: str) -> str:
    if precision == "day":
        return v.date().isoformat()  # no fabricated midnight
    # `v` is always in VN_TZ; %-formatting is twice as fast as isoformat() here.
    return "%04d-%02d-%02dT%02d:%02d:%02d+07:00" % (v.year, v.month, v.day, v.hour, v.minute, v.second)  # noqa: UP031


def now_vn() -> datetime:
    """The current time in Vietnam (+07:00)."""
    return datetime.now(VN_TZ)


def normalize_datetime(
    text: str | None, now: datetime | None = None, *, assume_utc: bool = False
) -> str | None:
    """A date line to 'YYYY-MM-DDTHH:MM:SS+07:00' (a time is stated) or 'YYYY-MM-DD'; None if
    there is no date or it is implausible. Arguments as for `parse_datetime_detail`."""
    parsed = _detail(text, now, assume_utc)
    return None if parsed is None else _iso(*parsed)


def parse_datetime_detail(
    text: str | None, now: datetime | None = None, *, assume_utc: bool = False
) -> ParsedDate | None:
    """A date line to a `ParsedDate`; None if there is no date or it is implausible.

    :param now: anchor for relative forms and the upper bound; None means the current time,
        a naive datetime is read as Vietnam local time.
    :param assume_utc: the site prints UTC clock times (seen on tinhuybinhphuoc.vn and
        tuoitrephuyen.vn); stated times are shifted to +07:00. Explicit ISO offsets still win.
    """
    parsed = _detail(text, now, assume_utc)
    return None if parsed is None else ParsedDate(*parsed)


def _detail(text: object, now: object, assume_utc: bool) -> _Result | None:
    if not isinstance(text, str):
        return None
    # Lower case, NFC, whitespace collapsed. Lighter than `clean_text`: zero-width characters are
    # left in place because the patterns read them as punctuation (\W) anyway, and a line that is
    # already single-spaced (most are) skips the split and join.
    s = (text if text.isascii() else unicodedata.normalize("NFC", text)).lower().strip()
    if "  " in s or "\n" in s or "\t" in s or "\r" in s:
        s = " ".join(s.split())
    if not s:
        return None
    if now.__class__ is not datetime or now.tzinfo is not VN_TZ:
        now = _coerce_now(now)
    try:
        parsed = _parse(s, now, assume_utc)
        if parsed is None:
            return None
        # Day precision values are local midnights, so one comparison with the midnight of the
        # last allowed day checks them; timed values are compared with now + 1 day itself.
        bounds = _BOUNDS  # one read: another thread may replace it
        if bounds[0] is not now:
            bounds = _bounds(now)
        value, precision = parsed
        if value < MIN_VALUE or value > (bounds[2] if precision == "day" else bounds[1]):
            return None
        return parsed
    except (ValueError, OverflowError):  # 31/02, an offset out of range, a date past year 9999
        return None


_BOUNDS: tuple[object, datetime, datetime] = (None, datetime.min, datetime.min)


def _bounds(now: datetime) -> tuple[object, datetime, datetime]:
    """(now, now + MAX_AHEAD, midnight of that day), kept for the last `now`: a crawl repeats it."""
    global _BOUNDS
    latest = now + MAX_AHEAD
    _BOUNDS = (now, latest, latest.replace(hour=0, minute=0, second=0, microsecond=0))
    return _BOUNDS


def _coerce_now(now: object) -> datetime:
    """`now` as an aware +07:00 datetime; anything unusable means the current time."""
    if isinstance(now, datetime):
        try:
            offset = now.utcoffset()
            if offset is None:
                return now.replace(tzinfo=VN_TZ)
            return now if offset == _SEVEN_HOURS else now.astimezone(VN_TZ)
        except (ValueError, OverflowError):
            pass
    return now_vn()


def _parse(s: str, now: datetime, assume_utc: bool) -> _Result | None:
    if "gmt" in s or "utc" in s:
        s = s.replace("(gmt+7)", " ").replace("(gmt +7)", " ")  # the common spellings, without a regex
        if "gmt" in s or "utc" in s:
            s = TZ_MARK.sub(" ", s)
        s = s.strip()  # a marker at the end must not leave text after the date or time
        if not s:
            return None
    m = DATE.search(s)
    if m is None and ("//" in s or ".." in s or "--" in s):
        # "04//7/2019": a separator typed twice. Looked for only once no date was found, so that
        # the usual line does not pay for the three scans.
        s = REPEATED_SEP.sub(r"\1", s)
        m = DATE.search(s)
    if m is not None:
        # The usual case is one date and no publication label after it; otherwise choose.
        start, end = m.span()
        size = len(s)
        # A later date can only win with a publication label before it: 12+ more characters.
        if (start and _excluded(s, start)) or (size - end > 12 and _PUBLISH_WORD.search(s, end)):
            m = _choose(s, m)
            if m is None:
                return None  # only excluded dates ("Hiệu lực: ..."): recognised, not retried
            start, end = m.span()
        return _from_date(s, m, start, end, size, now, assume_utc)
    if (s[0] == "d" or s[0].isdigit()) and (c := COMPACT.fullmatch(s)):
        # yyyymmddHHMMSS[fff] ids taken from URLs (laocai, baoninhbinh, nld)
        hms: tuple[int, int, int | None] | None = (int(c["H"]), int(c["M"]), int(c["S"]))
        return _build(int(c["y"]), int(c["m"]), int(c["d"]), hms, False)
    relative = _relative(s, now)
    if relative is not None or not YEAR.search(s):
        return relative  # what is left needs a four-digit year
    if "th" in s and (v := DATE_VI_MONTH_FIRST.search(s)):
        mo = _MONTH_WORDS[v["mw"]] if v["mw"] else int(v["mo"])
        hms = _adjacent_time(s, v.start(), v.end(), len(s))
        return _build(int(v["y"]), mo, int(v["d"]), hms, assume_utc)
    if e := DATE_EN_MONTH_FIRST.search(s):
        hms = _adjacent_time(s, e.start(), e.end(), len(s))
        return _build(int(e["y"]), _MONTH_NUM[e["mn"]], int(e["d"]), hms, assume_utc)
    return _fallback(s, now)


def _choose(s: str, first: re.Match[str]) -> re.Match[str] | None:
    """The publication date among all candidates: labelled as published, else the first usable."""
    usable = [m for m in DATE.finditer(s, first.start()) if not _excluded(s, m.start())]
    for m in usable:
        if PUBLISH_BEFORE.search(s, max(0, m.start() - 40), m.start()):
            return m
    return usable[0] if usable else None


def _excluded(s: str, start: int) -> bool:
    """Whether a legal-effect/deadline label or a document number sits right before `start`."""
    lo = start - 32 if start > 32 else 0
    # The literal hint first: the full pattern is slow to reject, and rarely needed.
    return bool(_EXCLUDED_HINT.search(s, lo, start) and EXCLUDED_BEFORE.search(s, lo, start))


def _from_date(
    s: str, m: re.Match[str], start: int, end: int, size: int, now: datetime, assume_utc: bool
) -> _Result:
    """The (value, precision) of a DATE match and the time next to it; ValueError if impossible."""
    kind = m.lastgroup  # the alternative's outer group closes last
    if kind == "dmy":
        day, month, year = m[0].split(m["s2"])
        hms = _adjacent_time(s, start, end, size) if start or end < size else None  # a bare date: no time
        return _build(int(year), int(month), int(day), hms, assume_utc)
    if kind == "dmy2":
        if size - end > 8:  # room for a later "d/m/yyyy", which beats the weakest reading
            for later in DATE.finditer(s, end):
                if later.lastgroup != "dmy2" and not _excluded(s, later.start()):
                    return _from_date(s, later, *later.span(), size, now, assume_utc)
        day, month, short_year = m[0].split("/")
        full_year = 2000 + int(short_year)
        if full_year > now.year:
            full_year -= 100  # "31/12/99": a year to come cannot be a publication date; the floor decides
        hms = _adjacent_time(s, start, end, size) if start or end < size else None
        return _build(full_year, int(month), int(day), hms, assume_utc)
    nums = _NUMS.findall(m[0])
    if kind == "ymd":
        y, mo, d = int(nums[0]), int(nums[1]), int(nums[2])
        if iso := ISO_TIME.match(s, m.end()):
            return _from_iso(y, mo, d, iso, assume_utc)
    elif kind == "long":
        mw = m["mw"]
        if mw in _LUNAR_OR_SOLAR and m["yc"] != ",":
            raise ValueError("tháng Giêng outside WordPress's layout is a lunar month")
        d, mo, y = int(nums[0]), _MONTH_WORDS[mw] if mw else int(nums[1]), int(nums[-1])
    else:
        d, mo, y = int(nums[0]), _MONTH_NUM[m["mn"]], int(nums[-1])
    return _build(y, mo, d, _adjacent_time(s, start, end, size), assume_utc)


def _adjacent_time(s: str, start: int, end: int, size: int) -> tuple[int, int, int | None] | None:
    """The clock time touching the span [start, end), before or after it; the nearer wins."""
    after_hms = after_gap = None
    if end < size and (after := TIME_AFTER.match(s, end)) is not None:
        after_gap = after.start(1) - end
        if after_gap <= MAX_GAP:
            after_hms = _clock(after)
            if after_hms is not None and after_gap <= 3:
                return after_hms  # right after the date: "dd/mm/yyyy 14:55", ", 14:55", " - 14:55"
    if start == 0:
        return after_hms
    lo = start - MAX_GAP - 26
    before = TIME_BEFORE.search(s, lo if lo > 0 else 0, start)
    if before is None or (before_gap := start - before.end(1)) > MAX_GAP:
        return after_hms
    before_hms = _clock(before)
    if after_hms is None or before_hms is None:
        return after_hms or before_hms
    return after_hms if after_gap <= before_gap else before_hms  # type: ignore[operator]


def _clock(t: re.Match[str]) -> tuple[int, int, int | None] | None:
    """(hour, minute, second or None) of a time match, AM/PM applied; None if not a clock time.

    The groups, in order (the same in TIME, TIME_AFTER and TIME_BEFORE, whose gap part has no
    groups): the whole time, then hour rest, minute, second of "14:55:07", then hour rest,
    minute, second of "14h55" / "14 giờ 55 phút", then AM/PM.
    """
    whole, hb, mi, sec, hb2, mi2, sec2, ap = t.groups()
    if mi is None:
        hb, mi, sec = hb2, mi2 or "0", sec2
    h = int(whole[0] + hb) if hb else int(whole[0])
    if h > 23:
        return None
    if ap:
        h = _meridiem(h, ap)
    return h, int(mi), None if sec is None else int(sec)


def _meridiem(h: int, ap: str) -> int:
    if h > 12:
        return h  # already a 24-hour clock
    if ap in ("sa", "am", "a.m.", "sáng"):
        return 0 if h == 12 else h
    if ap in _PM or (ap == "trưa" and h < 4):
        return h if h == 12 else h + 12
    if ap == "đêm":  # "10 giờ đêm" is 22:00, "2 giờ đêm" is 02:00
        return 0 if h == 12 else (h + 12 if h >= 6 else h)
    return h


def _build(y: int, mo: int, d: int, hms: tuple[int, int, int | None] | None, assume_utc: bool) -> _Result:
    """Validate and assemble; raises ValueError for a date that does not exist."""
    if hms is None:
        return (datetime(y, mo, d, tzinfo=VN_TZ), "day")
    h, mi, sec = hms
    if assume_utc:
        value = datetime(y, mo, d, h, mi, sec or 0, tzinfo=UTC)
        return _timed(value.astimezone(VN_TZ), sec is not None)
    if h == mi == 0 and not sec:
        # 00:00 is what CMSs print for a day-only record (catalogue format 26).
        return (datetime(y, mo, d, tzinfo=VN_TZ), "day")
    return (datetime(y, mo, d, h, mi, sec or 0, tzinfo=VN_TZ), "minute" if sec is None else "second")


def _from_iso(y: int, mo: int, d: int, m: re.Match[str], assume_utc: bool) -> _Result:
    tz = m["tz"]
    if tz is None:
        offset = UTC if assume_utc else VN_TZ
    elif tz in ("+07:00", "+0700", "+07"):
        offset = VN_TZ  # the usual case: no conversion needed
    elif tz == "z":
        offset = UTC
    else:
        digits = tz[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
        offset = timezone(timedelta(minutes=-minutes if tz[0] == "-" else minutes))
    sec = m["s"]
    value = datetime(y, mo, d, int(m["h"]), int(m["mi"]), int(sec or 0), tzinfo=offset)
    return _timed(value if offset is VN_TZ else value.astimezone(VN_TZ), sec is not None)


def _timed(value: datetime, has_seconds: bool) -> _Result:
    if value.hour == value.minute == value.second == 0:
        # 00:00 is what CMSs print for a day-only record (catalogue format 26).
        return (value, "day")
    return (value, "second" if has_seconds else "minute")


def _relative(s: str, now: datetime) -> _Result | None:
    """'5 phút trước', '3 ngày trước', 'hôm qua [lúc 14:30]', 'vừa xong' against `now`;
    ValueError for a visitor counter ('Hôm qua: 1441')."""
    if "trước" in s or " ago" in s:
        if m := AGO.search(s):
            return _ago(int(m["n"]), m["u"], now)
    if "hôm" in s or "day" in s:
        if m := DAY_WORD.search(s):
            if COUNTER_AFTER.match(s, m.end()):
                # "Hôm qua: 1441" counts yesterday's visitors: recognised, so raised rather than
                # returned, or a count that looks like a year ("Hôm qua: 2032") reaches dateparser.
                raise ValueError("a visitor counter, not a date")
            day = now.date() - timedelta(days=_DAY_OFFSET[m["vi"] or m["en"]])
            hms = _adjacent_time(s, m.start(), m.end(), len(s))
            return _build(day.year, day.month, day.day, hms, False)
    if "vừa" in s or "just" in s:
        if JUST_NOW.search(s):
            return (now.replace(second=0, microsecond=0), "minute")
    return None


def _ago(n: int, unit: str, now: datetime) -> _Result | None:
    if unit in _AGO_MINUTES:
        value = now - timedelta(minutes=n * _AGO_MINUTES[unit])
        return (value.replace(second=0, microsecond=0), "minute")
    if unit in _AGO_DAYS:
        day = now.date() - timedelta(days=n)
        return (datetime(day.year, day.month, day.day, tzinfo=VN_TZ), "day")
    return None  # weeks, months, years ago: the day cannot be known


_dateparser: ModuleType | None = None


def _load_dateparser() -> ModuleType | None:
    """Import dateparser on first use only: it costs ~100 ms and most lines never need it."""
    global _dateparser
    if _dateparser is None:
        try:
            import dateparser
        except ImportError:  # pragma: no cover - it is a pinned dependency
            return None
        _dateparser = dateparser
    return _dateparser


def _fallback(s: str, now: datetime) -> _Result | None:
    """dateparser, absolute parsers only, for a line with a year that the patterns could not read."""
    if len(s) > FALLBACK_MAX_LEN or MONTH_YEAR_ONLY.search(s):
        return None  # a paragraph, or a month without a day: whatever dateparser found would be a guess
    if "giêng" in s or "chạp" in s or "âm lịch" in s:
        return None  # lunar-calendar dates: a solar reading would be weeks off
    dp = _load_dateparser()
    if dp is None:
        return None
    core = FALLBACK_LABELS.sub(" ", s)
    settings = {
        "DATE_ORDER": "DMY",
        "PARSERS": ["absolute-time"],  # never "2 giờ ..." read as a relative date
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
    }
    try:
        got = dp.parse(core, languages=["vi"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a miss is enough
        return None
    if got is None:
        return None
    got = got.astimezone(VN_TZ) if got.tzinfo else got.replace(tzinfo=VN_TZ)
    t = TIME.search(core)
    hms = _clock(t) if t else None
    if hms is None or hms[:2] != (got.hour, got.minute):
        return (got.replace(hour=0, minute=0, second=0, microsecond=0), "day")
    return _timed(got.replace(microsecond=0), hms[2] is not None)
