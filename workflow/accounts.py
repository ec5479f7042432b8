"""People who use the review app: readers download approved briefs, editors review, admins manage users."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.store import LoginFailure, Store, User, utcnow

ROLES = ("reader", "editor", "admin")
MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,79}$")
# Compared against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    pass


def add_user(store: Store, username: str, password: str, role: str) -> User:
    if not _USERNAME.match(username or ""):
        raise AccountError("a username is 2-80 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    with store.session() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise AccountError(f"user {username!r} already exists")
        user = User(username=username, password_hash=generate_password_hash(password), role=role)
        session.add(user)
    return user


def set_password(store: Store, username: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    with store.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError(f"no user {username!r}")
        user.password_hash = generate_password_hash(password)


def list_users(store: Store) -> list[User]:
    with store.read() as session:
        return list(session.scalars(select(User).order_by(User.username)))


def get_user(store: Store, user_id: int) -> User | None:
    with store.read() as session:
        return session.get(User, user_id)


def remove_user(store: Store, username: str) -> None:
    with store.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError(f"no user {username!r}")
        session.delete(user)


def authenticate(store: Store, username: str, password: str) -> User | None:
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# --- login rate limit: in the database, so every server process sees the same failures -------------------------


def login_blocked(store: Store, keys: tuple[str, ...], attempts: int, window_s: float) -> bool:
    """Whether any of ``keys`` (``ip:…``, ``user:…``) failed ``attempts`` times in the last ``window_s``."""
    since = utcnow() - timedelta(seconds=window_s)
    with store.read() as session:
        return any(session.scalar(select(func.count()).where(LoginFailure.key == key, LoginFailure.at > since))
                   >= attempts for key in keys)


def login_failed(store: Store, keys: tuple[str, ...], window_s: float) -> None:
    """Record a failed login under each key, forgetting failures older than the window."""
    now = utcnow()
    with store.session() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=window_s)))
        session.add_all(LoginFailure(key=key, at=now) for key in keys)


def login_succeeded(store: Store, keys: tuple[str, ...]) -> None:
    with store.session() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys)))
