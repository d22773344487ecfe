"""Parts of pages rendered once per process for each set of what they are drawn from.

A questionnaire step draws hundreds of options, each label looked up in the page's catalog and
escaped; the search form's filters as many. Yet the same question with the same answer and the
same errors reads the same for everyone: such a part is rendered once and kept under a key that
names everything its HTML is drawn from. The page's language and its script root (the /es
prefix, which every URL in it carries) are part of every key here, so a key names only the rest.

What is kept is bounded (the store is emptied when full) and never holds anything of one visitor
alone: a key holds answers, never a name, a token or a CSRF field. In debug, where templates
change, every part is rendered afresh.
"""

from collections.abc import Callable, Hashable

from flask import current_app, request
from markupsafe import Markup

from directory.forms import TranslatedLabel
from directory.i18n import current_language

# About 1-4 KB each: a few MB at most per worker.
KEPT = 2048


def cached(kind: str, key: Hashable, render: Callable[[], str]) -> Markup:
    """The HTML render() gives for this key in this page's language, rendered the first time only."""
    if current_app.debug:
        return Markup(render())
    store: dict = current_app.extensions.setdefault("fragments", {})
    full_key = (kind, current_language(), request.script_root, key)
    html = store.get(full_key)
    if html is None:
        html = Markup(render())
        if len(store) >= KEPT:
            store.clear()
        store[full_key] = html
    return html


def cached_call(kind: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """For templates: ``{% call cached_call('question', field_key(field), level) %}...{% endcall %}``."""
    return cached(kind, key, caller)


def _text_key(text) -> Hashable:
    """A label as the key of what it will read: a TranslatedLabel by its message and values, else its text."""
    if isinstance(text, TranslatedLabel):
        return (text.text, tuple(sorted((name, repr(value)) for name, value in text.values.items())))
    return None if text is None else str(text)


def _choice_key(choice) -> tuple:
    """A choice (a SelectChoice or a tuple: value, label, and perhaps render_kw and optgroup) for a key."""
    value, label, *rest = tuple(choice)
    return (str(value), _text_key(label), repr(rest))


def field_key(field) -> tuple:
    """Everything a form field's HTML is drawn from, for a key: its kind, names, texts, choices, value and errors."""
    choices = getattr(field, "choices", None)
    return (
        type(field),
        field.id,
        field.name,
        _text_key(field.label.text),
        _text_key(field.description),
        None if choices is None else tuple(_choice_key(choice) for choice in choices),
        repr(field.data),
        tuple(field.raw_data or ()),
        tuple(str(error) for error in field.errors),
        repr(field.render_kw),
        bool(getattr(field.flags, "required", False)),
    )
