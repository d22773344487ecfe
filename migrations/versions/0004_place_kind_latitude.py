"""place: an index on (kind, latitude), so the country at a point is found from a latitude band

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index('ix_place_kind_latitude', ['kind', 'latitude'], unique=False)


def downgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index('ix_place_kind_latitude')
