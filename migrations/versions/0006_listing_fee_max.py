"""search listing: fee_max, the most a session costs, which the fee filter compares

Filled from the profiles here (fee_max, or fee_min when a profile gives one fee); the covering
index is rebuilt with it.

Revision ID: 0006
Revises: 0004 (to be rechained after 0005 at merge)
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_INDEXED = ['latitude', 'longitude', 'verified_until', 'headache_mask', 'mode_mask', 'language_mask',
            'availability_mask', 'access_mask', 'accepting_new_patients', 'fee_min']
_INDEXED_TAIL = ['accepts_self_pay', 'gender', 'practising_since', 'review_count', 'rating_total', 'profile_id']


def upgrade():
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.drop_index('ix_search_listing_geo')
        batch_op.add_column(sa.Column('fee_max', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE search_listing SET fee_max = (SELECT COALESCE(therapist_profile.fee_max, therapist_profile.fee_min)"
        " FROM therapist_profile WHERE therapist_profile.id = search_listing.profile_id)"
    )
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.create_index('ix_search_listing_geo', [*_INDEXED, 'fee_max', *_INDEXED_TAIL], unique=False)


def downgrade():
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.drop_index('ix_search_listing_geo')
        batch_op.drop_column('fee_max')
        batch_op.create_index('ix_search_listing_geo', [*_INDEXED, *_INDEXED_TAIL], unique=False)
