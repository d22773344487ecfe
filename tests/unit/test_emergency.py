"""The emergency-number table: one number per country, the general list when unknown."""

import pytest

from directory.services.questionnaire.clinical.emergency import emergency_contact, emergency_number


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("US", "911"),
        ("CA", "911"),
        ("GB", "999"),
        ("IE", "112"),
        ("AU", "000"),
        ("NZ", "111"),
        ("ES", "112"),
        ("DE", "112"),
        ("FR", "112"),
        ("IT", "112"),
        ("NL", "112"),
        ("us", "911"),
    ],
)
def test_each_country_has_its_number(country, number):
    assert emergency_number(country) == number


def test_the_uk_and_ireland_name_their_second_number():
    assert emergency_contact("GB").numbers == ("999", "112")
    assert emergency_contact("IE").numbers == ("112", "999")


@pytest.mark.parametrize("country", [None, "", "  ", "XX", "JP"])
def test_unknown_country_has_no_number_and_falls_back_to_the_general_list(country):
    contact = emergency_contact(country)
    assert contact.number is None
    assert not contact.known
    assert ("the US and Canada", "911") in contact.general_list
    assert ("Australia", "000") in contact.general_list
