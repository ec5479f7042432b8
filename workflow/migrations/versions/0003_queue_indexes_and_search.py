"""queue: indexes for order and filters; full-text search of titles and text (SQLite FTS5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:15:00
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_updated_at", "articles", ["updated_at", "id"])
    # Covers the queue's filters and counts (language, status) without touching the table.
    op.create_index("ix_reviews_lang_status", "reviews", ["lang", "status", "article_id"])
    if op.get_bind().dialect.name != "sqlite":
        return  # other databases search with ILIKE
    op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 2')")
    op.execute("INSERT INTO articles_fts(rowid, title, text) SELECT id, title, text FROM articles")
    op.execute("CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
               "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
               "old.text); END")
    op.execute("CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
               "old.text); INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_index("ix_reviews_lang_status", "reviews")
    op.drop_index("ix_articles_updated_at", "articles")
