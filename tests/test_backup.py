"""Backup and restore: a consistent copy, and a restore that only ever accepts a Briefdesk backup and keeps
what it replaces."""

import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from workflow.backup import backup, restore
from workflow.cli import main
from workflow.store import Article, StoreError, Translation


def _articles(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(Article.id)))


def test_round_trip_keeps_the_replaced_database(reviewed_store, tmp_path):
    copy = backup(reviewed_store, tmp_path / "backup.db")
    with reviewed_store.session() as session:
        session.execute(text("DELETE FROM articles"))
    assert _articles(reviewed_store) == 0
    target, kept = restore(copy, reviewed_store.url)
    assert _articles(reviewed_store) == 3
    with reviewed_store.read() as session:
        assert session.scalar(select(func.count(Translation.id))) > 0
    with sqlite3.connect(kept) as before:  # the emptied database, kept beside the live one
        assert before.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert kept.parent == target.parent and ".before-restore-" in kept.name
    with pytest.raises(StoreError, match="already exists"):
        backup(reviewed_store, copy)


def test_a_path_with_question_mark_is_a_path(reviewed_store, tmp_path):
    odd = tmp_path / "what?ever#1"
    odd.mkdir()
    copy = backup(reviewed_store, odd / "b?.db")
    assert copy.is_file()
    restore(copy, reviewed_store.url)
    assert _articles(reviewed_store) == 3
    assert sorted(p.name for p in odd.iterdir()) == ["b?.db"]  # no stray file


def _other_app(path, revision="abcdef123456"):
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
        other.execute("CREATE TABLE alembic_version (version_num TEXT)")
        other.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    return path


def _text_file(path):
    path.write_text("not a database at all\n" * 100)
    return path


def _zip_file(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("briefdesk.db", "x")
    return path


@pytest.mark.parametrize("make,reason", [
    (_text_file, "not an SQLite database"),
    (_zip_file, "not an SQLite database"),
    (lambda p: _other_app(p), "not a Briefdesk database"),
    (lambda p: _other_app(p, revision="0005"), "not a Briefdesk database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)") and p, "not a Briefdesk database"),
])
def test_anything_but_a_briefdesk_backup_is_refused_and_nothing_changes(reviewed_store, tmp_path, make, reason):
    candidate = make(tmp_path / "candidate.db")
    with pytest.raises(StoreError, match=reason):
        restore(candidate, reviewed_store.url)
    assert _articles(reviewed_store) == 3
    assert not list(Path(reviewed_store.url.removeprefix("sqlite:///")).parent.glob("*.before-restore-*"))


def test_db_commands(reviewed_store, tmp_path):
    result = CliRunner().invoke(main, ["db", "backup", str(tmp_path / "b.db")])
    assert result.exit_code == 0 and "backed up" in result.output
    result = CliRunner().invoke(main, ["db", "restore", str(tmp_path / "b.db"), "--yes"])
    assert result.exit_code == 0 and "restored" in result.output and "kept as" in result.output
    (tmp_path / "notes.txt").write_text("hello")
    result = CliRunner().invoke(main, ["db", "restore", str(tmp_path / "notes.txt"), "--yes"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "Traceback" not in result.output
