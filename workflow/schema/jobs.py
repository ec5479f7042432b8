"""Work in flight: stories waiting for a worker, and the queue's counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.schema.base import Base, utcnow


class Job(Base):
    """A story added through the web or the API, to be translated by a worker. A worker claims it (status
    ``running``) and keeps ``heartbeat_at`` fresh; a claim whose heartbeat is older than the lease is taken
    over, so a killed worker's story is picked up again."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    targets: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """``queued``, ``running``, ``done`` or ``failed``."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class QueueCount(Base):
    """A change in the number of reviews with a (language, status), or of articles (both empty). Database
    triggers (migration 0012) add a row for every insert, delete and status change, so every writer, this code or
    not, keeps the counts exact; summing the rows gives the counts. Rows only ever get added (no row is a point
    of contention between writers); a queue read and the end of a batch fold them into one row per pair
    (``workflow.queue_counts``)."""

    __tablename__ = "queue_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(16), default="")
    n: Mapped[int] = mapped_column(Integer)
