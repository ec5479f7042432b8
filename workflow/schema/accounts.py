"""Who may use the desk: users, browser sessions, the login throttle, API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.schema.base import Base, utcnow


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never given to another user

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(16), default="", server_default="")
    """The review app's interface language they chose ("": none, their browser's is used)."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored, so the table alone
    cannot be used to log in. Deleting the row ends the session at once."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    """``ip:ADDRESS`` or ``user:NAME``."""
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """A key for the CMS API, acting as its user (with the user's current role). Only the token's SHA-256 is
    stored. Revoking keeps the row (when it was made, last used, revoked); removing the user deletes it. The
    rate limit is counted here, so every server process shares it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    window_start: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """When the current rate-limit window began (a fixed window, counted in ``window_count``)."""
    window_count: Mapped[int] = mapped_column(Integer, default=0)
