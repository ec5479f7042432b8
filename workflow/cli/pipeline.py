"""Commands over the pipeline: run, translate, summarize, export, demo, worker, jobs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.cli import config, options, registry, store
from workflow.cli.progress import PlainProgress


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@options.targets()
@options.sentences
@options.words
@options.algorithm
@options.decoding
@click.option("--replace", is_flag=True, help="Let a different story replace an article that editors already "
                                              "corrected or decided on (otherwise it is stored under a new id).")
@click.option("--cluster", metavar="ADDRESS|local:N",
              help="Decode on a Dask cluster: a scheduler's address (tcp://HOST:8786), or local:N for N worker "
                   "processes on this machine for this run. Ingest and commits stay in this process.")
def run(paths, targets, sentences, words, algorithm, beam_size, compute_type, device, threads, replace,
        cluster) -> None:
    """Ingest, summarize and translate articles (files or folders) into the store."""
    report = run_batch(paths, targets, options.budget(sentences, words), algorithm,
                       options.Decoding(beam_size, compute_type, threads, device), replace=replace, cluster=cluster)
    if report.errors:
        sys.exit(1)


def run_batch(paths, targets: list[str], budget, algorithm: str, decoding: options.Decoding, *,
              replace: bool = False, cluster: str | None = None):
    """``pipeline.run`` with progress bars on a terminal and the report printed; on a cluster, decoding on
    its GPU workers or its CPUs (``Cluster.device``)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from workflow import pipeline

    err = Console(stderr=True)
    settings = decoding.settings() if not cluster else None

    def run_options(settings) -> pipeline.Options:
        return pipeline.Options(targets=targets, budget=budget, algorithm=algorithm, decoding=settings,
                                replace=replace)

    tasks: dict[str, int] = {}
    plain = None if err.is_terminal else PlainProgress()
    with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False, disable=not err.is_terminal) as bars:
        def progress(stage: str, done: int, total: int) -> None:
            if plain:
                plain(stage, done, total)
                return
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage.replace("translate:", "translate → "), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        if cluster:
            from workflow import cluster as dask_cluster

            with dask_cluster.connect(cluster, config()) as workers:
                settings = decoding.settings(resolved=workers.device(decoding.device))
                report = pipeline.run(paths, store(), registry(), run_options(settings), progress, workers)
        else:
            report = pipeline.run(paths, store(), registry(), run_options(settings), progress)
    _print_report(report, targets)
    click.echo(options.describe(settings, _tuned(settings)))
    return report


def _tuned(settings) -> bool:
    from workflow import tuning

    saved = tuning.load(config())
    return bool(saved) and (settings.inter_threads, settings.intra_threads, settings.max_batch_tokens) == (
        saved["inter_threads"], saved["intra_threads"], saved["max_batch_tokens"])


def _print_report(report, targets) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = Console()
    table = Table(title=f"Run {report.run_id}", title_justify="left")
    table.add_column("article")
    table.add_column("sentences", justify="right")
    table.add_column("brief", justify="right")
    for lang in targets:
        table.add_column(f"new {lang}", justify="right")
    for item in report.articles:
        table.add_row(item.external_id[:48], str(item.sentences), str(item.brief_sentences),
                      *[str(item.translated.get(lang, "—")) for lang in targets])
    out.print(table)
    for lang, model in report.models.items():
        note = "  [bold yellow]DEMO model: it only knows its training sentences[/]" if model.demo else ""
        terms = ""
        if report.term_fixes.get(lang) or report.term_issues.get(lang):
            terms = (f"; glossary: {report.term_fixes[lang]} forbidden forms fixed, "
                     f"{report.term_issues[lang]} term issues to review")
        out.print(f"{lang}: {model.label}, {report.decoded.get(lang, 0)} sentences decoded{terms}{note}")
    if report.articles and report.translated_nothing and report.models:
        out.print("Nothing to translate: every article is unchanged and already translated with these models "
                  "and settings.")
    errors = Console(stderr=True, soft_wrap=True)  # one line per error, whatever the width: paths stay whole
    for error in report.errors:
        errors.print(f"[red]error[/] {escape(error['item'])} ({error['stage']}): {escape(error['reason'])}",
                     highlight=False)
    out.print(f"{options.counted(len(report.articles), 'article')} stored, "
              f"{options.counted(len(report.errors), 'error')}.")


@click.command()
@click.argument("source", default="-")
@options.target()
@options.decoding
def translate(source, target, beam_size, compute_type, device, threads) -> None:
    """Translate one English text (FILE or - for stdin) and print it."""
    from workflow.corpus import clean_text
    from workflow.translate import Translator, translate_text

    text = clean_text(options.read_text(source))
    model = registry().find(target)
    click.echo(translate_text(Translator(model, options.settings(beam_size, compute_type, threads, device)), text))
    if model.demo:
        click.echo(f"(translated with the DEMO model {model.label}: it knows only its training sentences)", err=True)


@click.command("summarize")
@click.argument("source", default="-")
@options.sentences
@options.words
@options.algorithm
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Batch mode: lines of {"id", "text"}.')
@click.option("--output-jsonl", type=click.Path(dir_okay=False, path_type=Path),
              help='Batch mode: writes lines of {"id", "summary"} (one sentence a line).')
def summarize_command(source, sentences, words, algorithm, input_jsonl, output_jsonl) -> None:
    """Print an extractive brief of one text, or summarize a JSONL file in batch."""
    from workflow import summarize

    budget = options.budget(sentences, words)
    if input_jsonl or output_jsonl:
        if not (input_jsonl and output_jsonl):
            raise click.UsageError("--input-jsonl and --output-jsonl go together")
        written, problems = summarize.summarize_jsonl(input_jsonl, output_jsonl, budget=budget, algorithm=algorithm)
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{written} summaries written to {output_jsonl}"
                   + (f", {len(problems)} lines failed" if problems else ""), err=True)
        if problems:
            sys.exit(1)
        return
    for line in summarize.brief_of_text(options.read_text(source), budget=budget, algorithm=algorithm):
        click.echo(line)


COMMANDS = (run, translate, summarize_command)
