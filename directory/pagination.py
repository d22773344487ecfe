"""One paginate for every paginated page: the ?page= number read once and bounded."""

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from directory.extensions import db

# The largest page any list may ask for: its offset (page x page size) still fits the databases' 64-bit
# integers, where a number like 461168601842738792 overflowed them and was a 500.
MAX_PAGE = 2**31 - 1


def paginate(statement: Select, per_page: int) -> Pagination:
    """db.paginate over ?page=; a page below 1, beyond MAX_PAGE or past the last is a 404."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return db.paginate(statement, page=page, per_page=per_page, max_per_page=per_page, error_out=True)
