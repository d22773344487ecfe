"""HTTP caching and compression: validators for public pages, versioned static files, gzip.

A page may be cached publicly (a browser, a proxy) and answered with 304 only when it was made
for nobody in particular: a visitor who is not logged in and has an empty session, and a
response that sets no cookie. Everything else that has no Cache-Control of its own is marked
private. Static files are linked with ?v=<hash of the file>, so they can be kept for a year.
"""

import gzip
import hashlib
from pathlib import Path

from flask import Flask, Response, render_template, request, session
from flask_login import current_user

from directory import fragments

STATIC_MAX_AGE = 365 * 24 * 3600
COMPRESSIBLE = (
    "text/html",
    "application/json",
    "application/problem+json",
    "application/fhir+json",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
)
# Answers that must always come fresh from the app (load balancers ask /healthz about its state now).
NEVER_CACHED = {"main.healthz"}
# The request headers that can make an answer conditional (304, 412) or partial; without any, the
# answer is sent whole and make_conditional need not run.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
)


def register_http_caching(app: Flask) -> None:
    """Add ?v= to static URLs, and set validators, Cache-Control and compression on every response."""
    versions: dict[str, str] = {}
    # Public pages that many visitors get alike (the home page) are gzipped once, keyed by their validator.
    gzipped: dict[tuple[str, int], bytes] = {}

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            values["v"] = static_version(app, values["filename"], versions)

    @app.after_request
    def cache_and_compress(response: Response) -> Response:
        # Headers are set as whole strings: werkzeug's vary/cache_control objects reparse and rewrite
        # the header on each change, which cost a fifth of a small page's time.
        level, min_size = app.config["COMPRESS_LEVEL"], app.config["COMPRESS_MIN_SIZE"]
        digest = None
        varies = _compressible(response, level)
        compressing = varies and request.accept_encodings.quality("gzip") > 0
        if request.endpoint == "static":
            if varies:
                _add_vary(response, "Accept-Encoding")
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        elif "Cache-Control" not in response.headers:
            _add_vary(response, *(("Accept-Encoding", "Cookie") if varies else ("Cookie",)))
            if _public(response):
                response.headers["Cache-Control"] = f"public, max-age={app.config['PUBLIC_PAGE_MAX_AGE']}"
                body = response.get_data()
                # The gzipped answer is another representation: its own validator, so that no cache mixes the two.
                digest = hashlib.sha1(body).hexdigest()
                tag = digest + ("-gzip" if compressing and len(body) >= min_size else "")
                response.set_etag(tag)
                if any(name in request.environ for name in CONDITIONAL_HEADERS):
                    response.make_conditional(request)
            else:
                response.headers["Cache-Control"] = "private, no-cache"
        elif varies:
            _add_vary(response, "Accept-Encoding")
        if compressing and response.status_code == 200:
            compress(response, min_size, level, gzipped if digest else None, digest)
        return response


def _add_vary(response: Response, *names: str) -> None:
    """Add names to the Vary header: set at once when there is none yet (most answers), merged otherwise."""
    if "Vary" in response.headers:
        for name in names:
            response.vary.add(name)
    else:
        response.headers["Vary"] = ", ".join(names)


def render_for_anyone(template: str) -> str:
    """A page that takes nothing from the request, rendered once per process for anonymous visitors with an empty session.

    Such a visitor has no flashes, no account links and no form token in the page, so it reads the
    same for all of them (kept in directory.fragments, per language); anyone else gets it rendered afresh.
    """
    if session or current_user.is_authenticated:
        return render_template(template)
    return fragments.cached("page", template, lambda: render_template(template))


def static_version(app: Flask, filename: str, versions: dict[str, str]) -> str:
    """The first characters of the file's SHA-256, computed once per file and process (per change in debug)."""
    if app.static_folder is None:  # an app without static files: nothing to version
        return "0"
    path = Path(app.static_folder, filename)
    try:
        key = f"{filename}:{path.stat().st_mtime_ns}" if app.debug else filename
    except OSError:
        return "0"
    if key not in versions:
        try:
            versions[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            return "0"
    return versions[key]


def _public(response: Response) -> bool:
    """Whether this answer is the same for every anonymous visitor, so that a shared cache may keep it."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and request.endpoint not in NEVER_CACHED
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session
        and not current_user.is_authenticated
    )


def _compressible(response: Response, level: int) -> bool:
    return (
        level > 0
        and response.status_code == 200
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        and response.mimetype in COMPRESSIBLE
    )


GZIPPED_KEPT = 256
GZIPPED_KEPT_MAX_BYTES = 64 * 1024


def compress(
    response: Response, min_size: int, level: int, kept: dict | None = None, digest: str | None = None
) -> None:
    """Gzip the body in place when it is at least min_size bytes (the caller checked that the client accepts gzip).

    With `kept` and the body's digest, a body gzipped before is not gzipped again.
    """
    body = response.get_data()
    if len(body) < min_size:
        return
    key = (digest, level)
    data = kept.get(key) if kept is not None else None
    if data is None:
        data = gzip.compress(body, compresslevel=level, mtime=0)
        if kept is not None and len(data) <= GZIPPED_KEPT_MAX_BYTES:
            if len(kept) >= GZIPPED_KEPT:
                kept.clear()
            kept[key] = data
    response.set_data(data)
    response.headers["Content-Encoding"] = "gzip"
