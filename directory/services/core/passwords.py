"""The password policy."""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from directory.services.core.text import gettext

# The longest password taken: hashing is slow on purpose, and a megabyte "password" would make it slower.
PASSWORD_MAX_LENGTH = 200


class WeakPassword(ValueError):
    """The password breaks the policy; the message says why in plain words."""


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common leaked passwords that ship with zxcvbn.
    return frozenset(FREQUENCY_LISTS["passwords"])


def _t(text: str, **values: object) -> str:
    """A problem in the page's language (English outside a request)."""
    return str(gettext(text, **values))


def password_problems(password: str, min_length: int, email: str = "") -> list[str]:
    """Every way the password breaks the policy, in plain words (empty when it is fine)."""
    problems = []
    if len(password) < min_length:
        problems.append(_t("Use at least %(min)d characters.", min=min_length))
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(_t("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        problems.append(_t("This password is too common; choose one that is harder to guess."))
    elif len(set(lowered)) < 4:
        problems.append(_t("This password repeats too few characters; choose one that is harder to guess."))
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        problems.append(_t("Do not use your email address in your password."))
    return problems


def check_password(password: str, min_length: int, email: str = "") -> None:
    """Raise WeakPassword, naming every problem at once, unless the password is long enough and not a common one."""
    problems = password_problems(password, min_length, email)
    if problems:
        raise WeakPassword(" ".join(problems))
