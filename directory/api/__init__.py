"""The JSON API, version 1: public and read-only, documented by OpenAPI generated from its schemas."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from directory.api import diary, routes  # noqa: E402,F401
