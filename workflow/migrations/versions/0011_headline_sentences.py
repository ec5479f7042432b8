"""headlines as sentences: every stored article gets its headline as the sentence before the first

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 17:40:00

Articles stored before headlines were translated get theirs here (position -1, never in the brief); the next
``briefdesk run`` over them, or a worker, translates it. A title that is only the article's id is not a headline.
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        INSERT INTO sentences (article_id, position, paragraph, text, in_brief)
        SELECT a.id, -1, -1, a.title, false FROM articles a
        WHERE a.title <> '' AND a.title <> a.external_id
          AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id AND s.position = -1)""")


def downgrade() -> None:
    op.execute("DELETE FROM sentences WHERE position = -1")  # their translations and revisions go with them
