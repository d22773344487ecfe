"""Refusals: an action a service will not do, with a message for the person who asked, in their page's language."""

from flask_babel import gettext


class Refusal(ValueError):
    """Raise with the English message marked N_ (so that pybabel extracts it) and its values, named.

    The message is translated when raised: services run inside the request that asked, so `str(error)` is
    ready to flash or show on the page, in English or Spanish.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(gettext(message, **values))
