from flask import Blueprint

bp = Blueprint("reviews", __name__)

from directory.reviews import routes  # noqa: E402,F401
