"""survey builder: draft status and the builder's working copy (reviewed by hand)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft", sa.JSON(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_surveys_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_surveys_status"), "status IN ('draft', 'open', 'closed')"
        )


def downgrade():
    # Drafts were never published: nobody answered them, so they can go.
    op.execute(
        "DELETE FROM communities WHERE survey_id IN (SELECT id FROM surveys WHERE status = 'draft')"
    )
    op.execute("DELETE FROM surveys WHERE status = 'draft'")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_surveys_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_surveys_status"), "status IN ('open', 'closed')"
        )
        batch_op.drop_column("draft")
