"""consultation request: the time the patient could not come to, and what they wrote when asking for another

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declined_time', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('another_time_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('consultation_request', schema=None) as batch_op:
        batch_op.drop_column('another_time_note')
        batch_op.drop_column('declined_time')
