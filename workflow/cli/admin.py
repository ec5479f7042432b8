"""Running the review app and looking after it: ``serve``, ``users``, ``db``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.cli import config, store
from workflow.vocabulary import ROLES


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes  [default: BRIEFDESK_WORKERS, else one per core, at most 8].")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader (never in production).")
def serve(host, port, workers, debug) -> None:
    """Run the review web app (gunicorn worker processes; waitress on Windows)."""
    start_server(host, port, debug, workers)


def start_server(host: str, port: int, debug: bool, workers: int | None = None) -> None:
    from web import create_app, serve

    app = create_app(config())
    click.echo(f"Briefdesk review app: http://{host}:{port}/  (Ctrl+C to stop)")
    if debug:
        app.run(host=host, port=port, debug=True)
    else:
        serve.run(app, host, port, workers or config().workers)


@click.group()
def users() -> None:
    """Manage the people who log in to the review app."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The user's role.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def users_add(name, role, password_stdin) -> None:
    """Add user NAME with a role: reader (downloads), editor (reviews) or admin (also manages users)."""
    from workflow import accounts

    accounts.add_user(store(), name, _password(password_stdin), role)
    click.echo(f"added {accounts.normalize(name)} ({role})")


KEEP_TOKENS = click.option("--keep-tokens", is_flag=True,
                           help="Leave NAME's API tokens working (by default they are revoked too).")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (for scripts).")
@KEEP_TOKENS
def users_password(name, password_stdin, keep_tokens) -> None:
    """Set NAME's password; every session of NAME ends and every API token of NAME is revoked."""
    from workflow import accounts

    revoked = accounts.set_password(store(), name, _password(password_stdin), keep_tokens=keep_tokens)
    tokens = "API tokens kept" if keep_tokens else f"{revoked} API token(s) revoked"
    click.echo(f"password of {accounts.normalize(name)} changed; their sessions are ended, {tokens}")


@users.command("role")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The new role.")
def users_role(name, role) -> None:
    """Give NAME another role; every session of NAME ends and every API token of NAME is revoked."""
    from workflow import accounts

    accounts.set_role(store(), name, role)
    click.echo(f"{accounts.normalize(name)} is now {role}; their sessions are ended and API tokens revoked")


@users.command("logout")
@click.argument("name")
@KEEP_TOKENS
def users_logout(name, keep_tokens) -> None:
    """End every session of NAME (every browser they are logged in with) and revoke NAME's API tokens."""
    from workflow import accounts

    ended = accounts.end_sessions(store(), name, keep_tokens=keep_tokens)
    tokens = "API tokens kept" if keep_tokens else "API tokens revoked"
    click.echo(f"ended {ended} session(s) of {accounts.normalize(name)}; {tokens}")


@users.command("token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke every API token of NAME instead of making one.")
@click.option("--create", "create_role", type=click.Choice(["reader", "editor", "admin"]),
              help="Add NAME first, with this role, as an API client without a password (it never logs in).")
def users_token(name, revoke, create_role) -> None:
    """Make an API token for NAME (a CMS acts as NAME, with NAME's role), or revoke all of NAME's tokens."""
    from workflow import accounts

    if create_role:
        accounts.add_api_client(store(), name, create_role)
        click.echo(f"added API client {accounts.normalize(name)} ({create_role}, no password)", err=True)
    if revoke:
        click.echo(f"revoked {accounts.revoke_tokens(store(), name)} token(s) of {accounts.normalize(name)}")
        return
    try:
        token = accounts.create_token(store(), name)
    except accounts.AccountError as error:
        raise accounts.AccountError(f"{error} (an API client is added with --create ROLE)") from None
    click.echo(token)  # alone on stdout, so a script can capture it
    click.echo(f"API token for {accounts.normalize(name)}: it is shown only once; keep it secret "
               f"(send it as 'Authorization: Bearer <token>').", err=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")  # a CRLF line from Windows keeps no \r
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("list")
def users_list() -> None:
    """List users and their roles."""
    from workflow import accounts

    for user in accounts.list_users(store()):
        click.echo(f"{user.username}\t{user.role}\t{user.created_at:%Y-%m-%d}")


@users.command("remove")
@click.argument("name")
def users_remove(name) -> None:
    """Remove user NAME."""
    from workflow import accounts

    accounts.remove_user(store(), name)
    click.echo(f"removed {accounts.normalize(name)}; their sessions are ended and API tokens deleted")


@click.group()
def db() -> None:
    """Back up and restore the database (SQLite)."""


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(path) -> None:
    """Write a consistent copy of the live database to PATH (safe while the app and batches run)."""
    from workflow.backup import backup

    target = backup(store(), path)
    click.echo(f"backed up to {target} ({target.stat().st_size / 1e6:.1f} MB)")


@db.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace the current database with this backup?")
def db_restore(path) -> None:
    """Replace the database with the backup at PATH (stop `serve` and running batches first)."""
    from workflow.backup import restore

    target, kept = restore(path, config().database_url)
    click.echo(f"restored {path} into {target}" + (f"; the database it replaced is kept as {kept}" if kept else ""))


COMMANDS = (serve, users, db)
