"""View-count texts -> int: "Lượt xem: 5281", "Xem: 147", "1.5k LƯỢT XEM", "162".

What lives here: the label vocabulary for views and the number grammar (thousands separators,
``k``/``nghìn``/``triệu`` abbreviations). What does not: finding the widget on the page.

The count is anchored on its label, so the day of a date on the same line is never taken
("Tin đăng ngày: 3/9/2019 - Xem: 147" is 147). Order of preference: a number right after a
label, then a number right before one ("1.5k lượt xem"), then a text that is only a number.
Separators: ``.``, ``,``, a space or a no-break space group thousands (Vietnamese writes
``1.234``); with an abbreviation they are a decimal point (``1,5k`` is 1500). A number
written like a decimal without one ("1.5") is not a count and gives None.
"""
from __future__ import annotations

import re

from pipelines.text import clean_text

MAX_VIEWS = 10**10  # larger "counts" are ids or timestamps that lost their label

_SCALE = {"k": 1_000, "nghìn": 1_000, "ngàn": 1_000, "m": 1_000_000, "tr": 1_000_000, "triệu": 1_000_000}
# A number that is not part of a date, time or decimal: it may not be followed by [/.,:-]digit.
_NUM = (
    r"(?P<num>(?P<abbr>\d+(?:[.,]\d+)?)\s?(?P<scale>k|nghìn|ngàn|m|tr|triệu)(?!\w)"
    r"|\d{1,3}(?:[., ]\d{3})+(?!\d|[.,/:\-]\d)"
    r"|\d+(?!\d|[.,/:\-]\d))"
)
# "Xem thêm" (read more) and "Xem tin theo ngày" carry no number right after, so they never match.
_LABEL_FIRST = re.compile(
    r"(?<!\w)(?:(?:số\s)?(?:lượt|lần)\s(?:xem|đọc)|xem|views?|hits|lượt\sviews?)"
    r"\s?[:：=]?\s?[(\[]?\s?" + _NUM
)
_NUMBER_FIRST = re.compile(
    r"(?<![\w/.:,\-])" + _NUM
    + r"\s?(?:(?:lượt|lần)\s?(?:xem|đọc)|người\sxem|views?|hits|lượt(?!\s?\w))(?!\w)"
)
_BARE = re.compile(_NUM)


def normalize_view_count(text: str | int | None) -> int | None:
    """The view count in ``text``, or None. '3.506' is 3506; '1.5k' and '1,5k' are 1500."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 <= text < MAX_VIEWS else None
    if not isinstance(text, str) or not text:
        return None
    s = clean_text(text).lower()
    m = _LABEL_FIRST.search(s) or _NUMBER_FIRST.search(s) or _BARE.fullmatch(s)
    return _value(m) if m else None


def _value(m: re.Match[str]) -> int | None:
    if m["scale"]:
        number = m["abbr"].replace(",", ".")
        if len(number) > 12:  # no real count; also keeps float() finite
            return None
        # With an abbreviation the separator is a decimal point: "1,5k" and "1.5k" are 1500.
        value = round(float(number) * _SCALE[m["scale"]])
    else:
        digits = re.sub(r"\D", "", m["num"])
        if len(digits) > 11:  # int() refuses huge digit strings, and they are not counts anyway
            return None
        value = int(digits)
    return value if value < MAX_VIEWS else None
