"""Template filters: how numbers read on a page."""

from directory.services.geo.points import format_distance
from directory.vocabulary import label

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$"}


def distance(km: float, unit: str = "km") -> str:
    """'4.2 km away' or '2.6 mi away'."""
    return f"{format_distance(km, 'mi' if unit == 'mi' else 'km')} away"


def fee_range(profile) -> str:
    """'$80–120 per session', or 'Ask the practice' when no fee is published."""
    if profile.fee_min is None:
        return "Ask the practice"
    symbol = CURRENCY_SYMBOLS.get(profile.currency, f"{profile.currency} ")
    if profile.fee_max is None or profile.fee_max == profile.fee_min:
        return f"{symbol}{profile.fee_min} per session"
    return f"{symbol}{profile.fee_min}–{profile.fee_max} per session"


def labels(codes, vocabulary_entries) -> str:
    """Codes as their names from a vocabulary, joined: 'Migraine, Tension-type headache'."""
    return ", ".join(label(vocabulary_entries, code) for code in codes) or "Not stated"
