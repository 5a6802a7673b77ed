"""Admin pages: the user list, creating and importing users, role, status and password changes."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ..extensions import db
from ..models import ROLES, User
from ..services import users as service
from ..services.users import ImportRejected, UserError
from .admin_forms import NO_MANAGER, ImportForm, PasswordForm, RoleForm, UserForm
from .forms import EmptyForm
from .guards import role_required

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")


def _actor() -> User:
    return current_user._get_current_object()


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?", ")")) else message + "."


def _show_problems(form: FlaskForm, exc: UserError) -> None:
    """Each problem beside its field; one about no field in particular as a message."""
    for field, message in exc.problems.items():
        if field in form:
            form[field].errors = [*form[field].errors, _sentence(message)]
        else:
            flash(_sentence(message), "error")


@bp.get("/")
@role_required("admin")
def index():
    return redirect(url_for(".users"))


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=service.list_users(), roles=ROLES,
                           action_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    form = UserForm()
    form.manager_email.choices = [NO_MANAGER] + [
        SelectChoice(m.email, f"{m.name} ({m.email})") for m in service.possible_managers()]
    if form.validate_on_submit():
        try:
            user = service.create_user(
                form.email.data, form.name.data, form.role.data, form.department.data,
                manager_email=form.manager_email.data, password=form.password.data or None,
                start_date=form.start_date.data, actor=_actor(), ip=request.remote_addr)
        except UserError as exc:
            _show_problems(form, exc)
        else:
            note = "" if user.password_hash else " They cannot log in until a password is set."
            flash(f"Created {user.name} ({user.email}).{note}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/new_user.html", form=form,
                           departments=service.department_names())


@bp.route("/users/import", methods=["GET", "POST"])
@role_required("admin")
def import_users():
    form = ImportForm()
    report, problems = None, []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = service.import_users_csv(upload.stream, actor=_actor(),
                                              source=upload.filename or "", ip=request.remote_addr)
        except ImportRejected as exc:
            problems = exc.problems
    return render_template("admin/import.html", form=form, report=report, problems=problems)


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.set_active(user, active, actor=_actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(_sentence(str(exc)), "error")
    else:
        flash(f"{user.name} is {'active again' if active else 'deactivated'}.", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.change_role(user, form.role.data, actor=_actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(_sentence(str(exc)), "error")
    else:
        flash(f"{user.name} is now {user.role}.", "success")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required("admin")
def set_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:  # one's own: the current password is required, on this page
        return redirect(url_for("auth.change_password"))
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password(user, form.password.data, actor=_actor(), ip=request.remote_addr)
        except UserError as exc:
            _show_problems(form, exc)
        else:
            flash(f"New password set for {user.name}.", "success")
            return redirect(url_for(".users"))
    return render_template("admin/password.html", form=form, user=user)
