from flask import Blueprint

bp = Blueprint("consultations", __name__)

from directory.consultations import routes  # noqa: E402,F401
