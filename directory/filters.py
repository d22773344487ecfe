"""Template filters: how numbers read on a page, in the page's language."""

from directory.services.core.text import gettext, number_label
from directory.services.geo.points import localized_distance
from directory.vocabulary import label

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$"}


def distance(km: float, unit: str = "km") -> str:
    """'4.2 km away' or '2.6 mi away'; in Spanish 'a 4,2 km'."""
    unit = "mi" if unit == "mi" else "km"
    return gettext("%(distance)s away", distance=localized_distance(km, unit))


def number(value: float, decimals: int | None = None) -> str:
    """A count with the page's thousands separator: '12,345'; with decimals, '4.2' ('4,2' in Spanish)."""
    return number_label(value, decimals=decimals)


def rating(value: float) -> str:
    """A rating with one decimal: '4.5' ('4,5' in Spanish)."""
    return number_label(value, decimals=1)


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
