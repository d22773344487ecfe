"""saved_practitioner: a patient's shortlist of practitioners

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_practitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['therapist_profile.id'], name=op.f('fk_saved_practitioner_profile_id_therapist_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_practitioner_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_practitioner')),
    sa.UniqueConstraint('user_id', 'profile_id', name='uq_saved_practitioner_user_profile')
    )
    with op.batch_alter_table('saved_practitioner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_practitioner_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_practitioner_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_practitioner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_practitioner_user_id'))
        batch_op.drop_index(batch_op.f('ix_saved_practitioner_profile_id'))

    op.drop_table('saved_practitioner')
