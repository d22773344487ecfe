"""One list per vocabulary: the headache families and the ways of saying self-pay, used everywhere."""

import typing

import pytest

import directory.auth  # noqa: F401 (auth's routes and the questionnaire's import each other: auth goes first)
from directory import vocabulary
from directory.practitioners.forms import SearchForm
from directory.questionnaire.forms import AboutYouForm
from directory.services.questionnaire import answers, clinical
from directory.services.search import listing
from directory.therapist.forms import ProfileForm

FAMILY_CODES = [family.code for family in vocabulary.HEADACHE_FAMILIES]


def test_the_vocabulary_tables_codes_and_bits_are_the_families_in_their_order():
    # The order is stored: a listing's headache mask is one bit per family in this order.
    assert [code for code, _ in vocabulary.HEADACHE_TYPES] == FAMILY_CODES
    assert list(listing.HEADACHE_BITS) == FAMILY_CODES
    assert set(vocabulary.FAMILY_WORDS) == set(FAMILY_CODES)


def test_every_form_offers_the_families_by_the_same_names():
    names = [(family.code, family.name) for family in vocabulary.HEADACHE_FAMILIES]
    assert [(c.value, c.label) for c in SearchForm.headache.kwargs["choices"]] == names
    assert [(c.value, c.label) for c in ProfileForm.headache_types.kwargs["choices"]] == names
    # A patient may also say a doctor diagnosed another kind, which no practitioner lists.
    assert [(c.value, c.label) for c in AboutYouForm.diagnosed_types.kwargs["choices"]] == [
        *names,
        ("other", "Another kind of headache"),
    ]


def test_the_answer_schema_takes_the_families_and_other():
    assert set(typing.get_args(answers.DiagnosedType)) == {*FAMILY_CODES, "other"}
    assert set(clinical.TREATMENT_FAMILIES) == set(FAMILY_CODES)


@pytest.mark.parametrize("family", vocabulary.HEADACHE_FAMILIES, ids=lambda family: family.code)
def test_a_diagnosed_family_is_named_as_matching_names_it(family):
    [listed] = clinical.probable_types({"age": 30, "diagnosed_types": [family.code]})
    assert listed.family == family.code
    assert listed.reasons[0] == f"A doctor has diagnosed {vocabulary.FAMILY_WORDS[family.code]}."


@pytest.mark.parametrize(
    ("text", "self_pay"),
    [
        ("self_pay", True),
        ("Self-Pay", True),
        ("  self   paying ", True),
        ("SELFPAY", True),
        ("self", True),
        ("None", True),
        ("Self-Paying", True),
        ("Aetna", False),
        ("", False),
        ("self pay plus", False),
    ],
)
def test_is_self_pay(text, self_pay):
    assert vocabulary.is_self_pay(text) is self_pay
