"""Form pieces shared by the blueprints."""
import math
from collections.abc import Iterable

from flask import abort
from flask_wtf import FlaskForm
from wtforms import FloatField, FormField, IntegerField, SelectChoice, SelectMultipleField, widgets

CONTROL_CHARACTERS_MESSAGE = "Remove the invisible control characters from this text."


def contains_nul(value) -> bool:
    """Whether a string, or any string inside lists, tuples and dicts, holds a NUL character."""
    # A stack, not recursion: however deeply the value nests, this cannot exhaust Python's stack.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return False


class Form(FlaskForm):
    """The base of every form: a field holding a NUL character gets a message, and no other check runs.

    No field can use one, and PostgreSQL can neither store nor compare one, so it is refused
    before any validator (a uniqueness check, a place lookup) takes it to the database. The page
    comes back with everything the user typed and the message beside the field.
    """

    def validate(self, extra_validators=None) -> bool:
        if not contains_nul(self.data):
            return super().validate(extra_validators)
        _refuse_nul(self)
        return False


def _refuse_nul(form) -> None:
    for field in form:
        if isinstance(field, FormField):  # its errors are its subfields'
            _refuse_nul(field.form)
        else:
            field.errors = [CONTROL_CHARACTERS_MESSAGE] if contains_nul(field.data) else []


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """SelectChoice objects from (value, label, ...) tuples such as the vocabularies."""
    return [SelectChoice(str(pair[0]), pair[1]) for pair in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WholeNumberField(IntegerField):
    """An IntegerField that refuses numbers too long to be meant (NumberRange fails on huge integers)."""

    MAX_DIGITS = 9
    data: int | None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) >= 10**self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid integer value."))


def required_number(field: WholeNumberField) -> int:
    """The number of a required field once its form has validated; aborts with 400 when there is none."""
    if field.data is None:  # InputRequired let an empty field through: not a form this site sent
        abort(400)
    return field.data


class FiniteFloatField(FloatField):
    """A FloatField that refuses nan and infinity, which NumberRange lets through or cannot compare."""

    data: float | None

    def __init__(self, *args, not_finite_message: str = "Enter a finite number.", **kwargs):
        super().__init__(*args, **kwargs)
        self.not_finite_message = not_finite_message

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(self.not_finite_message)
