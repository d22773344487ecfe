"""Form pieces shared by the blueprints."""
from collections.abc import Iterable

from wtforms import SelectChoice, SelectMultipleField, widgets


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """SelectChoice objects from (value, label, ...) tuples such as the vocabularies."""
    return [SelectChoice(str(pair[0]), pair[1]) for pair in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
