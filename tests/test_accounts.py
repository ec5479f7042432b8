"""Accounts at the library level: users, passwords, sessions, the login throttle and the demo login, on real
SQLite."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from workflow import accounts
from workflow.errors import BriefdeskError
from workflow.store import LoginFailure, LoginSession, User

ADDRESS = "10.0.0.1"


def names(store) -> list[str]:
    return [user.username for user in accounts.list_users(store)]


def count(store, model, *where) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def age(store, model, seconds: float) -> None:
    """Move every row back in time, as if written ``seconds`` earlier (say, by another server process)."""
    columns = ("at",) if model is LoginFailure else ("created_at", "seen_at")
    with store.session() as session:
        for row in session.scalars(select(model)):
            for column in columns:
                setattr(row, column, getattr(row, column) - timedelta(seconds=seconds))


# --- add_user -----------------------------------------------------------------------------------------------


def test_account_error_is_a_briefdesk_error():
    assert issubclass(accounts.AccountError, BriefdeskError)


def test_add_user_stores_a_hashed_password_and_the_role(store):
    user = accounts.add_user(store, "eddie", "eddie-password", "editor")
    assert (user.username, user.role) == ("eddie", "editor") and user.id
    with store.read() as session:
        stored = session.scalar(select(User).where(User.username == "eddie"))
    assert stored.role == "editor" and stored.id == user.id
    assert "eddie-password" not in stored.password_hash and len(stored.password_hash) > 20


@pytest.mark.parametrize("username", [
    "", "   ", "\n", "a", " a ", "-eddie", ".eddie", "_eddie", "ed die", "ed/die", "ed:die", "ed\ndie", "édouard",
    "eddie!", "x" * 81, None])
def test_add_user_refuses_bad_usernames(store, username):
    with pytest.raises(accounts.AccountError, match="username"):
        accounts.add_user(store, username, "long-enough-password", "editor")
    assert names(store) == []


@pytest.mark.parametrize("username,stored", [
    ("ab", "ab"), ("eddie", "eddie"), ("e.d_d-ie", "e.d_d-ie"), ("9lives", "9lives"), ("x" * 80, "x" * 80),
    ("Eddie", "eddie"), ("  eddie\n", "eddie"), ("ＥＤＤＩＥ", "eddie"), ("E2", "e2")])
def test_add_user_stores_usernames_in_one_form(store, username, stored):
    assert accounts.normalize(username) == stored
    accounts.add_user(store, username, "long-enough-password", "reader")
    assert names(store) == [stored]
    assert accounts.authenticate(store, stored, "long-enough-password") is not None


@pytest.mark.parametrize("password", ["", None, "1234567", "short"])
def test_add_user_refuses_short_passwords(store, password):
    with pytest.raises(accounts.AccountError, match="at least 8 characters"):
        accounts.add_user(store, "eddie", password, "editor")
    assert names(store) == []


def test_add_user_accepts_a_password_of_exactly_the_minimum(store):
    password = "x" * accounts.MIN_PASSWORD
    accounts.add_user(store, "eddie", password, "editor")
    assert accounts.authenticate(store, "eddie", password) is not None


@pytest.mark.parametrize("role", ["", "superuser", "Admin", "editors", None])
def test_add_user_refuses_unknown_roles(store, role):
    with pytest.raises(accounts.AccountError, match="unknown role"):
        accounts.add_user(store, "eddie", "eddie-password", role)
    assert names(store) == []


@pytest.mark.parametrize("again", ["eddie", "Eddie", " EDDIE "])
def test_add_user_refuses_a_duplicate_and_keeps_the_first(store, again):
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(store, again, "other-password", "admin")
    assert names(store) == ["eddie"]
    assert accounts.list_users(store)[0].role == "editor"
    assert accounts.authenticate(store, "eddie", "eddie-password") is not None
    assert accounts.authenticate(store, "eddie", "other-password") is None


# --- authenticate, set_password, set_role, remove_user, list_users --------------------------------------------


def test_authenticate(store):
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    accounts.add_user(store, "rita", "rita-password", "reader")
    user = accounts.authenticate(store, "eddie", "eddie-password")
    assert user is not None and (user.username, user.role) == ("eddie", "editor")
    assert accounts.authenticate(store, " Eddie", "eddie-password").username == "eddie"  # one form of the name
    assert accounts.authenticate(store, "eddie", "rita-password") is None
    assert accounts.authenticate(store, "eddie", "Eddie-password") is None  # passwords are not normalized
    assert accounts.authenticate(store, "eddie", "eddie-password ") is None
    assert accounts.authenticate(store, "eddie", "") is None
    assert accounts.authenticate(store, "eddie", None) is None
    assert accounts.authenticate(store, "nobody", "eddie-password") is None
    assert accounts.authenticate(store, "", "eddie-password") is None


def test_set_password_replaces_the_old_one(store):
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    accounts.set_password(store, "Eddie", "a-new-password")
    assert accounts.authenticate(store, "eddie", "a-new-password").role == "editor"
    assert accounts.authenticate(store, "eddie", "eddie-password") is None


def test_set_password_refuses_short_passwords_and_unknown_users(store):
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    with pytest.raises(accounts.AccountError, match="at least"):
        accounts.set_password(store, "eddie", "short")
    assert accounts.authenticate(store, "eddie", "eddie-password") is not None
    with pytest.raises(accounts.AccountError, match="no user 'nobody'"):
        accounts.set_password(store, "nobody", "long-enough-password")
    assert names(store) == ["eddie"]


def test_set_role(store):
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    accounts.set_role(store, "EDDIE", "admin")
    assert accounts.authenticate(store, "eddie", "eddie-password").role == "admin"
    with pytest.raises(accounts.AccountError, match="unknown role"):
        accounts.set_role(store, "eddie", "owner")
    with pytest.raises(accounts.AccountError, match="no user"):
        accounts.set_role(store, "nobody", "reader")
    assert [(u.username, u.role) for u in accounts.list_users(store)] == [("eddie", "admin")]


def test_remove_user(store):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    accounts.add_user(store, "erin", "erin-password", "editor")
    accounts.remove_user(store, "Eddie")
    assert names(store) == ["erin"]
    assert accounts.authenticate(store, "eddie", "eddie-password") is None
    with pytest.raises(accounts.AccountError, match="no user 'eddie'"):
        accounts.remove_user(store, "eddie")
    assert names(store) == ["erin"]
    again = accounts.add_user(store, "eddie", "another-password", "reader")  # the name is free again...
    assert accounts.authenticate(store, "eddie", "another-password").role == "reader"
    assert again.id > eddie.id  # ...but not the id: nothing keyed by the old id can reach the new user


def test_list_users_is_ordered_by_username(store):
    assert accounts.list_users(store) == []
    for name, role in (("rita", "reader"), ("ada", "admin"), ("Erin", "editor"), ("eddie", "editor")):
        accounts.add_user(store, name, f"{name}-password", role)
    users = accounts.list_users(store)
    assert [(u.username, u.role) for u in users] == [
        ("ada", "admin"), ("eddie", "editor"), ("erin", "editor"), ("rita", "reader")]


# --- sessions ------------------------------------------------------------------------------------------------


def test_a_session_token_finds_its_user_until_it_ends(store):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    token = accounts.start_session(store, eddie.id)
    other = accounts.start_session(store, eddie.id)
    assert token != other and len(token) >= 32
    assert accounts.session_user(store, token).username == "eddie"
    with store.read() as session:
        assert token not in set(session.scalars(select(LoginSession.id)))  # only a hash is stored
    accounts.end_session(store, token)
    assert accounts.session_user(store, token) is None
    assert accounts.session_user(store, other).username == "eddie"  # the other browser is still logged in
    assert accounts.session_user(store, "not-a-token") is None


@pytest.mark.parametrize("change", [
    lambda store: accounts.set_password(store, "eddie", "a-new-password"),
    lambda store: accounts.set_role(store, "eddie", "reader"),
    lambda store: accounts.remove_user(store, "eddie"),
    lambda store: accounts.end_sessions(store, "eddie")])
def test_password_role_removal_and_end_sessions_end_every_session_of_the_user(store, change):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    erin = accounts.add_user(store, "erin", "erin-password", "editor")
    tokens = [accounts.start_session(store, eddie.id) for _ in range(2)]
    erins = accounts.start_session(store, erin.id)
    change(store)
    assert [accounts.session_user(store, t) for t in tokens] == [None, None]
    assert accounts.session_user(store, erins).username == "erin"
    assert count(store, LoginSession, LoginSession.user_id == eddie.id) == 0


def test_end_sessions_counts_them(store):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    for _ in range(3):
        accounts.start_session(store, eddie.id)
    assert accounts.end_sessions(store, "eddie") == 3
    assert accounts.end_sessions(store, "eddie") == 0
    with pytest.raises(accounts.AccountError, match="no user"):
        accounts.end_sessions(store, "nobody")


def test_sessions_expire_when_idle_or_too_old(store):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    idle = accounts.start_session(store, eddie.id)
    age(store, LoginSession, 31 * 60)
    fresh = accounts.start_session(store, eddie.id)
    lifetimes = accounts.Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
    assert accounts.session_user(store, idle, lifetimes) is None
    assert accounts.session_user(store, fresh, lifetimes).username == "eddie"
    assert count(store, LoginSession) == 1  # the expired session is deleted
    age(store, LoginSession, 9 * 3600)  # not idle for longer than ten hours, but logged in more than eight ago
    assert accounts.session_user(store, fresh, accounts.Lifetimes(idle=timedelta(hours=10))) is not None
    assert accounts.session_user(store, fresh, accounts.Lifetimes(idle=timedelta(hours=10),
                                                                  absolute=timedelta(hours=8))) is None
    assert count(store, LoginSession) == 0


def test_a_used_session_stays_alive(store):
    eddie = accounts.add_user(store, "eddie", "eddie-password", "editor")
    token = accounts.start_session(store, eddie.id)
    lifetimes = accounts.Lifetimes(idle=timedelta(minutes=10))
    age(store, LoginSession, 8 * 60)
    assert accounts.session_user(store, token, lifetimes) is not None  # seen now: the idle clock restarts
    age(store, LoginSession, 8 * 60)
    assert accounts.session_user(store, token, lifetimes) is not None


# --- login throttle ------------------------------------------------------------------------------------------


def test_a_pair_waits_after_its_free_failures_with_back_off(store):
    throttle = accounts.Throttle(free_failures=3)
    for _ in range(2):
        accounts.login_failed(store, ADDRESS, "eddie", throttle)
        assert accounts.login_wait(store, ADDRESS, "eddie", throttle) == 0
    accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert 1 <= accounts.login_wait(store, ADDRESS, "eddie", throttle) <= 2
    accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert 3 <= accounts.login_wait(store, ADDRESS, "eddie", throttle) <= 4
    accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert 7 <= accounts.login_wait(store, ADDRESS, "eddie", throttle) <= 8
    assert 7 <= accounts.login_wait(store, ADDRESS, " EDDIE ", throttle) <= 8  # one form of the name
    # the same account from elsewhere, and another account from here, are not held up
    assert accounts.login_wait(store, "10.0.0.2", "eddie", throttle) == 0
    assert accounts.login_wait(store, ADDRESS, "erin", throttle) == 0


def test_the_wait_is_counted_from_the_last_failure_and_capped(store):
    throttle = accounts.Throttle(free_failures=1, max_wait=timedelta(seconds=30))
    for _ in range(8):
        accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert 29 <= accounts.login_wait(store, ADDRESS, "eddie", throttle) <= 30
    age(store, LoginFailure, 20)
    assert 9 <= accounts.login_wait(store, ADDRESS, "eddie", throttle) <= 10
    age(store, LoginFailure, 11)
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) == 0


def test_failures_older_than_the_window_do_not_count(store):
    throttle = accounts.Throttle(window=timedelta(minutes=5), free_failures=2, address_failures=2)
    for _ in range(4):
        accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) > 0
    assert accounts.address_limited(store, ADDRESS, throttle)
    age(store, LoginFailure, 6 * 60)
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) == 0
    assert not accounts.address_limited(store, ADDRESS, throttle)
    assert count(store, LoginFailure) == 8  # still there, until the next failure clears them


def test_a_tiny_window_expires(store):
    throttle = accounts.Throttle(window=timedelta(seconds=0.3), free_failures=1, address_failures=1)
    accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) > 0 and accounts.address_limited(store, ADDRESS,
                                                                                                    throttle)
    time.sleep(0.4)
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) == 0
    assert not accounts.address_limited(store, ADDRESS, throttle)


def test_login_failed_forgets_failures_older_than_the_window(store):
    throttle = accounts.Throttle(window=timedelta(minutes=5))
    for name in ("eddie", "erin", "rita"):
        accounts.login_failed(store, "10.0.0.7", name, throttle)
    age(store, LoginFailure, 10 * 60)
    accounts.login_failed(store, "10.0.0.8", "ada", throttle)
    accounts.login_failed(store, ADDRESS, "eddie", throttle)
    assert count(store, LoginFailure) == 4  # the pair and the address of the two recent failures, nothing older
    assert count(store, LoginFailure, LoginFailure.key == "ip:10.0.0.7") == 0


def test_an_address_trying_many_usernames_is_limited(store):
    throttle = accounts.Throttle(address_failures=5)
    for index in range(4):
        accounts.login_failed(store, ADDRESS, f"user{index}", throttle)
        assert not accounts.address_limited(store, ADDRESS, throttle)
    accounts.login_failed(store, ADDRESS, "user4", throttle)
    assert accounts.address_limited(store, ADDRESS, throttle)
    assert not accounts.address_limited(store, "10.0.0.2", throttle)
    assert all(accounts.login_wait(store, ADDRESS, f"user{i}", throttle) == 0 for i in range(5))


def test_login_succeeded_clears_the_pair_but_not_the_address(store):
    throttle = accounts.Throttle(free_failures=2, address_failures=3)
    for _ in range(3):
        accounts.login_failed(store, ADDRESS, "eddie", throttle)
        accounts.login_failed(store, ADDRESS, "erin", throttle)
    accounts.login_succeeded(store, ADDRESS, "Eddie")
    assert accounts.login_wait(store, ADDRESS, "eddie", throttle) == 0
    assert accounts.login_wait(store, ADDRESS, "erin", throttle) > 0
    assert accounts.address_limited(store, ADDRESS, throttle)


def test_the_wait_stays_capped_however_many_failures(store):
    for _ in range(60):
        accounts.login_failed(store, ADDRESS, "eddie")
    # 2 ** 58 seconds would overflow a timedelta: the wait is capped before it is computed
    assert 0 < accounts.login_wait(store, ADDRESS, "eddie") <= accounts.Throttle().max_wait.total_seconds()


# --- demo login ----------------------------------------------------------------------------------------------


def test_demo_login_creates_an_admin_with_a_fresh_password_each_time(store):
    first = accounts.demo_login(store)
    assert len(first) >= accounts.MIN_PASSWORD
    user = accounts.authenticate(store, "demo", first)
    assert user is not None and user.role == "admin"
    token = accounts.start_session(store, user.id)
    second = accounts.demo_login(store)
    assert second != first
    assert accounts.authenticate(store, "demo", second) is not None
    assert accounts.authenticate(store, "demo", first) is None
    assert accounts.session_user(store, token) is None  # whoever had the old password is logged out
    assert names(store) == ["demo"]


def test_demo_login_makes_an_existing_demo_user_an_admin(store):
    accounts.add_user(store, "demo", "demo-password", "reader")
    password = accounts.demo_login(store)
    assert accounts.authenticate(store, "demo", password).role == "admin"  # as the CLI announces
    assert accounts.authenticate(store, "demo", "demo-password") is None
