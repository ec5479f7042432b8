"""Login, logout, the current user, role checks, and where a login may send the browser next.

A session is a row in the store (``workflow.accounts``): the cookie carries only a random token, so logout,
a password or role change, removal and an admin's "end sessions" take effect on the very next request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from web import store
from web.validators import length, required
from workflow import accounts
from workflow.errors import N_
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please log in.")
login_manager.localize_callback = _
login_manager.session_protection = "strong"


@dataclass
class SessionUser(UserMixin):
    token: str
    """The session's token: what the cookie holds, and what identifies the user to Flask-Login."""
    username: str
    role: str
    locale: str = ""
    """Their interface language ("": the browser's), read with the session on every request."""

    def get_id(self) -> str:
        return self.token

    @property
    def can_review(self) -> bool:
        return self.role in REVIEWERS

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def init_app(app) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(token: str) -> SessionUser | None:
    config = current_app.extensions["briefdesk_config"]
    lifetimes = accounts.Lifetimes(idle=timedelta(minutes=config.session_idle_minutes),
                                   absolute=timedelta(hours=config.session_hours))
    user = accounts.session_user(store(), token, lifetimes)
    return SessionUser(token, user.username, user.role, user.locale) if user else None


def role_required(*roles: str):
    """Logged in and one of ``roles``; anyone else gets 403 (anonymous users go to the login page)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[required(), length(max=80)])
    password = PasswordField(_l("Password"), validators=[required(), length(max=200)])


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address, username = request.remote_addr or "?", form.username.data
        wait = accounts.login_wait(store(), address, username)
        if wait:
            flash(_("Too many failed logins. Try again in %(seconds)s seconds.", seconds=wait), "error")
            return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
        limited = accounts.address_limited(store(), address)
        user = accounts.authenticate(store(), username, form.password.data)
        if user is not None:
            accounts.login_succeeded(store(), address, username)
            chosen_here = session.pop("locale_to_keep", False)
            if not chosen_here:
                session.pop("locale", None)  # the last user's, left by their logout: not this one's
            locale = user.locale or session.get("locale", "")
            if locale != user.locale:  # chosen on the login page: kept in the account from now on
                accounts.set_locale(store(), user.username, locale)
            login_user(SessionUser(accounts.start_session(store(), user.id), user.username, user.role, locale))
            return redirect(safe_next(request.args.get("next", "")) or url_for("queue.index"))
        accounts.login_failed(store(), address, username)
        flash(_("Too many failed logins from this address. Wait a few minutes and try again.") if limited
              else _("Wrong username or password."), "error")
        status = 429 if limited else 401
    return render_template("login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_session(store(), current_user.token)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


_STRIPPED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_REMOVED = re.compile(r"[\t\n\r]")


def safe_next(target: str) -> str | None:
    """``target`` as a path on this site, or None. Decided on the URL a browser would follow: browsers strip
    leading/trailing control characters and spaces, drop tabs and newlines anywhere, and read ``\\`` as ``/``;
    anything that then names a scheme or a host (``//host``), or any other control character, is refused."""
    cleaned = _REMOVED.sub("", _STRIPPED.sub("", target or "")).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//") or re.search(r"[\x00-\x1f\x7f]", cleaned):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or "//" in parts.path or re.search(r"(^|/)\.\.?(/|$)", parts.path):
        return None
    final = quote(cleaned, safe="/?&=%#:@!$'()*+,;~-._")
    final_parts = urlsplit(final)
    return final if not final_parts.scheme and not final_parts.netloc and final.startswith("/") else None
