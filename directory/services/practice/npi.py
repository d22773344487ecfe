"""The US National Provider Identifier: its form and its Luhn check digit over the 80840 prefix."""

import re

NPI_PREFIX = "80840"  # the ISO 7812 prefix for US health identifiers, part of the NPI check digit


_NPI_FORM = re.compile(r"[12][0-9]{9}")


def npi_is_valid(npi: str) -> bool:
    """Whether `npi` is a well-formed NPI: 10 ASCII digits, the first 1 or 2, the last a Luhn check digit over 80840 + the first nine."""
    if not isinstance(npi, str) or not _NPI_FORM.fullmatch(npi):
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def luhn_check_digit(payload: str) -> int:
    """The Luhn check digit to append to a string of ASCII digits."""
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:  # every second digit, starting with the rightmost, is doubled
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10
