"""``briefdesk export``, ``briefdesk webhooks`` and ``briefdesk feeds``: getting briefs out, and telling CMSs and
readers of approved ones (as the admin page "Publishing" does)."""

from __future__ import annotations

import json
import sys

import click

from workflow import documents
from workflow.cli import config, options, store
from workflow.review_states import APPROVED, STATUSES
from workflow.vocabulary import EVENTS as KINDS

_STORE_FORMATS = ["jsonl", "xliff"]


@click.command()
@click.option("--format", "fmt", type=click.Choice([*_STORE_FORMATS, *documents.names(), "zip"]), default="jsonl",
              show_default=True,
              help="jsonl: every item as JSON Lines. xliff: one article in one language for a CAT tool. "
                   f"{'/'.join(documents.names())}: one article in one language as a document. zip: the approved "
                   "briefs in every document format, with their English originals, as the review app gives them.")
@click.option("--status", type=click.Choice(STATUSES), help="Only items with this review status (zip: approved).")
@click.option("--lang", help="Only this language.")
@click.option("--article", help="With --format xliff or a document format: the article's id.")
@options.target(default=None)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File (default stdout).")
def export(fmt, status, lang, article, target, output) -> None:
    """Export stored translations and briefs: JSON Lines, XLIFF, a document or a ZIP of approved briefs."""
    from workflow import export as exporting

    if fmt in ("xliff", *documents.names()) and not (article and target):
        raise click.UsageError(f"--format {fmt} exports one article in one language: give --article and --to")
    if fmt in _STORE_FORMATS:
        with click.open_file(output, "w", encoding="utf-8") as out:
            if fmt == "xliff":
                from workflow.cli.glossary import export_xliff_command

                export_xliff_command(article, target, out)
                return
            for item in exporting.records(store(), status=status, lang=lang):
                out.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        return
    if output == "-" and sys.stdout.isatty():
        raise click.UsageError(f"--format {fmt} is a binary file: give -o FILE or redirect the output")
    imprint = documents.Imprint(newsroom=config().newsroom)
    if fmt == "zip":
        data, count = exporting.approved_zip(store(), lang=lang, status=status or APPROVED, imprint=imprint)
        summary = f"{count} briefs"
    else:
        found = list(exporting.records(store(), lang=target, article_ids=[article]))
        if not found:
            raise click.ClickException(f"no translation of article {article!r} into {target}")
        data, summary = documents.render(found[0], fmt, imprint), f"{article} ({target})"
    with click.open_file(output, "wb") as out:
        out.write(data)
    click.echo(f"{summary} written as {fmt}" + (f" to {output}" if output != "-" else ""), err=True)


@click.group()
def webhooks() -> None:
    """Endpoints told of approved, corrected, withdrawn and failed stories (sent by `briefdesk worker`)."""


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "kinds", multiple=True, type=click.Choice(KINDS),
              help="An event to send (repeat it; default: all).")
@click.option("--secret-stdin", is_flag=True, help="Read the signing secret (16 bytes or more) from standard input; "
                                                   "without it one is made and printed once.")
@click.option("--user", default="cli", show_default=True, help="Recorded as who added it.")
def webhooks_add(url, kinds, secret_stdin, user) -> None:
    """Register URL (http or https) for events; prints its id and secret."""
    from workflow import webhooks as hooks

    secret = sys.stdin.readline().rstrip("\r\n") if secret_stdin else None  # (a CRLF line keeps no \r)
    webhook_id, made = hooks.add(store(), url, list(kinds), secret, user)
    click.echo(f"Added webhook {webhook_id}: {url} ({', '.join(kinds) or 'all events'})")
    if not secret_stdin:
        click.echo(f"Secret (shown once; the receiver checks signatures with it): {made}")


@webhooks.command("list")
def webhooks_list() -> None:
    """The endpoints with their pending, delivered and failed deliveries."""
    from workflow import webhooks as hooks

    found = hooks.endpoints(store())
    for hook in found:
        click.echo(f"{hook.id}\t{hook.url}\t{','.join(hook.events)}\tpending {hook.pending}\tdelivered "
                   f"{hook.delivered}\tfailed {hook.failed}")
    if not found:
        click.echo("No webhook.")


@webhooks.command("remove")
@click.argument("webhook_id", type=int)
def webhooks_remove(webhook_id) -> None:
    """Remove an endpoint, with its pending deliveries and their log."""
    from workflow import webhooks as hooks

    hooks.remove(store(), webhook_id)
    click.echo(f"Removed webhook {webhook_id}.")


@webhooks.command("test")
@click.argument("webhook_id", type=int)
def webhooks_test(webhook_id) -> None:
    """Send a signed `webhook.test` event now and say how the endpoint answered (exit 1 unless 2xx)."""
    from workflow import webhooks as hooks
    from workflow.errors import BriefdeskError

    attempt = hooks.test(store(), webhook_id)
    if attempt.error:
        raise BriefdeskError(f"webhook {webhook_id}: {attempt.error}")
    click.echo(f"webhook {webhook_id}: HTTP {attempt.code}")


@webhooks.command("resend")
@click.argument("webhook_id", type=int)
def webhooks_resend(webhook_id) -> None:
    """Try an endpoint's failed deliveries again (after it was down for more than a day)."""
    from workflow import webhooks as hooks

    click.echo(f"{hooks.resend(store(), webhook_id)} failed deliveries will be sent again by the worker.")


@click.group()
def feeds() -> None:
    """The Atom feeds of approved briefs: /feeds/km.atom, /feeds/zh.atom, /feeds/en.atom."""


@feeds.command("public")
@click.argument("state", type=click.Choice(["on", "off"]))
def feeds_public(state) -> None:
    """Let anyone read the feeds (on), or only logged-in users and API tokens (off, the default)."""
    from workflow import feeds as atom

    atom.set_public(store(), state == "on")
    click.echo(f"Public feeds {state}.")


COMMANDS = [export, webhooks, feeds]
