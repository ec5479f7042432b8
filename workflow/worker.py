"""``briefdesk worker``: translates the stories added through the web or the API, one job at a time.

Run one beside ``briefdesk serve`` (or several, against one PostgreSQL database). Each job is claimed in the
database (see ``workflow.jobs``), translated with the pipeline (locally, or on a Dask cluster), and marked done
or failed with the reason. While a job runs a thread renews the claim's heartbeat; if the worker is killed, the
claim expires after the lease and another worker (or this one, restarted) takes the story over. Models are
loaded once per worker process and kept. A story that takes longer than ``story_seconds`` is stopped and failed
with that reason, so one huge story cannot hold the queue. Beside the stories, a thread sends the webhooks'
deliveries as they fall due (``workflow.webhooks``); their claims expire after the same lease.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable

from workflow import jobs, pipeline, webhooks
from workflow.cluster import Cluster
from workflow.errors import BriefdeskError
from workflow.models import Registry
from workflow.store import Store

Log = Callable[[str], None]

STORY_SECONDS = 900.0
"""How long one story may take (splitting and every language): a 1,000-sentence story, the most one may have,
takes a few minutes with a real model on two cores."""


class TimeLimit(BriefdeskError):
    """A story took longer than the worker allows."""


class Stopping(pipeline.Interrupted):
    """The worker was asked to stop while translating a story: the story goes back to the queue."""


def name() -> str:
    """This worker's name in the ``jobs`` table: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def work(store: Store, models: Registry, options: pipeline.Options | None = None, *,
         lease: float = jobs.LEASE_SECONDS, poll: float = 1.0, until_idle: bool = False,
         stop: threading.Event | None = None, cluster: Cluster | None = None, log: Log = print,
         story_seconds: float = STORY_SECONDS, retry_after: tuple[float, ...] = webhooks.RETRY_AFTER) -> int:
    """Claim and translate jobs until ``stop`` is set (or, with ``until_idle``, until none is left and no
    delivery is due); returns how many jobs this worker finished."""
    options = options or pipeline.Options()
    stop = stop or threading.Event()
    me = name()
    sending = threading.Event()
    sender = threading.Thread(target=_deliver, args=(store, me, sending, poll, lease, retry_after, log),
                              name="webhooks", daemon=True)
    sender.start()
    try:
        return _work(store, models, options, me, lease, poll, until_idle, stop, cluster, log, story_seconds)
    finally:
        sending.set()
        sender.join()
        if until_idle:  # what fell due meanwhile goes out before a script's worker exits
            while webhooks.deliver_due(store, me, schedule=retry_after, timeout=_timeout(lease), lease=lease):
                pass


def _work(store: Store, models: Registry, options: pipeline.Options, me: str, lease: float, poll: float,
          until_idle: bool, stop: threading.Event, cluster: Cluster | None, log: Log, story_seconds: float) -> int:
    finished = 0
    while not stop.is_set():
        claim = jobs.claim(store, me, lease)
        if claim is None:
            if until_idle:
                break
            stop.wait(poll)
            continue
        log(f"claimed {claim.external_id} (job {claim.job_id}, attempt {claim.attempt}, "
            f"{'+'.join(claim.targets)})")
        try:
            error = _translate(claim, store, models, options, lease, me, cluster, story_seconds, stop)
        except Stopping:
            jobs.release(store, claim.job_id, me)
            log(f"released {claim.external_id}: stopping; the next worker to start takes it from where it stopped")
            break
        jobs.finish(store, claim.job_id, me, error)
        finished += 1
        log(f"{'failed' if error else 'done'} {claim.external_id}{': ' + error if error else ''}")
    return finished


def _deliver(store: Store, me: str, stop: threading.Event, poll: float, lease: float,
             retry_after: tuple[float, ...], log: Log) -> None:
    while not stop.is_set():
        try:
            sent = webhooks.deliver_due(store, me, schedule=retry_after, timeout=_timeout(lease), lease=lease)
        except Exception as error:  # noqa: BLE001 - a database hiccup: the deliveries wait for the next round
            log(f"webhooks: {type(error).__name__}: {error}")
            sent = 0
        if not sent:
            stop.wait(poll)


def _timeout(lease: float) -> float:
    """A try must end well inside its claim, or a second worker could send the same delivery."""
    return min(webhooks.TIMEOUT, lease / 2)


def _translate(claim: jobs.Claim, store: Store, models: Registry, options: pipeline.Options, lease: float,
               me: str, cluster: Cluster | None, story_seconds: float, stop: threading.Event) -> str | None:
    beating = threading.Event()

    def beat() -> None:
        while not beating.wait(lease / 3):
            try:
                jobs.heartbeat(store, claim.job_id, me)
            except Exception:  # noqa: BLE001 - a database hiccup: keep beating, the lease allows two misses
                continue

    heart = threading.Thread(target=beat, name=f"heartbeat-{claim.job_id}", daemon=True)
    heart.start()
    deadline = time.monotonic() + story_seconds

    def in_time(stage: str, done: int, total: int) -> None:  # after each decoded batch
        if stop.is_set():  # (what was decoded and committed so far stays)
            raise Stopping(claim.external_id)
        if done < total and time.monotonic() > deadline:  # (the last batch of a language is kept)
            raise TimeLimit(f"stopped after {story_seconds:g} s, the most one story may take (the worker's "
                            f"--story-seconds): split the story, or raise the limit and retry it")

    try:
        targets = [t for t in claim.targets if t] or list(options.targets)
        report = pipeline.translate([claim.article_id], store, models, pipeline.Options(
            targets=targets, budget=options.budget, algorithm=options.algorithm, decoding=options.decoding),
            progress=in_time, cluster=cluster)
        problems = [f"{e['item']}: {e['reason']}" for e in report.errors]
        return "; ".join(problems) or None
    except TimeLimit as error:
        return str(error)
    except Stopping:
        raise
    except Exception as error:  # noqa: BLE001 - the story fails with its reason; the worker goes on
        return f"{type(error).__name__}: {error}"
    finally:
        beating.set()
        heart.join()
