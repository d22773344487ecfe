"""The password policy."""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

# The longest password taken: hashing is slow on purpose, and a megabyte "password" would make it slower.
PASSWORD_MAX_LENGTH = 200


class WeakPassword(ValueError):
    """The password breaks the policy; the message says why in plain words."""


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common leaked passwords that ship with zxcvbn.
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, min_length: int, email: str = "") -> None:
    """Raise WeakPassword unless the password is long enough and not a common one."""
    if len(password) < min_length:
        raise WeakPassword(f"Use at least {min_length} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword(f"Use at most {PASSWORD_MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        raise WeakPassword("This password is too common; choose one that is harder to guess.")
    if len(set(lowered)) < 4:
        raise WeakPassword("This password repeats too few characters; choose one that is harder to guess.")
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise WeakPassword("Do not use your email address in your password.")
