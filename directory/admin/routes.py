from flask import render_template
from sqlalchemy import select

from directory.access import role_required
from directory.admin import bp
from directory.extensions import db
from directory.models import OutboxMessage, Role


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox():
    """The mail the outbox backend kept, newest first."""
    page = db.paginate(select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), per_page=25)
    return render_template("admin/outbox.html", page=page)
