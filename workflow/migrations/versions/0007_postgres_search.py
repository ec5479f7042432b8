"""PostgreSQL full-text search: a generated tsvector over id, title and text with a GIN index; id prefixes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 12:45:00
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The id and title weigh more than the text. 'english': stems, so "garments" finds "garment". The id's
# punctuation becomes spaces, or PostgreSQL reads "bench-00042" as "bench" and the number "-00042".
SEARCH = ("setweight(to_tsvector('english', translate(external_id, '-_./:', '     ') || ' ' || "
          "coalesce(title, '')), 'A') || "
          "setweight(to_tsvector('english', coalesce(text, '')), 'D')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite searches its FTS5 table (0003/0004)
    op.execute(f"ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ({SEARCH}) STORED")
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")
    # Ids typed in part ("voa-khm-2018-par…"): a prefix LIKE walks this index whatever the collation.
    op.execute("CREATE INDEX ix_articles_external_id_prefix ON articles (external_id text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_external_id_prefix")
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
