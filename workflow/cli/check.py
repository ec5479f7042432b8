"""``briefdesk check``: the translation checks over a JSONL file, without a database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workflow.cli import options


@click.command("check")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines of {"id", "en", "<lang>"}: the English and its translation.')
@options.target(None, required=True)
@click.option("--output-jsonl", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help='Each record again, same ids and order, with "checks": [{"check", "detail"}…] (empty: nothing '
                   'wrong); a broken line as {"id", "line", "error"}.')
@click.option("--json", "as_json", is_flag=True, help="Print the counts per check as one JSON object.")
def check_command(input_jsonl, target, output_jsonl, as_json) -> None:
    """Check translations for wrong or missing numbers, English left behind, loops, cut sentences, broken
    punctuation and lost URLs (see docs/checks.md). Exit code 1 when a line could not be read."""
    from workflow import checks
    from workflow.checks import records

    counts = {name: 0 for name in checks.CHECKS}
    total = flagged = broken = 0
    with output_jsonl.open("w", encoding="utf-8") as out:
        for item in records.read(input_jsonl, target):
            if isinstance(item, records.Broken):
                broken += 1
                click.echo(f"{input_jsonl}:{item.line}: {item.reason}", err=True)
                out.write(json.dumps({"id": item.id, "line": item.line, "error": item.reason},
                                     ensure_ascii=False) + "\n")
                continue
            total += 1
            found = checks.check(item.en, item.text, target)
            flagged += bool(found)
            for name in {issue.check for issue in found}:
                counts[name] += 1
            out.write(json.dumps({**item.data, "checks": [issue.data() for issue in found]},
                                 ensure_ascii=False) + "\n")
    result = {"lang": target, "records": total, "flagged": flagged, "broken_lines": broken, "checks": counts}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"{target}: {total} records, {flagged} with issues"
                   + "".join(f"; {name} {count}" for name, count in counts.items() if count)
                   + (f"; {broken} broken lines" if broken else "") + f" → {output_jsonl}")
    if broken:
        sys.exit(1)


COMMANDS = (check_command,)
