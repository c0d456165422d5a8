"""drafts keep each page's checked answers (reviewed by hand)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: drafts from before have no checked pages, and sending them
    # checks every page with its form as before.
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("checked")
