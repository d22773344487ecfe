"""option_markup writes radio and checkbox options byte for byte as WTForms does, for every such field of the site."""

import importlib
import inspect

import pytest
from wtforms import RadioField, SelectMultipleField

from directory.forms import Form, choices, option_markup
from directory.services.questionnaire import clinical

FORM_MODULES = ("practitioners", "admin", "questionnaire", "auth", "consultations", "reviews", "therapist")


def _form_classes(area: str):
    # Imported once the app exists: the blueprints import each other in create_app's order.
    module = importlib.import_module(f"directory.{area}.forms")
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Form) and value.__module__ == module.__name__
    ]
    if area == "questionnaire":
        classes.append(module.warning_signs_form(clinical.RED_FLAGS))
    return classes


def warning_signs_form(flags):
    from directory.questionnaire.forms import warning_signs_form as build

    return build(flags)


def _choice_fields(form):
    return [field for field in form if isinstance(field, (RadioField, SelectMultipleField)) and field.choices]


def _wtforms_markup(field, **attrs):
    return [(str(option(**attrs)), str(option.label), option.label.text) for option in field]


def _ours(field, **attrs):
    return [(str(option.input), str(option.label), option.text) for option in option_markup(field, **attrs)]


@pytest.mark.parametrize("area", FORM_MODULES)
def test_options_match_wtforms_selected_or_not(app, area):
    with app.test_request_context():
        fields = [field for form_class in _form_classes(area) for field in _choice_fields(form_class(formdata=None))]
        for field in fields:
            values = [choice.value for choice in field.choices]
            multiple = isinstance(field, SelectMultipleField)
            for data in [
                None,
                *(([value] if multiple else value) for value in values),
                values[:2] if multiple else None,
            ]:
                field.data = data
                field.errors = ["Please choose one."] if data is None else []
                assert _ours(field) == _wtforms_markup(field), (area, field.name, data)


def test_required_questions_mark_every_option_required(app):
    with app.test_request_context():
        form = warning_signs_form(clinical.RED_FLAGS)(formdata=None)
        required = next(field for field in form if field.flags.required)
        assert all(" required " in str(option.input) for option in option_markup(required))


def test_markup_in_values_and_labels_is_escaped(app):
    with app.test_request_context():

        class Quoting(Form):
            pick = RadioField('Pick "one"', choices=choices([('a"&<', 'A "quoted" <b>label</b>'), ("b", "")]))

        field = Quoting(formdata=None, pick='a"&<').pick
        assert _ours(field) == _wtforms_markup(field)


def test_extra_attributes_go_through_wtforms(app):
    with app.test_request_context():
        field = warning_signs_form(clinical.RED_FLAGS)(formdata=None)[clinical.RED_FLAGS[0].id]
        assert _ours(field, class_="wide", data_x="1") == _wtforms_markup(field, class_="wide", data_x="1")


@pytest.mark.parametrize("area", FORM_MODULES)
def test_plain_options_are_written_without_building_a_field_per_option(app, area, monkeypatch):
    from wtforms.fields.choices import SelectFieldBase

    def no_iteration(field):
        raise AssertionError(f"{field.name}: options built through WTForms")

    with app.test_request_context():
        fields = [field for form_class in _form_classes(area) for field in _choice_fields(form_class(formdata=None))]
        monkeypatch.setattr(SelectFieldBase, "__iter__", no_iteration)
        for field in fields:
            option_markup(field)
