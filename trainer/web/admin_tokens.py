"""Admin pages for API tokens (create, show once, revoke) and the read-only audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..models import ApiToken, AuditEvent, User
from ..services import tokens as service
from ..services.audit import verify_chain
from ..services.tokens import TokenError
from .forms import EmptyForm
from .guards import role_required

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin")

EVENTS_PER_PAGE = 50


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=service.MAX_NAME)],
                       render_kw={"autocomplete": "off", "placeholder": "e.g. Helpdesk router"})


def _sentence(message: str) -> str:
    return f"{message[:1].upper()}{message[1:]}."


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/tokens")
@role_required("admin")
def tokens():
    return render_template("admin_tokens/tokens.html", tokens=service.list_tokens(),
                           form=TokenForm(), action_form=EmptyForm())


@bp.post("/tokens")
@role_required("admin")
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, raw = service.create_token(form.name.data, actor=_actor(),
                                              ip=request.remote_addr)
        except TokenError as exc:
            form.name.errors = [*form.name.errors, _sentence(str(exc))]
        else:  # rendered, not redirected: the raw token must never sit in a URL or a session
            return render_template("admin_tokens/created.html", token=token, raw=raw)
    return render_template("admin_tokens/tokens.html", tokens=service.list_tokens(),
                           form=form, action_form=EmptyForm()), 400


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.revoke_token(token, actor=_actor(), ip=request.remote_addr)
    except TokenError as exc:
        flash(_sentence(str(exc)), "error")
    else:
        flash(f"Token '{token.name}' revoked: it no longer opens the API.", "success")
    return redirect(url_for(".tokens"))


@bp.get("/audit")
@role_required("admin")
def audit():
    action = request.args.get("action", "").strip()
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    page = db.paginate(query, per_page=EVENTS_PER_PAGE, max_per_page=EVENTS_PER_PAGE,
                       error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    actor_ids = {e.actor_id for e in page.items if e.actor_id is not None}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    return render_template("admin_tokens/audit.html", page=page, actors=actors, action=action,
                           actions=list(actions), report=verify_chain())
