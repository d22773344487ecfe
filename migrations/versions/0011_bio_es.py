"""bio_es: a practitioner's optional second bio, in Spanish, for the /es/ pages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('therapist_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio_es', sa.Text(), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy of therapist_profile on SQLite would drop the
    # table, and its ON DELETE CASCADE children (the search listing, certifications) with it.
    op.execute('ALTER TABLE therapist_profile DROP COLUMN bio_es')
