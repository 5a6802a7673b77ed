"""Open Badges pages: a clearance's badge for its holder (or their manager, or an admin), the
public verify page, and what verifiers fetch: issuer profile, keys, achievements, status lists."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..models import Clearance
from ..services import badges as service
from ..services.badge_checks import MAX_TOKEN_CHARS, verify_badge
from ..services.status_list import list_exists, status_credential_token
from .forms import EmptyForm

bp = Blueprint("badges", __name__)

STATUS_MAX_AGE = 60  # seconds a verifier may cache a status list


class VerifyForm(FlaskForm):
    credential = TextAreaField("Credential (the JWT, as downloaded)", validators=[
        DataRequired(message="Paste the credential first."),
        Length(max=MAX_TOKEN_CHARS, message="That is far too long to be a credential.")],
        render_kw={"rows": 8, "spellcheck": "false", "autocapitalize": "none"})
    email = EmailField("Holder's email address (optional: checked against the credential)",
                       validators=[Optional(), Length(max=254)],
                       render_kw={"spellcheck": "false", "autocapitalize": "none"})


@bp.app_context_processor
def _badges_context() -> dict:
    """Pages offer "Download badge" only when an issuer key is configured."""
    return {"badges_enabled": service.is_configured()}


def _urls() -> service.Urls:
    base = current_app.config.get("TRAINER_BASE_URL") or request.url_root
    return service.Urls(base.rstrip("/"))


def _unavailable(message: str, code: int):
    return render_template("badges/unavailable.html", message=message), code


@bp.post("/badges/clearances/<int:clearance_id>/download")
@login_required
def download(clearance_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    clearance = db.get_or_404(Clearance, clearance_id)
    try:
        row = service.issue_badge(clearance, current_user, _urls())
    except service.BadgeHidden:
        abort(404)
    except service.BadgeKeyError as exc:
        return _unavailable(f"Badges are not available here: {exc}", 404)
    except service.BadgeError as exc:
        return _unavailable(str(exc), 409)
    name = f"clearance-{clearance.category}-level-{clearance.level}.jwt"
    return Response(row.token, mimetype=service.MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/badges/verify", methods=["GET", "POST"])
def verify():
    """Paste a credential (POST), or link to one (GET ?credential=...): no login needed."""
    if request.method == "GET":
        form = VerifyForm(formdata=request.args or None, meta={"csrf": False})
        asked = "credential" in request.args
    else:
        form, asked = VerifyForm(), True
    result = None
    if asked and form.validate():
        result = verify_badge(form.credential.data, _urls(), email=form.email.data)
    return render_template("badges/verify.html", form=form, result=result,
                           configured=service.is_configured()), 422 if asked and not result else 200


def _json(body, code: int = 200, max_age: int = 300):
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run anywhere
    return response


def _key_missing():
    return _json({"error": "badges are not set up: no issuer key"}, 404, 0)


@bp.get("/badges/issuer")
def issuer():
    return _json(service.issuer(_urls()).profile(standalone=True))


@bp.get("/.well-known/jwks.json")
@bp.get("/badges/issuer/jwks.json")
def jwks():
    try:
        return _json(service.jwks(_urls()))
    except service.BadgeKeyError:
        return _key_missing()


@bp.get("/badges/issuer/keys/<thumbprint>")
def key(thumbprint: str):
    try:
        found = service.public_jwk(_urls())
    except service.BadgeKeyError:
        return _key_missing()
    if found["kid"].rsplit("/", 1)[-1] != thumbprint:
        return _json({"error": "no such key"}, 404, 0)
    return _json(found)


@bp.get("/badges/achievements/<category>/<int:level>")
def achievement(category: str, level: int):
    found = service.achievement_document(category, level, _urls())
    return _json(found) if found else _json({"error": "no such achievement"}, 404, 0)


@bp.get("/badges/status/<int:list_no>")
def status_list(list_no: int):
    """The signed BitstringStatusListCredential (a vc+jwt) of one list."""
    if not list_exists(list_no):
        return _json({"error": "no such status list"}, 404, 0)
    try:
        token = status_credential_token(list_no, _urls())
    except service.BadgeKeyError:
        return _key_missing()
    return Response(token, mimetype=service.MEDIA_TYPE, headers={
        "Cache-Control": f"public, max-age={STATUS_MAX_AGE}",
        "Access-Control-Allow-Origin": "*"})
