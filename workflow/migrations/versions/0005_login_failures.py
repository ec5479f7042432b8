"""login failures in the database, so the rate limit holds across server processes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_failures_key_at', 'login_failures', ['key', 'at'])


def downgrade() -> None:
    op.drop_index('ix_login_failures_key_at', 'login_failures')
    op.drop_table('login_failures')
