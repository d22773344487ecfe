"""the headache diary: daily entries with their acute medicines, treatment sessions, shares, reminders

Every constraint is in the database: one entry per patient and day, pain 0-10, function 0-4, the
duration, medicine and relief codes, no day before 2000, and a headache-free day with nothing else
recorded. Plain CREATE TABLE statements, the same on SQLite and PostgreSQL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diary_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('headache', sa.Boolean(), nullable=False),
    sa.Column('pain', sa.Integer(), nullable=True),
    sa.Column('duration', sa.String(length=10), nullable=True),
    sa.Column('one_side', sa.Boolean(), nullable=True),
    sa.Column('throbbing', sa.Boolean(), nullable=True),
    sa.Column('worse_with_activity', sa.Boolean(), nullable=True),
    sa.Column('nausea_or_vomiting', sa.Boolean(), nullable=True),
    sa.Column('light_and_sound', sa.Boolean(), nullable=True),
    sa.Column('aura_5_60_min', sa.Boolean(), nullable=True),
    sa.Column('function_level', sa.Integer(), nullable=True),
    sa.Column('triggers', sa.JSON(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("day >= '2000-01-01'", name=op.f('ck_diary_entry_day_not_before_2000')),
    sa.CheckConstraint("duration IS NULL OR duration IN ('lt_30m', '30m_4h', '4h_24h', 'all_day')", name=op.f('ck_diary_entry_duration')),
    sa.CheckConstraint("source IN ('form', 'import')", name=op.f('ck_diary_entry_source')),
    sa.CheckConstraint('function_level IS NULL OR function_level BETWEEN 0 AND 4', name=op.f('ck_diary_entry_function_level')),
    sa.CheckConstraint('headache OR (pain IS NULL AND duration IS NULL AND one_side IS NULL AND throbbing IS NULL AND worse_with_activity IS NULL AND nausea_or_vomiting IS NULL AND light_and_sound IS NULL AND aura_5_60_min IS NULL)', name=op.f('ck_diary_entry_headache_free_day_is_empty')),
    sa.CheckConstraint('pain IS NULL OR pain BETWEEN 0 AND 10', name=op.f('ck_diary_entry_pain')),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_diary_entry_patient_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_entry')),
    sa.UniqueConstraint('patient_id', 'day', name='uq_diary_entry_patient_day')
    )
    op.create_table('diary_reminder',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('minute_of_day', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('last_sent_on', sa.Date(), nullable=True),
    sa.CheckConstraint('minute_of_day BETWEEN 0 AND 1439', name=op.f('ck_diary_reminder_minute_of_day')),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_diary_reminder_patient_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_diary_reminder'))
    )
    with op.batch_alter_table('diary_reminder', schema=None) as batch_op:
        batch_op.create_index('ix_diary_reminder_enabled', ['enabled'], unique=False)

    op.create_table('diary_medicine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('medicine_class', sa.String(length=20), nullable=False),
    sa.Column('relief', sa.String(length=10), nullable=True),
    sa.CheckConstraint("medicine_class IN ('simple', 'combination', 'triptan', 'ergot', 'opioid', 'other')", name=op.f('ck_diary_medicine_medicine_class')),
    sa.CheckConstraint("relief IS NULL OR relief IN ('none', 'some', 'good', 'complete')", name=op.f('ck_diary_medicine_relief')),
    sa.ForeignKeyConstraint(['entry_id'], ['diary_entry.id'], name=op.f('fk_diary_medicine_entry_id_diary_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_medicine')),
    sa.UniqueConstraint('entry_id', 'medicine_class', name='uq_diary_medicine_entry_class')
    )
    with op.batch_alter_table('diary_medicine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diary_medicine_entry_id'), ['entry_id'], unique=False)

    op.create_table('diary_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_diary_share_patient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['therapist_profile.id'], name=op.f('fk_diary_share_profile_id_therapist_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_share')),
    sa.UniqueConstraint('patient_id', 'profile_id', name='uq_diary_share_patient_profile')
    )
    with op.batch_alter_table('diary_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diary_share_profile_id'), ['profile_id'], unique=False)

    op.create_table('treatment_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("day >= '2000-01-01'", name=op.f('ck_treatment_session_day_not_before_2000')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation_request.id'], name=op.f('fk_treatment_session_consultation_id_consultation_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['user.id'], name=op.f('fk_treatment_session_patient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_treatment_session_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treatment_session')),
    sa.UniqueConstraint('patient_id', 'day', name='uq_treatment_session_patient_day')
    )
    with op.batch_alter_table('treatment_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_treatment_session_consultation_id'), ['consultation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('treatment_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_treatment_session_consultation_id'))

    op.drop_table('treatment_session')
    with op.batch_alter_table('diary_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diary_share_profile_id'))

    op.drop_table('diary_share')
    with op.batch_alter_table('diary_medicine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diary_medicine_entry_id'))

    op.drop_table('diary_medicine')
    with op.batch_alter_table('diary_reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_diary_reminder_enabled')

    op.drop_table('diary_reminder')
    op.drop_table('diary_entry')
