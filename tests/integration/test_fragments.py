"""Parts of pages rendered once (directory.fragments): each language, answer and error still gets its own."""

import re

from directory.questionnaire import forms as questionnaire_forms
from directory.services.questionnaire import clinical
from tests.integration.test_questionnaire import (  # noqa: F401  (fixtures)
    STEP,
    answer_all,
    checked,
    places,
    practitioners,
)
from tests.spanish import assert_spanish

SEARCH = "/search?q=Boulder%2C+CO&radius=25"


def test_search_filters_are_kept_apart_per_language(client, places):  # noqa: F811
    english = client.get(SEARCH).get_data(as_text=True)
    spanish = client.get("/es" + SEARCH)
    assert '<label for="show">Certification</label>' in english
    page = spanish.get_data(as_text=True)
    assert '<label for="show">Certificación</label>' in page and "Verified certification only" not in page
    assert_spanish(spanish)
    # And back: the English page does not take the Spanish panel kept since.
    assert client.get(SEARCH).get_data(as_text=True) == english


def test_questions_are_kept_apart_per_language_and_answer(app, practitioners):  # noqa: F811
    first, second = app.test_client(), app.test_client()
    answer_all(first)
    flags = {flag.id: "no" for flag in clinical.RED_FLAGS if not flag.over_50_only}
    # A sign that needs no stop, so that the second patient answers every step too.
    sign = next(flag.id for flag in clinical.RED_FLAGS if flag.id in flags and flag.level not in clinical.STOP_LEVELS)
    answer_all(second, flags={**flags, sign: "unsure"})
    english = first.get(STEP.format(2)).get_data(as_text=True)
    spanish = first.get("/es" + STEP.format(2))
    assert "Not sure" in english and "No estoy seguro" in spanish.get_data(as_text=True)
    assert_spanish(spanish)
    other = second.get(STEP.format(2)).get_data(as_text=True)
    assert checked("unsure").search(other) and not checked("unsure").search(english)
    assert first.get(STEP.format(2)).get_data(as_text=True) == english


def test_a_question_s_error_shows_only_on_the_page_that_caused_it(app, practitioners):  # noqa: F811
    client = app.test_client()
    answer_all(client)
    refused = client.post(STEP.format(2), data={"action": "continue"})
    assert refused.status_code == 400
    assert "Please choose yes, no or not sure." in refused.get_data(as_text=True)
    again = client.get(STEP.format(2)).get_data(as_text=True)
    assert "Please choose yes, no or not sure." not in again and checked("no").search(again)


def test_field_key_names_what_the_field_is_drawn_from(app):
    from directory.fragments import field_key

    with app.test_request_context():
        form_class = questionnaire_forms.warning_signs_form(clinical.RED_FLAGS[:2])
        blank, answered = form_class(), form_class(data={clinical.RED_FLAGS[0].id: "yes"})
        name = clinical.RED_FLAGS[0].id
        assert field_key(blank[name]) == field_key(form_class()[name])
        assert field_key(blank[name]) != field_key(answered[name])
        assert field_key(blank[name]) != field_key(blank[clinical.RED_FLAGS[1].id])
        answered[name].errors = ["Please choose yes, no or not sure."]
        assert field_key(answered[name]) != field_key(form_class(data={name: "yes"})[name])


def _disclaimer(page: str) -> str:
    return re.search(r'<p class="disclaimer">.*?</p>', page, re.S).group(0)


def test_the_footer_s_emergency_number_is_kept_per_country_and_language(client, places):  # noqa: F811
    us = _disclaimer(client.get(SEARCH).get_data(as_text=True))
    unknown = _disclaimer(client.get("/auth/login").get_data(as_text=True))
    spanish = _disclaimer(client.get("/es" + SEARCH).get_data(as_text=True))
    assert 'href="tel:911"' in us and "in Australia" not in us
    assert "call your local emergency number" in unknown and 'href="tel:112"' in unknown
    assert "llame al" in spanish and 'href="tel:911"' in spanish
    assert _disclaimer(client.get(SEARCH).get_data(as_text=True)) == us


def test_wtforms_messages_are_read_from_disk_once_per_language(client, monkeypatch):
    from babel import support

    from directory import forms

    monkeypatch.setattr(forms, "WTFORMS_MESSAGES", forms.WTFormsMessages())
    loads = []
    load = support.Translations.load
    monkeypatch.setattr(
        support.Translations, "load", lambda *args, **kwargs: loads.append(kwargs) or load(*args, **kwargs)
    )
    for path in ("/questionnaire/step/1", "/es/questionnaire/step/1") * 2:
        page = client.post(path, data={"age": "thirty", "action": "continue"}).get_data(as_text=True)
        assert ("No es un valor entero válido." if path.startswith("/es") else "Not a valid integer value.") in page
    assert [kwargs["domain"] for kwargs in loads] == ["wtforms", "wtforms"]
