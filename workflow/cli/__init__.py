"""The ``briefdesk`` command line: a thin Click layer over the library, one module per command group.

Only Click and a few light modules are imported at start-up, so ``briefdesk --help`` answers at once; each
command imports what it needs. Every expected failure is a :class:`~workflow.errors.BriefdeskError`, turned
into one line and an exit code here, in one place: 0 success, 1 when something failed (for a batch: some
items failed, the rest was done), 2 for usage errors (nothing was done).
"""

from __future__ import annotations

import click

from workflow import __version__, interrupts
from workflow.config import Config
from workflow.errors import BriefdeskError


class Group(click.Group):
    """The root group: every failure ends as one line and an exit code, never a traceback on the terminal.

    A BriefdeskError (an expected failure) says what went wrong and what to do. Anything else is a bug: its
    traceback goes to a log file named in the message (or to the terminal with ``--debug``). Ctrl-C exits 130.
    """

    def invoke(self, ctx: click.Context):
        try:
            with interrupts.remembered():
                return super().invoke(ctx)
        except BriefdeskError as error:
            if ctx.meta.get("briefdesk.debug"):
                raise
            failure = click.ClickException(str(error))
            failure.exit_code = error.exit_code
            raise failure from error
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as error:  # noqa: BLE001 - a bug: keep the stack, show one line
            if ctx.meta.get("briefdesk.debug"):
                raise
            log = _write_traceback()
            raise click.ClickException(f"unexpected {type(error).__name__}: {str(error)[:300]} (a bug; the "
                                       f"details are in {log}, or rerun with --debug)") from error


def config() -> Config:
    """The configuration, read from the environment once per command line."""
    root = click.get_current_context().find_root()
    if root.obj is None:
        root.obj = Config.from_env()
    return root.obj


def store():
    from workflow.store import Store

    return Store(config().database_url)


def registry():
    from workflow.models import Registry

    return Registry(config())


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefdesk")
@click.option("--debug", is_flag=True, help="Show the full traceback of any failure.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Briefdesk: translate English news into Khmer and Chinese offline, brief it, and review it.

    Everything Briefdesk writes lives in BRIEFDESK_HOME (default: your user data dir).
    """
    ctx.meta["briefdesk.debug"] = debug


def _write_traceback() -> str:
    """Save the current exception's traceback in the data dir's logs (or the temp dir); return the path."""
    import tempfile
    import time
    import traceback
    from pathlib import Path

    root = click.get_current_context().find_root()
    folders = ([root.obj.home / "logs"] if isinstance(root.obj, Config) else []) + [Path(tempfile.gettempdir())]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"briefdesk-error-{time.strftime('%Y%m%d-%H%M%S')}.log"
            path.write_text(traceback.format_exc())
            return str(path)
        except OSError:
            continue
    return "nowhere (no writable folder)"


def _register() -> None:
    from workflow.cli import admin, bench, check, evaluate, glossary, models, pipeline, publish, services, stats

    for module in (pipeline, services, models, admin, publish, check, evaluate, bench, glossary, stats):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
