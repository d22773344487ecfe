"""Template filters: how numbers read on a page, in the page's language."""

import math

from flask_babel import gettext

from directory.services.core.text import number_label, page_locale
from directory.services.geo.points import format_distance, km_to_miles
from directory.vocabulary import label

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$"}


def distance(km: float, unit: str = "km") -> str:
    """'4.2 km away' or '2.6 mi away'; in Spanish 'a 4,2 km'."""
    unit = "mi" if unit == "mi" else "km"
    if page_locale() is None:
        return f"{format_distance(km, unit)} away"
    return gettext("%(distance)s away", distance=localized_distance(km, unit))


def localized_distance(km: float, unit: str) -> str:
    """format_distance's rounding ("under 1 km", "2.5 mi", "12 km") with the page's words and separators."""
    format_distance(km, unit)  # the same checks (a bad unit or value raises ValueError)
    value = km_to_miles(km) if unit == "mi" else km
    if value < 1:
        return gettext("under 1 %(unit)s", unit=unit)
    tenths = math.floor(value * 10 + 0.5)
    if tenths < 100:
        shown = number_label(tenths // 10) if tenths % 10 == 0 else number_label(tenths / 10, decimals=1)
    else:
        shown = number_label(math.floor(value + 0.5))
    return f"{shown} {unit}"


def number(value: float) -> str:
    """A count with the page's thousands separator: '12,345'."""
    return number_label(value)


def one_decimal(value: float) -> str:
    """A rating with one decimal: '4.5' ('4,5' in Spanish)."""
    return f"{value:.1f}" if page_locale() is None else number_label(value, decimals=1)


def fee_range(profile) -> str:
    """'$80–120 per session', or 'Ask the practice' when no fee is published."""
    if profile.fee_min is None:
        return gettext("Ask the practice")
    symbol = CURRENCY_SYMBOLS.get(profile.currency, f"{profile.currency} ")
    if profile.fee_max is None or profile.fee_max == profile.fee_min:
        return gettext("%(fee)s per session", fee=f"{symbol}{profile.fee_min}")
    return gettext("%(fee)s per session", fee=f"{symbol}{profile.fee_min}–{profile.fee_max}")


def labels(codes, vocabulary_entries) -> str:
    """Codes as their names from a vocabulary, joined: 'Migraine, Tension-type headache'."""
    return ", ".join(label(vocabulary_entries, code) for code in codes) or gettext("Not stated")
