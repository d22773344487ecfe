"""The NPI check: 10 digits, the first 1 or 2, a Luhn check digit over the 80840 prefix."""

import pytest

from directory.services.practice.npi import luhn_check_digit, npi_is_valid


def luhn_valid(number: str) -> bool:
    """The textbook Luhn test over a whole number (check digit included), written independently."""
    total = 0
    for position, character in enumerate(reversed(number)):
        digit = int(character) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


@pytest.mark.parametrize("npi", ["1234567893", "1003000126", "1497758544", "1245319599", "2000000002", "1987654302"])
def test_valid_npis_pass(npi):
    assert npi_is_valid(npi) is True
    assert luhn_valid("80840" + npi)


@pytest.mark.parametrize(
    "npi",
    [
        "1234567890",  # wrong check digit
        "1234567894",  # wrong check digit
        "1234567839",  # two digits swapped
        "3234567893",  # first digit neither 1 nor 2
        "0234567893",
        "123456789",  # nine digits
        "12345678930",  # eleven digits
        "",
        "123456789X",
        "１２３４５６７８９３",  # full-width digits are not ASCII digits
        " 1234567893",
        "1234-567893",
    ],
)
def test_invalid_npis_fail(npi):
    assert npi_is_valid(npi) is False


@pytest.mark.parametrize("value", [None, 1234567893, 1234567893.0, b"1234567893", ["1234567893"]])
def test_non_strings_are_not_npis(value):
    assert npi_is_valid(value) is False


def test_every_single_digit_typo_is_caught():
    good = "1234567893"
    for index in range(1, 10):
        for replacement in "0123456789":
            if replacement != good[index]:
                assert not npi_is_valid(good[:index] + replacement + good[index + 1 :]), (index, replacement)


def test_check_digit_of_the_cms_example():
    # CMS's worked example: 80840 + 123456789 gives the check digit 3.
    assert luhn_check_digit("80840123456789") == 3
