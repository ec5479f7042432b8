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
                       options.settings(beam_size, compute_type, threads, device), replace=replace, cluster=cluster)
    if report.errors:
        sys.exit(1)


def run_batch(paths, targets: list[str], budget, algorithm: str, settings, *, replace: bool = False,
              cluster: str | None = None):
    """``pipeline.run`` with progress bars on a terminal and the report printed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from workflow import pipeline

    err = Console(stderr=True)
    run_options = pipeline.Options(targets=targets, budget=budget, algorithm=algorithm, decoding=settings,
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
                report = pipeline.run(paths, store(), registry(), run_options, progress, workers)
        else:
            report = pipeline.run(paths, store(), registry(), run_options, progress)
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


@click.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of articles  [default: the bundled sample corpus].")
@click.option("--serve/--no-serve", default=True, show_default=True, help="Start the review app afterwards.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the review app.")
def demo(corpus_dir, serve, port) -> None:
    """Run the whole job on the bundled corpus, then serve the review app with a demo login and a worker.

    Installs the demo models first when no real km/zh model is installed, and says so.
    """
    from workflow import accounts
    from workflow.corpus import sample_dir

    models = registry()
    missing = models.missing(["km", "zh"])
    if missing:
        click.echo(f"No real {'/'.join(missing)} model installed: installing the bundled DEMO models. They "
                   "translate only their training sentences; see docs/models.md.")
        for model in models.install_demo(missing):
            click.echo(f"  installed {model.label}")
    corpus_dir = corpus_dir or sample_dir()
    if not corpus_dir.is_dir():
        raise click.ClickException(f"{corpus_dir}: corpus folder not found")
    report = run_batch([corpus_dir], ["km", "zh"], options.budget(None, None), "news",
                       options.settings(4, "auto", 0))
    password = accounts.demo_login(store())
    click.echo(f"Demo login: user 'demo', password '{password}' (admin)")
    if serve:
        import threading

        from workflow import worker as job_worker
        from workflow.cli.admin import start_server

        # A worker beside the server, so a story pasted in the app ("Add a story") is translated at once.
        threading.Thread(target=job_worker.work, args=(store(), models), daemon=True, name="briefdesk-worker",
                         kwargs={"log": lambda line: click.echo(f"worker: {line}")}).start()
        start_server("127.0.0.1", port, False)
    elif report.errors:
        sys.exit(1)


@click.command()
@options.decoding
@click.option("--cluster", metavar="ADDRESS|local:N", help="Decode on a Dask cluster (as `run --cluster`).")
@click.option("--lease", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds without a heartbeat after which another worker takes a story over.")
@click.option("--poll", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between looks for new stories when idle.")
@click.option("--until-idle", is_flag=True, help="Stop when no story is waiting (for scripts and cron).")
@click.option("--story-seconds", type=click.FloatRange(min=1), default=900, show_default=True,
              help="The most one story may take; a longer one is stopped and failed with that reason.")
def worker(beam_size, compute_type, device, threads, cluster, lease, poll, until_idle, story_seconds) -> None:
    """Translate the stories added through the web or the API, as they come (runs until stopped).

    Several workers may share one PostgreSQL database: each story is taken by one of them. A story whose
    worker was killed is picked up again after --lease seconds.
    """
    import contextlib
    import signal
    import threading

    from workflow import jobs, pipeline
    from workflow import worker as job_worker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stop: finish the story in hand, then exit
    run_options = pipeline.Options(decoding=options.settings(beam_size, compute_type, threads, device))
    with store().read() as session:
        waiting = jobs.counts(session)["queued"]
    click.echo(f"Briefdesk worker {job_worker.name()}: {options.counted(waiting, 'story', 'stories')} waiting "
               "(Ctrl+C to stop)")
    with contextlib.ExitStack() as stack:
        workers = None
        if cluster:
            from workflow import cluster as dask_cluster

            workers = stack.enter_context(dask_cluster.connect(cluster, config()))
        done = job_worker.work(store(), registry(), run_options, lease=lease, poll=poll, until_idle=until_idle,
                               stop=stop, cluster=workers, log=lambda line: click.echo(line),
                               story_seconds=story_seconds)
    click.echo(f"{options.counted(done, 'story', 'stories')} translated by this worker.")


@click.group("jobs")
def jobs_group() -> None:
    """Stories added through the web or the API, and their translation by workers."""


@jobs_group.command("list")
@click.option("--status", type=click.Choice(["queued", "running", "done", "failed"]), help="Only these.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line, for scripts.")
def jobs_list(status, as_json) -> None:
    """Every job, newest first (500 at most), with its worker and its error."""
    import json

    from sqlalchemy import select

    from workflow.store import Article, Job

    with store().read() as session:
        query = select(Job, Article.external_id).join(Article, Article.id == Job.article_id).order_by(Job.id.desc())
        if status:
            query = query.where(Job.status == status)
        rows = [{"job": job.id, "story": external_id, "status": job.status, "languages": job.targets,
                 "attempts": job.attempts, "worker": job.worker, "error": job.error}
                for job, external_id in session.execute(query.limit(500))]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{options.counted(len(rows), 'job')}", title_justify="left")
    for column in ("job", "story", "status", "languages", "attempts", "worker", "error"):
        table.add_column(column, justify="right" if column in ("job", "attempts") else "left")
    for row in rows:
        table.add_row(str(row["job"]), row["story"], row["status"], "+".join(row["languages"]), str(row["attempts"]),
                      row["worker"] or "", row["error"] or "")
    Console(soft_wrap=True).print(table)


@jobs_group.command("retry")
@click.argument("article_id")
def jobs_retry(article_id) -> None:
    """Queue a failed story again (ARTICLE_ID is the story's id)."""
    from workflow import jobs

    click.echo(f"queued again as job {jobs.retry(store(), article_id)}")


COMMANDS = (run, translate, summarize_command, demo, worker, jobs_group)
