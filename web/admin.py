"""User management, for admins only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField

from web import store
from web.auth import role_required
from web.validators import length, required
from web.words import role_name, said
from workflow import accounts
from workflow.vocabulary import ROLES

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[required(), length(max=80)])
    password = PasswordField(_l("Password"), validators=[required(), length(min=accounts.MIN_PASSWORD, max=200)])
    role = SelectField(_l("Role"), choices=list(ROLES))  # the page names them in the interface language


@blueprint.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.add_user(store(), form.username.data, form.password.data, form.role.data)
        except accounts.AccountError as error:
            flash(said(error), "error")
            status = 400
        else:
            flash(_("Added %(user)s (%(role)s).", user=form.username.data,
                    role=role_name(form.role.data)), "info")
            return redirect(url_for(".users"), 303)
    elif form.errors:
        status = 400
    return render_template("users.html", form=form, users=accounts.list_users(store())), status


@blueprint.route("/users/<username>/remove", methods=["POST"])
@role_required("admin")
def remove(username: str):
    if username == current_user.username:
        flash(_("You cannot remove yourself."), "error")
        return redirect(url_for(".users"), 303)
    try:
        accounts.remove_user(store(), username)
    except accounts.AccountError as error:
        flash(said(error), "error")
    else:
        flash(_("Removed %(user)s.", user=username), "info")
    return redirect(url_for(".users"), 303)


@blueprint.route("/users/<username>/sessions/end", methods=["POST"])
@role_required("admin")
def end_sessions(username: str):
    keep_tokens = request.form.get("keep_tokens") == "1"
    try:
        ended = accounts.end_sessions(store(), username, keep_tokens=keep_tokens)
    except accounts.AccountError as error:
        flash(said(error), "error")
    else:
        flash((_("Ended %(sessions)s session(s) of %(user)s; API tokens kept.", sessions=ended, user=username)
               if keep_tokens else
               _("Ended %(sessions)s session(s) of %(user)s; API tokens revoked.", sessions=ended, user=username)),
              "info")
    return redirect(url_for(".users"), 303)
