"""HTTP caching and compression: validators for public pages, versioned static files, gzip.

A page may be cached publicly (a browser, a proxy) and answered with 304 only when it was made
for nobody in particular: a visitor who is not logged in and has an empty session, and a
response that sets no cookie. Everything else that has no Cache-Control of its own is marked
private. Static files are linked with ?v=<hash of the file>, so they can be kept for a year.
"""
import gzip
import hashlib
from pathlib import Path

from flask import Flask, Response, request, session
from flask_login import current_user

STATIC_MAX_AGE = 365 * 24 * 3600
COMPRESSIBLE = ("text/html", "application/json", "application/problem+json", "text/css", "text/javascript", "application/javascript", "image/svg+xml")
# Answers that must always come fresh from the app (load balancers ask /healthz about its state now).
NEVER_CACHED = {"main.healthz"}


def register_http_caching(app: Flask) -> None:
    """Add ?v= to static URLs, and set validators, Cache-Control and compression on every response."""
    versions: dict[str, str] = {}

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            values["v"] = static_version(app, values["filename"], versions)

    @app.after_request
    def cache_and_compress(response: Response) -> Response:
        level, min_size = app.config["COMPRESS_LEVEL"], app.config["COMPRESS_MIN_SIZE"]
        varies = _compressible(response, level)
        if varies:
            response.vary.add("Accept-Encoding")
        compressing = varies and request.accept_encodings.quality("gzip") > 0
        if request.endpoint == "static":
            if request.args.get("v"):
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = STATIC_MAX_AGE
                response.cache_control.immutable = True
        elif "Cache-Control" not in response.headers:
            response.vary.add("Cookie")
            if _public(response):
                response.cache_control.public = True
                response.cache_control.max_age = app.config["PUBLIC_PAGE_MAX_AGE"]
                body = response.get_data()
                # The gzipped answer is another representation: its own validator, so that no cache mixes the two.
                tag = hashlib.sha1(body).hexdigest() + ("-gzip" if compressing and len(body) >= min_size else "")
                response.set_etag(tag)
                response.make_conditional(request)
            else:
                response.cache_control.private = True
                response.cache_control.no_cache = True
        if compressing and response.status_code == 200:
            compress(response, min_size, level)
        return response


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


def compress(response: Response, min_size: int, level: int) -> None:
    """Gzip the body in place when it is at least min_size bytes (the caller checked that the client accepts gzip)."""
    body = response.get_data()
    if len(body) < min_size:
        return
    response.set_data(gzip.compress(body, compresslevel=level, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
