from flask import jsonify, redirect, request
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from directory.extensions import db, limiter
from directory.http_caching import render_for_anyone
from directory.i18n import COOKIE, COOKIE_MAX_AGE, ORIGINAL_SCRIPT_NAME, in_language, safe_local_path
from directory.main import bp


@bp.route("/")
def index():
    """The home page: what dry needling is and is not, and where to start."""
    return render_for_anyone("main/index.html")


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """The app's and the database's state, as JSON, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    return jsonify(status="ok" if healthy else "degraded", app="ok", database=database), 200 if healthy else 503


@bp.route("/language/<any(en, es):language>")
def choose_language(language: str):
    """Remember the visitor's language (a cookie, and their account's) and show the page they were on in it."""
    # next is the page's path and query without any language prefix (language_path() in the templates).
    target = safe_local_path(request.args.get("next")) or "/"
    response = redirect(in_language(language, target, request.environ.get(ORIGINAL_SCRIPT_NAME, "")))
    if current_user.is_authenticated and current_user.language != language:
        # Notices and mail sent to them from now on (a therapist's answer, a reminder) follow this choice.
        current_user.language = language
        db.session.commit()
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response
