"""outcomes: consent to count toward a practitioner's figures, per-patient results, strata and summaries

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_outcome_consent_patient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['therapist_profile.id'], name=op.f('fk_outcome_consent_profile_id_therapist_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_consent')),
    sa.UniqueConstraint('patient_id', 'profile_id', name='uq_outcome_consent_patient_profile')
    )
    with op.batch_alter_table('outcome_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_consent_profile_id'), ['profile_id'], unique=False)

    op.create_table('outcome_result',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('first_session', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('baseline_headache_days', sa.Float(), nullable=True),
    sa.Column('follow_up_headache_days', sa.Float(), nullable=True),
    sa.Column('change', sa.Float(), nullable=True),
    sa.Column('responder_50', sa.Boolean(), nullable=True),
    sa.Column('chronic', sa.Boolean(), nullable=True),
    sa.Column('overuse', sa.Boolean(), nullable=True),
    sa.Column('fingerprint', sa.String(length=120), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('evaluable', 'recording', 'stopped')", name=op.f('ck_outcome_result_status')),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_outcome_result_patient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['therapist_profile.id'], name=op.f('fk_outcome_result_profile_id_therapist_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patient_id', 'profile_id', name=op.f('pk_outcome_result'))
    )
    with op.batch_alter_table('outcome_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_result_profile_id'), ['profile_id'], unique=False)

    op.create_table('outcome_stratum',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('evaluable', sa.Integer(), nullable=False),
    sa.Column('median_change', sa.Float(), nullable=True),
    sa.Column('responder_share', sa.Float(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_outcome_stratum'))
    )

    op.create_table('outcome_summary',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('evaluable', sa.Integer(), nullable=False),
    sa.Column('recording', sa.Integer(), nullable=False),
    sa.Column('stopped', sa.Integer(), nullable=False),
    sa.Column('responders', sa.Integer(), nullable=True),
    sa.Column('median_change', sa.Float(), nullable=True),
    sa.Column('median_change_low', sa.Float(), nullable=True),
    sa.Column('median_change_high', sa.Float(), nullable=True),
    sa.Column('responder_share', sa.Float(), nullable=True),
    sa.Column('responder_share_low', sa.Float(), nullable=True),
    sa.Column('responder_share_high', sa.Float(), nullable=True),
    sa.Column('expected_change', sa.Float(), nullable=True),
    sa.Column('expected_share', sa.Float(), nullable=True),
    sa.Column('label', sa.String(length=25), nullable=True),
    sa.Column('ranking_part', sa.Float(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("label IS NULL OR label IN ('better_than_expected', 'as_expected', 'worse_than_expected')", name=op.f('ck_outcome_summary_label')),
    sa.CheckConstraint('median_change IS NULL OR evaluable >= 25', name=op.f('ck_outcome_summary_figures_only_when_shown')),
    sa.ForeignKeyConstraint(['profile_id'], ['therapist_profile.id'], name=op.f('fk_outcome_summary_profile_id_therapist_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', name=op.f('pk_outcome_summary'))
    )


def downgrade():
    op.drop_table('outcome_summary')
    op.drop_table('outcome_stratum')
    with op.batch_alter_table('outcome_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_result_profile_id'))
    op.drop_table('outcome_result')
    with op.batch_alter_table('outcome_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_consent_profile_id'))
    op.drop_table('outcome_consent')
