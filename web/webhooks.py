"""Publishing, for admins: webhooks (add, test, send failed ones again, remove, the delivery log) and whether
the Atom feeds are public."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from web import store
from web.auth import role_required
from web.validators import length, required
from web.words import said
from workflow import events, feeds, webhooks

blueprint = Blueprint("webhooks", __name__, url_prefix="/admin/publishing")


class WebhookForm(FlaskForm):
    url = StringField(_l("URL"), validators=[required(), length(max=2000)])
    secret = StringField(_l("Secret (at least 16 characters; empty: one is made)"), validators=[length(max=200)])
    kinds = SelectMultipleField(_l("Events (none: all)"), choices=list(events.KINDS),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


@blueprint.route("", methods=["GET", "POST"])
@role_required("admin")
def page():
    form = WebhookForm()
    status = 200
    if form.validate_on_submit():
        try:
            webhook_id, secret = webhooks.add(store(), form.url.data, form.kinds.data or [],
                                              form.secret.data or None, current_user.username)
        except webhooks.WebhookError as error:
            flash(said(error), "error")
            status = 400
        else:
            flash(_("Added webhook %(id)s.", id=webhook_id) if form.secret.data else
                  _("Added webhook %(id)s. Its secret (shown once): %(secret)s", id=webhook_id, secret=secret), "info")
            return redirect(url_for(".page"), 303)
    elif form.errors:
        status = 400
    return render_template("publishing.html", form=form, endpoints=webhooks.endpoints(store()),
                           attempts=webhooks.attempts(store()), public=feeds.public(store()),
                           feed_langs=feeds.langs()), status


@blueprint.post("/<int:webhook_id>/test")
@role_required("admin")
def test(webhook_id: int):
    try:
        attempt = webhooks.test(store(), webhook_id)
    except webhooks.WebhookError as error:
        flash(said(error), "error")
    else:
        answer = attempt.error or f"HTTP {attempt.code}"
        flash(_("Test sent to webhook %(id)s: %(answer)s", id=webhook_id, answer=answer),
              "error" if attempt.error else "info")
    return redirect(url_for(".page"), 303)


@blueprint.post("/<int:webhook_id>/resend")
@role_required("admin")
def resend(webhook_id: int):
    flash(_("%(count)s failed deliveries will be sent again.", count=webhooks.resend(store(), webhook_id)), "info")
    return redirect(url_for(".page"), 303)


@blueprint.post("/<int:webhook_id>/remove")
@role_required("admin")
def remove(webhook_id: int):
    try:
        webhooks.remove(store(), webhook_id)
    except webhooks.WebhookError as error:
        flash(said(error), "error")
    else:
        flash(_("Removed webhook %(id)s.", id=webhook_id), "info")
    return redirect(url_for(".page"), 303)


@blueprint.post("/feeds")
@role_required("admin")
def public_feeds():
    on = request.form.get("public") == "on"
    feeds.set_public(store(), on)
    flash(_("The feeds are public: anyone with the address reads them.") if on
          else _("The feeds need a login or an API token."), "info")
    return redirect(url_for(".page"), 303)
