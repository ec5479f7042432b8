"""Backup and restore of the SQLite database (PostgreSQL has its own tools: pg_dump, pg_restore).

A backup is taken with SQLite's online backup API, consistent while the app and batches write. A restore only
accepts a healthy SQLite file holding a Briefdesk schema at a revision this version knows, and keeps the
database it replaces as a timestamped copy beside it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from workflow.store import Base, Store, StoreError, migrations


def backup(store: Store, target: str | Path) -> Path:
    """Copy the live database to ``target`` (a new file)."""
    source_path = sqlite_path(store.url)
    target = Path(target)
    if target.exists():
        raise StoreError(f"{target} already exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _open(source_path) as source, _open(target, write=True) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
    return target


def restore(source: str | Path, url: str) -> tuple[Path, Path | None]:
    """Replace the database at ``url`` with the backup ``source`` (stop the server and batch runs first).
    Returns the database path and the timestamped copy of what it held before (None if there was none)."""
    source = Path(source)
    if not source.is_file():
        raise StoreError(f"{source}: no such backup file")
    check(source)
    target = Path(sqlite_path(url))
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
        with _open(target) as live, _open(kept, write=True) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    with _open(source) as backup_db, _open(target, write=True) as live:
        backup_db.backup(live)
    return target, kept


def check(path: Path) -> str:
    """The schema revision of a Briefdesk backup, or a StoreError saying why ``path`` is not one."""
    _, scripts = migrations()
    known = {script.revision for script in scripts.walk_revisions()}
    try:
        with _open(path) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(f"{path}: not a healthy SQLite database")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revisions = [row[0] for row in db.execute("SELECT version_num FROM alembic_version")] \
                if "alembic_version" in tables else []
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not an SQLite database ({error})") from error
    if len(revisions) != 1 or revisions[0] not in known:
        raise StoreError(f"{path}: not a Briefdesk database (schema revision {revisions or 'missing'}; this "
                         f"version knows {', '.join(sorted(known))})")
    missing = {"articles", "sentences", "translations", "reviews", "users"} - tables
    if missing or not tables & set(Base.metadata.tables):
        raise StoreError(f"{path}: not a Briefdesk database (missing tables {', '.join(sorted(missing))})")
    return revisions[0]


def sqlite_path(url: str) -> str:
    if not url.startswith("sqlite:///"):
        raise StoreError("backup and restore work on SQLite; use your database's own tools for " + url.split(":")[0])
    return url.removeprefix("sqlite:///")


def _open(path: str | Path, *, write: bool = False) -> sqlite3.Connection:
    """A connection to the file at ``path`` exactly (a ``?`` or ``#`` in a name is part of the name)."""
    uri = Path(path).resolve().as_uri() + ("?mode=rwc" if write else "?mode=ro")
    return sqlite3.connect(uri, uri=True)
