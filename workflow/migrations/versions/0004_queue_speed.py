"""queue speed: a covering (status, article_id) index; article ids in the full-text index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:00:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _create_fts(columns: list[str]) -> None:
    """An external-content FTS5 index over ``columns`` of articles, kept current by triggers."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    add = f"INSERT INTO articles_fts(rowid, {names}) VALUES (new.id, {new});"
    remove = f"INSERT INTO articles_fts(articles_fts, rowid, {names}) VALUES ('delete', old.id, {old});"
    op.execute(f"CREATE VIRTUAL TABLE articles_fts USING fts5({names}, content='articles', content_rowid='id', "
               "tokenize='unicode61 remove_diacritics 2')")
    op.execute(f"INSERT INTO articles_fts(rowid, {names}) SELECT id, {names} FROM articles")
    op.execute(f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {add} END")
    op.execute(f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {remove} END")
    op.execute(f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF {names} ON articles BEGIN {remove} {add} END")


def _drop_fts() -> None:
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{name}")
    op.execute("DROP TABLE IF EXISTS articles_fts")


def upgrade() -> None:
    # Status filters read article ids straight from the index instead of one table row per review.
    op.drop_index("ix_reviews_status", "reviews")
    op.create_index("ix_reviews_status_article", "reviews", ["status", "article_id"])
    if op.get_bind().dialect.name != "sqlite":
        return
    # Searching ids through the full-text index avoids a LIKE scan over every article row.
    _drop_fts()
    _create_fts(["external_id", "title", "text"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_fts()
        _create_fts(["title", "text"])
    op.drop_index("ix_reviews_status_article", "reviews")
    op.create_index("ix_reviews_status", "reviews", ["status"])
