"""Two admins acting on one account at the same instant, over HTTP, against one database."""

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import AuditEvent, OutboxMessage, Role, User
from tests import factories

ROUNDS = 5


def test_two_admins_suspending_one_account_at_once_suspend_it_once(served_app, race):
    # The account row is locked (FOR UPDATE on PostgreSQL) before "already suspended?" is asked, so the second
    # admin waits, then reads it suspended: one audit event, one mail, and that admin is told so.
    with served_app.app.app_context():
        admins = [factories.make_user(Role.ADMIN).email for _ in range(2)]
        db.session.commit()
    visitors = [served_app.login(email) for email in admins]
    for _ in range(ROUNDS):
        with served_app.app.app_context():
            patient = factories.make_user(Role.PATIENT)
            db.session.commit()
            patient_id, patient_email = patient.id, patient.email
        path = f"/admin/users/{patient_id}/suspend"
        responses = race(*(lambda v=v, path=path: v.post(path, {"reason": "Spam reviews"}) for v in visitors))
        assert [r.status for r in responses] == [302, 302], [r.text[:2000] for r in responses]
        with served_app.app.app_context():
            suspended = db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "user.suspended", AuditEvent.target_id == patient_id)
            )
            mails = db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == patient_email)
            )
            assert (suspended, mails) == (1, 1)
            assert db.session.get(User, patient_id).active is False
