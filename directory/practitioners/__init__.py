from flask import Blueprint

bp = Blueprint("practitioners", __name__)

from directory.practitioners import routes  # noqa: E402,F401
