"""theme runs: when a run last advanced and which process carries it out

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progressed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.drop_column("worker")
        batch_op.drop_column("progressed_at")
