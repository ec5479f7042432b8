"""Regenerate the reference part of docs/cli.md from the ``briefdesk`` Click tree.

    .venv/bin/python docs/cli_reference.py          # rewrites docs/cli.md below its hand-written introduction

tests/test_docs.py fails when docs/cli.md is not what this prints, so the reference never drifts from the code.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import click

CLI_DOC = Path(__file__).resolve().parent / "cli.md"
ALGORITHM_HELP = "Brief method, one of those listed in [Summaries](operations.md#summaries)."


def reference() -> str:
    """Markdown for every command: a ``## briefdesk …`` heading, usage, help and one bullet per option."""
    from workflow.cli import main

    out: list[str] = []
    for path, command in _walk(main, []):
        name = " ".join(["briefdesk", *path])
        ctx = click.Context(command, info_name=name)
        out += [f"## {name}\n", "```\n" + f"{name} {' '.join(command.collect_usage_pieces(ctx))}".rstrip() + "\n```\n"]
        if path:
            out.append(inspect.cleandoc(command.help or "") + "\n")
        if isinstance(command, click.Group):
            out.append("Commands: " + ", ".join(f"[`{sub}`](#{'-'.join(['briefdesk', *path, sub])})"
                                               for sub in command.commands) + ".\n")
        rows = []
        for param in command.get_params(ctx):
            if isinstance(param, click.Argument) or "--help" in param.opts:
                continue
            names, text = param.get_help_record(ctx)
            if "--algorithm" in param.opts:  # the full list lives in operations.md
                text = ALGORITHM_HELP + text[text.index("  [default"):]
            rows.append(f"* `{names}`" + (f": {text}" if text else ""))
        if rows:
            out += [*rows, ""]
    return "\n".join(out).rstrip() + "\n"


def document() -> str:
    """docs/cli.md as it should be: its introduction, then the generated reference."""
    text = CLI_DOC.read_text(encoding="utf-8")
    introduction = text[: text.index("\n## briefdesk") + 1] if "\n## briefdesk" in text else text
    return introduction + reference()


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, [*path, name])


if __name__ == "__main__":
    sys.path.insert(0, str(CLI_DOC.parent.parent))
    CLI_DOC.write_text(document(), encoding="utf-8")
    print(f"wrote {CLI_DOC}")
