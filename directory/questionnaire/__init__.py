"""The headache questionnaire: warning signs first, then the headache, then ranked practitioners."""

from flask import Blueprint

bp = Blueprint("questionnaire", __name__)

from directory.questionnaire import routes  # noqa: E402,F401
