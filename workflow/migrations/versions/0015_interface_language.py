"""interface language: each user's choice of the review app's language

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 01:00:00

Existing users have none ("") and get their browser's language until they choose one.
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('locale', sa.String(length=16), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locale')
