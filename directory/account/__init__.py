from flask import Blueprint

bp = Blueprint("account", __name__)

from directory.account import routes  # noqa: E402,F401
