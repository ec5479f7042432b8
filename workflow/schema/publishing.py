"""Publishing: site settings, webhooks, the events they are told of, and each delivery and attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.schema.base import Base, utcnow


class Setting(Base):
    """A site setting an admin changes at run time (e.g. ``public_feeds``), shared by every server process."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Webhook(Base):
    """An endpoint told of events (``workflow.webhooks``); the secret signs each delivery."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Event(Base):
    """Something a CMS is told of (``workflow.events``), written in the transaction that made it happen: the
    outbox deliveries are sent from. No foreign key: an event outlives its article."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    payload: Mapped[str] = mapped_column(Text)
    """The JSON body sent, fixed when the event happened."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(Base):
    """One event for one webhook: ``pending`` until a 2xx answer (``delivered``) or the last retry (``failed``).
    A worker claims it until ``claimed_until`` before sending, so two workers never send it at once."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "webhook_id"),
                      Index("ix_deliveries_status_next", "status", "next_at"),
                      Index("ix_deliveries_webhook_article", "webhook_id", "external_id", "event_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    """The event's article, here too: deliveries of one article go out in event order."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DeliveryAttempt(Base):
    """One try at sending a delivery: when, the answer's HTTP status (None: no answer) or the error."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
