"""Commands that run as services, and their queue: ``demo`` (a batch, then the app and a worker), ``worker``
and ``jobs``.

They stop cleanly on SIGINT (Ctrl+C) and SIGTERM (systemd): the story in hand goes back to the queue, children
are stopped and waited for, and the exit status is 0.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from workflow.cli import config, options, registry, store
from workflow.cli.pipeline import run_batch

CHILD_STOP_SECONDS = 30.0
"""How long ``demo`` waits for its worker to put its story back before killing it (systemd's default stop
timeout is 90 s)."""


def _stop_on_signals(stop: threading.Event) -> None:
    """The first SIGINT or SIGTERM asks the worker to stop; the same signal again stops it at once (the story's
    claim then expires after the lease). A SIGTERM after a Ctrl+C is the same request: ``demo`` forwards
    SIGTERM to its worker, which the terminal's Ctrl+C reached too."""
    received: list[int] = []

    def handler(signum, frame) -> None:
        if signum in received:
            raise KeyboardInterrupt
        received.append(signum)
        if not stop.is_set():
            stop.set()
            click.echo(f"{signal.Signals(signum).name}: stopping after the batch in hand "
                       f"(send it again to stop at once)", err=True)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@contextlib.contextmanager
def _child_worker() -> Iterator[subprocess.Popen]:
    """``briefdesk worker`` as a child process for as long as the block runs; then SIGTERM, and a wait."""
    child = subprocess.Popen([sys.executable, "-m", "workflow", "worker"], stdin=subprocess.DEVNULL,
                             preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(CHILD_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies, even by SIGKILL, so no worker is left behind."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _load_starter_glossary() -> None:
    """Before the batch, so its translations are checked against it; never over a glossary editors keep."""
    from workflow import glossary, interchange
    from workflow.corpus import starter_glossary

    with store().session() as session:
        if glossary.entries(session):
            return
        report = interchange.import_glossary(session, starter_glossary(), "demo")
    click.echo(f"Loaded the starter glossary ({report.added} terms, {starter_glossary().name}): the app's "
               "Glossary page; `briefdesk glossary import FILE` adds your own. With the DEMO models most term "
               "issues mark sentences the models do not know (they answer with another sentence); with a real "
               "model they mark real misses.")


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
    _load_starter_glossary()
    report = run_batch([corpus_dir], ["km", "zh"], options.budget(None, None), "news",
                       options.Decoding())
    password = accounts.demo_login(store())
    click.echo(f"Demo login: user 'demo', password '{password}' (admin)")
    if serve:
        from workflow.cli.admin import start_server
        from workflow.translation_pass import unload

        unload()  # gunicorn forks its workers from this process: no CTranslate2 threads may be in it
        # A worker beside the server, so a story pasted in the app ("Add a story") is translated at once; a
        # process of its own, as `briefdesk worker` is in production (never a thread of the forking server).
        with _child_worker():
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
    worker was killed is picked up again after --lease seconds. Ctrl+C or SIGTERM stops it within a batch:
    the story in hand goes back to the queue, kept as far as it got, and the worker exits 0; the same signal
    again stops it at once.
    """
    from workflow import jobs, pipeline
    from workflow import worker as job_worker

    stop = threading.Event()
    _stop_on_signals(stop)
    decoding = options.Decoding(beam_size, compute_type, threads, device)
    with store().read() as session:
        waiting = jobs.counts(session)["queued"]
    click.echo(f"Briefdesk worker {job_worker.name()}: {options.counted(waiting, 'story', 'stories')} waiting "
               "(Ctrl+C to stop)")
    with contextlib.ExitStack() as stack:
        workers = None
        if cluster:
            from workflow import cluster as dask_cluster

            workers = stack.enter_context(dask_cluster.connect(cluster, config()))
        # (on a cluster its GPU workers decide the device, as for `run --cluster`)
        settings = decoding.settings(resolved=workers.device(device) if workers else None)
        done = job_worker.work(store(), registry(), pipeline.Options(decoding=settings), lease=lease, poll=poll,
                               until_idle=until_idle, stop=stop, cluster=workers, log=lambda line: click.echo(line),
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


COMMANDS = (demo, worker, jobs_group)
