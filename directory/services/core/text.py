"""Text shared by the domains: folding for comparison, slugs, LIKE patterns, dates, lists and sizes in words."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from babel import support
from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import g, has_app_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s-]")


def N_(text: str) -> str:
    """Marks text for the translation catalog (pybabel extract -k N_); it is translated where it is shown."""
    return text


class Said(str):
    """A message made with values, kept as its English text and as its catalog sentence with those values.

    Give the sentence marked N_ (so that pybabel extracts it): `Said(N_("%(zip)s is not a ZIP code we know."),
    zip=code)`. It reads as the English wherever a str is wanted; `translated` says it in the page's language.
    A value may be a Said itself, or lazy (flask_babel's LazyString), formatted in the page's language too.
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> "Said":
        said = super().__new__(cls, template % values)
        said.template, said.values = template, values
        return said


def translated(message: str) -> str:
    """A message in the page's language: a Said with its values, any other str looked up in the catalog as it is."""
    if isinstance(message, Said):
        values = {
            name: translated(value) if isinstance(value, Said) else value for name, value in message.values.items()
        }
        return gettext(message.template, **values)
    return catalog_text(message)


def page_translations() -> support.NullTranslations | None:
    """The page's catalog (None outside a request), kept on `g` for as long as the locale is the same object.

    flask_babel's gettext looks up its domain, context, locale and catalog again on every call (about 45 µs,
    hundreds of times a page: each option of each question, each reason on a match card); force_locale makes
    a new locale object, and puts the old one back after, so a mail written in another language looks up its own.
    """
    if not has_app_context():
        return None
    # g itself, found once: each attribute read through the proxy finds it again. flask_babel keeps the chosen
    # locale in g._flask_babel (force_locale swaps it there); reading it is a fifth of asking get_locale().
    state = g._get_current_object()
    locale = getattr(getattr(state, "_flask_babel", None), "babel_locale", None) or get_locale()
    if locale is None:
        return None
    kept = getattr(state, "_catalog", None)
    if kept is None or kept[0] is not locale:
        kept = state._catalog = (locale, get_translations())
    translations: support.NullTranslations = kept[1]
    return translations


def catalog_text(text: str) -> str:
    """The catalog's sentence for text in the page's language, without values (the text itself when there is none)."""
    translations = page_translations()
    return text if translations is None else str(translations.ugettext(text))


def catalog_plural(singular: str, plural: str, num: int) -> str:
    """The catalog's singular or plural sentence for num, without values."""
    translations = page_translations()
    if translations is None:
        return singular if num == 1 else plural
    return str(translations.ungettext(singular, plural, num))


def catalog_in_context(context: str, text: str) -> str:
    """The catalog's sentence for text said in this context (pgettext), without values."""
    translations = page_translations()
    return text if translations is None else str(translations.upgettext(context, text))


def catalog_plural_in_context(context: str, singular: str, plural: str, num: int) -> str:
    """The catalog's singular or plural sentence for num in this context (npgettext), without values."""
    translations = page_translations()
    if translations is None:
        return singular if num == 1 else plural
    return str(translations.unpgettext(context, singular, plural, num))


def gettext(text: str, /, **values: object) -> str:
    """flask_babel's gettext through the page's kept catalog: the same sentence, formatted with the values given."""
    said = catalog_text(text)
    return said % values if values else said


def ngettext(singular: str, plural: str, /, num: int, **values: object) -> str:
    """flask_babel's ngettext through the page's kept catalog; the sentence may name the count as %(num)d."""
    values.setdefault("num", num)
    return catalog_plural(singular, plural, num) % values


@pass_eval_context
def template_gettext(eval_context: EvalContext, text: str, /, **values: object) -> str:
    """_() in templates, in one call: what Jinja's newstyle gettext gives (escaped values in a Markup sentence,
    always formatted, so that %% reads as %) without its two further calls through the template context."""
    said = catalog_text(text)
    if eval_context.autoescape:
        said = Markup(said)
    # Without values or a %, formatting would give the same sentence.
    return said % values if values or "%" in said else said


def fold(text: str) -> str:
    """Lower-case, accents removed, full-width forms narrowed and spaces collapsed: 'Zürich ' -> 'zurich'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _PUNCTUATION.sub(" ", stripped.casefold().replace("'", ""))
    return _SPACES.sub(" ", stripped.replace("-", " ")).strip()


def slugify(text: str) -> str:
    """A URL-safe slug from a name."""
    return fold(text).replace(" ", "-")[:120] or "practitioner"


def escape_like(text: str) -> str:
    """Text for use inside a LIKE pattern with escape character backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clock(minutes: int) -> str:
    """Minutes after midnight as 24-hour time: 510 -> '08:30'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def page_locale() -> str | None:
    """The page's locale when it is not English (Babel formats dates and numbers in it), else None.

    English keeps the site's own formats below, written out by hand; outside a request it is English too.
    """
    locale = get_locale()
    return None if locale is None or locale.language == "en" else str(locale)


def _dated(day: date, pattern: str, english: str) -> str:
    """English as the site writes it by hand, or the date in Babel's pattern for the page's locale."""
    locale = page_locale()
    return english if locale is None else str(format_date(day, pattern, locale=locale))


def day_label(day: date) -> str:
    """A date as the site writes it everywhere (US order, month in letters): 'Dec 1, 2026'; in Spanish '1 dic 2026'."""
    return _dated(day, "medium", f"{day:%b} {day.day}, {day.year}")


def month_label(day: date) -> str:
    """A month and year: 'Dec 2026'; in Spanish 'dic 2026'."""
    return _dated(day, "MMM y", f"{day:%b %Y}")


def long_date_label(day: date) -> str:
    """A date in full, without the weekday, as the certification mails give it: '01 March 2030'; in Spanish
    '1 de marzo de 2030'."""
    return _dated(day, "long", f"{day:%d %B %Y}")


def month_year_label(day: date) -> str:
    """A month in full and its year, as a calendar's title: 'March 2025'; in Spanish 'marzo de 2025'."""
    locale = page_locale()
    if locale is not None:
        return str(format_skeleton("yMMMM", day, locale=locale))
    return f"{day:%B} {day.year}"


def weekday_letters() -> tuple[str, ...]:
    """The weekdays' one-letter names from Monday, as a calendar's columns: M T W T F S S; in Spanish L M X J V S D."""
    locale = page_locale()
    if locale is None:
        return tuple("MTWTFSS")
    names = get_day_names("narrow", context="stand-alone", locale=locale)
    return tuple(str(names[weekday]) for weekday in range(7))


def long_day_label(day: date) -> str:
    """A date with its weekday, for an appointment: 'Tuesday, December 8, 2026'; in Spanish 'martes, 8 de diciembre de 2026'."""
    return _dated(day, "full", f"{day:%A, %B} {day.day}, {day.year}")


def number_label(number: float, *, decimals: int | None = None) -> str:
    """A number with the page's separators: '12,345' and '4.5' in English, '12.345' and '4,5' in Spanish."""
    locale = page_locale()
    if locale is None:
        return f"{number:,.{decimals}f}" if decimals is not None else f"{number:,}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(number, format=pattern, locale=locale))


def signed_number_label(number: float, *, decimals: int = 1) -> str:
    """A change with its sign always written: '+1.5', '-6.0' (as '%+.1f' writes them); in Spanish '+1,5', '-6,0'."""
    english = f"{number:+,.{decimals}f}"
    if page_locale() is None:
        return english
    # The sign of the rounded number, as English shows it ('-0.0' for a tiny fall), then the digits in the locale.
    return english[0] + number_label(abs(number), decimals=decimals)


def upper_first(text: str) -> str:
    """The text with its first letter a capital, the rest untouched: a Spanish date at the start of a heading."""
    return text[:1].upper() + text[1:]


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'; in Spanish 'a y b', 'a, b y c' (Babel's list pattern of the page's locale)."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    locale = page_locale()
    if locale is not None:
        return str(format_list(words, locale=locale))
    return ", ".join(words[:-1]) + " and " + words[-1]


def megabytes(size: int) -> str:
    """A size limit in words, as forms and messages give it: 2097152 -> '2 MB'."""
    return f"{size / 2**20:g} MB"
