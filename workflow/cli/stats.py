"""``briefdesk stats``: post-edit effort per model and language."""

from __future__ import annotations

import json
from datetime import datetime

import click

from workflow.cli import store


@click.command("stats")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
              help="Approvals from this day (UTC) on.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]), help="…to this day (included; UTC).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def stats(since: datetime | None, until: datetime | None, as_json: bool) -> None:
    """How much editors changed each model's output before approving it: sentences reviewed, the share
    edited, TER and chrF between the machine text and the approved text."""
    from datetime import timedelta

    from workflow.stats import post_edit

    if until is not None and (until.hour, until.minute) == (0, 0):
        until += timedelta(days=1)  # a day given alone counts whole, as on /stats
    rows = post_edit(store(), since, until)
    if as_json:
        click.echo(json.dumps({"since": since.isoformat() if since else None,
                               "until": until.isoformat() if until else None,
                               "models": [row.to_json() for row in rows]}, ensure_ascii=False))
        return
    if not rows:
        click.echo("No approved translations in this period.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Post-edit effort (approved translations)", title_justify="left")
    for column in ("model", "lang", "articles", "sentences", "edited", "TER", "chrF"):
        table.add_column(column, justify="left" if column in ("model", "lang") else "right")
    for row in rows:
        table.add_row(row.model, row.lang, str(row.articles), str(row.sentences), f"{row.edited_share:.1f} %",
                      f"{row.ter:.2f}", f"{row.chrf:.2f}")
    Console().print(table)


COMMANDS = (stats,)
