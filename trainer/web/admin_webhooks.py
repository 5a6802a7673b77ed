"""Admin page for outbound events: webhook endpoints (add with a secret shown once, remove), and
the recent deliveries to them and to the xAPI LRS with their status and a "retry" button.
Anyone but an admin gets a 404. Also hooks the sweep of due deliveries into web requests."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.webhook_signing import TOLERANCE_SECONDS
from ..extensions import db
from ..models.outbound import DELIVERED, FAILED, PENDING, OutboundDelivery, WebhookEndpoint
from ..services import auth, outbound_delivery, xapi
from ..services import webhooks as service
from ..services.webhooks import WebhookError
from .acting import sentence
from .forms import EmptyForm
from .guards import role_required
from .paging import log_position
from .security import SESSION_TOKEN_KEY

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks")

REVEAL_KEY = "webhook_reveal"  # session key: which new endpoint's secret to show, and the pad
STATUSES = (PENDING, DELIVERED, FAILED)


class EndpointForm(FlaskForm):
    url = StringField("URL", validators=[DataRequired(), Length(max=service.MAX_URL)],
                      render_kw={"autocomplete": "off", "inputmode": "url",
                                 "placeholder": "https://router.example.com/hooks/trainer"})
    description = StringField("Description", validators=[Optional(),
                                                         Length(max=service.MAX_DESCRIPTION)],
                              render_kw={"autocomplete": "off",
                                         "placeholder": "e.g. Helpdesk routing"})


@bp.before_app_request
def _sweep_due_deliveries() -> None:
    outbound_delivery.sweep_if_due()


def _page(form: EndpointForm, status: int = 200):
    state = request.args.get("status", "")
    state = state if state in STATUSES else ""
    before, after = log_position()
    return render_template("admin_webhooks/index.html", form=form, action_form=EmptyForm(),
                           endpoints=service.list_endpoints(), status=state, statuses=STATUSES,
                           page=service.delivery_page(state, before, after),
                           position={"before": before, "after": after},
                           xapi_on=xapi.is_enabled()), status


@bp.get("")
@role_required("admin")
def index():
    return _page(EndpointForm())


@bp.post("")
@role_required("admin")
def add():
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = service.add_endpoint(form.url.data, form.description.data or "",
                                                    actor=current_user._get_current_object(),
                                                    ip=request.remote_addr)
        except WebhookError as exc:
            form.url.errors = [*form.url.errors, sentence(str(exc))]
        else:  # POST/redirect/GET: the secret is shown on the next page, once
            pad = auth.stash_secret(session.get(SESSION_TOKEN_KEY), secret)
            session[REVEAL_KEY] = {"endpoint_id": endpoint.id, "pad": pad}
            return redirect(url_for(".created"))
    return _page(form, 400)


@bp.get("/created")
@role_required("admin")
def created():
    reveal = session.pop(REVEAL_KEY, None) or {}
    secret = auth.take_secret(session.get(SESSION_TOKEN_KEY), reveal.get("pad"))
    endpoint_id = reveal.get("endpoint_id")
    endpoint = (db.session.get(WebhookEndpoint, endpoint_id)
                if secret and isinstance(endpoint_id, int) else None)
    if endpoint is None:
        flash("An endpoint's secret is shown only once, straight after it is added. If it was "
              "not copied, remove the endpoint and add it again.", "info")
        return redirect(url_for(".index"))
    return render_template("admin_webhooks/created.html", endpoint=endpoint, secret=secret,
                           tolerance=TOLERANCE_SECONDS)


@bp.post("/<int:endpoint_id>/remove")
@role_required("admin")
def remove(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.remove_endpoint(endpoint, actor=current_user._get_current_object(),
                                ip=request.remote_addr)
    except WebhookError as exc:
        flash(sentence(str(exc)), "error")
    else:
        flash(f"Endpoint {endpoint.url} removed: it gets no more events.", "success")
    return redirect(url_for(".index"))


@bp.post("/deliveries/<int:delivery_id>/retry")
@role_required("admin")
def retry(delivery_id: int):
    delivery = db.get_or_404(OutboundDelivery, delivery_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if delivery.status == DELIVERED:
        flash(f"Delivery {delivery.id} was already delivered.", "info")
    else:
        outbound_delivery.retry(delivery)
        db.session.refresh(delivery)
        flash(f"Delivery {delivery.id}: {delivery.status}"
              + (f" ({delivery.last_error})" if delivery.status != DELIVERED
                 and delivery.last_error else "") + ".",
              "success" if delivery.status == DELIVERED else "info")
    return redirect(url_for(".index", **{arg: request.args.get(arg) or None
                                         for arg in ("before", "after", "status")}))
