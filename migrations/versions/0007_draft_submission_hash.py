"""drafts keep only a hash of their submission token (reviewed by hand)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00

"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

drafts = sa.table(
    "drafts",
    sa.column("id", sa.Integer),
    sa.column("submission_token", sa.String),
    sa.column("submission_hash", sa.String),
)


def _sha256(token):
    return hashlib.sha256(token.encode()).hexdigest()


def upgrade():
    # Unfinished drafts (a week's worth at most) keep working: their pages
    # carry the plain token, which now matches the stored hash.
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(drafts.c.id, drafts.c.submission_token)).all()
    for draft_id, token in rows:
        connection.execute(
            drafts.update().where(drafts.c.id == draft_id).values(submission_hash=_sha256(token))
        )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.alter_column("submission_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_drafts_submission_hash"), ["submission_hash"]
        )
        batch_op.drop_constraint(batch_op.f("uq_drafts_submission_token"), type_="unique")
        batch_op.drop_column("submission_token")


def downgrade():
    # The plain tokens cannot be recovered from their hashes: each draft gets
    # a new one (a page still open on a phone then starts a fresh draft).
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (draft_id,) in connection.execute(sa.select(drafts.c.id)).all():
        connection.execute(
            drafts.update()
            .where(drafts.c.id == draft_id)
            .values(submission_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.alter_column("submission_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_drafts_submission_token"), ["submission_token"]
        )
        batch_op.drop_constraint(batch_op.f("uq_drafts_submission_hash"), type_="unique")
        batch_op.drop_column("submission_hash")
