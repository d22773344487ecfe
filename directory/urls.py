"""URLs built once: templates call url_for dozens of times per page, mostly for the same few addresses.

Building a URL walks werkzeug's routing for each call (a tenth of the home page's time, an eighth of
the search page's). The addresses that take no values (the navigation) and the static files (with
their ?v= version) are the same on every request, and a profile's address differs from the next
one's only by its slug, so they are built once and reused.
"""

import re
from collections.abc import Callable

from flask import Flask, has_request_context, request, url_for

# Characters no URL quoting ever changes: a slug made only of these goes into the address as it is.
UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
# The cache is keyed by the script root too (a deployment under a path prefix); bounded so that
# unexpected roots cannot grow it.
URL_CACHE_SIZE = 512


def register_url_helpers(app: Flask) -> None:
    """Make the templates' url_for remember the URLs that are the same on every request, and add profile_urls."""
    build = app.url_for
    cache: dict[tuple, str] = {}

    def remembering_url_for(endpoint: str, /, **values) -> str:
        """Flask's url_for; an endpoint without values, or a static file by name alone, is built once per script root."""
        if app.debug or not has_request_context() or endpoint.startswith("."):
            return build(endpoint, **values)
        if values and not (endpoint == "static" and values.keys() == {"filename"}):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        url = cache.get(key)
        if url is None:
            url = build(endpoint, **values)
            if len(cache) >= URL_CACHE_SIZE:
                cache.clear()
            cache[key] = url
        return url

    app.jinja_env.globals["url_for"] = remembering_url_for
    app.jinja_env.globals["profile_urls"] = profile_urls


def profile_urls(_external: bool = False, **query) -> Callable[[str], str]:
    """A function giving url_for('practitioners.show', slug=slug, _external=_external, **query) for any slug,
    with the rest built once (a search page's cards, an API page's items)."""
    sample = url_for("practitioners.show", slug="x", _external=_external)
    with_query = url_for("practitioners.show", slug="x", _external=_external, **query)
    prefix, suffix = sample[:-1], with_query[len(sample) :]

    def profile_url(slug: str) -> str:
        if UNRESERVED.fullmatch(slug):
            return prefix + slug + suffix
        return url_for("practitioners.show", slug=slug, _external=_external, **query)

    return profile_url
