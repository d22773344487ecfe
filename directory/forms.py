"""Form pieces shared by the blueprints."""
import math
from collections.abc import Iterable

from wtforms import FloatField, IntegerField, SelectChoice, SelectMultipleField, widgets


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

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) >= 10**self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid integer value."))


class FiniteFloatField(FloatField):
    """A FloatField that refuses nan and infinity, which NumberRange lets through or cannot compare."""

    def __init__(self, *args, not_finite_message: str = "Enter a finite number.", **kwargs):
        super().__init__(*args, **kwargs)
        self.not_finite_message = not_finite_message

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(self.not_finite_message)
