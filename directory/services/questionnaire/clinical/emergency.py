"""Emergency numbers by country: the one table that stop pages, the footer and the API read.

The numbers follow the national services' own guidance (see docs/clinical-rules.md, "Emergency
numbers"): 112 is the single European emergency number in every EU and EEA country and works
beside the national numbers; the UK's 999 and Ireland's 112/999 both work there.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

# The first number is the one to call; the others work too.
_EUROPE_112 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IS IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE CH"
EMERGENCY_NUMBERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "US": ("911",),
        "CA": ("911",),
        "GB": ("999", "112"),
        "IE": ("112", "999"),
        "AU": ("000",),
        "NZ": ("111",),
        **dict.fromkeys(_EUROPE_112.split(), ("112",)),
    }
)

# Shown when the patient's country is not known: the countries the directory serves first.
# The places are translated where they are shown (lazy strings, rendered as text).
GENERAL_LIST: tuple[tuple[str, str], ...] = (
    (_l("the US and Canada"), "911"),
    (_l("the UK"), "999 or 112"),
    (_l("Ireland"), "112 or 999"),
    (_l("Australia"), "000"),
    (_l("New Zealand"), "111"),
    (_l("the EU and most of Europe"), "112"),
)


@dataclass(frozen=True)
class EmergencyContact:
    """The number to call for a country, or the general list when the country is unknown."""

    country: str | None
    numbers: tuple[str, ...]

    @property
    def number(self) -> str | None:
        """The number to call first, None when the country is unknown or not in the table."""
        return self.numbers[0] if self.numbers else None

    @property
    def known(self) -> bool:
        return bool(self.numbers)

    @property
    def general_list(self) -> tuple[tuple[str, str], ...]:
        return GENERAL_LIST


def emergency_contact(country: str | None) -> EmergencyContact:
    """The emergency number(s) for an ISO 3166-1 alpha-2 country code (any case); unknown gives none."""
    code = (country or "").strip().upper() or None
    return EmergencyContact(code, EMERGENCY_NUMBERS.get(code, ()) if code else ())


def emergency_number(country: str | None) -> str | None:
    """The number to call first in that country, or None when it is unknown."""
    return emergency_contact(country).number
