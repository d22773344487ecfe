"""Form pieces shared by the blueprints."""

import math
from collections.abc import Iterable
from typing import NamedTuple

from babel import support
from flask import abort
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import FloatField, FormField, IntegerField, SelectChoice, SelectMultipleField, widgets
from wtforms.fields.choices import Choice
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta

from directory.services.core.text import N_, Said, gettext, number_label, translated

# Kept in English, as a catalog key: gettext it where it is shown.
CONTROL_CHARACTERS_MESSAGE = N_("Remove the invisible control characters from this text.")


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


class WTFormsMessages:
    """WTForms' own messages ("Not a valid float value.", a field's default label) in the page's language.

    Flask-WTF reads WTForms' catalog from disk again for every request that builds a form; this keeps
    one per language in the process, as Flask-Babel does for the site's own.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, support.NullTranslations] = {}

    def _catalog(self) -> support.NullTranslations | None:
        locale = get_locale()
        if locale is None:
            return None
        name = str(locale)
        if name not in self._loaded:
            self._loaded[name] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return self._loaded[name]

    def gettext(self, string: str) -> str:
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


class Form(FlaskForm):
    """The base of every form: a field holding a NUL character gets a message, and no other check runs.

    No field can use one, and PostgreSQL can neither store nor compare one, so it is refused
    before any validator (a uniqueness check, a place lookup) takes it to the database. The page
    comes back with everything the user typed and the message beside the field.
    """

    class Meta:
        def get_translations(self, form):
            return WTFORMS_MESSAGES

    def validate(self, extra_validators=None) -> bool:
        if not contains_nul(self.data):
            return super().validate(extra_validators)
        _refuse_nul(self)
        return False


class EmptyForm(Form):
    """A form with only the CSRF token, for POST-only buttons."""


def _refuse_nul(form) -> None:
    for field in form:
        if isinstance(field, FormField):  # its errors are its subfields'
            _refuse_nul(field.form)
        else:
            field.errors = [gettext(CONTROL_CHARACTERS_MESSAGE)] if contains_nul(field.data) else []


class TranslatedLabel:
    """A choice's label, translated into the page's language each time it is shown, and escaped like any text.

    (flask_babel's LazyString would do, but it declares itself safe HTML: "Structure & Function" would go out raw.)
    """

    __slots__ = ("text", "values")

    def __init__(self, text: str, **values) -> None:
        self.text = text
        self.values = values

    def __str__(self) -> str:
        return gettext(self.text, **self.values) if self.values else translated(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __eq__(self, other: object) -> bool:
        return str(self) == (str(other) if isinstance(other, TranslatedLabel) else other)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"TranslatedLabel({self.text!r})"

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __getattr__(self, name: str):
        return getattr(str(self), name)


def _lt(text: str, **values) -> TranslatedLabel:
    """A label, description or placeholder defined at import, translated where it is shown (pybabel extract -k _lt)."""
    return TranslatedLabel(text, **values)


class LocalNumber:
    """A number written with the page's separators each time it is shown ("5,000" in English, "5000" in Spanish).

    For a message defined at import (_l, _lt) whose placeholder is a number: `max=LocalNumber(5000)` with `%(max)s`.
    """

    __slots__ = ("number",)

    def __init__(self, number: float) -> None:
        self.number = number

    def __str__(self) -> str:
        return number_label(self.number)

    def __repr__(self) -> str:
        return f"LocalNumber({self.number!r})"


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """SelectChoice objects from (value, label, ...) tuples such as the vocabularies, labels shown in the page's language."""
    return [
        SelectChoice(str(pair[0]), TranslatedLabel(pair[1]) if type(pair[1]) in (str, Said) else pair[1])
        for pair in pairs
    ]


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


class OptionMarkup(NamedTuple):
    """One option of a radio or checkbox group: its input, its label and the label's text."""

    input: Markup
    label: Markup
    text: str


# The option widgets option_markup writes itself; any other is left to WTForms.
_OPTION_INPUT_TYPES = {widgets.RadioInput: "radio", widgets.CheckboxInput: "checkbox"}


def option_markup(field, **attrs) -> list[OptionMarkup]:
    """The options of a RadioField or MultiCheckboxField as WTForms renders them, without building a field per option.

    Iterating a choice field builds a whole Field for each option and WTForms then writes its
    attributes one by one, most of a questionnaire step's time. The common case (no extra
    attributes, stock widget and meta) is written here byte for byte as WTForms writes it:
    attributes in sorted order, "required" when a validator flags it. Anything else goes
    through WTForms itself.
    """
    input_type = _OPTION_INPUT_TYPES.get(type(field.option_widget))
    flags = field.flags
    if (
        attrs
        or input_type is None
        or field.render_kw
        or type(field.meta).render_field is not DefaultMeta.render_field
        or getattr(flags, "disabled", False)
        or getattr(flags, "required", None) not in (True, False, None)  # Flags answer None when unset
    ):
        return [OptionMarkup(option(**attrs), option.label(), option.label.text) for option in field]
    name = escape(field.name)
    required = " required" if getattr(flags, "required", False) else ""
    options = []
    for index, choice in enumerate(field.iter_choices()):
        plain = isinstance(choice, Choice) and type(choice.value) is str and not isinstance(choice.label, Markup)
        if not plain or choice.render_kw:
            return [OptionMarkup(option(**attrs), option.label(), option.label.text) for option in field]
        option_id = escape(f"{field.id}-{index}")
        checked = "checked " if choice.selected else ""
        text = choice.label or choice.value
        options.append(
            OptionMarkup(
                Markup(
                    f'<input {checked}id="{option_id}" name="{name}"{required} type="{input_type}"'
                    f' value="{escape(choice.value)}">'
                ),
                Markup(f'<label for="{option_id}">{escape(text)}</label>'),
                text,
            )
        )
    return options
