"""People who use the review app, their sessions, their API tokens, and the login throttle.

Readers download approved briefs, editors review, admins also manage users. Usernames are compared in one
form (NFKC, trimmed, case-folded), so ``Eddie`` and ``eddie`` are one account. A session is a row keyed by the
hash of a random token: logout, a password or role change and removal delete a user's rows, which ends every
browser of theirs at once; sessions also end after an idle and an absolute lifetime. An API token (a CMS's key)
is stored the same way; it lasts until revoked, and a role change or removal revokes it too.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, case, delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.errors import N_, BriefdeskError
from workflow.schema import ApiToken
from workflow.store import LoginFailure, LoginSession, Store, User, utcnow
from workflow.vocabulary import ROLES

MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
# Compared against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(BriefdeskError):
    pass


def normalize(username: str) -> str:
    """The one form a username is stored and compared in."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def add_user(store: Store, username: str, password: str, role: str) -> User:
    _check_password(password)
    return _new_user(store, username, generate_password_hash(password), role)


API_ONLY = "!"
"""The password hash of an API client's account: no password matches it (it never logs in in a browser)."""


def add_api_client(store: Store, username: str, role: str) -> User:
    """An account for a CMS or script that only uses API tokens: it has no password and cannot log in (``users
    password`` can give it one later)."""
    return _new_user(store, username, API_ONLY, role)


def _new_user(store: Store, username: str, password_hash: str, role: str) -> User:
    username = normalize(username)
    if not _USERNAME.match(username):
        raise AccountError(N_("a username is 2-80 letters, digits, '.', '_' or '-', starting with a letter or digit"))
    if role not in ROLES:
        raise AccountError(N_("unknown role %(role)r; choose one of %(roles)s"), role=role, roles=", ".join(ROLES))
    with store.session() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise AccountError(N_("user %(name)r already exists"), name=username)
        user = User(username=username, password_hash=password_hash, role=role)
        session.add(user)
    return user


def set_password(store: Store, username: str, password: str, *, keep_tokens: bool = False) -> int:
    """Change a password; every session of the user ends, and every API token too unless ``keep_tokens`` (whoever
    knew the old password could have made one). Returns how many tokens were revoked."""
    _check_password(password)
    with store.session() as session:
        user = _user(session, username)
        user.password_hash = generate_password_hash(password)
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        return 0 if keep_tokens else _revoke(session, user.id)


def set_role(store: Store, username: str, role: str) -> None:
    """Change a role; every session of the user ends (they log in again with the new rights)."""
    if role not in ROLES:
        raise AccountError(N_("unknown role %(role)r; choose one of %(roles)s"), role=role, roles=", ".join(ROLES))
    with store.session() as session:
        user = _user(session, username)
        user.role = role
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        _revoke(session, user.id)  # a CMS gets a new token for the new rights, as a browser logs in again


def set_locale(store: Store, username: str, locale: str) -> None:
    """Remember the interface language a user chose ("" forgets it); the app says which ones exist."""
    with store.session() as session:
        _user(session, username).locale = locale


def exists(store: Store, username: str) -> bool:
    with store.read() as session:
        return session.scalar(select(User.id).where(User.username == normalize(username))) is not None


def list_users(store: Store) -> list[User]:
    with store.read() as session:
        return list(session.scalars(select(User).order_by(User.username)))


def remove_user(store: Store, username: str) -> None:
    with store.session() as session:
        user = _user(session, username)
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))  # explicit, as for sessions
        session.delete(user)


def authenticate(store: Store, username: str, password: str) -> User | None:
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == normalize(username)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def demo_login(store: Store) -> str:
    """Create (or reset) the ``demo`` admin with a fresh random password, returned once: nothing guessable is
    ever left behind."""
    password = secrets.token_urlsafe(12)
    try:
        add_user(store, "demo", password, "admin")
    except AccountError:  # it exists: a fresh password, and admin again whatever it was made since
        set_password(store, "demo", password)
        set_role(store, "demo", "admin")
    return password


# --- sessions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)
    """A newsroom shift: idle for two hours or twelve hours after login, log in again."""


def start_session(store: Store, user_id: int) -> str:
    """A new session for the user; returns its token (kept by the browser only)."""
    token = secrets.token_urlsafe(32)
    with store.session() as session:
        session.add(LoginSession(id=_digest(token), user_id=user_id))
    return token


@dataclass(frozen=True)
class Account:
    """Who a live session belongs to."""

    username: str
    role: str
    locale: str = ""
    """Their interface language, "" when they chose none."""


_SESSION_USER = (select(LoginSession.created_at, LoginSession.seen_at, User.username, User.role, User.locale)
                 .join(User, User.id == LoginSession.user_id).where(LoginSession.id == bindparam("digest")))
"""Built once: building the expression cost more CPU than running it."""


def session_user(store: Store, token: str, lifetimes: Lifetimes = Lifetimes()) -> Account | None:
    """The account of a live session, or None (unknown, ended or expired: an expired one is deleted). Runs on
    every page, so it is one indexed read, and a write at most once a minute."""
    now = utcnow()
    digest = _digest(token)
    with store.reading() as connection:
        row = connection.execute(_SESSION_USER, {"digest": digest}).first()
    if row is None:
        return None
    if now - row.seen_at > lifetimes.idle or now - row.created_at > lifetimes.absolute:
        end_session(store, token)
        return None
    if now - row.seen_at > timedelta(minutes=1):
        with store.session() as session:
            session.execute(update(LoginSession).where(LoginSession.id == digest).values(seen_at=now))
    return Account(row.username, row.role, row.locale)


def end_session(store: Store, token: str) -> None:
    with store.session() as session:
        session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def end_sessions(store: Store, username: str, *, keep_tokens: bool = False) -> int:
    """End every session of a user (an admin's button), and every API token too unless ``keep_tokens`` (an
    account in doubt is shut everywhere); returns how many sessions there were."""
    with store.session() as session:
        user = _user(session, username)
        if not keep_tokens:
            _revoke(session, user.id)
        return session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)).rowcount


# --- API tokens: a CMS's key, shown once, stored as a hash, counted against a rate limit ----------------------

TOKEN_PREFIX = "bd_"
"""Marks a Briefdesk token wherever one turns up (a log, a repository) so it can be recognized and revoked."""


@dataclass(frozen=True)
class RateLimit:
    """Requests per token in a fixed window (the window restarts with the first request after it ends)."""

    requests: int = 120
    window: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenAccount(Account):
    """The account a token acts for, and how long it must wait when it is over its rate limit (0: go ahead)."""

    retry_after: int = 0


def create_token(store: Store, username: str) -> str:
    """A new API token for the user; returns it (the only time it exists outside the caller's hands)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        session.add(ApiToken(user_id=_user(session, username).id, digest=_digest(token)))
    return token


def revoke_tokens(store: Store, username: str) -> int:
    """Revoke every live token of the user; returns how many there were."""
    with store.session() as session:
        return _revoke(session, _user(session, username).id)


def token_account(store: Store, token: str, limit: RateLimit = RateLimit()) -> TokenAccount | None:
    """The account of a live token, or None (unknown or revoked). Each call is a request: it is counted in the
    token's window and stamps ``last_used_at``, in one atomic update (so concurrent server processes count
    exactly)."""
    if not token.startswith(TOKEN_PREFIX):
        return None  # not one of ours: no database work for garbage
    now = utcnow()
    expired = ApiToken.window_start.is_(None) | (ApiToken.window_start <= now - limit.window)
    with store.session() as session:
        counted = session.execute(
            update(ApiToken).where(ApiToken.digest == _digest(token), ApiToken.revoked_at.is_(None)).values(
                last_used_at=now,
                window_start=case((expired, now), else_=ApiToken.window_start),
                window_count=case((expired, 1), else_=ApiToken.window_count + 1))
            .execution_options(synchronize_session=False))
        if counted.rowcount != 1:
            return None
        row = session.execute(select(User.username, User.role, ApiToken.window_start, ApiToken.window_count)
                              .join(User, User.id == ApiToken.user_id)
                              .where(ApiToken.digest == _digest(token))).one()
    wait = 0
    if row.window_count > limit.requests:
        wait = max(1, int((row.window_start + limit.window - now).total_seconds() + 0.999))
    return TokenAccount(row.username, row.role, retry_after=wait)


def _revoke(session, user_id: int) -> int:
    return session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=utcnow())).rowcount


# --- login throttle: in the database, so every server process sees the same failures ---------------------------


@dataclass(frozen=True)
class Throttle:
    """Failures are counted per (address, username) pair, with back-off, and per address. The pair's wait
    stops one attacker on one account without locking out the account's owner elsewhere; the address limit
    slows a spray of usernames, but lets a correct password through (behind a proxy, everyone shares one
    address)."""

    window: timedelta = timedelta(minutes=15)
    free_failures: int = 3
    """Failures of a pair before it has to wait: 2 s, then 4 s, 8 s... at most ``max_wait``."""
    max_wait: timedelta = timedelta(minutes=15)
    address_failures: int = 50


def login_wait(store: Store, address: str, username: str, throttle: Throttle = Throttle()) -> int:
    """Seconds this (address, username) must wait before its password is even checked (0: go ahead)."""
    now = utcnow()
    with store.read() as session:
        count, last = session.execute(select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.key == _pair(address, username), LoginFailure.at > now - throttle.window)).one()
    if count < throttle.free_failures or last is None:
        return 0
    doublings = min(count - throttle.free_failures + 1, 30)  # capped before the power: no overflow at any count
    wait = min(timedelta(seconds=2 ** doublings), throttle.max_wait)
    return max(0, int((last + wait - now).total_seconds() + 0.999))


def address_limited(store: Store, address: str, throttle: Throttle = Throttle()) -> bool:
    """Whether the address has failed too often: only a correct password gets through then."""
    with store.read() as session:
        return session.scalar(select(func.count()).where(
            LoginFailure.key == f"ip:{address}", LoginFailure.at > utcnow() - throttle.window)) \
            >= throttle.address_failures


def login_failed(store: Store, address: str, username: str, throttle: Throttle = Throttle()) -> None:
    """Record a failure for the pair and the address, forgetting failures older than the window."""
    now = utcnow()
    with store.session() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - throttle.window))
        session.add_all([LoginFailure(key=_pair(address, username), at=now), LoginFailure(key=f"ip:{address}", at=now)])


def login_succeeded(store: Store, address: str, username: str) -> None:
    """Forget the pair's failures (the address's stay: one's own success never clears others' guesses)."""
    with store.session() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.key == _pair(address, username)))


def _pair(address: str, username: str) -> str:
    return f"pair:{address}|{normalize(username)[:200]}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalize(username)))
    if user is None:
        raise AccountError(N_("no user %(name)r"), name=username)
    return user


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(N_("a password needs at least %(min)d characters"), min=MIN_PASSWORD)
