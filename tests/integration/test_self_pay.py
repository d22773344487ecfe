"""Self-pay means the same in the questionnaire, on /search and in the API: one list of ways to say it."""

import pytest

from directory import vocabulary
from tests import factories
from tests.integration.test_questionnaire import PREFERENCES, answer_all, stored

# Each spelling as typed, in other cases and with stray spaces, hyphens or underscores.
SPELLINGS = sorted(
    {
        *vocabulary.SELF_PAY_SPELLINGS,
        *(spelling.upper() for spelling in vocabulary.SELF_PAY_SPELLINGS),
        *(f" {spelling.replace(' ', '-')} " for spelling in vocabulary.SELF_PAY_SPELLINGS),
        *(spelling.replace(" ", "_") for spelling in vocabulary.SELF_PAY_SPELLINGS),
    }
)


@pytest.fixture
def practices(app, places):
    with app.app_context():
        factories.make_profile(display_name="Takes self-pay", latitude=40.7484, longitude=-73.9857, verified=True)
        factories.make_profile(
            display_name="Insurers only",
            latitude=40.7500,
            longitude=-73.9900,
            accepts_self_pay=False,
            insurance_accepted="Aetna, Cigna",
            verified=True,
        )


def test_search_for_self_paying_lists_the_practitioners_who_accept_self_pay(client, practices):
    page = client.get("/search?q=10001&insurance=self+paying").get_data(as_text=True)
    assert "1 practitioner within" in page
    assert "Takes self-pay" in page and "Insurers only" not in page


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_self_pay_spelling_is_self_pay_on_the_search_page(client, practices, spelling):
    page = client.get("/search", query_string={"q": "10001", "insurance": spelling}).get_data(as_text=True)
    assert "Takes self-pay" in page and "Insurers only" not in page


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_self_pay_spelling_is_self_pay_in_the_api(client, practices, spelling):
    body = client.get(
        "/api/v1/practitioners", query_string={"near": "40.7484|-73.9857|20|km", "insurance": spelling}
    ).get_json()
    assert [item["name"] for item in body["items"]] == ["Takes self-pay"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_self_pay_spelling_is_stored_as_self_pay_by_the_questionnaire(app, client, places, spelling):
    answer_all(client, preferences={**PREFERENCES, "location": "New York, NY", "insurance": spelling})
    assert stored(app)[0]["preferences"]["insurance"] == vocabulary.SELF_PAY


def test_an_insurer_name_is_still_an_insurer_everywhere(app, client, practices):
    page = client.get("/search?q=10001&insurance=cigna").get_data(as_text=True)
    assert "Insurers only" in page and "Takes self-pay" not in page
    answer_all(client, preferences={**PREFERENCES, "location": "New York, NY", "insurance": "Cigna"})
    assert stored(app)[0]["preferences"]["insurance"] == "Cigna"


@pytest.mark.parametrize("text", ["self-payment plan", "Selfridge Health", "nonesuch mutual", "self pay later"])
def test_words_that_only_start_like_self_pay_are_insurer_names(text):
    assert not vocabulary.is_self_pay(text)
