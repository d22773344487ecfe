from flask import Blueprint

bp = Blueprint("diary", __name__)

from directory.diary import routes  # noqa: E402,F401
