"""check issues: what the translation checks found in each sentence's translation, and who dismissed it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:40:00

Translations stored before the checks existed have no rows until they are translated again or corrected.
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('sentence_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('check', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('dismissed_by', sa.String(length=80), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sentence_id'], ['sentences.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_check_issues_article_lang', 'check_issues', ['article_id', 'lang'], unique=False)
    op.create_index(op.f('ix_check_issues_sentence_id'), 'check_issues', ['sentence_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_check_issues_sentence_id'), table_name='check_issues')
    op.drop_index('ix_check_issues_article_lang', table_name='check_issues')
    op.drop_table('check_issues')
