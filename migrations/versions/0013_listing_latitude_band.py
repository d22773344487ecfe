"""search listing: lat_band, the quarter-degree strip of latitude the covering index now leads with

An index led by latitude reads, for a search box, every entry in the box's latitudes across the
whole width of the map, and tests longitude on each (at 1,000,000 listings a rural search read
tens of thousands). Led by the band and then longitude, it reads one short range per band.
The bands are worked out as services.geo.points.latitude_band does: floor((latitude + 90) * 4),
in the same double arithmetic (CAST truncates, which is floor for these non-negative values).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_OLD_INDEXED = ['latitude', 'longitude', 'verified_until', 'headache_mask', 'mode_mask', 'language_mask',
                'availability_mask', 'access_mask', 'accepting_new_patients', 'fee_min', 'fee_max',
                'accepts_self_pay', 'gender', 'practising_since', 'review_count', 'rating_total', 'profile_id']
_NEW_INDEXED = ['lat_band', 'longitude', 'latitude', *_OLD_INDEXED[2:]]


def upgrade():
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.drop_index('ix_search_listing_geo')
        batch_op.add_column(sa.Column('lat_band', sa.SmallInteger(), nullable=True))
    band = ('floor((latitude + 90.0) * 4)' if op.get_bind().dialect.name == 'postgresql'
            else 'CAST((latitude + 90.0) * 4 AS INTEGER)')
    op.execute(f"UPDATE search_listing SET lat_band = {band}")
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.alter_column('lat_band', existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_index('ix_search_listing_geo', _NEW_INDEXED, unique=False)


def downgrade():
    with op.batch_alter_table('search_listing', schema=None) as batch_op:
        batch_op.drop_index('ix_search_listing_geo')
        batch_op.drop_column('lat_band')
        batch_op.create_index('ix_search_listing_geo', _OLD_INDEXED, unique=False)
