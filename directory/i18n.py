"""Languages: English at today's URLs, Spanish under /es/, chosen by the URL (the API: by Accept-Language).

The prefix is taken off the path before routing (LanguagePrefix, a WSGI middleware) and put into
SCRIPT_NAME, so every route serves both languages unchanged and every url_for on a Spanish page
builds a /es/... address by itself.
"""

from collections.abc import Callable, Iterable
from urllib.parse import urlencode, urlsplit, urlunsplit

from babel import Locale
from flask import Flask, Response, current_app, has_request_context, redirect, request, url_for
from flask_babel import get_locale

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# The one prefixed language, and the environ key that marks a request made under its prefix.
PREFIXED = "es"
ENVIRON_KEY = "directory.language"
ORIGINAL_SCRIPT_NAME = "directory.script_name"
COOKIE = "language"
COOKIE_MAX_AGE = 365 * 24 * 3600
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
NAVIGATION_ARGS = frozenset({"back", "next"})


class LanguagePrefix:
    """WSGI middleware: /es and /es/... are served as / and /... with SCRIPT_NAME ending in /es, marked Spanish."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        prefix = "/" + PREFIXED
        script_name = environ.get("SCRIPT_NAME", "")
        environ[ORIGINAL_SCRIPT_NAME] = script_name
        if path == prefix or path.startswith(prefix + "/"):
            environ["SCRIPT_NAME"] = script_name + prefix
            environ["PATH_INFO"] = path[len(prefix) :] or "/"
            environ[ENVIRON_KEY] = PREFIXED
        return self.wsgi_app(environ, start_response)


def page_language() -> str:
    """The language of this request: the URL's for pages, the best Accept-Language match for the API.

    Outside a request (commands, mail sent by a job) it is English.
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if request.environ.get(ENVIRON_KEY) == PREFIXED:
        return PREFIXED
    if request.path.startswith(("/api/", "/fhir/")):
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


# Made once: Flask-Babel parses the locale selector's answer on every request unless it is a Locale already.
LOCALES = {language: Locale.parse(language) for language in LANGUAGES}


def page_locale() -> Locale:
    """The locale of this request's language, for Flask-Babel (its locale selector)."""
    return LOCALES[page_language()]


def current_language() -> str:
    """The language the page is being rendered in ('en' or 'es')."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def language_path() -> str:
    """This page's path and query without any language prefix: the same for every language.

    Addresses to return to (back, next) are left out: they belong to the language they were made in, and
    the page echoes no address a link brought in.
    """
    kept = [(name, value) for name, value in request.args.items(multi=True) if name not in NAVIGATION_ARGS]
    return request.path + ("?" + urlencode(kept) if kept else "")


def in_language(language: str, path: str, root: str = "") -> str:
    """A path of the site (without any language prefix) as the address of its page in the given language."""
    return root + ("/" + PREFIXED if language == PREFIXED else "") + path


def language_url(language: str, *, absolute: bool = False) -> str:
    """This page's address (path and query) in the given language."""
    url = in_language(language, language_path(), request.environ.get(ORIGINAL_SCRIPT_NAME, request.script_root))
    return request.host_url.rstrip("/") + url if absolute else url


def absolute_url(endpoint: str, **values) -> str:
    """The full address of an endpoint in the language being spoken: the page's, or the one force_locale chose.

    url_for alone builds in the language of the request (a Spanish page's SCRIPT_NAME ends in /es), which is
    not the language of a notice sent to someone else: a therapist answering in English, a patient reading Spanish.
    """
    url = urlsplit(url_for(endpoint, _external=True, **values))
    if has_request_context():
        spoken, root = request.script_root, request.environ.get(ORIGINAL_SCRIPT_NAME, request.script_root)
    else:  # a command: no prefix, only the application root
        spoken = root = current_app.config["APPLICATION_ROOT"].rstrip("/")
    path = in_language(current_language(), url.path[len(spoken) :], root)
    return urlunsplit(url._replace(path=path))


def safe_local_path(target: str | None) -> str | None:
    """The target when it is a path on this site (no scheme, no host, not //), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def register_languages(app: Flask) -> None:
    """Serve /es/ as Spanish, send a first bare visit to / to /es/ when the browser prefers Spanish, and add template helpers."""
    # Flask documents this wrapping of wsgi_app, but its typing declares it a method.
    app.wsgi_app = LanguagePrefix(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def send_spanish_readers_home():
        # Only the bare home page, only in English, only for a GET: no link anyone followed is redirected.
        if request.path != "/" or request.method != "GET" or page_language() != DEFAULT_LANGUAGE:
            return None
        if request.environ.get(ENVIRON_KEY) or request.script_root != request.environ.get(ORIGINAL_SCRIPT_NAME, ""):
            return None
        chosen = request.cookies.get(COOKIE)
        browser = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
        wanted = chosen if chosen in LANGUAGES else browser
        if wanted != PREFIXED:
            return None
        response = redirect(language_url(PREFIXED), 302)
        if chosen is None:
            # Remembered, so the browser's preference decides once; the switcher's choice replaces it.
            response.set_cookie(COOKIE, PREFIXED, max_age=COOKIE_MAX_AGE, samesite="Lax")
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response

    @app.after_request
    def say_the_language(response: Response) -> Response:
        if request.endpoint != "static":
            response.headers.setdefault("Content-Language", current_language())
            if request.path == "/" and request.environ.get(ENVIRON_KEY) is None:
                response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def inject_languages():
        return {
            "page_language": current_language,
            "language_url": language_url,
            "language_path": language_path,
            "language_names": LANGUAGE_NAMES,
            "site_languages": LANGUAGES,
        }
