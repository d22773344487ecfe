"""place: an index on (kind, latitude), so the country at a point is found from a latitude band

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index('ix_place_kind_latitude', ['kind', 'latitude'], unique=False)


def downgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index('ix_place_kind_latitude')
