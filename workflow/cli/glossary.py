"""The glossary and the files other tools exchange with Briefdesk: ``glossary``, ``memory``, ``xliff``, ``import``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow import languages
from workflow.cli import options, store
from workflow.errors import BriefdeskError


def _operator() -> str:
    """Who made a change from the command line without ``--user``: ``cli:`` and the login name, a name no
    account can have (usernames have no ':'), so it is never taken for an editor's work."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli:briefdesk"


def _user(ctx, param, value: str | None) -> str:
    if value is None:
        return _operator()
    from workflow import accounts

    name = accounts.normalize(value)  # the form the review app records its users' changes under
    if not name:
        raise click.BadParameter("give a name", ctx, param)
    if not accounts.exists(store(), name):  # no work is credited to someone who is not there
        raise click.BadParameter(f"no Briefdesk user {name!r} (`briefdesk users list` shows them, `users add` "
                                 "adds one)", ctx, param)
    return name


user_option = click.option("--user", callback=_user, metavar="NAME",
                           help="The Briefdesk user the changes are recorded under (an existing account); "
                                "without it, 'cli:' and your login name.")


def _langs(ctx, param, value: str | None) -> list[str] | None:
    try:
        return None if value is None else languages.parse_targets(value)
    except BriefdeskError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def lang_option(help_text: str):
    return click.option("--lang", "langs", callback=_langs, metavar="LANGS",
                        help=f"{help_text} ({', '.join(languages.targets())}; comma-separated).")


output_option = click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
                             help="File to write (default: standard output).")
source_file = click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))


# --- glossary ------------------------------------------------------------------------------------------------


@click.group("glossary")
def glossary_group() -> None:
    """The newsroom glossary: import it from CSV or TBX, export, list and check the translations against it."""


@glossary_group.command("import")
@source_file
@user_option
def glossary_import(path, user) -> None:
    """Add or update the entries of a glossary FILE (.csv or .tbx); bad rows are listed and skipped.

    CSV columns: en (required), en_variants, km, zh, forbidden_km, forbidden_zh, note, case (sensitive or
    insensitive); variants and forbidden forms are separated by '|'. Entries not in the file are kept.
    """
    from workflow import interchange

    with store().session() as session:
        report = interchange.import_glossary(session, path, user)
    click.echo(f"{path}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
               + (f", {len(report.problems)} bad rows skipped" if report.problems else ""))
    for problem in report.problems:
        click.echo(f"{path}:{problem.line}: {problem.reason}", err=True)
    if report.added or report.updated:
        click.echo("Run `briefdesk glossary check` to check the stored translations against the changed glossary.")
    if report.problems:
        sys.exit(1)


@glossary_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tbx"]),
              help="File format  [default: from the -o file's extension, else csv].")
@output_option
def glossary_export(fmt, output) -> None:
    """Write the whole glossary as CSV or TBX (TBX-Basic terms with approved/forbidden status)."""
    from workflow import glossary, interchange

    fmt = fmt or ("tbx" if Path(output.name).suffix.lower() == ".tbx" else "csv")
    with store().read() as session:
        entries = glossary.entries(session)
    interchange.write_glossary(entries, output, fmt)
    if output.name != "<stdout>":
        click.echo(f"{len(entries)} entries written to {output.name}", err=True)


@glossary_group.command("list")
@lang_option("Only entries with a form in these languages, and only their columns")
@click.option("--search", metavar="TEXT", help="Only entries whose English, forms or note contain TEXT.")
def glossary_list(langs, search) -> None:
    """Show the glossary as a table: English spellings, each language's approved and forbidden forms, note."""
    from rich.console import Console
    from rich.table import Table

    from workflow import glossary

    with store().read() as session:
        entries = glossary.entries(session)
    langs = langs or [lang for lang in languages.targets() if any(lang in e.forms for e in entries)]
    shown = [e for e in entries if set(e.forms) & set(langs) and (not search or _matches(e, search))]
    table = Table(title=f"Glossary: {len(shown)} of {len(entries)} entries", title_justify="left")
    table.add_column("English")
    for lang in langs:
        table.add_column(languages.label(lang))
    table.add_column("note")
    for entry in shown:
        english = entry.en + "".join(f"\n[dim]{v}[/]" for v in entry.variants)
        english += "" if entry.case_sensitive else "\n[dim](any case)[/]"
        cells = []
        for lang in langs:
            form = entry.forms.get(lang)
            cells.append("" if form is None else form.approved + "".join(f"\n[red]✗ {f}[/]" for f in form.forbidden))
        table.add_row(english, *cells, entry.note)
    Console().print(table)


def _matches(entry, search: str) -> bool:
    forms = [text for form in entry.forms.values() for text in (form.approved, *form.forbidden)]
    return any(search.casefold() in text.casefold() for text in (entry.en, *entry.variants, entry.note, *forms))


@glossary_group.command("check")
@click.option("--lang", "langs", callback=_langs, metavar="LANGS",
              help=f"Only these languages ({', '.join(languages.targets())}; comma-separated)  [default: all].")
def glossary_check(langs) -> None:
    """Check every stored translation (corrections included) against the glossary, and count the open issues."""
    from workflow import glossary

    with store().session() as session:
        report = glossary.recheck(session, glossary.load(session), langs)
    click.echo(f"Checked {report.sentences} sentences naming glossary terms in {report.articles} articles.")
    for lang, count in sorted(report.issues.items()):
        click.echo(f"{lang}: {count} open term issues (missing approved forms, forbidden variants)")


# --- translation memory --------------------------------------------------------------------------------------


@click.group("memory")
def memory_group() -> None:
    """The translation memory (editors' corrections, reused for the same English sentence) as TMX."""


@memory_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True, help="File format.")
@output_option
@lang_option("Only these languages  [default: all]")
def memory_export(fmt, output, langs) -> None:
    """Write the translation memory as TMX, one unit per corrected sentence and language."""
    from workflow import interchange

    with store().read() as session:
        count = interchange.export_memory(session, output, langs)
    click.echo(f"{count} TMX units written" + (f" to {output.name}" if output.name != "<stdout>" else ""),
               err=True)


@memory_group.command("import")
@source_file
@user_option
def memory_import(path, user) -> None:
    """Add the English→target pairs of a TMX FILE from any CAT tool to the translation memory.

    Languages are matched on their primary subtag (zh-CN, zh-Hans → zh; km-KH → km); units without an English
    side or in another language are skipped and counted.
    """
    from workflow import interchange

    with store().session() as session:
        report = interchange.import_memory(session, path, user)
    click.echo(f"{path}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"  skipped {count}: {reason}")


# --- one article for a CAT tool ------------------------------------------------------------------------------


@click.group("xliff")
def xliff_group() -> None:
    """One article's translation as XLIFF, for a CAT tool, and the translator's changes back."""


@xliff_group.command("export")
@click.option("--article", required=True, help="The article's id.")
@options.target(default=None, required=True)
@output_option
def xliff_export(article, target, output) -> None:
    """Write an article's sentences and their current translation (corrections included) as XLIFF."""
    export_xliff_command(article, target, output)


def export_xliff_command(article: str, lang: str, output) -> None:
    """``xliff export``; also what ``export --format xliff`` calls."""
    from workflow import interchange

    count = interchange.export_xliff(store(), article, lang, output)
    click.echo(f"{count} sentences of {article} ({lang}) written"
               + (f" to {output.name}" if output.name != "<stdout>" else ""), err=True)


@xliff_group.command("import")
@source_file
@user_option
def xliff_import(path, user) -> None:
    """Save the translations a translator changed in an exported XLIFF FILE, as revisions by --user.

    A sentence someone saved after the export is a conflict: it is listed, and their text stays.
    """
    from workflow import interchange

    report = interchange.import_xliff(store(), path, user)
    click.echo(f"{report.article} ({report.lang}): {report.saved} saved, {report.unchanged} unchanged, "
               f"{len(report.conflicts)} conflicts")
    for conflict in report.conflicts:
        click.echo(f"{path}: s{conflict.sentence_id}: {conflict.username} saved this sentence at "
                   f"{conflict.saved_at:%Y-%m-%d %H:%M:%S} UTC, after the export; not saved (merge it in the "
                   "review app)", err=True)
    for error in report.errors:
        click.echo(error, err=True)
    if report.conflicts or report.errors:
        sys.exit(1)


@click.group("import")
def import_group() -> None:
    """Bring work done in a CAT tool back into Briefdesk (see also `xliff import`)."""


import_group.add_command(xliff_import, "xliff")

COMMANDS = (glossary_group, memory_group, xliff_group, import_group)
