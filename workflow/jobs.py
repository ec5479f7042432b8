"""The work queue between the places that add stories (the web form, the API) and ``briefdesk worker``.

A story is stored (ingested, segmented, summarized) when it is added, with a ``jobs`` row in the same
transaction; a worker then claims the job and translates the article. Claims are safe with several workers on
one PostgreSQL database (``FOR UPDATE SKIP LOCKED``: two workers never take the same row) and on SQLite (the
claim is one ``BEGIN IMMEDIATE`` write transaction). A worker keeps its claim alive with a heartbeat; a claim
whose heartbeat is older than the lease belonged to a worker that died, and is taken over, so a story is never
lost, and the pipeline's per-article commits mean nothing is stored twice or half.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from workflow import events
from workflow.errors import N_, BriefdeskError
from workflow.review_states import FAILED, TRANSLATING
from workflow.store import Article, Job, Review, Store, utcnow

LEASE_SECONDS = 60.0
"""A claim without a heartbeat for this long is taken over by another worker."""
MAX_ATTEMPTS = 3
"""A story whose worker died this many times is marked failed instead of being tried again."""
STATUSES = ("queued", "running", "done", "failed")


class JobError(BriefdeskError):
    pass


@dataclass(frozen=True)
class Claim:
    job_id: int
    article_id: int
    external_id: str
    targets: tuple[str, ...]
    attempt: int


def enqueue(session: Session, article_id: int, targets: list[str], username: str) -> Job:
    """Add a job for ``article_id`` (in the caller's transaction, with the article itself)."""
    job = Job(article_id=article_id, targets=list(targets), status="queued", submitted_by=username)
    session.add(job)
    session.flush()
    return job


def claim(store: Store, worker: str, lease: float = LEASE_SECONDS) -> Claim | None:
    """Take the oldest queued job, or one whose worker stopped sending heartbeats; None when there is none."""
    while True:
        with store.session() as session:
            stale = utcnow() - timedelta(seconds=lease)
            job = session.scalar(
                select(Job).where(or_(Job.status == "queued", and_(Job.status == "running",
                                                                   Job.heartbeat_at < stale)))
                .order_by(Job.id).limit(1).with_for_update(skip_locked=True))
            if job is None:
                return None
            if job.status == "running" and job.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at = "failed", utcnow()
                job.error = f"its worker stopped {job.attempts} times while translating it (last: {job.worker})"
                events.failed(session, job.article_id, job.error, job.attempts)
                continue
            now = utcnow()
            job.status, job.worker, job.claimed_at, job.heartbeat_at = "running", worker, now, now
            job.attempts += 1
            external_id = session.scalar(select(Article.external_id).where(Article.id == job.article_id))
            return Claim(job.id, job.article_id, external_id, tuple(job.targets), job.attempts)


def heartbeat(store: Store, job_id: int, worker: str) -> bool:
    """Keep a claim alive; False when this worker no longer holds it (it was taken over)."""
    with store.session() as session:
        done = session.execute(update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                               .values(heartbeat_at=utcnow()))
        return done.rowcount == 1


def finish(store: Store, job_id: int, worker: str, error: str | None = None) -> None:
    """Mark a claimed job done, or failed with the reason editors will see in the queue."""
    with store.session() as session:
        done = session.execute(update(Job).where(Job.id == job_id, Job.worker == worker).values(
            status="failed" if error else "done", error=(error or "")[:2000], finished_at=utcnow()))
        if error and done.rowcount == 1:  # (a claim taken over meanwhile is the new holder's to report)
            job = session.get(Job, job_id)
            events.failed(session, job.article_id, job.error, job.attempts)


def release(store: Store, job_id: int, worker: str) -> bool:
    """Give a claimed job back to the queue, as if never claimed (its worker is stopping, not dying: the
    attempt does not count); False when this worker no longer held it."""
    with store.session() as session:
        done = session.execute(update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                               .values(status="queued", worker="", attempts=Job.attempts - 1, claimed_at=None,
                                       heartbeat_at=None))
        return done.rowcount == 1


def retry(store: Store, external_id: str) -> int:
    """Queue a failed story again; returns the job id."""
    with store.session() as session:
        job = session.scalar(select(Job).join(Article, Article.id == Job.article_id)
                             .where(Article.external_id == external_id).order_by(Job.id.desc()).limit(1))
        if job is None:
            raise JobError(N_("no story %(id)r was added for translation"), id=external_id)
        if job.status != "failed":
            raise JobError(N_("%(id)s is %(status)s, not failed: nothing to retry"), id=external_id, status=job.status)
        job.status, job.error, job.attempts, job.worker = "queued", "", 0, ""
        job.claimed_at = job.heartbeat_at = job.finished_at = None
        return job.id


def latest(session: Session, article_ids: list[int]) -> dict[int, Job]:
    """The newest job of each of these articles that has one (what the queue shows while it is not done)."""
    if not article_ids:
        return {}
    newest = select(func.max(Job.id)).where(Job.article_id.in_(article_ids)).group_by(Job.article_id)
    return {job.article_id: job for job in session.scalars(select(Job).where(Job.id.in_(newest)))}


@dataclass(frozen=True)
class Standing:
    """Where one language of a story stands: its review status, or translating, or failed."""

    status: str
    model: str | None = None
    demo: bool | None = None


def standing(session: Session, article: Article) -> tuple[Job | None, dict[str, Standing]]:
    """The story's newest job, and per language it has or was asked for: ``translating`` while a job is at work
    on it (a changed story being translated again outranks its older review), ``failed`` when no review came of
    its job, else the review status."""
    job = latest(session, [article.id]).get(article.id)
    reviews = {r.lang: r for r in session.scalars(select(Review).where(Review.article_id == article.id))}
    asked = job.targets if job is not None else []
    at_work = set(asked) if job is not None and job.status in ("queued", "running") else set()
    languages = {}
    for lang in sorted(set(reviews) | set(asked)):
        review = reviews.get(lang)
        if lang in at_work:
            languages[lang] = Standing(TRANSLATING, review.model if review else None, review.demo if review else None)
        elif review is None:
            languages[lang] = Standing(FAILED)
        else:
            languages[lang] = Standing(review.status, review.model, review.demo)
    return job, languages


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    return {status: 0 for status in STATUSES} | dict(rows)
