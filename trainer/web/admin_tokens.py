"""Admin pages for API tokens (create, show once, revoke) and the read-only audit log, each event
as a sentence that links the people and attempts it names."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..models import ApiToken
from ..services import audit as audit_service
from ..services import auth
from ..services import tokens as service
from ..services.audit_lines import describe_events
from ..services.tokens import TokenError
from .acting import actor, sentence
from .forms import EmptyForm
from .guards import role_required
from .paging import log_position
from .security import SESSION_TOKEN_KEY

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin")

EVENTS_PER_PAGE = 50
REVEAL_KEY = "token_reveal"  # session key: which new token to show, and the pad half


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=service.MAX_NAME)],
                       render_kw={"autocomplete": "off", "placeholder": "e.g. Helpdesk router"})


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
            token, raw = service.create_token(form.name.data, actor=actor(),
                                              ip=request.remote_addr)
        except TokenError as exc:
            form.name.errors = [*form.name.errors, sentence(str(exc))]
        else:  # POST/redirect/GET: a refresh shows the page again, it never makes a 2nd token
            pad = auth.stash_secret(session.get(SESSION_TOKEN_KEY), raw)
            session[REVEAL_KEY] = {"token_id": token.id, "pad": pad}
            return redirect(url_for(".token_created"))
    return render_template("admin_tokens/tokens.html", tokens=service.list_tokens(),
                           form=form, action_form=EmptyForm()), 400


@bp.get("/tokens/created")
@role_required("admin")
def token_created():
    """The new token, once: its value is split between the server-side session and the cookie
    (never a URL), and the server's half is cleared as it is shown."""
    reveal = session.pop(REVEAL_KEY, None) or {}
    raw = auth.take_secret(session.get(SESSION_TOKEN_KEY), reveal.get("pad"))
    token_id = reveal.get("token_id")
    token = service.get_token(token_id) if raw and isinstance(token_id, int) else None
    if token is None:
        flash("A new token is shown only once, straight after it is created. If it was not "
              "copied, revoke it and create another.", "info")
        return redirect(url_for(".tokens"))
    return render_template("admin_tokens/created.html", token=token, raw=raw)


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.revoke_token(token, actor=actor(), ip=request.remote_addr)
    except TokenError as exc:
        flash(sentence(str(exc)), "error")
    else:
        flash(f"Token '{token.name}' revoked: it no longer opens the API.", "success")
    return redirect(url_for(".tokens"))


@bp.get("/audit")
@role_required("admin")
def audit():
    """The log, newest first; the chain is verified from the last checkpoint on, WALK_LIMIT
    events a load at most (or wholly, on request)."""
    action = request.args.get("action", "").strip()[:40]
    full = request.args.get("verify") == "full"
    # Verified first: storing a checkpoint commits, which would expire the page's events (each
    # then read again on its own).
    report = audit_service.verify_chain() if full else audit_service.verify_recent(
        limit=audit_service.WALK_LIMIT)
    page = audit_service.event_page(EVENTS_PER_PAGE, action, *log_position())
    return render_template("admin_tokens/audit.html", page=page,
                           lines=describe_events(page.items, actor()), action=action,
                           actions=audit_service.recorded_actions(), report=report, full=full,
                           walk_limit=f"{audit_service.WALK_LIMIT:,}")
