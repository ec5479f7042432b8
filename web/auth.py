"""Login, logout, the current user, and role checks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from web import store
from workflow import accounts

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in."
login_manager.session_protection = "strong"


@dataclass
class SessionUser(UserMixin):
    id: int
    username: str
    role: str

    @property
    def can_review(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def init_app(app) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    user = accounts.get_user(store(), int(user_id)) if user_id.isdigit() else None
    return SessionUser(user.id, user.username, user.role) if user else None


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
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        # Failures are counted per client address and per username, in the database: every server process
        # sees them, so more worker processes do not mean more guesses.
        keys = (f"ip:{request.remote_addr}", f"user:{form.username.data.lower()}")
        window = current_app.config["LOGIN_WINDOW_S"]
        if accounts.login_blocked(store(), keys, current_app.config["LOGIN_ATTEMPTS"], window):
            flash("Too many failed logins. Wait a few minutes and try again.", "error")
            return render_template("login.html", form=form), 429
        user = accounts.authenticate(store(), form.username.data, form.password.data)
        if user is not None:
            accounts.login_succeeded(store(), keys)
            login_user(SessionUser(user.id, user.username, user.role))
            target = request.args.get("next", "")
            # Only local paths: never redirect to another site.
            if not target.startswith("/") or target.startswith("//") or "\\" in target:
                target = url_for("queue.index")
            return redirect(target)
        accounts.login_failed(store(), keys, window)
        flash("Wrong username or password.", "error")
        status = 401
    return render_template("login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
