from flask import Blueprint

bp = Blueprint("therapist", __name__)

from directory.therapist import routes  # noqa: E402,F401
