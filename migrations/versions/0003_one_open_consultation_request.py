"""one open consultation request per patient and practitioner, enforced by a partial unique index

Existing duplicates (two identical requests sent at once got both saved) are resolved first:
of a patient's open requests to one practitioner, the accepted one is kept, else the oldest;
the others are marked cancelled (nothing is deleted, nobody is notified).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OPEN = "status IN ('requested', 'accepted')"


def upgrade():
    op.execute(sa.text(
        "UPDATE consultation_request SET status = 'cancelled' "
        f"WHERE {OPEN} AND EXISTS ("
        " SELECT 1 FROM consultation_request AS keeper"
        " WHERE keeper.patient_id = consultation_request.patient_id"
        " AND keeper.profile_id = consultation_request.profile_id"
        " AND keeper.status IN ('requested', 'accepted')"
        " AND ((keeper.status = 'accepted' AND consultation_request.status = 'requested')"
        "  OR (keeper.status = consultation_request.status AND keeper.id < consultation_request.id)))"
    ))
    op.create_index(
        'uq_consultation_request_open', 'consultation_request', ['patient_id', 'profile_id'], unique=True,
        sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('uq_consultation_request_open', table_name='consultation_request')
