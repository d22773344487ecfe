from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from directory.extensions import db, limiter
from directory.http_caching import render_for_anyone
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
