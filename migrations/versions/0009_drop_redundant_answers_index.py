"""answers: drop the index on response_id alone (reviewed by hand)

The unique index on (response_id, question_key) starts with response_id and
serves the same lookups on both engines; the second index only cost every
stored answer one more write.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 20:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_response_id"))


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_response_id"), ["response_id"], unique=False)
