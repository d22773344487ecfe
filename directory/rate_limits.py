"""Rate limits that count only what was done, checked inside the view so the page can explain itself."""

import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from directory.extensions import limiter


class SuccessLimit:
    """A limit, from a config key, on how often one client address may do something that succeeded.

    Flask-Limiter's decorator answers a breach with a bare 429 before the view runs, which loses what
    the person typed; this one lets the view check first, show its own page, and count only success.
    It uses the limiter's storage, so the workers share it as they share every other limit.
    """

    def __init__(self, name: str, config_key: str):
        self.name = name
        self.config_key = config_key

    def _identifiers(self) -> tuple[str, ...]:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        return tuple(part for part in (prefix, get_remote_address(), self.name) if part)

    def _items(self):
        return parse_many(current_app.config[self.config_key])

    def seconds_to_wait(self) -> int:
        """How long until one more may be done: 0 when it may be done now."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return 0
        identifiers = self._identifiers()
        waits = [
            limiter.limiter.get_window_stats(item, *identifiers).reset_time - time.time()
            for item in self._items()
            if not limiter.limiter.test(item, *identifiers)
        ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def count(self) -> None:
        """Count one success against every limit."""
        if current_app.config.get("RATELIMIT_ENABLED", True):
            identifiers = self._identifiers()
            for item in self._items():
                limiter.limiter.hit(item, *identifiers)


def wait_in_words(seconds: int) -> str:
    """A wait as a person says it: 'in 40 seconds', 'in 12 minutes', 'in about 3 hours'."""
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    return f"in about {round(seconds / 3600)} hours"
