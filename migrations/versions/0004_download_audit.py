"""download audit log (written by hand, checked against the models by tests/test_app.py)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('download_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('download', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("download IN ('responses_csv', 'responses_xlsx', 'report_html', 'report_pdf', 'report_json')", name=op.f('ck_download_records_download')),
    sa.CheckConstraint("channel IN ('web', 'cli')", name=op.f('ck_download_records_channel')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_download_records_survey_id_surveys')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_download_records_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_download_records'))
    )
    with op.batch_alter_table('download_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_download_records_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_download_records_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_download_records_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('download_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_download_records_user_id'))
        batch_op.drop_index(batch_op.f('ix_download_records_survey_id'))
        batch_op.drop_index(batch_op.f('ix_download_records_created_at'))

    op.drop_table('download_records')
