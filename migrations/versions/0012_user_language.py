"""user.language: the language of the notices and mail a user is sent later

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE on both engines: a batch copy of "user" on SQLite would drop the table, and its
    # ON DELETE CASCADE children with it. Everyone who signed up before this reads English until they
    # choose Spanish with the language switcher.
    op.execute(
        "ALTER TABLE \"user\" ADD COLUMN language VARCHAR(2) DEFAULT 'en' NOT NULL "
        "CONSTRAINT ck_user_language CHECK (language IN ('en', 'es'))"
    )


def downgrade():
    op.execute('ALTER TABLE "user" DROP COLUMN language')
