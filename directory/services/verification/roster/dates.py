"""Reading the dates rosters hold, in the many ways certifying bodies write them."""

import re
from datetime import date

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


_MONTHS = {name: number for number, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])} | {"sept": 9}


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


_IGNORED_WORDS = {"of", "the"} | {name for full in _WEEKDAYS for name in (full, full[:3])}


_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"


_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)


_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)


_DATE_WORDS = re.compile(r"[a-z]+|\d+")


_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b")


def parse_roster_date(text: str) -> date | None:
    """A date from a roster cell (2024-03-01, 03/01/2024 US, 01.03.2024, 1 March 2024, Mar 1, 2024), else None."""
    text = text.strip()
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _YEAR_LAST.fullmatch(text):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        # Dots are day-first (01.03.2024); slashes and dashes are US month-first unless that cannot be.
        day_first = match[2] == "." or first > 12
        day, month = (first, second) if day_first else (second, first)
    else:
        return _parse_worded_date(text)
    return _valid_date(year, month, day)


def _parse_worded_date(text: str) -> date | None:
    """'1 March 2024', 'Mar 1, 2024', '1-Mar-24', 'Friday 1st of March 2024'."""
    words = [word for word in _DATE_WORDS.findall(_ORDINAL.sub("", text.lower())) if word not in _IGNORED_WORDS]
    months = [word for word in words if not word.isdigit()]
    numbers = [word for word in words if word.isdigit()]
    if len(months) != 1 or months[0] not in _MONTHS or len(numbers) != 2:
        return None
    if len(numbers[0]) == 4:
        numbers.reverse()
    day, year = numbers
    if len(day) > 2 or len(year) not in (2, 4):
        return None
    return _valid_date(_full_year(year), _MONTHS[months[0]], int(day))


def _full_year(text: str) -> int:
    """A four-digit year; two digits pivot like strptime's %y (69-99 -> 1900s)."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _valid_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or the year is implausible."""
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
